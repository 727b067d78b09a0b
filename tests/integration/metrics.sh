#!/usr/bin/env bash
# `marketcrawl metrics` (issue 18): after two loaded runs of one spider and
# an ETL run, the Prometheus text lists the last run's status, times and
# counts, the loader's totals, the ETL's last run and the pending alerts
# by kind, with one HELP and one
# TYPE line per metric; every other line is `name{labels} value`; --out
# replaces the file through FILE.tmp and leaves no .tmp behind.  Label
# escaping is tests/unit/test_metrics.c (a spider name has no quotes).
. "$(dirname "$0")/../lib.sh"

S=$T/staging/shop
mkdir -p "$S"
# obs ID PRICE OBSERVED_AT
obs() {
	printf '{"marketplace":"shop","region":"de","external_id":"%s","url":"http://shop.test/%s","title":"Game %s","price":"%s","list_price":null,"currency":"EUR","availability":"in_stock","observed_at":"%s","product_key":null,"attrs":{}}\n' \
		"$1" "$1" "$1" "$2" "$3"
}
{
	echo '{"format":"marketcrawl-staging","version":1,"spider":"shop","run_id":"r1","started_at":"2026-11-22T10:00:00Z"}'
	obs p1 1.99 2026-11-22T10:00:01Z
	obs p2 2.99 2026-11-22T10:00:02Z
	obs p3 3.99 2026-11-22T10:00:03Z
	echo '{"run":{"spider":"shop","run_id":"r1","region":"de","started_at":"2026-11-22T10:00:00Z","finished_at":"2026-11-22T10:01:00Z","status":"complete","pages":2,"items":3,"errors":0,"stats":{}}}'
} >"$S/r1.jsonl"
{
	echo '{"format":"marketcrawl-staging","version":1,"spider":"shop","run_id":"r2","started_at":"2026-11-23T10:00:00Z"}'
	obs p1 1.49 2026-11-23T10:00:01Z
	obs p2 2.99 2026-11-23T10:00:02Z
	echo '{"marketplace":"shop","region":"de","external_id":"p3"}'
	echo '{"run":{"spider":"shop","run_id":"r2","region":"de","started_at":"2026-11-23T10:00:00Z","finished_at":"2026-11-23T10:00:30Z","status":"partial","partial_reason":"stopped early","scope":"partial","pages":4,"items":2,"errors":1,"stats":{}}}'
} >"$S/r2.jsonl"

fresh_db || exit 1
mc db migrate >/dev/null || exit 1
mc load --keep "$S/r1.jsonl" "$S/r2.jsonl" >"$T/load.out" 2>"$T/load.err"
mc etl --quiet || exit 1

mc metrics >"$T/out" 2>"$T/err"
check_eq "$?:$(wc -c <"$T/err")" "0:0" "metrics: exit 0, nothing on stderr"

