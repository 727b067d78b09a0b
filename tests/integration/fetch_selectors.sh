# `marketcrawl fetch`: one page through the engine, selectors printed —
# XPath node lists and string results, a regex with its group, embedded
# JSON; robots.txt applies (a denied URL fetches nothing and exits 1).
. "$(dirname "$0")/../lib.sh"

site=$T/site
mkdir -p "$site/private"
cat > "$site/page.html" <<'EOF2'
<html><head><meta charset="utf-8"><script id="__NEXT_DATA__" type="application/json">{"props":{"price":"12,50 €"}}</script></head>
<body><ul><li class="game">Star Forge</li><li class="game">Café Racer</li></ul>
<span class="price" data-sku="A-42">12,50&nbsp;€</span></body></html>
EOF2
echo '<html><body>secret</body></html>' > "$site/private/x.html"
printf 'User-agent: *\nDisallow: /private/\n' > "$site/robots.txt"
start_httpd "$site"

out=$(mc fetch "$HTTPD_URL/page.html" --xpath '//li[@class="game"]' --xpath 'string(//span/@data-sku)' \
	--regex 'data-sku="([A-Z]+)-' --json '//script[@id="__NEXT_DATA__"]' 2>"$T/err")
check_eq "$?" 0 "fetch exits 0"
check_eq "$(grep -A2 '^xpath //li' <<<"$out")" 'xpath //li[@class="game"]: 2 matches
  [1] Star Forge
  [2] Café Racer' "XPath node list printed in order, UTF-8"
check "string() result printed" grep -qx '  = A-42' <<<"$out"
check "regex group printed" grep -qx '  group 1: A' <<<"$out"
check "embedded JSON printed" grep -q '"price": "12,50 €"' <<<"$out"
check "status and URL printed" grep -qx 'status: 200' <<<"$out"

mc fetch "$HTTPD_URL/private/x.html" --xpath '//body' >"$T/denied.out" 2>"$T/denied.err"
check_eq "$?" 1 "a URL robots.txt denies: exit 1"
check "robots denial is in the summary" grep -q '1 denied' "$T/denied.err"
check_eq "$(grep -c secret "$T/denied.out")" 0 "nothing of the denied page printed"
mc fetch >/dev/null 2>&1
check_eq "$?" 2 "no URL: usage error"
