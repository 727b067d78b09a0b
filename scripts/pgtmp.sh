#!/usr/bin/env bash
# A private PostgreSQL cluster for the demo and the tests.
#
#   scripts/pgtmp.sh start [DIR]   initdb on first use, start, print the environment
#   scripts/pgtmp.sh env   [DIR]   print PGHOST/PGPORT/PGDATABASE/PGUSER lines (eval-able)
#   scripts/pgtmp.sh stop  [DIR]   stop the server (fast shutdown)
#   scripts/pgtmp.sh destroy DIR   stop and remove the cluster
#
# DIR defaults to var/pg.  The server listens on a unix socket in DIR only
# (listen_addresses is empty: no TCP at all).  As root the server runs as the
# unprivileged user `postgres` (initdb refuses root); DIR must then be
# reachable by that user, so when it is not (e.g. a clone under /root) the
# cluster lives in /tmp/marketcrawl-pg-<hash> and DIR/location records that.
set -euo pipefail

cmd=${1:-}
dir=${2:-var/pg}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

pgbin=${PGBIN:-}
if [ -z "$pgbin" ]; then
	if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
		pgbin=$(pg_config --bindir)
	else
		pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	fi
fi
[ -x "$pgbin/initdb" ] || { echo "pgtmp: initdb not found (install postgresql)" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Where the cluster really lives.
home=$dir
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || { echo "pgtmp: running as root needs the user 'postgres' (install postgresql)" >&2; exit 1; }
	if [ -f "$dir/location" ]; then
		home=$(cat "$dir/location")
	elif ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
		chown postgres "$dir" 2>/dev/null || true
		if ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
			home=/tmp/marketcrawl-pg-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)
			mkdir -p "$home"
			echo "$home" > "$dir/location"
		fi
	fi
	chown postgres "$home"
fi
data=$home/data
port_file=$home/port

print_env() {
	echo "PGHOST=$home"
	echo "PGPORT=$(cat "$port_file")"
	echo "PGDATABASE=${PGTMP_DB:-marketcrawl}"
	echo "PGUSER=postgres"
	echo "export PGHOST PGPORT PGDATABASE PGUSER"
}

running() {
	[ -f "$data/postmaster.pid" ] && as_owner "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
	if [ ! -f "$data/PG_VERSION" ]; then
		as_owner "$pgbin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$home/initdb.log" 2>&1 ||
			{ echo "pgtmp: initdb failed, see $home/initdb.log" >&2; exit 1; }
	fi
	if ! running; then
		# The port only names the socket file (no TCP); pick one unused in this dir.
		port=$((20000 + RANDOM % 20000))
		while [ -e "$home/.s.PGSQL.$port" ]; do port=$((port + 1)); done
		echo "$port" > "$port_file"
		as_owner "$pgbin/pg_ctl" -D "$data" -l "$home/server.log" -w -t 60 \
			-o "-c listen_addresses='' -c unix_socket_directories='$home' -p $port -c fsync=${PGTMP_FSYNC:-on} -c max_connections=50" \
			start >/dev/null ||
			{ echo "pgtmp: server did not start, see $home/server.log" >&2; exit 1; }
	fi
	db=${PGTMP_DB:-marketcrawl}
	if ! as_owner "$pgbin/psql" -h "$home" -p "$(cat "$port_file")" -U postgres -d postgres -Atqc \
		"select 1 from pg_database where datname = '$db'" | grep -q 1; then
		as_owner "$pgbin/createdb" -h "$home" -p "$(cat "$port_file")" -U postgres "$db"
	fi
	print_env
}

stop() {
	if running; then
		as_owner "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
	fi
}

case "$cmd" in
start) start ;;
env) [ -f "$port_file" ] || { echo "pgtmp: not started ($dir)" >&2; exit 1; }; print_env ;;
stop) stop ;;
destroy) stop; rm -rf "$data" "$port_file" "$home"/*.log; [ "$home" = "$dir" ] || rm -rf "$home"; rm -rf "$dir" ;;
*) echo "usage: $0 start|env|stop|destroy [DIR]" >&2; exit 2 ;;
esac
