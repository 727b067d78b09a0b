# Hostile scraped text, end to end: product pages whose JSON-LD carries SQL,
# quotes, backslashes, COPY metacharacters (tab, newline, \N, a "\." line),
# control characters, HTML-looking text, right-to-left text and emoji are
# crawled, loaded and run through the ETL; the stored values (stg.observation,
# core.listing, the JSON report) must be byte-for-byte what the page said
# (compared as hex).  Over-long titles are dropped by the crawler with the
# documented reason (too_long_title); limits count characters, not bytes.
# Finally: no program in the tree ever starts a shell or another program,
# so scraped text can never reach one.
. "$(dirname "$0")/../lib.sh"
fresh_db || { not_ok "createdb"; exit 1; }

site=$T/site
mkdir -p "$site/h"
printf 'User-agent: *\nAllow: /\n' > "$site/robots.txt"

# The hostile text.  No leading or trailing white space (items are trimmed).
H=$'it\'s "quoted" \\back\\slash\\ tab\there nl\nhere cr\rhere \\N\n\\.\n\\\\. end\\ '
H+=$'\x01\x02\x1b[31m\x1f\x7f\xc2\x85 \'); DROP TABLE stg.observation; -- %s %n $1 ${HOME} `id` $(id) '
H+=$'<b>&amp;</b> </script> <!-- \xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa \xe2\x80\xaeRTL\xe2\x80\xac '
H+=$'\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9 \xf0\x9f\x98\x80 '
H+=$'\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 e\xcc\x81 \xef\xbb\xbf!'
# Shorter ones for the id (<= 200 characters) and the product key.
E=$'sku\t\'1\'; --\n\\N\n\\.\n"\\" \xf0\x9f\x98\x80'
K=$'key \\N \\. \t\n\' \xe2\x80\xae\xd7\x90'