start2=$(date -u -d 2026-11-23T10:00:00Z +%s)
done1=$(date -u -d 2026-11-22T10:01:00Z +%s)
check_eq "$(grep '^marketcrawl_spider_' "$T/out")" \
"marketcrawl_spider_last_run_status{spider=\"shop\",region=\"de\",status=\"aborted\"} 0
marketcrawl_spider_last_run_status{spider=\"shop\",region=\"de\",status=\"complete\"} 0
marketcrawl_spider_last_run_status{spider=\"shop\",region=\"de\",status=\"partial\"} 1
marketcrawl_spider_last_run_status{spider=\"shop\",region=\"de\",status=\"suspect\"} 0
marketcrawl_spider_last_run_start_timestamp_seconds{spider=\"shop\",region=\"de\"} $start2
marketcrawl_spider_last_complete_run_timestamp_seconds{spider=\"shop\",region=\"de\"} $done1
marketcrawl_spider_last_run_duration_seconds{spider=\"shop\",region=\"de\"} 30
marketcrawl_spider_last_run_pages{spider=\"shop\",region=\"de\"} 4
marketcrawl_spider_last_run_items{spider=\"shop\",region=\"de\"} 2
marketcrawl_spider_last_run_errors{spider=\"shop\",region=\"de\"} 1" \
	"the spider's last run (r2, partial) and its last complete one (r1)"
check_eq "$(grep '^marketcrawl_loader_' "$T/out")" \
"marketcrawl_loader_files_loaded_total 2
marketcrawl_loader_rows_accepted_total 4
marketcrawl_loader_rows_unchanged_total 1
marketcrawl_loader_rows_rejected_total 1" "the loader's totals: two files, four rows accepted, one unchanged, one rejected"

etl_rows=$(sql "select sum(j.rows_affected) from etl.job_run j where j.run_id = (select max(run_id) from etl.run)")
etl_secs=$(sql "select extract(epoch from finished_at - started_at)::float8 from etl.run order by run_id desc limit 1")
check_eq "$(grep -E '^marketcrawl_etl_last_run_(status|rows|files|duration)' "$T/out")" \
"marketcrawl_etl_last_run_status{status=\"abandoned\"} 0
marketcrawl_etl_last_run_status{status=\"failed\"} 0
marketcrawl_etl_last_run_status{status=\"locked\"} 0
marketcrawl_etl_last_run_status{status=\"ok\"} 1
marketcrawl_etl_last_run_status{status=\"running\"} 0
marketcrawl_etl_last_run_duration_seconds $etl_secs
marketcrawl_etl_last_run_rows $etl_rows
marketcrawl_etl_last_run_files 2" "the last ETL run: ok, its duration, rows and files"
check "... its rows are some" test "$etl_rows" -gt 0

check_eq "$(grep '^marketcrawl_alerts_' "$T/out")" \
"marketcrawl_alerts_pending{kind=\"below\"} 0
marketcrawl_alerts_pending{kind=\"coverage\"} 0
marketcrawl_alerts_pending{kind=\"data_test\"} 0
marketcrawl_alerts_pending{kind=\"drop\"} 0
marketcrawl_alerts_pending{kind=\"in_stock\"} 0
marketcrawl_alerts_pending{kind=\"low\"} 0
marketcrawl_alerts_pending{kind=\"rejects\"} 1
marketcrawl_alerts_pending{kind=\"run\"} 1
marketcrawl_alerts_pending{kind=\"stale\"} 1" \
	"pending alerts by kind: r2's rejected line, r2 partial, the spider stale since r1"

names=$(grep -v '^#' "$T/out" | sed 's/[{ ].*//' | sort -u)
check_eq "$(grep -c '^# HELP ' "$T/out"):$(grep -c '^# TYPE ' "$T/out")" \
	"$(wc -l <<<"$names"):$(wc -l <<<"$names")" "one HELP and one TYPE line per metric"
bad=0
for n in $names; do
	[ "$(grep -c "^# HELP $n " "$T/out")" = 1 ] || bad=1
	[ "$(grep "^# TYPE $n " "$T/out" | cut -d' ' -f4)" = "$( [[ $n == *_total ]] && echo counter || echo gauge)" ] || bad=1
	# HELP, TYPE, then the metric's samples, together
	[ "$(grep -n "^\(# [A-Z]* \)\?$n[{ ]" "$T/out" | cut -d: -f1 | awk 'NR > 1 && $1 != p + 1 { print "gap" } { p = $1 }')" = "" ] || bad=1
done
check_eq "$bad" 0 "each metric: one HELP, TYPE counter for *_total and gauge else, its lines together"
check_eq "$(grep -c -v -E '^(# (HELP|TYPE) marketcrawl_[a-z_]+ .+|marketcrawl_[a-z_]+(\{[a-z_]+="([^"\\]|\\.)*"(,[a-z_]+="([^"\\]|\\.)*")*\})? -?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)$' "$T/out")" 0 \
	"every line is a HELP or TYPE comment or 'name{labels} value'"

# --out: the same text, written through FILE.tmp and renamed.
mkdir "$T/textfile"
echo stale >"$T/textfile/marketcrawl.prom"
mc metrics --out "$T/textfile/marketcrawl.prom" >"$T/out2" 2>"$T/err"
check_eq "$?:$(wc -c <"$T/out2"):$(wc -c <"$T/err")" "0:0:0" "--out: exit 0, nothing printed"
check "... the file holds the metrics" cmp -s "$T/out" "$T/textfile/marketcrawl.prom"
check_eq "$(ls "$T/textfile")" "marketcrawl.prom" "... and no .tmp is left"
mc metrics --out "$T/nowhere/m.prom" >/dev/null 2>"$T/err"
check_eq "$?:$(wc -l <"$T/err")" "1:1" "--out into a missing folder: exit 1, one line"
check "... naming the .tmp file" grep -q "nowhere/m.prom.tmp" "$T/err"

mc metrics --help >"$T/out" 2>&1
check "--help prints the usage" grep -q '^usage: marketcrawl metrics' "$T/out"
mc metrics extra >/dev/null 2>"$T/err"
check_eq "$?:$(head -n 1 "$T/err")" "2:marketcrawl metrics: unexpected argument 'extra'" \
	"an unexpected argument: a usage error naming it"

mc alerts --deliver >/dev/null && mc metrics >"$T/out3"
check_eq "$(grep -c '^marketcrawl_alerts_pending{.*} 0$' "$T/out3")" 9 "... and none once delivered"
