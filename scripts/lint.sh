#!/usr/bin/env bash
# `make lint`: the habits STYLE.md bans, found by grep so they never creep
# back: unbounded string functions, atoi, assignment inside if/while
# conditions, and files without an opening comment.
set -uo pipefail
cd "$(dirname "$0")/.."

files=$(ls crawler/*.c crawler/*.h etl/*.c spiders/*.c include/marketcrawl/*.h tests/httpd/*.c tools/*.c tests/unit/*.c 2>/dev/null)
bad=0

report() {
	echo "lint: $1"
	echo "$2" | sed 's/^/    /'
	bad=1
}

hits=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets)\s*\(' $files | grep -vE '^\S+:\s*[0-9]+:\s*(/\*|\*)')
[ -n "$hits" ] && report "banned function (use snprintf, mc_buf, strtol, strtok_r...)" "$hits"

# if ((x = f())) / while ((p = next())) and friends.
hits=$(grep -nE '\b(if|while)\s*\(.*\(\s*\*?[A-Za-z_][A-Za-z0-9_.>-]*(\[[^]]*\])?\s*=[^=]' $files)
[ -n "$hits" ] && report "assignment inside a condition" "$hits"

for f in $files; do
	head -n 3 "$f" | grep -q '/\*' || report "no opening comment saying why the file exists" "$f"
done

hits=$(grep -nE 'TODO|FIXME' $files)
[ -n "$hits" ] && report "unfinished work marker" "$hits"

[ $bad -eq 0 ] && echo "lint: clean ($(echo "$files" | wc -w) files)"
exit $bad
