# Crash safety of crawl → load → etl (DESIGN.md "Staging files"):
#  - kill -9 mid-crawl leaves only a .part, which `load` never reads (not
#    even when named); the next crawl and load are correct and the .part
#    stays untouched;
#  - SIGTERM mid-crawl gives a complete .jsonl with status "aborted" that
#    loads, and whose missing listings are NOT delisted by the ETL, while a
#    complete run missing the same listings does delist them (so the check
#    can fail).
# A page that stalls for 30 s keeps the crawl busy while the signal comes.
# The crawls use the demo spider (a full-scope spider: only such a spider's
# complete runs delist) on pages in its markup: an index with a store link,
# a listing of product cards, and products carrying their offer in JSON-LD
# (store B's way).
. "$(dirname "$0")/../lib.sh"
fresh_db || { not_ok "createdb"; exit 1; }
mc db migrate >/dev/null || { not_ok "db migrate"; exit 1; }

site=$T/site
data=$T/data
stg=$data/staging/demo
mkdir -p "$site/p"
product() { # FILE SKU PRICE
	printf '<html><head><script type="application/ld+json">{"@type":"Product","sku":"%s","name":"Game %s","offers":{"price":"%s","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}</script></head><body></body></html>' "$2" "$2" "$3" > "$1"
}
for i in 1 2 3 4; do product "$site/p/$i.html" "p$i" "$i.50"; done
printf 'User-agent: *\nAllow: /\n' > "$site/robots.txt"
index() { # LINK...: the products (and faults) the store lists
	echo '<html><body><a class="store-link" href="/list.html">store</a></body></html>' > "$site/index.html"
	{
		echo '<html><body><main><ol>'
		for l in "$@"; do echo "<li class=\"product-card\"><a href=\"$l\">x</a></li>"; done
		echo '</ol></main></body></html>'
	} > "$site/list.html"
}
start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL
CRAWL=(crawl demo --origin "$U" --data-dir "$data" --delay 0 --per-host 4 --no-progress)

# wait_for PATTERN: until the server has logged a request matching PATTERN.
wait_for() {
	local i
	for i in $(seq 1 200); do
		grep -q "$1" "$T/access.log" && return 0
		sleep 0.05
	done
	return 1
}
# background_crawl ARGS...: start a crawl; sets PID.
background_crawl() {
	: > "$T/access.log"
	"$MC_BIN" "${CRAWL[@]}" "$@" >/dev/null 2>>"$T/crawl.err" &
	PID=$!
}
load() {
	timeout 120 "$MC_BIN" load --data-dir "$data" "$@" >"$T/load.out" 2>"$T/load.err"
	RC=$?
}

