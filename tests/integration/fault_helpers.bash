# Shared by the crawler's fault tests (faults_http.sh, faults_body.sh,
# hostile_bounds.sh, html_parse_stats.sh; named .bash so tests/run.sh does
# not run it as a test).  Needs $site, $out, $T and, to crawl, $U from the
# test.

# ld SKU NAME: a JSON-LD Product block.
ld() {
	printf '<script type="application/ld+json">{"@type":"Product","sku":"%s","name":"%s","offers":{"price":"9.99","priceCurrency":"USD"}}</script>' "$1" "$2"
}

# product FILE SKU: a page holding the product SKU, named "Game SKU".
product() {
	printf '<html><head>%s</head><body></body></html>' "$(ld "$2" "Game $2")" > "$1"
}

# product_site: the three normal products the index links to
# ($site/p/1..3.html: p1, p2, p3) and a robots.txt allowing everything.
product_site() {
	local i
	mkdir -p "$site/p"
	for i in 1 2 3; do product "$site/p/$i.html" "p$i"; done
	printf 'User-agent: *\nAllow: /\n' > "$site/robots.txt"
}

# fault_crawl LINK... [-- CRAWL-OPTIONS...]: the index links to p/1..3 and
# every LINK; one crawl.  Sets RC, FILE, RUN (the run record) and ITEMS.
fault_crawl() {
	local links=() l i
	while [ $# -gt 0 ] && [ "$1" != -- ]; do links+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	{
		echo '<html><body>'
		for i in 1 2 3; do echo "<a href=\"/p/$i.html\">$i</a>"; done
		for l in "${links[@]}"; do echo "<a href=\"$l\">fault</a>"; done
		echo '</body></html>'
	} > "$site/index.html"
	rm -rf "$out"
	: > "$T/access.log"
	timeout 120 "$MC_BIN" crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" \
		--delay 0 --jitter 0 --retries 1 --no-health --no-progress "$@" \
		>"$T/crawl.out" 2>"$T/crawl.err"
	RC=$?
	FILE=$(ls "$out"/*.jsonl 2>/dev/null | head -n 1)
	RUN=$(tail -n 1 "$FILE" 2>/dev/null | jq -c .run 2>/dev/null)
	ITEMS=$(sed '1d;$d' "$FILE" 2>/dev/null | jq -r .external_id | sort | tr '\n' ' ')
}
st() { jq -cS "$1" <<<"$RUN"; }
