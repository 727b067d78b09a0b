#!/usr/bin/env bash
# Watches and alerts (issue 18, docs/alerts.md), through the command line
# against PostgreSQL and the fixture server:
# - watch add/list/remove, the table's constraints (psql users insert too);
# - each rule fires on the change that meets it and on no other, only for
#   changes from the watch's `since` on;
# - exactly once: re-running the ETL, loading the same file again, and
#   loading an older file after a newer one never fire twice;
# - delivery: stdout, --exec (JSON on stdin, exit 0), --webhook (JSON POST
#   with "text" and "content"); a 500, a timeout and a failing command keep
#   the alert pending, the next call delivers it, and nothing is sent twice.
. "$(dirname "$0")/../lib.sh"

S=$T/staging
mkdir -p "$S"
# obs ID PRICE OBSERVED_AT [AVAILABILITY]
obs() {
	printf '{"marketplace":"shop","region":"de","external_id":"%s","url":"http://shop.test/%s","title":"Game %s","price":"%s","list_price":null,"currency":"EUR","availability":"%s","observed_at":"%s","product_key":"key-%s","attrs":{}}\n' \
		"$1" "$1" "$1" "$2" "${4:-in_stock}" "$3" "$1"
}
# run NAME DAY: the header and run record of a complete run on 2026-11-DAY.
head_line() {
	echo "{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"shop\",\"run_id\":\"$1\",\"started_at\":\"2026-11-$2T10:00:00Z\"}"
}
run_line() {
	echo "{\"run\":{\"spider\":\"shop\",\"run_id\":\"$1\",\"region\":\"de\",\"started_at\":\"2026-11-$2T10:00:00Z\",\"finished_at\":\"2026-11-$2T10:01:00Z\",\"status\":\"complete\",\"pages\":1,\"items\":3,\"errors\":0,\"stats\":{}}}"
}
# Day 20: the prices before.  Day 21: p1 20 -> 14 (-30 %), p2 10 -> 9.5
# (-5 %, its all-time low), p3 back in stock.  Day 22: p1 14 -> 16, p2
# 9.5 -> 9 (a new low).
{ head_line r20 20; obs p1 20 2026-11-20T10:00:01Z; obs p2 10 2026-11-20T10:00:02Z
  obs p3 5 2026-11-20T10:00:03Z out_of_stock; run_line r20 20; } >"$S/r20.jsonl"
{ head_line r21 21; obs p1 14 2026-11-21T10:00:01Z; obs p2 9.5 2026-11-21T10:00:02Z
  obs p3 5 2026-11-21T10:00:03Z; run_line r21 21; } >"$S/r21.jsonl"
{ head_line r22 22; obs p1 16 2026-11-22T10:00:01Z; obs p2 9 2026-11-22T10:00:02Z
  obs p3 5 2026-11-22T10:00:03Z; run_line r22 22; } >"$S/r22.jsonl"

fresh_db || exit 1
mc db migrate >/dev/null || exit 1
# The runs are of November 2026: the spider must not count as stale here
# (tests/integration/alerts_health.sh tests that).
sql "insert into core.spider_schedule (spider, stale_after) values ('shop', '100 years')"

# ---- watch add / list / remove ----------------------------------------------
since=(--since 2026-11-01)
mc watch add --listing shop/de:p1 --below '15 EUR' --label cheap "${since[@]}" >"$T/w1" 2>&1
check_eq "$?:$(cat "$T/w1")" "0:added watch 1" "watch add --below: id 1"
mc watch add --product key-p1 --drop 25 "${since[@]}" >/dev/null &&
	mc watch add --marketplace shop --low all "${since[@]}" >/dev/null &&
	mc watch add --marketplace shop/de --low 90 --within 5 "${since[@]}" >/dev/null &&
	mc watch add --listing shop/de:p3 --in-stock "${since[@]}" >/dev/null &&
	mc watch add --listing shop/de:p1 --drop 10 >/dev/null
