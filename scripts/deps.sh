#!/usr/bin/env bash
# Install the Debian packages marketcrawl needs to build, test and run the
# demo.  As root it runs apt-get; otherwise it prints the exact command and
# fails, so `make check` / `make demo` never half-work on a fresh machine.
set -euo pipefail

packages=(
	build-essential pkg-config
	libcurl4-openssl-dev libxml2-dev libpcre2-dev libpq-dev libjansson-dev zlib1g-dev libidn2-dev
	postgresql postgresql-contrib
	gzip curl ca-certificates jq python3
	nginx-light openssl
)
# nginx-light: tests/integration/crawl_tls.sh serves HTTPS + HTTP/2 with it
# (and `make bench` measures against it).  python3 (standard library only):
# the history property test, tests/property/history.py.
# Optional extras for `make fuzz`, `make bench` and the HTML report test;
# only installed when asked (MC_DEPS_EXTRA=1) or when CI runs.
extras=(clang libclang-rt-14-dev wrk chromium valgrind)

want=("${packages[@]}")
if [ "${MC_DEPS_EXTRA:-}" = 1 ] || [ "${CI:-}" = true ]; then
	want+=("${extras[@]}")
fi

missing=()
for p in "${want[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing+=("$p") ;;
	esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "marketcrawl: missing Debian packages. Run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "marketcrawl: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
