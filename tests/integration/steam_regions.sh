#!/usr/bin/env bash
# The steam spider's regions and age gate, crawled through the fixture
# server with `crawl --origin` (the offline replay of tests/spiders/ maps
# URLs to files and checks no cookie, so it cannot show either).
#
# Regions: the saved search results JSON (tests/spiders/steam/pages/, the
# start=100 page: 16 rows, the last page of its total_count, so one request
# is the whole run) is served at the search path; a run per region must
# ask for it with that region's cc= (and l=english), and every item and
# the run record must carry the region.  The page's prices name their
# currency (€), which wins over the region's; a page whose only row is one
# real "Free" row (cut from the start=0 page) names none, so its currency
# is the region's, in every region of the spider; so is the currency of a
# "$" or "¥" that several currencies share.  That two regions' items
# become two listings with their own histories after load and etl is
# tests/integration/regions.sh.
#
# Age gate: the saved app page (The Planet Crafter) is served only to a
# request with the spider's three age-gate cookies (FILE.rules); a crawl
# of it yields its item, and a fetch without the spider's cookies is
# refused.
. "$(dirname "$0")/../lib.sh"
cd "$MC_ROOT" || exit 1

P=$MC_ROOT/tests/spiders/steam/pages
site=$T/site
mkdir -p "$site/search/results" "$site/app/1284190/The_Planet_Crafter"
# The fixture server ignores the query: every search asks for this file.
results=$site/search/results/index.html
ln -s "$P/search_results_infinite_tag1254552_start100.json" "$results"
printf 'Content-Type: application/json\n' >"$results.headers"
app=$site/app/1284190/The_Planet_Crafter/index.html
ln -s "$P/test_html.txt" "$app"
printf 'Cookie: %s\n' birthtime=283996800 lastagecheckage=1-0-1979 wants_mature_content=1 >"$app.rules"
start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL

