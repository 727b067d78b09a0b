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
#
# Scrapy, when python3 can import it (Debian: apt-get install
# python3-scrapy), is the same-run baseline of issue 19: right after the
# marketcrawl spiders on the first store, bench/scrapy_demo_plain.py (the
# plain spider written for Scrapy, its settings stated there) crawls a
# separate store of BENCH_SCRAPY_PRODUCTS products (default 2,000: Scrapy
# takes about 15 s for it; 0 skips the baseline) served by the same
# server, under /scrapy-store/.  Its items are checked against the
# generator's ground truth, and the ratios marketcrawl ÷ Scrapy of pages/s
# and of CPU per page are printed next to the target.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case "$B" in /*) ;; *) B=$root/$B ;; esac
products=${BENCH_PRODUCTS:-20000}
scale=${BENCH_SCALE:-1}
workers=${BENCH_WORKERS:-}   # default: what --fast picks (cores + 1)
spiders=${BENCH_SPIDERS:-demo demo_plain}
scrapy_products=${BENCH_SCRAPY_PRODUCTS:-2000}
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

# bench_one N [scrapy]: generate a store of N products, serve it, crawl it
# with each spider, then (with "scrapy") run the Scrapy baseline
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
	[ "${2:-}" != scrapy ] || scrapy_baseline "$site"
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
	awk -v got="$got" -v el="$el" -v us="$us" -v sy="$sy" \
		'BEGIN { printf "%.6f %.6f\n", got / el, (us + sy) * 1000 / got }' >"$work/rate-$spider"
}

# The python that can import scrapy, or nothing.  Debian's python3-scrapy
# lives in /usr/bin/python3, which a pyenv or virtualenv python3 earlier in
# PATH does not see.
scrapy_python() {
	local py
	for py in python3 /usr/bin/python3; do
		if "$py" -c 'import scrapy' 2>/dev/null; then
			echo "$py"
			return
		fi
	done
}

# scrapy_stat NAME: a count from the stats Scrapy logs at the end (0 if absent)
scrapy_stat() {
	sed -n "s|^[ {]'$1': \([0-9]*\).*|\1|p" "$work/scrapy.log" | tail -n 1 | grep . || echo 0
}

# scrapy_baseline SITE: the Scrapy baseline on a store of scrapy_products
# products generated under SITE/scrapy-store (served by the running server)
scrapy_baseline() {
	local site=$1 py
	[ "$scrapy_products" != 0 ] || return 0
	py=$(scrapy_python)
	if [ -z "$py" ]; then
		echo "Scrapy baseline skipped: python3 cannot import scrapy (install it: apt-get install python3-scrapy)"
		return 0
	fi
	local store=$site/scrapy-store n=$scrapy_products
	echo "generating $n products for Scrapy..." >&2
	"$B/tools/gen_site" bench "$store" --products "$n" >/dev/null || return 1
	local pages bytes
	pages=$(find "$store" -name '*.html' | wc -l)
	bytes=$(du -sb "$store" | cut -f1)
	rm -f "$work/scrapy.jsonl"
	# From $work, where no scrapy.cfg of some project changes the settings.
	(cd "$work" && /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$py" -m scrapy runspider \
		"$root/bench/scrapy_demo_plain.py" -a origin="$URL/scrapy-store/" -O "$work/scrapy.jsonl" \
		>/dev/null 2>"$work/scrapy.log") || true
	touch "$work/scrapy.jsonl"
	read -r el us sy rss <"$work/time"
	local version got items
	version=$("$py" -c 'import scrapy; print(scrapy.__version__)')
	# Pages as marketcrawl counts them: every response but robots.txt.
	got=$(($(scrapy_stat response_received_count) - $(scrapy_stat robotstxt/response_count)))
	items=$(wc -l <"$work/scrapy.jsonl")
	jq -r '[.marketplace, .external_id, .product_key, .title, .price, (.list_price // ""), .currency,
		.availability, (.url | sub("^[a-z]+://[^/]+/scrapy-store"; "")), (.platforms | join(",")),
		(.discount_pct // "" | tostring), .release_date] | @tsv' "$work/scrapy.jsonl" | sort >"$work/scrapy.tsv"
	local why=
	if [ "$got" != "$pages" ] || [ "$items" != "$n" ]; then
		why="crawled $got of $pages pages, $items of $n items"
	elif ! tail -n +2 "$store/expected.tsv" | sort | cmp -s - "$work/scrapy.tsv"; then
		why="$(tail -n +2 "$store/expected.tsv" | sort | comm -13 - "$work/scrapy.tsv" | wc -l) items unlike the store's expected.tsv"
	fi
	if [ -n "$why" ]; then
		echo "Scrapy baseline invalid: $why; the end of its log:"
		tail -n 20 "$work/scrapy.log"
		return 0
	fi
	awk -v v="$version" -v n="$n" -v pages="$pages" -v got="$got" -v items="$items" -v el="$el" -v us="$us" \
		-v sy="$sy" -v rss="$rss" -v mb="$bytes" 'BEGIN {
		printf "%-10s %-9s %7d pages (%5.0f MB)  crawled %7d  %7.0f pages/s  %7.0f items/s  cpu %6.1f s (%.2f ms/page)  peak RSS %6.1f MiB  | Scrapy %s, every item as in expected.tsv\n",
			"scrapy", n, pages, mb / 1e6, got, got / el, items / el, us + sy, (us + sy) * 1000 / got,
			rss / 1024, v }'
	local spider rate cpu
	for spider in $spiders; do
		read -r rate cpu <"$work/rate-$spider"
		awk -v sp="$spider" -v rate="$rate" -v cpu="$cpu" -v got="$got" -v el="$el" -v us="$us" -v sy="$sy" \
			-v n="$n" -v mn="$products" 'BEGIN {
			printf "ratio %s (%d products) / Scrapy (%d products): %.1fx the pages/s, %.1fx less CPU per page (target >= 30x, issue 19)\n",
				sp, mn, n, rate / (got / el), ((us + sy) * 1000 / got) / cpu }'
	done
}

echo "marketcrawl crawl benchmark ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run, spiders: $spiders, --fast ${workers:+--workers $workers})"
bench_one "$products" scrapy
[ "$scale" = 0 ] || bench_one $((products * 10))
echo "targets: >= 4000 pages/s (>= 30x Scrapy in the same run) and < 32 MiB peak RSS at 20,000 products with demo_plain (issue 19), RSS growth < 2x at 10x size"
