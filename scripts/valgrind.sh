#!/usr/bin/env bash
# `make valgrind`: one demo crawl under valgrind memcheck.  The demo site
# (tools/gen_site demo, version 1) is served by the fixture server and
# crawled by the `demo` spider with parser threads (--workers 2, so the
# parse pool and the page arena are covered too); memcheck looks for
# invalid reads and writes, uses of uninitialised memory, bad frees and
# leaks (--leak-check=full).  Exit status: 0 when memcheck found nothing
# and the crawl completed with every demo product, non-zero otherwise.
# The full report is kept in build/valgrind/memcheck.log.
#
#   B=build scripts/valgrind.sh [EXTRA-CRAWL-OPTIONS...]
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case "$B" in /*) ;; *) B=$root/$B ;; esac
MC=$B/marketcrawl
HTTPD=$B/tests/httpd
GEN=$B/tools/gen_site
out=$root/build/valgrind

die() { echo "valgrind: $*" >&2; exit 1; }
command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
for p in "$MC" "$HTTPD" "$GEN"; do
	[ -x "$p" ] || die "$p is missing; run 'make valgrind' (it builds it)"
done
# ASan and valgrind do not mix: refuse a sanitizer build.
if nm "$MC" 2>/dev/null | grep -q __asan_init; then
	die "$MC is a sanitizer build; use B=build"
fi

work=$(mktemp -d /tmp/mc-valgrind.XXXXXX)
httpd_pid=
cleanup() {
	[ -n "$httpd_pid" ] && kill "$httpd_pid" 2>/dev/null && wait "$httpd_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$out"
"$GEN" demo "$work/site" --version 1 >/dev/null || die "gen_site failed"
"$HTTPD" -r "$work/site" -p "$work/port" 2>"$work/httpd.log" &
httpd_pid=$!
for _ in $(seq 1 100); do
	[ -s "$work/port" ] && break
	sleep 0.05
done
[ -s "$work/port" ] || die "the fixture server did not start"
url=http://127.0.0.1:$(cat "$work/port")/

echo "valgrind: crawling the demo site ($url) under memcheck; this takes a minute"
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
	--error-exitcode=99 --num-callers=30 --log-file="$out/memcheck.log" \
	"$MC" crawl demo --origin "$url" --out "$work/staging" --data-dir "$work/data" \
	--delay 0 --concurrency 8 --per-host 8 --workers 2 --no-health --no-progress "$@" \
	>"$out/crawl.out" 2>"$out/crawl.err"
rc=$?

file=$(ls "$work"/staging/*.jsonl 2>/dev/null | head -n 1)
items=0
[ -n "$file" ] && items=$(($(wc -l < "$file") - 2))
want=$(($(wc -l < "$work/site/expected.tsv") - 1))
status=$( [ -n "$file" ] && tail -n 1 "$file" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')

# The summary, and the first line of each distinct error.
grep -E 'in use at exit|total heap usage|All heap blocks|definitely lost|indirectly lost|possibly lost|ERROR SUMMARY' \
	"$out/memcheck.log" | sed 's/^==[0-9]*== */  /'
grep -E 'Invalid (read|write|free)|uninitialised|Mismatched free|overlap' "$out/memcheck.log" |
	sed 's/^==[0-9]*== */  /' | sort | uniq -c | sort -rn | head -n 20
echo "valgrind: crawl exit $rc, run ${status:-missing}, $items of $want demo items; report in build/valgrind/memcheck.log"
if [ "$rc" = 99 ]; then
	echo "valgrind: memcheck found errors or leaks (see the report)"
	exit 1
fi
[ "$rc" = 0 ] || { echo "valgrind: the crawl failed (exit $rc; build/valgrind/crawl.err)"; exit 1; }
[ "$items" = "$want" ] || { echo "valgrind: expected $want items"; exit 1; }
echo "valgrind: clean"
