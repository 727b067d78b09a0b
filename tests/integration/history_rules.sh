#!/usr/bin/env bash
# The cases of docs/history-rules.md that went wrong before the rules
# existed, each through `marketcrawl load` and `marketcrawl etl`:
#  - out of order, the newest price is kept (r1 70, r2 71, r3 70 loaded
#    r1, r3, r2 show 70 since r3), whether `etl` runs after each load or
#    once at the end;
#  - out of order, a listing seen only in r2 is delisted by r3;
#  - a run the crawler called complete whose items or field coverage
#    collapse is judged suspect in the database and delists nothing (the
#    crawler's own check needs its state file: a fresh --data-dir has none);
#  - a partial run and a partial-scope spider never delist;
#  - `marketcrawl db status` and `report runs` say why.
. "$(dirname "$0")/../lib.sh"

S=$T/staging
mkdir -p "$S"

# obs ID PRICE OBSERVED_AT [AVAILABILITY]: one observation of marketplace m.
obs() {
	printf '{"marketplace":"m","external_id":"%s","url":"http://m.test/%s","title":"Game %s","price":"%s","currency":"EUR","availability":"%s","observed_at":"%s"}\n' \
		"$1" "$1" "$1" "$2" "${4:-in_stock}" "$3"
}
# stage SPIDER RUN STARTED STATUS SCOPE < observation lines; prints the path
stage() {
	local f=$S/$1-$2.jsonl body
	body=$(cat)
	{
		printf '{"format":"marketcrawl-staging","version":1,"spider":"%s","run_id":"%s","started_at":"%s"}\n' "$1" "$2" "$3"
		[ -n "$body" ] && printf '%s\n' "$body"
		printf '{"run":{"spider":"%s","run_id":"%s","started_at":"%s","finished_at":"%s","status":"%s","scope":"%s","pages":1,"items":%d,"errors":0,"stats":{}}}\n' \
			"$1" "$2" "$3" "$3" "$4" "$5" "$(printf '%s' "$body" | grep -c .)"
	} >"$f"
	echo "$f"
}
load() { mc load --keep "$@" >"$T/load.out" 2>&1 || { cat "$T/load.out"; return 1; }; }
etl() { mc etl --quiet; }
history() {
	sql "select l.external_id, h.valid_from, h.valid_to, h.price
	     from core.price_history h join core.listing l using (listing_id) order by 1, 2"
	sql "select external_id, delisted_at from core.listing order by 1"
}

# --- out of order -------------------------------------------------------------
r1=$(stage shop r1 2026-05-01T10:00:00Z complete full <<EOT
$(obs a 70.00 2026-05-01T10:00:01Z)
$(obs b 5.00 2026-05-01T10:00:02Z)
EOT
)
r2=$(stage shop r2 2026-05-02T10:00:00Z complete full <<EOT
$(obs a 71.00 2026-05-02T10:00:01Z)
$(obs b 5.00 2026-05-02T10:00:02Z)
$(obs c 9.00 2026-05-02T10:00:03Z)
EOT
)
r3=$(stage shop r3 2026-05-03T10:00:00Z complete full <<EOT
$(obs a 70.00 2026-05-03T10:00:01Z)
$(obs b 5.00 2026-05-03T10:00:02Z)
EOT
)
want_history="a|2026-05-01 10:00:01+00|2026-05-02 10:00:01+00|70.00
a|2026-05-02 10:00:01+00|2026-05-03 10:00:01+00|71.00
a|2026-05-03 10:00:01+00||70.00
b|2026-05-01 10:00:02+00||5.00
c|2026-05-02 10:00:03+00|2026-05-03 10:00:00+00|9.00
a|
b|
c|2026-05-03 10:00:00+00"

fresh_db || exit 1
for f in "$r1" "$r3" "$r2"; do check "r1, r3, r2 with an etl after each: load $(basename "$f")" load "$f"; etl; done
check_eq "$(history)" "$want_history" \
	"loaded r1, r3, r2 (etl after each): a is 70.00 since r3, c (only in r2) delisted at r3"
check_eq "$(sql "select price, price_since from rpt.current_price where external_id = 'a'")" \
	"70.00|2026-05-03 10:00:01+00" "current-prices shows the newest crawl's price"
check "etl --check passes" mc etl --check --quiet

fresh_db || exit 1
one_etl() { load "$r1" && load "$r3" && load "$r2" && etl; }
check "r1, r3, r2 loaded, one etl" one_etl
check_eq "$(history)" "$want_history" "the same with one etl at the end"

fresh_db || exit 1
check "in run order" load "$r1" "$r2" "$r3"
etl
check_eq "$(history)" "$want_history" "the same as loading in run order"

