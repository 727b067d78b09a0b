# TLS and connection reuse, which the fixture server (plain HTTP/1.1) cannot
# show: a private nginx serves the demo store over HTTPS + HTTP/2 with a
# self-signed certificate made here, and over plain HTTP/1.1.  Verification
# is on by default (nothing is fetched, the cause is logged with the URL,
# the run fails with no file), --insecure turns it off, --ca-file trusts
# the certificate while still checking the host name; the whole store comes
# over one multiplexed HTTP/2 connection with streams in flight together;
# over HTTP/1.1 one keep-alive connection carries every request.
# nginx's access log ($connection, $server_protocol) is the witness.  HTTPS
# through a proxy: the fixture server as the proxy (--proxy, https_proxy,
# with credentials) tunnels the verified crawl with CONNECT, as its log
# shows, and no_proxy sends it direct.
. "$(dirname "$0")/../lib.sh"

NGINX=$(PATH=$PATH:/usr/sbin:/sbin command -v nginx)
if [ -z "$NGINX" ]; then
	not_ok "nginx is installed (apt-get install -y nginx-light): the TLS and HTTP/2 checks did not run"
	exit 0
fi
for m in http_ssl_module http_v2_module; do
	if ! "$NGINX" -V 2>&1 | grep -q -- "--with-$m"; then
		not_ok "$NGINX has --with-$m (nginx -V): the TLS and HTTP/2 checks did not run"
		exit 0
	fi
done

# A self-signed certificate for 127.0.0.1 only (not for "localhost").
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=marketcrawl-test -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>"$T/openssl.err"
check "openssl made a self-signed certificate" test -s "$T/cert.pem"

site=$T/site
"$MC_GEN_SITE" demo "$site" --version 1 >/dev/null
# The demo spider's expected items, as "marketplace external_id" lines.
tail -n +2 "$site/expected.tsv" | cut -f1,2 | tr '\t' ' ' | LC_ALL=C sort >"$T/want_items"
check_eq "$(wc -l <"$T/want_items")" 200 "the demo store has 200 products"

# Eight product pages served at 4 KB/s (nginx limit_rate): each takes over
# a second, so pages fetched one after another could never overlap.
mkdir -p "$site/slow"
pad=$(head -c 9000 /dev/zero | tr '\0' 'x')
for i in 1 2 3 4 5 6 7 8; do
	echo "<html><head><script type=\"application/ld+json\">{\"@type\":\"Product\",\"sku\":\"s$i\",\"name\":\"Slow $i\",\"offers\":{\"price\":\"$i.00\",\"priceCurrency\":\"EUR\"}}</script></head><body><p>$pad</p></body></html>" \
		>"$site/slow/$i.html"
	echo "<a href=\"/slow/$i.html\">$i</a>" >>"$site/slow/index.html"
done
token=ready-$RANDOM$RANDOM
echo "$token" >"$site/ready.txt"

