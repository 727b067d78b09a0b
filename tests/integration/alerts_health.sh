#!/usr/bin/env bash
# Run-health notifications (issue 18, docs/alerts.md): a partial run, a
# field whose coverage collapsed, a load with rejects, a failed data test
# (etl --check) and a stale spider each become one alert, delivered by the
# same `marketcrawl alerts --deliver`; re-running the ETL, `alerts` or
# `etl --check` never notifies twice.
. "$(dirname "$0")/../lib.sh"

S=$T/staging
mkdir -p "$S"
# obs ID PRICE OBSERVED_AT [PRODUCT_KEY]
obs() {
	printf '{"marketplace":"shop","region":"","external_id":"%s","url":"http://shop.test/%s","title":"Game %s","price":"%s","list_price":null,"currency":"EUR","availability":"in_stock","observed_at":"%s","product_key":%s,"attrs":{}}\n' \
		"$1" "$1" "$1" "$2" "$3" "${4:-\"key-$1\"}"
}
head_line() {
	echo "{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"shop\",\"run_id\":\"$1\",\"started_at\":\"2026-11-$2T10:00:00Z\"}"
}
# run_line NAME DAY STATUS [EXTRA]
run_line() {
	echo "{\"run\":{\"spider\":\"shop\",\"run_id\":\"$1\",\"started_at\":\"2026-11-$2T10:00:00Z\",\"finished_at\":\"2026-11-$2T10:01:00Z\",\"status\":\"$3\"${4:-},\"pages\":1,\"items\":3,\"errors\":0,\"stats\":{}}}"
}
day() { # day NAME DAY STATUS [EXTRA]: three items, all fields filled
	head_line "$1" "$2"
	obs p1 1 "2026-11-$2T10:00:01Z"; obs p2 2 "2026-11-$2T10:00:02Z"; obs p3 3 "2026-11-$2T10:00:03Z"
	run_line "$@"
}
day r20 20 complete >"$S/r20.jsonl"
day r21 21 complete >"$S/r21.jsonl"
# Partial: the crawler did not see its whole frontier.
day r22 22 partial ',"partial_reason":"page limit reached","scope":"partial"' >"$S/r22.jsonl"
# Coverage: no product_key any more; and one line rejected (no price).
{ head_line r23 23
  obs p1 1 2026-11-23T10:00:01Z null; obs p2 2 2026-11-23T10:00:02Z null
  obs p3 3 2026-11-23T10:00:03Z null
  echo '{"marketplace":"shop","region":"","external_id":"p4","url":"http://shop.test/p4","title":"Game p4","price":null,"currency":"EUR","availability":"in_stock","observed_at":"2026-11-23T10:00:04Z","product_key":null,"attrs":{}}'
  run_line r23 23 complete; } >"$S/r23.jsonl"

fresh_db || exit 1
mc db migrate >/dev/null || exit 1
# Not stale while the test looks at the other kinds.
mc watch schedule shop '100 years' >"$T/out" 2>&1
check_eq "$?:$(cat "$T/out")" "0:spider shop: a complete run expected every 100 years" \
	"watch schedule SPIDER INTERVAL"
mc load --keep "$S"/r2*.jsonl >/dev/null 2>&1
mc etl --quiet || exit 1

kinds() { sql "select kind || ' ' || subject from core.alert order by alert_id"; }
check_eq "$(kinds | sed 's/[0-9]\+/N/g')" "run run N partial
coverage run N suspect
rejects file N" "the ETL notes the partial run, the collapsed coverage and the load with rejects"
check_eq "$(sql "select message from core.alert where kind = 'coverage'")" \
	"spider shop: run r23 is suspect: product_key filled for 0.0% of the items, below half the median 100% of the 2 previous complete runs" \
	"the coverage notification says which field and against what"
check_eq "$(sql "select message from core.alert where kind = 'rejects'" | sed 's|/[^ ]*/||')" \
	"load of r23.jsonl (spider shop, run r23): 1 of 4 lines rejected (1 missing_price)" \
	"the rejects notification counts them by reason"
mc etl --quiet && mc load --keep "$S/r23.jsonl" >/dev/null 2>&1; mc etl --quiet
mc alerts >/dev/null
check_eq "$(sql "select count(*) from core.alert")" 3 "re-running the ETL, reloading and listing add nothing"