# crawl NAME ARGS...: a steam crawl against the fixture server, staging in
# $T/NAME (no health reference of another run), its exit status in
# $T/NAME.rc, the requests the server saw for it (robots.txt left out) in
# $T/NAME.requests; prints the staging file's path.
crawl() {
	local name=$1 seen
	shift
	seen=$(wc -l <"$T/access.log")
	mc crawl steam --origin "$U" --allow-domain 127.0.0.1 --out "$T/$name" \
		--data-dir "$T/data_$name" --delay 0 --no-progress "$@" >"$T/$name.out" 2>"$T/$name.err"
	echo "$?" >"$T/$name.rc"
	tail -n "+$((seen + 1))" "$T/access.log" | grep -v '^GET /robots.txt ' >"$T/$name.requests"
	ls "$T/$name"/*.jsonl 2>/dev/null
}
items() { sed '1d;$d' "${1:-/dev/null}"; }
run_record() { tail -n 1 "${1:-/dev/null}"; }
# request NAME: the one request of run NAME as "TARGET STATUS" (all of them
# when there are more: the check then fails).
request() { awk '{ print $2, $3 }' "$T/$1.requests"; }
search() { printf '/search/results/?query=&start=0&count=50&dynamic_data=&sort_by=Released_DESC&force_infinite=1&category1=998&ndl=1&infinite=1&cc=%s&l=english' "$1"; }

# ---- two regions -------------------------------------------------------
for r in us de; do
	f=$(crawl "$r" --region "$r")
	check_eq "$(cat "$T/$r.rc")" 0 "crawl steam --region $r: exit 0"
	check_eq "$(request "$r")" "$(search "$r") 200" \
		"region $r: one request, the catalogue search with cc=$r&l=english"
	check_eq "$(items "$f" | wc -l | tr -d ' ')" 10 \
		"region $r: the 10 priced rows of the page (16 rows, 6 show no price)"
	check_eq "$(items "$f" | jq -r '.region' | sort | uniq -c | tr -s ' ')" " 10 $r" \
		"region $r: every item carries region $r"
	check_eq "$(items "$f" | jq -r 'keys_unsorted[0:3] | join(",")' | sort -u)" \
		"marketplace,region,external_id" "region $r: the region right after marketplace"
	check_eq "$(run_record "$f" | jq -r '[.run.region, .run.status, .run.scope] | join(" ")')" \
		"$r complete full" "region $r: the run record carries the region"
	check_eq "$(items "$f" | jq -r .currency | sort -u)" EUR \
		"region $r: prices written with € stay EUR whatever the region"
done
check_eq "$(items "$T"/us/*.jsonl | jq -c 'del(.region, .observed_at)')" \
	"$(items "$T"/de/*.jsonl | jq -c 'del(.region, .observed_at)')" \
	"the same page read in two regions: the same listings but for the region"
check_eq "$(items "$T"/us/*.jsonl | jq -r 'select(.product_key != "steam:" + .external_id)' | wc -l | tr -d ' ')" 0 \
	"every item's product_key is steam:<external_id>, so a game's regional listings are one product"

# ---- every region's currency, for a price that names none ---------------
declare -A currency=([us]=USD [gb]=GBP [de]=EUR [fr]=EUR [pl]=PLN [br]=BRL [jp]=JPY [kr]=KRW [au]=AUD [ca]=CAD)
mc crawl steam --region xx >/dev/null 2>"$T/codes.err"
check_eq "$(sed -n 's/.*(its regions: \(.*\))$/\1/p' "$T/codes.err")" "us, gb, de, fr, pl, br, jp, kr, au, ca" \
	"the spider's regions, us first (the default), are the ones tested here"
free_row=$(jq -r .results_html "$P/search_results_infinite_tag1254552_start000.json" |
	awk '/<a href=/ { row = "" } { row = row $0 "\n" }
	     /data-ds-appid="2393810"/ { mine = 1 } mine && /<\/a>/ { printf "%s", row; exit }')
check "the Free row of FFFL: Brutalball Manager was cut from the saved page" \
	grep -q '<div class="discount_final_price free">Free</div>' <<<"$free_row"
rm "$results"
jq -n --arg html "$free_row" '{success: 1, results_html: $html, total_count: 1, start: 0}' >"$results"
check_eq "$(mc spiders | awk '$1 == "steam" { print $4 }')" "us,gb,de,fr,pl,br,jp,kr,au,ca" \
	"marketcrawl spiders lists steam's regions, the default first"
check_eq "$(mc spiders | awk '$1 == "gog" { print $4 }')" "-" "and '-' for a spider without regions"
for r in us gb de fr pl br jp kr au ca; do
	f=$(crawl "free_$r" --region "$r")
	check_eq "$(request "free_$r")" "$(search "$r") 200" "region $r: the search asks with cc=$r"
	check_eq "$(items "$f" | jq -r '[.region, .external_id, .price, .currency] | join(" ")')" \
		"$r 2393810 0 ${currency[$r]}" \
		"region $r: a Free row on a page that names no currency is 0 ${currency[$r]}"
done
# The same row with its "Free" replaced by a price whose symbol several
# currencies share (a derived text): the region's currency decides.
for case in 'us|$4.99|4.99 USD' 'au|$4.99|4.99 AUD' 'jp|¥ 500|500 JPY' 'ca|CDN$ 19.99|19.99 CAD' \
	'us|CDN$ 19.99|19.99 CAD'; do
	IFS='|' read -r r text want <<<"$case"
	n=$((${n:-0} + 1))
	jq -n --arg html "${free_row/>Free</>$text<}" \
		'{success: 1, results_html: $html, total_count: 1, start: 0}' >"$results"
	f=$(crawl "symbol_${n}_$r" --region "$r")
	check_eq "$(items "$f" | jq -r '[.region, .price, .currency] | join(" ")')" "$r $want" \
		"region $r: a row priced '$text' is $want"
done

# ---- the age gate -------------------------------------------------------
f=$(crawl app --start-url "$U/app/1284190/The_Planet_Crafter/")
check_eq "$(request app)" "/app/1284190/The_Planet_Crafter/ 200" \
	"the app page behind the age-gate rules was served to the spider"
check_eq "$(items "$f" | jq -r '[.region, .external_id, .price, .list_price, .currency] | join(" ")')" \
	"us 1284190 11.99 19.99 GBP" "its item: The Planet Crafter £19.99 → £11.99 (default region us)"
mc fetch "$U/app/1284190/The_Planet_Crafter/" >"$T/fetch.out" 2>&1
check_eq "$?:$(grep -c 'http_4xx (HTTP 403)' "$T/fetch.out")" "1:1" \
	"control: fetched without the spider's cookies, the app page is refused (403)"
check_eq "$(grep -c '^GET /app/1284190/The_Planet_Crafter/ 403 ' "$T/access.log")" 1 \
	"control: the server refused that request for its rules"
mc fetch "$U/app/1284190/The_Planet_Crafter/" --spider steam --allow-domain 127.0.0.1 >"$T/fetch.out" 2>&1
check_eq "$?:$(grep -c '^GET /app/1284190/The_Planet_Crafter/ 200 ' "$T/access.log")" "0:2" \
	"fetch --spider steam (the spider's cookies) passes the age gate"
