#!/usr/bin/env bash
# The test HTTP fixture server (tests/httpd, docs/fixture-server.md) is
# itself tested here, because every crawler integration test trusts it:
# static files, sidecars, keep-alive and pipelining, malformed requests,
# POST, FILE.rules (method, header, cookie, body), Set-Cookie, /echo,
# every /fault/ mode with its exact status, headers and body length, the
# request log, proxy mode (absolute-form requests, CONNECT tunnels to local
# ports only, --proxy-auth, the log's Host and in-flight count), --fail503 determinism, and a clean exit 0 on SIGTERM (under
# `make SANITIZE=address,undefined check` that exit status also proves no
# leak and no undefined behaviour).
. "$(dirname "$0")/../lib.sh"

www=$T/www
mkdir -p "$www/sub" "$www/empty-dir"
printf '<html><body>home</body></html>\n' >"$www/index.html"
printf '<html><body>sub</body></html>\n' >"$www/sub/index.html"
printf '<html><body><p class="price">9.99</p></body></html>\n' >"$www/page.html"
printf '{"a":1}\n' >"$www/data.json"
printf '<r/>\n' >"$www/feed.xml"
printf 'plain\n' >"$www/note.txt"
printf 'not really gzip' >"$www/blob.gz"
printf 'User-agent: *\nDisallow: /private/\n' >"$www/robots.txt"
printf 'Status: 500\n' >"$www/robots.txt.headers"
printf 'moved\n' >"$www/old.html"
printf 'Status: 301\nLocation: /page.html\n' >"$www/old.html.headers"
printf '<html><body>caf\xe9</body></html>\n' >"$www/latin1.html"
printf '# a comment line\nContent-Type: text/html; charset=iso-8859-1\r\nX-Fixture: yes\n' \
	>"$www/latin1.html.headers"
printf 'x' >"$www/broken.html"
printf 'this line has no colon\n' >"$www/broken.html.headers"
# A gzip bomb: 10 MiB of zeros compressed by gzip, served as an HTML body.
head -c 10485760 /dev/zero | gzip -9 >"$www/bomb.html"
printf 'Content-Encoding: gzip\n' >"$www/bomb.html.headers"

log=$T/requests.log
start_httpd "$www" -l "$log"
check "port file announces a port" test -n "$HTTPD_PORT"
U=$HTTPD_URL

# fetch URL [CURL ARGS...]: sets CODE, RC; headers in $T/h, body in $T/b.
fetch() {
	local url=$1
	shift
	RC=0
	: >"$T/h"
	: >"$T/b"
	CODE=$(curl -s --max-time 20 -D "$T/h" -o "$T/b" -w '%{http_code}' "$@" "$url") || RC=$?
}
# hdr NAME: the value of response header NAME from the last fetch ("" if none).
hdr() { tr -d '\r' <"$T/h" | grep -i "^$1:" | head -n 1 | sed 's/^[^:]*: //'; }
has_hdr() { tr -d '\r' <"$T/h" | grep -qi "^$1:"; }
bodylen() { wc -c <"$T/b" | tr -d ' '; }
# curl -I also writes the headers to -o: a HEAD body is empty when the two match.
headbody() { if cmp -s "$T/h" "$T/b"; then echo none; else echo some; fi; }
# raw BYTES: send raw request bytes (printf %b escapes), print the whole
# answer with CRs removed, then "<closed>" when the server closed the
# connection (or "<open>" after 10 s without it).
raw() {
	exec 3<>"/dev/tcp/127.0.0.1/$HTTPD_PORT" || return 1
	printf '%b' "$1" >&3
	timeout 10 cat <&3 | tr -d '\r'
	if [ "${PIPESTATUS[0]}" -eq 0 ]; then echo '<closed>'; else echo '<open>'; fi
	exec 3<&-
}
statuses() { grep '^HTTP/' | awk '{print $2}' | paste -sd' ' -; }

# ---- static files ---------------------------------------------------------
fetch "$U/page.html"
check_eq "$CODE" 200 "file: status 200"
check_eq "$(hdr Content-Type)" "text/html" "file: .html is text/html without charset"
check_eq "$(hdr Content-Length)" "$(wc -c <"$www/page.html" | tr -d ' ')" "file: Content-Length is the file size"
check "file: body is the file" cmp -s "$T/b" "$www/page.html"
check_eq "$(hdr Connection)" "keep-alive" "file: HTTP/1.1 answers keep-alive"
fetch "$U/page.html?utm=1&x=%zz"
check "query string ignored for lookup" cmp -s "$T/b" "$www/page.html"
fetch "$U/"
check "/ serves index.html" cmp -s "$T/b" "$www/index.html"
fetch "$U/sub/"
check "/sub/ serves sub/index.html" cmp -s "$T/b" "$www/sub/index.html"
fetch "$U/sub"
check "/sub serves sub/index.html" cmp -s "$T/b" "$www/sub/index.html"
fetch "$U/empty-dir/"
check_eq "$CODE" 404 "directory without index.html is 404"
fetch "$U/nope.html"
check_eq "$CODE $(hdr Content-Length)" "404 14" "missing file: 404 with Content-Length"
fetch "$U/pa%67e.html"
check "percent-encoded path decoded" cmp -s "$T/b" "$www/page.html"
for pair in data.json:application/json feed.xml:application/xml note.txt:text/plain \
	blob.gz:application/octet-stream; do
	fetch "$U/${pair%%:*}"
	check_eq "$(hdr Content-Type)" "${pair#*:}" "Content-Type of ${pair%%:*}"
