#!/usr/bin/env bash
# The loader under stress: two loaders at once never load a file twice (the
# loser skips, exit 0); the loader's memory does not grow with the file;
# kill -9 and a PostgreSQL restart during either pass over the file (its
# keys, then its stored rows), or during each COPY of a file loaded in one
# pass, leave no trace, and the next run loads the file completely (exact
# counts); a password is never printed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

counts() { sql "select (select count(*) from stg.loaded_file) || '|' || (select count(*) from stg.observation) || '|' || (select count(*) from stg.listing_state) || '|' || (select count(*) from stg.rejected_line) || '|' || (select count(*) from stg.seen_listing)"; }

# wait_copy PID WHAT: until the loader's COPY WHAT (mc_load_keys: the first
# pass; stg.observation: the second, or the one pass; stg.listing_state:
# the one pass's states) is running (or the loader ended).
wait_copy() {
	local i
	for i in $(seq 1 1500); do
		[ "$(sql "select count(*) from pg_stat_activity where datname = current_database() and state = 'active' and query like 'copy $2 %'")" = 1 ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}

# wait_idle: until no backend of this database but ours is left.
wait_idle() {
	local i
	for i in $(seq 1 500); do
		[ "$(sql "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")" = 0 ] && return 0
		sleep 0.02
	done
	return 1
}

mc db migrate >/dev/null

# --- two loaders at once, same file ---------------------------------------
"$GEN_STAGING" --listings 50000 --spider demo "$T/same.jsonl"
mc load --keep "$T/same.jsonl" >"$T/c1.out" 2>&1 &
p1=$!
mc load --keep "$T/same.jsonl" >"$T/c2.out" 2>&1 &
p2=$!
wait "$p1"; r1=$?
wait "$p2"; r2=$?
check_eq "$r1|$r2" "0|0" "two concurrent loaders of one file both exit 0"
check_eq "$(counts)" "1|50000|50000|0|0" "loaded exactly once"
check_eq "$(cat "$T/c1.out" "$T/c2.out" | grep -c '^loaded ')|$(cat "$T/c1.out" "$T/c2.out" | grep -c '^skipped .*already loaded')" "1|1" "one loaded, the other skipped"

# --- two loaders at once over one staging directory (with archiving) --------
D=$T/data
mkdir -p "$D/staging/demo"
"$GEN_STAGING" --listings 20000 --first 100000 --spider demo --run 1 "$D/staging/demo/a.jsonl"
"$GEN_STAGING" --listings 20000 --first 200000 --spider demo --run 2 "$D/staging/demo/b.jsonl"
mc load --data-dir "$D" >"$T/d1.out" 2>&1 &
p1=$!
mc load --data-dir "$D" >"$T/d2.out" 2>&1 &
p2=$!
wait "$p1"; r1=$?
wait "$p2"; r2=$?
check_eq "$r1|$r2" "0|0" "two concurrent loaders of a directory both exit 0"
check_eq "$(counts)" "3|90000|90000|0|0" "each file loaded exactly once"
check_eq "$(ls "$D/archive/demo" | tr '\n' ' ')" "a.jsonl b.jsonl " "both archived once"


# interrupted HOW WHAT MODE: start a load of 400,000 listings, `kill -9`
# the loader (HOW=kill) or restart PostgreSQL (HOW=restart) while its COPY
# WHAT runs; nothing of the file may remain, the file stays in staging, and
# the next run loads it completely.  MODE new: every listing is new (one
# pass: stg.observation, then stg.listing_state); known: the first one was
# loaded before from another file, at another price (two passes:
# mc_load_keys, then stg.observation).
interrupted() {
	local how=$1 what=$2 mode=$3 pid rc before after
	fresh_db || { not_ok "createdb"; exit 1; }
	mc db migrate >/dev/null
	D=$T/$how-${what#*.}-$mode
	mkdir -p "$D/staging/demo"
	before="0|0|0|0|0" after="1|400000|400000|0|0"
	if [ "$mode" = known ]; then
		"$GEN_STAGING" --listings 1 --spider demo --run 5 --changes 100 --at 2025-12-31T00:00:00Z "$T/first.jsonl"
		load --keep "$T/first.jsonl"
		before="1|1|1|0|0" after="2|400001|400000|0|0"
	fi
	"$GEN_STAGING" --listings 400000 --spider demo "$D/staging/demo/big.jsonl"
	"$MC_BIN" load --data-dir "$D" >"$T/i.out" 2>"$T/i.err" &
	pid=$!
	if wait_copy "$pid" "$what"; then
		if [ "$how" = kill ]; then kill -9 "$pid"; else pg_restart; fi
		ok "$how while COPY $what ran ($mode)"
	else
		not_ok "$how while COPY $what ran ($mode; COPY never seen)"
	fi
	wait "$pid"
	rc=$?
	if [ "$how" = kill ]; then
		check_eq "$rc" 137 "kill -9 ($what, $mode): the loader died"
	else
		check_eq "$rc" 1 "restart ($what, $mode): the load exits 1"
		check "restart ($what, $mode): the error is reported" grep -q "error" "$T/i.err"
	fi
	wait_idle
	check_eq "$(counts)" "$before" "$how during COPY $what ($mode) leaves no trace"
	check "$how during COPY $what ($mode) leaves the file in staging" test -f "$D/staging/demo/big.jsonl"
	load --data-dir "$D"
	check_eq "$RC" 0 "$how during COPY $what ($mode): the next run exits 0"
	check_eq "$(counts)" "$after" "$how during COPY $what ($mode): the next run loads the file completely"
	check_eq "$(sql 'select rows_read, rows_accepted from stg.loaded_file order by file_id desc limit 1')" "400000|400000" \
		"$how during COPY $what ($mode): exact counts"
}

# --- memory does not grow with the file ---------------------------------------
# A file 20 times larger (every listing is new: one pass) may cost the
# loader some MiB more (the fingerprint table, the verdict map), never the
# file: were it read whole or its mapped pages kept, the difference would
# be the file's 140 MB; it must stay under half of that.
fresh_db || { not_ok "createdb"; exit 1; }
mc db migrate >/dev/null
"$GEN_STAGING" --listings 20000 --first 1000000 --spider demo --run 1 "$T/mem-small.jsonl"
"$GEN_STAGING" --listings 400000 --first 2000000 --spider demo --run 2 "$T/mem-big.jsonl"
peak_load --keep "$T/mem-small.jsonl"
check_eq "$RC" 0 "small file loads"
small=$PEAK_KIB
peak_load --keep "$T/mem-big.jsonl"
check_eq "$RC" 0 "big file loads"
big=$PEAK_KIB
big_bytes=$(stat -c %s "$T/mem-big.jsonl")
check "peak memory flat in file size: $small KiB for 20,000 lines, $big KiB for 400,000 ($((big_bytes / 1048576)) MiB)" \
	test "$small" -gt 0 -a $((big - small)) -lt $((big_bytes / 2048))
# A copy of the big file is only hashed (its run was loaded): the pages it
# passes are given back as well.
cp "$T/mem-big.jsonl" "$T/mem-big-copy.jsonl"
peak_load --keep "$T/mem-big-copy.jsonl"
check "a copy is skipped as already loaded" grep -q "already loaded" "$T/out"
check "hashing a duplicate keeps memory flat too: $PEAK_KIB KiB" \
	test $((PEAK_KIB - small)) -lt $((big_bytes / 2048))

for case in "mc_load_keys known" "stg.observation known" "stg.observation new" "stg.listing_state new"; do
	interrupted kill $case
	interrupted restart $case
done

# --- a password is never printed ----------------------------------------------
{ obs a 1 2026-11-22T10:00:00Z; } | stg "$T/p.jsonl" p
for db in "host=$T/nosock port=1 dbname=nodb user=nobody password=SECRET" \
	"postgresql://nobody:SECRET@localhost:1/nodb" \
	"postgresql://nobody:SECRET@[::1"; do
	mc load --keep --db "$db" "$T/p.jsonl" >"$T/pw.out" 2>"$T/pw.err"
	rc=$?
	check_eq "$rc" 1 "failed connection exits 1 ($db)"
	check "failed connection: no password in the output ($db)" sh -c "! grep -q SECRET '$T/pw.out' '$T/pw.err'"
	check "failed connection: libpq's reason is printed ($db)" grep -q "cannot connect.*: ." "$T/pw.err"
done
check "host, port and database named" grep -q "cannot connect to host=localhost port=1 dbname=nodb user=nobody: " <(mc db status --db "postgresql://nobody:SECRET@localhost:1/nodb" 2>&1)
check "socket host named" grep -q "cannot connect to host=$T/nosock port=1 dbname=nodb" <(mc db status --db "host=$T/nosock port=1 dbname=nodb password=SECRET" 2>&1)
PGPASSWORD=SECRET mc db status --db "host=$T/nosock port=1 dbname=nodb" >"$T/pw.out" 2>&1
check "PGPASSWORD not printed either" sh -c "! grep -q SECRET '$T/pw.out'"
