# Which parser built each HTML page's tree (docs/crawling.md, "The HTML
# tree"): pages the fast tree builder reproduces are counted as
# html_fast, a page it declines (here one starting with a processing
# instruction) is parsed by libxml2 and counted as html_libxml2, and the
# spider reads its item either way.
. "$(dirname "$0")/../lib.sh"

site=$T/site
out=$T/out
. "$(dirname "$0")/fault_helpers.bash"
product_site
printf '<?xml version="1.0"?><html><head>%s</head><body></body></html>' "$(ld q1 "Game q1")" > "$site/declined.html"

start_httpd "$site"
U=$HTTPD_URL

fault_crawl /declined.html
check_eq "$RC $(st .status)" '0 "complete"' "the crawl completes"
check_eq "$ITEMS" "p1 p2 p3 q1 " "every page's item is read, the declined page's too"
check_eq "$(st '[.stats.html_fast, .stats.html_libxml2]')" '[4,1]' \
	"the index and three products by the fast builder, the declined page by libxml2"
check_eq "$(grep -c 'html parsed *4 by the fast tree builder, 1 by libxml2' "$T/crawl.err")" 1 \
	"the summary says how the pages were parsed"