# --- kill -9 ------------------------------------------------------------------------
index /p/1.html /p/2.html /p/3.html /p/4.html /fault/stall-body/30000
background_crawl --no-health
wait_for '^GET /fault/stall-body/' && wait_for '^GET /p/4.html '
sleep 0.2
kill -KILL "$PID"
wait "$PID" 2>/dev/null
check_eq "$(ls "$stg" | sed 's/.*\.//')" part "kill -9: only a .part remains"
part=$(ls "$stg"/*.part)
check_eq "$(grep -c '"run":' "$part")" 0 "kill -9: the .part has no run record"
part_sum=$(sha256sum < "$part")

load
check_eq "$RC" 0 "load after kill -9: exits 0 (nothing to load)"
check_eq "$(sql 'select count(*) from stg.loaded_file')" 0 "load after kill -9: the .part was not loaded"
check_eq "$(sha256sum < "$part")" "$part_sum" "load after kill -9: the .part is untouched"
load "$part"
check "load naming the .part: refused with a reason, nothing loaded" \
	test "$RC" -ne 0 -a "$(sql 'select count(*) from stg.loaded_file')" = 0 -a -n "$(grep 'never loaded' "$T/load.err")"

# The next crawl is complete and loads; the old .part is still ignored.
index /p/1.html /p/2.html /p/3.html /p/4.html
timeout 120 "$MC_BIN" "${CRAWL[@]}" >/dev/null 2>>"$T/crawl.err"
check_eq "$?" 0 "next crawl after kill -9: complete"
check_eq "$(ls "$stg" | sed 's/.*\.//' | sort | tr '\n' ' ')" "jsonl part " "next crawl: one .jsonl next to the old .part"
load
check_eq "$RC" 0 "next load: exits 0"
check_eq "$(sql "select run_status, rows_read, rows_accepted, rows_rejected from stg.loaded_file")" \
	"complete|4|4|0" "next load: the new file, 4 observations accepted"
check_eq "$(sql "select string_agg(external_id || '=' || price::numeric(6,2), ' ' order by external_id) from stg.observation")" \
	"p1=1.50 p2=2.50 p3=3.50 p4=4.50" "next load: exactly the 4 listings with their prices"
check_eq "$(ls "$stg")" "$(basename "$part")" "next load: the .jsonl archived, the .part left alone"
timeout 120 "$MC_BIN" etl --quiet >/dev/null 2>"$T/etl.err"
check_eq "$?" 0 "etl after the first complete run"
check_eq "$(sql "select count(*) filter (where delisted_at is null) from core.listing")" 4 "etl: 4 listings, all listed"

# --- SIGTERM: an aborted run loads and never delists ----------------------------------------
rm -f "$part"
product "$site/p/1.html" p1 1.25   # a change, so the aborted file carries news
index /p/1.html /fault/stall-body/30000
background_crawl --stop-grace 200
wait_for '^GET /fault/stall-body/' && wait_for '^GET /p/1.html '
sleep 0.2
kill -TERM "$PID"
wait "$PID"
check_eq "$?" 5 "SIGTERM: exit status 5"
file=$(ls "$stg"/*.jsonl 2>/dev/null)
check_eq "$(ls "$stg" | sed 's/.*\.//')" jsonl "SIGTERM: a complete .jsonl, no .part"
check_eq "$(tail -n 1 "$file" | jq -r '.run.status + " " + (.run.items|tostring) + " " + (.run.stats.errors.aborted|tostring)')" \
	"aborted 1 1" "SIGTERM: run record says aborted, 1 item, the stalled transfer counted as aborted"
load
check_eq "$RC" 0 "aborted file loads (exit 0)"
check_eq "$(sql "select run_status || ' ' || rows_accepted from stg.loaded_file order by file_id desc limit 1")" \
	"aborted 1" "aborted file recorded as aborted, its 1 change accepted"
timeout 120 "$MC_BIN" etl --quiet >/dev/null 2>"$T/etl.err"
check_eq "$?" 0 "etl after the aborted run"
check_eq "$(sql "select string_agg(external_id, ' ' order by external_id) from core.listing where delisted_at is not null")" \
	"" "aborted run: p2..p4 (absent from it) are NOT delisted"
check_eq "$(sql "select price::numeric(6,2) from core.price_history h join core.listing l using (listing_id) where l.external_id = 'p1' and h.valid_to is null")" \
	"1.25" "aborted run: its observation still reaches the price history"

# Control: a complete run with p1 and two new listings (three items, so
# the ETL's health check does not find it shrunken) delists p2..p4.
for i in 5 6; do product "$site/p/$i.html" "p$i" "$i.50"; done
index /p/1.html /p/5.html /p/6.html
timeout 120 "$MC_BIN" "${CRAWL[@]}" --no-health >/dev/null 2>>"$T/crawl.err"
check_eq "$?" 0 "control crawl (complete: p1, p5, p6)"
load
timeout 120 "$MC_BIN" etl --quiet >/dev/null 2>"$T/etl.err"
check_eq "$(sql "select string_agg(external_id, ' ' order by external_id) from core.listing where delisted_at is not null")" \
	"p2 p3 p4" "control: a complete run without p2..p4 delists them"
