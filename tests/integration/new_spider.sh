# The five-minute path: `marketcrawl new-spider` in a copy of the source
# tree (as from a tarball: no .git) writes a generic skeleton — placeholder
# selectors for common markup, nothing of the demo store, no port — and a
# test directory whose example pages fit it, so that the tree builds
# (-Werror) and `check-spider` passes at once, offline.  The same spider
# crawls those pages over HTTP from the fixture server: the port is given at
# crawl time (--origin), never written into the spider or pages.tsv.  A
# start URL whose host is not a host name, or with a password, is refused;
# one with characters special in C in its query (\ and the trigraph ??=)
# is escaped, builds and is listed as given.  Also: the installed binary works
# outside the source tree.
. "$(dirname "$0")/../lib.sh"

src=$T/src
mkdir -p "$src"
tar -C "$MC_ROOT" --exclude=./build --exclude=./var --exclude=./.git --exclude=./marketcrawl \
	-cf - . | tar -C "$src" -xf -

cd "$src" || exit 1
# The copy is built plainly, whatever build (sanitizer or not) runs the suite.
unset MAKEFLAGS MFLAGS MAKELEVEL
start=https://shop.example/games/
spd=tests/spiders/shop
"$MC_BIN" new-spider shop --start-url "$start" >"$T/new.out" 2>&1
check_eq "$?" 0 "new-spider exits 0"
check "spider source written" test -f spiders/shop.c
check "test folder written" test -d $spd/pages -a -f $spd/pages.tsv -a -f $spd/start_urls \
	-a -f $spd/expected.jsonl -a -f $spd/VERIFIED.md
check_eq "$(cat $spd/start_urls)" "$start" "start_urls holds the start URL"
check_eq "$(grep -c . $spd/expected.jsonl) $(grep -vc '^#' $spd/pages.tsv)" "2 4" \
	"two expected items from four example pages (two listing pages, two products)"
check_eq "$(grep -v '^#' $spd/pages.tsv | cut -f 1 | grep -vc '^https://shop\.example/games/')" 0 \
	"every saved page is mapped under the start URL, with no port"
check "the skeleton has none of the demo store's markup and no fixture host or port" \
	sh -c "! grep -nE 'product-card|price--|data-sku|data-availability|page-1|127\\.0\\.0\\.1|localhost|://[^/\"]*:[0-9]' \
		spiders/shop.c $spd/pages.tsv $spd/start_urls $spd/expected.jsonl"
check "the skeleton reads common markup: JSON-LD Product, rel=next, og:title, marked PLACEHOLDER" \
	sh -c "grep -q 'mc_script_json(res' spiders/shop.c && grep -q \"@rel='next'\" spiders/shop.c &&
		grep -q 'og:title' spiders/shop.c && test \$(grep -c PLACEHOLDER spiders/shop.c) -ge 5"
check "the skeleton claims partial scope, with the note on when to claim full" \
	sh -c "grep -q '^	.scope = MC_SCOPE_PARTIAL,' spiders/shop.c &&
		grep -q 'MC_SCOPE_FULL only when a run reads the whole catalogue' spiders/shop.c"

# files_sum: the generated files and their contents.
files_sum() { find spiders/shop.c $spd -type f | sort | xargs md5sum; }
sum=$(files_sum)
"$MC_BIN" new-spider shop --start-url "$start" >/dev/null 2>"$T/again.err"
check_eq "$?" 1 "a second new-spider refuses to overwrite"
check_eq "$(files_sum)" "$sum" "... and changes nothing"
"$MC_BIN" new-spider demo --start-url "$start" >/dev/null 2>"$T/demo.err"
rc=$?
check_eq "$rc $(ls -d tests/spiders/demo 2>/dev/null)" "1 " \
	"new-spider over an existing spider source refuses before writing anything"
check "... and says which file exists" grep -q 'spiders/demo.c exists' "$T/demo.err"
"$MC_BIN" new-spider 'Bad-Name' --start-url "$start" >/dev/null 2>&1
check_eq "$?" 2 "an invalid name is a usage error"
"$MC_BIN" new-spider nourl --start-url 'ftp://shop.example/' >/dev/null 2>"$T/nourl.err"
check_eq "$?" 2 "a start URL that is not http(s) is a usage error"

# A host that is not a host name (the WHATWG URL parser lets a quote, '*',
# '$', '{' through; they went into a C string and a comment) and a start URL
# with a password (it would be written into the source) are refused with
# one line and exit status 2, before anything is written; so are names
# that are not C identifiers.
for bad in 'https://ex"ample.com/' 'https://ex*ample.com/' 'https://ex$ample.com/' \
	'https://ex{a}mple.com/' 'https://a..b/' 'https://-ex.com/'; do
	"$MC_BIN" new-spider badhost --start-url "$bad" >/dev/null 2>"$T/badhost.err"
	check_eq "$? $(wc -l <"$T/badhost.err")" "2 1" "start URL $bad: refused, one line"
	check "... naming the URL and the rule" grep -qF "$bad: the host is not a host name" "$T/badhost.err"