# A data test that fails: etl --check says so (exit 7) and notifies once.
sql "delete from core.availability_history where listing_id = (select min(listing_id) from core.listing)"
mc etl --check >/dev/null 2>&1
check_eq "$?" 7 "etl --check: data tests fail"
n_tests=$(sql "select count(*) from core.alert where kind = 'data_test'")
mc etl --check >/dev/null 2>&1
check_eq "$n_tests:$(sql "select count(*) from core.alert where kind = 'data_test'")" "3:3" \
	"each failed test is one notification, however often it is checked"
sql "select message from core.alert where kind = 'data_test'" | sed 's/run [0-9]*/run N/' >"$T/msgs"
check "a notification names the test and its rows" grep -qx \
	"data test 061_observations_in_availability_history failed: 2 rows (after etl run N)" "$T/msgs"

# Stale: no complete run within the spider's interval.
mc watch schedule shop 'soon' >/dev/null 2>"$T/err"
check_eq "$?:$(cut -c1-55 "$T/err")" "1:marketcrawl watch: setting the spider's interval: ERROR" \
	"watch schedule: an interval PostgreSQL cannot read fails"
mc watch schedule shop default >/dev/null
mc watch schedule --format csv | tr -d '\r' >"$T/sched"
check_eq "$(cut -d, -f1-3,5 "$T/sched")" "spider,stale_after,is_default,stale
shop,P2D,t,t" "watch schedule: back to the default, stale"
mc alerts --format csv | tr -d '\r' | grep -c ',stale,' >"$T/n"
check_eq "$(cat "$T/n")" 1 "alerts: a spider without a complete run for 2 days is stale"
mc alerts >/dev/null && mc etl --quiet
check_eq "$(sql "select message from core.alert where kind = 'stale'")" \
	"spider shop: no complete run since 2026-11-23T10:01:00Z (expected every 2 days)" \
	"once, naming the last complete run and the interval"

# One delivery carries them all; nothing is left for the next one.
mc alerts --deliver >"$T/out" 2>&1
check_eq "$?:$(cut -d' ' -f1 "$T/out" | tr '\n' ' ')" "0:[run] [coverage] [rejects] [data_test] [data_test] [data_test] [stale] " \
	"alerts --deliver: every run-health notification once on stdout"
mc alerts --deliver >"$T/out" 2>&1
check_eq "$?:$(wc -c <"$T/out")" "0:0" "and nothing the second time"

# `alerts` and the ETL both collect run health.  One `alerts` commits while
# an ETL run is under way (after its snapshot): the ETL cannot see that row
# and PostgreSQL refuses its `on conflict do nothing` over it; the ETL must
# give way, not fail.  A lock on mart.daily_price_move holds the ETL run
# after its snapshot (at 070_daily_moves.sql), where `alerts` can go on.
{ head_line r24 24
  obs p1 1 2026-11-24T10:00:01Z; obs p2 2 2026-11-24T10:00:02Z; obs p3 3 2026-11-24T10:00:03Z
  echo '{"marketplace":"shop","region":"","external_id":"p5","url":"http://shop.test/p5","title":"","price":"1","currency":"EUR","availability":"in_stock","observed_at":"2026-11-24T10:00:05Z","product_key":null,"attrs":{}}'
  run_line r24 24 complete; } >"$S/r24.jsonl"
mc load --keep "$S/r24.jsonl" >/dev/null 2>&1
psql -X -q -c "begin; lock table mart.daily_price_move in access exclusive mode; select pg_sleep(600)" \
	>/dev/null 2>&1 &
locker=$!
for _ in $(seq 1 100); do
	[ "$(sql "select count(*) from pg_locks where relation = 'mart.daily_price_move'::regclass and granted")" = 1 ] && break
	sleep 0.1
done
mc etl --quiet >"$T/etl.out" 2>&1 &
etl_pid=$!
for _ in $(seq 1 300); do
	[ "$(sql "select count(*) from pg_locks where relation = 'mart.daily_price_move'::regclass and not granted")" = 1 ] && break
	sleep 0.1
done
mc alerts >/dev/null
check_eq "$(sql "select count(*) from core.alert where kind = 'rejects' and delivered_at is null")" 1 \
	"alerts collects r24's rejects while the ETL run waits"
sql "select pg_cancel_backend(pid) from pg_stat_activity where query like '%pg_sleep(600)%' and pid <> pg_backend_pid()" >/dev/null
wait "$locker"
wait "$etl_pid"
check_eq "$?:$(cat "$T/etl.out")" "0:" "the ETL run then gives way over that notification and succeeds"
check_eq "$(sql "select count(*) from core.alert where kind = 'rejects'")" 2 "r24's rejects: one notification"