done
fetch "$U/page.html" -I
check_eq "$CODE $(hdr Content-Length) $(headbody)" "200 $(wc -c <"$www/page.html" | tr -d ' ') none" \
	"HEAD: same Content-Length, no body"
fetch "$U/page.html" -X POST -d 'a=1'
check_eq "$CODE" 200 "POST: a file is served"
check "POST: body is the file" cmp -s "$T/b" "$www/page.html"
fetch "$U/page.html" -X DELETE
check_eq "$CODE $(hdr Allow)" "405 GET, HEAD, POST" "DELETE: 405 with Allow"

# ---- what a client sends: FILE.rules, Set-Cookie, /echo ---------------------
printf '{"items":[]}\n' >"$www/api.json"
printf '# the API wants a POST with a key, an age-gate cookie and this body\nMethod: POST\nHeader: X-Api-Key: k1\nCookie: birthtime=0\nBody-File: api.body\n' \
	>"$www/api.json.rules"
printf '{"query":"{ items }","variables":{"n":2}}' >"$www/api.body"
body=$(cat "$www/api.body")
fetch "$U/api.json" -H 'X-Api-Key: k1' -b 'a=b; birthtime=0' -H 'Content-Type: application/json' -d "$body"
check_eq "$CODE" 200 "rules: a request with everything required is served"
check "rules: the body is the file" cmp -s "$T/b" "$www/api.json"
fetch "$U/api.json"
check_eq "$CODE $(hdr Allow)" "405 POST" "rules: Method refuses GET with 405 and Allow"
fetch "$U/api.json" -b 'birthtime=0' -d "$body"
check_eq "$CODE" 403 "rules: a missing header is 403"
check "rules: the reason names the header" grep -q 'no header X-Api-Key' "$T/b"
fetch "$U/api.json" -H 'X-Api-Key: k2' -b 'birthtime=0' -d "$body"
check_eq "$CODE" 403 "rules: a header with another value is 403"
fetch "$U/api.json" -H 'X-Api-Key: k1' -b 'birthtime=1' -d "$body"
check_eq "$CODE" 403 "rules: a cookie with another value is 403"
fetch "$U/api.json" -H 'X-Api-Key: k1' -b 'birthtime=0' -d "$body "
check_eq "$CODE" 400 "rules: another body is 400"
fetch "$U/api.json" -H 'X-Api-Key: k1' -b 'birthtime=0' -H 'Expect: 100-continue' -d "$body"
check_eq "$CODE" 200 "rules: Expect: 100-continue is answered, then the body read"
printf 'Method: GET\nBody: \n' >"$www/page2.html.rules"
printf '<p>2</p>\n' >"$www/page2.html"
fetch "$U/page2.html" -I
check_eq "$CODE" 200 "rules: GET allows HEAD; an empty Body rule wants no body"
fetch "$U/api.json.rules"
check_eq "$CODE" 404 "a .rules file is never served"
printf 'Frobnicate: x\n' >"$www/bad.html.rules"
printf 'x' >"$www/bad.html"
fetch "$U/bad.html"
check_eq "$CODE" 500 "malformed rules: 500"
printf 'Set-Cookie: sid=abc; Path=/\nSet-Cookie: lang=de\nX-One: 1\n' >"$www/login.html.headers"
printf '<p>hi</p>\n' >"$www/login.html"
fetch "$U/login.html"
check_eq "$(tr -d '\r' <"$T/h" | grep -i '^Set-Cookie:' | paste -sd'|' -)" \
	"Set-Cookie: sid=abc; Path=/|Set-Cookie: lang=de" "sidecar: every Set-Cookie line is sent"
curl -s --max-time 20 -c "$T/jar" -b "$T/jar" -o /dev/null "$U/login.html"
fetch "$U/echo/after-login" -b "$T/jar"
check_eq "$(jq -c '.cookies | sort' "$T/b" | tr -d '\n')" '[["lang","de"],["sid","abc"]]' \
	"Set-Cookie round trip seen by /echo"
