#!/usr/bin/env bash
# The test driver behind `make check`: starts a throwaway PostgreSQL cluster,
# runs every unit test program (build/tests/test_*) and every integration
# script (tests/integration/*.sh), counts their "ok" / "not ok" lines and
# ends with "N passed, N failed".  Exit status is non-zero on any failure.
#
#   B=build tests/run.sh [PATTERN]   PATTERN limits the tests run (grep -E on the name)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case "$B" in /*) ;; *) B=$root/$B ;; esac
export MC_BIN=$B/marketcrawl MC_HTTPD=$B/tests/httpd MC_GEN_SITE=$B/tools/gen_site
export MC_ROOT=$root MC_BUILD=$B
pattern=${1:-.}

work=$(mktemp -d /tmp/mc-test.XXXXXX)
chmod 755 "$work"
export MC_TEST_WORK=$work
cleanup() {
	PGTMP_DB=postgres "$root/scripts/pgtmp.sh" destroy "$work/pg" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! PGTMP_FSYNC=off PGTMP_DB=postgres "$root/scripts/pgtmp.sh" start "$work/pg" >"$work/pgenv" 2>"$work/pgerr"; then
	cat "$work/pgerr" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
# shellcheck disable=SC1090
. "$work/pgenv"

passed=0 failed=0
run_one() {
	local name=$1; shift
	local log=$work/${name//\//_}.log
	local start=$SECONDS
	"$@" >"$log" 2>&1
	local rc=$?
	local p f
	p=$(grep -c '^ok\b' "$log")
	f=$(grep -c '^not ok\b' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc" >>"$log"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name ran no check" >>"$log"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		echo "FAIL $name ($p passed, $f failed, $((SECONDS - start))s)"
		grep -E '^(not ok|#)' "$log" | head -n 40 | sed 's/^/    /'
		tail -n 15 "$log" | grep -vE '^(ok|not ok|#)' | sed 's/^/    | /'
	else
		echo "PASS $name ($p checks, $((SECONDS - start))s)"
	fi
	# Conformance and benchmark-style figures are echoed for the reader.
	grep -E '^# (conformance|pass count)' "$log" | sed 's/^/    /'
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	echo "$name" | grep -qE "$pattern" || continue
	cd "$root" && run_one "$name" "$t"
done
for t in "$root"/tests/integration/*.sh; do
	[ -f "$t" ] || continue
	name=integration/$(basename "$t" .sh)
	echo "$name" | grep -qE "$pattern" || continue
	cd "$root" && run_one "$name" bash "$t"
done

if [ $((passed + failed)) -eq 0 ]; then
	echo "tests/run.sh: no test name matches '$pattern' (names: unit/test_X, integration/X)" >&2
	exit 1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