# start_nginx: nginx (no daemon, pid and logs in $T) on two free random
# ports of 127.0.0.1: HTTPS + HTTP/2 on TLS_URL, plain HTTP/1.1 on HTTP_URL.
# Ready when both answer with this test's token (not another server's).
start_nginx() {
	local i pid tls http
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		tls=$((20000 + RANDOM % 20000))
		http=$((20000 + RANDOM % 20000))
		[ "$tls" = "$http" ] && continue
		cat >"$T/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $T/nginx.pid; error_log $T/nginx.err;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types; access_log off; keepalive_requests 100000;
  log_format conns '\$connection \$server_protocol \$status \$request_uri \$msec \$request_time';
  server { listen 127.0.0.1:$tls ssl http2; root $site; access_log $T/tls.log conns;
    ssl_certificate $T/cert.pem; ssl_certificate_key $T/key.pem;
    location /slow/ { limit_rate 4k; } }
  server { listen 127.0.0.1:$http; root $site; access_log $T/http.log conns; }
}
EOF
		"$NGINX" -c "$T/nginx.conf" 2>>"$T/nginx.out" &
		pid=$!
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			if [ "$(curl -sk "https://127.0.0.1:$tls/ready.txt")" = "$token" ] &&
				[ "$(curl -s "http://127.0.0.1:$http/ready.txt")" = "$token" ]; then
				_mc_pids+=("$pid")
				TLS_URL=https://127.0.0.1:$tls
				HTTP_URL=http://127.0.0.1:$http
				return 0
			fi
			sleep 0.05
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	return 1
}

if ! start_nginx; then
	not_ok "a private nginx serves https and http on 127.0.0.1"
	sed 's/^/# /' "$T/nginx.out" "$T/nginx.err" 2>/dev/null | tail -n 5
	exit 0
fi
ok "a private nginx serves https and http on 127.0.0.1"

# served LOG BASE_URL: the requests LOG holds, once it is complete.  nginx
# writes a line when it finishes a request, so one more request (a marker,
# sent after the crawl ended, handled later by the single worker) is
# awaited; it is left out.
served() {
	local mark=/served-$RANDOM$RANDOM i
	curl -sk -o /dev/null "$2$mark"
	for i in $(seq 1 100); do
		grep -q " $mark " "$1" && break
		sleep 0.05
	done
	grep -v " $mark " "$1"
}

# crawl NAME ARGS...: the demo spider into $T/NAME; exit status in $rc, the
# run record in $run, stderr in $T/NAME.err.  The access logs start empty.
# The demo store is the spider's own start URL moved with --origin, so a
# run that sees it all is complete.
crawl() {
	local name=$1
	shift
	: >"$T/tls.log"
	: >"$T/http.log"
	timeout 120 "$MC_BIN" crawl demo --out "$T/$name" --no-progress "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	run=$(tail -n 1 "$T/$name"/*.jsonl 2>/dev/null | jq -c .run)
}
stat() { jq -cr "$1" <<<"$run"; }
# summary NAME FIELD: a line of crawl NAME's statistics on stderr (a failed
# run has no run record).
summary() { sed -n "s/^  $2  *//p" "$T/$1.err"; }
# failed NAME: exit 1, no staging file, the verdict as the last stderr line.
failed() {
	echo "$rc $(ls "$T/$1" 2>/dev/null | wc -l) $(tail -n 1 "$T/$1.err" | cut -d'(' -f1)"
}
items() { sed '1d;$d' "$T/$1"/*.jsonl | jq -r '.marketplace + " " + .external_id' | LC_ALL=C sort; }
conns() { cut -d' ' -f1 | sort -u | wc -l; }

# ---- verification on by default -------------------------------------------
data=$T/data/nested  # not created: the crawl makes it (health state included)
crawl verify --origin "$TLS_URL" --data-dir "$data"
check_eq "$(failed verify)" "1 0 marketcrawl crawl: demo: run failed: nothing could be fetched " \
	"default: nothing could be fetched: the run fails (exit 1, docs/exit-codes.md), no file"
check "default: the verdict names robots.txt and tls_error" \
	grep -qF "(first failure: $TLS_URL/robots.txt: tls_error)" <(tail -n 1 "$T/verify.err")
check_eq "$(summary verify errors) $(summary verify robots.txt)" 'tls_error=1 1 fetched, 1 denied' \
	"default: robots.txt fails verification (errors.tls_error), so the site is disallowed"
check "default: the cause is logged with the URL" \
	grep -qF "$TLS_URL/robots.txt: tls_error (SSL certificate problem: self-signed certificate)" "$T/verify.err"
check_eq "$(served "$T/tls.log" "$TLS_URL" | wc -l)" 0 "default: nginx served nothing"

crawl verify_page --origin "$TLS_URL" --no-robots --no-health
check_eq "$(summary verify_page requests) $(summary verify_page retries) $(summary verify_page errors)" \
	'1 0 (exhausted 0) tls_error=1' "default, --no-robots: the page fails verification once, never retried"
check "default, --no-robots: the page's URL is logged" grep -qF "$TLS_URL/: tls_error (SSL" "$T/verify_page.err"

# ---- --insecure, and HTTP/2 multiplexing -----------------------------------
crawl insecure --origin "$TLS_URL" --data-dir "$data" --insecure --per-host 8 --concurrency 8 --delay 0
check_eq "$rc $(stat .status) $(stat .stats.errors)" "0 complete {}" "--insecure: complete, no errors"
check_eq "$(items insecure)" "$(cat "$T/want_items")" "--insecure: exactly the 200 expected items"
served "$T/tls.log" "$TLS_URL" >"$T/insecure.log"
requests=$(stat .stats.requests)
check_eq "$(wc -l <"$T/insecure.log")" "$requests" "HTTP/2: nginx logged every request of the crawl ($requests)"
check_eq "$(cut -d' ' -f2 "$T/insecure.log" | sort | uniq -c | awk '{print $2 " " $1}')" "HTTP/2.0 $requests" \
	"HTTP/2: every request used HTTP/2"
n=$(conns <"$T/insecure.log")
check "HTTP/2: $requests requests with --per-host 8 took $n connection(s) (at most 2)" test "$n" -ge 1 -a "$n" -le 2

# Streams in flight together: the eight 4 KB/s pages share one connection
# and every one started (msec - request_time) before any finished.
rm -rf "$T/slow"
: >"$T/tls.log"
timeout 120 "$MC_BIN" crawl schemaorg --start-url "$TLS_URL/slow/index.html" --allow-domain 127.0.0.1 \
	--out "$T/slow" --insecure --per-host 8 --concurrency 8 --delay 0 --no-robots --no-health \
	--no-progress >/dev/null 2>"$T/slow.err"
check_eq "$(tail -n 1 "$T"/slow/*.jsonl | jq -r .run.items)" 8 "HTTP/2: the eight slow pages' items"
served "$T/tls.log" "$TLS_URL" | grep -E ' /slow/[1-8]\.html ' >"$T/slow.log"
check_eq "$(wc -l <"$T/slow.log") $(conns <"$T/slow.log") $(cut -d' ' -f2 "$T/slow.log" | sort -u)" \
	"8 1 HTTP/2.0" "HTTP/2: the eight slow pages came over one connection"
check_eq "$(awk '{ s = $5 - $6; e = $5 + 0
		if (NR == 1 || s > last_start) last_start = s
		if (NR == 1 || e < first_end) first_end = e }
	END { print (NR == 8 && last_start < first_end) ? "overlap" : "no overlap" }' "$T/slow.log")" overlap \
	"HTTP/2: the eight streams were in flight at the same time (multiplexed)"

# A site whose certificate stops verifying fails, even after a good run
# (failed is more serious than suspect): no file that could delist.
crawl verify_again --origin "$TLS_URL" --data-dir "$data"
check_eq "$(failed verify_again)" "1 0 marketcrawl crawl: demo: run failed: nothing could be fetched " \
	"default after a good run: nothing fetched fails the run (exit 1), no file"
check "the good run stays the reference" grep -q ' 200 0 full$' "$data/state/demo.last"

# ---- --ca-file --------------------------------------------------------------
crawl cafile --origin "$TLS_URL" --ca-file "$T/cert.pem" --no-health --delay 0
check_eq "$rc $(stat .status) $(stat .stats.errors)" "0 complete {}" "--ca-file: verified, complete, no errors"
check_eq "$(items cafile)" "$(cat "$T/want_items")" "--ca-file: exactly the 200 expected items"
localhost_url=https://localhost:${TLS_URL##*:}
crawl mismatch --origin "$localhost_url" --ca-file "$T/cert.pem" --no-health
check_eq "$(failed mismatch) $(summary mismatch errors)" \
	"1 0 marketcrawl crawl: demo: run failed: nothing could be fetched  tls_error=1" \
	"--ca-file, host name not in the certificate: tls_error, no items"
check "--ca-file, host name mismatch: the cause is logged with the URL" grep -qF \
	"$localhost_url/robots.txt: tls_error (SSL: no alternative certificate subject name matches target host name 'localhost')" \
	"$T/mismatch.err"
check_eq "$(served "$T/tls.log" "$TLS_URL" | wc -l)" 0 "host name mismatch: nginx served nothing"
crawl nofile --origin "$TLS_URL" --ca-file "$T/missing.pem" --no-health
check_eq "$rc $(grep -c "ca-file: cannot read '$T/missing.pem'" "$T/nofile.err")" "2 1" \
	"--ca-file with a missing file: usage error (exit 2) naming it"
echo "not a certificate" >"$T/junk.pem"
crawl junk --origin "$TLS_URL" --ca-file "$T/junk.pem" --no-robots --no-health
check_eq "$rc $(summary junk errors)" '1 tls_error=1' "--ca-file with a file that is not PEM: tls_error"

# ---- HTTP/1.1 keep-alive -----------------------------------------------------
crawl plain --origin "$HTTP_URL" --per-host 1 --delay 0 --no-health
check_eq "$rc $(stat .status)" "0 complete" "HTTP/1.1: complete"
check_eq "$(items plain)" "$(cat "$T/want_items")" "HTTP/1.1: exactly the 200 expected items"
served "$T/http.log" "$HTTP_URL" >"$T/plain.log"
requests=$(stat .stats.requests)
check_eq "$(wc -l <"$T/plain.log") $(cut -d' ' -f2 "$T/plain.log" | sort -u)" "$requests HTTP/1.1" \
	"HTTP/1.1: nginx logged every request ($requests), all HTTP/1.1"
check_eq "$(conns <"$T/plain.log")" 1 "HTTP/1.1 keep-alive: one connection carried all $requests requests"

# ---- HTTPS through a proxy: CONNECT tunnels ---------------------------------
# The fixture server is the proxy; a tunnel's log line is written when it
# closes, so the proxy is stopped (closing every tunnel) before its log is
# read.  Verification stays on (--ca-file): the TLS session is end to end.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
tls_port=${TLS_URL##*:}
secret=tunn3l-s3cret
# proxy NAME [HTTPD ARGS...]: a fresh fixture server as a proxy, logging to
# $T/NAME.proxy.log; sets PX, PX_PID.
proxy() {
	local name=$1
	shift
	start_httpd "$site" -l "$T/$name.proxy.log" "$@"
	PX=$HTTPD_PORT PX_PID=$HTTPD_PID
	: >>"$T/$name.proxy.log"
}
# tunnelled NAME: stop the proxy, then check that crawl NAME is complete
# with every item, that nginx served each of its requests, and that every
# line of the proxy's log is a CONNECT tunnel to nginx's TLS port.
tunnelled() {
	stop_httpd "$PX_PID"
	check_eq "$rc $(stat .status) $(stat .stats.errors)" "0 complete {}" "$1: verified, complete, no errors"
	check_eq "$(items "$1")" "$(cat "$T/want_items")" "$1: exactly the 200 expected items"
	check_eq "$(served "$T/tls.log" "$TLS_URL" | wc -l)" "$(stat .stats.requests)" \
		"$1: nginx served every request of the crawl"
	check "$1: the proxy's log shows CONNECT tunnels" grep -q '^CONNECT ' "$T/$1.proxy.log"
	check_eq "$(grep -vcE "^CONNECT 127\.0\.0\.1:$tls_port 200 [0-9]+ [0-9]+ proxied Host=127\.0\.0\.1:$tls_port inflight=[0-9]+\$" "$T/$1.proxy.log")" 0 \
		"$1: every request to the proxy was a CONNECT tunnel to nginx's TLS port"
}

proxy via_option
crawl via_option --origin "$TLS_URL" --ca-file "$T/cert.pem" --no-health --delay 0 --proxy "http://127.0.0.1:$PX"
tunnelled via_option

proxy via_env
export https_proxy=http://127.0.0.1:$PX
crawl via_env --origin "$TLS_URL" --ca-file "$T/cert.pem" --no-health --delay 0
tunnelled via_env

proxy no_proxy
export https_proxy=http://127.0.0.1:$PX no_proxy=127.0.0.1
crawl no_proxy --origin "$TLS_URL" --ca-file "$T/cert.pem" --no-health --delay 0
stop_httpd "$PX_PID"
check_eq "$rc $(stat .status) $(items no_proxy | wc -l)" "0 complete 200" "no_proxy=127.0.0.1 with https_proxy set: complete"
check_eq "$(wc -l <"$T/no_proxy.proxy.log")" 0 "no_proxy=127.0.0.1: direct, the proxy saw no CONNECT"
check_eq "$(served "$T/tls.log" "$TLS_URL" | wc -l)" "$(stat .stats.requests)" "no_proxy=127.0.0.1: nginx served every request"
unset https_proxy no_proxy

proxy auth --proxy-auth "bob:$secret"
crawl auth --origin "$TLS_URL" --ca-file "$T/cert.pem" --no-health --delay 0 --proxy "http://bob:$secret@127.0.0.1:$PX"
tunnelled auth
check_eq "$(grep -c " 407 " "$T/auth.proxy.log")" 0 "with credentials: every CONNECT carried Proxy-Authorization"
check_eq "$(cat "$T/auth.out" "$T/auth.err" "$T"/auth/* | grep -c "$secret")" 0 \
	"with credentials: the password is printed nowhere (output, log, staging file)"
check "with credentials: the proxy is named masked in the run record" \
	test "$(stat '.stats.proxies[0].proxy')" = "http://***@127.0.0.1:$PX"

proxy noauth --proxy-auth "bob:$secret"
crawl noauth --origin "$TLS_URL" --ca-file "$T/cert.pem" --no-health --retries 0 --proxy "http://127.0.0.1:$PX"
stop_httpd "$PX_PID"
check_eq "$(failed noauth)" "1 0 marketcrawl crawl: demo: run failed: nothing could be fetched " \
	"without the credentials the proxy requires: nothing fetched, the run fails"
check "without credentials: the CONNECT was answered 407" \
	grep -q "^CONNECT 127.0.0.1:$tls_port 407 " "$T/noauth.proxy.log"
check "without credentials: the failure is proxy_auth_required" grep -q proxy_auth_required "$T/noauth.err"
