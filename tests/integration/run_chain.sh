# `marketcrawl run SPIDER`: crawl → load → etl in one command, with the
# exit status of the most serious step; a suspect crawl is still loaded but
# never delists; a bad database makes the chain fail with status 1.
. "$(dirname "$0")/../lib.sh"

"$MC_GEN_SITE" demo "$T/v1" --version 1 >/dev/null
fresh_db
start_httpd "$T/v1"
data=$T/data

mc run demo --origin "$HTTPD_URL" --fast --no-progress --data-dir "$data" >"$T/run1.out" 2>"$T/run1.err"
check_eq "$?" 0 "run: crawl, load and etl succeed (exit 0)"
check_eq "$(sql "select count(*) from core.listing")" 200 "run: every listing reached the core model"
check_eq "$(sql "select count(*) from stg.loaded_file")" 1 "run: the staging file was loaded once"
check_eq "$(ls "$data"/staging/demo/*.jsonl 2>/dev/null | wc -l)" 0 "run: the loaded file was archived"

# A second run against a store that lost most of its pages: suspect (exit
# 4); its file is loaded, but a suspect run delists nothing.
stop_httpd "$HTTPD_PID"
mkdir -p "$T/small/a/games" "$T/small/a/game"
cp "$T/v1/robots.txt" "$T/small/"
sed 's|<a class="store-link" data-store="demo-b"[^<]*</a>||' "$T/v1/index.html" > "$T/small/index.html"
cp "$T/v1/a/games/page-1.html" "$T/small/a/games/"
sed -i 's|<a rel="next"[^>]*>[^<]*</a>||' "$T/small/a/games/page-1.html"
for g in $(grep -o 'href="\.\./game/[^"]*"' "$T/small/a/games/page-1.html" | sed 's/.*game\///; s/"$//'); do
	cp "$T/v1/a/game/$g" "$T/small/a/game/"
done
start_httpd "$T/small"
mc run demo --origin "$HTTPD_URL" --fast --no-progress --data-dir "$data" >"$T/run2.out" 2>"$T/run2.err"
check_eq "$?" 4 "run: a shrunken crawl is suspect (exit 4)"
check_eq "$(sql "select run_status from stg.loaded_file order by file_id desc limit 1")" suspect \
	"run: the suspect file was loaded"
check_eq "$(sql "select count(*) from core.listing where delisted_at is not null")" 0 \
	"run: a suspect run delists nothing"

mc run demo --origin "$HTTPD_URL" --fast --no-progress --data-dir "$data" \
	--db "host=$PGHOST port=1 dbname=nowhere" >"$T/run3.out" 2>"$T/run3.err"
check_eq "$?" 1 "run: an unreachable database fails the chain (exit 1)"
check "run: the failed connection is named" grep -q 'cannot connect' "$T/run3.err"
mc run nosuchspider >/dev/null 2>&1
check_eq "$?" 2 "run: an unknown spider is a usage error"
