# HTTP-level faults against the fixture server: error statuses, Retry-After
# (seconds and HTTP-date), stalls, resets, truncated and badly chunked
# bodies, redirect loops and redirects to file://, ftp://, data: and another
# host.  For each fault one crawl of a small site whose index links to
# three normal product pages and the fault URL: every normal item is there,
# the fault is counted under its name in the run record, nothing outside
# http/https is ever read, and the run says whether it saw everything: a
# page that is gone (404, 410) or refused by policy leaves it complete, a
# page lost for good (5xx, 429, timeouts, resets...) makes it partial
# (exit 8) naming the first lost page.  Then --fail503 with
# retries: every item still arrives.  Short timeouts keep each crawl to
# seconds; `timeout` only guards against a hang (it is not a measurement).
. "$(dirname "$0")/../lib.sh"

site=$T/site
out=$T/out
. "$(dirname "$0")/fault_helpers.bash"
product_site
# A product page outside the served root: if any file:// URL were read,
# its item "canary" would show up.
product "$T/canary.html" canary

start_httpd "$site" -l "$T/access.log"
U=$HTTPD_URL

jqt() { jq -e "$1" <<<"$RUN" >/dev/null; }

# The outcome every fault crawl must have: the three items, no .part.
crawl_items() { # LABEL [EXPECTED-ITEMS]
	check_eq "$ITEMS" "${2:-p1 p2 p3 }" "$1: every normal page's item is present"
	check_eq "$(ls "$out" | grep -c '\.part$')" 0 "$1: no .part left"
}
# A fault that lost nothing: complete, exit 0.
crawl_ok() { # LABEL [EXPECTED-ITEMS]
	check_eq "$RC $(st .status) $(st .stats.failed)" '0 "complete" 0' \
		"$1: crawl completes (exit 0, status complete, nothing failed)"
	crawl_items "$@"
}
# A fault that lost the page at PATH for good with CAUSE (and the final
# HTTP STATUS, if any): partial, exit 8, the page named in the reason.
crawl_lost() { # LABEL PATH CAUSE [STATUS]
	local why="1 request failed for good (first: $U$2: $3${4:+ (HTTP $4)})"
	check_eq "$RC $(st .status) $(st .stats.failed)" '8 "partial" 1' \
		"$1: the run is partial (exit 8), one request failed for good"
	check_eq "$(jq -r .partial_reason <<<"$RUN")" "$why" "$1: partial_reason names the lost page and its cause"
	check_eq "$(tail -n 1 "$T/crawl.err")" "marketcrawl crawl: schemaorg: run is partial: $why" \
		"$1: the reason is the last line of stderr"
	crawl_items "$1"
}

# --- error statuses ----------------------------------------------------------
fault_crawl /fault/status/404
crawl_ok 404
check_eq "$(st .stats.errors)" '{"http_4xx":1}' "404: counted as errors.http_4xx"
check_eq "$(st .stats.gone)" 1 "404: counted as gone (an answer, not a failure)"
check_eq "$(st .stats.responses_by_status)" '{"200":5,"404":1}' "404: responses_by_status"
check_eq "$(st '[.stats.retries, .stats.requests]')" '[0,6]' "404: not retried (6 requests)"

fault_crawl /fault/status/410
crawl_ok 410
check_eq "$(st .stats.errors)" '{"http_4xx":1}' "410: counted as errors.http_4xx"
check_eq "$(st .stats.gone)" 1 "410: counted as gone (an answer, not a failure)"
check_eq "$(st .stats.responses_by_status)" '{"200":5,"410":1}' "410: responses_by_status"
check_eq "$(st .stats.retries)" 0 "410: not retried"

fault_crawl /fault/status/403
crawl_lost 403 /fault/status/403 http_4xx 403
check_eq "$(st '[.stats.errors, .stats.gone, .stats.retries]')" '[{"http_4xx":1},0,0]' \
	"403: errors.http_4xx, not gone, not retried"

fault_crawl /fault/status/408
crawl_lost "408 (retried)" /fault/status/408 http_4xx 408
check_eq "$(st '[.stats.errors, .stats.retries]')" '[{"http_4xx":1},1]' "408: retried, then errors.http_4xx"

fault_crawl /fault/status/500
crawl_lost 500 /fault/status/500 http_5xx 500
check_eq "$(st .stats.errors)" '{"http_5xx":1}' "500: counted as errors.http_5xx"
check_eq "$(st .stats.responses_by_status)" '{"200":5,"500":2}' "500: both attempts counted by status"
check_eq "$(st '[.stats.retries, .stats.retries_exhausted, .stats.requests]')" '[1,1,7]' \
	"500: retried once, then given up"