done
check "... and nothing written" test ! -e spiders/badhost.c -a ! -e tests/spiders/badhost
"$MC_BIN" new-spider badhost --start-url 'https://user:s3cret@shop.example/' >/dev/null 2>"$T/badhost.err"
check_eq "$?" 2 "a start URL with a password is refused"
check "... saying why, without the password" sh -c "grep -q 'user name or password' '$T/badhost.err' &&
	! grep -q s3cret '$T/badhost.err'"
for bad in 'x"y' 'a*/b' 'a\b' "$(printf 'a\nb')" 'int main'; do
	"$MC_BIN" new-spider "$bad" --start-url "$start" >/dev/null 2>"$T/badname.err"
	check_eq "$?" 2 "name '$bad' is refused"
done
check "... and nothing written" sh -c '! ls spiders | grep -v "^[a-z][a-z0-9_]*\.c$"'

# Characters that end or bend a C string survive in the query: a backslash
# and "??=" (a trigraph), escaped; a quote, percent-encoded.
odd='https://ex-ample.com/games/?q=a??=b\c"d'
"$MC_BIN" new-spider odd --start-url "$odd" >"$T/odd.out" 2>&1
check_eq "$?" 0 "new-spider accepts a start URL with a quote, a backslash and ??= in the query"
check "... and escapes them in the C string" \
	grep -qF '{"https://ex-ample.com/games/\?q=a\?\?=b\\c%22d", NULL}' spiders/odd.c

make -s -j2 SANITIZE= build/marketcrawl >"$T/make.out" 2>&1
check_eq "$?" 0 "the tree with both new spiders builds (-Werror)"
tail -n 20 "$T/make.out" | sed 's/^/# /'
bin=$src/build/marketcrawl
"$bin" spiders >"$T/spiders.out"
check_eq "$(awk '$1 == "shop" { print $3 " " $4 " " $5 }' "$T/spiders.out")" "partial - $start" \
	"shop is listed, partial, without regions, with its start URL"
check_eq "$(awk '$1 == "odd" { print $5 }' "$T/spiders.out")" "$(cat tests/spiders/odd/start_urls)" \
	"odd is listed with its start URL byte for byte"
check_eq "$("$bin" --version | sed -n 2p)" "commit unknown" \
	"built outside a git checkout, --version says the commit is unknown"

# Offline: no server is running.
"$bin" check-spider shop >"$T/check.out" 2>&1
check_eq "$?" 0 "the skeleton passes its offline contract test right after generation"
sed 's/^/# /' "$T/check.out" | head -n 20
"$bin" check-spider odd >"$T/check_odd.out" 2>&1
check_eq "$?" 0 "so does the spider with the odd start URL"
check_eq "$(grep -c 'not in the saved pages' "$T/check.out" "$T/check_odd.out" | awk -F: '{ n += $2 } END { print n }')" \
	0 "every page the skeleton asks for is saved"
cp $spd/expected.jsonl "$T/expected.jsonl"
sed -i '2s/"price":"5"/"price":"1.00"/' $spd/expected.jsonl
"$bin" check-spider shop >"$T/check2.out" 2>&1
check_eq "$?" 1 "a wrong expectation fails the contract test"
check "the diff names the field" grep -q 'price: expected "1.00", got "5"' "$T/check2.out"
cp "$T/expected.jsonl" $spd/expected.jsonl

# Online: the example pages served at the start URL's paths, crawled with
# the spider's own start URL moved to the fixture server.
mkdir -p "$T/site/games"
cp $spd/pages/example-listing-1.html "$T/site/games/index.html"
cp $spd/pages/example-listing-2.html $spd/pages/example-product-*.html "$T/site/games/"
start_httpd "$T/site"
"$bin" crawl shop --origin "$HTTPD_URL" --allow-domain 127.0.0.1 --data-dir "$T/data" --delay 0 \
	--no-progress >"$T/crawl.out" 2>"$T/crawl.err"
check_eq "$?" 0 "the skeleton crawls its example pages over HTTP (--origin: no port in the spider)"
stop_httpd "$HTTPD_PID"
file=$(ls "$T"/data/staging/shop/*.jsonl)
got=$(sed '1d;$d' "$file" | jq -c 'del(.observed_at)' | sort)
want=$(sed "s|https://shop\\.example/|$HTTPD_URL/|" $spd/expected.jsonl | jq -c . | sort)
check_eq "$got" "$want" "the crawl emits the expected items, at the served URLs"

# Installed outside the source tree: the SQL is embedded.
make -s SANITIZE= install DESTDIR="$T/inst" PREFIX=/usr >/dev/null 2>&1
check "make install puts the binary and SQL in place" test -x "$T/inst/usr/bin/marketcrawl" \
	-a -d "$T/inst/usr/share/marketcrawl/sql/schema"
fresh_db
(cd / && "$T/inst/usr/bin/marketcrawl" db migrate >"$T/migrate.out" 2>&1)
check_eq "$?" 0 "the installed binary migrates a database from /"
check_eq "$(sql "select count(*) > 0 from etl.schema_version")" t "migrations recorded"
