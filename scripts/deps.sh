#!/usr/bin/env bash
# Install the Debian packages marketcrawl needs to build, test and run the
# demo.  As root it runs apt-get; otherwise it prints the exact command and
# fails, so `make check` / `make demo` never half-work on a fresh machine.
# Optional packages (chromium) are installed when that works and only
# noted when it does not: their tests say they skipped.
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
# Extras for `make fuzz` and `make bench`; only installed when asked
# (MC_DEPS_EXTRA=1) or when CI runs.
extras=(clang libclang-rt-14-dev wrk valgrind)
# Optional: installed when possible (as root, when apt can), never a
# failure.  chromium: tests/integration/report_html.sh and report_browser.sh
# open the HTML report in it (headless), and say they skipped without it.
optional=(chromium)

want=("${packages[@]}")
if [ "${MC_DEPS_EXTRA:-}" = 1 ] || [ "${CI:-}" = true ]; then
	want+=("${extras[@]}")
fi

# not_installed PACKAGE...: those dpkg does not list as installed.
not_installed() {
	local p status
	for p in "$@"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$status" in
		*"install ok installed"*) ;;
		*) echo "$p" ;;
		esac
	done
}
mapfile -t missing < <(not_installed "${want[@]}")
mapfile -t optional_missing < <(not_installed "${optional[@]}")
[ ${#missing[@]} -eq 0 ] && [ ${#optional_missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	if [ ${#missing[@]} -gt 0 ]; then
		echo "marketcrawl: missing Debian packages. Run:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	echo "marketcrawl: optional, not installed: ${optional_missing[*]} (the HTML report's" \
		"browser check is skipped; sudo apt-get install -y ${optional_missing[*]} adds it)" >&2
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
	echo "marketcrawl: installing ${missing[*]}" >&2
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#optional_missing[@]} -gt 0 ]; then
	echo "marketcrawl: installing the optional ${optional_missing[*]}" >&2
	if ! { apt-get update -qq >/dev/null &&
		apt-get install -y -qq --no-install-recommends "${optional_missing[@]}" >/dev/null; }; then
		echo "marketcrawl: could not install ${optional_missing[*]} (optional: the HTML" \
			"report's browser check is skipped)" >&2
	fi
fi
exit 0
