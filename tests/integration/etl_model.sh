#!/usr/bin/env bash
# The ETL end to end: staging files written here go through `marketcrawl
# load` and `marketcrawl etl`, and the core tables are compared row by row
# with what the rules promise (docs/history-rules.md): products by
# product_key, price and availability ranges, a drop, an increase, A -> B ->
# A, a delisting by a complete run, none by an aborted run, a reappearance,
# late data splitting a range, a late sighting reopening a delisted period,
# a late complete run judged suspect (its items collapsed) that delists
# nothing, several runs in one batch, an idempotent re-run (full table dumps
# equal), and `etl --check` passing.
. "$(dirname "$0")/../lib.sh"

fresh_db || exit 1
S=$T/staging/shop
mkdir -p "$S"

# obs MARKETPLACE ID TITLE PRICE AVAILABILITY OBSERVED_AT [PRODUCT_KEY_JSON] [ATTRS_JSON]
obs() {
	printf '{"marketplace":"%s","external_id":"%s","url":"http://shop.test/%s/%s","title":"%s","price":"%s","list_price":null,"currency":"EUR","availability":"%s","observed_at":"%s","product_key":%s,"attrs":%s}\n' \
		"$1" "$2" "$1" "$2" "$3" "$4" "$5" "$6" "${7:-null}" "${8:-{\}}"
}
# stage RUN_ID STARTED FINISHED STATUS < observation lines; prints the path
stage() {
	local f=$S/$1.jsonl body
	body=$(cat)
	{
		printf '{"format":"marketcrawl-staging","version":1,"spider":"shop","run_id":"%s","started_at":"%s"}\n' "$1" "$2"
		[ -n "$body" ] && printf '%s\n' "$body"
		printf '{"run":{"spider":"shop","run_id":"%s","started_at":"%s","finished_at":"%s","status":"%s","pages":1,"items":%d,"errors":0,"stats":{}}}\n' \
			"$1" "$2" "$3" "$4" "$(printf '%s' "$body" | grep -c .)"
	} >"$f"
	echo "$f"
}
load() { mc load --keep "$@" >"$T/load.out" 2>&1 || { cat "$T/load.out"; return 1; }; }
etl() { mc etl --quiet "$@"; }
# Listings (first and last seen, delisting) and both histories, to compare
# ETL runs file by file with one ETL over the same loads.
model_rows() {
	sql "select l.marketplace, l.external_id, l.first_seen, s.last_seen, l.delisted_at
	     from core.listing l join core.listing_last_seen s using (listing_id) order by 1, 2"
	sql "select l.external_id, h.valid_from, h.valid_to, h.price
	     from core.price_history h join core.listing l using (listing_id) order by 1, 2"
	sql "select l.external_id, h.valid_from, h.valid_to, h.availability
	     from core.availability_history h join core.listing l using (listing_id) order by 1, 2"
}

SF='"star-forge"'
A1ATTRS='{"platforms":["Windows","Linux"],"genres":["RPG"],"rating":4.5}'

f1=$(stage 20260301T100000Z-1 2026-03-01T10:00:00Z 2026-03-01T10:05:00Z complete <<EOT
$(obs alpha a1 "Star Forge" 10.00 in_stock 2026-03-01T10:00:01Z "$SF" "$A1ATTRS")
$(obs alpha a2 "Moon Base" 20.00 in_stock 2026-03-01T10:00:02Z)
$(obs alpha a3 "Old Relic" 5.00 in_stock 2026-03-01T10:00:03Z)
$(obs beta b1 "Star Forge" 12.50 in_stock 2026-03-01T10:00:04Z "$SF")
EOT
)
check "load day 1" load "$f1"
check "etl after day 1" etl

# day 2 (complete): a1 drops, a2 unchanged, b1 rises, a3 missing -> delisted
f2=$(stage 20260302T100000Z-1 2026-03-02T10:00:00Z 2026-03-02T10:05:00Z complete <<EOT
$(obs alpha a1 "Star Forge" 8.00 in_stock 2026-03-02T10:00:01Z "$SF" "$A1ATTRS")
$(obs alpha a2 "Moon Base" 20.00 in_stock 2026-03-02T10:00:02Z)
$(obs beta b1 "Star Forge" 13.75 in_stock 2026-03-02T10:00:04Z "$SF")
EOT
)
# day 3 (aborted): a1 back to 10.00 (A -> B -> A); nothing else seen, nothing delisted
f3=$(stage 20260303T100000Z-1 2026-03-03T10:00:00Z 2026-03-03T10:01:00Z aborted <<EOT
$(obs alpha a1 "Star Forge" 10.00 in_stock 2026-03-03T10:00:01Z "$SF" "$A1ATTRS")
EOT
)
check "load days 2 and 3" load "$f2" "$f3"
check "etl after days 2 and 3 (one batch)" etl
check_eq "$(sql "select external_id, delisted_at from core.listing where delisted_at is not null")" \
	"a3|2026-03-02 10:00:00+00" "a3 delisted at the start of the complete run that missed it"

