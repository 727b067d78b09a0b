# The crawler's caps on what a server sends (docs/crawling.md, "Caps on
# what a server sends"), tried as an attacker would: endless trailers
# after a valid chunked body, a page whose reading by the spider would
# need gigabytes, a page whose tree alone is over the cap, a page of
# 50,000 links, sitemap indexes nested without end, and links and
# redirects to private and loopback addresses (directly and through a
# proxy).  Each cap is also tried lowered by its option.  Each
# case ends within its cap with a clear message naming the URL, is counted,
# and the rest of the run (three normal product pages) survives.
. "$(dirname "$0")/../lib.sh"

site=$T/site
out=$T/out
. "$(dirname "$0")/fault_helpers.bash"
product_site

start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL

# --- endless trailers: cut at MC_HEADER_BYTES_MAX (256 KiB) ---------------------------
fault_crawl /fault/endless-trailers
check_eq "$RC $(st .status) $(st .stats.failed)" '8 "partial" 1' \
	"endless trailers: the run ends (partial, exit 8), one request failed for good"
check_eq "$(st .stats.errors)" '{"headers_too_large":1}' "endless trailers: counted as errors.headers_too_large"
check_eq "$ITEMS" "p1 p2 p3 " "endless trailers: every normal page's item is present"
check_eq "$(grep -c "$U/fault/endless-trailers: headers_too_large (the response's header and trailer lines passed 256 KiB, the cap per response)" "$T/crawl.err")" 1 \
	"endless trailers: one clear message names the URL and the cap"
check_eq "$(grep -c '^GET /fault/endless-trailers ' "$T/access.log")" 1 "endless trailers: fetched once, not retried"

# The sanitizer build has no page arena and its own memory overhead: the
# engine's own charge still cuts the page, but peak RSS says nothing there.
sanitized() { ldd "$MC_BIN" 2>/dev/null | grep -q libasan; }
rss_below() { # LABEL MIB
	local rss
	if sanitized; then
		ok "$1: peak memory not measured in the sanitizer build (skip)"
		return
	fi
	rss=$(st .stats.peak_rss_kib)
	check "$1: peak memory bounded ($rss KiB < $2 MiB)" test "$rss" -gt 0 -a "$rss" -lt "$(($2 * 1024))"
}
page_lost() { # LABEL PATH [MIB]: the page at PATH dropped over its budget (MIB, default 256)
	check_eq "$RC $(st .status) $(st .stats.failed)" '8 "partial" 1' "$1: the run ends (partial, exit 8), one page lost"
	check_eq "$(st .stats.errors)" '{"page_memory":1}' "$1: counted as errors.page_memory"
	check_eq "$ITEMS" "p1 p2 p3 " "$1: every normal page's item is present"
	check_eq "$(grep -c "$U$2: page_memory (reading the page needed more than ${3:-256} MiB, the cap per page;" "$T/crawl.err")" 1 \
		"$1: one clear message names the URL and the cap"
}

# --- a page whose reading needs gigabytes: cut at MC_PAGE_MEMORY_MAX (256 MiB) -----------
# 250 nested microdata properties around 1.2 MB of text: the schemaorg spider
# reads each property's text (the whole 1.2 MB, 250 times).  Before the cap:
# 0.7 GiB for a 1.2 MB page, growing with the nesting times the text.
python3 -c "
n = 250
print('<html><body><div itemscope itemtype=\"https://schema.org/Product\">' + '<span itemprop=\"name\">' * n
      + 'x' * 1200000 + '</span>' * n + '</div></body></html>')" > "$site/nested.html"
fault_crawl /nested.html
page_lost "nested microdata" /nested.html
rss_below "nested microdata" 384

# --- a page whose tree alone needs more than the cap: the parse stops at it -------------
# 500,000 elements of two attributes in 9 MB (under --max-bytes): their
# tree needs about 380 MiB (the fast tree builder's as libxml2's).  The
# parse stops as the page goes over its budget, so the run's peak is the
# cap plus what the process holds outside the page (its bodies and
# libraries: 32 MiB allowed).  Before the parse was bounded it went on to
# the whole tree (a 400,000-link page peaked at 390 MiB).
awk 'BEGIN { printf "<html><body>"; for (i = 0; i < 500000; i++) printf "<i a=1 b=2>x</i>";
	printf "</body></html>" }' > "$site/dense.html"
fault_crawl /dense.html -- --max-depth 1
page_lost "500,000 elements" /dense.html
rss_below "500,000 elements" $((256 + 32))
# The budget is an option: lowered, the same page is cut sooner.
fault_crawl /dense.html -- --max-depth 1 --max-page-memory 64
page_lost "--max-page-memory 64" /dense.html 64
rss_below "--max-page-memory 64" $((64 + 32))

# --- a link-dense page: at most MC_FOLLOWS_PER_PAGE_MAX (20,000) links a page ---------------
# 50,000 links (offsite, so the engine drops the 20,000 it takes unfetched).
awk 'BEGIN { printf "<html><body>"; for (i = 0; i < 50000; i++) printf "<a href=\"http://other.test/l/%d\">x</a>", i;
	printf "</body></html>" }' > "$site/links.html"
