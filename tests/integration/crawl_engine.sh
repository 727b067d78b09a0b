# The crawl engine against the fixture server: one crawl of a small site
# that has a bit of everything (robots.txt denial, an offsite link, a
# duplicate link, a flaky page needing retries, a redirect to file://, a
# redirect within the site, an oversize page, a latin-1 page, a link chain
# deeper than --max-depth, a 404) and exact assertions on the items and the
# statistics of the run record.  The run is partial: --max-depth cut a link
# the spider would have followed and the oversize page was lost (the 404,
# the offsite link, the refused redirect and the denied page are answers or
# policy, not losses).  Then Retry-After, SIGTERM (aborted file),
# kill -9 (only a .part) and a suspect run.
. "$(dirname "$0")/../lib.sh"

site=$T/site
mkdir -p "$site/p" "$site/deep" "$site/private"

product() { # FILE SKU NAME PRICE [LINKS...]
	local file=$1 sku=$2 name=$3 price=$4
	shift 4
	{
		echo "<html><head><title>$name</title>"
		echo "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"Product\",\"sku\":\"$sku\",\"name\":\"$name\",\"offers\":{\"@type\":\"Offer\",\"price\":\"$price\",\"priceCurrency\":\"EUR\",\"availability\":\"https://schema.org/InStock\"}}</script>"
		echo "</head><body><h1>$name</h1>"
		for l in "$@"; do echo "<a href=\"$l\">link</a>"; done
		echo "</body></html>"
	} > "$file"
}

printf 'User-agent: *\nDisallow: /private/\n' > "$site/robots.txt"
for i in 1 2 3 4 5 6 7; do product "$site/p/$i.html" "p$i" "Game $i" "$i.99"; done
product "$site/private/secret.html" secret "Secret" 1.00
product "$site/deep/1.html" d1 "Deep 1" 1.00 /deep/2.html
product "$site/deep/2.html" d2 "Deep 2" 2.00 /deep/3.html
product "$site/deep/3.html" d3 "Deep 3" 3.00 /deep/4.html
product "$site/deep/4.html" d4 "Deep 4" 4.00
# A latin-1 page: the title is "Café" in ISO-8859-1 bytes.
printf '<html><head><script type="application/ld+json">{"@type":"Product","sku":"l1","name":"Caf\xe9","offers":{"price":"5.00","priceCurrency":"EUR"}}</script></head><body>caf\xe9</body></html>' > "$site/latin1.html"
printf 'Content-Type: text/html; charset=iso-8859-1\n' > "$site/latin1.html.headers"
head -c 200000 /dev/zero | tr '\0' 'x' > "$site/big.html"

start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL
cat > "$site/index.html" <<EOF
<html><body>
<a href="/p/1.html">1</a> <a href="p/1.html#again">1 again</a> <a href="/p/2.html">2</a>
<a href="/p/3.html">3</a> <a href="/p/4.html">4</a> <a href="/p/5.html">5</a>
<a href="/fault/flaky/2/p/6.html">6 after two 503s</a>
<a href="/fault/redirect?to=/p/7.html">7 via redirect</a>
<a href="/fault/redirect?to=file:///etc/passwd">file</a>
<a href="http://localhost:$HTTPD_PORT/p/5.html">offsite</a>
<a href="/private/secret.html">denied</a>
<a href="/latin1.html">latin-1</a> <a href="/big.html">big</a>
<a href="/deep/1.html">deep</a> <a href="/fault/status/404">missing</a>
<a href="mailto:shop@example.com">mail</a>
</body></html>
EOF

out=$T/out
mc crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" \
	--delay 0 --max-depth 3 --max-bytes 100000 --no-health --no-progress \
	>"$T/crawl.out" 2>"$T/crawl.err"
