#!/usr/bin/env bash
# `make bench`: crawl speed and memory, next to a same-run baseline.
#
# Generates a static store of BENCH_PRODUCTS products (default 20,000: 400
# listing pages + 20,000 product pages of 30-60 KB), serves it on 127.0.0.1
# with nginx (or the fixture server when nginx is missing), measures the raw
# fetch rate of that server with wrk (the ceiling), then crawls it in the
# --fast profile with each spider of BENCH_SPIDERS, one after the other
# against the same server: by default the tuned `demo` spider (anchored
# XPath) and `demo_plain`, the same extraction written the plain way
# (`//tag[@class='...']`, as docs/writing-a-spider.md teaches).  For each it
# prints pages/s, items/s, CPU seconds
# (and CPU milliseconds per page, the figure least disturbed by other load
# on the machine) and peak RSS.  Then the same at 10x the size
# (BENCH_SCALE=0 skips it) to show how memory grows with the site.  The
# load average before the run is printed with the figures: pages/s means
# little when something else runs.  Figures only: no thresholds here.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case "$B" in /*) ;; *) B=$root/$B ;; esac
products=${BENCH_PRODUCTS:-20000}
scale=${BENCH_SCALE:-1}
workers=${BENCH_WORKERS:-}   # default: what --fast picks (cores + 1)
spiders=${BENCH_SPIDERS:-demo demo_plain}
work=$(mktemp -d /tmp/mc-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

serve() { # DIR -> sets URL
	local dir=$1 port
	if command -v nginx >/dev/null 2>&1; then
		# Below the ephemeral range (32768+), where the previous crawl's
		# client sockets may still sit in TIME_WAIT.
		port=$((12000 + RANDOM % 20000))
		cat >"$work/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 4096; }
http { access_log off; sendfile on; keepalive_requests 100000; include /etc/nginx/mime.types;
  server { listen 127.0.0.1:$port; root $dir; } }
EOF
		nginx -c "$work/nginx.conf" &
		pids+=($!)
		server="nginx $(nginx -v 2>&1 | sed 's/.*\///')"
	else
		"$B/tests/httpd" -r "$dir" -p "$work/port" &
		pids+=($!)
		for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
		port=$(cat "$work/port")
		server="tests/httpd"
	fi
	URL=http://127.0.0.1:$port
	for _ in $(seq 1 100); do curl -fs -o /dev/null "$URL/robots.txt" && break; sleep 0.05; done
}

stop_server() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	pids=()
}

# bench_one N: generate a store of N products, serve it, crawl it with each spider
bench_one() {
	local n=$1 site=$work/site-$1
	echo "generating $n products..." >&2
	"$B/tools/gen_site" bench "$site" --products "$n" >/dev/null || return 1
	local pages bytes
	pages=$(find "$site" -name '*.html' | wc -l)
	bytes=$(du -sb "$site" | cut -f1)
	serve "$site"
	local sample
	sample=$(cd "$site" && find . -path '*game*' -name '*.html' -print -quit | sed 's|^\./||')
	local raw="-"
	if command -v wrk >/dev/null 2>&1; then
		raw=$(wrk -t2 -c64 -d5s "$URL/$sample" 2>/dev/null | awk '/Requests\/sec/ {printf "%.0f", $2}')
	fi
	for spider in $spiders; do
		crawl_one "$spider" "$n" "$pages" "$bytes" "$raw"
	done
	stop_server
	rm -rf "$site"
}

# crawl_one SPIDER N PAGES BYTES RAW -> prints one result line
crawl_one() {
	local spider=$1 n=$2 pages=$3 bytes=$4 raw=$5
	rm -rf "$work/out"
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$B/marketcrawl" crawl "$spider" --origin "$URL/" \
		--fast ${workers:+--workers "$workers"} --no-health --no-progress --out "$work/out" \
		>/dev/null 2>"$work/crawl.err"
	read -r el us sy rss <"$work/time"
	local run got items
	run=$(tail -n 1 "$work"/out/*.jsonl)
	got=$(jq -r .run.pages <<<"$run")
	items=$(jq -r .run.items <<<"$run")
	awk -v sp="$spider" -v n="$n" -v pages="$pages" -v got="$got" -v items="$items" -v el="$el" -v us="$us" \
		-v sy="$sy" -v rss="$rss" -v raw="$raw" -v mb="$bytes" -v srv="$server" 'BEGIN {
		printf "%-10s %-9s %7d pages (%5.0f MB)  crawled %7d  %7.0f pages/s  %7.0f items/s  cpu %6.1f s (%.2f ms/page)  peak RSS %6.1f MiB  | baseline %s raw fetch %s req/s\n",
			sp, n, pages, mb / 1e6, got, got / el, items / el, us + sy, (us + sy) * 1000 / got,
			rss / 1024, srv, raw }'
}

echo "marketcrawl crawl benchmark ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run, spiders: $spiders, --fast ${workers:+--workers $workers})"
bench_one "$products"
[ "$scale" = 0 ] || bench_one $((products * 10))
echo "targets: >= 4000 pages/s and < 32 MiB peak RSS at 20,000 products with demo_plain (issue 19), RSS growth < 2x at 10x size"
