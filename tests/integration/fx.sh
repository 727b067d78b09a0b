#!/usr/bin/env bash
# Prices across currencies (docs/fx.md): `marketcrawl fx load` with the
# ECB's eurofxref files (hand-made in tests/fixtures/fx/): exactly once per
# date (reload, an overlapping 90-day file), malformed files refused whole
# with the file and line named; the conversion rule (the day's rate, else
# the nearest earlier one: a gap day, a weekend; never a later one), cross
# rates through the euro; and `report cheapest --currency` on hand-made
# observations and on the demo's EUR and GBP stores.
. "$(dirname "$0")/../lib.sh"

F=$MC_ROOT/tests/fixtures/fx
fresh_db || exit 1
export MARKETCRAWL_HOME=$T/data

rates() { sql "select count(*) || ' ' || count(distinct rate_date) from core.fx_rate"; }

# ---- loading ---------------------------------------------------------------
out=$(mc fx load "$F/eurofxref-daily.xml" 2>&1)
check_eq "$?" 0 "fx load: the daily file loads"
check_eq "$out" "loaded $F/eurofxref-daily.xml: 1 new date(s) with 4 rate(s); 0 date(s) with 0 rate(s) already present, kept" \
	"fx load says how many dates and rates were new"
check_eq "$(sql "select currency, rate_date, rate from core.fx_rate order by currency" | tr '\n' ' ')" \
	"CHF|2024-03-08|0.9600 GBP|2024-03-08|0.85000 JPY|2024-03-08|160.00 USD|2024-03-08|1.0900 " \
	"the rates are stored as written"
check_eq "$(sql "select source from core.fx_day")" "eurofxref-daily.xml" "the date records its file"

out=$(mc fx load "$F/eurofxref-daily.xml" 2>&1)
check_eq "$?" 0 "fx load: the same file again succeeds"
check_eq "$out" "loaded $F/eurofxref-daily.xml: 0 new date(s) with 0 rate(s); 1 date(s) with 4 rate(s) already present, kept" \
	"reloading adds nothing"
check_eq "$(rates)" "4 1" "still 4 rates on 1 date"

out=$(mc fx load "$F/eurofxref-hist-90d.xml" 2>&1)
check_eq "$out" "loaded $F/eurofxref-hist-90d.xml: 4 new date(s) with 16 rate(s); 1 date(s) with 4 rate(s) already present, kept" \
	"an overlapping 90-day file adds only its new dates"
check_eq "$(sql "select rate from core.fx_rate where currency = 'USD' and rate_date = '2024-03-08'")" "1.0900" \
	"a date already present keeps its rates (the 90-day file says 1.0999)"
out=$(mc fx load "$F/eurofxref-hist.xml" "$F/eurofxref-hist-90d.xml" 2>&1)
check_eq "$out" "loaded $F/eurofxref-hist.xml: 2 new date(s) with 8 rate(s); 1 date(s) with 4 rate(s) already present, kept
loaded $F/eurofxref-hist-90d.xml: 0 new date(s) with 0 rate(s); 5 date(s) with 20 rate(s) already present, kept" \
	"the historic file (ROL, TRL, CYP of 2005) and the 90-day file once more"
check_eq "$(rates)" "28 7" "28 rates on 7 dates"
check_eq "$(sql "select rate from core.fx_rate where currency = 'GBP' and rate_date = '2024-03-01'")" "0.90000" \
	"the first file to bring a date wins"
check_eq "$(mc report fx-rates --format csv | tr -d '\r')" \
"currency,name,first_date,last_date,dates,last_rate
CHF,Swiss Franc,2024-02-29,2024-03-08,6,0.9600
CYP,Cyprus Pound,2005-01-03,2005-01-03,1,0.5820
GBP,Pound Sterling,2024-02-29,2024-03-08,6,0.85000
JPY,Yen,2005-01-03,2024-03-08,7,160.00
ROL,Old Romanian Leu,2005-01-03,2005-01-03,1,39390
TRL,Old Turkish Lira,2005-01-03,2005-01-03,1,1836200
USD,US Dollar,2024-02-29,2024-03-08,6,1.0900" "report fx-rates: per currency, dates and last rate"

