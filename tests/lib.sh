# Shell helpers for integration tests (tests/integration/*.sh source this).
# Each check prints "ok - ..." or "not ok - ..."; tests/run.sh counts them.
# Environment from tests/run.sh: MC_BIN, MC_HTTPD, MC_GEN_SITE, MC_ROOT,
# MC_TEST_WORK and the PG* variables of the throwaway cluster.
set -u

: "${MC_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${MC_BIN:=$MC_ROOT/build/marketcrawl}"
: "${MC_HTTPD:=$MC_ROOT/build/tests/httpd}"
: "${MC_GEN_SITE:=$MC_ROOT/build/tools/gen_site}"

T=$(mktemp -d "${MC_TEST_WORK:-/tmp}/t.XXXXXX")
chmod 755 "$T"
_mc_pids=()
_mc_dbs=()
_mc_cleanup() {
	local p d
	for p in "${_mc_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for d in "${_mc_dbs[@]}"; do dropdb --if-exists -f "$d" >/dev/null 2>&1; done
	rm -rf "$T"
}
trap _mc_cleanup EXIT

# Results go to fd 3 (the test's stdout, saved here), so a check whose
# command's output is redirected still reports.
exec 3>&1
ok() { echo "ok - $*" >&3; }
not_ok() { echo "not ok - $*" >&3; }

# check DESC COMMAND...: ok when the command succeeds.
check() {
	local desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq GOT WANT DESC
check_eq() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		printf '# got:  %s\n# want: %s\n' "$1" "$2" | head -n 40 >&3
	fi
}

# mc ARGS...: the marketcrawl binary under test.
mc() { "$MC_BIN" "$@"; }

# start_httpd ROOT [ARGS...]: serve ROOT on 127.0.0.1; sets HTTPD_PORT, HTTPD_URL.
start_httpd() {
	local root=$1; shift
	local pf=$T/httpd.port.$RANDOM
	"$MC_HTTPD" -r "$root" -p "$pf" "$@" 2>>"$T/httpd.log" &
	local pid=$!
	_mc_pids+=("$pid")
	local i
	for i in $(seq 1 100); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	HTTPD_PORT=$(cat "$pf")
	HTTPD_PID=$pid
	HTTPD_URL=http://127.0.0.1:$HTTPD_PORT
}

stop_httpd() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# pg_restart: restart the test cluster (fast shutdown, as an operator would)
# and wait until it accepts connections again.
pg_restart() {
	local pgbin
	pgbin=$(pg_config --bindir 2>/dev/null)
	[ -x "$pgbin/pg_ctl" ] || pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$pgbin/pg_ctl" -D "$PGHOST/data" -m fast -w restart >/dev/null
	else
		"$pgbin/pg_ctl" -D "$PGHOST/data" -m fast -w restart >/dev/null
	fi
	for _ in $(seq 1 100); do sql 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
}

# fresh_db: a new empty database for this test; sets and exports PGDATABASE.
fresh_db() {
	local name=t_$(basename "$T" | tr -c 'a-zA-Z0-9\n' '_' | tr 'A-Z' 'a-z')_${#_mc_dbs[@]}
	createdb "$name" || return 1
	_mc_dbs+=("$name")
	export PGDATABASE=$name
}

# sql QUERY: run a query on the test database, unaligned, tuples only.
sql() { psql -X -v ON_ERROR_STOP=1 -Atq -F '|' -c "$1"; }