check_eq "$?" 0 "watch add: product, marketplace, region, in-stock, default since"
mc watch list --format csv >"$T/list.csv"
check_eq "$(cut -d, -f1-3 "$T/list.csv")" "watch_id,target,rule
1,shop/de:p1,below 15 EUR
2,product key-p1,drop >= 25%
3,shop,at the all-time low
4,shop/de,within 5% of the 90-day low
5,shop/de:p3,back in stock
6,shop/de:p1,drop >= 10%" "watch list --format csv: targets and rules in words"
mc watch list --format json | grep -q '"label": *"cheap"'
check_eq "$?" 0 "watch list --format json carries the label"

mc watch add --listing shop:p1 --below 15 2>"$T/err" >/dev/null
check_eq "$?:$(head -c 60 "$T/err")" "2:marketcrawl watch: --below wants an amount and a currency, e" \
	"--below without a currency is a usage error"
mc watch add --listing shop:p1 --drop 10 --in-stock 2>/dev/null >/dev/null
check_eq "$?" 2 "two rules are a usage error"
mc watch add --drop 10 2>/dev/null >/dev/null
check_eq "$?" 2 "no target is a usage error"
mc watch add --listing shop:p1 --drop 10 --within 5 2>"$T/err" >/dev/null
check_eq "$?:$(head -n 1 "$T/err")" "2:marketcrawl watch: --within goes with --low" \
	"--within with another rule than --low is a usage error"
mc watch add --url http://shop.test/nothing --drop 10 2>"$T/err" >/dev/null
check_eq "$?:$(cut -c1-50 "$T/err")" "1:marketcrawl watch: no listing has the URL http://s" \
	"an unknown --url fails, naming it"
# The table's own checks, for psql users: one target, the rule's parameters.
sql "insert into core.watch (product_key, marketplace, rule, pct) values ('k', 'shop', 'drop', 5)" 2>/dev/null
check_eq "$?" 1 "core.watch: two targets are refused"
sql "insert into core.watch (marketplace, rule) values ('shop', 'below')" 2>/dev/null
check_eq "$?" 1 "core.watch: below without amount and currency is refused"
sql "insert into core.watch (marketplace, rule, pct) values ('shop', 'drop', 0)" 2>/dev/null
check_eq "$?" 1 "core.watch: a drop of 0 % is refused"
sql "insert into core.watch (marketplace, rule, pct) values ('shop', 'in_stock', 5)" 2>/dev/null
check_eq "$?" 1 "core.watch: in_stock with a percentage is refused"

# ---- the rules, and exactly once ---------------------------------------------
# Out of order: day 21 first, then day 20 (which turns day 21 into changes),
# then day 20 again (skipped by the loader) and day 22.
mc load --keep "$S/r21.jsonl" >/dev/null 2>&1 && mc etl --quiet || exit 1
check_eq "$(sql "select count(*) from core.alert where watch_id is not null")" 0 \
	"the first run of a listing fires nothing (no change yet)"
mc load --keep "$S/r20.jsonl" >/dev/null 2>&1 && mc etl --quiet || exit 1
fired() {
	sql "select watch_id || ' ' || kind || ' ' || l.external_id || ' ' || to_char(event_at at time zone 'UTC', 'DD')
	     from core.alert a join core.listing l using (listing_id) order by 1"
}
want21="1 below p1 21
2 drop p1 21
3 low p1 21
3 low p2 21
4 low p1 21
4 low p2 21
5 in_stock p3 21"
check_eq "$(fired)" "$want21" "an older file loaded after a newer one fires day 21's changes"
mc etl --quiet && mc load --keep "$S/r20.jsonl" >/dev/null 2>&1; mc etl --quiet
check_eq "$(fired)" "$want21" "re-running the ETL and reloading a file fire nothing more"
mc load --keep "$S/r22.jsonl" >/dev/null 2>&1 && mc etl --quiet || exit 1
check_eq "$(fired)" "1 below p1 21
2 drop p1 21
3 low p1 21
3 low p2 21
3 low p2 22
4 low p1 21
4 low p2 21
4 low p2 22
5 in_stock p3 21" "day 22: p2's new low fires; p1's rise does not; watch 6 (since now) never fires"
check_eq "$(sql "select count(*) from core.alert where watch_id = 6")" 0 \
	"a watch added now does not fire for the history"
