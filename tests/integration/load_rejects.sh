#!/usr/bin/env bash
# Bad lines are rejected one by one (file, line number, stable reason, raw
# line cut to 4 KiB) while the rest of the file loads (exit 3); a file that
# is not a complete staging file is refused whole (exit 1, nothing
# inserted, message naming file and line) and other files still load.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

GOOD='"marketplace":"m","url":"http://m.test/x","title":"T","currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T10:00:00Z"'
# reason -> line (line numbers follow the order, starting at 3: line 2 is a good line)
cases=(
	"invalid_json|{\"marketplace\":"
	"invalid_utf8|{\"title\":\"caf$(printf '\xe9')\"}"
	"not_an_object|[1,2,3]"
	"nul_byte|{$GOOD,\"external_id\":\"n1\",\"price\":\"1\",\"attrs\":{\"k\":\"a\\u0000b\"}}"
	"missing_external_id|{$GOOD,\"price\":\"1\"}"
	"missing_price|{$GOOD,\"external_id\":\"p1\"}"
	"bad_price|{$GOOD,\"external_id\":\"p2\",\"price\":12.5}"
	"bad_price|{$GOOD,\"external_id\":\"p3\",\"price\":\"12,50\"}"
	"negative_price|{$GOOD,\"external_id\":\"p4\",\"price\":\"-1.00\"}"
	"absurd_price|{$GOOD,\"external_id\":\"p5\",\"price\":\"1000000000000\"}"
	"bad_list_price|{$GOOD,\"external_id\":\"p6\",\"price\":\"1\",\"list_price\":\"x\"}"
	"bad_currency|{\"marketplace\":\"m\",\"url\":\"http://m.test/x\",\"title\":\"T\",\"availability\":\"in_stock\",\"observed_at\":\"2026-11-22T10:00:00Z\",\"external_id\":\"c1\",\"price\":\"1\",\"currency\":\"euro\"}"
	"bad_availability|{\"marketplace\":\"m\",\"url\":\"http://m.test/x\",\"title\":\"T\",\"currency\":\"EUR\",\"observed_at\":\"2026-11-22T10:00:00Z\",\"external_id\":\"a1\",\"price\":\"1\",\"availability\":\"maybe\"}"
	"bad_timestamp|{\"marketplace\":\"m\",\"url\":\"http://m.test/x\",\"title\":\"T\",\"currency\":\"EUR\",\"availability\":\"in_stock\",\"external_id\":\"t1\",\"price\":\"1\",\"observed_at\":\"22/11/2026\"}"
	"bad_url|{\"marketplace\":\"m\",\"title\":\"T\",\"currency\":\"EUR\",\"availability\":\"in_stock\",\"observed_at\":\"2026-11-22T10:00:00Z\",\"external_id\":\"u1\",\"price\":\"1\",\"url\":\"javascript:alert(1)\"}"
	"bad_marketplace|{\"marketplace\":\"Not Valid\"}"
	"too_long_title|{\"marketplace\":\"m\",\"url\":\"http://m.test/x\",\"currency\":\"EUR\",\"availability\":\"in_stock\",\"observed_at\":\"2026-11-22T10:00:00Z\",\"external_id\":\"l1\",\"price\":\"1\",\"title\":\"$(head -c 1001 /dev/zero | tr '\0' x)\"}"
	"bad_attrs|{$GOOD,\"external_id\":\"b1\",\"price\":\"1\",\"attrs\":[1]}"
	"duplicate_price|{$GOOD,\"external_id\":\"d1\",\"price\":\"1\",\"price\":\"2\"}"
	"observed_before_run|{\"marketplace\":\"m\",\"url\":\"http://m.test/x\",\"title\":\"T\",\"currency\":\"EUR\",\"availability\":\"in_stock\",\"external_id\":\"e1\",\"price\":\"1\",\"observed_at\":\"2026-11-22T09:59:59.999Z\"}"
)
{
	obs ok1 1 2026-11-22T10:00:00Z
	for c in "${cases[@]}"; do printf '%s\n' "${c#*|}"; done
	# a raw NUL byte, and a 2 MiB line (over the 1 MiB limit)
	printf '{"title":"x\0y"}\n'
	printf '{"title":"'; head -c 2097152 /dev/zero | tr '\0' y; printf '"}\n'
	obs ok2 2 2026-11-22T10:00:00Z
} | stg "$T/bad.jsonl" bad

