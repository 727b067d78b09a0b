#!/usr/bin/env bash
# What a new user sees when something is off (issue 18, "smaller things"):
# a mistyped option is one line naming it, prefixed "marketcrawl CMD:",
# then one line pointing at --help, never the whole usage text; a
# PostgreSQL error prints on one line, without literal "\n" or "\t"; a
# report cut by its row limit says so on stderr.
. "$(dirname "$0")/../lib.sh"

for cmd in load etl report metrics db crawl run fetch parse check-spider new-spider \
	alerts fx "watch add" "watch list" "watch remove" "watch schedule"; do
	# shellcheck disable=SC2086 # "watch add": a command and its subcommand
	mc $cmd --bogus >"$T/out" 2>"$T/err"
	rc=$?
	check_eq "$rc:$(wc -l <"$T/err"):$(wc -c <"$T/out")" "2:2:0" \
		"$cmd --bogus: usage error, two lines on stderr, nothing on stdout"
	check_eq "$(head -n 1 "$T/err")" "marketcrawl $cmd: unrecognized option '--bogus'" \
		"... the first names the command and the option"
	check_eq "$(tail -n 1 "$T/err")" "Try 'marketcrawl ${cmd%% *} --help' for the options." \
		"... the second points at --help"
done
for cmd in crawl run fetch parse; do
	mc "$cmd" demo --max-pages x >/dev/null 2>"$T/err"
	check_eq "$?:$(wc -l <"$T/err")" "2:2" "$cmd: a bad option value: two lines too"
	check_eq "$(head -n 1 "$T/err")" "marketcrawl $cmd: --max-pages needs a number >= 0, not 'x'" \
		"... the first names the command, the option and the value"
done
mc etl extra >/dev/null 2>"$T/err"
check_eq "$(cat "$T/err")" "marketcrawl etl: unexpected argument 'extra'
Try 'marketcrawl etl --help' for the options." "an unexpected argument: named, then the hint"
mc load --help >"$T/out" 2>&1
check "--help still prints the whole usage" grep -q '^usage: marketcrawl load' "$T/out"

# PostgreSQL's messages span lines and indent with tabs.
mc report price-drops --db "host=$T/nowhere dbname=x" >/dev/null 2>"$T/err"
check_eq "$?:$(wc -l <"$T/err")" "1:1" "a connection failure: exit 1, one line"
check_eq "$(grep -c '\\[nt]' "$T/err")" 0 "... without a literal \\n or \\t"
check "... saying what failed" grep -q 'cannot connect to host=.* dbname=x' "$T/err"

fresh_db || exit 1
mc db migrate >/dev/null || exit 1
sql "drop view rpt.recent_price_drops" # (re-created by the next migrate)
mc report price-drops >/dev/null 2>"$T/err"
check_eq "$?:$(wc -l <"$T/err")" "1:1" "a failed report query: exit 1, one line"
check_eq "$(grep -c '\\[nt]' "$T/err")" 0 "... without a literal \\n or \\t"
mc db migrate >/dev/null

# A report cut by its limit says so; one that is not says nothing.
S=$T/staging/shop
mkdir -p "$S"
{
	echo '{"format":"marketcrawl-staging","version":1,"spider":"shop","run_id":"r1","started_at":"2026-11-22T10:00:00Z"}'
	for i in 1 2 3; do
		printf '{"marketplace":"shop","external_id":"p%d","url":"http://shop.test/p%d","title":"Game %d","price":"%d.99","list_price":null,"currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T10:00:0%dZ","product_key":null,"attrs":{}}\n' "$i" "$i" "$i" "$i" "$i"
	done
	echo '{"run":{"spider":"shop","run_id":"r1","started_at":"2026-11-22T10:00:00Z","finished_at":"2026-11-22T10:01:00Z","status":"complete","pages":1,"items":3,"errors":0,"stats":{}}}'
} >"$S/r1.jsonl"
mc load --keep "$S/r1.jsonl" >/dev/null && mc etl --quiet || exit 1
mc report current-prices --limit 2 --format csv >"$T/out" 2>"$T/err"
check_eq "$?:$(($(wc -l <"$T/out") - 1))" "0:2" "--limit 2 of 3 rows: two rows shown"
check_eq "$(cat "$T/err")" \
	"marketcrawl report: current-prices: the first 2 rows shown; more exist (--limit N shows N, --limit 0 all)" \
	"... and stderr says more exist"
mc report current-prices --limit 3 --format json >"$T/out" 2>"$T/err"
check_eq "$(grep -c '"external_id"' "$T/out"):$(wc -c <"$T/err")" "3:0" "--limit 3 of 3 rows: all shown, no notice"
mc report current-prices --limit 0 >"$T/out" 2>"$T/err"
check_eq "$(grep -c '^ *shop ' "$T/out"):$(wc -c <"$T/err")" "3:0" "--limit 0: all rows, no notice"