# day 4 (complete): a2 drops and goes out of stock, a3 reappears unchanged
f4=$(stage 20260304T100000Z-1 2026-03-04T10:00:00Z 2026-03-04T10:05:00Z complete <<EOT
$(obs alpha a1 "Star Forge" 10.00 in_stock 2026-03-04T10:00:01Z "$SF" "$A1ATTRS")
$(obs alpha a2 "Moon Base" 18.00 out_of_stock 2026-03-04T10:00:02Z)
$(obs alpha a3 "Old Relic" 5.00 in_stock 2026-03-04T10:00:03Z)
$(obs beta b1 "Star Forge" 13.75 in_stock 2026-03-04T10:00:04Z "$SF")
EOT
)
check "load day 4" load "$f4"
check "etl after day 4" etl
in_order=$(model_rows)

# late files: a complete run from day 1 afternoon (b1 at 11.00 between its
# day-1 and day-2 prices), and an aborted run seeing a3 while delisted.
f5=$(stage 20260301T160000Z-2 2026-03-01T16:00:00Z 2026-03-01T16:05:00Z complete <<EOT
$(obs beta b1 "Star Forge" 11.00 in_stock 2026-03-01T16:00:05Z "$SF")
EOT
)
f6=$(stage 20260303T085900Z-3 2026-03-03T08:59:00Z 2026-03-03T09:01:00Z aborted <<EOT
$(obs alpha a3 "Old Relic" 4.00 in_stock 2026-03-03T09:00:00Z)
EOT
)
check "load the late files" load "$f5" "$f6"
check "etl after the late files" etl

check_eq "$(sql "select count(*), count(*) filter (where is_late) from stg.observation")" "10|1" \
	"staging holds 10 accepted observations (4 unchanged sightings are not), 1 late"

check_eq "$(sql "select l.marketplace, l.external_id, l.title, l.spider, p.product_key, l.first_seen, s.last_seen, l.delisted_at, l.attrs
	from core.listing l join core.listing_last_seen s using (listing_id) join core.product p using (product_id)
	order by 1, 2")" \
"alpha|a1|Star Forge|shop|star-forge|2026-03-01 10:00:00+00|2026-03-04 10:00:00+00||{\"rating\": 4.5}
alpha|a2|Moon Base|shop||2026-03-01 10:00:00+00|2026-03-04 10:00:00+00||{}
alpha|a3|Old Relic|shop||2026-03-01 10:00:00+00|2026-03-04 10:00:00+00||{}
beta|b1|Star Forge|shop|star-forge|2026-03-01 10:00:00+00|2026-03-04 10:00:00+00||{}" \
	"core.listing: one shared product for star-forge, first and last seen (run starts), reappearance cleared delisted_at"

check_eq "$(sql "select count(*), count(product_key) from core.product")" "3|1" \
	"core.product: star-forge plus one product per unkeyed listing"

check_eq "$(sql "select l.external_id, h.valid_from, h.valid_to, h.price, h.list_price, h.currency
	from core.price_history h join core.listing l using (listing_id) order by 1, 2")" \
"a1|2026-03-01 10:00:01+00|2026-03-02 10:00:01+00|10.00||EUR
a1|2026-03-02 10:00:01+00|2026-03-03 10:00:01+00|8.00||EUR
a1|2026-03-03 10:00:01+00||10.00||EUR
a2|2026-03-01 10:00:02+00|2026-03-04 10:00:02+00|20.00||EUR
a2|2026-03-04 10:00:02+00||18.00||EUR
a3|2026-03-01 10:00:03+00|2026-03-02 10:00:00+00|5.00||EUR
a3|2026-03-03 09:00:00+00|2026-03-04 10:00:03+00|4.00||EUR
a3|2026-03-04 10:00:03+00||5.00||EUR
b1|2026-03-01 10:00:04+00|2026-03-01 16:00:05+00|12.50||EUR
b1|2026-03-01 16:00:05+00|2026-03-02 10:00:04+00|11.00||EUR
b1|2026-03-02 10:00:04+00||13.75||EUR" \
	"core.price_history: drop, A->B->A, delisted gap, reopened by the late sighting, late split"

check_eq "$(sql "select l.external_id, h.valid_from, h.valid_to, h.availability
	from core.availability_history h join core.listing l using (listing_id) order by 1, 2")" \
"a1|2026-03-01 10:00:01+00||in_stock
a2|2026-03-01 10:00:02+00|2026-03-04 10:00:02+00|in_stock
a2|2026-03-04 10:00:02+00||out_of_stock
a3|2026-03-01 10:00:03+00|2026-03-02 10:00:00+00|in_stock
a3|2026-03-03 09:00:00+00||in_stock
b1|2026-03-01 10:00:04+00||in_stock" \
	"core.availability_history: same gaps as prices, out-of-stock range"

# a3 was seen unchanged on day 4 (against day 1's 5.00), then the late 4.00
# of day 3 moved the loader's state: its newest sighting no longer has the
# state the loader compares with, which the ETL remembers.
check_eq "$(sql "select l.external_id from etl.listing_disorder d join core.listing l using (listing_id)")" \
	"a3" "a3's newest sighting (day 4, as day 1) differs from the loader's state (the late 4.00)"

