# robots.txt faults (RFC 9309 section 2.3.1, docs/robots.md): a robots.txt
# answering 500 or 429 is retried and then means "disallow all" (no page is
# fetched), a 404 means "allow all", a redirect is followed, and 1 MB of
# random junk is parsed (up to the 500 KiB cap) without harm: all allowed.
# Each case is one crawl of a site whose index links to three product
# pages, with exact assertions on the pages fetched and the statistics.
# When robots.txt cannot be fetched, the only host is disallowed: nothing
# could be fetched, so the run fails (exit 1, no file; the figures are in
# the summary on stderr).  tests/integration/crawl_status.sh has the case
# of a second host whose robots.txt fails (a partial run).
. "$(dirname "$0")/../lib.sh"

site=$T/site
out=$T/out
mkdir -p "$site/p"
product() { # FILE SKU
	printf '<html><head><script type="application/ld+json">{"@type":"Product","sku":"%s","name":"Game %s","offers":{"price":"9.99","priceCurrency":"USD"}}</script></head><body></body></html>' "$2" "$2" > "$1"
}
for i in 1 2 3; do product "$site/p/$i.html" "p$i"; done
echo '<html><body><a href="/p/1.html">1</a><a href="/p/2.html">2</a><a href="/p/3.html">3</a></body></html>' \
	> "$site/index.html"
start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL

# robots_crawl: one crawl; sets RC, FILE, RUN, ITEMS and PAGES (the paths
# the server was asked for, robots.txt excluded, sorted).
robots_crawl() {
	rm -rf "$out"
	: > "$T/access.log"
	timeout 120 "$MC_BIN" crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" \
		--delay 0 --jitter 0 --retries 2 --no-health --no-progress "$@" >/dev/null 2>"$T/crawl.err"
	RC=$?
	FILE=$(ls "$out"/*.jsonl 2>/dev/null | head -n 1)
	RUN=$(tail -n 1 "$FILE" 2>/dev/null | jq -c .run 2>/dev/null)
	ITEMS=$(sed '1d;$d' "$FILE" 2>/dev/null | jq -r .external_id | sort | tr '\n' ' ')
	PAGES=$(awk '$2 != "/robots.txt" { print $2 }' "$T/access.log" | sort | tr '\n' ' ')
}
st() { jq -cS "$1" <<<"$RUN"; }
# summary NAME: a line of the statistics printed on stderr, after its name.
summary() { sed -n "s/^  $1  *//p" "$T/crawl.err"; }
# crawl_failed LABEL CAUSE: robots.txt was unreachable (CAUSE), nothing fetched.
crawl_failed() {
	check_eq "$RC|$FILE|$(ls "$out" 2>/dev/null | tr '\n' ' ')" "1||" \
		"$1: nothing could be fetched: exit 1, no .jsonl, no .part"
	check_eq "$(tail -n 1 "$T/crawl.err")" \
		"marketcrawl crawl: schemaorg: run failed: nothing could be fetched (first failure: $U/robots.txt: $2)" \
		"$1: the last line of stderr names robots.txt and the cause"
}

# --- 500: retried, then disallow all -----------------------------------------------
echo 'User-agent: *' > "$site/robots.txt"
echo 'Status: 500' > "$site/robots.txt.headers"
robots_crawl
crawl_failed "robots.txt 500" "robots_5xx (HTTP 500)"
check_eq "$(grep -c '^GET /robots.txt 500 ' "$T/access.log")" 3 "robots.txt 500: fetched 3 times (--retries 2)"
check_eq "$PAGES" "" "robots.txt 500: no page fetched (disallow all)"
check_eq "$(summary robots.txt)|$(summary retries)" "1 fetched, 1 denied|2 (exhausted 1)" \
	"robots.txt 500: fetched once (+2 retries), the start page denied"
check_eq "$(summary errors)" "robots_5xx=1" "robots.txt 500: counted as errors.robots_5xx"

echo 'Status: 503' > "$site/robots.txt.headers"
robots_crawl --retries 0
check_eq "$PAGES|$(summary errors)|$(summary retries)" '|robots_5xx=1|0 (exhausted 0)' \
	"robots.txt 503, no retries: disallow all at once"
crawl_failed "robots.txt 503" "robots_5xx (HTTP 503)"

echo 'Status: 429' > "$site/robots.txt.headers"
robots_crawl
check_eq "$PAGES" "" "robots.txt 429: disallow all after retries"
check_eq "$(grep -c '^GET /robots.txt 429 ' "$T/access.log")" 3 "robots.txt 429: retried"
check_eq "$(summary errors)" "robots_5xx=1" "robots.txt 429: counted as errors.robots_5xx (unreachable)"
crawl_failed "robots.txt 429" "robots_5xx (HTTP 429)"

# --- 404 (and 403): allow all ------------------------------------------------------
for code in 404 403; do
	echo "Status: $code" > "$site/robots.txt.headers"
	robots_crawl
	check_eq "$RC $(st .status)" '0 "complete"' "robots.txt $code: crawl completes"
	check_eq "$PAGES" "/ /p/1.html /p/2.html /p/3.html " "robots.txt $code: every page fetched (allow all)"
	check_eq "$ITEMS" "p1 p2 p3 " "robots.txt $code: every item"
	check_eq "$(st '[.stats.robots_denied, .stats.retries, .stats.errors]')" '[0,0,{}]' \
		"robots.txt $code: not retried, not an error"
	check_eq "$(st .stats.responses_by_status)" "{\"200\":4,\"$code\":1}" "robots.txt $code: counted by status"
done

# --- a redirect is followed --------------------------------------------------------
printf 'Status: 301\nLocation: /real-robots.txt\n' > "$site/robots.txt.headers"
printf 'User-agent: *\nDisallow: /p/2.html\n' > "$site/real-robots.txt"
robots_crawl
check_eq "$(grep -c '^GET /real-robots.txt 200 ' "$T/access.log")" 1 "robots.txt redirect: the target fetched once"
check_eq "$PAGES" "/ /p/1.html /p/3.html /real-robots.txt " "robots.txt redirect: the target's rules apply (p/2 denied)"
check_eq "$ITEMS" "p1 p3 " "robots.txt redirect: items of the allowed pages"
check_eq "$(st '[.stats.robots_denied, .stats.errors]')" '[1,{}]' "robots.txt redirect: one page denied, no error"

# A redirect chain longer than 5 (RFC 9309 asks for at least five): a loop.
printf 'Status: 302\nLocation: /fault/redirect-loop/0\n' > "$site/robots.txt.headers"
robots_crawl
crawl_failed "robots.txt redirect loop" redirect_limit
check_eq "$PAGES" "$(grep -o '/fault/redirect-loop/[0-9]*' "$T/access.log" | sort | tr '\n' ' ')" \
	"robots.txt redirect loop: no page fetched (unreachable: disallow all)"
check_eq "$(grep -c '^GET /fault/redirect-loop/' "$T/access.log")" 5 "robots.txt redirect loop: 5 redirects followed, no more"
check_eq "$(summary errors)" "redirect_limit=1" "robots.txt redirect loop: counted as errors.redirect_limit"

# --- 1 MB of junk: parsed up to the cap, all allowed ------------------------------------
rm -f "$site/robots.txt.headers"
curl -s "$U/fault/junk/1048576" > "$site/robots.txt"
check_eq "$(stat -c %s "$site/robots.txt")" 1048576 "1 MB of junk as robots.txt"
robots_crawl
check_eq "$RC $(st .status)" '0 "complete"' "junk robots.txt: crawl completes"
check_eq "$PAGES" "/ /p/1.html /p/2.html /p/3.html " "junk robots.txt: every page fetched (no rule in junk)"
check_eq "$ITEMS" "p1 p2 p3 " "junk robots.txt: every item"
check_eq "$(st '[.stats.robots_denied, .stats.errors]')" '[0,{}]' "junk robots.txt: nothing denied, no error"

# Junk around a real rule: the rule still counts.
{ head -c 300000 "$site/robots.txt"; printf '\nUser-agent: *\nDisallow: /p/3.html\n'; } > "$site/r2"
mv "$site/r2" "$site/robots.txt"
robots_crawl
check_eq "$ITEMS" "p1 p2 " "junk then a rule (within 500 KiB): the rule applies"
