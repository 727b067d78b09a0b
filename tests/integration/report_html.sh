#!/usr/bin/env bash
# `marketcrawl report --html`: one self-contained page (no scripts, no
# external assets, a Content-Security-Policy that fetches nothing) with its
# sections, readable headers and dates, right-aligned numbers, charts with
# axes and legends, per-product histories linked from the tables, a hostile
# title escaped everywhere, and row limits that say so.  When Chromium is
# installed, the page must render without console messages and the drawn
# DOM must hold the charts (report_browser.sh does the same for the demo).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/chromium.bash"

S=$T/staging/shop
mkdir -p "$S"
day() { date -u -d "$1 days ago" +%F; }
obs() {
	printf '{"marketplace":"%s","external_id":"%s","url":"http://shop.test/%s","title":"%s","price":"%s","currency":"EUR","availability":"in_stock","observed_at":"%sT10:00:0%sZ"}\n' \
		"$1" "$2" "$2" "$3" "$4" "$5" "$6"
}
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
count() { grep -o -- "$1" "$2" | wc -l; }

# ---- a small history with a hostile title -----------------------------------
fresh_db || exit 1
# The title as the database holds it: <script>alert("pwned")</script> Star 'Forge' & Co
hostile='<script>alert(\"pwned\")</script> Star '"'"'Forge'"'"' & Co'
escaped='&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; Star &#39;Forge&#39; &amp; Co'
D3=$(day 3) D2=$(day 2) D1=$(day 1)
check "day -3" run "$D3" <<EOT
$(obs alpha a1 "$hostile" 10.00 "$D3" 1)
$(obs alpha a2 "Moon Base" 20.00 "$D3" 2)
$(obs beta b1 "Sky Port" 30.00 "$D3" 3)
EOT
check "day -2" run "$D2" <<EOT
$(obs alpha a1 "$hostile" 8.00 "$D2" 1)
$(obs alpha a2 "Moon Base" 20.00 "$D2" 2)
$(obs beta b1 "Sky Port" 33.00 "$D2" 3)
EOT
check "day -1" run "$D1" <<EOT
$(obs alpha a1 "$hostile" 12.00 "$D1" 1)
$(obs alpha a2 "Moon Base" 15.00 "$D1" 2)
$(obs beta b1 "Sky Port" 33.00 "$D1" 3)
EOT

