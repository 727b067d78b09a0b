#!/usr/bin/env bash
# `marketcrawl report --html`: one self-contained page (no scripts, no
# external assets) whose charts are really drawn: headless Chromium loads it
# and the dumped DOM must hold the expected SVG bars, points and lines.
. "$(dirname "$0")/../lib.sh"

fresh_db || exit 1
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
D3=$(day 3) D2=$(day 2) D1=$(day 1)
check "day -3" run "$D3" <<EOT
$(obs alpha a1 "Star <Forge> & Co" 10.00 "$D3" 1)
$(obs alpha a2 "Moon Base" 20.00 "$D3" 2)
$(obs beta b1 "Sky Port" 30.00 "$D3" 3)
EOT
check "day -2" run "$D2" <<EOT
$(obs alpha a1 "Star <Forge> & Co" 8.00 "$D2" 1)
$(obs alpha a2 "Moon Base" 20.00 "$D2" 2)
$(obs beta b1 "Sky Port" 33.00 "$D2" 3)
EOT
check "day -1" run "$D1" <<EOT
$(obs alpha a1 "Star <Forge> & Co" 12.00 "$D1" 1)
$(obs alpha a2 "Moon Base" 15.00 "$D1" 2)
$(obs beta b1 "Sky Port" 33.00 "$D1" 3)
EOT

html=$T/report.html
check "report --html writes the page" mc report --html "$html"
check_eq "$(grep -ciE '<script|<link|<img|<iframe|src=|@import|url\(' "$html")" "0" \
	"the page is self-contained (no scripts, links, images or external URLs)"
check_eq "$(grep -c 'Star &lt;Forge&gt; &amp; Co' "$html")" "3" "titles are HTML-escaped"
check_eq "$(grep -o '<rect class="bar-drop"' "$html" | wc -l) $(grep -o '<rect class="bar-increase"' "$html" | wc -l) $(grep -o '<circle class="avg"' "$html" | wc -l)" \
	"2 2 3" "the daily chart has one bar per largest drop / increase and one point per average"

if ! command -v chromium >/dev/null 2>&1; then
	echo "# skipped: chromium is not installed (apt-get install -y chromium); the drawn-DOM check did not run"
	exit 0
fi
profile=$(mktemp -d "$T/chromium.XXXXXX")
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	--no-first-run --user-data-dir="$profile" --dump-dom "file://$html" >"$T/dom.html" 2>"$T/chromium.log"
check_eq "$?" "0" "headless Chromium renders the page"
count() { grep -o "$1" "$T/dom.html" | wc -l; }
check_eq "$(count '<svg class="daily"')" "1" "the DOM holds the daily-moves chart"
check_eq "$(count '<rect class="bar-drop"') $(count '<rect class="bar-increase"') $(count '<circle class="avg"') $(count '<polyline class="avg-line"')" \
	"2 2 3 2" "with its bars, average points and one average line per marketplace"
check_eq "$(count '<svg class="history"')" "3" "one price-history chart per top mover (a1, a2, b1)"
check_eq "$(count '<circle class="pt"') $(count '<path class="step"')" "7 3" \
	"one point per price range (3 + 2 + 2) and one step line per listing"
check_eq "$(count '<tr>')" "6" \
	"the drops and increases tables: header plus 2 rows each"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	--no-first-run --user-data-dir="$profile" --window-size=1000,1400 \
	--screenshot="$T/report.png" "file://$html" >/dev/null 2>>"$T/chromium.log"
check "a screenshot is taken" test -s "$T/report.png"
if [ -n "${MC_KEEP_SCREENSHOT:-}" ]; then cp "$T/report.png" "$MC_KEEP_SCREENSHOT"; fi