fault_crawl /fault/status/503 -- --retries 2
crawl_lost 503 /fault/status/503 http_5xx 503
check_eq "$(st .stats.errors)" '{"http_5xx":1}' "503: counted as errors.http_5xx"
check_eq "$(st .stats.responses_by_status)" '{"200":5,"503":3}' "503: three attempts with --retries 2"
check_eq "$(st '[.stats.retries, .stats.retries_exhausted]')" '[2,1]' "503: retried twice, exhausted once"
check_eq "$(grep -c '^GET /fault/status/503 503' "$T/access.log")" 3 "503: the server saw exactly three attempts"

# --- Retry-After ---------------------------------------------------------------
# The default first backoff is at most 0.75 s, so a run of >= 2 s proves the
# header was honoured (a lower bound only: never a flaky upper bound).
fault_crawl /fault/retry-after/2
crawl_lost "429 Retry-After: 2" /fault/retry-after/2 http_429 429
check_eq "$(st .stats.errors)" '{"http_429":1}' "429 Retry-After seconds: counted as errors.http_429"
check_eq "$(st .stats.responses_by_status)" '{"200":5,"429":2}' "429 Retry-After seconds: responses_by_status"
check_eq "$(st '[.stats.retries, .stats.retries_exhausted]')" '[1,1]' "429 Retry-After seconds: one retry"
check "429 Retry-After seconds: the wait was honoured (run >= 2 s)" jqt '.stats.elapsed_s >= 2'

# 429 with Retry-After as an HTTP-date 3 s ahead (a static file with a
# sidecar): whole seconds, so the wait is still >= 2 s at the fetch.
echo 'busy' > "$site/busy.txt"
printf 'Status: 429\nRetry-After: %s\n' "$(LC_ALL=C date -u -d '+3 seconds' '+%a, %d %b %Y %H:%M:%S GMT')" \
	> "$site/busy.txt.headers"
fault_crawl /busy.txt
crawl_lost "429 Retry-After: date" /busy.txt http_429 429
check_eq "$(st .stats.errors)" '{"http_429":1}' "429 Retry-After date: counted as errors.http_429"
check_eq "$(st .stats.responses_by_status)" '{"200":5,"429":2}' "429 Retry-After date: responses_by_status"
check "429 Retry-After date: the wait was honoured (run >= 2 s)" jqt '.stats.elapsed_s >= 2'

fault_crawl /fault/retry-after-date/3
crawl_lost "503 Retry-After: date" /fault/retry-after-date/3 http_5xx 503
check_eq "$(st .stats.errors)" '{"http_5xx":1}' "503 Retry-After date: counted as errors.http_5xx"
check_eq "$(st .stats.responses_by_status)" '{"200":5,"503":2}' "503 Retry-After date: responses_by_status"
check "503 Retry-After date: the wait was honoured (run >= 2 s)" jqt '.stats.elapsed_s >= 2'

# A Retry-After of 11 days is capped by --max-retry-after (else: a hang,
# which `timeout` turns into exit 124).
fault_crawl /fault/retry-after/1000000 -- --max-retry-after 200
crawl_lost "429 Retry-After: 1000000" /fault/retry-after/1000000 http_429 429
check_eq "$(st '[.stats.errors, .stats.retries]')" '[{"http_429":1},1]' \
	"huge Retry-After capped by --max-retry-after: retried once, counted once"

# --- network faults -------------------------------------------------------------
fault_crawl /fault/stall-headers/20000 -- --timeout 1000
crawl_lost "stall before headers" /fault/stall-headers/20000 timeout
check_eq "$(st .stats.errors)" '{"timeout":1}' "stall before headers: counted as errors.timeout"
check_eq "$(st '[.stats.retries, .stats.retries_exhausted]')" '[1,1]' "stall before headers: retried once"
check_eq "$(st .stats.responses_by_status)" '{"200":5}' "stall before headers: no status recorded for it"

fault_crawl /fault/stall-body/20000 -- --low-speed-limit 10000 --low-speed-time 1
crawl_lost "stall mid-body" /fault/stall-body/20000 timeout
check_eq "$(st .stats.errors)" '{"timeout":1}' "stall mid-body: cut by the low-speed limit, errors.timeout"
check_eq "$(st '[.stats.retries, .stats.retries_exhausted]')" '[1,1]' "stall mid-body: retried once"

fault_crawl /fault/reset
crawl_lost "connection reset" /fault/reset connection_error
check_eq "$(st .stats.errors)" '{"connection_error":1}' "reset: counted as errors.connection_error"
check_eq "$(st '[.stats.retries, .stats.retries_exhausted]')" '[1,1]' "reset: retried once"

