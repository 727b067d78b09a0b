#!/usr/bin/env bash
# Every spider's offline test, and facts about the bundled marketplace
# spiders' saved pages.
#
# 1. Discovery: every tests/spiders/NAME/ with a pages.tsv is a spider test,
#    and `marketcrawl check-spider NAME` runs for each: every item, field by
#    field, against tests/spiders/NAME/expected.jsonl.  A test directory
#    whose spider is not compiled in fails; a compiled-in spider without a
#    test directory is a "# " note, except the bundled spiders that have
#    always had one (steam, gog, playstation, books_toscrape).
#    A spider with regions is checked in its default region there, and in
#    every region its tests/spiders/NAME/regions file lists (1b).
# 2. check-spider must fail when an expectation is wrong: for every test, a
#    private copy with item 1's price changed fails, naming the field.
# 3. Facts asserted independently of expected.jsonl, page by page, for the
#    spiders that have them (facts_NAME below): each saved page is replayed
#    alone (a private copy of the test directory with one start URL) and a
#    few hand-checked values are looked up in the emitted items.  A wrong
#    expected.jsonl cannot make these pass.
. "$(dirname "$0")/../lib.sh"
cd "$MC_ROOT" || exit 1

# The bundled spiders whose tests must never go missing.
required=(steam gog playstation books_toscrape)

# only SPIDER URL: the items of the saved page at URL alone, one per line
# (compact JSON, the fixed key order of the staging format, no observed_at).
# (Called inside $(...), so it keeps no state of its own.)
only() {
	local spider=$1 url=$2 dir
	dir=$(mktemp -d "$T/only.XXXXXX")
	mkdir -p "$dir/$spider"
	ln -s "$MC_ROOT/tests/spiders/$spider/pages" "$dir/$spider/pages"
	cp "tests/spiders/$spider/pages.tsv" "$dir/$spider/pages.tsv"
	printf '%s\n' "$url" >"$dir/$spider/start_urls"
	mc check-spider --dir "$dir" --print "$spider" 2>>"$T/only.log"
}

# item LINES ID: the item whose external_id is ID.
item() { grep -F "\"external_id\":\"$2\"," <<<"$1"; }
# field LINE KEY: the raw JSON value of a top-level string/null field, or of
# an attribute whose value is a string, number or boolean.
field() {
	sed -n 's/.*"'"$2"'":\("[^"]*"\|null\|-\{0,1\}[0-9][0-9.]*\|true\|false\).*/\1/p' <<<"$1"
}
count() { if [ -z "$1" ]; then echo 0; else grep -c . <<<"$1"; fi; }
# prices LINE: "price list_price currency" as raw JSON values.
prices() { echo "$(field "$1" price) $(field "$1" list_price) $(field "$1" currency)"; }

# ---- 1. discovery and the contract tests ---------------------------------
compiled=" $(mc spiders | awk '{ printf "%s ", $1 }')"
check "marketcrawl spiders lists the compiled-in spiders" test "$compiled" != " "
tests=()
for d in tests/spiders/*/; do
	s=$(basename "$d")
	if [ ! -f "$d/pages.tsv" ]; then
		echo "# tests/spiders/$s/ has no pages.tsv: not a spider test, skipped"
	elif [[ $compiled != *" $s "* ]]; then
		not_ok "tests/spiders/$s/ has no spider: '$s' is not a compiled-in spider" \
			"(marketcrawl spiders:${compiled% }); add spiders/$s.c or remove the directory"
	else
		tests+=("$s")
	fi
done
echo "# spider tests found: ${tests[*]} (${#tests[@]})"
for s in $compiled; do
	[ -f "tests/spiders/$s/pages.tsv" ] ||
		echo "# $s: compiled in, but no offline test (tests/spiders/$s/pages.tsv)"
done
for s in "${required[@]}"; do
	check "bundled spider $s keeps its offline test (tests/spiders/$s/pages.tsv)" \
		test -f "tests/spiders/$s/pages.tsv"
done

for s in "${tests[@]}"; do
	if mc check-spider "$s" >"$T/$s.check" 2>&1; then
		ok "check-spider $s: $(tail -n 1 "$T/$s.check")"
	else
		not_ok "check-spider $s: $(tail -n 1 "$T/$s.check")"
		grep -v '^marketcrawl: \(info\|warn\)' "$T/$s.check" | head -n 12 | sed 's/^/# /'
	fi
done

# ---- 1b. the other regions ------------------------------------------------
# A spider with regions replays its default (first) region from start_urls
# and expected.jsonl above.  tests/spiders/NAME/regions lists more region
# codes, one a line ('#' comments); each CODE has start_urls.CODE and
# expected.CODE.jsonl, which check-spider --region CODE reads.
# region_runs: "SPIDER CODE" for every listed region of every test.
region_runs() {
	local s code
	for s in "${tests[@]}"; do
		[ -f "tests/spiders/$s/regions" ] || continue
		sed 's/#.*//' "tests/spiders/$s/regions" | while read -r code; do
			[ -n "$code" ] && echo "$s $code"
		done
	done
}
# region_dir PARENT SPIDER CODE: PARENT/SPIDER as the test of region CODE.
region_dir() {
	mkdir -p "$1/$2"
	ln -s "$MC_ROOT/tests/spiders/$2/pages" "$1/$2/pages"
	cp "tests/spiders/$2/pages.tsv" "$1/$2/"
	cp "tests/spiders/$2/start_urls.$3" "$1/$2/start_urls"
	cp "tests/spiders/$2/expected.$3.jsonl" "$1/$2/expected.jsonl"
}
while read -r s code; do
	[ -n "$s" ] || continue
	if mc check-spider --region "$code" "$s" >"$T/$s.$code.check" 2>&1; then
		ok "check-spider $s --region $code: $(tail -n 1 "$T/$s.$code.check")"
	else
		not_ok "check-spider $s --region $code: $(tail -n 1 "$T/$s.$code.check")"
		grep -v '^marketcrawl: \(info\|warn\)' "$T/$s.$code.check" | head -n 12 | sed 's/^/# /'
	fi