printf '{"a":"é","n":[1,2]}\n' >"$T/post.json"
fetch "$U/echo?x=%7B1%7D" -H 'Content-Type: application/json' -H 'X-Twice: 1' -H 'X-Twice: 2' \
	--data-binary "@$T/post.json"
check_eq "$(hdr Content-Type)" "application/json" "echo: answers JSON"
check_eq "$(jq -r '.method + " " + .target' "$T/b")" "POST /echo?x=%7B1%7D" "echo: method and target as sent"
check_eq "$(jq -j '.body' "$T/b" | cmp - "$T/post.json" && echo same)" "same" "echo: the body byte for byte"
check_eq "$(jq '.body_bytes' "$T/b")" "$(wc -c <"$T/post.json" | tr -d ' ')" "echo: body_bytes"
check_eq "$(jq -r '[.headers[] | select(.[0] == "X-Twice") | .[1]] | join(",")' "$T/b")" "1,2" \
	"echo: headers in order, repeated ones kept"
check_eq "$(jq -r '.headers[] | select(.[0] == "Content-Type") | .[1]' "$T/b")" "application/json" \
	"echo: the content type"
printf 'a\001b\377c' >"$T/odd.bin"
fetch "$U/echo" --data-binary "@$T/odd.bin"
check_eq "$(jq -r '.body' "$T/b" | od -An -c | tr -s ' ')" "$(printf 'a\001b\303\277c\n' | od -An -c | tr -s ' ')" \
	"echo: control and non-UTF-8 bytes escaped (valid JSON)"
fetch "$U/echo/x" -I
check_eq "$CODE $(headbody)" "200 none" "echo: HEAD gets headers only"

# ---- traversal -------------------------------------------------------------
fetch "$U/../../etc/passwd" --path-as-is
check_eq "$CODE" 403 "literal .. refused"
fetch "$U/%2e%2e/%2E%2E/etc/passwd" --path-as-is
check_eq "$CODE" 403 "encoded .. refused"
fetch "$U/sub/..%2f..%2fetc/passwd" --path-as-is
check_eq "$CODE" 403 "encoded slash .. refused"
fetch "$U/a%00b"
check_eq "$CODE" 400 "encoded NUL is 400"

# ---- sidecars --------------------------------------------------------------
fetch "$U/robots.txt"
check_eq "$CODE $(bodylen)" "500 $(wc -c <"$www/robots.txt" | tr -d ' ')" "sidecar Status: 500 with the file as body"
fetch "$U/old.html"
check_eq "$CODE $(hdr Location)" "301 /page.html" "sidecar redirect"
fetch "$U/latin1.html"
check_eq "$(hdr Content-Type)|$(hdr X-Fixture)" "text/html; charset=iso-8859-1|yes" \
	"sidecar overrides Content-Type and adds a header (CRLF and # lines ok)"
fetch "$U/latin1.html.headers"
check_eq "$CODE" 404 "a .headers file is never served"
fetch "$U/broken.html"
check_eq "$CODE" 500 "malformed sidecar: 500"
check "malformed sidecar: the reason is in the body" grep -q "has no ':'" "$T/b"
fetch "$U/bomb.html"
check_eq "$CODE $(hdr Content-Encoding) $(bodylen)" "200 gzip $(wc -c <"$www/bomb.html" | tr -d ' ')" \
	"gzip bomb: raw body with Content-Encoding: gzip"
check_eq "$(curl -s --compressed "$U/bomb.html" | wc -c | tr -d ' ')" 10485760 \
	"gzip bomb: decompresses to 10 MiB"