fault_crawl /links.html
check_eq "$RC $(jq -r .partial_reason <<<"$RUN")" '8 30000 links past the cap of 20000 a page dropped' \
	"50,000 links: the run is partial (exit 8) and says why"
check_eq "$(st '[.stats.links_capped, .stats.offsite]')" '[30000,20000]' \
	"50,000 links: 20,000 taken (then dropped offsite), 30,000 counted as links_capped"
check_eq "$(grep -c "$U/links.html: links_capped (30000 link(s) past the first 20000 of the page dropped, the cap per page)" "$T/crawl.err")" 1 \
	"50,000 links: one message names the page and the cap"
check_eq "$ITEMS" "p1 p2 p3 " "50,000 links: every normal page's item is present"
# Past --max-depth, links are not built at all (so not capped either).
fault_crawl /links.html -- --max-depth 1
check_eq "$(st '[.stats.links_capped, .stats.depth_limited, .stats.offsite]')" '[0,50000,0]' \
	"--max-depth 1: the 50,000 links at depth 2 are dropped as too deep before anything is built"
fault_crawl /links.html -- --max-links-per-page 10
check_eq "$(st '[.stats.links_capped, .stats.offsite]')" '[49990,10]' \
	"--max-links-per-page 10: 10 links taken, 49,990 counted as links_capped"
check_eq "$(grep -c "$U/links.html: links_capped (49990 link(s) past the first 10 of the page dropped, the cap per page)" "$T/crawl.err")" 1 \
	"--max-links-per-page 10: the message names the run's cap"
check_eq "$RC $(jq -r .partial_reason <<<"$RUN")" '8 49990 links past the cap of 10 a page dropped' \
	"--max-links-per-page 10: the partial reason names the run's cap"

# --- sitemap indexes nested without end: MC_SITEMAP_DEPTH_MAX (3), --max-depth ----------
# s0.xml lists s1.xml, which lists s2.xml, ... up to s9.xml.
for i in 0 1 2 3 4 5 6 7 8; do
	printf '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>%s/s%d.xml</loc></sitemap></sitemapindex>\n' \
		"$U" $((i + 1)) > "$site/s$i.xml"
done
printf '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/p/1.html</loc></url></urlset>\n' "$U" > "$site/s9.xml"
fault_crawl -- --sitemap "$U/s0.xml"
check_eq "$(st '[.stats.sitemaps, .stats.sitemaps_capped]')" '[4,1]' \
	"nested sitemap indexes: s0 to s3 read, s4 (depth 4) not fetched and counted as sitemaps_capped"
