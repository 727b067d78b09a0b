# Hostile response bodies against the fixture server: an endless body, a
# gzip bomb (256 MiB of zeros in 254 KiB, served with Content-Encoding:
# gzip), wrong and invalid charsets, a 2 MB single-line page, 100,000
# levels of nested HTML and 1 MB of random junk.  For each, one crawl of a
# site whose index links to three normal product pages and the fault: every
# normal item is there, the fault is counted under its name, the run is
# complete unless a page was lost (a body over the size cap makes it
# partial, exit 8, naming the page), and peak memory (peak_rss_kib in the run record) stays under a
# generous bound for the big bodies.  Where a product page carries the fault
# (bad bytes in its JSON-LD, a 2 MB line, deep nesting) its item's exact
# text is checked too.
. "$(dirname "$0")/../lib.sh"

site=$T/site
out=$T/out
. "$(dirname "$0")/fault_helpers.bash"
product_site

# A generous bound on peak memory for the big bodies (the crawl itself
# needs ~15 MiB; holding the bomb would need 256 MiB).
RSS_MAX_KIB=$((200 * 1024))

start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL

title() { sed '1d;$d' "$FILE" | jq -j --arg id "$1" 'select(.external_id == $id) | .title'; }
crawl_ok() { # LABEL [EXPECTED-ITEMS]
	check_eq "$RC $(st .status)" '0 "complete"' "$1: crawl completes (exit 0, status complete)"
	check_eq "$ITEMS" "${2:-p1 p2 p3 }" "$1: every normal page's item is present"
	check_eq "$(ls "$out" | grep -c '\.part$')" 0 "$1: no .part left"
}
# A body over the cap: the page is lost, so the run is partial.
crawl_cut() { # LABEL PATH [EXPECTED-ITEMS]
	local why="1 request failed for good (first: $U$2: too_large)"
	check_eq "$RC $(st .status) $(st .stats.failed)" '8 "partial" 1' \
		"$1: the run is partial (exit 8), one request failed for good"
	check_eq "$(jq -r .partial_reason <<<"$RUN")" "$why" "$1: partial_reason names the page cut at the cap"
	check_eq "$ITEMS" "${3:-p1 p2 p3 }" "$1: every normal page's item is present"
	check_eq "$(ls "$out" | grep -c '\.part$')" 0 "$1: no .part left"
}
rss_ok() { # LABEL
	local rss
	rss=$(st .stats.peak_rss_kib)
	check "$1: peak memory bounded ($rss KiB < $RSS_MAX_KIB KiB)" test "$rss" -gt 0 -a "$rss" -lt "$RSS_MAX_KIB"
}

# --- size caps -------------------------------------------------------------------
fault_crawl /fault/endless
crawl_cut "endless body" /fault/endless
check_eq "$(st .stats.errors)" '{"too_large":1}' "endless body: cut at --max-bytes, errors.too_large"
check_eq "$(st '[.stats.retries, .stats.responses_by_status]')" '[0,{"200":5}]' "endless body: not retried, not parsed"
rss_ok "endless body"

fault_crawl /fault/endless -- --max-bytes 50000
crawl_cut "endless body, --max-bytes 50000" /fault/endless
check_eq "$(st .stats.errors)" '{"too_large":1}' "endless body: a small --max-bytes cuts it too"

head -c 256M /dev/zero | gzip -9 > "$site/bomb.html"
printf 'Content-Type: text/html\nContent-Encoding: gzip\n' > "$site/bomb.html.headers"
# A well-behaved gzip page next to it proves the decoder runs.
product "$T/gz.html" gz
gzip -9 -c "$T/gz.html" > "$site/gz.html"
cp "$site/bomb.html.headers" "$site/gz.html.headers"
fault_crawl /bomb.html /gz.html
crawl_cut "gzip bomb" /bomb.html "gz p1 p2 p3 "
check_eq "$(st .stats.errors)" '{"too_large":1}' "gzip bomb: cut by --max-bytes on decoded bytes, errors.too_large"
check_eq "$(grep -c '^GET /bomb.html ' "$T/access.log")" 1 "gzip bomb: fetched once, not retried"
check_eq "$(title gz)" "Game gz" "gzip-encoded page decoded (its item is there)"
rss_ok "gzip bomb"

# --- charsets ----------------------------------------------------------------------
fault_crawl /fault/wrong-charset
crawl_ok "wrong charset (fixture)"
check_eq "$(st '[.stats.invalid_utf8, .stats.errors]')" '[5,{}]' \
	"windows-1252 bytes declared UTF-8: 5 bytes replaced, counted as invalid_utf8"