# ---- keep-alive, Connection: close, pipelining -----------------------------
got=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects} ' "$U/page.html" "$U/sub/")
check_eq "$got" "1 0 " "keep-alive: curl reuses one connection for two URLs"
got=$(curl -s -H 'Connection: close' -o /dev/null -o /dev/null -w '%{num_connects} ' "$U/page.html" "$U/sub/")
check_eq "$got" "1 1 " "Connection: close honoured (a new connection per URL)"
fetch "$U/page.html" -H 'Connection: close'
check_eq "$(hdr Connection)" "close" "Connection: close echoed"
out=$(raw 'GET /page.html HTTP/1.1\r\nHost: a\r\n\r\nHEAD /sub/ HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\nGET /note.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
check_eq "$(echo "$out" | statuses)" "200 200 404 200" "pipelined requests answered in order"
check_eq "$(echo "$out" | tail -n 2 | paste -sd' ' -)" "plain <closed>" "pipelined: last body intact, then close"
check_eq "$(echo "$out" | grep -c '^Connection: keep-alive')" 3 "pipelined: keep-alive until the close"
out=$(raw '\r\nGET /page.html HTTP/1.0\r\n\r\n')
check_eq "$(echo "$out" | statuses) $(echo "$out" | grep '^Connection:')" "200 Connection: close" \
	"HTTP/1.0 closes by default (leading CRLF ignored)"
out=$(raw 'GET /page.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /page.html HTTP/1.0\r\n\r\n')
check_eq "$(echo "$out" | statuses)" "200 200" "HTTP/1.0 keep-alive on request"
out=$(raw 'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /note.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
check_eq "$(echo "$out" | statuses)" "404 200" "request body read, next request parsed"

# ---- malformed requests ----------------------------------------------------
for req in 'garbage\r\n\r\n' 'GET /page.html HTTP/1.1\r\n\r\n' 'GET /page.html\r\n\r\n' \
	'GET  /page.html HTTP/1.1\r\nHost: a\r\n\r\n' 'GET page.html HTTP/1.1\r\nHost: a\r\n\r\n' \
	'GET /page.html HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n' \
	'GET /page.html HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n' \
	'GET /page.html HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' \
	'GET /page.html HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n' \
	'GET /pa\rge HTTP/1.1\r\nHost: a\r\n\r\n'; do
	out=$(raw "$req")
	check_eq "$(echo "$out" | statuses) $(echo "$out" | grep '^Connection:') $(echo "$out" | tail -n 1)" \
		"400 Connection: close <closed>" \
		"malformed request is 400 and closes: $(printf '%s' "$req" | head -c 50)"
done
out=$(raw 'GET / HTTP/2.0\r\nHost: a\r\n\r\n')
check_eq "$(echo "$out" | statuses)" 505 "HTTP/2.0 request line: 505"
out=$(raw 'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')
check_eq "$(echo "$out" | statuses)" 501 "chunked request body: 501"
out=$(raw "GET /$(head -c 20000 /dev/zero | tr '\0' a) HTTP/1.1\r\nHost: a\r\n\r\n")
check_eq "$(echo "$out" | statuses)" 431 "oversized request head: 431"

# ---- fault modes -----------------------------------------------------------
fetch "$U/fault/status/418"
check_eq "$CODE|$(cat "$T/b")|$(hdr Content-Length)" "418|status 418|10" "status/418"
fetch "$U/fault/status/503"
check_eq "$CODE|$(cat "$T/b")" "503|status 503" "status/503"
fetch "$U/fault/status/204"
check_eq "$CODE $(bodylen)" "204 0" "status/204: no body"
check "status/204: no Content-Length" test -z "$(hdr Content-Length)"
for bad in status/99 status/abc status/2000 status retry-after/x flaky/x/page.html long-line/10 \
	reset/1 junk/-1; do
	fetch "$U/fault/$bad"
	check_eq "$CODE" 400 "bad fault argument: $bad"
done
fetch "$U/fault/no-such-mode"
check_eq "$CODE" 404 "unknown fault: 404"

fetch "$U/fault/retry-after/7"
check_eq "$CODE|$(hdr Retry-After)|$(cat "$T/b")" "429|7|retry-after 7" "retry-after/7"
fetch "$U/fault/retry-after-date/120"
ra=$(hdr Retry-After)
check_eq "$CODE" 503 "retry-after-date: 503"
check "retry-after-date: an IMF-fixdate" \
	bash -c '[[ $1 =~ ^[A-Z][a-z]{2},\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ GMT$ ]]' _ "$ra"
check_eq "$(($(date -d "$ra" +%s) - $(date -d "$(hdr Date)" +%s)))" 120 "retry-after-date: Date + 120 s"

codes=""
for i in 1 2 3 4; do
	fetch "$U/fault/flaky/3/page.html"
	codes="$codes$CODE "
done
check_eq "$codes" "503 503 503 200 " "flaky/3: three 503s, then the file"
check "flaky: the file body" cmp -s "$T/b" "$www/page.html"
fetch "$U/fault/flaky/1/page.html?other"
check_eq "$CODE" 503 "flaky: a different URL has its own counter"
fetch "$U/fault/flaky/0/sub/"
check "flaky/0/sub/: directory index at once" cmp -s "$T/b" "$www/sub/index.html"
fetch "$U/fault/flaky/0/fault/status/418"
check_eq "$CODE" 404 "flaky: REST is a file path, not a fault"

fetch "$U/fault/stall-headers/50"
check_eq "$CODE" 200 "stall-headers/50: 200 after the stall"
check "stall-headers: marker" grep -q 'mc-fault: stall-headers' "$T/b"
fetch "$U/fault/stall-headers/60000" --max-time 1
check_eq "$RC $CODE" "28 000" "stall-headers/60000: client times out with no headers"
fetch "$U/fault/stall-body/50"
check_eq "$CODE $(hdr Content-Length) $(bodylen)" "200 2048 2048" "stall-body/50: whole body"
fetch "$U/fault/stall-body/60000" --max-time 1
check_eq "$RC $CODE $(bodylen)" "28 200 1024" "stall-body/60000: headers and half the body, then stall"

fetch "$U/fault/reset"
check_eq "$RC $CODE" "56 000" "reset: connection reset, no status"
fetch "$U/fault/truncated"
check_eq "$RC $CODE $(hdr Content-Length) $(bodylen)" "18 200 1000 100" "truncated: 100 of 1000 bytes"
check "truncated: marker within the bytes sent" grep -q 'mc-fault: truncated' "$T/b"
fetch "$U/fault/bad-chunked"
check_eq "$RC $CODE $(hdr Transfer-Encoding)" "56 200 chunked" "bad-chunked: curl rejects the chunk size"

fetch "$U/fault/redirect-loop/5"
check_eq "$CODE $(hdr Location)" "302 /fault/redirect-loop/6" "redirect-loop/5 -> 6"
check "redirect-loop: marker" grep -q 'mc-fault: redirect-loop' "$T/b"
fetch "$U/fault/redirect-loop/0" -L --max-redirs 4
check_eq "$RC" 47 "redirect-loop: curl stops at its redirect cap"
fetch "$U/fault/redirect?to=file%3A%2F%2F%2Fetc%2Fpasswd"
check_eq "$CODE $(hdr Location)" "302 file:///etc/passwd" "redirect to file:"
fetch "$U/fault/redirect?x=1&to=ftp%3A%2F%2Fx%2F"
check_eq "$CODE $(hdr Location)" "302 ftp://x/" "redirect to ftp:"
fetch "$U/fault/redirect?to=http%3A%2F%2Flocalhost%3A$HTTPD_PORT%2Fpage.html%3Fa%3D1" -L
check_eq "$CODE" 200 "redirect to http://localhost:PORT followed"
check "redirect: landed on the page" cmp -s "$T/b" "$www/page.html"
fetch "$U/fault/redirect"
check_eq "$CODE" 400 "redirect without to=: 400"
fetch "$U/fault/redirect?to=http%3A%2F%2Fa%2F%0D%0ASet-Cookie%3A%20x"
check_eq "$CODE" 400 "redirect: CR/LF in the target refused"

got=$(curl -s --max-time 20 "$U/fault/endless" | head -c 3000000 | wc -c | tr -d ' ')
check_eq "$got" 3000000 "endless: keeps sending (3 MB read, client closes)"
fetch "$U/fault/endless" -I
check_eq "$CODE $(hdr Transfer-Encoding) $(headbody)" "200 chunked none" "endless: HEAD gives chunked headers only"
check "endless: first bytes carry the marker" \
	bash -c 'curl -s --max-time 20 "$1" | head -c 200 | grep -q "mc-fault: endless"' _ "$U/fault/endless"

fetch "$U/fault/wrong-charset"
check_eq "$CODE|$(hdr Content-Type)|$(bodylen)" "200|text/html; charset=utf-8|200" "wrong-charset: declared UTF-8"
check "wrong-charset: body is not UTF-8" bash -c '! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1' _ "$T/b"
check_eq "$(iconv -f WINDOWS-1252 -t UTF-8 "$T/b" | grep -o 'Café crème brûlée\|12,50 €' | paste -sd'|' -)" \
	"Café crème brûlée|12,50 €" "wrong-charset: body is windows-1252"
fetch "$U/fault/invalid-utf8"
check_eq "$CODE|$(hdr Content-Type)" "200|text/html; charset=utf-8" "invalid-utf8: declared UTF-8"
check "invalid-utf8: body is not UTF-8" bash -c '! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1' _ "$T/b"
check_eq "$(LC_ALL=C tr -d '\000-\177' <"$T/b" | wc -c | tr -d ' ')" 14 \
	"invalid-utf8: 12 invalid bytes + one valid é"
check "invalid-utf8: marker" grep -q 'mc-fault: invalid-utf8' "$T/b"

fetch "$U/fault/long-line/100000"
check_eq "$CODE $(hdr Content-Length) $(bodylen)" "200 100000 100000" "long-line/100000: exact size"
check_eq "$(tr -cd '\n' <"$T/b" | wc -c | tr -d ' ')" 0 "long-line: no newline at all"
check "long-line: marker" grep -q 'mc-fault: long-line' "$T/b"
fetch "$U/fault/deep-nesting/1000"
check_eq "$CODE $(grep -o '<div>' "$T/b" | wc -l | tr -d ' ') $(grep -o '</div>' "$T/b" | wc -l | tr -d ' ')" \
	"200 1000 1000" "deep-nesting/1000: 1000 nested divs"
check_eq "$(hdr Content-Length)" "$(bodylen)" "deep-nesting: Content-Length matches"
check "deep-nesting: marker" grep -q 'mc-fault: deep-nesting' "$T/b"
fetch "$U/fault/junk/4096"
check_eq "$CODE $(hdr Content-Type) $(bodylen)" "200 text/plain 4096" "junk/4096"
cp "$T/b" "$T/junk1"
fetch "$U/fault/junk/4096"
check "junk: deterministic" cmp -s "$T/b" "$T/junk1"
fetch "$U/fault/junk/1001"
check "junk: a shorter body is a prefix" cmp -s "$T/b" <(head -c 1001 "$T/junk1")
check_eq "$(LC_ALL=C tr -d '\000-\177' <"$T/junk1" | wc -c | awk '$1 > 1500 && $1 < 2600 {print "binary"}')" \
	binary "junk: binary bytes"
fetch "$U/fault/truncated" -I
check_eq "$RC $CODE $(hdr Content-Length)" "0 200 1000" "HEAD on a fault: the headers only"

# ---- concurrency -----------------------------------------------------------
args=()
for i in $(seq 1 400); do args+=(-o /dev/null "$U/page.html?n=$i"); done
got=$(curl -s --max-time 60 --parallel --parallel-immediate --parallel-max 200 -w '%{http_code}\n' \
	"${args[@]}" 2>/dev/null | sort | uniq -c | awk '{print $2 ":" $1}')
check_eq "$got" "200:400" "400 requests over 200 parallel connections all answered"

# ---- the request log -------------------------------------------------------
check_eq "$(grep -c '^GET /robots.txt 500 ' "$log")" 1 "log: robots.txt fetched exactly once"
check_eq "$(grep -c '^GET /fault/flaky/3/page.html ' "$log")" 4 "log: four flaky attempts"
check_eq "$(grep '^GET /fault/flaky/3/page.html ' "$log" | awk '{print $3}' | paste -sd' ' -)" \
	"503 503 503 200" "log: flaky statuses in order"
check_eq "$(grep '^GET /page.html?utm=1' "$log")" "GET /page.html?utm=1&x=%zz 200 $(wc -c <"$www/page.html" | tr -d ' ')" \
	"log: METHOD TARGET STATUS BYTES"
check_eq "$(grep -c '^HEAD /page.html 200 0$' "$log")" 1 "log: HEAD logs 0 body bytes"
check_eq "$(grep -c '^HEAD /fault/endless 200 0$' "$log")" 1 "log: HEAD on a fault logs 0 body bytes"
check_eq "$(grep -c '^GET /fault/reset 0 0$' "$log")" 1 "log: reset logs status 0"
check_eq "$(grep -c '^GET /fault/truncated 200 100$' "$log")" 1 "log: truncated logs the bytes sent"
check_eq "$(grep -c '^GET /fault/endless 200 -$' "$log")" 2 "log: endless logs '-'"
check_eq "$(grep -c '^- - 400 ' "$log")" 3 "log: unparsable requests log '- -'"
check_eq "$(grep -c '^GET /page.html?n=' "$log")" 400 "log: one line per parallel request"

# ---- shutdown --------------------------------------------------------------
curl -s --max-time 30 -o /dev/null "$U/fault/stall-headers/60000" &
stall_pid=$!
curl -s --max-time 30 -o /dev/null --limit-rate 100k "$U/fault/long-line/100000000" &
slow_pid=$!
sleep 0.5
kill "$HTTPD_PID"
wait "$HTTPD_PID"
check_eq "$?" 0 "SIGTERM with requests in flight: exit 0"
kill "$stall_pid" "$slow_pid" 2>/dev/null
wait "$stall_pid" "$slow_pid" 2>/dev/null
fetch "$U/page.html"
check_eq "$RC" 7 "after SIGTERM nothing listens"

# ---- --fail503 -------------------------------------------------------------
# seq503 ARGS...: the statuses of 60 sequential page requests to a fresh
# server, with a robots.txt request (shown as rNNN) after every tenth.
seq503() {
	start_httpd "$www" "$@"
	local i out=""
	for i in $(seq 1 60); do
		out="$out $(curl -s -o /dev/null -w '%{http_code}' "$HTTPD_URL/page.html")"
		if [ $((i % 10)) -eq 0 ]; then
			out="$out r$(curl -s -o /dev/null -w '%{http_code}' "$HTTPD_URL/robots.txt")"
		fi
	done
	stop_httpd "$HTTPD_PID"
	echo "$out"
}
count503() { tr ' ' '\n' | grep -cx 503; }
a=$(seq503 --fail503 30 --seed 7)
b=$(seq503 --fail503 30 --seed 7)
c=$(seq503 --fail503 30 --seed 8)
n503=$(echo "$a" | count503)
check "fail503 30%: some but not all requests fail ($n503 of 60)" test "$n503" -gt 0 -a "$n503" -lt 60
check_eq "$a" "$b" "fail503: same seed, same sequence"
check "fail503: another seed, another sequence" test "$a" != "$c"
check_eq "$(echo "$a" | tr ' ' '\n' | grep '^r' | sort -u)" "r500" "fail503: robots.txt never gets the 503"
check_eq "$(seq503 --fail503 100 | count503)" 60 "fail503 100: every request fails"
check_eq "$(seq503 --fail503 0 | count503)" 0 "fail503 0: none fails"

# ---- proxy mode --------------------------------------------------------------
# An absolute-form request is what a client sends to a proxy: served from
# the root for its path, whatever the host, and logged with its Host and
# the requests for that Host in flight; --proxy-auth requires the
# credentials (Basic) from proxied requests only.
plog=$T/proxy.log
start_httpd "$www" -l "$plog" --proxy-auth 'bob:pa:ss' --stall 1
PX=$HTTPD_PORT
fetch http://shop.invalid:81/page.html -x "http://127.0.0.1:$PX"
check_eq "$CODE" 407 "proxy: no Proxy-Authorization: 407"
check_eq "$(hdr Proxy-Authenticate)" 'Basic realm="mc-httpd"' "proxy: 407 asks for Basic"
fetch http://shop.invalid:81/page.html -x "http://bob:wrong@127.0.0.1:$PX"
check_eq "$CODE" 407 "proxy: wrong credentials: 407"
fetch http://shop.invalid:81/page.html -x "http://bob:pa%3Ass@127.0.0.1:$PX"
check_eq "$CODE/$(cat "$T/b")" "200/$(cat "$www/page.html")" \
	"proxy: with the credentials, the file for the path, whatever the host"
fetch "http://127.0.0.1:$PX/page.html"
check_eq "$CODE" 200 "proxy mode: origin-form requests need no credentials"
check_eq "$(cat "$plog")" "GET http://shop.invalid:81/page.html 407 34 proxied Host=shop.invalid:81 inflight=1
GET http://shop.invalid:81/page.html 407 34 proxied Host=shop.invalid:81 inflight=1
GET http://shop.invalid:81/page.html 200 $(bodylen) proxied Host=shop.invalid:81 inflight=1
GET /page.html 200 $(bodylen)" "proxy: the log marks proxied requests with their Host and count in flight"
stop_httpd "$HTTPD_PID"

# CONNECT (HTTPS through a proxy): a tunnel to a port of this machine
# relays bytes both ways unchanged; any other host gets 403 and nothing is
# dialled; --proxy-auth applies.  A tunnel's log line is written when it
# closes: the server is stopped (which closes every tunnel) before the log
# is read.
head -c 300000 /dev/urandom >"$www/random.bin"
start_httpd "$www" -l "$T/origin.log"
ORIGIN=$HTTPD_PORT ORIGIN_PID=$HTTPD_PID
start_httpd "$www" -l "$plog.connect" --proxy-auth 'bob:pa:ss'
PX=$HTTPD_PORT PX_PID=$HTTPD_PID
# tunnel URL [CURL ARGS...]: URL through a CONNECT tunnel of the proxy PX;
# sets CODE, RC and CONNECT (the proxy's answer to the CONNECT).
tunnel() {
	local url=$1 w
	shift
	fetch "$url" -p -x "http://127.0.0.1:$PX" -w '%{http_code} %{http_connect} %{size_request} %{size_header} %{size_download}' "$@"
	w=$CODE
	CODE=${w%% *} w=${w#* }
	CONNECT=${w%% *} SIZES=${w#* }
}
tunnel "http://127.0.0.1:$ORIGIN/random.bin"
check_eq "$CONNECT $CODE" "407 000" "CONNECT without Proxy-Authorization: 407, no tunnel"
tunnel "http://127.0.0.1:$ORIGIN/random.bin" -U 'bob:wrong'
check_eq "$CONNECT $CODE" "407 000" "CONNECT with wrong credentials: 407"
tunnel "http://127.0.0.1:$ORIGIN/random.bin" -U 'bob:pa:ss'
check_eq "$CONNECT $CODE" "200 200" "CONNECT 127.0.0.1:PORT with the credentials: 200, then the origin's answer"
check "CONNECT: the 300 000 random bytes came through the tunnel unchanged" cmp -s "$T/b" "$www/random.bin"
tunnel_sizes=$SIZES
tunnel "http://localhost:$PX/page.html" -U 'bob:pa:ss'
check_eq "$CONNECT $CODE/$(cat "$T/b")" "200 200/$(cat "$www/page.html")" \
	"CONNECT localhost:PORT (the proxy itself) tunnels too; inside it, an origin-form request needs no credentials"
tunnel "https://example.com/" -U 'bob:pa:ss'
check_eq "$CONNECT $RC" "403 56" "CONNECT example.com:443: 403, the server never connects off the machine"
tunnel "https://10.0.0.1:8443/" -U 'bob:pa:ss'
check_eq "$CONNECT" 403 "CONNECT to a non-local address: 403"
tunnel "http://127.0.0.1:${U##*:}/" -U 'bob:pa:ss'
check_eq "$CONNECT" 502 "CONNECT to a local port nothing listens on: 502"
auth=$(printf 'bob:pa:ss' | base64)
HTTPD_PORT=$PX
out=$(raw "CONNECT 127.0.0.1 HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Authorization: Basic $auth\r\n\r\n")
check_eq "$(echo "$out" | statuses)" 400 "CONNECT without a port: 400"
# The request inside the tunnel sent in the same packet as the CONNECT
# reaches the origin (bytes after the CONNECT head are not lost).
inner='GET /note.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
out=$(raw "CONNECT 127.0.0.1:$ORIGIN HTTP/1.1\r\nHost: 127.0.0.1:$ORIGIN\r\nProxy-Authorization: Basic $auth\r\n\r\n$inner")
check_eq "$(echo "$out" | head -n 2 | paste -sd'|' -)" "HTTP/1.1 200 Connection established|" "CONNECT: the answer is exactly the status line 200 Connection established and a blank line"
check_eq "$(echo "$out" | statuses) $(echo "$out" | tail -n 2 | paste -sd' ' -)" "200 200 plain <closed>" \
	"CONNECT: a request sent right behind the CONNECT goes through; the origin's close ends the tunnel"
# SIGTERM with a tunnel open (the origin stalls its answer): exit 0, and
# the tunnel's line is logged.
curl -s --max-time 30 -o /dev/null -p -x "http://bob:pa%3Ass@127.0.0.1:$PX" \
	"http://127.0.0.1:$ORIGIN/fault/stall-headers/60000" &
stall_pid=$!
for _ in $(seq 1 100); do
	grep -q '^GET /fault/stall-headers/60000 ' "$T/origin.log" && break
	sleep 0.05
done
kill "$PX_PID"
wait "$PX_PID"
check_eq "$?" 0 "SIGTERM with a tunnel open: exit 0"
wait "$stall_pid" 2>/dev/null
read -r _ hdr_size body_size <<<"$tunnel_sizes"
check_eq "$(grep -c '^CONNECT ' "$plog.connect") $(grep -c ' 407 34 proxied Host=127.0.0.1:'"$ORIGIN"' inflight=1$' "$plog.connect")" \
	"10 2" "log: every CONNECT is logged, the 407s with their body size"
# curl counts the CONNECT exchange in its sizes: its answer is 39 bytes.
check "log: a tunnel's line has the bytes relayed down (the origin's head and body)" \
	grep -qE "^CONNECT 127.0.0.1:$ORIGIN 200 [0-9]+ $((hdr_size - 39 + body_size)) proxied Host=127.0.0.1:$ORIGIN inflight=1\$" "$plog.connect"
check "log: a tunnel's line has the bytes relayed up (the request sent behind the CONNECT)" \
	grep -qE "^CONNECT 127.0.0.1:$ORIGIN 200 $(printf '%b' "$inner" | wc -c) [0-9]+ proxied " "$plog.connect"
check_eq "$(grep -c '^CONNECT example.com:443 403 [0-9]* proxied Host=example.com:443 inflight=1$' "$plog.connect")" 1 \
	"log: a refused CONNECT logs 403 and its Host"
check_eq "$(grep -c "^CONNECT 127.0.0.1:$ORIGIN 200 [0-9]* [0-9]* proxied " "$plog.connect") $(grep -c "^CONNECT localhost:$PX 200 " "$plog.connect")" \
	"3 1" "log: one line per tunnel"
stop_httpd "$ORIGIN_PID"
"$MC_HTTPD" -r "$www" --proxy-auth nocolon >/dev/null 2>&1
check_eq "$?" 2 "--proxy-auth without USER:PASS: exit 2"
"$MC_HTTPD" -r "$www" --stall x >/dev/null 2>&1
check_eq "$?" 2 "--stall x: exit 2"

# ---- options ---------------------------------------------------------------
"$MC_HTTPD" -p "$T/pf" >/dev/null 2>&1
check_eq "$?" 2 "missing -r: exit 2"
"$MC_HTTPD" -r "$T/no-such-dir" -p "$T/pf" >/dev/null 2>&1
check_eq "$?" 1 "missing root: exit 1"
"$MC_HTTPD" -r "$www" --fail503 101 >/dev/null 2>&1
check_eq "$?" 2 "--fail503 101: exit 2"
start_httpd "$www"
p=$HTTPD_PORT
stop_httpd "$HTTPD_PID"
start_httpd "$www" --port "$p"
check_eq "$HTTPD_PORT" "$p" "--port N listens on N"
fetch "$HTTPD_URL/page.html"
check_eq "$CODE" 200 "--port: serves"
kill -INT "$HTTPD_PID"
wait "$HTTPD_PID"
check_eq "$?" 0 "SIGINT: exit 0"