load --keep "$T/bad.jsonl"
check_eq "$RC" 3 "file with bad lines: exit 3"
n=${#cases[@]}
check_eq "$(cat "$T/err")" "marketcrawl: error: $((n + 2)) line(s) rejected in 1 file(s); the rest loaded (reasons and line numbers in stg.rejected_line)" \
	"exit 3 says why in one line on stderr"
check_eq "$(sql 'select rows_read, rows_accepted, rows_rejected from stg.loaded_file')" "$((n + 4))|2|$((n + 2))" "good lines loaded, bad lines counted"
check_eq "$(sql "select string_agg(external_id, ',' order by line_no) from stg.observation")" "ok1,ok2" "the good lines around the bad ones are loaded"
line=3
for c in "${cases[@]}"; do
	check_eq "$(sql "select reason from stg.rejected_line where line_no = $line")" "${c%%|*}" "line $line rejected as ${c%%|*}"
	line=$((line + 1))
done
check_eq "$(sql "select reason, length(raw_line) from stg.rejected_line where line_no = $line")" "nul_byte|14" "raw NUL byte: nul_byte, NUL removed from raw_line"
check_eq "$(sql "select reason, octet_length(raw_line), left(raw_line, 10) from stg.rejected_line where line_no = $((line + 1))")" "too_long_line|4096|{\"title\":\"" "2 MiB line: too_long_line, raw line cut to 4 KiB"
check_eq "$(sql "select raw_line from stg.rejected_line where reason = 'invalid_utf8'")" "{\"title\":\"caf$(printf '\xef\xbf\xbd')\"}" "invalid UTF-8 replaced by U+FFFD in raw_line"
check_eq "$(sql "select count(distinct path) || '|' || bool_and(path like '%/bad.jsonl') from stg.rejected_line")" "1|true" "rejected lines carry the file path"
check "stdout reports the rejects" grep -q "^loaded .*bad.jsonl: $((n + 4)) read, 2 accepted (0 late), 0 unchanged, $((n + 2)) rejected" "$T/out"

# Files that are not staging files, next to one that is.
fresh_db || { not_ok "createdb"; exit 1; }
mkdir -p "$T/mixed"
printf 'hello\n' >"$T/mixed/a-not-json.jsonl"
{ obs a 1 2026-11-22T10:00:00Z; } | stg "$T/mixed/b-good.jsonl" good
obs a 1 2026-11-22T10:00:00Z >"$T/mixed/c-no-header.jsonl"
{ obs a 1 2026-11-22T10:00:00Z; obs b 2 2026-11-22T10:00:00Z; } | stg "$T/full.jsonl" full
head -n 2 "$T/full.jsonl" >"$T/mixed/d-truncated.jsonl"
{ head -n 2 "$T/full.jsonl"; tail -n 1 "$T/full.jsonl"; sed -n 3p "$T/full.jsonl"; } >"$T/mixed/e-run-not-last.jsonl"
sed 's/"run_id":"full","started_at":"2026-11-22T10:00:00Z","finished/"run_id":"other","started_at":"2026-11-22T10:00:00Z","finished/' "$T/full.jsonl" >"$T/mixed/f-mismatch.jsonl"
sed 's/"status":"complete"/"status":"done"/' "$T/full.jsonl" >"$T/mixed/g-bad-status.jsonl"
: >"$T/mixed/h-empty.jsonl"
load --keep "$T/mixed"
check_eq "$RC" 1 "refused files: exit 1"
check_eq "$(sql 'select run_id from stg.loaded_file')" "good" "only the staging file was loaded"
check_eq "$(sql 'select count(*) from stg.observation')|$(sql 'select count(*) from stg.rejected_line')" "1|0" "refused files inserted nothing"
check "not JSON: refused naming file and line 1" grep -q "refused .*a-not-json.jsonl: line 1: not a marketcrawl staging file" "$T/err"
check "no header: refused naming file and line 1" grep -q "refused .*c-no-header.jsonl: line 1: not a marketcrawl staging file" "$T/err"
check "truncated: refused, no run record" grep -q "refused .*d-truncated.jsonl: line 2: no run record as the last line" "$T/err"
check "run record not last: refused" grep -q "refused .*e-run-not-last.jsonl: line 3: the run record is not the last line (line 4 follows it)" "$T/err"
check "run record of another run: refused" grep -q "refused .*f-mismatch.jsonl: line 4: the run record's spider/run_id differ" "$T/err"
check "bad run status: refused" grep -q "refused .*g-bad-status.jsonl: line 4: bad run record" "$T/err"
check "empty file: refused" grep -q "refused .*h-empty.jsonl: line 1: not a marketcrawl staging file (empty file)" "$T/err"
check "refused files stay where they are" test -f "$T/mixed/d-truncated.jsonl"
