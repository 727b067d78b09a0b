#!/usr/bin/env bash
# The ETL run protocol: a second run refused with --no-wait (exit 6) while
# another holds the advisory lock, a --wait run that proceeds once the lock
# is released, and a failing run that changes nothing but whose log rows
# (etl.run, etl.job_run) survive its rollback.
. "$(dirname "$0")/../lib.sh"

fresh_db || exit 1
check "migrate" mc db migrate >/dev/null

key=109099101116108
hold_lock() {
	psql -X -q -c "select pg_advisory_lock($key)" -c "select pg_sleep(600)" >/dev/null 2>&1 &
	_mc_pids+=($!)
	local i
	for i in $(seq 1 200); do
		[ "$(sql "select count(*) from pg_locks where locktype = 'advisory' and granted
			and classid = $((key >> 32)) and objid = $((key & 0xffffffff))")" = 1 ] && return 0
		sleep 0.05
	done
	return 1
}
release_lock() {
	sql "select pg_terminate_backend(pid) from pg_stat_activity
		where query like '%pg_sleep(600)%' and pid <> pg_backend_pid()" >/dev/null
}

check "another session holds the ETL lock" hold_lock
out=$(mc etl --no-wait 2>&1)
check_eq "$?" "6" "etl --no-wait exits 6 (MC_EXIT_LOCKED) while the lock is held"
check_eq "$out" "marketcrawl etl: another ETL run is in progress (advisory lock $key is held); not waiting (--no-wait)" \
	"and says why in one line"
check_eq "$(sql "select status, error_text from etl.run")" "locked|another ETL run held the lock" \
	"the refused run is logged"

mc etl --wait >"$T/wait.out" 2>&1 &
waiter=$!
_mc_pids+=($waiter)
waiting=no
for i in $(seq 1 200); do
	if [ "$(sql "select count(*) from pg_stat_activity where wait_event_type = 'Lock'
		and query like '%pg_advisory_lock($key)%'")" = 1 ]; then
		waiting=yes
		break
	fi
	sleep 0.05
done
check_eq "$waiting" "yes" "etl --wait waits for the lock"
release_lock
wait "$waiter"
check_eq "$?" "0" "etl --wait runs once the lock is released"
check_eq "$(sql "select status from etl.run order by run_id")" "locked
ok" "the waiting run is logged as ok"

# A batch that breaks a core constraint (a URL that is not http) fails the
# run: nothing of it is kept, the log of the failure is.
sql "insert into stg.loaded_file (content_sha256, path, spider, run_id, run_status,
	run_started_at, run_finished_at, run_record, rows_read, rows_accepted)
	values (repeat('a', 64), '/x.jsonl', 'shop', 'r1', 'complete', '2026-03-01T10:00Z',
	'2026-03-01T10:05Z', '{\"run\":{}}', 1, 1);
	insert into stg.observation (file_id, line_no, marketplace, external_id, url, title, price,
	currency, availability, observed_at)
	select file_id, 2, 'alpha', 'x1', 'ftp://shop.test/x1', 'Broken', 1, 'EUR', 'in_stock',
	'2026-03-01T10:00:01Z' from stg.loaded_file" >/dev/null
out=$(mc etl 2>&1)
check_eq "$?" "1" "a failing run exits 1"
case "$out" in
*"run 3 failed, nothing changed: 030_sighting.sql: new row for relation \"listing\" violates check constraint"*)
	ok "the error names the run, the job and the database error" ;;
*) not_ok "the error names the run, the job and the database error"; echo "# $out" ;;
esac
check_eq "$(sql "select status, files_processed, error_text like '030_sighting.sql: %' from etl.run where run_id = 3")" \
	"failed|0|t" "the failed run's etl.run row survives the rollback"
check_eq "$(sql "select job, status, rows_affected > 0 or job <> 'etl/010_batch.sql', error_text is not null from etl.job_run where run_id = 3 order by job_seq")" \
"etl/010_batch.sql|ok|t|f
etl/020_observation.sql|ok|t|f
etl/030_sighting.sql|failed|t|t" "so do its job rows, up to the failed job"
check_eq "$(sql "select (select count(*) from core.crawl_run), (select count(*) from core.listing), (select count(*) from etl.processed_file)")" \
	"0|0|0" "nothing of the failed batch was kept"

sql "update stg.observation set url = 'http://shop.test/x1'" >/dev/null
check "after the fix the next run succeeds" mc etl --quiet
check_eq "$(sql "select l.url, h.price from core.listing l join core.price_history h using (listing_id)")" \
	"http://shop.test/x1|1.00" "and processes the file"
check_eq "$(sql "select status from etl.run order by run_id")" "locked
ok
failed
ok" "etl.run keeps every run"