# ---- refused files: one line naming the file (and line); nothing loaded ----
refused() { # FILE WANT_MESSAGE
	local out rc
	out=$(mc fx load "$F/$1" 2>&1)
	rc=$?
	check_eq "$rc $out" "1 marketcrawl fx: $F/$1: $2" "fx load refuses $1"
	check_eq "$(rates)" "28 7" "$1: nothing of it was loaded"
}
refused malformed.xml "line 14: malformed XML: Opening and ending tag mismatch: Cube line 11 and gesmes:Envelope"
refused bad-date.xml "line 11: bad date '2024-02-30' (YYYY-MM-DD, a calendar day)"
refused bad-rate.xml "line 12: bad rate '-1.0710' for USD on 2024-04-02 (a positive decimal)"
refused unknown-currency.xml "line 13: unknown currency 'XTS' (not in core.currency)"
refused twice.xml "line 11: USD given twice for 2024-04-01"
refused not-eurofxref.xml "line 1: not an ECB eurofxref file: the root element is <html>, not <gesmes:Envelope>"
out=$(mc fx load "$T/missing.xml" "$F/eurofxref-daily.xml" 2>&1)
check_eq "$? $out" "1 marketcrawl fx: $T/missing.xml: No such file or directory
loaded $F/eurofxref-daily.xml: 0 new date(s) with 0 rate(s); 1 date(s) with 4 rate(s) already present, kept" \
	"a missing file fails, the next one is still loaded, the exit status is 1"
check_eq "$(mc fx 2>&1; echo "rc $?")" "marketcrawl fx: a subcommand is needed: load FILE...
Try 'marketcrawl fx --help' for the options.
rc 2" "fx without a subcommand is a usage error"
check_eq "$(mc fx load 2>&1 | head -n 1)" "marketcrawl fx: load needs at least one FILE" "fx load without a file"
check_eq "$(mc fx --bogus 2>&1; echo "rc $?")" "marketcrawl fx: unrecognized option '--bogus'
Try 'marketcrawl fx --help' for the options.
rc 2" "fx --bogus: the option named, then the hint (as tests/integration/cli_messages.sh wants)"
check "fx --help prints the usage" bash -c "'$MC_BIN' fx --help | grep -q '^usage: marketcrawl fx load'"

