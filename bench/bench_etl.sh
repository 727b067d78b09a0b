#!/usr/bin/env bash
# make bench-etl: ETL and report speed on a generated history of 1,000,000
# listings (BENCH_LISTINGS) over 10 complete runs with ~10% changes each,
# then one more run with 1% changes.  Prints the full ETL time, the
# incremental ETL time (target: < 5% of full) and each report's time
# (target: < 200 ms).  Figures only: nothing here fails on a slow machine.
#
# To save time the staging tables are filled with SQL (generate_series),
# not through `marketcrawl load`: the same rows the loader would write for
# such crawls (stg.loaded_file, stg.observation for new and changed
# listings, stg.seen_listing_set for unchanged ones).  stg.listing_state is not
# filled (the ETL never reads it).  The cluster is private (scripts/pgtmp.sh,
# fsync off) and removed at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case "$B" in /*) ;; *) B=$root/$B ;; esac
MC=$B/marketcrawl
N=${BENCH_LISTINGS:-1000000}
RUNS=10
work=$(mktemp -d /tmp/mc-bench-etl.XXXXXX)
chmod 755 "$work"
cleanup() { "$root/scripts/pgtmp.sh" destroy "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

PGTMP_FSYNC=off PGTMP_DB=bench "$root/scripts/pgtmp.sh" start "$work/pg" >"$work/env"
# shellcheck disable=SC1091
. "$work/env"
psql -X -q -c "alter system set shared_buffers = '1GB'" -c "alter system set max_wal_size = '8GB'" \
	-c "alter system set checkpoint_timeout = '30min'" >/dev/null
"$root/scripts/pgtmp.sh" stop "$work/pg" >/dev/null
PGTMP_FSYNC=off PGTMP_DB=bench "$root/scripts/pgtmp.sh" start "$work/pg" >"$work/env"
. "$work/env"
"$MC" db migrate >/dev/null

ms() { date +%s%3N; }

# stage_run R CHANGE_MODULUS: run R of spider "bench", one day apart.
# Listing i (1..N) is new in run 0; later it changes when (i + 7R) % M = 0,
# is missing (so delisted, back unchanged next run) when (i * 7 + R) % 500 = 0,
# and is seen unchanged otherwise.
stage_run() {
	local r=$1 m=$2
	psql -X -q -v ON_ERROR_STOP=1 <<SQL
begin;
insert into stg.loaded_file (content_sha256, path, spider, run_id, run_status, run_started_at,
    run_finished_at, run_record, rows_read, rows_accepted, rows_unchanged)
values (encode(sha256('bench-run-$r'::bytea), 'hex'), 'bench/run$r.jsonl', 'bench', 'run$r',
    'complete', timestamptz '2026-01-01 00:00Z' + $r * interval '1 day',
    timestamptz '2026-01-01 01:00Z' + $r * interval '1 day',
    '{"run":{"pages":1000,"items":$N,"errors":0,"stats":{}}}', $N, 0, 0);
create temp table gen as
select i, (select file_id from stg.loaded_file where run_id = 'run$r') as file_id,
       case when $r = 0 then 'new'
            when (i * 7 + $r) % 500 = 0 then 'missing'
            when (i + 7 * $r) % $m = 0 then 'change'
            else 'same' end as kind
from generate_series(1, $N) i;
insert into stg.observation (file_id, line_no, marketplace, external_id, url, title, price,
    list_price, currency, availability, observed_at, product_key, attrs, is_late)
select file_id, i + 1, 'mkt-' || (i % 4), 'item' || i, 'https://bench.test/item/' || i,
       'Bench item ' || i,
       round((5 + (i % 9000) / 100.0) * (1 + (((i * ($r + 3)) % 41) - 20) / 100.0), 2),
       case when i % 5 = 0 then round(5 + (i % 9000) / 100.0 + 10, 2) end,
       case when i % 4 = 3 then 'USD' else 'EUR' end,
       case when (i + $r) % 17 = 0 then 'out_of_stock' else 'in_stock' end,
       timestamptz '2026-01-01 00:00Z' + $r * interval '1 day' + (i % 3000) * interval '1 second',
       case when (i / 4) % 2 = 0 then 'p' || (i / 4) end,
       case when i % 3 = 0 then '{"platforms":["windows","linux"],"rating":4}'::jsonb
            else '{"platforms":["windows"]}'::jsonb end,
       false
from gen where kind in ('new', 'change');
insert into stg.seen_listing_set (file_id, marketplace, external_ids, observed_ats)
select file_id, 'mkt-' || (i % 4), array_agg('item' || i order by i),
       array_agg(timestamptz '2026-01-01 00:00Z' + $r * interval '1 day' + (i % 3000) * interval '1 second'
                 order by i)
from gen where kind = 'same'
group by file_id, i % 4, i / 262144;
update stg.loaded_file set
    rows_accepted = (select count(*) from gen where kind in ('new', 'change')),
    rows_unchanged = (select count(*) from gen where kind = 'same'),
    rows_valid = (select count(*) from gen where kind <> 'missing'),
    filled_list_price = (select count(*) from gen where kind <> 'missing' and i % 5 = 0),
    filled_availability = (select count(*) from gen where kind <> 'missing'),
    filled_product_key = (select count(*) from gen where kind <> 'missing' and (i / 4) % 2 = 0),
    first_observed_at = run_started_at,
    last_observed_at = run_started_at + interval '2999 seconds'
where run_id = 'run$r';
commit;
SQL
}

echo "bench-etl: $N listings, $RUNS runs (~10% changes each), then 1 run with 1% changes"
t0=$(ms)
for r in $(seq 0 $((RUNS - 1))); do stage_run "$r" 10; done
psql -X -q -c "vacuum analyze" >/dev/null
echo "  staging generated with SQL in $(( ($(ms) - t0) / 1000 )) s:" \
	"$(psql -X -Atc "select count(*) from stg.observation") observations," \
	"$(psql -X -Atc "select count(*) from stg.seen_listing") unchanged sightings"

t0=$(ms)
"$MC" etl --quiet
full=$(( $(ms) - t0 ))
psql -X -q -c "vacuum analyze" >/dev/null
echo "  full ETL ($RUNS runs):           $full ms"
psql -X -Atc "select '    ' || rpad(replace(job, 'etl/', ''), 30) || lpad(rows_affected::text, 10) || ' rows ' || lpad(round(duration_ms)::text, 8) || ' ms'
	from etl.job_run where run_id = (select max(run_id) from etl.run where status = 'ok') order by job_seq"

stage_run $RUNS 100
psql -X -q -c "analyze stg.loaded_file, stg.observation, stg.seen_listing_set" >/dev/null
t0=$(ms)
"$MC" etl --quiet
incr=$(( $(ms) - t0 ))
echo "  incremental ETL (1 run, 1%):     $incr ms  = $(awk "BEGIN { printf \"%.1f\", 100 * $incr / $full }")% of full (target < 5%)"
psql -X -Atc "select '    ' || rpad(replace(job, 'etl/', ''), 30) || lpad(rows_affected::text, 10) || ' rows ' || lpad(round(duration_ms)::text, 8) || ' ms'
	from etl.job_run where run_id = (select max(run_id) from etl.run where status = 'ok') order by job_seq"
psql -X -q -c "vacuum analyze" >/dev/null

echo "  reports (the command as a user runs it, default limits; target < 200 ms):"
for rep in price-changes daily-moves price-drops price-increases current-prices historic-lows cheapest \
	"history --listing mkt-1:item12345"; do
	# shellcheck disable=SC2086
	"$MC" report $rep --format csv >/dev/null
	best=
	for i in 1 2 3; do
		t0=$(ms)
		# shellcheck disable=SC2086
		"$MC" report $rep --format csv >/dev/null
		t=$(( $(ms) - t0 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	printf '    %-36s %6d ms\n' "$rep" "$best"
done
t0=$(ms)
"$MC" report --html "$work/report.html"
echo "    --html (all charts)                  $(( $(ms) - t0 )) ms"
t0=$(ms)
"$MC" etl --check >"$work/check.out" || true
echo "  etl --check: $(tail -n 1 "$work/check.out") in $(( $(ms) - t0 )) ms"
