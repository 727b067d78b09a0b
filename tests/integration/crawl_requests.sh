#!/usr/bin/env bash
# The request model through the command line, against the fixture server:
# a demo crawl whose product pages answer 403 without the cookie the index
# page sets (the jar across transfers and two parser threads), no cookie
# value or body in a --log-level debug run; `fetch` POSTing JSON to /echo
# byte for byte with its content type, headers and cookies; `parse` (the
# items and the follow list printed, exit codes, unknown spider or
# callback listing the known ones); --region on a spider without regions.
# The engine side (spider defaults, regions, dedup on method and body,
# replay of POSTs) is in tests/unit/test_engine_requests.c and
# test_engine_replay.c.
. "$(dirname "$0")/../lib.sh"

secret=s3cr3t-jar-value
site=$T/site
"$MC_GEN_SITE" demo "$site" --version 1 >/dev/null
products=$(($(wc -l <"$site/expected.tsv") - 1))
# The index sets a session cookie; every product page refuses a request
# without it (FILE.rules, docs/fixture-server.md).
printf 'Set-Cookie: demo_session=%s; Path=/\n' "$secret" >"$site/index.html.headers"
for f in "$site"/a/game/*.html "$site"/b/products/*.html; do
	printf 'Cookie: demo_session=%s\n' "$secret" >"$f.rules"
done
start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL

# ---- the cookie jar in a crawl --------------------------------------------
mc crawl demo --origin "$U" --out "$T/out" --data-dir "$T/data" --workers 2 --delay 0 \
	--per-host 4 --no-progress --log-level debug >"$T/crawl.out" 2>"$T/crawl.err"
check_eq "$?" 0 "crawl demo --workers 2: complete"
file=$(ls "$T"/out/*.jsonl 2>/dev/null | head -n 1)
check_eq "$(sed '1d;$d' "$file" | wc -l | tr -d ' ')" "$products" \
	"every product page answered: the cookie set by the index went with later transfers"
check_eq "$(grep -c ' 403 ' "$T/access.log")" 0 "no request refused for a missing cookie"
check_eq "$(cat "$T/crawl.out" "$T/crawl.err" "$file" | grep -c "$secret")" 0 \
	"the cookie value is in no log line, summary or staging line"
check "debug log names each request" grep -q "^marketcrawl: debug: fetch $U/a/game/g0001.html\$" "$T/crawl.err"
check_eq "$(tail -n 1 "$file" | jq -r '.run | has("region")')" false "a run without a region has no region field"
check_eq "$(sed '1d;$d' "$file" | jq -r 'has("region")' | sort -u)" false "nor have its items"

# ---- fetch: a POST with a JSON body, headers and cookies -------------------
printf '{"query":"query P($id: ID!) { product(id: $id) { name } }","variables":{"id":"caf\xc3\xa9 42"}}' \
	>"$T/query.json"
mc fetch "$U/echo/graphql?op=P" --request-body "@$T/query.json" --content-type application/json \
	-H 'X-Client: marketcrawl-test' -H 'Accept: application/json' --cookie 'birthtime=0' \
	--cookie "token=$secret" --body --log-level debug >"$T/fetch.out" 2>"$T/fetch.err"
check_eq "$?" 0 "fetch --request-body: exit 0"
sed -n '/^{"method"/,$p' "$T/fetch.out" >"$T/echo.json"
check_eq "$(jq -r '.method + " " + .target' "$T/echo.json")" "POST /echo/graphql?op=P" \
	"--request-body makes a POST to the URL given"
check "the body reached the server byte for byte" cmp -s <(jq -j .body "$T/echo.json") "$T/query.json"
hdr() { jq -r --arg n "$1" '[.headers[] | select(.[0] == $n) | .[1]] | join("|")' "$T/echo.json"; }
check_eq "$(hdr Content-Type)" "application/json" "with its content type, once"
check_eq "$(hdr X-Client)|$(hdr Accept)" "marketcrawl-test|application/json" \
	"-H headers sent (Accept replaces the default)"
check_eq "$(hdr Expect)" "" "no Expect: 100-continue round trip"
check_eq "$(jq -r '.cookies | map(join("=")) | join("; ")' "$T/echo.json")" "birthtime=0; token=$secret" \
	"--cookie cookies sent"
check "the debug log names the POST by its size" \
	grep -q "^marketcrawl: debug: fetch POST $U/echo/graphql?op=P ($(wc -c <"$T/query.json" | tr -d ' ')-byte body)\$" \
	"$T/fetch.err"
check_eq "$(grep -c -e "$secret" -e 'query P' -e 'birthtime' "$T/fetch.err")" 0 \
	"neither the body nor a cookie value in the debug log"
mc fetch "$U/echo/h" --method HEAD --body >"$T/head.out" 2>&1
check_eq "$?:$(grep -c '^bytes: 0 ' "$T/head.out")" "0:1" "fetch --method HEAD: headers only"
check_eq "$(grep -c '^HEAD /echo/h 200 0$' "$T/access.log")" 1 "the server saw the HEAD"
mc fetch "$U/echo" -H 'Bad Header: x' >/dev/null 2>"$T/bad.err"
check_eq "$?" 2 "a malformed header is a usage error"
mc fetch "$U/echo" --cookie "sid=$secret;x=1" >/dev/null 2>"$T/bad.err"
check_eq "$?:$(grep -c "$secret" "$T/bad.err")" "2:0" "a malformed cookie is a usage error that hides its value"
mc fetch "$U/echo" --method PUT >/dev/null 2>&1
check_eq "$?" 2 "an unknown method is a usage error"
# A redirect to another origin (localhost is not 127.0.0.1) does not take
# the request's own headers and cookies along (they may be credentials);
# one to the same origin does.  (localhost is a loopback address another
# origin than the start URL's: reaching it takes --allow-private.)
port=${U##*:}
printf 'Status: 302\nLocation: http://localhost:%s/echo/elsewhere\n' "$port" >"$site/away.html.headers"
printf 'Status: 302\nLocation: /echo/here\n' >"$site/stay.html.headers"
touch "$site/away.html" "$site/stay.html"
for page in away stay; do
	mc fetch "$U/$page.html" -H 'Authorization: Bearer tok-123' --cookie "sid=$secret" --body --allow-private \
		>"$T/$page.out" 2>&1
	sed -n '/^{"method"/,$p' "$T/$page.out" >"$T/$page.json"
done
check_eq "$(jq -r '[.target, ([.headers[] | select(.[0] == "Authorization")] | length), (.cookies | length)] | join(" ")' "$T/away.json")" \
	"/echo/elsewhere 0 0" "a redirect to another origin drops the request's Authorization header and cookie"
check_eq "$(jq -r '[.target, ([.headers[] | select(.[0] == "Authorization")] | length), (.cookies | length)] | join(" ")' "$T/stay.json")" \
	"/echo/here 1 1" "a redirect within the origin keeps them"
mc fetch "$U/echo" --spider steam >/dev/null 2>"$T/offsite.err"
check_eq "$?:$(grep -c 'every start URL is offsite: --allow-domain adds a domain' "$T/offsite.err")" "1:1" \
	"fetch --spider of a URL outside the spider's domains says so, and how to allow it"

# ---- parse: one callback on one live page ----------------------------------
mc parse "$U/a/game/g0001.html" --spider demo --callback parse_product \
	--cookie "demo_session=$secret" >"$T/parse.out" 2>"$T/parse.err"
check_eq "$?" 0 "parse a product page: exit 0"
check_eq "$(grep -c '^{' "$T/parse.out")" 1 "one item printed as a staging line"
check_eq "$(grep '^{' "$T/parse.out" | jq -r '[.marketplace, .external_id, .title] | join(" ")')" \
	"$(awk -F'\t' '$2 == "g0001" {print $1 " " $2 " " $4}' "$site/expected.tsv")" \
	"the item of the page (store, id, title)"
related=$(grep -c 'class="related__link"' "$site/a/game/g0001.html")
check_eq "$(grep -c "^follow GET $U/a/game/g[0-9]*\.html parse_product\$" "$T/parse.out")" "$related" \
	"every related product listed as a request to follow, with its callback"
check "parse writes no staging file" test ! -e "$T/data/staging"
check "parse sums up on stderr" grep -q 'parse_product: 1 item emitted' "$T/parse.err"
mc parse "$U/a/game/g0001.html" --spider demo --callback parse_product >"$T/p403.out" 2>"$T/p403.err"
check_eq "$?:$(grep -c '^{' "$T/p403.out")" "1:0" "without the cookie the page answers 403: exit 1"
check "why it failed" grep -q 'did not reach parse_product' "$T/p403.err"
mc parse "$U/" --spider demo --callback parse_index >"$T/pidx.out" 2>/dev/null
check_eq "$?:$(grep -c '^follow GET .* parse_listing$' "$T/pidx.out")" "0:2" \
	"parse the index: the two store links, to parse_listing"
mc parse "$U/a/games/page-1.html" --spider demo --callback parse_listing >"$T/plist.out" 2>/dev/null
check "a listing page: its next page is followed with parse_listing" \
	grep -q "^follow GET $U/a/games/page-2.html parse_listing\$" "$T/plist.out"
check_eq "$(grep -c "parse_product\$" "$T/plist.out")" "$(grep -c 'class="product-card"' "$site/a/games/page-1.html")" \
	"a listing page: one product request per card"
mc parse "$U/missing.html" --spider demo --callback parse_index >/dev/null 2>&1
check_eq "$?" 1 "a page that answers 404: exit 1"
mc parse "$U/" --spider demo --callback parse_nothing >/dev/null 2>"$T/pcb.err"
check_eq "$?" 2 "an unknown callback: usage error"
check "the known callbacks are listed" \
	grep -q "its callbacks: parse_index, parse_listing, parse_product" "$T/pcb.err"
mc parse "$U/" --spider nosuch --callback parse >/dev/null 2>"$T/psp.err"
check_eq "$?" 2 "an unknown spider: usage error"
check "the known spiders are listed" grep -q "known spiders: .*demo" "$T/psp.err"
mc parse "$U/" --spider demo >/dev/null 2>&1
check_eq "$?" 2 "no --callback: usage error"
mc parse --help >"$T/help.out" 2>&1
check_eq "$?:$(grep -c 'usage: marketcrawl parse URL' "$T/help.out")" "0:1" "parse --help"
mc --help | grep -q '^  parse ' && ok "parse is listed among the commands" || not_ok "parse is listed among the commands"

# ---- regions -----------------------------------------------------------------
mc crawl demo --region de --out "$T/r" >/dev/null 2>"$T/region.err"
check_eq "$?:$(grep -c "has no regions" "$T/region.err")" "2:1" \
	"--region for a spider without regions: usage error"
mc crawl demo --region 'DE!' --out "$T/r" >/dev/null 2>"$T/region.err"
check_eq "$?" 2 "--region with a bad code: usage error"
check "no staging file for a usage error" test ! -e "$T/r"