done <<<"$(region_runs)"

# ---- 2. the contract test can fail ----------------------------------------
# wrong_price DIR SPIDER [--region CODE]: DIR/SPIDER is a test directory
# whose expected.jsonl is the one to break.
wrong_price() {
	local dir=$1 s=$2 first price label
	shift 2
	label="$s${*:+ $*}"
	first=$(grep -m 1 . "$dir/$s/expected.jsonl.orig")
	if [ -z "$first" ]; then
		not_ok "the expected items of $label expect no item: the test checks nothing"
		return
	fi
	price=$(jq -r .price <<<"$first")
	# Item 1 with one more digit on its price; every other line unchanged.
	{
		jq -c '.price += "1"' <<<"$first"
		awk 'found || !NF { print; next } { found = 1 }' "$dir/$s/expected.jsonl.orig"
	} >"$dir/$s/expected.jsonl"
	if mc check-spider --dir "$dir" "$@" "$s" >"$dir/$s.wrong" 2>&1; then
		not_ok "check-spider $label fails on a wrong expected price"
	else
		check "check-spider $label fails on a wrong expected price of item 1, naming the field" \
			grep -qF "price: expected \"${price}1\", got \"$price\"" "$dir/$s.wrong"
	fi
}
for s in "${tests[@]}"; do
	dir=$T/wrong/$s
	mkdir -p "$dir"
	ln -s "$MC_ROOT/tests/spiders/$s/pages" "$dir/pages"
	cp "tests/spiders/$s/pages.tsv" "tests/spiders/$s/start_urls" "$dir/"
	cp "tests/spiders/$s/expected.jsonl" "$dir/expected.jsonl.orig"
	wrong_price "$T/wrong" "$s"
done
while read -r s code; do
	[ -n "$s" ] || continue
	region_dir "$T/wrong.$s.$code" "$s" "$code"
	mv "$T/wrong.$s.$code/$s/expected.jsonl" "$T/wrong.$s.$code/$s/expected.jsonl.orig"
	wrong_price "$T/wrong.$s.$code" "$s" --region "$code"
done <<<"$(region_runs)"

# ---- 3. facts, page by page ------------------------------------------------
# facts_NAME runs after the discovery found tests/spiders/NAME/ (the end of
# this file); a facts_NAME without its test directory fails.

