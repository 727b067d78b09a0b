# Does a crawl run say honestly whether it saw its whole catalogue?
# (docs/crawling.md, "Run status"; docs/exit-codes.md.)  Against the demo
# store (200 listings, served by the fixture server, crawled by the demo
# spider at its own start URL moved there with --origin) and the server's
# fault modes, each way a run can fall short is checked with the exact run
# record fields (status, scope, partial_reason), the exit status, the
# verdict on the last line of stderr and the summary line on stdout: a page
# limit, a time limit, start or sitemap URLs given on the command line, a
# command-line depth limit, a page lost for good (5xx, 403), a robots.txt
# that cannot be fetched; and what does not make a run partial: a limit not
# reached, a 404, a page robots.txt denies.  A run that fetched nothing
# fails with no file; a spider without start URLs is a usage error.  Only a
# complete run becomes the spider-health reference (DATA/state/SPIDER.last).
. "$(dirname "$0")/../lib.sh"

"$MC_GEN_SITE" demo "$T/site" --version 1 >/dev/null
site=$T/site
start_httpd "$site"
U=$HTTPD_URL

# crawl NAME ARGS...: `marketcrawl crawl ARGS` into $T/NAME.  Sets RC, FILE
# (the staging file, if any), RUN (its run record) and ERR (stderr's file).
crawl() {
	local name=$1
	shift
	timeout 100 "$MC_BIN" crawl "$@" --out "$T/$name" --no-progress >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
	ERR=$T/$name.err
	OUT=$T/$name.out
	FILE=$(ls "$T/$name"/*.jsonl 2>/dev/null | head -n 1)
	RUN=$(tail -n 1 "$FILE" 2>/dev/null | jq -c .run 2>/dev/null)
}
field() { jq -r "$1" <<<"$RUN"; }
# status: "EXIT STATUS SCOPE" of the last crawl.
status() { echo "$RC $(field .status) $(field .scope)"; }
DEMO=(demo --origin "$U" --fast)
data=$T/data
last=$data/state/demo.last

# ---- a complete run -------------------------------------------------------------
crawl full "${DEMO[@]}" --data-dir "$data"
check_eq "$(status) $(field .items)" "0 complete full 200" "whole store: exit 0, complete, scope full, 200 items"
check_eq "$(field '[has("partial_reason"), has("suspect_reason")] | @text')" "[false,false]" \
	"complete: no partial_reason, no suspect_reason"
check_eq "$(field '[.stats.robots_denied, .stats.failed, .stats.gone, .stats.not_made] | @text')" "[1,0,0,0]" \
	"complete: the page robots.txt denies is policy, not a loss"
check_eq "$(tail -n 1 "$OUT")" "demo: 200 items in $FILE (complete)" "complete: the summary line"
check_eq "$(grep -c 'run is\|run failed' "$ERR")" 0 "complete: no verdict line on stderr"
check_eq "$(cat "$last" 2>/dev/null)" "$(field .run_id) 200 0 full" "complete: the run becomes the reference"
pages=$(field .pages)
ref=$(cat "$last")

# ---- page limit -------------------------------------------------------------------
crawl pages150 "${DEMO[@]}" --data-dir "$data" --max-pages 150
why=$(field .partial_reason)
check_eq "$(status) $(field .pages)" "8 partial full 150" "--max-pages 150: exit 8, partial, scope full, 150 pages"
check_eq "$why" "--max-pages 150 reached with $(field .stats.not_made) requests not made" \
	"--max-pages 150: partial_reason counts the requests not made"
check "--max-pages 150: some requests were not made" test "$(field .stats.not_made)" -gt 0
check_eq "$(tail -n 1 "$ERR")" "marketcrawl crawl: demo: run is partial: $why" \
	"--max-pages 150: the reason is the last line of stderr"
check_eq "$(tail -n 1 "$OUT")" "demo: $(field .items) items in $FILE (partial: $why)" \
	"--max-pages 150: the summary line says (partial: REASON)"
check_eq "$(cat "$last")" "$ref" "--max-pages 150: a partial run does not become the reference"

crawl pages20 "${DEMO[@]}" --data-dir "$data" --max-pages 20
check_eq "$(status) $(field 'has("suspect_reason")')" "8 partial full false" \
	"--max-pages 20: far fewer items, but partial (exit 8), not judged suspect"
check_eq "$(cat "$last")" "$ref" "--max-pages 20: the reference is unchanged"

crawl pages_exact "${DEMO[@]}" --data-dir "$data" --max-pages "$pages"
check_eq "$(status) $(field .pages) $(field .stats.not_made)" "0 complete full $pages 0" \
	"--max-pages $pages: the frontier ran out exactly at the limit: complete"
check_eq "$(cat "$last")" "$(field .run_id) 200 0 full" "a later complete run becomes the reference"
crawl pages1000 "${DEMO[@]}" --data-dir "$data" --max-pages 1000
check_eq "$(status)" "0 complete full" "--max-pages 1000 (not reached): complete"
ref=$(cat "$last")

# ---- time limit ---------------------------------------------------------------------
# A slow store: one product link of the first listing page stalls for a
# minute.  --max-time 2 stops scheduling, the stop grace (300 ms) runs out,
# the stalled transfer is cut: partial, not aborted.
cp -r "$site" "$T/slow"
sed -i '0,/href="\.\.\/game\/g[0-9]*\.html"/s//href="\/fault\/stall-headers\/60000"/' "$T/slow/a/games/page-1.html"
start_httpd "$T/slow"
slow=$HTTPD_URL
crawl slow demo --origin "$slow" --fast --no-health --data-dir "$T/data-slow" --max-time 2 --stop-grace 300
check_eq "$(status)" "8 partial full" "--max-time 2 on a stalling store: exit 8, partial (not aborted)"
check_eq "$(field .partial_reason)" "--max-time 2 reached with 1 request not made" \
	"--max-time 2: partial_reason (the stalled transfer was cut)"
check_eq "$(field '[.items >= 199, .stats.errors.aborted, .stats.failed] | @text')" "[true,1,0]" \
	"--max-time 2: every other item; the cut transfer is not a failure"
crawl time60 "${DEMO[@]}" --no-health --data-dir "$T/data-time" --max-time 60
check_eq "$(status) $(field .items)" "0 complete full 200" "--max-time 60 (not reached): complete"

# ---- start, sitemap and depth given on the command line -----------------------------
crawl start demo --start-url "$U/" --fast --data-dir "$data"
check_eq "$(status) $(field .items)" "8 partial full 200" "--start-url: exit 8, partial, even with every item"
check_eq "$(field .partial_reason)" "start URLs given on the command line" "--start-url: partial_reason"
crawl sitemap "${DEMO[@]}" --data-dir "$data" --sitemap "$U/robots.txt"
check_eq "$(status) $(field .partial_reason)" "8 partial full sitemap URLs given on the command line" \
	"--sitemap: partial, sitemap URLs given on the command line"
crawl depth "${DEMO[@]}" --data-dir "$data" --max-depth 2
check_eq "$(status)" "8 partial full" "--max-depth 2 (the spider has no limit): partial"
check_eq "$(field .partial_reason)" \
	"--max-depth 2 dropped $(field .stats.depth_limited_by_option) links the spider would follow" \
	"--max-depth 2: partial_reason counts the links dropped"
check_eq "$(cat "$last")" "$ref" "partial runs (start URLs, sitemap, depth) leave the reference alone"
crawl depth50 "${DEMO[@]}" --data-dir "$data" --max-depth 50
check_eq "$(status) $(field .stats.depth_limited)" "0 complete full 0" "--max-depth 50 (nothing dropped): complete"
check_eq "$(cut -d' ' -f1 "$last")" "$(field .run_id)" "... and the complete one becomes the reference"

# schemaorg has no start URL of its own: --start-url replaces nothing, so
# the run is complete; its scope is partial (the pages given by hand).
crawl schemaorg schemaorg --start-url "$U/b/catalog/1.html" --allow-domain 127.0.0.1 --fast --no-health \
	--data-dir "$T/data-schemaorg"
check_eq "$(status) $(field 'has("partial_reason")')" "0 complete partial false" \
	"schemaorg --start-url: complete, scope partial"

# ---- pages lost, pages gone -----------------------------------------------------------
g=a/game/g0015.html
echo 'Status: 500' >"$site/$g.headers"
crawl e500 "${DEMO[@]}" --no-health --data-dir "$T/data-e500" --retries 1
check_eq "$(status) $(field .items)" "8 partial full 199" "a page answering 500 after its retry: exit 8, partial"
check_eq "$(field .partial_reason)" "1 request failed for good (first: $U/$g: http_5xx (HTTP 500))" \
	"500: partial_reason names the page and the cause"
check_eq "$(field '[.stats.failed, .stats.retries, .stats.errors.http_5xx] | @text')" "[1,1,1]" \
	"500: retried once, then counted as failed for good"

echo 'Status: 403' >"$site/$g.headers"
crawl e403 "${DEMO[@]}" --no-health --data-dir "$T/data-e403"
check_eq "$(status) $(field .partial_reason)" \
	"8 partial full 1 request failed for good (first: $U/$g: http_4xx (HTTP 403))" "a page answering 403: partial"

echo 'Status: 404' >"$site/$g.headers"
crawl e404 "${DEMO[@]}" --no-health --data-dir "$T/data-e404"
check_eq "$(status) $(field .items)" "0 complete full 199" "a product page answering 404: complete (the page is gone)"
check_eq "$(field '[.stats.gone, .stats.failed, .stats.errors.http_4xx] | @text')" "[1,0,1]" \
	"404: counted as gone, not as failed"
rm -f "$site/$g.headers"

# A second host whose robots.txt answers 503: the engine disallows it, so
# its page was not seen.  (When the only host's robots.txt fails, nothing
# can be fetched: see faults_robots.sh.)
mkdir -p "$T/other"
printf 'User-agent: *\nAllow: /\n' >"$T/other/robots.txt"
echo 'Status: 503' >"$T/other/robots.txt.headers"
cp "$site/a/game/g0016.html" "$T/other/x.html"
start_httpd "$T/other" -l "$T/other.log"
other=http://localhost:$HTTPD_PORT
cp -r "$site" "$T/two"
sed -i "0,/<li class=\"product-card\"/s||<li class=\"product-card\"><a href=\"$other/x.html\">x</a></li>&|" \
	"$T/two/a/games/page-1.html"
start_httpd "$T/two"
crawl robots503 demo --origin "$HTTPD_URL" --fast --no-health --data-dir "$T/data-r503" --retries 1
check_eq "$(status) $(field .items)" "8 partial full 200" "robots.txt 503 on a second host: exit 8, partial"
check_eq "$(field .partial_reason)" \
	"1 request failed for good (first: $other/robots.txt: robots_5xx (HTTP 503))" \
	"robots.txt 503: partial_reason names the robots.txt"
check_eq "$(field .stats.robots_denied) $(grep -c 'GET /x.html' "$T/other.log")" "2 0" \
	"robots.txt 503: the host's page denied, never requested"

# ---- nothing fetched: failed, no file -------------------------------------------------
start_httpd "$T/other"
dead=$HTTPD_PORT
stop_httpd "$HTTPD_PID"
crawl dead demo --origin "http://127.0.0.1:$dead" --retries 0 --data-dir "$T/data-dead"
check_eq "$RC" 1 "a dead site: exit 1"
check_eq "$(find "$T/dead" -type f | wc -l)" 0 "a dead site: no .jsonl and no .part in the staging directory"
check_eq "$(grep -c 'run failed' "$ERR")" 1 "a dead site: one verdict line on stderr"
check_eq "$(tail -n 1 "$ERR")" \
	"marketcrawl crawl: demo: run failed: nothing could be fetched (first failure: http://127.0.0.1:$dead/robots.txt: connect_failed)" \
	"a dead site: the verdict names the spider, the first URL and its cause"
check_eq "$(tail -n 1 "$OUT")" "demo: no staging file (failed)" "a dead site: the summary line says (failed)"
check "a dead site: no reference written" test ! -e "$T/data-dead/state/demo.last"

# ---- a spider without start URLs: usage error ----------------------------------------
crawl nostart schemaorg --data-dir "$T/data-nostart"
check_eq "$RC $(wc -l <"$ERR")" "2 1" "schemaorg without --start-url: exit 2, one line on stderr"
check_eq "$(cat "$ERR")" \
	"marketcrawl crawl: spider 'schemaorg' has no start URLs of its own: give --start-url URL (or --sitemap URL)" \
	"schemaorg without --start-url: the line names the missing option"
check "schemaorg without --start-url: no file, no directory" test ! -e "$T/nostart" -a ! -e "$T/data-nostart"

# ---- the scope of each bundled spider ------------------------------------------------
check_eq "$(mc spiders | awk '$1 != "steam" { print $1 " " $3 }' | sort | tr '\n' ' ')" \
	"books_toscrape full demo full demo_plain full epic full gog partial playstation partial schemaorg partial xbox partial " \
	"marketcrawl spiders: the scope column"
# Each marketplace spider's saved start page, served at its start URL's path.
mkdir -p "$T/scopes/en" "$T/scopes/api/graphql/v1"
cp "$MC_ROOT"/tests/spiders/gog/pages/gog_has_games.html "$T/scopes/en/index.html"
cp "$MC_ROOT"/tests/spiders/playstation/pages/ps_grid.json "$T/scopes/api/graphql/v1/op"
echo 'Content-Type: application/json' >"$T/scopes/api/graphql/v1/op.headers"
cp "$MC_ROOT"/tests/spiders/books_toscrape/pages/books_toscrape_index.html "$T/scopes/index.html"
start_httpd "$T/scopes"
for s in gog:partial playstation:partial books_toscrape:full; do
	crawl "scope_${s%:*}" "${s%:*}" --origin "$HTTPD_URL" --allow-domain 127.0.0.1 --max-depth 0 --no-robots \
		--delay 0 --no-health --data-dir "$T/data-scopes"
	check_eq "$(field .scope)" "${s#*:}" "${s%:*}: the run record says scope ${s#*:}"
done

# ---- `marketcrawl run`: a partial crawl is loaded, and 8 outranks 0 and 3 -------------
fresh_db
mc run demo --origin "$U" --fast --max-pages 20 --no-progress --data-dir "$T/data-run" \
	>"$T/run.out" 2>"$T/run.err"
check_eq "$?" 8 "run: a partial crawl, loaded and transformed: exit 8"
check_eq "$(sql "select run_status from stg.loaded_file")" partial "run: the partial file was loaded as partial"
