#!/usr/bin/env bash
# `marketcrawl report`: every report's exact rows after five crawls spread
# over 500 days (dates relative to today, because the historic lows look
# back 365 and 90 days from now), in the table, CSV and JSON formats, plus
# --list, --limit, --listing and usage errors.
. "$(dirname "$0")/../lib.sh"

fresh_db || exit 1
S=$T/staging/shop
mkdir -p "$S"

day() { date -u -d "$1 days ago" +%F; }
D500=$(day 500) D400=$(day 400) D200=$(day 200) D100=$(day 100) D10=$(day 10)

# obs MARKETPLACE ID TITLE PRICE CURRENCY DATE SECOND [PRODUCT_KEY]
obs() {
	printf '{"marketplace":"%s","external_id":"%s","url":"http://shop.test/%s","title":"%s","price":"%s","currency":"%s","availability":"in_stock","observed_at":"%sT10:00:0%sZ","product_key":%s}\n' \
		"$1" "$2" "$2" "$3" "$4" "$5" "$6" "$7" "${8:-null}"
}
# run DATE < observation lines: a complete run of spider shop, loaded
run() {
	local f=$S/$1.jsonl body
	body=$(cat)
	{
		printf '{"format":"marketcrawl-staging","version":1,"spider":"shop","run_id":"r%s","started_at":"%sT10:00:00Z"}\n' "$1" "$1"
		printf '%s\n' "$body"
		printf '{"run":{"spider":"shop","run_id":"r%s","started_at":"%sT10:00:00Z","finished_at":"%sT10:10:00Z","status":"complete","pages":1,"items":%d,"errors":0,"stats":{}}}\n' \
			"$1" "$1" "$1" "$(printf '%s\n' "$body" | grep -c .)"
	} >"$f"
	mc load --keep "$f" >/dev/null && mc etl --quiet
}
K='"pk1"'
check "day -500" run "$D500" <<EOT
$(obs alpha a1 "Star Forge" 70.00 EUR "$D500" 1 "$K")
EOT
check "day -400" run "$D400" <<EOT
$(obs alpha a1 "Star Forge" 100.00 EUR "$D400" 1 "$K")
$(obs beta b1 "Star Forge" 90.00 EUR "$D400" 2 "$K")
$(obs alpha c1 "Moon Base" 50.00 EUR "$D400" 3)
$(obs alpha d1 "Old Relic" 30.00 EUR "$D400" 4)
$(obs beta j1 "Star Forge" 1500 JPY "$D400" 5 "$K")
EOT
check "day -200 (d1 gone)" run "$D200" <<EOT
$(obs alpha a1 "Star Forge" 80.00 EUR "$D200" 1 "$K")
$(obs beta b1 "Star Forge" 90.00 EUR "$D200" 2 "$K")
$(obs alpha c1 "Moon Base" 55.00 EUR "$D200" 3)
$(obs beta j1 "Star Forge" 1500 JPY "$D200" 5 "$K")
EOT
check "day -100" run "$D100" <<EOT
$(obs alpha a1 "Star Forge" 120.00 EUR "$D100" 1 "$K")
$(obs beta b1 "Star Forge" 90.00 EUR "$D100" 2 "$K")
$(obs alpha c1 "Moon Base" 55.00 EUR "$D100" 3)
$(obs beta j1 "Star Forge" 1500 JPY "$D100" 5 "$K")
EOT
check "day -10" run "$D10" <<EOT
$(obs alpha a1 "Star Forge" 84.00 EUR "$D10" 1 "$K")
$(obs beta b1 "Star Forge" 94.00 EUR "$D10" 2 "$K")
$(obs alpha c1 "Moon Base" 55.00 EUR "$D10" 3)
$(obs beta j1 "Star Forge" 1500 JPY "$D10" 5 "$K")
EOT

rep() { mc report "$@" 2>&1; }
crlf() { tr -d '\r'; }

check_eq "$(rep price-changes --format csv | crlf)" \
"changed_at,marketplace,region,external_id,title,currency,old_price,new_price,delta,delta_pct
$D10 10:00:02+00,beta,,b1,Star Forge,EUR,90.00,94.00,4.00,4.44
$D10 10:00:01+00,alpha,,a1,Star Forge,EUR,120.00,84.00,-36.00,-30.00
$D100 10:00:01+00,alpha,,a1,Star Forge,EUR,80.00,120.00,40.00,50.00
$D200 10:00:03+00,alpha,,c1,Moon Base,EUR,50.00,55.00,5.00,10.00
$D200 10:00:01+00,alpha,,a1,Star Forge,EUR,100.00,80.00,-20.00,-20.00
$D400 10:00:01+00,alpha,,a1,Star Forge,EUR,70.00,100.00,30.00,42.86" \
	"price-changes: every change with old, new, delta and percent (CSV)"