# ---- steam
# The catalogue: three saved pages of the search results JSON (tag 1254552,
# total_count 116), at the URLs their source project requests.
steam_start='https://store.steampowered.com/search/results/?query=&start=0&count=50&dynamic_data=&force_infinite=1&category1=998,994,992,997&tags=1254552&ndl=1&snr=1_7_7_230_7&infinite=1'
# steam_pages TSV_FILTER: a private steam test directory whose pages.tsv is
# the real one passed through the sed script TSV_FILTER; prints its path.
steam_pages() {
	local dir
	dir=$(mktemp -d "$T/steam.XXXXXX")
	mkdir -p "$dir/steam/pages"
	ln -s "$MC_ROOT"/tests/spiders/steam/pages/* "$dir/steam/pages/"
	sed "$1" tests/spiders/steam/pages.tsv >"$dir/steam/pages.tsv"
	echo "$dir"
}
# steam_replay DIR START_URL: the items, one per line; the log in DIR/log.
steam_replay() {
	printf '%s\n' "$2" >"$1/steam/start_urls"
	mc check-spider --dir "$1" --print steam 2>"$1/log"
}
steam_ids() { sed -n 's/.*"external_id":"\([^"]*\)".*/\1/p' <<<"$1" | tr '\n' ' '; }

facts_steam() {
	local d out it default n
	d=$(steam_pages '')
	out=$(steam_replay "$d" "$steam_start")
	check_eq "$(count "$out")" 103 \
		"steam: the results JSON, 50 + 50 + 16 rows = total_count 116, yields 103 items (13 rows show no price)"
	check_eq "$(steam_ids "$(sed -n '1p;2p;49p;50p;93p;94p;103p' <<<"$out")")" \
		"2140330 1226160 774901 236690 1553880 683600 2513510 " \
		"steam: items in page order (first and last priced row of each page)"
	check_eq "$(grep -c 'shows no price; skipped' "$d/log")" 13 "steam: the 13 rows without a price are logged, not emitted"
	check_eq "$(grep -c 'not in the saved pages' "$d/log")" 0 "steam: start=50 and start=100 were saved: no 404 in the replay"
	check_eq "$(grep -cE 'start=(116|150)&' "$d/log")" 0 \
		"steam: paging stops at total_count: no fourth page (start=116 or start=150) is requested"
	check_eq "$(prices "$(item "$out" 1226160)") $(field "$(item "$out" 1226160)" discount_pct)" \
		'"20.82" "24.5" "EUR" 15' "steam: College Bowl 24,50€ → 20,82€, -15%"
	check_eq "$(prices "$(item "$out" 2140330)") $(field "$(item "$out" 2140330)" discount_pct)" \
		'"69.99" null "EUR" ' "steam: Madden NFL 24 at full price 69,99€: no list price, no discount"
	check_eq "$(prices "$(item "$out" 2393810)")" '"0" null "EUR"' "steam: a Free row of the JSON is 0 EUR"
	check_eq "$(field "$(item "$out" sub/192166)" type)" '"sub"' "steam: the package row is sub/192166"

	# The 404 of an unsaved page shows in the log: without page 3 it is asked for.
	d=$(steam_pages '/start100\.json/d')
	out=$(steam_replay "$d" "$steam_start")
	check_eq "$(count "$out") $(grep -c "not in the saved pages (404): .*start=100&" "$d/log")" "93 1" \
		"steam: with page 3 unsaved, its request is a logged 404 (so no 404 above means none was asked for)"
	# A page without rows ends the paging before total_count (generated page).
	d=$(steam_pages 's/[a-z0-9_]*start100\.json/no_rows.json/')
	printf '{"success":1,"results_html":"\\r\\n<!-- List Items -->\\r\\n<!-- End List Items -->\\r\\n","total_count":116,"start":100}' \
		>"$d/steam/pages/no_rows.json"
	out=$(steam_replay "$d" "$steam_start")
	check_eq "$(count "$out") $(grep -c 'no rows at start=100 of total_count 116; paging ends' "$d/log") $(grep -cE 'start=(116|150)&' "$d/log")" \
		"93 1 0" "steam: a results page without rows ends the paging, logged"

	# The default start URL pages the same way: the saved pages served at its
	# start=0/50/100 (only in this private copy) give the same 103 items.
	default=$(mc spiders | awk '$1 == "steam" { print $NF }')
	check "steam: the default start URL is the results JSON of every game (category1=998) from start=0, of the default region (cc=us, English texts)" \
		grep -qE '^https://store\.steampowered\.com/search/results/\?(.*&)?start=0&count=50&.*category1=998&.*infinite=1&cc=us&l=english$' <<<"$default"
	d=$(steam_pages '/search\/results\/?query=&/d')
	for n in 0 50 100; do
		printf '%s\t%s\tapplication/json\n' "$(sed "s/start=0&/start=$n\&/" <<<"$default")" \
			"$(printf 'search_results_infinite_tag1254552_start%03d.json' "$n")" >>"$d/steam/pages.tsv"
	done
	out=$(steam_replay "$d" "$default")
	check_eq "$(count "$out") $(grep -c 'not in the saved pages' "$d/log")" "103 0" \
		"steam: from the default start URL, start is replaced in place (start=50, start=100), cc=us and l=english kept: 103 items, no 404"

	# The plain search (supportedlang=english, "showing 1 - 50 of 171986").
	out=$(only steam 'https://store.steampowered.com/search/?supportedlang=english')
	check_eq "$(count "$out")" 50 "steam: the plain search page yields 50 items"
	check_eq "$(prices "$(item "$out" 1245620)") $(field "$(item "$out" 1245620)" discount_pct)" \
		'"59.99" null "EUR" ' "steam: ELDEN RING at full price 59,99€ (no_discount block)"
	check_eq "$(prices "$(item "$out" 1085660)")" '"0" null "EUR"' "steam: Destiny 2 'Free' is 0 EUR"
	check_eq "$(prices "$(item "$out" 2552430)") $(field "$(item "$out" 2552430)" discount_pct)" \
		'"34.49" "49.99" "EUR" 31' "steam: KINGDOM HEARTS 49,99€ → 34,49€, -31%"

	out=$(only steam 'https://store.steampowered.com/search/?sort_by=Price_ASC&specials=1&supportedlang=english')
	check_eq "$(count "$out")" 50 "steam: SteamPage.html (old layout) yields 50 items"
	it=$(item "$out" 1180660)
	check_eq "$(prices "$it")" '"0" "0" "EUR"' "steam: 'Tell Me Why' <strike>0,--€</strike><br>Free is price 0 with a list price, EUR"
	check_eq "$(field "$it" discount_pct)" 100 "steam: 'Tell Me Why' has discount_pct 100"
	check_eq "$(prices "$(item "$out" 1266670)")" '"4.19" "16.79" "EUR"' \
		"steam: <strike>16,79€</strike><br>4,19€ is 4.19 with list 16.79 (decimal comma)"
	check_eq "$(field "$(item "$out" bundle/4402)" type)" '"bundle"' "steam: the bundle row is kept as bundle/4402"
	check_eq "$(field "$(item "$out" 1154350)" release_date)" '"2019-10-08"' "steam: '8 Oct, 2019' becomes 2019-10-08"
	check "steam: zzzzz shows the win, mac and linux icons" \
		grep -qF '"platforms":["windows","mac","linux"]' <<<"$(item "$out" 1154350)"

	out=$(only steam 'https://store.steampowered.com/search/?maxprice=free&specials=1')
	check_eq "$(count "$out")" 2 "steam: Steam.html (discount_block layout) yields 2 items"
	check_eq "$(prices "$(item "$out" 1507530)")" '"0" "4.99" "EUR"' "steam: 100% off 4,99€ → 0,00€"
	check_eq "$(prices "$(item "$out" 3161090)")" '"0" "10.9" "EUR"' "steam: 100% off 10,90€ → 0,00€"

	out=$(only steam 'https://store.steampowered.com/search/?maxprice=free&os=linux&supportedlang=english%2Cswedish&specials=1&ndl=1')
	check_eq "$(count "$out")" 0 "steam: the empty result page yields no item"

	out=$(only steam 'https://store.steampowered.com/search/results/?query&start=0&count=25&specials=1&cc=kr&l=koreana')
	check_eq "$(count "$out")" 25 "steam: the AJAX results fragment yields 25 items"
	check_eq "$(head -n 1 <<<"$out" | sed -n 's/.*"external_id":"\([0-9]*\)".*/\1/p')" 1478500 \
		"steam: the fragment's first row is app 1478500"
	check_eq "$(prices "$(item "$out" 1478500)")" '"16350" "21800" "KRW"' "steam: Big Walk ₩ 21,800 → ₩ 16,350"
	check_eq "$(field "$(item "$out" 1478500)" discount_pct)" 25 "steam: Big Walk is 25% off"

	out=$(only steam 'https://store.steampowered.com/app/1284190/The_Planet_Crafter/')
	check_eq "$(count "$out")" 1 "steam: the app page yields one item (no DLC or bundle item)"
	check_eq "$(prices "$out")" '"11.99" "19.99" "GBP"' \
		"steam: app page main block £19.99 → £11.99, not the bundles (£16.81, £14.43) or DLC (£11.68)"
}

# ---- gog
facts_gog() {
	local out give
	out=$(only gog 'https://www.gog.com/en/')
	give=$(grep -F '"giveaway":true' <<<"$out")
	check_eq "$(count "$give")" 1 "gog: gog_has_games.html has exactly one giveaway item"
	check_eq "$(field "$give" external_id) $(field "$give" title) $(prices "$give")" \
		'"1439548178" "STASIS" "0" null "SEK"' "gog: the giveaway is STASIS (product 1439548178), price 0 SEK"
	check_eq "$(prices "$(item "$out" 1376131651)")" '"292" "649" "SEK"' \
		"gog: SEK&nbsp;649.00 / SEK&nbsp;292.00 → list 649, price 292"
	check_eq "$(count "$out")" 77 "gog: has-games page: 77 distinct priced products (giveaway included)"
	out=$(only gog 'https://www.gog.com/en/?fixture=no-giveaway')
	check_eq "$(count "$(grep -F '"giveaway"' <<<"$out")")" 0 "gog: gog_no_games.html has no giveaway item"
	check_eq "$(count "$out")" 72 "gog: no-games page: 72 distinct priced products"
	check_eq "$(prices "$(item "$out" 1700809445)")" '"0" null "SEK"' "gog: the free mod S.T.A.L.K.E.R. Anomaly is 0 SEK"
}

# ---- playstation
# The category grid through GraphQL: the real first page of "All Deals"
# (offset 0, totalCount 2259) and a derived last page (offset 30, totalCount
# 42), at the URLs the spider builds (VERIFIED.md).
ps_start=$(head -n 1 tests/spiders/playstation/start_urls)
# ps_offset N: the start URL asking for offset N.
ps_offset() { sed "s/%22offset%22%3A0%7D/%22offset%22%3A$1%7D/" <<<"$ps_start"; }
# ps_pages [PAGE2]: a private playstation test directory replaying the grid
# from its start URL, with the JSON file PAGE2 (none: nothing) at offset 30;
# prints its path.
ps_pages() {
	local dir
	dir=$(mktemp -d "$T/ps.XXXXXX")
	mkdir -p "$dir/playstation/pages"
	cp tests/spiders/playstation/pages/ps_grid.json "$dir/playstation/pages/"
	printf '%s\tps_grid.json\tapplication/json\n' "$ps_start" >"$dir/playstation/pages.tsv"
	if [ -n "${1:-}" ]; then
		cp "$1" "$dir/playstation/pages/page2.json"
		printf '%s\tpage2.json\tapplication/json\n' "$(ps_offset 30)" >>"$dir/playstation/pages.tsv"
	fi
	printf '%s\n' "$ps_start" >"$dir/playstation/start_urls"
	echo "$dir"
}
# ps_replay DIR [--region CODE]: the items, one per line; the log in DIR/log.
ps_replay() {
	local dir=$1; shift
	mc check-spider --dir "$dir" --print "$@" playstation 2>"$dir/log"
}
ps_ids() { sed -n 's/.*"external_id":"\([^"]*\)".*/\1/p' <<<"$1" | tr '\n' ' '; }
# ps_page2 JQ: the derived page 2 passed through the jq filter JQ, in a file; prints its path.
ps_page2() {
	local f
	f=$(mktemp "$T/ps_page2.XXXXXX")
	jq "$1" tests/spiders/playstation/derived/ps_grid_offset30_last.json >"$f"
	echo "$f"
}

facts_playstation() {
	local d out it
	d=$(ps_pages tests/spiders/playstation/derived/ps_grid_offset30_last.json)
	out=$(ps_replay "$d")
	check_eq "$(count "$out")" 42 "playstation: the grid walk yields 30 + 12 products (the last page's totalCount 42)"
	check_eq "$(ps_ids "$(sed -n '1p;30p;31p;42p' <<<"$out")")" \
		"HP6545-PPSA23226_00-GAME000000000000 HP0700-PPSA27500_00-ASIAFULLGAME0000 HP9000-PPSA08340_00-MARVELSPIDERMAN2 UP1003-PPSA26786_00-PREMIUMEDITION00 " \
		"playstation: items in grid order, page 1 then page 2 (first and last of each)"
	check_eq "$(grep -c 'not in the saved pages' "$d/log")" 0 \
		"playstation: offset 30 was asked at the saved URL, and nothing after the last page"
	it=$(item "$out" HP6545-PPSA23226_00-GAME000000000000)
	check_eq "$(prices "$it") $(field "$it" discount_pct)" '"45360" "64800" "KRW" 30' \
		"playstation: the grid's first product 64,800원 → 45,360원, -30%"
	check_eq "$(field "$it" region) $(field "$it" url)" \
		'"ko-kr" "https://store.playstation.com/ko-kr/product/HP6545-PPSA23226_00-GAME000000000000"' \
		"playstation: the default region ko-kr, in the item and its product URL"
	check_eq "$(prices "$(item "$out" UB0876-PPSA24033_00-0357412205143914)")" '"10800" null "KRW"' \
		"playstation: an undiscounted grid product has no list price"
	check_eq "$(prices "$(item "$out" HP9000-PPSA08340_00-MARVELSPIDERMAN2)")" '"33516" "79800" "KRW"' \
		"playstation: page 2's Spider-Man 2 33,516원 with list 79,800원"

	d=$(ps_pages)
	out=$(ps_replay "$d")
	check_eq "$(count "$out") $(grep -cF "not in the saved pages (404): $(ps_offset 30)" "$d/log")" "30 1" \
		"playstation: without page 2 saved, its request (offset 30) is a logged 404"
	d=$(ps_pages "$(ps_page2 '.data.categoryGridRetrieve.pageInfo |= (.totalCount = 2259 | .isLast = false)')")
	out=$(ps_replay "$d")
	check_eq "$(count "$out") $(grep -cF "not in the saved pages (404): $(ps_offset 42)" "$d/log")" "42 1" \
		"playstation: below totalCount the walk goes on at offset + products (30 + 12 = 42)"
	d=$(ps_pages "$(ps_page2 '.data.categoryGridRetrieve.pageInfo.totalCount = 2259')")
	out=$(ps_replay "$d")
	check_eq "$(count "$out") $(grep -c 'not in the saved pages' "$d/log")" "42 0" \
		"playstation: pageInfo.isLast ends the walk below totalCount"
	d=$(ps_pages "$(ps_page2 '.data.categoryGridRetrieve |= (.products = [] | .pageInfo |= (.totalCount = 2259 | .isLast = false))')")
	out=$(ps_replay "$d")
	check_eq "$(count "$out") $(grep -c 'no products at offset 30 of totalCount 2259; paging ends' "$d/log") $(grep -c 'not in the saved pages' "$d/log")" \
		"30 1 0" "playstation: a page without products ends the walk, logged"
	d=$(ps_pages "$(ps_page2 '{errors: [{message: "PersistedQueryNotFound"}]}')")
	out=$(ps_replay "$d")
	check_eq "$(count "$out") $(grep -c 'GraphQL error: PersistedQueryNotFound' "$d/log")" "30 1" \
		"playstation: a GraphQL error answer (a rotated query hash) is logged and ends the walk"
	d=$(ps_pages tests/spiders/playstation/derived/ps_grid_offset30_last.json)
	out=$(ps_replay "$d" --region de-de)
	check_eq "$(count "$out") $(grep -c '"region":"de-de","external_id":"\([^"]*\)","url":"https://store\.playstation\.com/de-de/product/\1"' <<<"$out")" \
		"42 42" "playstation: --region de-de stamps every item and its product URL with the locale"

	out=$(only playstation 'https://store.playstation.com/ko-kr/pages/deals')
	check_eq "$(count "$out")" 12 "playstation: the __NEXT_DATA__ deals page yields 12 products"
	it=$(item "$out" HP9000-PPSA08340_00-MARVELSPIDERMAN2)
	check_eq "$(prices "$it")" '"33516" "79800" "KRW"' "playstation: Spider-Man 2 33,516원 with list 79,800원"
	check_eq "$(field "$it" discount_pct) $(field "$it" classification) $(field "$it" title_id)" \
		'57 "FULL_GAME" "PPSA08340_00"' "playstation: Spider-Man 2 discountText -57%, FULL_GAME, PPSA08340_00"
}

# ---- books_toscrape
facts_books_toscrape() {
	local out
	out=$(only books_toscrape 'http://books.toscrape.com/index.html')
	check_eq "$(count "$out")" 1 "books: the catalogue page leads to the one saved book (19 others and page 2 are 404)"
	check_eq "$(field "$out" external_id) $(prices "$out")" '"a897fe39b1053632" "51.77" null "GBP"' \
		"books: UPC a897fe39b1053632, £51.77 incl. tax"
	check_eq "$(field "$out" stock_count) $(field "$out" rating) $(field "$out" availability)" \
		'22 3 "in_stock"' "books: In stock (22 available), three stars"
}

# ---- xbox
# xbox_replay REGION START_URL [DERIVED_FILE]: the items of one products
# answer replayed for REGION, one per line (the log in $T/xbox.log); with
# DERIVED_FILE (from tests/spiders/xbox/derived/) served instead of the
# saved answer at START_URL.
xbox_replay() {
	local dir
	dir=$(mktemp -d "$T/xbox.XXXXXX")
	mkdir -p "$dir/xbox/pages"
	ln -s "$MC_ROOT"/tests/spiders/xbox/pages/* "$dir/xbox/pages/"
	cp tests/spiders/xbox/pages.tsv "$dir/xbox/"
	if [ -n "${3:-}" ]; then
		ln -s "$MC_ROOT/tests/spiders/xbox/derived/$3" "$dir/xbox/pages/$3"
		printf '%s\t%s\tapplication/json\n' "$2" "$3" >"$dir/xbox/pages.tsv"
	fi
	printf '%s\n' "$2" >"$dir/xbox/start_urls"
	mc check-spider --dir "$dir" --region "$1" --print xbox 2>"$T/xbox.log"
}
# xbox_attr LINE KEY: attrs.KEY of an item as compact JSON.
xbox_attr() { jq -c ".attrs.$2" <<<"$1"; }

facts_xbox() {
	local kr us out it
	kr=$(head -n 1 tests/spiders/xbox/start_urls)
	us=$(head -n 1 tests/spiders/xbox/start_urls.us)
	out=$(xbox_replay kr "$kr")
	check_eq "$(count "$out")" 6 "xbox: the KR answer's six products each have one offer for sale"
	check_eq "$(prices "$(item "$out" 9NQ0MVSLV0G7)") $(prices "$(item "$out" 9PJ2RVRC0L1X)") $(prices "$(item "$out" 9N2ZDN7NWQKV)")" \
		'"62000" null "KRW" "84800" null "KRW" "73000" null "KRW"' \
		"xbox: ListPrice 62000.0 / 84800.0 / 73000.0 = MSRP: exact decimals, no list price"
	check_eq "$(prices "$(item "$out" 9NKC1Z4Z92VN)") $(prices "$(item "$out" 9PH339L3Z99C)") $(prices "$(item "$out" 9NBR63PT4FZC)")" \
		'"24500" null "KRW" "123000" null "KRW" "62900" null "KRW"' \
		"xbox: ListPrice 24500.0 / 123000.0 / 62900.0 KRW, not the 0.0 USD licences nor the HistoricalBest sale prices"
	it=$(item "$out" 9PJ2RVRC0L1X)
	check_eq "$(xbox_attr "$it" availability_id)" '"B3PL0F2MGW3P"' \
		"xbox: NBA 2K26 is sold by B3PL0F2MGW3P, its first offer for sale in display order"
	check_eq "$(xbox_attr "$(item "$out" 9NBR63PT4FZC)" platforms) $(xbox_attr "$(item "$out" 9NBR63PT4FZC)" sku_id)" \
		'["pc","xbox"] "0010"' "xbox: Ready or Not's offer is for Windows.Desktop and Windows.Xbox, SKU 0010 (not trial 0011, not 0017)"
	check_eq "$(field "$it" region) $(field "$it" url)" \
		'"kr" "https://www.xbox.com/ko-kr/games/store/nba-2k26/9PJ2RVRC0L1X"' "xbox: the item carries its region and an xbox.com ko-kr URL"
	check_eq "$(grep -c 'not in the saved pages' "$T/xbox.log")" 1 "xbox: one more products request, for the related products"
	check "xbox: the related products are asked for in one batch, in order of mention, in the same market" \
		grep -qF 'products?bigIds=9P079R5LGV4T,9NVJH73H5WQG,9PCCGHDBMR1P,9N9W42TW36FS,9NFKCJNBR34N,9PP9PFSCJTWR,9NNPT0NZX54B,BPSWGQBW7R3G,C59P3L6F56QH,BQ024QBMVR45,BRZXR0HVS5J3,C4ZWQ221K0LT,9PGSCVZP98QG,9P509TCB36H0&market=KR&languages=ko-kr' "$T/xbox.log"
	out=$(only xbox "$kr")
	check_eq "$(field "$(head -n 1 <<<"$out")" region)" '"kr"' "xbox: without --region the first region (kr) runs"

	out=$(xbox_replay us "$us")
	check_eq "$(count "$out") $(prices "$out") $(field "$out" title)" '1 "0" null "USD" "Fortnite"' \
		"xbox: the US answer yields Fortnite, free (its one Purchase availability, 0.0 USD)"
	check "xbox: Call of Duty's 12 availabilities at 0.0 USD are no offer (no Purchase action)" \
		grep -qF 'product C5DTJ99626K3: no offer for sale in market US (12 no Purchase action); skipped' "$T/xbox.log"
	out=$(xbox_replay us "$us" displaycatalog_browse_us_priced.json)
	check_eq "$(prices "$out")" '"19.99" "29.99" "USD"' "xbox: ListPrice 19.99 / MSRP 29.99 (derived) give exactly 19.99 and list 29.99"

	out=$(xbox_replay kr "$kr" displaycatalog_products_kr_edited.json)
	check_eq "$(count "$out") $(prices "$(item "$out" 9PJ2RVRC0L1X)")" '2 "42400" "84800" "KRW"' \
		"xbox (derived): NBA 2K26 at ListPrice 42400 with MSRP 84800 has list price 84800"
	check "xbox (derived): an offer that ended before the answer's time is not for sale" \
		grep -qF 'product 9NQ0MVSLV0G7: no offer for sale in market KR (1 ended, 3 no Purchase action); skipped' "$T/xbox.log"
	check "xbox (derived): an offer that starts after it is not" \
		grep -qF 'product 9NBR63PT4FZC: no offer for sale in market KR (1 not started, ' "$T/xbox.log"
	check "xbox (derived): an offer for another market is not" \
		grep -qF 'product 9N2ZDN7NWQKV: no offer for sale in market KR (1 another market, 3 no Purchase action); skipped' "$T/xbox.log"
	check "xbox (derived): a remediation offer (0 KRW, for owners) is not" \
		grep -qF 'product 9NKC1Z4Z92VN: no offer for sale in market KR (7 no Purchase action, 1 a remediation offer (owners only)); skipped' "$T/xbox.log"
}

# ---- epic
# Every search is a GraphQL POST to one URL; the replay matches its exact
# body, one file per request in tests/spiders/epic/pages/
# (search_REGION_startN.body.json).  A region's start request is its first
# search POST (start 0).
epic_url=https://store.epicgames.com/graphql
# epic_replay REGION [BODY=ANSWER...]: the items of a replay of REGION
# (empty: no --region, the default) from its start POST, where the POST
# whose body is pages/search_BODY.body.json is answered with ANSWER (a file
# of pages/ or derived/, or an absolute path: a page generated by the test).
# Every other request answers 404.  The log in $T/epic.log.
epic_replay() {
	local region=$1 dir pair answer
	shift
	dir=$(mktemp -d "$T/epic.XXXXXX")
	mkdir -p "$dir/epic/pages"
	ln -s "$MC_ROOT"/tests/spiders/epic/pages/* "$MC_ROOT"/tests/spiders/epic/derived/* "$dir/epic/pages/"
	printf '%s\n' "$epic_url" >"$dir/epic/start_urls"
	: >"$dir/epic/pages.tsv"
	for pair; do
		answer=${pair#*=}
		if [[ $answer == /* ]]; then
			ln -s "$answer" "$dir/epic/pages/"
			answer=$(basename "$answer")
		fi
		printf '%s\t%s\tapplication/json\tPOST\tsearch_%s.body.json\n' \
			"$epic_url" "$answer" "${pair%%=*}" >>"$dir/epic/pages.tsv"
	done
	mc check-spider --dir "$dir" ${region:+--region "$region"} --print epic 2>"$T/epic.log"
}
epic_ids() { sed -n 's/.*"external_id":"\([^"]*\)".*/\1/p' <<<"$1" | cut -c1-6 | tr '\n' ' '; }
epic_404() { grep -c 'not in the saved pages (404)' "$T/epic.log"; }
# epic_asked BODY: how often the replay logged an unanswered POST whose body
# is pages/search_BODY.body.json, byte for byte (its length and digest).
epic_asked() {
	local f=tests/spiders/epic/pages/search_$1.body.json
	grep -cF "POST $epic_url ($(wc -c <"$f")-byte body), body sha256:$(sha256sum <"$f" | cut -c1-64)" \
		"$T/epic.log"
}

facts_epic() {
	local out gen region other rc=0
	# The real capture, in its own country: region se's start POST.
	out=$(epic_replay se se_start0=epic_search_with_dlc.json)
	check_eq "$(count "$out") $(epic_ids "$out") $(grep -c '"region":"se"' <<<"$out")" \
		"5 c09a8e c8a6d9 0b09d9 0a6538 14c18b  5" \
		"epic: region se posts country SE, locale en-US (pages/search_se_start0.body.json): the capture's 5 offers, in answer order, region se"
	check_eq "$(prices "$(item "$out" c09a8ee4c3f7425fa1b9cda29372c901)") $(field "$(item "$out" c09a8ee4c3f7425fa1b9cda29372c901)" discount_pct)" \
		'"0" "339" "SEK" 100' "epic: Train Sim World 6 add-on 100% off (discountPrice 0, originalPrice 33900; currentPrice 33900 is not the price)"
	check_eq "$(prices "$(item "$out" c8a6d95c091b4fe0be8fdfb53216f942)") $(field "$(item "$out" c8a6d95c091b4fe0be8fdfb53216f942)" discount_pct)" \
		'"0" "169" "SEK" 100' "epic: Paradise Killer 16900 → 0 is price 0 with list price 169"
	check_eq "$(prices "$(item "$out" 0b09d98e514b4808a9ba2ff31af8e44f)") $(field "$(item "$out" 0b09d98e514b4808a9ba2ff31af8e44f)" discount_pct)" \
		'"1.05" "21" "SEK" 95' "epic: Umm Oyoun 2100 → 105 minor units, decimals 2, is 21 → 1.05, -95%"
	check_eq "$(prices "$(item "$out" 0a6538f097774fa8ae3de3268b7b6998)") $(prices "$(item "$out" 14c18b1900f24dc887e02d98115f2447)")" \
		'"1.4" "7" "SEK" "1.7" "17" "SEK"' "epic: Space Empires I 700 → 140 and Bad Rats Revenge 1700 → 170"
	check_eq "$(field "$(item "$out" c09a8ee4c3f7425fa1b9cda29372c901)" url)" \
		'"https://store.epicgames.com/p/train-sim-world-6--spirit-of-steam-liverpool-lime-street-crewe"' \
		"epic: an add-on's url is its own offerMappings page, not its game's (catalogNs: train-sim-world-6)"
	check_eq "$(epic_404) $(epic_asked se_start5)" "1 1" \
		"epic: paging.total 4088 > 5: the one request after the start POST is start=5 of SE, body pages/search_se_start5.body.json (unsaved: 404)"

	# Each region's start request is its own search POST, byte for byte: with
	# only the other regions' start bodies answered, it is the run's one
	# request, unanswered (no free-games GET before it, no other body).
	for region in us de se; do
		set --
		for other in us de se; do
			[ "$other" = "$region" ] || set -- "$@" "${other}_start0=epic_search_with_dlc.json"
		done
		out=$(epic_replay "$region" "$@")
		check_eq "$(count "$out") $(epic_404) $(epic_asked "${region}_start0")" "0 1 1" \
			"epic: region $region's one request is the POST of pages/search_${region}_start0.body.json, no other region's"
	done
	out=$(epic_replay '' us_start0=epic_search_with_dlc.json)
	check_eq "$(count "$out") $(grep -c '"region":"us"' <<<"$out")" "5 5" \
		"epic: without --region the run is region us and posts country US, locale en-US (pages/search_us_start0.body.json)"
	out=$(epic_replay de de_start0=epic_search_with_dlc.json)
	check_eq "$(count "$out") $(grep -c '"region":"de"' <<<"$out") $(epic_404) $(epic_asked de_start5)" "5 5 1 1" \
		"epic: region de posts country DE, locale de, and pages on in DE (the SE capture stands in for its answer): 5 items of region de"

	# Paging to the end: the capture split in two pages (derived/, VERIFIED.md).
	out=$(epic_replay us us_start0=search_split_start0.json us_start3=search_split_start3.json)
	check_eq "$(count "$out") $(epic_ids "$out") $(epic_404)" "5 c09a8e c8a6d9 0b09d9 0a6538 14c18b  0" \
		"epic: start 0 (3 offers of total 5), then start 3 (2): the same 5 items, and no request for start=5"
	# A page without elements before the total ends the paging, logged.
	out=$(epic_replay se se_start0=epic_search_with_dlc.json se_start5=search_empty_start5.json)
	check_eq "$(count "$out") $(grep -c 'no elements at start=5 of total 4088; paging ends' "$T/epic.log") $(epic_404)" \
		"5 1 0" "epic: an empty page at start=5 of 4088 ends the paging, logged"

	# The giveaway placeholders (freeGamesPromotions: isCodeRedemptionOnly) are not sold.
	out=$(epic_replay us us_start0=epic-api-2023-05-29.json)
	check_eq "$(count "$out") $(grep -c 'only redeemable by code (not sold); skipped' "$T/epic.log") $(epic_404)" \
		"0 2 0" "epic: 'Mystery Game' and the vaulted offer (isCodeRedemptionOnly) are skipped, logged; total 2 ends the paging"

	# currencyInfo.decimals is read, not assumed (a page generated here: every
	# "decimals": 2 of the capture made 0).
	gen=$T/epic_decimals0.json
	sed 's/"decimals": 2/"decimals": 0/' tests/spiders/epic/pages/epic_search_with_dlc.json >"$gen"
	out=$(epic_replay se "se_start0=$gen")
	check_eq "$(prices "$(item "$out" 0b09d98e514b4808a9ba2ff31af8e44f)")" '"105" "2100" "SEK"' \
		"epic: with decimals 0, Umm Oyoun's 105 / 2100 minor units are 105 / 2100"

	# The callbacks have names for `marketcrawl parse`.
	mc parse "$epic_url" --spider epic --callback nope >/dev/null 2>"$T/epic_parse.err" || rc=$?
	check_eq "$rc $(grep -c 'its callbacks: parse_search)' "$T/epic_parse.err")" "2 1" \
		"epic: marketcrawl parse knows its one callback, parse_search"
}

for s in "${tests[@]}"; do
	if declare -F "facts_$s" >/dev/null; then
		"facts_$s"
	fi
done
for f in $(declare -F | awk '$3 ~ /^facts_/ { sub(/^facts_/, "", $3); print $3 }'); do
	check "facts_$f ran: tests/spiders/$f/ was found" grep -qw -- "$f" <<<"${tests[*]}"
done
