#!/usr/bin/env bash
# Proxies against the fixture server acting as an HTTP proxy
# (docs/fixture-server.md, "Proxy mode"): the demo crawl reaches a site that
# is not reachable directly (--origin on a closed port) only through the
# proxy, with credentials the proxy requires (407 without them) and that
# no output or staging file ever shows; a dead proxy in a --proxy-list is
# benched, named (masked) in the log and the stats, and the run completes
# through the other; http_proxy and no_proxy are honoured as libcurl reads
# them, and --proxy / --no-proxy beat them; fetch and parse take --proxy
# too; a bad --proxy-list line is a usage error naming FILE:LINE.  The
# pool's rules (spreading, bench times) are in tests/unit/test_proxy_rules.c.
. "$(dirname "$0")/../lib.sh"

secret=pr0xy-s3cret
dead_secret=d3ad-s3cret
site=$T/site
"$MC_GEN_SITE" demo "$site" --version 1 >/dev/null
products=$(($(wc -l <"$site/expected.tsv") - 1))
# A port nothing listens on: the origin the spider is sent to, and a dead proxy.
start_httpd "$site"
dead=$HTTPD_PORT
stop_httpd "$HTTPD_PID"
start_httpd "$site" -l "$T/auth.log" --proxy-auth "bob:$secret"
AUTH=$HTTPD_PORT
start_httpd "$site" -l "$T/plain.log"
PLAIN=$HTTPD_PORT
unset http_proxy HTTP_PROXY HTTPS_PROXY https_proxy ALL_PROXY all_proxy no_proxy NO_PROXY

