#!/usr/bin/env bash
# A spider that reads deals is not a catalogue: the gog spider reads GOG's
# home page (its deals and giveaways) and declares scope "partial", so a
# game that leaves the page (its sale ended) is not delisted; it keeps its
# last price until a page shows it again.  Two saved home pages
# (tests/spiders/gog/pages: the same page at two times) are replayed
# through the spider; each replay's items become a complete staging file
# of the spider's scope; both are loaded and the ETL run.  The same two
# files with scope "full" show what used to happen: 11 games delisted.
. "$(dirname "$0")/../lib.sh"
cd "$MC_ROOT" || exit 1

S=$T/staging/gog
mkdir -p "$S"

scope=$(mc spiders | awk '$1 == "gog" { for (i = 2; i <= NF; i++) if ($i == "full" || $i == "partial") print $i }')
check_eq "$scope" partial "the gog spider declares a partial scope"

# replay URL: the items of the saved page at URL, one per line.
replay() {
	local dir
	dir=$(mktemp -d "$T/pages.XXXXXX")
	mkdir -p "$dir/gog"
	ln -s "$MC_ROOT/tests/spiders/gog/pages" "$dir/gog/pages"
	cp tests/spiders/gog/pages.tsv "$dir/gog/pages.tsv"
	printf '%s\n' "$1" >"$dir/gog/start_urls"
	mc check-spider --dir "$dir" --print gog 2>>"$T/replay.log"
}
# stage RUN_ID DAY SCOPE < items: a complete staging file; prints its path.
stage() {
	local f=$S/$1-$3.jsonl items
	items=$(jq -c --arg t "2026-03-0$2T10:00:30Z" \
		'{marketplace, external_id, url, title, price, list_price, currency, availability,
		  observed_at: $t, product_key, attrs}')
	{
		printf '{"format":"marketcrawl-staging","version":1,"spider":"gog","run_id":"%s","started_at":"2026-03-0%sT10:00:00Z"}\n' "$1" "$2"
		printf '%s\n' "$items"
		printf '{"run":{"spider":"gog","run_id":"%s","started_at":"2026-03-0%sT10:00:00Z","finished_at":"2026-03-0%sT10:05:00Z","status":"complete","scope":"%s","pages":1,"items":%d,"errors":0,"stats":{}}}\n' \
			"$1" "$2" "$2" "$3" "$(grep -c . <<<"$items")"
	} >"$f"
	echo "$f"
}
load() { mc load --keep "$@" >"$T/load.out" 2>&1 || { cat "$T/load.out"; return 1; }; }

run1=$(replay 'https://www.gog.com/en/')
run2=$(replay 'https://www.gog.com/en/?fixture=no-giveaway')
gone=$(comm -23 <(jq -r .external_id <<<"$run1" | sort) <(jq -r .external_id <<<"$run2" | sort))
check_eq "$(grep -c . <<<"$run1") $(grep -c . <<<"$run2") $(grep -c . <<<"$gone")" "77 72 11" \
	"77 games on the first page, 72 on the second, 11 of the first gone from it"
check_eq "$(jq -r 'select(.external_id == "1376131651") | [.title, .price, .list_price] | join(" ")' <<<"$run1")" \
	"Resident Evil Classic Bundle 292 649" "one of them: Resident Evil Classic Bundle on sale at 292 SEK"

fresh_db || exit 1
check "load both runs (scope partial)" load "$(stage r1 1 "$scope" <<<"$run1")" "$(stage r2 2 "$scope" <<<"$run2")"
check "etl" mc etl --quiet
check_eq "$(sql "select count(*) from core.listing where delisted_at is not null")" 0 \
	"a partial-scope spider delists nothing: the 11 games that left the page are still listed"
check_eq "$(sql "select l.title, h.price, h.list_price, h.valid_to is null from core.price_history h join core.listing l using (listing_id) where l.external_id = '1376131651'")" \
	"Resident Evil Classic Bundle|292.00|649.00|t" "and keep their last price until a page shows them again"
check_eq "$(sql "select count(*) from rpt.current_price where marketplace = 'gog'")" \
	"$(cat <(jq -r .external_id <<<"$run1") <(jq -r .external_id <<<"$run2") | sort -u | wc -l)" \
	"current-prices keeps every game either page showed"

fresh_db || exit 1
check "the same runs declared full" load "$(stage r1 1 full <<<"$run1")" "$(stage r2 2 full <<<"$run2")"
check "etl" mc etl --quiet
check_eq "$(sql "select string_agg(external_id, ' ' order by external_id) from core.listing where delisted_at is not null")" \
	"$(sort <<<"$gone" | tr '\n' ' ' | sed 's/ $//')" "declared full, the 11 would have been delisted (what sale pages did before scopes)"