check_eq "$(rep price-changes --format csv | head -n 1 | tail -c 2 | od -An -tx1)" " 0d 0a" \
	"CSV lines end in CRLF (RFC 4180)"

check_eq "$(rep daily-moves)" \
"    day     | marketplace | changes | drops | increases | largest_drop_pct | largest_drop_listing | largest_increase_pct | largest_increase_listing | avg_change_pct 
------------+-------------+---------+-------+-----------+------------------+----------------------+----------------------+--------------------------+----------------
 $D10 | alpha       |       1 |     1 |         0 |           -30.00 | a1                   |                      |                          |         -30.00
 $D10 | beta        |       1 |     0 |         1 |                  |                      |                 4.44 | b1                       |           4.44
 $D100 | alpha       |       1 |     0 |         1 |                  |                      |                50.00 | a1                       |          50.00
 $D200 | alpha       |       2 |     1 |         1 |           -20.00 | a1                   |                10.00 | c1                       |          -5.00
 $D400 | alpha       |       1 |     0 |         1 |                  |                      |                42.86 | a1                       |          42.86
(5 rows)" "daily-moves: per day and marketplace (table aligned like psql)"

check_eq "$(rep price-drops --format json)" \
"[
  {\"changed_at\":\"${D10}T10:00:01Z\",\"marketplace\":\"alpha\",\"region\":\"\",\"external_id\":\"a1\",\"title\":\"Star Forge\",\"currency\":\"EUR\",\"old_price\":\"120.00\",\"new_price\":\"84.00\",\"delta\":\"-36.00\",\"delta_pct\":\"-30.00\"},
  {\"changed_at\":\"${D200}T10:00:01Z\",\"marketplace\":\"alpha\",\"region\":\"\",\"external_id\":\"a1\",\"title\":\"Star Forge\",\"currency\":\"EUR\",\"old_price\":\"100.00\",\"new_price\":\"80.00\",\"delta\":\"-20.00\",\"delta_pct\":\"-20.00\"}
]" "price-drops: most recent first, decimals as exact strings (JSON)"

check_eq "$(mc report price-increases --format csv --limit 2 2>"$T/limit.err" | crlf)" \
"changed_at,marketplace,region,external_id,title,currency,old_price,new_price,delta,delta_pct
$D10 10:00:02+00,beta,,b1,Star Forge,EUR,90.00,94.00,4.00,4.44
$D100 10:00:01+00,alpha,,a1,Star Forge,EUR,80.00,120.00,40.00,50.00" \
	"price-increases --limit 2"
check_eq "$(cat "$T/limit.err")" \
	"marketcrawl report: price-increases: the first 2 rows shown; more exist (--limit N shows N, --limit 0 all)" \
	"... and stderr says more rows exist"

check_eq "$(rep current-prices)" \
" marketplace | region | external_id |   title    | price | list_price | currency | availability |      price_since       |       last_seen        |         url         
-------------+--------+-------------+------------+-------+------------+----------+--------------+------------------------+------------------------+---------------------
 alpha       |        | a1          | Star Forge | 84.00 |            | EUR      | in_stock     | $D10 10:00:01+00 | $D10 10:00:00+00 | http://shop.test/a1
 alpha       |        | c1          | Moon Base  | 55.00 |            | EUR      | in_stock     | $D200 10:00:03+00 | $D10 10:00:00+00 | http://shop.test/c1
 beta        |        | b1          | Star Forge | 94.00 |            | EUR      | in_stock     | $D10 10:00:02+00 | $D10 10:00:00+00 | http://shop.test/b1
 beta        |        | j1          | Star Forge |  1500 |            | JPY      | in_stock     | $D400 10:00:05+00 | $D10 10:00:00+00 | http://shop.test/j1
(4 rows)" "current-prices: listings on sale (d1 was delisted), JPY without decimals, last_seen the start of the last run that saw them"

check_eq "$(rep historic-lows --format csv | crlf)" \
"marketplace,region,external_id,title,currency,current_price,alltime_low,alltime_low_at,low_365d,low_365d_at,low_90d,low_90d_at,at_alltime_low,within_5pct_of_low
alpha,,a1,Star Forge,EUR,84.00,70.00,$D500 10:00:01+00,80.00,$D200 10:00:01+00,84.00,$D10 10:00:01+00,f,f
alpha,,c1,Moon Base,EUR,55.00,50.00,$D400 10:00:03+00,50.00,$D400 10:00:03+00,55.00,$D200 10:00:03+00,f,f
beta,,b1,Star Forge,EUR,94.00,90.00,$D400 10:00:02+00,90.00,$D400 10:00:02+00,90.00,$D400 10:00:02+00,f,t
beta,,j1,Star Forge,JPY,1500,1500,$D400 10:00:05+00,1500,$D400 10:00:05+00,1500,$D400 10:00:05+00,t,t" \
	"historic-lows: all-time, 365-day and 90-day lows with when, at-low and within-5% flags"

check_eq "$(rep cheapest --format csv | crlf | cut -d, -f2-)" \
"product_key,currency,marketplace,region,external_id,title,price,offers,highest_price
pk1,EUR,alpha,,a1,Star Forge,84.00,2,94.00
pk1,JPY,beta,,j1,Star Forge,1500,1,1500
,EUR,alpha,,c1,Moon Base,55.00,1,55.00" \
	"cheapest: per product and currency, across marketplaces"

check_eq "$(rep history --listing alpha:a1)" \
" marketplace | region | external_id |   title    |       valid_from       |        valid_to        | price  | list_price | currency 
-------------+--------+-------------+------------+------------------------+------------------------+--------+------------+----------
 alpha       |        | a1          | Star Forge | $D500 10:00:01+00 | $D400 10:00:01+00 |  70.00 |            | EUR
 alpha       |        | a1          | Star Forge | $D400 10:00:01+00 | $D200 10:00:01+00 | 100.00 |            | EUR
 alpha       |        | a1          | Star Forge | $D200 10:00:01+00 | $D100 10:00:01+00 |  80.00 |            | EUR
 alpha       |        | a1          | Star Forge | $D100 10:00:01+00 | $D10 10:00:01+00 | 120.00 |            | EUR
 alpha       |        | a1          | Star Forge | $D10 10:00:01+00 |                        |  84.00 |            | EUR
(5 rows)" "history: one listing's price ranges"

check_eq "$(rep history --listing alpha:d1 --format json)" \
"[
  {\"marketplace\":\"alpha\",\"region\":\"\",\"external_id\":\"d1\",\"title\":\"Old Relic\",\"valid_from\":\"${D400}T10:00:04Z\",\"valid_to\":\"${D200}T10:00:00Z\",\"price\":\"30.00\",\"list_price\":null,\"currency\":\"EUR\"}
]" "history of a delisted listing ends at its delisting (JSON null for no list price)"
check_eq "$(rep price-changes --listing beta:b1 --format csv | crlf | tail -n +2)" \
	"$D10 10:00:02+00,beta,,b1,Star Forge,EUR,90.00,94.00,4.00,4.44" "--listing filters any per-listing report"
check_eq "$(rep history --listing beta:nothing)" \
" marketplace | region | external_id | title | valid_from | valid_to | price | list_price | currency 
-------------+--------+-------------+-------+------------+----------+-------+------------+----------
(0 rows)" "an empty result still prints the header"

check_eq "$(rep --list | wc -l)" "10" "report --list: one line per report"
check_eq "$(rep --list | awk '{print $1 "=" $2}' | tr '\n' ' ')" \
	"price-changes=rpt.price_change daily-moves=rpt.daily_price_moves price-drops=rpt.recent_price_drops price-increases=rpt.recent_price_increases current-prices=rpt.current_price historic-lows=rpt.historic_low cheapest=rpt.cheapest_offer history=rpt.price_history runs=rpt.run_health fx-rates=rpt.fx_rate " \
	"the report names and their views"
rep history >/dev/null; check_eq "$?" "2" "history without --listing is a usage error"
rep no-such-report >/dev/null; check_eq "$?" "2" "an unknown report is a usage error"
rep daily-moves --listing alpha:a1 >/dev/null; check_eq "$?" "2" "--listing on a report that is not per listing is refused"
rep current-prices --format xml >/dev/null; check_eq "$?" "2" "an unknown format is refused"
check_eq "$(rep rpt.current_price --format csv --limit 1 | crlf | tail -n 1 | cut -d, -f1-5)" \
	"alpha,,a1,Star Forge,84.00" "a report can be named by its view"
check "etl --check passes on this data" mc etl --check
