# Headless Chromium for the HTML report tests (report_html.sh,
# report_browser.sh); named .bash so tests/run.sh does not run it as a test.
# Needs $T (tests/lib.sh).  Debian's `chromium` package is optional
# (scripts/deps.sh installs it when it can): without it CHROMIUM is empty
# and the tests say they skipped the browser check.
#
# Every run has its own profile under $T, reads a file:// URL, may resolve
# no host name (--host-resolver-rules) and is bounded by timeout(1); the
# processes still holding that profile afterwards are ours and are killed
# by their ids.

CHROMIUM=$(command -v chromium 2>/dev/null || true)

# chromium_run LOG ARGS...: run headless Chromium with ARGS (a file:// URL
# and --dump-dom or --screenshot); its stdout goes to the caller, its log to
# LOG: a console message of the page is a line with ":CONSOLE" in it
# (--enable-logging=stderr --v=0).  Returns Chromium's status.
chromium_run() {
	local log=$1 profile rc pids
	shift
	profile=$(mktemp -d "$T/chromium-profile.XXXXXX")
	timeout -k 5 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --host-resolver-rules='MAP * ~NOTFOUND' \
		--user-data-dir="$profile" --enable-logging=stderr --v=0 "$@" 2>>"$log"
	rc=$?
	pids=$(pgrep -f -- "--user-data-dir=$profile" || true)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
	fi
	return $rc
}

# chromium_console LOG: the page's console messages in LOG.
chromium_console() {
	grep -F ':CONSOLE' "$1"
}

# check_console_detected: a page that logs a console error must be seen to,
# or a clean log proves nothing (a Chromium that logs differently).
check_console_detected() {
	local page=$T/console-control.html log=$T/console-control.log
	printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>control</title></head><body><p>control</p><script>console.error("marketcrawl-control")</script></body></html>\n' >"$page"
	: >"$log"
	chromium_run "$log" --dump-dom "file://$page" >/dev/null
	check "the console check sees a control page's console.error" \
		grep -q 'CONSOLE.*marketcrawl-control' "$log"
}
