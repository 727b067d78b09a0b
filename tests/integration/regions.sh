#!/usr/bin/env bash
# Regions in the database (docs/model.md, "Regions"): a listing is
# (marketplace, region, external_id).  Two regional runs of one spider give
# two listings per game, each with its own history in its own currency,
# one product through their product_key; a complete run of one region
# delists only in that region; a region's runs are judged against the same
# region's earlier runs; reports show the region and --listing takes it;
# a bad region is a rejected line.
. "$(dirname "$0")/../lib.sh"

S=$T/staging
mkdir -p "$S"

# obs REGION ID PRICE CURRENCY OBSERVED_AT
obs() {
	printf '{"marketplace":"shop","region":"%s","external_id":"%s","url":"http://shop.test/%s/%s","title":"Game %s","price":"%s","currency":"%s","availability":"in_stock","observed_at":"%s","product_key":"pk-%s"}\n' \
		"$1" "$2" "$1" "$2" "$2" "$3" "$4" "$5" "$2"
}
# stage RUN REGION STARTED < lines: a complete, full-scope run of that region
stage() {
	local f=$S/$1.jsonl body
	body=$(cat)
	{
		printf '{"format":"marketcrawl-staging","version":1,"spider":"shop","run_id":"%s","started_at":"%s"}\n' "$1" "$3"
		printf '%s\n' "$body"
		printf '{"run":{"spider":"shop","run_id":"%s","region":"%s","started_at":"%s","finished_at":"%s","status":"complete","scope":"full","pages":1,"items":%d,"errors":0,"stats":{}}}\n' \
			"$1" "$2" "$3" "$3" "$(grep -c . <<<"$body")"
	} >"$f"
	echo "$f"
}
load() { mc load --keep "$@" >"$T/load.out" 2>"$T/load.err"; }

fresh_db || exit 1
de1=$(stage de1 de 2026-07-01T10:00:00Z <<EOT
$(obs de a 19.99 EUR 2026-07-01T10:00:01Z)
$(obs de b 9.99 EUR 2026-07-01T10:00:02Z)
$(obs de c 5.00 EUR 2026-07-01T10:00:03Z)
EOT
)
us1=$(stage us1 us 2026-07-01T11:00:00Z <<EOT
$(obs us a 21.99 USD 2026-07-01T11:00:01Z)
$(obs us b 10.99 USD 2026-07-01T11:00:02Z)
EOT
)
de2=$(stage de2 de 2026-07-02T10:00:00Z <<EOT
$(obs de a 14.99 EUR 2026-07-02T10:00:01Z)
$(obs de b 9.99 EUR 2026-07-02T10:00:02Z)
EOT
)
us2=$(stage us2 us 2026-07-02T11:00:00Z <<EOT
$(obs us a 21.99 USD 2026-07-02T11:00:01Z)
$(obs us b 10.99 USD 2026-07-02T11:00:02Z)
EOT
)
load "$de1" "$us1" "$de2" "$us2"
check_eq "$?" 0 "four regional runs load"
check "etl" mc etl --quiet

check_eq "$(sql "select marketplace, region, external_id, p.product_key, l.delisted_at is not null
	from core.listing l join core.product p using (product_id) order by 1, 2, 3")" \
"shop|de|a|pk-a|f
shop|de|b|pk-b|f
shop|de|c|pk-c|t
shop|us|a|pk-a|f
shop|us|b|pk-b|f" "one listing per region and game, one product per game; de2 delisted c in de only"
check_eq "$(sql "select l.region, h.valid_from, h.price, h.currency from core.price_history h join core.listing l using (listing_id) where l.external_id = 'a' order by 1, 2")" \
"de|2026-07-01 10:00:01+00|19.99|EUR
de|2026-07-02 10:00:01+00|14.99|EUR
us|2026-07-01 11:00:01+00|21.99|USD" "separate histories in their own currencies"
check_eq "$(sql "select run_id, region, health from core.crawl_run order by started_at")" \
"de1|de|complete
us1|us|complete
de2|de|complete
us2|us|complete" "each region judged against its own runs (us has fewer items than de, and is not suspect)"
check_eq "$(mc report cheapest --format csv | tr -d '\r' | cut -d, -f2- | grep '^pk-a')" \
"pk-a,EUR,shop,de,a,Game a,14.99,1,14.99
pk-a,USD,shop,us,a,Game a,21.99,1,21.99" "cheapest: per product and currency, the region shown"
check_eq "$(mc report history --listing shop/de:a --format csv | tr -d '\r' | tail -n +2 | cut -d, -f1-3,7)" \
"shop,de,a,19.99
shop,de,a,14.99" "--listing MARKETPLACE/REGION:ID picks the region's listing"
check_eq "$(mc report history --listing shop:a --format csv | tr -d '\r' | tail -n +2 | wc -l)" 0 \
	"--listing MARKETPLACE:ID is the listing without a region"
check "etl --check passes" mc etl --check --quiet

# The same id seen unchanged in a region is unchanged there, a change in
# the other region is a change: the loader keys on the region too.
us3=$(stage us3 us 2026-07-03T11:00:00Z <<EOT
$(obs us a 21.99 USD 2026-07-03T11:00:01Z)
$(obs us b 12.99 USD 2026-07-03T11:00:02Z)
EOT
)
load "$us3"
check_eq "$(sql "select rows_accepted || '/' || rows_unchanged from stg.loaded_file where run_id = 'us3'")" \
	"1/1" "the loader compares each region with its own state"

# A bad region is a rejected line.
bad=$(stage bad de 2026-07-04T10:00:00Z <<EOT
$(obs de a 14.99 EUR 2026-07-04T10:00:01Z)
$(obs DE b 9.99 EUR 2026-07-04T10:00:02Z)
$(obs de-at-the-very-long-end c 5.00 EUR 2026-07-04T10:00:03Z)
EOT
)
load "$bad"
check_eq "$?" 3 "a file with bad regions: exit 3"
check_eq "$(sql "select line_no, reason from stg.rejected_line order by line_no")" \
"3|bad_region
4|too_long_region" "an upper-case region and one over 20 characters are rejected"
