#!/usr/bin/env bash
# `load --threads N` (docs/loader.md): the first pass parses batches of
# lines on N threads; the outcome does not depend on N.  The same file of
# some thousand lines, rejects spread across the batches (1,024 lines
# each), loaded with one thread and with four (as two marketplaces, so that
# both are stored): the same observations, the same rejects by line and
# reason, the same counts and messages.  A bad --threads is a usage error.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

# lines MARKETPLACE: 3,500 observation lines, every 97th line bad JSON, every
# 131st a missing price, lines 1025 and 2049 (a batch's first) rejects too.
lines() {
	local i
	for ((i = 2; i <= 3501; i++)); do
		if ((i % 97 == 0 || i == 1025 || i == 2049)); then
			printf '{"marketplace":\n'
		elif ((i % 131 == 0)); then
			printf '{"marketplace":"%s","external_id":"e%d","url":"http://m.test/%d","title":"T","currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T10:00:00Z"}\n' "$1" "$i" "$i"
		else
			printf '{"marketplace":"%s","external_id":"e%d","url":"http://m.test/%d","title":"T %d","price":"%d.25","list_price":null,"currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T10:00:00Z"}\n' "$1" "$i" "$i" "$i" "$i"
		fi
	done
}
lines one | stg "$T/one.jsonl" one
lines four | stg "$T/four.jsonl" four

load --keep --threads 1 "$T/one.jsonl"
check_eq "$RC" 3 "one thread: loaded with rejects (exit 3)"
sed "s|$T/one.jsonl|FILE|; s/file [0-9]*;.*/file N)/" "$T/out" >"$T/out-one"
load --keep --threads 4 "$T/four.jsonl"
check_eq "$RC" 3 "four threads: loaded with rejects (exit 3)"
sed "s|$T/four.jsonl|FILE|; s/file [0-9]*;.*/file N)/" "$T/out" >"$T/out-four"
check_eq "$(cat "$T/out-four")" "$(cat "$T/out-one")" "the same report, counts included"

obs_of() { sql "select md5(string_agg(o.line_no || ' ' || o.external_id || ' ' || o.price || ' ' || o.title || ' ' || (o.obs_id - f.first_id), ',' order by o.line_no)) from stg.observation o join (select file_id, min(obs_id) - min(line_no) as first_id from stg.observation group by file_id) f using (file_id) where o.marketplace = '$1'"; }
rej_of() { sql "select md5(string_agg(r.line_no || ' ' || r.reason || ' ' || replace(r.raw_line, '$1', 'M'), ',' order by r.line_no)) from stg.rejected_line r join stg.loaded_file f using (file_id) where f.run_id = '$1'"; }
check_eq "$(sql "select count(*) from stg.observation where marketplace = 'one'")" "$(sql "select count(*) from stg.observation where marketplace = 'four'")" "the same number of observations"
check_eq "$(obs_of four)" "$(obs_of one)" "the same observations, lines and ids"
check_eq "$(sql "select count(*) from stg.rejected_line r join stg.loaded_file f using (file_id) where f.run_id = 'four'")" 64 "every reject recorded"
check_eq "$(rej_of four)" "$(rej_of one)" "the same rejects, by line, reason and raw line"
check_eq "$(sql "select string_agg(rows_read || '/' || rows_accepted || '/' || rows_rejected || '/' || rows_valid, ' ' order by file_id) from stg.loaded_file")" \
	"3500/3436/64/3436 3500/3436/64/3436" "the same counts in loaded_file"

mc load --threads 0 "$T/one.jsonl" >"$T/out" 2>"$T/err"
check_eq "$?" 2 "--threads 0: usage error (exit 2)"
check_eq "$(cat "$T/err")" "marketcrawl load: --threads needs a number from 1 to 16, not '0'
Try 'marketcrawl load --help' for the options." "--threads 0: said so, then the hint"
