# The allocation-failure switch (base/alloc.c): MC_FAIL_ALLOC=N makes
# the Nth allocation fail — ours, libxml2's, jansson's and libcurl's — and
# the policy is: print "marketcrawl: out of memory", exit 1.  This walks N
# over a small crawl of the fixture server (every N up to 300, then a
# stride, through the whole run) and checks that each run either completes
# (N past the last allocation) or exits 1 with that message: never a
# signal, never another status, and a failed run leaves no .jsonl (at most
# a .part, which load never reads).  The same walk, shorter, with parser
# threads (--workers 2) and over `load` (a failed load leaves nothing in
# the database; the next load is exact).
. "$(dirname "$0")/../lib.sh"

site=$T/site
out=$T/out
mkdir -p "$site/p"
for i in 1 2; do
	printf '<html><head><script type="application/ld+json">{"@type":"Product","sku":"s%s","name":"Game %s","offers":{"price":"%s.00","priceCurrency":"EUR"}}</script></head></html>' "$i" "$i" "$i" > "$site/p/$i.html"
done
echo '<html><body><a href="/p/1.html">1</a><a href="/p/2.html">2</a></body></html>' > "$site/index.html"
printf 'User-agent: *\nAllow: /\n' > "$site/robots.txt"
start_httpd "$site"

HEALTH=--no-health
# crawl_at N [ARGS...]: one crawl with MC_FAIL_ALLOC=N (and $HEALTH); sets RC, OOM (1 when
# the message was printed), JSONL (complete files), ITEMS.
crawl_at() {
	local n=$1
	shift
	rm -rf "$out"
	MC_FAIL_ALLOC=$n timeout 60 "$MC_BIN" crawl schemaorg --start-url "$HTTPD_URL/" --allow-domain 127.0.0.1 \
		--out "$out" --delay 0 --no-progress $HEALTH "$@" >/dev/null 2>"$T/err"
	RC=$?
	OOM=0
	grep -qx 'marketcrawl: out of memory' "$T/err" && OOM=1
	JSONL=$(ls "$out"/*.jsonl 2>/dev/null | wc -l)
	ITEMS=
	[ "$JSONL" = 1 ] && ITEMS=$(sed '1d;$d' "$out"/*.jsonl | jq -r .external_id | sort | tr '\n' ' ')
}

# find_k [ARGS...]: the last allocation of a normal run, i.e. the largest N
# that still fails (binary search; the count moves by a few between runs
# with timing).  Sets K.
find_k() {
	local lo=1 hi=1000000 mid
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		crawl_at "$mid" "$@"
		if [ "$OOM" = 1 ]; then lo=$mid; else hi=$mid; fi
	done
	K=$lo
}
MARGIN=30 # how far the count may move between runs

# walk LABEL "N..." [CRAWL-ARGS...]: one crawl per N, then the assertions.
walk() {
	local label=$1 list=$2 n runs=0 bad_status= no_msg= left_jsonl= early_ok= late_fail=
	shift 2
	for n in $list; do
		crawl_at "$n" "$@"
		runs=$((runs + 1))
		case "$RC" in
		0 | 1) ;;
		*) bad_status="$bad_status $n:$RC" ;;
		esac
		[ "$RC" = 1 ] && [ "$OOM" = 0 ] && no_msg="$no_msg $n"
		[ "$RC" = 1 ] && [ "$JSONL" != 0 ] && left_jsonl="$left_jsonl $n"
		[ "$RC" = 0 ] && [ "$n" -le $((K - MARGIN)) ] && early_ok="$early_ok $n"
		[ "$RC" = 0 ] && [ "$ITEMS" != "s1 s2 " ] && late_fail="$late_fail $n:$ITEMS"
	done
	echo "# $label: $runs runs, N from $(echo $list | cut -d' ' -f1) to $n (last allocation about $K)"
	check_eq "${bad_status:-none}" none "$label: every run exited 0 or 1 (no signal, no crash, no hang)"
	check_eq "${no_msg:-none}" none "$label: every exit 1 printed 'marketcrawl: out of memory'"
	check_eq "${left_jsonl:-none}" none "$label: no failed run left a .jsonl"
	check_eq "${early_ok:-none}" none "$label: every N well inside the run failed (the switch works)"
	check_eq "${late_fail:-none}" none "$label: every run that exited 0 wrote both items"
}

crawl_at 1000000
check_eq "$RC $OOM $ITEMS" "0 0 s1 s2 " "a run with the switch set past the end completes"
find_k
echo "# a small crawl makes about $K allocations"
check "the allocation count was found (K=$K)" test "$K" -gt 100
stride=$(((K - 300) / 250 + 1))
walk "crawl" "$(seq 1 300) $(seq 301 "$stride" $((K - MARGIN))) $(seq $((K - MARGIN + 1)) $((K + MARGIN)))"
walk "crawl --workers 2" "$(seq 1 50) $(seq 51 $((stride * 8)) $((K + MARGIN)))" --workers 2
# With the health check on, a complete run also records its state
# (DATA/state): the end of the run, walked allocation by allocation.
HEALTH=
find_k --data-dir "$T/hdata"
walk "crawl with the health check" "$(seq $((K - 80)) $((K + MARGIN)))" --data-dir "$T/hdata"
HEALTH=--no-health
# --- load: a failed load leaves nothing behind -------------------------------------
fresh_db || { not_ok "createdb"; exit 1; }
mc db migrate >/dev/null || { not_ok "db migrate"; exit 1; }
crawl_at 0
file=$T/a.jsonl
cp "$out"/*.jsonl "$file"
bad= loaded= runs=0
for n in $(seq 1 400); do
	MC_FAIL_ALLOC=$n timeout 60 "$MC_BIN" load --keep "$file" >/dev/null 2>"$T/err"
	rc=$?
	runs=$((runs + 1))
	if [ "$rc" = 0 ]; then
		loaded=$n
		break
	fi
	[ "$rc" = 1 ] && grep -qx 'marketcrawl: out of memory' "$T/err" || bad="$bad $n:$rc"
	[ "$(sql 'select count(*) from stg.loaded_file')" = 0 ] || bad="$bad $n:partial"
done
echo "# load: $runs runs, the first to succeed had MC_FAIL_ALLOC=$loaded"
check_eq "${bad:-none}" none "load: every failed run exited 1 with the message and left nothing in the database"
check "load: some run got past the last allocation" test -n "$loaded"
check_eq "$(sql 'select rows_accepted from stg.loaded_file')" 2 "load: the successful run loaded the file exactly once"