# ---- the conversion rule ------------------------------------------------------
conv() { sql "select coalesce(rate::text, '-') || ' ' || coalesce(rate_date::text, '-')
              from (select 1) one left join core.fx_cross_rate('$1', '$2', '$3') on true"; }
check_eq "$(conv GBP EUR 2024-03-05)" "1.2500000000000000 2024-03-05" "the rate of the day itself"
check_eq "$(conv GBP EUR 2024-03-06)" "1.2500000000000000 2024-03-05" "a gap day takes the day before"
check_eq "$(conv USD EUR 2024-03-03)" "1.00000000000000000000 2024-03-01" "a Sunday takes the Friday"
check_eq "$(conv USD EUR 2024-02-28)" "- -" "before the first rate: no rate (never a later one)"
check_eq "$(conv EUR EUR 1990-01-01) $(conv EUR USD 2024-03-08)" "1 - 1.09000000000000000000 2024-03-08" \
	"EUR is 1 on every day; EUR to USD is the USD rate"
check_eq "$(conv GBP USD 2024-03-06)" "1.3562500000000000 2024-03-05" "GBP to USD crosses via EUR: USD rate / GBP rate"

# ---- report cheapest --currency on hand-made observations --------------------
S=$T/staging
mkdir -p "$S"
obs() { # MARKETPLACE ID TITLE PRICE CURRENCY DATE SECOND PRODUCT_KEY
	printf '{"marketplace":"%s","external_id":"%s","url":"http://shop.test/%s","title":"%s","price":"%s","currency":"%s","availability":"in_stock","observed_at":"%sT10:00:0%sZ","product_key":"%s"}\n' \
		"$1" "$2" "$2" "$3" "$4" "$5" "$6" "$7" "$8"
}
run() { # SPIDER DATE < observation lines: a complete run, loaded
	local f=$S/$1.jsonl body
	body=$(cat)
	{
		printf '{"format":"marketcrawl-staging","version":1,"spider":"%s","run_id":"r1","started_at":"%sT10:00:00Z"}\n' "$1" "$2"
		printf '%s\n' "$body"
		printf '{"run":{"spider":"%s","run_id":"r1","started_at":"%sT10:00:00Z","finished_at":"%sT10:10:00Z","status":"complete","pages":1,"items":%d,"errors":0,"stats":{}}}\n' \
			"$1" "$2" "$2" "$(printf '%s\n' "$body" | grep -c .)"
	} >"$f"
	mc load --keep "$f" >/dev/null && mc etl --quiet
}
# One spider per day, so no run delists another day's listings.
check "observations of Wednesday 2024-03-06 (no rate that day)" run gap 2024-03-06 <<EOT
$(obs alpha a1 "Gap Game" 101.00 EUR 2024-03-06 1 gap)
$(obs beta b1 "Gap Game" 80.00 GBP 2024-03-06 2 gap)
EOT
check "observations of Sunday 2024-03-03" run weekend 2024-03-03 <<EOT
$(obs gamma g1 "Weekend Game" 50.00 USD 2024-03-03 1 weekend)
$(obs beta b2 "Weekend Game" 46.80 GBP 2024-03-03 2 weekend)
EOT
check "observations of 2024-02-20, before the first GBP rate" run early 2024-02-20 <<EOT
$(obs alpha a3 "Early Game" 12.00 EUR 2024-02-20 1 early)
$(obs beta b3 "Early Game" 10.00 GBP 2024-02-20 2 early)
$(obs beta b4 "Lonely Game" 9.00 GBP 2024-02-20 3 lonely)
EOT
check_eq "$(mc report cheapest --currency EUR --format csv | tr -d '\r' | cut -d, -f1,3-)" \
"currency,product_key,price,marketplace,region,external_id,title,original_price,original_currency,rate,rate_date,observed_on,offers,highest_price,not_converted
EUR,early,12.00,alpha,,a3,Early Game,12.00,EUR,1,,2024-02-20,1,12.00,1
EUR,gap,100.00,beta,,b1,Gap Game,80.00,GBP,1.25,2024-03-05,2024-03-06,2,101.00,0
EUR,weekend,50.00,gamma,,g1,Weekend Game,50.00,USD,1,2024-03-01,2024-03-03,2,52.00,0" \
	"cheapest --currency EUR: across currencies, at the nearest earlier rate; unconvertible offers counted, a product without any left out"
check_eq "$(mc report cheapest --currency USD --format csv | tr -d '\r' | cut -d, -f1,3-5,9-16)" \
"currency,product_key,price,marketplace,original_price,original_currency,rate,rate_date,observed_on,offers,highest_price,not_converted
USD,gap,108.50,beta,80.00,GBP,1.35625,2024-03-05,2024-03-06,2,109.59,0
USD,weekend,50.00,gamma,50.00,USD,1,,2024-03-03,2,52.00,0" \
	"cheapest --currency USD: cross rates via EUR; a USD price stays as it is"
check_eq "$(mc report cheapest --format csv | tr -d '\r' | cut -d, -f2-4,6 | sort | tr '\n' ' ')" \
	"early,EUR,alpha,a3 early,GBP,beta,b3 gap,EUR,alpha,a1 gap,GBP,beta,b1 lonely,GBP,beta,b4 product_key,currency,marketplace,external_id weekend,GBP,beta,b2 weekend,USD,gamma,g1 " \
	"without --currency, cheapest still compares within each currency"
check_eq "$(mc report cheapest --currency eur 2>&1; echo "rc $?")" \
"marketcrawl report: --currency wants a currency code of three upper-case letters, e.g. EUR, not 'eur'
rc 2" "--currency in lower case is a usage error"
check_eq "$(mc report cheapest --currency QQQ 2>&1; echo "rc $?")" \
"marketcrawl report: --currency QQQ: unknown currency (not in core.currency)
rc 2" "--currency of an unknown code is a one-line error"
check_eq "$(mc report cheapest --currency SEK 2>&1; echo "rc $?")" \
"marketcrawl report: --currency SEK: no exchange rates for it; \`marketcrawl fx load\` loads them
rc 2" "--currency without rates says so"
check_eq "$(mc report current-prices --currency EUR 2>&1; echo "rc $?")" \
"marketcrawl report: current-prices has no --currency (only cheapest has)
rc 2" "--currency applies to cheapest only"

# ---- the demo's EUR and GBP stores meet ---------------------------------------
if [ ! -x "$MC_HTTPD" ] || [ ! -x "$MC_GEN_SITE" ]; then
	not_ok "the fixture server and gen_site are built"
	exit 0
fi
"$MC_GEN_SITE" demo "$T/site" --version 1
fresh_db || exit 1
mc fx load "$F/eurofxref-daily.xml" >/dev/null
start_httpd "$T/site"
timeout 300 "$MC_BIN" crawl demo --origin "$HTTPD_URL" --out "$T/demo" --fast --no-progress \
	>"$T/crawl.out" 2>&1
check_eq "$?" 0 "crawl the demo site"
stop_httpd "$HTTPD_PID"
check "load and etl the demo crawl" bash -c "'$MC_BIN' load --keep '$T'/demo/*.jsonl >/dev/null && '$MC_BIN' etl --quiet"

# Expected: per product_key sold by both stores, the cheapest offer in EUR at
# the rates of 2024-03-08 (the crawl is later; the nearest earlier date),
# ties to the first marketplace, as marketplace,external_id,price,original.
awk -F'\t' 'BEGIN { r["EUR"] = 1; r["USD"] = 1.09; r["GBP"] = 0.85; r["CHF"] = 0.96 }
	NR > 1 && $3 != "" {
		eur = sprintf("%.2f", $5 / r[$7]); n[$3]++
		if (!($3 in best) || eur + 0 < best[$3] + 0 || (eur + 0 == best[$3] + 0 && $1 < m[$3])) {
			best[$3] = eur; m[$3] = $1; line[$3] = $1 "," $2 "," eur "," $7
		}
	}
	END { for (k in n) if (n[k] > 1) print k "," line[k] }' "$T/site/expected.tsv" | LC_ALL=C sort >"$T/want"
mc report cheapest --currency EUR --limit 0 --format csv | tr -d '\r' |
	awk -F, 'NR > 1 && $14 > 1 { print $3 "," $5 "," $7 "," $4 "," $10 }' | LC_ALL=C sort >"$T/got"
gbp=$(grep -c ',demo-b,.*,GBP$' "$T/want") eur=$(grep -c ',demo-a,.*,EUR$' "$T/want")
check_eq "$(wc -l <"$T/want")" 40 "demo: 40 products sold by both stores"
check "demo: a GBP offer is the cheapest of some ($gbp), an EUR offer of others ($eur)" \
	test "$gbp" -gt 0 -a "$eur" -gt 0
check_eq "$(diff "$T/want" "$T/got" | head -n 10)" "" \
	"demo: the cheapest of both stores in EUR, as the ground truth converted at the 2024-03-08 rates"