check_eq "$(sql "select message from core.alert where watch_id = 1")" \
	'shop/de:p1 "Game p1": 20.00 -> 14.00 EUR (-30.00%), below 15 EUR [watch 1: cheap] http://shop.test/p1' \
	"the alert's message names listing, prices, rule, watch and the listing's URL"

# ---- listing ------------------------------------------------------------------
mc alerts --format csv | tr -d '\r' >"$T/pending.csv"
check_eq "$(head -n 1 "$T/pending.csv"),$(($(wc -l <"$T/pending.csv") - 1))" \
	"alert_id,kind,event_at,message,fired_at,9" "alerts --format csv: the 9 pending alerts"
mc alerts --format json | grep -c '"kind"' >"$T/n"
check_eq "$(cat "$T/n")" 9 "alerts --format json: 9 objects"

# ---- delivery -------------------------------------------------------------------
# --exec: a command that fails keeps every alert pending.
mc alerts --deliver --exec 'cat >/dev/null; exit 3' >/dev/null 2>"$T/err"
check_eq "$?:$(sql "select count(*) from core.alert where delivered_at is null")" "1:9" \
	"--exec failing: exit 1, all 9 still pending"
grep -q "0 delivered, 9 failed and kept for the next call; first failure: alert 1: --exec 'cat >/dev/null; exit 3' exited with status 3" "$T/err"
check_eq "$?" 0 "the failure is one line naming the command and its status"

# --webhook through the fixture server: 500, then a timeout, then accepted.
mkdir -p "$T/site"
echo ok >"$T/site/hook.json"
printf 'Method: POST\nHeader: Content-Type: application/json\n' >"$T/site/hook.json.rules"
start_httpd "$T/site" -l "$T/requests.log"
mc alerts --deliver --webhook "$HTTPD_URL/fault/status/500" >/dev/null 2>"$T/err"
check_eq "$?:$(sql "select count(*) from core.alert where delivered_at is null")" "1:9" \
	"--webhook answering 500: exit 1, all still pending"
check_eq "$(cat "$T/err")" "marketcrawl alerts: 0 delivered, 9 failed and kept for the next call; first failure: alert 1: --webhook http://127.0.0.1:$HTTPD_PORT answered HTTP 500" \
	"the failure names the HTTP status, and of the URL only its origin (the path may be a token)"
mc alerts --deliver --webhook "ftp://127.0.0.1/x" >/dev/null 2>"$T/err"
check_eq "$?:$(cat "$T/err")" "2:marketcrawl alerts: --webhook ftp://127.0.0.1: not an http or https URL" \
	"--webhook: only http and https"
mc alerts --deliver --webhook "$HTTPD_URL/fault/stall-headers/60000" --timeout 1 >/dev/null 2>"$T/err"
check_eq "$?:$(sql "select count(*) from core.alert where delivered_at is null")" "1:9" \
	"--webhook timing out: exit 1, all still pending"
grep -q "timed out" "$T/err"
check_eq "$?" 0 "the failure says it timed out"

# Partly: the exec command accepts only alerts of kind low.
mc alerts --deliver --exec "cat >>'$T/exec.json'; [ \"\$MARKETCRAWL_ALERT_KIND\" = low ]" >/dev/null 2>&1
check_eq "$?:$(sql "select count(*) from core.alert where delivered_at is null")" "1:3" \
	"--exec accepting 6 of 9: exit 1, 3 pending"
