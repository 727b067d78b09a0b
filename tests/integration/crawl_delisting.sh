#!/usr/bin/env bash
# What reaches the history from runs that did not see the whole catalogue,
# crawl → load → etl on the demo store (200 listings in two stores):
#  - a run cut by --max-pages is partial and delists nothing (before, 57
#    listings still on the site were delisted);
#  - a dead site, with a fresh --data-dir (no spider-health state), fails:
#    no staging file, nothing delisted (before, a complete 0-item file
#    delisted all 200);
#  - a run that misses store A (robots.txt now disallows it: policy,
#    so the crawler calls it complete; with a fresh --data-dir the crawler
#    has nothing to compare with) is judged suspect in the database from
#    the spider's earlier runs, and delists nothing;
#  - control: the next good run does delist what is gone for real.
. "$(dirname "$0")/../lib.sh"

fresh_db || exit 1
mc db migrate >/dev/null || { not_ok "db migrate"; exit 1; }

"$MC_GEN_SITE" demo "$T/site" --version 1 >/dev/null
start_httpd "$T/site"
U=$HTTPD_URL

# crawl NAME DATA_DIR ARGS...: a demo crawl staging into $T/stg/NAME; sets RC.
crawl() {
	local name=$1 data=$2
	shift 2
	timeout 120 "$MC_BIN" crawl demo --fast --no-progress --data-dir "$data" --out "$T/stg/$name" \
		"$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}
load_etl() {
	mc load --keep "$T/stg" >"$T/load.out" 2>&1 && mc etl --quiet
}
delisted() { sql "select count(*) from core.listing where delisted_at is not null"; }
listed() { sql "select count(*) from core.listing where delisted_at is null"; }

crawl full "$T/data" --origin "$U"
check_eq "$RC" 0 "a complete crawl of the demo store"
check "load and etl" load_etl
check_eq "$(listed) $(delisted)" "200 0" "200 listings listed"

crawl cut "$T/data" --origin "$U" --max-pages 150
check_eq "$RC" 8 "--max-pages 150: a partial run (exit 8)"
check "load and etl" load_etl
check_eq "$(listed) $(delisted)" "200 0" "the partial run delists nothing"
check_eq "$(sql "select status || ' ' || health || ' ' || delists from core.crawl_run order by started_at desc limit 1")" \
	"partial partial false" "core.crawl_run: partial, never delists"

crawl dead "$T/fresh1" --origin "http://127.0.0.1:9"
check_eq "$RC" 1 "a dead site with a fresh --data-dir: the run fails (exit 1)"
check_eq "$(ls "$T/stg/dead" 2>/dev/null | wc -l)" 0 "and leaves no staging file at all"
check "load and etl" load_etl
check_eq "$(listed) $(delisted)" "200 0" "nothing delisted"

printf 'User-agent: *\nDisallow: /a/\nDisallow: /b/staff/\n' >"$T/site/robots.txt"
crawl shrunk "$T/fresh2" --origin "$U"
check_eq "$RC" 0 "store A disallowed by robots.txt, fresh --data-dir: the crawler calls the run complete"
check "load and etl" load_etl
check_eq "$(sql "select observations || ' ' || health || ' ' || delists || ' ' || health_reason from core.crawl_run order by started_at desc limit 1")" \
	"96 suspect false 96 items, below half the median 200 of the previous complete run" \
	"the database judges it suspect from the spider's earlier runs"
check_eq "$(listed) $(delisted)" "200 0" "and store A's 104 listings stay listed"
mc db status >"$T/status.out" 2>&1
check "db status says why" grep -q 'judged suspect, delists nothing; 96 items; .*; 96 items, below half the median 200 of the previous complete run' "$T/status.out"

# Control: the next run without store A (it closed for real) has the
# suspect one in its baseline: the median moves, and it delists them.
crawl shrunk2 "$T/fresh2" --origin "$U"
check "load and etl" load_etl
check_eq "$(sql "select string_agg(health, ' ' order by started_at) from core.crawl_run where status = 'complete'")" \
	"complete suspect complete" "the second run without store A is judged complete (median 148)"
check_eq "$(listed) $(delisted)" "96 104" "and delists store A's 104 listings"