html=$T/report.html
check "report --html writes the page" mc report --html "$html"
check_eq "$(grep -ciE '<script|<link|<img|<iframe|<object|<embed|src=|href="[a-z]+:|@import|url\(' "$html")" "0" \
	"the page is self-contained (no scripts, links, images or external URLs)"
check "a Content-Security-Policy lets the browser fetch nothing" \
	grep -qF "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">" "$html"
check_eq "$(count "$escaped" "$html")" "4" \
	"the hostile title is escaped everywhere (drops, increases, its section, its legend)"
check_eq "$(grep -c 'pwned' "$html")" "$(grep -c "$escaped" "$html")" "and never appears unescaped"

# Sections, headers, dates, numbers.
check_eq "$(grep -o '<section id="[a-z]*"' "$html" | tr '\n' ' ')" \
	'<section id="alerts" <section id="daily" <section id="drops" <section id="increases" <section id="lows" <section id="cheapest" <section id="products" ' \
	"the sections, in order"
check "readable headers (Change %, Old price, Store)" \
	grep -q '<th>Store</th><th>Listing id</th><th>Title</th><th>Currency</th><th class="num">Old price</th><th class="num">New price</th><th class="num">Change</th><th class="num">Change %</th>' "$html"
check_eq "$(grep -cE 'delta_pct|old_price|external_id</th>' "$html")" "0" "no raw column names"
check_eq "$(grep -cE '[0-9]:[0-9]{2}:[0-9]{2}\.[0-9]|\+00' "$html")" "0" "no milliseconds, no +00"
d2=$(date -u -d "$D2" +'%-d %b %Y')
check "a change time as people write it, with a machine-readable datetime" \
	grep -qE "<time datetime=\"${D2}T10:00:01Z\">$d2 10:00 UTC</time>" "$html"
check "numbers are right-aligned cells (a1's drop: -2.00, -20.00 %)" \
	grep -qE '<td class="num">8.00</td><td class="num">-2.00</td><td class="num">-20.00</td>' "$html"
check "the CSS aligns them in tabular figures, and prints" \
	bash -c "grep -q 'td.num{text-align:right;font-variant-numeric:tabular-nums' '$html' && grep -q '@media print' '$html'"
check "the region column, empty for every row, is left out" bash -c "! grep -q '<th>Region</th>' '$html'"
check "historic lows: a2 is at its all-time low of 15.00 (a1, back at 12.00, is not)" \
	grep -qE '<tr><td>alpha</td><td>a2</td><td><a href="#product-[0-9]+">Moon Base</a></td><td>EUR</td><td class="num">15.00</td><td class="num">15.00</td>' "$html"
check_eq "$(sed -n '/<section id="lows">/,/<\/section>/p' "$html" | grep -c '<tr><td>')" "1" "and only a2"
check "cheapest offers: no product is sold by two stores" \
	bash -c "sed -n '/<section id=\"cheapest\">/,/<\/section>/p' '$html' | grep -q 'No rows.'"

# The daily chart: a bar per largest drop / increase, labelled by
# marketplace; each average at its marketplace's bars, not at the day's middle.
check_eq "$(count '<rect class="bar-drop"' "$html") $(count '<rect class="bar-increase"' "$html") $(count '<circle class="avg"' "$html") $(count '<polyline class="avg-line"' "$html")" \
	"2 2 3 2" "the daily chart has one bar per largest drop / increase, one point per average, a line per marketplace"
check_eq "$(grep -o '<text class="mp-label"[^>]*>[a-z]*' "$html" | sed 's/.*>//' | tr '\n' ' ')" "alpha beta alpha " \
	"each day's bars are labelled with their marketplace"
check_eq "$(grep -o '<circle class="avg" cx="[0-9.]*"' "$html" | sort -u | wc -l)" "3" \
	"the averages of one day's two marketplaces sit at different x"
check "the change axis has ticks in percent and a title" \
	bash -c "grep -q '<text class=\"tick\"[^>]*>+[0-9]* %</text>' '$html' && grep -q 'Change in %' '$html'"
check_eq "$(sed -n '/<svg class="daily"/,/<\/ul>/p' "$html" | grep -c '<li>')" "4" \
	"its legend: alpha, beta, the average, the bars' direction"

# Products: one section per product the tables name, linked from them.
check_eq "$(grep -o 'id="product-[0-9]*"' "$html" | wc -l)" "3" "a section per product named (a2, a1, b1)"
missing=0
for ref in $(grep -o 'href="#product-[0-9]*"' "$html" | sed 's/href="#//; s/"//' | sort -u); do
	grep -q "id=\"$ref\"" "$html" || { echo "# no section for #$ref"; missing=1; }
done
check_eq "$missing $(grep -o 'href="#product-' "$html" | wc -l)" "0 5" \
	"every title links to its section (2 drops, 2 increases, 1 low)"
check_eq "$(count '<svg class="history"' "$html") $(count '<circle class="pt"' "$html") $(count '<path class="step"' "$html")" \
	"3 7 3" "a step chart per product: a point per price range (2 + 3 + 2), a line per listing"
check_eq "$(grep -c 'Price in EUR</text>' "$html")" "3" "each with a price axis in its currency"
check "and a date axis" grep -qE "<text class=\"tick\"[^>]*>[0-9]+ [A-Z][a-z]{2}</text>" "$html"
check "the product's ranges as a table, the current one without an end" \
	grep -qE '<tr><td>alpha</td><td>a1</td><td class="time"><time datetime="'"$D1"'T10:00:01Z">[^<]*</time></td><td class="time"></td><td class="num">12.00</td>' "$html"

# ---- the browser ------------------------------------------------------------
if [ -z "$CHROMIUM" ]; then
	ok "skipped: chromium not installed (the drawn-DOM check; scripts/deps.sh installs it when it can)"
else
	check_console_detected
	: >"$T/chromium.log"
	chromium_run "$T/chromium.log" --dump-dom "file://$html" >"$T/dom.html"
	check_eq "$?" "0" "headless Chromium renders the page"
	check_eq "$(chromium_console "$T/chromium.log")" "" "without console messages (a script run or blocked would log one)"
	check_eq "$(count '<svg class="daily"' "$T/dom.html") $(count '<rect class="bar-drop"' "$T/dom.html") $(count '<circle class="avg"' "$T/dom.html") $(count '<svg class="history"' "$T/dom.html") $(count '<circle class="pt"' "$T/dom.html")" \
		"1 2 3 3 7" "the drawn DOM holds the charts"
	check_eq "$(grep -c '<script' "$T/dom.html")" "0" "and no script element"
fi

# ---- limits -------------------------------------------------------------------
# 25 listings drop and 25 others rise: 20 rows of each table, and the
# products of 30 of them (the first named), each saying the rest is left out.
fresh_db || exit 1
for i in $(seq 10 59); do obs shop "p$i" "Game $i" 10.00 "$D2" 1; done | run "$D2"
for i in $(seq 10 59); do
	if [ "$i" -lt 35 ]; then obs shop "p$i" "Game $i" 5.00 "$D1" 1; else obs shop "p$i" "Game $i" 20.00 "$D1" 1; fi
done | run "$D1"
check "report --html (50 changes)" mc report --html "$html"
check_eq "$(sed -n '/<section id="drops">/,/<\/section>/p' "$html" | grep -c '<tr><td')" "20" "20 drops shown"
check "the page says more exist" \
	grep -qF '<p class="more">The first 20 rows are shown; more exist (<code>marketcrawl report price-drops --limit 0</code> lists them all).</p>' "$html"
check_eq "$(grep -o 'id="product-[0-9]*"' "$html" | wc -l)" "30" "30 product histories"
check "the page says 10 products are left out" \
	grep -qF 'The first 30 products are shown; 10 more named above are left out' "$html"
check_eq "$(grep -o 'href="#product-[0-9]*"' "$html" | sort -u | wc -l)" "30" "only shown products are linked"
