# Shared by faults_http.sh and faults_body.sh (named .bash so tests/run.sh
# does not run it as a test).  Needs $site, $out, $T and $U from the test.

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