# --- health judged in the database ---------------------------------------------
fresh_db || exit 1
lines() { # FIRST LAST DAY [AVAILABILITY]
	local i
	for i in $(seq "$1" "$2"); do obs "g$i" "$i.00" "2026-06-0${3}T10:00:$(printf '%02d' "$i")Z" "${4:-in_stock}"; done
}
h1=$(lines 1 10 1 | stage shop h1 2026-06-01T10:00:00Z complete full)
h2=$(lines 1 10 2 | stage shop h2 2026-06-02T10:00:00Z complete full)
h3=$(lines 1 2 3 | stage shop h3 2026-06-03T10:00:00Z complete full)
h4=$(lines 1 10 4 unknown | stage shop h4 2026-06-04T10:00:00Z complete full)
h5=$(lines 1 9 5 | stage shop h5 2026-06-05T10:00:00Z complete full)
check "five runs load" load "$h1" "$h2" "$h3" "$h4" "$h5"
etl
check_eq "$(sql "select run_id, health, delists, coalesce(health_reason, '-') from core.crawl_run order by started_at")" \
"h1|complete|t|-
h2|complete|t|-
h3|suspect|f|2 items, below half the median 10 of the 2 previous complete runs
h4|suspect|f|availability filled for 0.0% of the items, below half the median 100% of the 3 previous complete runs
h5|complete|t|-" "runs whose items or field coverage collapsed are suspect (the crawler called them complete)"
check_eq "$(sql "select string_agg(external_id, ' ' order by external_id) from core.listing where delisted_at is not null")" \
	"g10" "the suspect run delisted nothing (g3..g10 were missing from it); the complete h5 delisted g10"
check_eq "$(sql "select h.valid_from, h.valid_to from core.price_history h join core.listing l using (listing_id) where l.external_id = 'g5'")" \
	"2026-06-01 10:00:05+00|" "g5's price holds from h1 on, without a gap at h3"
check_eq "$(mc report runs --format csv | tr -d '\r' | sed -n '1p;4p')" \
"spider,run_id,region,started_at,finished_at,scope,status,health,delists,items,produced,title_pct,price_pct,list_price_pct,availability_pct,product_key_pct,reason
shop,h3,,2026-06-03 10:00:00+00,2026-06-03 10:00:00+00,full,complete,suspect,f,2,2,100.0,100.0,0.0,100.0,0.0,\"2 items, below half the median 10 of the 2 previous complete runs\"" \
	"report runs shows health, items, coverage and the reason"
mc db status >"$T/status.out" 2>&1
check_eq "$?" 0 "db status"
check "db status shows the newest runs with their health and why" \
	grep -q '^  shop h4 (started 2026-06-04 10:00 UTC, full scope): crawler complete, judged suspect, delists nothing; 10 items; .* availability 0.0% .*; availability filled for 0.0% of the items' "$T/status.out"

# A late run that arrives after, joining the baseline of later runs, can
# change their health; the history follows.
h0=$(lines 1 2 0 | sed 's/2026-06-00/2026-05-31/' | stage shop h0 2026-05-31T10:00:00Z complete full)
check "a late first run loads" load "$h0"
etl
check_eq "$(sql "select run_id, health from core.crawl_run where run_id in ('h0', 'h2') order by 1")" \
	"h0|complete
h2|complete" "with a 2-item run before it, h2 is still complete (median 6 of h0 and h1)"
check_eq "$(sql "select string_agg(external_id || '@' || to_char(delisted_at at time zone 'UTC', 'MM-DD'), ' ' order by external_id) from core.listing where delisted_at is not null")" \
	"g10@06-05" "g3..g10 (new in h1) were not covered by h0: nothing else delisted"

# --- partial runs and partial-scope spiders ----------------------------------------
fresh_db || exit 1
p1=$(lines 1 4 1 | stage deals p1 2026-06-01T10:00:00Z complete partial)
p2=$(lines 1 1 2 | stage deals p2 2026-06-02T10:00:00Z complete partial)
f1=$(lines 1 4 1 | sed 's/"m"/"n"/; s/T10:00:/T11:00:/' | stage shop f1 2026-06-01T11:00:00Z complete full)
f2=$(lines 1 4 2 | sed 's/"m"/"n"/; s/T10:00:/T11:00:/' | stage shop f2 2026-06-02T11:00:00Z complete full)
f3=$(lines 1 1 3 | sed 's/"m"/"n"/; s/T10:00:/T11:00:/' | stage shop f3 2026-06-03T11:00:00Z partial full)
check "runs of a partial-scope spider and a partial run load" load "$p1" "$p2" "$f1" "$f2" "$f3"
etl
check_eq "$(sql "select count(*) from core.listing where delisted_at is not null")" 0 \
	"a partial-scope spider's complete run and a partial run delist nothing"
check_eq "$(sql "select run_id, scope, status, health, delists from core.crawl_run order by run_id")" \
"f1|full|complete|complete|t
f2|full|complete|complete|t
f3|full|partial|partial|f
p1|partial|complete|complete|f
p2|partial|complete|suspect|f" "scope and status in core.crawl_run; only complete full-scope runs delist"