# crawl NAME ARGS...: a demo crawl into $T/NAME; RC, OUT, ERR and FILE set.
crawl() {
	local name=$1; shift
	OUT=$T/$name.out ERR=$T/$name.err
	mc crawl demo --out "$T/$name" --data-dir "$T/data-$name" --delay 0 --per-host 4 \
		--no-progress --no-health "$@" >"$OUT" 2>"$ERR"
	RC=$?
	FILE=$(ls "$T/$name"/*.jsonl 2>/dev/null | head -n 1)
}
items() { [ -n "$FILE" ] && sed '1d;$d' "$FILE" | wc -l | tr -d ' '; }
run_json() { tail -n 1 "$FILE" | jq -r "$1"; }

# ---- an origin reachable only through the proxy --------------------------
crawl direct --origin "http://127.0.0.1:$dead" --retries 0
check_eq "$RC" 1 "without a proxy the origin cannot be reached (exit 1)"

crawl auth --origin "http://127.0.0.1:$dead" --proxy "http://bob:$secret@127.0.0.1:$AUTH" \
	--log-level debug
check_eq "$RC" 0 "through the proxy: complete"
check_eq "$(items)" "$products" "through the proxy: every item"
check_eq "$(grep -vc " proxied Host=127.0.0.1:$dead " "$T/auth.log")" 0 \
	"every request reached the proxy in absolute form, for the origin's host"
check_eq "$(grep -c ' 407 ' "$T/auth.log")" 0 "the credentials went with every request"
check "the debug log names the proxy, masked" \
	grep -q "^marketcrawl: debug: fetch http://127.0.0.1:$dead/ via proxy http://\*\*\*@127.0.0.1:$AUTH\$" "$ERR"
check_eq "$(run_json '.run.stats.proxies[0].proxy')" "http://***@127.0.0.1:$AUTH" \
	"the run record names the proxy, masked"
check_eq "$(cat "$OUT" "$ERR" | grep -c "\*\*\*@127.0.0.1:$AUTH")" "$(cat "$OUT" "$ERR" | grep -c "127.0.0.1:$AUTH")" \
	"the proxy is shown masked wherever it is shown"

crawl wrong --origin "http://127.0.0.1:$dead" --proxy "http://bob:not-$secret@127.0.0.1:$AUTH" \
	--retries 1
check_eq "$RC" 1 "wrong proxy credentials: the run fails"
check "the proxy answered 407" grep -q " 407 .* proxied " "$T/auth.log"
check "the verdict names the proxy (masked) and the cause" \
	grep -q "run failed: .* via proxy http://\*\*\*@127.0.0.1:$AUTH: proxy_auth_required (HTTP 407)" "$ERR"

# ---- a proxy list with a dead proxy ----------------------------------------
cat >"$T/proxies.txt" <<LIST
# the first one is dead; it is tried first (the least used, first listed)

http://eve:$dead_secret@127.0.0.1:$dead
  http://bob:$secret@127.0.0.1:$AUTH
LIST
crawl list --origin "http://127.0.0.1:$dead" --proxy-list "$T/proxies.txt"
check_eq "$RC" 0 "a dead proxy in the list: the run still completes"
check_eq "$(items)" "$products" "through the other proxy: every item"
check "the log names the dead proxy, masked, and benches it" \
	grep -q "^marketcrawl: warn: proxy http://\*\*\*@127.0.0.1:$dead failed (proxy_connect_failed.*): benched for 1 s\$" "$ERR"
check_eq "$(run_json '.run.stats.proxies[0] | "\(.proxy) \(.failures > 0) \(.benched > 0)"')" \
	"http://***@127.0.0.1:$dead true true" "the stats name the dead proxy with its failures and benches"
check_eq "$(run_json '.run.stats.proxies[1].failures')" 0 "the live proxy did not fail"
check_eq "$(run_json '.run.stats.retries')" 0 "the failed request went through the other proxy without a retry"

# ---- no credential anywhere ----------------------------------------------
check_eq "$(grep -rl -e "$secret" -e "$dead_secret" "$T"/*.out "$T"/*.err "$T"/auth "$T"/wrong "$T"/list \
	"$T"/data-* 2>/dev/null | wc -l | tr -d ' ')" 0 \
	"no proxy password in any output, log, staging file or data directory"

# ---- the environment -------------------------------------------------------
http_proxy=http://127.0.0.1:$PLAIN crawl env --origin "http://127.0.0.1:$dead"
check_eq "$RC/$(items)" "0/$products" "http_proxy is honoured (libcurl reads it)"
check "the env proxy got the requests" grep -q "^GET http://127.0.0.1:$dead/ 200 .* proxied" "$T/plain.log"

http_proxy=http://127.0.0.1:$dead crawl env_dead --origin "http://127.0.0.1:$PLAIN" --retries 0
check_eq "$RC" 1 "a dead http_proxy fails the run (so it is really used)"
: >"$T/plain.log"
http_proxy=http://127.0.0.1:$dead no_proxy=127.0.0.1 crawl env_noproxy --origin "http://127.0.0.1:$PLAIN"
check_eq "$RC/$(items)" "0/$products" "no_proxy is respected: the site is fetched directly"
check_eq "$(grep -c proxied "$T/plain.log")" 0 "no request went through a proxy"

http_proxy=http://127.0.0.1:$dead crawl beats --origin "http://127.0.0.1:$dead" \
	--proxy "http://bob:$secret@127.0.0.1:$AUTH"
check_eq "$RC/$(items)" "0/$products" "--proxy beats http_proxy"

: >"$T/plain.log"
crawl noproxy_opt --origin "http://127.0.0.1:$PLAIN" --proxy "http://127.0.0.1:$dead" \
	--no-proxy "localhost,127.0.0.1" --log-level debug
check_eq "$RC/$(items)" "0/$products" "--no-proxy: the hosts it names go direct"
check_eq "$(grep -c proxied "$T/plain.log")/$(grep -c ' via proxy ' "$ERR")" "0/0" \
	"no request through the proxy, none logged as such"

# ---- fetch and parse -------------------------------------------------------
mc fetch "http://127.0.0.1:$dead/" --proxy "http://bob:$secret@127.0.0.1:$AUTH" \
	--xpath '//title' >"$T/fetch.out" 2>"$T/fetch.err"
check_eq "$?" 0 "fetch --proxy: exit 0"
check "fetch read the page through the proxy" grep -q "^  \[1\] " "$T/fetch.out"
mc parse "http://127.0.0.1:$dead/" --spider demo --callback parse_index \
	--proxy "http://bob:$secret@127.0.0.1:$AUTH" >"$T/parse.out" 2>"$T/parse.err"
check_eq "$?" 0 "parse --proxy: exit 0"
check "parse printed the links it would follow" grep -q "^follow GET http://127.0.0.1:$dead/a/games/page-1.html " "$T/parse.out"
check_eq "$(cat "$T"/fetch.* "$T"/parse.* | grep -c "$secret")" 0 "fetch and parse never show the password"

# ---- usage errors ----------------------------------------------------------
printf 'http://a:1\n# fine\nhttp://u:%s@b:port\n' "$secret" >"$T/bad.txt"
mc crawl demo --proxy-list "$T/bad.txt" >"$T/u1.out" 2>"$T/u1.err"
check_eq "$?" 2 "a bad --proxy-list line: usage error"
check "it names FILE:LINE and the proxy, masked" \
	grep -q "^marketcrawl crawl: --proxy-list: $T/bad.txt:3: proxy 'http://\*\*\*@b:port': the port is not 1-65535\$" "$T/u1.err"
mc crawl demo --proxy "ftp://u:$secret@h:21" >"$T/u2.out" 2>"$T/u2.err"
check_eq "$?" 2 "a bad --proxy: usage error"
check "it says why, masked" grep -q "^marketcrawl crawl: --proxy: proxy 'ftp://\*\*\*@h:21': the scheme is not" "$T/u2.err"
check_eq "$(cat "$T"/u1.* "$T"/u2.* | grep -c "$secret")" 0 "usage errors never show the password"
mc crawl demo --proxy-list "$T/missing.txt" >/dev/null 2>"$T/u3.err"
check_eq "$?" 2 "a missing --proxy-list: usage error"
check "it names the file once, with the cause" \
	grep -q "^marketcrawl crawl: --proxy-list: cannot read $T/missing.txt: No such file or directory\$" "$T/u3.err"
# A raw '@' in a password: libcurl would refuse the URL and quote all of it.
mc crawl demo --proxy "http://bob:p@$secret@127.0.0.1:$AUTH" >"$T/u4.out" 2>"$T/u4.err"
check_eq "$?:$(cat "$T"/u4.* | grep -c "$secret")" "2:0" \
	"a password with a raw '@' is a usage error that does not show it"
check "... and says to percent-encode it" grep -q "write '@' as %40" "$T/u4.err"

mc crawl --help >"$T/help.out"
for opt in --proxy --proxy-list --per-proxy --proxy-delay --no-proxy; do
	check "crawl --help lists $opt" grep -q -- "^  $opt " "$T/help.out"
done
