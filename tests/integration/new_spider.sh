# The five-minute path: `marketcrawl new-spider` in a copy of the source
# tree writes a spider that builds, is listed, crawls the demo store through
# the fixture server with the right items, and passes its offline contract
# test once the author has saved a page and written the expected item
# (taken here from the generator's ground truth, not from the spider).
# Also: the installed binary works outside the source tree.
. "$(dirname "$0")/../lib.sh"

src=$T/src
mkdir -p "$src"
tar -C "$MC_ROOT" --exclude=./build --exclude=./var --exclude=./.git --exclude=./marketcrawl \
	-cf - . | tar -C "$src" -xf -

"$MC_GEN_SITE" demo "$T/site" --version 1 >/dev/null
start_httpd "$T/site"

cd "$src" || exit 1
# The copy is built plainly, whatever build (sanitizer or not) runs the suite.
unset MAKEFLAGS MFLAGS MAKELEVEL
"$MC_BIN" new-spider shop --start-url "$HTTPD_URL/" >"$T/new.out" 2>&1
check_eq "$?" 0 "new-spider exits 0"
check "spider source written" test -f spiders/shop.c
check "test folder written" test -d tests/spiders/shop/pages -a -f tests/spiders/shop/pages.tsv \
	-a -f tests/spiders/shop/start_urls -a -f tests/spiders/shop/expected.jsonl \
	-a -f tests/spiders/shop/VERIFIED.md
"$MC_BIN" new-spider shop --start-url "$HTTPD_URL/" >/dev/null 2>"$T/again.err"
check_eq "$?" 1 "a second new-spider refuses to overwrite"
"$MC_BIN" new-spider 'Bad-Name' --start-url "$HTTPD_URL/" >/dev/null 2>&1
check_eq "$?" 2 "an invalid name is a usage error"

make -s -j2 SANITIZE= build/marketcrawl >"$T/make.out" 2>&1
check_eq "$?" 0 "the tree with the new spider builds (-Werror)"
tail -n 20 "$T/make.out" | sed 's/^/# /'
bin=$src/build/marketcrawl
check "the new spider is listed" sh -c "'$bin' spiders | grep -q '^shop '"

"$bin" crawl shop --data-dir "$T/data" --delay 0 --no-progress >"$T/crawl.out" 2>"$T/crawl.err"
check_eq "$?" 0 "the scaffold crawls the demo store"
file=$(ls "$T"/data/staging/shop/*.jsonl)
# Prices compared as numbers: the parser writes "10" for "10.00".
want=$(awk -F'\t' 'NR > 1 && $1 == "demo-a" {print $2 " " ($5 + 0) " " $7}' "$T/site/expected.tsv" | sort)
got=$(sed '1d;$d' "$file" | jq -r '.external_id + " " + .price + " " + .currency' | sort)
check_eq "$got" "$want" "every store-A product with its price and currency"

# The author saves the start page, the first listing page and one product
# page, and writes the expected item from what the page shows.
spd=tests/spiders/shop
cp "$T/site/index.html" $spd/pages/index.html
cp "$T/site/a/games/page-1.html" $spd/pages/page-1.html
id=$(grep -o 'href="\.\./game/g[0-9]*\.html"' $spd/pages/page-1.html | head -n 1 | sed 's/.*game\/\(g[0-9]*\).*/\1/')
cp "$T/site/a/game/$id.html" $spd/pages/$id.html
printf '%s/\tindex.html\n%s/a/games/page-1.html\tpage-1.html\n%s/a/game/%s.html\t%s.html\n' \
	"$HTTPD_URL" "$HTTPD_URL" "$HTTPD_URL" "$id" "$id" >> $spd/pages.tsv
awk -F'\t' -v u="$HTTPD_URL" -v id="$id" 'NR > 1 && $2 == id {
	lp = ($6 == "") ? "null" : "\"" ($6 + 0) "\""
	printf "{\"marketplace\":\"shop\",\"external_id\":\"%s\",\"url\":\"%s%s\",\"title\":\"%s\",\"price\":\"%s\",\"list_price\":%s,\"currency\":\"%s\",\"availability\":\"%s\",\"product_key\":null,\"attrs\":{\"release_date\":\"%s\"}}\n",
		$2, u, $9, $4, $5 + 0, lp, $7, $8, $12 }' "$T/site/expected.tsv" > $spd/expected.jsonl
stop_httpd "$HTTPD_PID"
"$bin" check-spider shop >"$T/check.out" 2>&1
check_eq "$?" 0 "the scaffold's offline contract test passes (server stopped: replay only)"
grep -v 'not in the saved pages' "$T/check.out" | sed 's/^/# /' | head -n 20
sed -i 's/"price":"[0-9.]*"/"price":"1.00"/' $spd/expected.jsonl
"$bin" check-spider shop >"$T/check2.out" 2>&1
check_eq "$?" 1 "a wrong expectation fails the contract test"
check "the diff names the field" grep -q 'price: expected "1.00"' "$T/check2.out"

# Installed outside the source tree: the SQL is embedded.
make -s SANITIZE= install DESTDIR="$T/inst" PREFIX=/usr >/dev/null 2>&1
check "make install puts the binary and SQL in place" test -x "$T/inst/usr/bin/marketcrawl" \
	-a -d "$T/inst/usr/share/marketcrawl/sql/schema"
fresh_db
(cd / && "$T/inst/usr/bin/marketcrawl" db migrate >"$T/migrate.out" 2>&1)
check_eq "$?" 0 "the installed binary migrates a database from /"
check_eq "$(sql "select count(*) > 0 from etl.schema_version")" t "migrations recorded"
