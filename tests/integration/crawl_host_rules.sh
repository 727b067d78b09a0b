#!/usr/bin/env bash
# Per-host rules (--host-rule) against the fixture server, with two host
# names for it, so a rule is seen to apply to one host and not the other:
# max-pages cuts one host (its items, the run's partial_reason, the
# per-host stats) while the other is crawled whole; through the fixture
# server's proxy mode (where the access log names each request's Host and
# how many requests for that Host were in flight) a host held to
# concurrency=1 never has two requests in flight while the other host does,
# and the domain rule ('.DOMAIN') applies where no exact rule does.  No
# timing is asserted: only counters, logged values and the run record.
# Bad rules are usage errors.  The parser and the "most specific wins"
# lookup are in tests/unit/test_proxy_rules.c, the spider's own table in
# tests/unit/test_engine_replay.c.
. "$(dirname "$0")/../lib.sh"

site=$T/site
"$MC_GEN_SITE" demo "$site" --version 1 >/dev/null
products=$(($(wc -l <"$site/expected.tsv") - 1))
unset http_proxy HTTP_PROXY HTTPS_PROXY https_proxy ALL_PROXY all_proxy no_proxy NO_PROXY
# Each proxied answer waits 20 ms, so requests a crawl allows at once overlap.
start_httpd "$site" -l "$T/access.log" --stall 20
P=$HTTPD_PORT

hosts_of() { sed '1d;$d' "$1" | jq -r .url | sed -E 's#^http://([^:/]*).*#\1#' | sort | uniq -c |
	awk '{printf "%s=%s ", $2, $1}'; }

# ---- max-pages for one of two hosts ----------------------------------------
mc crawl demo --start-url "http://127.0.0.1:$P/" --start-url "http://localhost:$P/" \
	--host-rule 'localhost:max-pages=10' --delay 0 --per-host 4 --no-progress --no-health \
	--out "$T/mp" --data-dir "$T/data" >"$T/mp.out" 2>"$T/mp.err"
check_eq "$?" 8 "a host's max-pages reached: partial (exit 8)"
file=$(ls "$T"/mp/*.jsonl | head -n 1)
by_host=$(hosts_of "$file")
check_eq "${by_host%%localhost=*}" "127.0.0.1=$products " "the other host is crawled whole"
lh=${by_host#*localhost=}
lh=${lh% }
check "the ruled host stops short: $lh items from its 10 pages" test "$lh" -lt 10
rec() { tail -n 1 "$file" | jq -r "$1"; }
check_eq "$(rec '.run.status')" partial "the run record says partial"
check "partial_reason names the rule and the host" \
	grep -q "max-pages 10 of host rule 'localhost:max-pages=10' reached for http://localhost:$P with [0-9]* requests not made" <(rec .run.partial_reason)
check_eq "$(rec '.run.stats.hosts | map("\(.host) \(.max_pages) \(.pages) \(.not_made > 0)") | join(",")')" \
	"http://localhost:$P 10 10 true" "the per-host stats: only the ruled host, 10 pages, the rest not made"
check_eq "$(rec '.run.stats.host_limited == .run.stats.hosts[0].not_made')" true \
	"host_limited counts what the rule left undone"

# ---- concurrency and delay, one host against the other ---------------------
: >"$T/access.log"
mc crawl demo --proxy "http://127.0.0.1:$P" --per-proxy 16 --concurrency 16 \
	--start-url http://a.shop.test/ --start-url http://b.shop.test/ --allow-domain shop.test \
	--per-host 4 --delay 0 --host-rule '.shop.test:concurrency=4' \
	--host-rule 'a.shop.test:concurrency=1,delay=0.01,max-pages=20' --no-progress --no-health \
	--out "$T/cc" --data-dir "$T/data" >"$T/cc.out" 2>"$T/cc.err"
check_eq "$?" 8 "two hosts with their own rules: partial (a.shop.test's max-pages)"
file=$(ls "$T"/cc/*.jsonl | head -n 1)
most() { grep " proxied Host=$1 " "$T/access.log" | sed 's/.* inflight=//' | sort -n | tail -n 1; }
check_eq "$(most a.shop.test)" 1 "concurrency=1: never two requests for a.shop.test in flight"
check "the other host, under the domain rule, had several in flight at once ($(most b.shop.test))" \
	test "$(most b.shop.test)" -gt 1
check "and never more than its concurrency=4" test "$(most b.shop.test)" -le 4
check_eq "$(grep -c ' proxied Host=a.shop.test ' "$T/access.log")" 21 \
	"a.shop.test: its robots.txt and its 20 pages"
check_eq "$(tail -n 1 "$file" | jq -r '.run.stats.hosts | sort_by(.host) | map("\(.host) \(.rule) \(.delay_ms) \(.concurrency) \(.max_pages)") | join(",")')" \
	"http://a.shop.test a.shop.test:concurrency=1,delay=0.01,max-pages=20 10 1 20,http://b.shop.test .shop.test:concurrency=4 0 4 0" \
	"each host's rule and settings in the run record: the exact rule for a, the domain rule for b"
check "the log names each host's rule" grep -q "^marketcrawl: info: host http://b.shop.test: rule '.shop.test:concurrency=4'\$" "$T/cc.err"
check_eq "$(sed '1d;$d' "$file" | jq -r .url | grep -c '^http://b.shop.test/')" "$products" \
	"every product of b.shop.test"

# ---- usage errors ----------------------------------------------------------
bad() {
	mc crawl demo --host-rule "$1" >/dev/null 2>"$T/bad.err"
	local rc=$?
	check_eq "$rc $(head -n 1 "$T/bad.err")" "2 marketcrawl crawl: --host-rule: $2" \
		"--host-rule '$1': usage error, saying why"
}
bad 'example.com' "'example.com' is not HOST:SETTING=VALUE,... (settings: delay=SECONDS, concurrency=N, max-pages=N)"
bad 'example.com:speed=1' "unknown setting 'speed' (delay, concurrency or max-pages)"
bad 'example.com:concurrency=0' "concurrency needs a whole number from 1 to 1000, not '0'"
bad 'example.com:delay=fast' "delay needs seconds from 0 to 3600, not 'fast'"
bad 'bad host:delay=1' "'bad host' is not a host name or domain (HOST, .DOMAIN or *.DOMAIN)"
mc crawl --help >"$T/help.out"
check "crawl --help lists --host-rule" grep -q -- "^  --host-rule " "$T/help.out"