check_eq "$(grep -c '^GET /s[4-9].xml ' "$T/access.log")" 0 "nested sitemap indexes: nothing deeper is requested"
check_eq "$(grep -c "$U/s4.xml: sitemaps_capped (sitemaps nested deeper than 3 are not read;" "$T/crawl.err")" 1 \
	"nested sitemap indexes: one message names the first sitemap dropped and the cap"
check_eq "$ITEMS" "p1 p2 p3 " "nested sitemap indexes: every normal page's item is present"
check_eq "$RC $(jq -r .partial_reason <<<"$RUN")" '8 the sitemap caps dropped 1 sitemap and 0 URLs' \
	"nested sitemap indexes: the run is partial (exit 8) and says why"
fault_crawl -- --sitemap "$U/s0.xml" --max-depth 1
check_eq "$(st '[.stats.sitemaps, .stats.sitemaps_capped]')" '[2,0]' "--max-depth 1 applies to sitemaps: s0 and s1 read"
check_eq "$(grep -c '^GET /s[2-9].xml ' "$T/access.log")" 0 "--max-depth 1: no deeper sitemap requested"
fault_crawl -- --sitemap "$U/s0.xml" --max-sitemap-depth 1
check_eq "$(st '[.stats.sitemaps, .stats.sitemaps_capped]')" '[2,1]' "--max-sitemap-depth 1: s0 and s1 read, s2 capped"
check_eq "$(grep -c "$U/s2.xml: sitemaps_capped (sitemaps nested deeper than 1 are not read;" "$T/crawl.err")" 1 \
	"--max-sitemap-depth 1: the message names the run's cap"
fault_crawl -- --sitemap "$U/s0.xml" --max-sitemaps 3
check_eq "$(st '[.stats.sitemaps, .stats.sitemaps_capped]')" '[3,1]' "--max-sitemaps 3: s0 to s2 read, s3 capped"
check_eq "$(grep -c "$U/s3.xml: sitemaps_capped (at most 3 sitemaps a run are read;" "$T/crawl.err")" 1 \
	"--max-sitemaps 3: the message names the run's cap"

# --- a sitemap of 50,010 URLs: at most MC_SITEMAP_LOCS_MAX (50,000) read ------------------------
awk 'BEGIN { printf "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
	for (i = 0; i < 50010; i++) printf "<url><loc>http://other.test/p/%d</loc></url>", i; print "</urlset>" }' > "$site/big.xml"
fault_crawl -- --sitemap "$U/big.xml"
check_eq "$(st '[.stats.sitemap_urls, .stats.sitemap_urls_capped, .stats.offsite]')" '[50000,10,50000]' \
	"50,010 locs: the first 50,000 read, 10 counted as sitemap_urls_capped"
check_eq "$(grep -c "$U/big.xml: sitemap_urls_capped (50010 locs, only the first 50000 are read)" "$T/crawl.err")" 1 \
	"50,010 locs: one message names the sitemap and the cap"
fault_crawl -- --sitemap "$U/big.xml" --max-sitemap-locs 5
check_eq "$(st '[.stats.sitemap_urls, .stats.sitemap_urls_capped]')" '[5,50005]' "--max-sitemap-locs 5: 5 locs read"
check_eq "$(grep -c "$U/big.xml: sitemap_urls_capped (50010 locs, only the first 5 are read)" "$T/crawl.err")" 1 \
	"--max-sitemap-locs 5: the message names the run's cap"
fault_crawl -- --sitemap "$U/big.xml" --max-sitemap-urls 7
check_eq "$(st '[.stats.sitemap_urls, .stats.sitemap_urls_capped]')" '[7,50003]' \
	"--max-sitemap-urls 7: 7 URLs taken, the rest of the 50,000 read and the 10 past the locs cap counted"
check_eq "$(grep -c "$U/big.xml: sitemap_urls_capped (at most 7 page URLs a run are taken from sitemaps;" "$T/crawl.err")" 1 \
	"--max-sitemap-urls 7: the message names the run's cap"

# --- headers: --max-header-bytes lowers MC_HEADER_BYTES_MAX -------------------------------
# A page with 2 KB of headers: far under the default, over a cap of 1000 bytes.
printf '<html><head>%s</head></html>' "$(ld p4 "Game p4")" > "$site/p/4.html"
printf 'X-Padding: %s\n' "$(head -c 2000 /dev/zero | tr '\0' x)" > "$site/p/4.html.headers"
fault_crawl /p/4.html
check_eq "$RC $(st .stats.errors)" '0 {}' "2 KB of headers: under the default cap"
fault_crawl /p/4.html -- --max-header-bytes 1000
check_eq "$(st .stats.errors)" '{"headers_too_large":1}' "--max-header-bytes 1000: the page with 2 KB of headers fails"
check_eq "$ITEMS" "p1 p2 p3 " "--max-header-bytes 1000: the normal pages are read"
check_eq "$(grep -c "$U/p/4.html: headers_too_large (the response's header and trailer lines passed 1000 bytes, the cap per response)" "$T/crawl.err")" 1 \
	"--max-header-bytes 1000: the message names the run's cap in bytes"
rm -f "$site/p/4.html" "$site/p/4.html.headers"

# --- a cap's value out of range is a usage error ------------------------------------------
for bad in "--max-links-per-page 0" "--max-page-memory 1x" "--max-sitemap-depth -1" "--max-header-bytes 99999999999"; do
	set -- $bad
	"$MC_BIN" crawl schemaorg --start-url "$U/" "$1" "$2" >/dev/null 2>"$T/bad.err"
	check_eq "$? $(head -n 1 "$T/bad.err" | sed 's/ from .*//')" "2 marketcrawl crawl: --${1#--} needs a whole number" \
		"$bad: refused (exit 2) with a message naming the option"
done

# --- private addresses: only the start URLs' origins, allowed domains, or --allow-private -----
# A second server on another loopback port, and a page linking (and
# redirecting) there, by address and by a name that resolves to it, and to
# the cloud metadata address.
site2=$T/site2
mkdir -p "$site2"
printf 'User-agent: *\nAllow: /\n' > "$site2/robots.txt"
printf '<html><head>%s</head><body></body></html>' "$(ld x1 "Internal x1")" > "$site2/x.html"
start_httpd "$site2" -l "$T/access2.log"
U2=$HTTPD_URL
P2=$HTTPD_PORT
links="<a href=\"http://127.0.0.1:$P2/x.html\">port</a><a href=\"http://localhost:$P2/x.html\">name</a>"
links+="<a href=\"/fault/redirect?to=http://127.0.0.1:$P2/x.html\">redirect</a>"
printf '<html><body>%s<a href="/p/1.html">1</a></body></html>' "$links" > "$site/private.html"
printf '<html><body>%s<a href="http://169.254.169.254/latest/meta-data/">metadata</a><a href="/p/1.html">1</a></body></html>' \
	"$links" > "$site/metadata.html"
private_crawl() { # PAGE [OPTIONS...]: crawl from PAGE without --allow-domain
	local page=$1
	shift
	rm -rf "$out"
	: > "$T/access2.log"
	timeout 120 "$MC_BIN" crawl schemaorg --start-url "$U/$page" --out "$out" --delay 0 --jitter 0 --retries 0 \
		--no-health --no-progress "$@" >"$T/crawl.out" 2>"$T/crawl.err"
	RC=$?
	FILE=$(ls "$out"/*.jsonl 2>/dev/null | head -n 1)
	RUN=$(tail -n 1 "$FILE" 2>/dev/null | jq -c .run 2>/dev/null)
	ITEMS=$(sed '1d;$d' "$FILE" 2>/dev/null | jq -r .external_id | sort | tr '\n' ' ')
}
private_crawl metadata.html
check_eq "$RC $(st .status)" '0 "complete"' "private addresses: the run completes (refusals are policy)"
check_eq "$ITEMS" "p1 " "private addresses: the start server's pages are crawled, nothing from the other"
# The name is refused when connected: its robots.txt, then the page.
check_eq "$(st '[.stats.private_refused, .stats.errors]')" '[5,{"private_address":2}]' \
	"private addresses: another loopback port (a link and a redirect), the metadata address and a name resolving to loopback refused"
check_eq "$(grep -c '' "$T/access2.log")" 0 "private addresses: the other server never received a request"
check_eq "$(grep -c "http://127.0.0.1:$P2/x.html: private_address (refused: 127.0.0.1 is a private, loopback or link-local address; --allow-private or --allow-domain allows it;" "$T/crawl.err")" 1 \
	"private addresses: one clear message names the first URL refused"
private_crawl private.html --allow-private
check_eq "$ITEMS" "p1 x1 x1 " "--allow-private: the other loopback server is crawled (by address and by name)"
check_eq "$(st .stats.private_refused)" 0 "--allow-private: nothing refused"
private_crawl private.html --allow-domain localhost --allow-domain 127.0.0.1
check_eq "$ITEMS" "p1 x1 x1 " "--allow-domain: its hosts may be private addresses"
# A robots.txt that redirects to another private origin: libcurl follows
# robots.txt redirects itself, and the connected address is still judged.
printf 'Status: 302\nLocation: http://127.0.0.1:%s/robots.txt\n' "$P2" > "$site/robots.txt.headers"
private_crawl private.html
check_eq "$(grep -c '' "$T/access2.log")" 0 "robots.txt redirect to another loopback port: refused, the other server never asked"
check_eq "$(st .stats.errors)" '{"private_address":3}' \
	"robots.txt redirect: counted in errors.private_address (with the name's robots.txt and page)"
check_eq "$ITEMS" "p1 " "robots.txt redirect refused: counted as no robots.txt, the start server is crawled"
# Through a proxy the connected address is the proxy's and the proxy
# resolves names, so only literal addresses are judged: the links to
# 127.0.0.1:P2 and the robots.txt redirect libcurl follows there are
# refused before the proxy is asked; the name (localhost:P2) is the
# proxy's to refuse.  The start server is its own proxy here.
private_crawl private.html --proxy "$U"
check_eq "$(grep -c "proxied Host=127.0.0.1:$P2" "$T/access.log")" 0 \
	"through a proxy: no request for a private literal address reaches the proxy, the robots.txt redirect included"
check_eq "$(st '.stats.errors.private_address')" 2 \
	"through a proxy: the robots.txt redirects (of both hosts: the proxy serves the same file) counted in errors.private_address"
check_eq "$(grep -c "proxied Host=localhost:$P2" "$T/access.log")" 2 \
	"through a proxy: a name is not resolved here (its robots.txt and page go to the proxy)"
