#!/usr/bin/env bash
# The end of a Steam sale is a price increase, not a delisting.
#
# The steam spider reads the whole catalogue (scope full), so a game whose
# discount ends is still seen, at its full price.  Two replays of the saved
# search results JSON (tests/spiders/steam/): run 1 the real pages, run 2
# the same pages with College Bowl (app 1226160) back at full price (the
# derived page of tests/spiders/steam/derived/, see VERIFIED.md).  Each
# replay's items become a complete, full-scope staging file; both are
# loaded and the ETL run; the game's history must show 20.82 then 24.50
# (an increase), and no listing may be delisted.  A third run without the
# game shows what happened before (the specials search dropped it): a
# complete full run that misses a listing delists it.
. "$(dirname "$0")/../lib.sh"
cd "$MC_ROOT" || exit 1

fresh_db || exit 1
S=$T/staging/steam
mkdir -p "$S"
START='https://store.steampowered.com/search/results/?query=&start=0&count=50&dynamic_data=&force_infinite=1&category1=998,994,992,997&tags=1254552&ndl=1&snr=1_7_7_230_7&infinite=1'
REAL=search_results_infinite_tag1254552_start000.json
ENDED=search_results_infinite_tag1254552_start000_sale_ended.json

# replay DIR: the items of the catalogue replay from DIR/steam, one per line.
replay() {
	printf '%s\n' "$START" >"$1/steam/start_urls"
	mc check-spider --dir "$1" --print steam 2>>"$T/replay.log"
}
# pages_dir [FILE]: a private test directory holding the saved pages, with
# FILE (from derived/) served instead of the real first results page.
pages_dir() {
	local dir
	dir=$(mktemp -d "$T/pages.XXXXXX")
	mkdir -p "$dir/steam/pages"
	ln -s "$MC_ROOT"/tests/spiders/steam/pages/* "$dir/steam/pages/"
	if [ -n "${1:-}" ]; then
		ln -s "$MC_ROOT/tests/spiders/steam/derived/$1" "$dir/steam/pages/$1"
		sed "s/$REAL/$1/" tests/spiders/steam/pages.tsv >"$dir/steam/pages.tsv"
	else
		cp tests/spiders/steam/pages.tsv "$dir/steam/pages.tsv"
	fi
	echo "$dir"
}
# stage RUN_ID STARTED OBSERVED FINISHED < items: a complete, full-scope
# staging file of the items (observed_at added); prints its path.
stage() {
	local f=$S/$1.jsonl items
	items=$(jq -c --arg t "$3" \
		'{marketplace, external_id, url, title, price, list_price, currency, availability,
		  observed_at: $t, product_key, attrs}')
	{
		printf '{"format":"marketcrawl-staging","version":1,"spider":"steam","run_id":"%s","started_at":"%s"}\n' "$1" "$2"
		printf '%s\n' "$items"
		printf '{"run":{"spider":"steam","run_id":"%s","started_at":"%s","finished_at":"%s","status":"complete","scope":"full","pages":3,"items":%d,"errors":0,"stats":{}}}\n' \
			"$1" "$2" "$4" "$(grep -c . <<<"$items")"
	} >"$f"
	echo "$f"
}
load() { mc load --keep "$@" >"$T/load.out" 2>&1 || { cat "$T/load.out"; return 1; }; }
college_bowl_history() {
	sql "select h.price, coalesce(h.list_price::text, '-'), h.currency
	     from core.price_history h join core.listing l using (listing_id)
	     where l.marketplace = 'steam' and l.external_id = '1226160' order by h.valid_from"
}

run1=$(replay "$(pages_dir)")
run2=$(replay "$(pages_dir "$ENDED")")
check_eq "$(grep -c . <<<"$run1") $(grep -c . <<<"$run2")" "103 103" "both replays yield 103 items"
check_eq "$(diff <(grep -v '"external_id":"1226160"' <<<"$run1") <(grep -v '"external_id":"1226160"' <<<"$run2") && echo same)" \
	same "the runs differ only in College Bowl"
check_eq "$(grep -F '"external_id":"1226160"' <<<"$run2" | jq -r '[.price, .list_price // "-", .attrs.discount_pct // "-"] | join(" ")')" \
	"24.5 - -" "run 2 reads College Bowl at full price 24,50€: no list price, no discount"

f1=$(stage 20260301T100000Z-1 2026-03-01T10:00:00Z 2026-03-01T10:00:30Z 2026-03-01T10:05:00Z <<<"$run1")
f2=$(stage 20260302T100000Z-1 2026-03-02T10:00:00Z 2026-03-02T10:00:30Z 2026-03-02T10:05:00Z <<<"$run2")
check "load run 1" load "$f1"
check "etl after run 1" mc etl --quiet
check "load run 2 (the sale has ended)" load "$f2"
check "etl after run 2" mc etl --quiet

check_eq "$(college_bowl_history)" "20.82|24.50|EUR
24.50|-|EUR" "College Bowl's price history: 20.82 (list 24.50), then 24.50"
check_eq "$(sql "select old_price, new_price, delta from rpt.price_change where marketplace = 'steam' and external_id = '1226160'")" \
	"20.82|24.50|3.68" "rpt.price_change: the end of the sale is an increase of 3.68"
check "report price-increases lists College Bowl" grep -q 'College Bowl' <<<"$(mc report price-increases --format csv)"
check_eq "$(sql "select count(*) from rpt.price_change where marketplace = 'steam'")" 1 \
	"no other steam price changed"
check_eq "$(sql "select delisted_at is null from core.listing where marketplace = 'steam' and external_id = '1226160'")" \
	t "College Bowl is not delisted"
check_eq "$(sql "select count(*), count(*) filter (where delisted_at is null) from core.listing where marketplace = 'steam'")" \
	"103|103" "all 103 steam listings are still listed"

# Control: a complete full run that does not see the game delists it (what
# the specials search did when a sale ended).
f3=$(stage 20260303T100000Z-1 2026-03-03T10:00:00Z 2026-03-03T10:00:30Z 2026-03-03T10:05:00Z \
	<<<"$(grep -v '"external_id":"1226160"' <<<"$run2")")
check "load run 3 (without College Bowl)" load "$f3"
check "etl after run 3" mc etl --quiet
check_eq "$(sql "select delisted_at from core.listing where marketplace = 'steam' and external_id = '1226160'")" \
	"2026-03-03 10:00:00+00" "control: a complete full run missing the game delists it at the run's start"
check_eq "$(sql "select count(*) filter (where delisted_at is null) from core.listing where marketplace = 'steam'")" \
	102 "control: the other 102 listings stay listed"
