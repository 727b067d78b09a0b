#!/usr/bin/env bash
# The demo's HTML report in a real browser: the demo marketplace crawled
# twice (v1, v2) through the fixture server, loaded, the ETL run, and
# `marketcrawl report --html` opened in headless Chromium (file:// URL, a
# private profile, no network).  The page must load without console
# messages, the DOM Chromium built must hold every section with the
# numbers of the generator's ground truth (var/demo/v2/changes.tsv), and a
# screenshot and a printed PDF are written to
# $MC_BUILD/test-output/report_browser.{png,pdf} for people to look at.
# Without Chromium it says it skipped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/chromium.bash"

if [ -z "$CHROMIUM" ]; then
	ok "skipped: chromium not installed (apt-get install chromium; scripts/deps.sh installs it when it can)"
	exit 0
fi
export MARKETCRAWL_HOME=$T/data
out_dir=${MC_BUILD:-$MC_ROOT/build}/test-output
mkdir -p "$out_dir"

# ---- the demo, as `make demo` runs it ------------------------------------------
"$MC_GEN_SITE" demo "$T/v1" --version 1
"$MC_GEN_SITE" demo "$T/v2" --version 2
changes=$T/v2/changes.tsv
crawl_load_etl() {
	start_httpd "$1"
	timeout 300 "$MC_BIN" crawl demo --origin "$HTTPD_URL" --data-dir "$T/data" --out "$2" \
		--fast --no-progress >"$2.out" 2>"$2.err"
	local rc=$?
	stop_httpd "$HTTPD_PID"
	[ $rc = 0 ] && mc load "$2"/*.jsonl >/dev/null && mc etl --quiet
}
fresh_db || exit 1
check "v1: crawl, load, etl" crawl_load_etl "$T/v1" "$T/staging1"
# A watch on the first price drop of changes.tsv, as the demo adds it.
IFS=$'\t' read -r w_market w_id w_title <<<"$(awk -F'\t' '$10 == "drop" { print $1 "\t" $2 "\t" $4; exit }' "$changes")"
check "watch add on the first drop" mc watch add --listing "$w_market:$w_id" --low all --label demo
check "v2: crawl, load, etl" crawl_load_etl "$T/v2" "$T/staging2"
html=$T/report.html
check "report --html" mc report --html "$html"

# ---- Chromium ------------------------------------------------------------------
check_console_detected
: >"$T/chromium.log"
chromium_run "$T/chromium.log" --dump-dom "file://$html" >"$T/dom.html"
check_eq "$?" "0" "headless Chromium loads the report"
check_eq "$(chromium_console "$T/chromium.log")" "" "without console messages"

# section ID: the section's lines of the DOM; rows ID: its table rows as
# text, cells joined by " | ", entities decoded.
section() { sed -n "/<section id=\"$1\">/,/<\/section>/p" "$T/dom.html"; }
rows() {
	section "$1" | grep '^<tr><td' | sed -e 's/<\/td><td[^>]*>/ | /g' -e 's/<[^>]*>//g' \
		-e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&nbsp;/ /g; s/&amp;/\&/g'
}
check_eq "$(grep -o '<section id="[a-z]*"' "$T/dom.html" | sed 's/.*id="//; s/"//' | tr '\n' ' ')" \
	"alerts daily drops increases lows cheapest products " "the DOM has every section"
check_eq "$(rows alerts | awk -F' [|] ' '{ print $2 " | " $3 }')" "low | $w_title" \
	"the alerts section: the watch fired once, at the historic low of $w_title"

for dir in drop increase; do
	[ $dir = drop ] && id=drops || id=increases
	rows "$id" >"$T/$id.txt"
	check "the $id table lists exactly the ${dir}s of changes.tsv, with old and new price" \
		"$MC_ROOT/scripts/demo.sh" check-report $dir "$changes" "$T/$id.txt" "$T/v1/expected.tsv" "$T/v2/expected.tsv"
done
want=$(tail -n +2 "$changes" | cut -f1 | sort | uniq -c | awk '{ printf "%s %s ", $2, $1 }')
check_eq "$(rows daily | awk -F' [|] ' '{ printf "%s %s ", $2, $3 }')" "$want" \
	"the daily table counts each store's changes"
check_eq "$(rows lows | wc -l)" "$(grep -c $'\tdrop$' "$changes")" \
	"historic lows: every listing that dropped is at its all-time low (v2 is its lowest price)"
check_eq "$(rows cheapest | wc -l) $(section cheapest | grep -c 'more exist')" "20 1" \
	"cheapest offers: 20 rows of the products both stores sell, and a note that more exist"

# The charts as drawn.
check_eq "$(grep -o '<text class="mp-label"[^>]*>[^<]*' "$T/dom.html" | sed 's/.*>//' | tr '\n' ' ')" \
	"demo-a demo-b " "the daily bars are labelled demo-a and demo-b"
check_eq "$(grep -o '<circle class="avg" cx="[0-9.]*"' "$T/dom.html" | sort -u | wc -l)" "2" \
	"their two averages at two places"
check "the daily chart has a percent axis" grep -q '<text class="tick"[^>]*>0 %</text>' "$T/dom.html"
products=$(grep -o 'id="product-[0-9]*"' "$T/dom.html" | wc -l)
check "20 to 30 product histories ($products)" test "$products" -ge 20 -a "$products" -le 30
missing=0
for ref in $(grep -o 'href="#product-[0-9]*"' "$T/dom.html" | sed 's/href="#//; s/"//' | sort -u); do
	grep -q "id=\"$ref\"" "$T/dom.html" || { echo "# no section for #$ref"; missing=1; }
done
check_eq "$missing" "0" "every product link has its section"
check_eq "$(grep -o "<svg class=\"history\"" "$T/dom.html" | wc -l)" "$(grep -o "Price in [A-Z]*</text>" "$T/dom.html" | wc -l)" \
	"every history chart has a price axis in its currency"
sed -n '/>Star Forge <span/,/<\/section>/p' "$T/dom.html" | grep '^<tr><td>demo-a</td><td>g0001</td>' |
	grep -o '<td class="num">[0-9.]*</td><td class="num">[0-9.]*</td><td>EUR' | sed 's/<[^>]*>/ /g' | tr -s ' ' >"$T/sf"
check_eq "$(tr '\n' '/' <"$T/sf")" " 4.99 EUR/ 2.50 4.99 EUR/" \
	"Star Forge's section has demo-a's ranges: 4.99 EUR, then 2.50 EUR (list price 4.99)"

# ---- the screenshot -------------------------------------------------------------
shot=$out_dir/report_browser.png
rm -f "$shot"
chromium_run "$T/chromium.log" --window-size=1280,2400 --screenshot="$shot" "file://$html" >/dev/null
check "a screenshot is written" bash -c "head -c 8 '$shot' | od -An -c | grep -q 'P   N   G'"
echo "# screenshot: $shot"
pdf=$out_dir/report_browser.pdf
rm -f "$pdf"
chromium_run "$T/chromium.log" --no-pdf-header-footer --print-to-pdf="$pdf" "file://$html" >/dev/null
check "it prints (Chromium's PDF of its print style)" bash -c "head -c 5 '$pdf' | grep -q '%PDF-'"
check_eq "$(chromium_console "$T/chromium.log")" "" "still no console messages"