fault_crawl /fault/truncated
crawl_lost "truncated body" /fault/truncated truncated
check_eq "$(st .stats.errors)" '{"truncated":1}' "truncated body: counted as errors.truncated"
check_eq "$(st '[.stats.retries, .stats.retries_exhausted]')" '[1,1]' "truncated body: retried once"

fault_crawl /fault/bad-chunked
crawl_lost "broken chunked encoding" /fault/bad-chunked connection_error
check_eq "$(st .stats.errors)" '{"connection_error":1}' "bad chunked: counted as errors.connection_error"
check_eq "$(st .stats.responses_by_status)" '{"200":5}' "bad chunked: never handed to the spider"

# --- redirects ------------------------------------------------------------------
fault_crawl /fault/redirect-loop/0
crawl_lost "redirect loop" /fault/redirect-loop/10 redirect_limit
check_eq "$(st .stats.errors)" '{"redirect_limit":1}' "redirect loop: counted as errors.redirect_limit"
check_eq "$(st '[.stats.redirects, .stats.responses_by_status["302"]]')" '[10,11]' \
	"redirect loop: 10 redirects followed, the 11th refused"
check_eq "$(grep -c '^GET /fault/redirect-loop/' "$T/access.log")" 11 "redirect loop: 11 requests, no more"

fault_crawl "/fault/redirect?to=file://$T/canary.html" "/fault/redirect?to=FILE://localhost$T/canary.html" \
	"/fault/redirect?to=file:/etc/passwd" "file://$T/canary.html"
crawl_ok "redirect to file://"
check_eq "$(st .stats.errors)" '{"bad_redirect":3}' "file:// redirects (3 spellings) refused as errors.bad_redirect"
check_eq "$(st '[.stats.redirects, .stats.bad_links]')" '[0,1]' "file:// link in a page counted as a bad link"
check_eq "$(grep -c -e canary -e 'root:' "$FILE")" 0 "nothing from file:// in the staging file"

fault_crawl "/fault/redirect?to=ftp://127.0.0.1:$HTTPD_PORT/p/1.html" \
	"/fault/redirect?to=data:text/html,%3Cp%3Ex%3C/p%3E" "/fault/redirect?to=gopher://127.0.0.1:$HTTPD_PORT/1"
crawl_ok "redirect to ftp://"
check_eq "$(st .stats.errors)" '{"bad_redirect":3}' "ftp://, data: and gopher:// redirects refused as errors.bad_redirect"
check_eq "$(grep -vc '^GET ' "$T/access.log")" 0 "no non-HTTP request ever reached the server"
check_eq "$(st .stats.requests)" 8 "ftp: 8 requests (robots, index, 3 pages, 3 redirects), nothing more"

fault_crawl "/fault/redirect?to=http://localhost:$HTTPD_PORT/p/2.html"
crawl_ok "redirect offsite"
check_eq "$(st '[.stats.offsite, .stats.redirects, .stats.errors]')" '[1,1,{}]' \
	"offsite redirect: counted as offsite, not fetched"
check_eq "$(grep -c '^GET /robots.txt ' "$T/access.log")" 1 "offsite redirect: the other host was never contacted"

# --- --fail503: a fifth of all requests fail; retries recover every item ------
mkdir -p "$T/flaky/p"
links=
for i in $(seq 1 20); do
	product "$T/flaky/p/$i.html" "f$i"
	links="$links<a href=\"/p/$i.html\">$i</a>"
done
echo "<html><body>$links</body></html>" > "$T/flaky/index.html"
start_httpd "$T/flaky" -l "$T/flaky.log" --fail503 20 --seed 42
rm -rf "$out"
timeout 120 "$MC_BIN" crawl schemaorg --start-url "$HTTPD_URL/" --allow-domain 127.0.0.1 --out "$out" \
	--delay 0 --concurrency 1 --per-host 1 --retries 8 --no-health --no-progress >/dev/null 2>"$T/flaky.err"
check_eq "$?" 0 "--fail503 20: crawl exits 0"
FILE=$(ls "$out"/*.jsonl | head -n 1)
RUN=$(tail -n 1 "$FILE" | jq -c .run)
check_eq "$(sed '1d;$d' "$FILE" | jq -r .external_id | sort -V | tr '\n' ' ')" \
	"$(seq 1 20 | sed 's/^/f/' | tr '\n' ' ')" "--fail503 20: every item arrives, exactly once"
fails=$(grep -c ' 503 ' "$T/flaky.log")
check "--fail503 20: the server failed some requests ($fails)" test "$fails" -gt 0
check_eq "$(st '[.stats.retries, .stats.responses_by_status["503"]]')" "[$fails,$fails]" \
	"--fail503 20: retries > 0, one per 503 the server sent"
check_eq "$(st '[.stats.retries_exhausted, .stats.errors]')" '[0,{}]' "--fail503 20: no request given up"