# windows-1252 "Café" declared UTF-8: the header wins, the bad byte becomes U+FFFD.
printf '<html><head>%s</head></html>' "$(ld cp1 $'Caf\xe9 cr\xe8me')" > "$site/cp1.html"
echo 'Content-Type: text/html; charset=utf-8' > "$site/cp1.html.headers"
# UTF-8 "Café" declared ISO-8859-1: the header wins, decoded as windows-1252.
printf '<html><head>%s</head></html>' "$(ld cp2 $'Caf\xc3\xa9')" > "$site/cp2.html"
echo 'Content-Type: text/html; charset=iso-8859-1' > "$site/cp2.html.headers"
fault_crawl /cp1.html /cp2.html
crawl_ok "wrong charset (product pages)" "cp1 cp2 p1 p2 p3 "
check_eq "$(title cp1)" "Caf� cr�me" "latin-1 bytes declared UTF-8: each bad byte is U+FFFD in the item"
check_eq "$(title cp2)" "CafÃ©" "UTF-8 bytes declared latin-1: decoded as the header says"
check_eq "$(st .stats.invalid_utf8)" 2 "wrong charset: the two replaced bytes counted"

fault_crawl /fault/invalid-utf8
crawl_ok "invalid UTF-8 (fixture)"
check_eq "$(st '[.stats.invalid_utf8, .stats.errors]')" '[12,{}]' "12 invalid bytes counted as invalid_utf8"

printf '<html><head><meta charset="utf-8">%s</head></html>' \
	"$(ld bad $'A\x80B \xc3 \xed\xa0\x80 \xf4\x90\x80\x80 ok \xc3\xa9')" > "$site/bad.html"
fault_crawl /bad.html
crawl_ok "invalid UTF-8 (product page)" "bad p1 p2 p3 "
check_eq "$(title bad | od -An -tx1 | tr -d ' \n')" \
	41efbfbd4220efbfbd20efbfbdefbfbdefbfbd20efbfbdefbfbdefbfbdefbfbd206f6b20c3a9 \
	"invalid bytes in a title become U+FFFD (one per maximal subpart), the rest kept"
check_eq "$(st .stats.invalid_utf8)" 9 "invalid UTF-8 (product page): 9 replacements counted"
check "staging file is valid UTF-8 throughout" iconv -f UTF-8 -t UTF-8 "$FILE" -o /dev/null

# --- shapes: long lines, deep nesting, junk ------------------------------------------
fault_crawl /fault/long-line/2097152
crawl_ok "2 MB single line (fixture)"
check_eq "$(st '[.stats.errors, .stats.responses_by_status]')" '[{},{"200":6}]' "2 MB line: fetched and parsed, no error"
rss_ok "2 MB single line"

{
	printf '<html><head>%s</head><body><p>' "$(ld long Long)"
	head -c 2097152 /dev/zero | tr '\0' 'y'
	printf '</p><a href="/p/1.html">again</a></body></html>'
} > "$site/long.html"
fault_crawl /long.html
crawl_ok "2 MB single line (product page)" "long p1 p2 p3 "
check_eq "$(st .stats.duplicates)" 1 "2 MB line: the link after it was still found (a duplicate)"
rss_ok "2 MB single line (product page)"

fault_crawl /fault/deep-nesting/100000
crawl_ok "100,000 nested elements (fixture)"
check_eq "$(st '[.stats.errors, .stats.responses_by_status]')" '[{},{"200":6}]' "deep nesting: parsed, no error"

nest() { # DEPTH TEXT: DEPTH nested <div>s around TEXT
	awk -v d="$1" -v t="$2" 'BEGIN { for (i = 0; i < d; i++) printf "<div>"; printf "%s", t;
		for (i = 0; i < d; i++) printf "</div>" }'
}
printf '<html><head>%s</head><body>%s</body></html>' "$(ld deep Deep)" "$(nest 100000 x)" > "$site/deep.html"
# libxml2 keeps elements down to depth 256 (docs/reliability.md): a block
# under 250 <div>s is found.
printf '<html><body>%s</body></html>' "$(nest 250 "$(ld deep250 Deep250)")" > "$site/deep250.html"
fault_crawl /deep.html /deep250.html
crawl_ok "100,000 nested elements (product page)" "deep deep250 p1 p2 p3 "
rss_ok "deep nesting"

fault_crawl /fault/junk/1048576
crawl_ok "1 MB of junk (text/plain)"
check_eq "$(st '[.stats.errors, .stats.responses_by_status]')" '[{},{"200":6}]' "junk page: parsed, no error"
curl -s "$U/fault/junk/1048576" > "$site/junk.html"
check_eq "$(stat -c %s "$site/junk.html")" 1048576 "1 MB of junk saved as an HTML page"
fault_crawl /junk.html
crawl_ok "1 MB of junk (text/html)"
# Not UTF-8 and no charset: decoded as windows-1252, which maps every byte.
check_eq "$(st '[.stats.errors, .stats.responses_by_status, .stats.invalid_utf8]')" '[{},{"200":6},0]' \
	"junk as HTML: decoded as windows-1252 and parsed, no error"