check_eq "$(grep -c . "$T/exec.json")" 9 "--exec: one JSON object a line on stdin, one per alert"
jq -s -e 'map(select(.alert_id == 1))[0] | .text == .message and .content == .message and .new_price == "14.00" and .old_price == "20.00" and .currency == "EUR" and .changed_at == "2026-11-21T10:00:01Z" and .watch_id == 1' \
	"$T/exec.json" >/dev/null
check_eq "$?" 0 "the JSON: text and content (Slack, Discord), prices as strings, RFC 3339 time"

echo "$HTTPD_URL/hook.json" >"$T/hook.url"
mc alerts --deliver --webhook-file "$T/hook.url" >/dev/null 2>"$T/err"
check_eq "$?:$(sql "select count(*) from core.alert where delivered_at is null")" "0:0" \
	"--webhook-file (the URL off the command line) accepting: exit 0, nothing pending"
check_eq "$(grep -c '^POST /hook.json 200 ' "$T/requests.log")" 3 \
	"the receiver got the 3 pending alerts as JSON POSTs (rules: POST, Content-Type)"
check_eq "$(sql "select channel, count(*) from core.alert group by 1 order by 1" | tr '\n' ' ')" \
	"exec|6 webhook|3 " "each delivery is recorded with its channel"
mc alerts --deliver --webhook "$HTTPD_URL/hook.json" >/dev/null 2>&1
check_eq "$?:$(grep -c '^POST /hook.json ' "$T/requests.log")" "0:3" "nothing is sent twice"

# stdout: p1 drops again on day 23 (watch 6, added now, still does not fire):
# one line per alert, then never again.
{ head_line r23 23; obs p1 10 2026-11-23T10:00:01Z; obs p2 9 2026-11-23T10:00:02Z
  obs p3 5 2026-11-23T10:00:03Z; run_line r23 23; } >"$S/r23.jsonl"
mc load --keep "$S/r23.jsonl" >/dev/null 2>&1 && mc etl --quiet || exit 1
mc alerts --deliver >"$T/out" 2>"$T/err"
check_eq "$?:$(grep -c . "$T/out")" "0:4" "alerts --deliver: day 23's 4 alerts on stdout, exit 0"
grep -q '^\[drop\] shop/de:p1 "Game p1": 16.00 -> 10.00 EUR (-37.50%), drop >= 25% \[watch 2\] http://shop.test/p1$' "$T/out"
check_eq "$?" 0 "a line is [KIND] MESSAGE"
mc alerts --deliver >"$T/out2"
check_eq "$?:$(wc -c <"$T/out2")" "0:0" "a second --deliver prints nothing"
mc alerts --all --format csv | tail -n +2 | wc -l >"$T/n"
check_eq "$(cat "$T/n")" 13 "alerts --all lists the delivered ones too"

# remove: the watch and its alerts go.
mc watch remove 6 >"$T/out" 2>&1
check_eq "$?:$(cat "$T/out"):$(sql "select count(*) from core.alert where watch_id = 6")" \
	"0:removed watch 6:0" "watch remove ID"
mc watch remove 6 2>"$T/err" >/dev/null
check_eq "$?:$(cat "$T/err")" "1:marketcrawl watch: no watch 6" "removing it again fails"

# A watch added after the loads, with a --since in the past: the next ETL
# run, even without new files, looks at the whole history once; the runs
# after it only at what they rebuild.
wid=$(mc watch add --marketplace shop --drop 1 --since 2026-11-01)
wid=${wid##* }
mc etl --quiet && mc etl --quiet
check_eq "$(sql "select l.external_id || ' ' || to_char(event_at at time zone 'UTC', 'DD')
	from core.alert a join core.listing l using (listing_id) where watch_id = $wid order by 1")" \
	"p1 21
p1 23
p2 21
p2 22" "a watch with an earlier --since fires for the history since then, once"
wid=$(mc watch add --listing shop:p1 --drop 1 --since 2026-11-01)
mc etl --quiet
check_eq "$(sql "select count(*) from core.alert where watch_id = ${wid##* }")" 2 \
	"--listing M:ID without a region covers the listing in every region (p1 in de: 2 drops)"
