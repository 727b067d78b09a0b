# Helpers for the loader's integration tests (tests/integration/load_*.sh
# source this after tests/lib.sh; it is not a test itself: no .sh suffix).
# They write small staging files with chosen listings, prices and times.

: "${MC_BUILD:=$MC_ROOT/build}"
GEN_STAGING=$MC_BUILD/tools/gen_staging

# obs EXT PRICE OBSERVED_AT [LIST_PRICE|null] [TITLE] [AVAILABILITY]: one observation line.
obs() {
	local lp=${4:-null}
	[ "$lp" = null ] || lp="\"$lp\""
	printf '{"marketplace":"m","external_id":"%s","url":"http://m.test/%s","title":"%s","price":"%s","list_price":%s,"currency":"EUR","availability":"%s","observed_at":"%s"}\n' \
		"$1" "$1" "${5:-Title $1}" "$2" "$lp" "${6:-in_stock}" "$3"
}

# stg FILE RUN_ID [STATUS] [STARTED_AT]: wrap stdin (observation lines) into
# a staging file (observations must not be older than STARTED_AT, default
# 2026-11-22T10:00:00Z).
stg() {
	local f=$1 run=$2 status=${3:-complete} started=${4:-2026-11-22T10:00:00Z}
	mkdir -p "$(dirname "$f")"
	{
		printf '{"format":"marketcrawl-staging","version":1,"spider":"demo","run_id":"%s","started_at":"%s"}\n' "$run" "$started"
		cat
		printf '{"run":{"spider":"demo","run_id":"%s","started_at":"%s","finished_at":"2026-11-22T10:05:00Z","status":"%s","pages":1,"items":1,"errors":0,"stats":{}}}\n' "$run" "$started" "$status"
	} >"$f"
}

# load ARGS...: run the loader with output in $T/out, $T/err; sets RC.
load() {
	mc load "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# peak_load ARGS...: run the loader like load(), sampling its peak resident
# memory (VmHWM, which only grows) until it exits; sets PEAK_KIB (the last
# sample) and RC.
peak_load() {
	local pid v
	PEAK_KIB=0
	"$MC_BIN" load "$@" >"$T/out" 2>"$T/err" &
	pid=$!
	while v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) && [ -n "$v" ]; do
		PEAK_KIB=$v
		sleep 0.01
	done
	wait "$pid"
	RC=$?
}