check_eq "$?" 8 "crawl exits 8 (partial)"
file=$(ls "$out"/*.jsonl 2>/dev/null | head -n 1)
check "one complete staging file, no .part left" test -n "$file" -a -z "$(ls "$out"/*.part 2>/dev/null)"
check_eq "$(head -n 1 "$file" | jq -r '.format + " " + (.version|tostring) + " " + .spider')" \
	"marketcrawl-staging 1 schemaorg" "line 1 is the header"
run=$(tail -n 1 "$file" | jq -c .run)
check_eq "$(jq -r .status <<<"$run")" partial "run record says partial"
check_eq "$(jq -r .partial_reason <<<"$run")" \
	"--max-depth 3 dropped 1 link the spider would follow; 1 request failed for good (first: $U/big.html: too_large)" \
	"partial_reason: the depth cut and the page over --max-bytes"
check_eq "$(jq -c '[.scope, .stats.failed, .stats.gone, .stats.depth_limited_by_option]' <<<"$run")" \
	'["partial",1,1,1]' "scope partial (schemaorg); 1 failed, 1 gone (the 404), 1 link cut by --max-depth"
ids=$(sed '1d;$d' "$file" | jq -r .external_id | sort | tr '\n' ' ')
check_eq "$ids" "d1 d2 d3 l1 p1 p2 p3 p4 p5 p6 p7 " "exactly the expected items (deep chain cut at depth 3)"
check_eq "$(sed '1d;$d' "$file" | jq -r 'select(.external_id=="l1") | .title')" "Café" \
	"latin-1 page decoded to UTF-8"
check_eq "$(sed '1d;$d' "$file" | jq -r 'select(.external_id=="p3") | [.price, .currency, .availability, .marketplace] | join(" ")')" \
	"3.99 EUR in_stock 127.0.0.1" "price, currency, availability and marketplace of an item"
stat() { jq -r "$1" <<<"$run"; }
check_eq "$(stat .items)" 11 "run record: items"
check_eq "$(stat .stats.robots_denied)" 1 "robots.txt denial counted"
check_eq "$(stat .stats.offsite)" 1 "offsite link skipped"
check_eq "$(stat .stats.duplicates)" 1 "duplicate URL (fragment dropped) skipped"
check_eq "$(stat .stats.depth_limited)" 1 "link beyond --max-depth skipped"
check_eq "$(stat .stats.retries)" 2 "flaky page retried twice"
check_eq "$(stat .stats.redirects)" 1 "one redirect followed"
check_eq "$(stat .stats.bad_links)" 1 "mailto: link counted as invalid"
check_eq "$(stat '.stats.errors.bad_redirect')" 1 "redirect to file:// refused"
check_eq "$(stat '.stats.errors.too_large')" 1 "oversize body cut"
check_eq "$(stat '.stats.errors.http_4xx')" 1 "404 counted"
check_eq "$(stat '.stats.responses_by_status["503"]')" 2 "503s counted by status"
check_eq "$(grep -c '^GET /robots.txt ' "$T/access.log")" 1 "robots.txt fetched once"
check_eq "$(grep -c '^GET /private/' "$T/access.log")" 0 "disallowed page never requested"
check_eq "$(grep -c '/etc/passwd' "$out"/*.jsonl)" 0 "nothing from file:// in the output"
check "summary printed" grep -q 'robots.txt' "$T/crawl.err"

# Retry-After: 429 with "Retry-After: 2"; one retry must wait at least 2 s
# (the default backoff would wait at most 0.75 s).
cat > "$site/index.html" <<EOF
<html><body><a href="/p/1.html">1</a> <a href="/fault/retry-after/2">busy</a></body></html>
EOF
rm -rf "$out"
mc crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" --delay 0 \
	--retries 1 --no-health --no-progress >/dev/null 2>"$T/ra.err"
run=$(tail -n 1 "$out"/*.jsonl | jq -c .run)
check_eq "$(stat '.stats.errors.http_429') $(stat .stats.retries) $(stat .stats.retries_exhausted)" "1 1 1" \
	"429 retried once, then given up and counted once"
check_eq "$(jq -r '.stats.elapsed_s >= 2' <<<"$run")" true "Retry-After honoured (run took >= 2 s)"

# SIGTERM mid-crawl: a complete file with status aborted, exit 5.
cat > "$site/index.html" <<EOF
<html><body><a href="/p/1.html">1</a> <a href="/fault/stall-body/20000">slow</a></body></html>
EOF
rm -rf "$out"
"$MC_BIN" crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" --delay 0 \
	--stop-grace 300 --no-health --no-progress >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q 'stall-body' "$T/access.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.3
kill -TERM $pid
wait $pid
check_eq "$?" 5 "SIGTERM: exit status 5"
check_eq "$(tail -n 1 "$out"/*.jsonl | jq -r .run.status)" aborted "SIGTERM: file completed as aborted"
check_eq "$(sed '1d;$d' "$out"/*.jsonl | jq -r .external_id)" p1 "SIGTERM: items fetched before the signal kept"

# kill -9 mid-crawl: only a .part remains.
rm -rf "$out"
"$MC_BIN" crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" --delay 0 \
	--no-health --no-progress >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 100); do [ -n "$(ls "$out"/*.part 2>/dev/null)" ] && break; sleep 0.1; done
sleep 0.3
kill -KILL $pid
wait $pid 2>/dev/null
check_eq "$(ls "$out" | sed 's/.*\.//')" part "kill -9: only a .part remains"

# Suspect run: 4 items, then 1 item (< 50% of the previous complete run).
data=$T/data
cat > "$site/index.html" <<EOF
<html><body><a href="/p/1.html">1</a><a href="/p/2.html">2</a><a href="/p/3.html">3</a><a href="/p/4.html">4</a></body></html>
EOF
mc crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --data-dir "$data" --delay 0 --no-progress >/dev/null 2>&1
check_eq "$?" 0 "reference run complete"
echo '<html><body><a href="/p/1.html">1</a></body></html>' > "$site/index.html"
mc crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --data-dir "$data" --delay 0 --no-progress >/dev/null 2>"$T/suspect.err"
check_eq "$?" 4 "shrunken run: exit status 4"
last=$(ls "$data"/staging/schemaorg/*.jsonl | sort | tail -n 1)
check_eq "$(tail -n 1 "$last" | jq -r .run.status)" suspect "shrunken run: run record says suspect"
check "suspect reason logged" grep -q 'suspect' "$T/suspect.err"

# A gzip-encoded page is decoded; --max-pages stops at N pages; --delay is
# kept between requests to one host (a lower bound on the run time, not a
# speed threshold); the robots.txt group of our product token applies.
gzip -c "$site/p/1.html" > "$site/gz.html"
printf 'Content-Encoding: gzip\n' > "$site/gz.html.headers"
printf 'User-agent: *\nDisallow: /private/\n\nUser-agent: marketcrawl\nDisallow: /p/3\n' > "$site/robots.txt"
cat > "$site/index.html" <<EOF2
<html><body><a href="/gz.html">gz</a><a href="/p/2.html">2</a><a href="/p/3.html">3</a></body></html>
EOF2
rm -rf "$out"
mc crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" --delay 400 --jitter 0 \
	--no-health --no-progress >/dev/null 2>&1
file=$(ls "$out"/*.jsonl)
check_eq "$(sed '1d;$d' "$file" | jq -r .external_id | sort | tr '\n' ' ')" "p1 p2 " \
	"gzip page decoded; /p/3 denied by the marketcrawl group of robots.txt"
run=$(tail -n 1 "$file" | jq -c .run)
check_eq "$(jq -r '.stats.elapsed_s >= 1.2' <<<"$run")" true "--delay 400: three requests after robots.txt took >= 1.2 s"
rm -rf "$out"
mc crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" --delay 0 --max-pages 2 \
	--no-health --no-progress >/dev/null 2>&1
check_eq "$(tail -n 1 "$out"/*.jsonl | jq -r .run.pages)" 2 "--max-pages 2: two pages"

# Autothrottle: a host answering 503 twice gets a longer delay.
cat > "$site/index.html" <<EOF2
<html><body><a href="/fault/flaky/2/p/1.html">1</a><a href="/p/2.html">2</a></body></html>
EOF2
rm -rf "$out"
mc crawl schemaorg --start-url "$U/" --allow-domain 127.0.0.1 --out "$out" --delay 0 --autothrottle \
	--no-health --no-progress >/dev/null 2>&1
run=$(tail -n 1 "$out"/*.jsonl | jq -c .run)
check_eq "$(jq -r .items <<<"$run")" 2 "autothrottle: every item still arrives"
check_eq "$(jq -r '.stats.max_host_delay_ms >= 1000' <<<"$run")" true "autothrottle: 503s raised the host delay to >= 1 s"
