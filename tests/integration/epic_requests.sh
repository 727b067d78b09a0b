# The requests the epic spider sends, as the store sees them.  The offline
# replay (tests/spiders/epic) matches method, URL and body but answers
# whatever headers a request carries; here the fixture server, as a proxy
# for the store's own host, serves the saved Swedish searchStore answer
# (cut to one page: paging.total = its 5 elements) at /graphql only to a
# POST with Content-Type: application/json and region se's start body,
# byte for byte.  Region se gets its 5 items; region us, whose body names
# another country, is refused (400) and its run fails.
. "$(dirname "$0")/../lib.sh"

site=$T/site
mkdir -p "$site"
jq '.data.Catalog.searchStore.paging.total = (.data.Catalog.searchStore.elements | length)' \
	tests/spiders/epic/pages/epic_search_with_dlc.json >"$site/graphql"
printf 'Content-Type: application/json\n' >"$site/graphql.headers"
cp tests/spiders/epic/pages/search_se_start0.body.json "$site/se.body.json"
printf 'Method: POST\nHeader: Content-Type: application/json\nBody-File: se.body.json\n' \
	>"$site/graphql.rules"
start_httpd "$site" -l "$T/access.log"

# crawl REGION: epic's own start request for REGION, its host kept and sent
# to the fixture server (plain http: the server answers for any host).
crawl() {
	mc crawl epic --region "$1" --origin http://store.epicgames.com --proxy "$HTTPD_URL" \
		--out "$T/out.$1" --data-dir "$T/data.$1" --delay 0 --retries 0 --no-progress \
		--no-health >"$T/$1.out" 2>"$T/$1.err"
}
items() { sed '1d;$d' "$T"/out."$1"/*.jsonl; }

crawl se
check_eq "$?" 0 "crawl epic --region se through the store's host: complete"
check_eq "$(grep -c '^POST http://store.epicgames.com/graphql 200 .* proxied Host=store.epicgames.com' \
	"$T/access.log")" 1 \
	"one search POST, which passed the rules: method, Content-Type application/json, region se's body"
check_eq "$(items se | jq -r '[.region, .currency] | join(" ")' | sort | uniq -c | tr -s ' ')" " 5 se SEK" \
	"the answer's 5 offers, region se, in SEK"
check_eq "$(items se | jq -r 'select(.external_id == "0b09d98e514b4808a9ba2ff31af8e44f") | [.price, .list_price] | join(" ")')" \
	"1.05 21" "Umm Oyoun: 105 / 2100 minor units with 2 decimals"

crawl us
check_eq "$?" 1 "region us posts another body: refused, the run fails"
check_eq "$(grep -c '^POST http://store.epicgames.com/graphql 400 ' "$T/access.log")" 1 \
	"the server refused region us's body (400), so the rules did check it"
check "no staging file for the failed run" test -z "$(ls "$T/out.us" 2>/dev/null)"