check_eq "$(sql "select l.external_id, string_agg(p.platform, ',' order by p.platform) from core.listing_platform p join core.listing l using (listing_id) group by 1")" \
	"a1|linux,windows" "core.listing_platform from attrs.platforms (normalised)"
check_eq "$(sql "select l.external_id, g.genre from core.listing_genre g join core.listing l using (listing_id)")" \
	"a1|rpg" "core.listing_genre from attrs.genres"

check_eq "$(sql "select crawl_run_id, spider, run_id, status, scope, started_at, finished_at, pages, items, errors, observations, health, delists, health_reason from core.crawl_run order by started_at")" \
"1|shop|20260301T100000Z-1|complete|full|2026-03-01 10:00:00+00|2026-03-01 10:05:00+00|1|4|0|4|complete|t|
5|shop|20260301T160000Z-2|complete|full|2026-03-01 16:00:00+00|2026-03-01 16:05:00+00|1|1|0|1|suspect|f|1 item, below half the median 4 of the previous complete run
2|shop|20260302T100000Z-1|complete|full|2026-03-02 10:00:00+00|2026-03-02 10:05:00+00|1|3|0|3|complete|t|
6|shop|20260303T085900Z-3|aborted|full|2026-03-03 08:59:00+00|2026-03-03 09:01:00+00|1|1|0|1|aborted|f|stopped before the end of its frontier
3|shop|20260303T100000Z-1|aborted|full|2026-03-03 10:00:00+00|2026-03-03 10:01:00+00|1|1|0|1|aborted|f|stopped before the end of its frontier
4|shop|20260304T100000Z-1|complete|full|2026-03-04 10:00:00+00|2026-03-04 10:05:00+00|1|4|0|4|complete|t|" \
	"core.crawl_run: one row per loaded run record, judged: the late run's items collapsed, so it delists nothing"

check_eq "$(sql "select day, marketplace, changes, drops, increases, largest_drop_pct, largest_increase_pct, avg_change_pct from mart.daily_price_move order by 1, 2")" \
"2026-03-01|beta|1|1|0|-12.00||-12.00
2026-03-02|alpha|1|1|0|-20.00||-20.00
2026-03-02|beta|1|0|1||25.00|25.00
2026-03-03|alpha|2|1|1|-20.00|25.00|2.50
2026-03-04|alpha|2|1|1|-10.00|25.00|7.50" \
	"mart.daily_price_move per day and marketplace"

check_eq "$(sql "select status, files_processed from etl.run order by run_id")" \
	"ok|1
ok|2
ok|1
ok|2" "etl.run: one ok row per run with the files it processed"
check_eq "$(sql "select count(*), count(distinct job), bool_and(status = 'ok') from etl.job_run")" \
	"36|9|t" "etl.job_run: every job of every run logged"

dump() {
	local t
	for t in core.marketplace core.currency core.spider core.crawl_run core.product core.listing \
		core.listing_seen core.price_history core.availability_history core.platform core.listing_platform \
		core.genre core.listing_genre mart.daily_price_move etl.listing_disorder etl.processed_file; do
		echo "== $t"
		psql -X -Atq -c "select * from $t" | sort
	done
}
dump >"$T/before"
check "etl with nothing new" etl
dump >"$T/after"
check "a second run changes nothing (full table dumps equal)" cmp -s "$T/before" "$T/after"
check_eq "$(sql "select files_processed from etl.run order by run_id desc limit 1")" "0" \
	"the idle run processed no file"

out=$(mc etl --check 2>&1)
check_eq "$?" "0" "etl --check passes"
check_eq "$(printf '%s\n' "$out" | grep -c '^PASS ')" "22" "etl --check ran 22 data tests"
check_eq "$(printf '%s\n' "$out" | grep -c '^FAIL ')" "0" "no data test failed"

final=$(model_rows)

# a broken data test is reported and exits with MC_EXIT_CHECK (7)
sql "update core.listing_seen s set first_seen = s.first_seen + interval '1 hour', seen_at = s.first_seen + interval '1 hour'
	from core.listing l where l.listing_id = s.listing_id and l.external_id = 'a2'" >/dev/null
out=$(mc etl --check 2>&1)
check_eq "$?" "7" "etl --check exits 7 when a data test fails"
check_eq "$(printf '%s\n' "$out" | grep '^FAIL ')" "FAIL 054_seen_within_history (1 rows)
FAIL 056_last_seen_matches_staging (1 rows)" "the failing tests are named"

# The same loads in the same order, one ETL over days 1-4: the runs are
# replayed in time order, so the model equals the one built file by file.
# Then the late files: equal again.
fresh_db || exit 1
check "one batch: load day 1" load "$f1"
check "one batch: load days 2 and 3" load "$f2" "$f3"
check "one batch: load day 4" load "$f4"
check "one batch: a single etl over days 1-4" etl
check_eq "$(model_rows)" "$in_order" "one ETL over days 1-4 gives the file-by-file model"
check "one batch: load the late files" load "$f5" "$f6"
check "one batch: etl after the late files" etl
check_eq "$(model_rows)" "$final" "and the same model after the late files"
check "one batch: etl --check passes" mc etl --check --quiet