# product FILE SKU NAME [GTIN BRAND]: a page whose JSON-LD says exactly
# that (jq escapes the JSON; "</" is written "<\/" as sites do, so the
# text cannot end the <script> element).
product() {
	jq -cn --arg sku "$2" --arg name "$3" --arg gtin "${4:-}" --arg brand "${5:-}" \
		'{"@type":"Product", sku:$sku, name:$name, offers:{price:"5.00", priceCurrency:"EUR"}}
		 + (if $gtin != "" then {gtin13:$gtin} else {} end)
		 + (if $brand != "" then {brand:{name:$brand}} else {} end)' |
		sed 's#</#<\\/#g' |
		{ printf '<html><head><title>x</title><script type="application/ld+json">'; cat; printf '</script></head><body></body></html>'; } > "$1"
}
rep() { awk -v s="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }

product "$site/h/1.html" "$E" "$H" "$K" "$H"
product "$site/h/2.html" long100k "$(rep A 102400)"
product "$site/h/3.html" e1000 "$(rep é 1000)"     # 1000 characters, 2000 bytes: fits
product "$site/h/4.html" e1001 "$(rep é 1001)"     # 1001 characters: too long
product "$site/h/5.html" cjk "$(rep 価 400)"       # a long Japanese title, 1200 bytes: fits
product "$site/h/6.html" "$(rep 😀 200)" emoji-id  # a 200-character id (800 bytes): fits
# No price: dropped (bad_price) and logged with an id that tries to forge a
# log line and clear the terminal.
jq -cn --arg sku $'evil\nmarketcrawl: error: forged line\x1b[2J\r' '{"@type":"Product", sku:$sku, name:"n", offers:{}}' |
	{ printf '<html><head><script type="application/ld+json">'; cat; printf '</script></head></html>'; } > "$site/h/7.html"
{ echo '<html><body>'; for i in 1 2 3 4 5 6 7; do echo "<a href=\"/h/$i.html\">$i</a>"; done; echo '</body></html>'; } \
	> "$site/index.html"

start_httpd "$site"
data=$T/data
timeout 120 "$MC_BIN" crawl schemaorg --start-url "$HTTPD_URL/" --allow-domain 127.0.0.1 --data-dir "$data" \
	--delay 0 --no-health --no-progress >/dev/null 2>"$T/crawl.err"
check_eq "$?" 0 "crawl of the hostile pages exits 0"
file=$(ls "$data"/staging/schemaorg/*.jsonl)
run=$(tail -n 1 "$file" | jq -c .run)
check_eq "$(jq -cS .stats.items_dropped <<<"$run")" '{"bad_price":1,"too_long_title":2}' \
	"100 KB and 1001-character titles dropped as too_long_title (and the priceless item as bad_price)"
check_eq "$(sed '1d;$d' "$file" | jq -r '.title | length' | sort -n | tr '\n' ' ')" \
	"$(printf '%s\n' 8 400 1000 "$(jq -rn --arg h "$H" '$h | length')" | sort -n | tr '\n' ' ')" \
	"kept: the hostile title, 1000 é, 400 CJK characters, the emoji id's"
check_eq "$(grep -c AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "$T/crawl.err")" 0 "the dropped 100 KB title is not dumped into the log"
# A dropped item is logged with its external_id: scraped text must not
# forge log lines or send terminal escapes (CWE-117).
check_eq "$(grep -c '^marketcrawl: error: forged' "$T/crawl.err")" 0 "log: a newline in scraped text cannot forge a log line"
check_eq "$(tr -d -c '\033\r' < "$T/crawl.err" | wc -c)" 0 "log: no ESC or CR from scraped text reaches the log"

hex() { od -An -tx1 | tr -d ' \n'; }
want_h=$(printf '%s' "$H" | hex)
want_e=$(printf '%s' "$E" | hex)
want_k=$(printf '%s' "$K" | hex)
check_eq "$(sed '1d;$d' "$file" | jq -j --arg e "$E" 'select(.external_id == $e) | .title' | hex)" "$want_h" \
	"staging file: the title is exactly the page's text"

timeout 120 "$MC_BIN" load --data-dir "$data" >"$T/load.out" 2>"$T/load.err"
check_eq "$?" 0 "load exits 0 (no line rejected)"
check_eq "$(sql 'select count(*) from stg.observation')" 4 "4 observations stored"
col() { # EXPR: hex of EXPR for the hostile listing
	sql "select encode(convert_to($1, 'UTF8'), 'hex') from stg.observation where title like 'it''s%'"
}
check_eq "$(col title)" "$want_h" "stg.observation.title byte-exact"
check_eq "$(col external_id)" "$want_e" "stg.observation.external_id byte-exact"
check_eq "$(col product_key)" "$want_k" "stg.observation.product_key byte-exact"
check_eq "$(col "attrs->>'brand'")" "$want_h" "stg.observation.attrs brand byte-exact"
check_eq "$(sql "select length(title) || ' ' || octet_length(title) from stg.observation where external_id = 'e1000'")" \
	"1000 2000" "1000 é stored whole"
check_eq "$(sql "select length(external_id) from stg.observation where title = 'emoji-id'")" 200 "200-emoji id stored whole"
check_eq "$(sql "select count(*) from pg_tables where schemaname = 'stg' and tablename = 'observation'")" 1 \
	"the SQL in the text did nothing"

timeout 120 "$MC_BIN" etl --quiet >/dev/null 2>"$T/etl.err"
check_eq "$?" 0 "etl exits 0"
check_eq "$(sql "select encode(convert_to(title, 'UTF8'), 'hex') || ' ' || encode(convert_to(external_id, 'UTF8'), 'hex') from core.listing where title like 'it''s%'")" \
	"$want_h $want_e" "core.listing title and external_id byte-exact"
timeout 120 "$MC_BIN" report current-prices --format json --limit 0 >"$T/report.json" 2>"$T/report.err"
check_eq "$?" 0 "report current-prices --format json exits 0"
check_eq "$(jq -j --arg e "$E" '.[] | select(.external_id == $e) | .title' "$T/report.json" | hex)" "$want_h" \
	"JSON report gives the title back byte-exact"

# The loader's own guard: a staging line with a 100 KB title (bypassing the
# crawler) is rejected with its reason and line number; the rest loads.
{
	printf '{"format":"marketcrawl-staging","version":1,"spider":"hostile","run_id":"r1","started_at":"2026-11-22T10:00:00Z"}\n'
	printf '{"marketplace":"m","external_id":"ok","url":"http://m.test/ok","title":"fine","price":"1","currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T10:00:00Z"}\n'
	printf '{"marketplace":"m","external_id":"big","url":"http://m.test/big","title":"%s","price":"1","currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T10:00:00Z"}\n' "$(rep A 102400)"
	printf '{"run":{"spider":"hostile","run_id":"r1","started_at":"2026-11-22T10:00:00Z","finished_at":"2026-11-22T10:01:00Z","status":"complete","pages":2,"items":2,"errors":0,"stats":{}}}\n'
} > "$T/big.jsonl"
timeout 120 "$MC_BIN" load --keep "$T/big.jsonl" >"$T/load2.out" 2>"$T/load2.err"
check_eq "$?" 3 "loader: a file with a rejected line exits 3"
check_eq "$(sql "select line_no || ' ' || reason from stg.rejected_line")" "3 too_long_title" \
	"loader: 100 KB title rejected as too_long_title at line 3"
check_eq "$(sql "select count(*) from stg.observation where external_id = 'ok'")" 1 "loader: the good line of that file loaded"

# A line the loader accepts must never wedge the ETL: an upper-case URL
# scheme ("HTTP://", found by fuzz_staging_line) against core.listing's
# check (url ~ '^https?://') would fail every ETL run from then on.
{
	printf '{"format":"marketcrawl-staging","version":1,"spider":"hostile","run_id":"r2","started_at":"2026-11-22T11:00:00Z"}\n'
	printf '{"marketplace":"m","external_id":"up","url":"HTTP://m.test/UP","title":"upper","price":"1","currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T11:00:00Z"}\n'
	printf '{"run":{"spider":"hostile","run_id":"r2","started_at":"2026-11-22T11:00:00Z","finished_at":"2026-11-22T11:01:00Z","status":"complete","pages":1,"items":1,"errors":0,"stats":{}}}\n'
} > "$T/upper.jsonl"
timeout 120 "$MC_BIN" load --keep "$T/upper.jsonl" >/dev/null 2>"$T/load3.err"
check "loader: upper-case URL scheme loaded or rejected (exit 0 or 3)" test "$?" -eq 0 -o "$?" -eq 3
timeout 120 "$MC_BIN" etl --quiet >/dev/null 2>"$T/etl2.err"
check_eq "$?" 0 "etl still succeeds after a line with an upper-case URL scheme"

# No shell, no child program: nothing scraped can ever be executed.
hits=$(grep -nE '\b(system|popen|exec[lv][pe]*|posix_spawnp?|fork|vfork|wordexp)[[:space:]]*\(' \
	"$MC_ROOT"/base/*.[ch] "$MC_ROOT"/staging/*.[ch] "$MC_ROOT"/crawler/*.[ch] "$MC_ROOT"/etl/*.[ch] \
	"$MC_ROOT"/spiders/*.c "$MC_ROOT"/include/marketcrawl/*.h)
check_eq "$hits" "" "no system()/popen()/exec*()/fork() in base, staging, crawler, etl, spiders or include"
check_eq "$(grep -rniE 'from[[:space:]]+program|to[[:space:]]+program' "$MC_ROOT"/sql "$MC_ROOT"/etl | head -n 5)" "" \
	"no COPY ... PROGRAM (a server-side shell) in SQL or the loader"
