#!/usr/bin/env bash
# The playstation spider's GraphQL requests, against the fixture server.
# The offline replay (tests/spiders/playstation/) matches method, URL and
# body only; the store's API also wants headers: the run's locale in
# x-psn-store-locale-override, the Apollo client headers of the store's web
# app and a JSON Content-Type (its CSRF check).  Here the saved first grid
# page is served at the API path with a FILE.rules sidecar that refuses a
# request without them (docs/fixture-server.md), and `marketcrawl parse`
# runs the grid callback on it: the items of each region, and the next page
# it follows (offset 30, on the same server).
. "$(dirname "$0")/../lib.sh"
cd "$MC_ROOT" || exit 1

api=$T/site/api/graphql/v1
mkdir -p "$api"
cp tests/spiders/playstation/pages/ps_grid.json "$api/op"
printf 'Content-Type: application/json\n' >"$api/op.headers"
# rules LOCALE: the API answers only a GET with the store's headers for LOCALE.
rules() {
	cat >"$api/op.rules" <<EOF
Method: GET
Header: x-psn-store-locale-override: $1
Header: apollographql-client-name: @sie-ppr-web-store/app
Header: apollographql-client-version: 0.112.1
Header: x-apollo-operation-name: categoryGridRetrieve
Header: Content-Type: application/json
Header: Accept: application/json
EOF
}
start_httpd "$T/site" -l "$T/access.log"
start=$(head -n 1 tests/spiders/playstation/start_urls)
query=${start#*\?}
url=$HTTPD_URL/api/graphql/v1/op?$query
# grid ARGS...: parse_grid on the served first page; stdout in $T/out.
grid() {
	mc parse "$url" --spider playstation --callback parse_grid --allow-domain 127.0.0.1 \
		--delay 0 "$@" >"$T/out" 2>"$T/err"
}
items() { grep '^{' "$T/out"; }
last_status() { tail -n 1 "$T/access.log" | awk '{ print $(NF - 1) }'; }

rules ko-kr
grid
check_eq "$?" 0 "parse_grid without --region: the request passed the rules of ko-kr (the first region)"
check_eq "$(last_status)" 200 "the API path answered 200"
check_eq "$(items | wc -l | tr -d ' ')" 30 "the saved first page gives its 30 products"
check_eq "$(items | jq -r '.region + " " + .currency + " " + (.url | split("/")[3])' | sort -u)" "ko-kr KRW ko-kr" \
	"every item carries region ko-kr, KRW and the ko-kr product URL"
check_eq "$(grep '^follow ' "$T/out")" \
	"follow GET $HTTPD_URL/api/graphql/v1/op?${query/\%22offset\%22\%3A0\%7D/%22offset%22%3A30%7D} parse_grid" \
	"the next page is offset 30 of the same query, on the server that answered"

grid --region de-de
check_eq "$?" 1 "--region de-de against the rules of ko-kr: the request is refused (the rules read the header)"
check_eq "$(last_status)" 403 "with a 403"

for r in de-de en-us; do
	rules "$r"
	grid --region "$r"
	check_eq "$?" 0 "--region $r sends x-psn-store-locale-override: $r and the Apollo headers"
	check_eq "$(items | jq -r '.region + " " + (.url | split("/")[3])' | sort -u)" "$r $r" \
		"region $r: the items and their product URLs carry $r"
done
