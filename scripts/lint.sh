#!/usr/bin/env bash
# `make lint`: the include graph of the layers (docs/architecture.md), and
# the habits STYLE.md bans, found by grep so they never creep back:
# unbounded string functions, atoi, assignment inside if/while conditions,
# and files without an opening comment.
set -uo pipefail
cd "$(dirname "$0")/.."

layers="base staging crawler etl cli"
files=$(ls $(for l in $layers; do echo "$l/*.c $l/*.h"; done) spiders/*.c include/marketcrawl/*.h \
	tests/httpd/*.c tools/*.c tests/unit/*.c 2>/dev/null)
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

# The layers: a file may include only the folders below it (and its own).
# Every project header is named by its folder ("base/alloc.h"); the spider
# API is "marketcrawl/..." (include/marketcrawl/).
may_include() {
	case $1 in
	base) echo "base" ;;
	staging) echo "base staging" ;;
	crawler) echo "base staging crawler marketcrawl" ;;
	etl) echo "base staging etl" ;;
	cli) echo "base staging crawler etl cli marketcrawl" ;;
	spiders | include) echo "marketcrawl" ;;
	esac
}
hits=
for f in $(ls $(for l in $layers; do echo "$l/*.c $l/*.h"; done) spiders/*.c include/marketcrawl/*.h 2>/dev/null); do
	layer=${f%%/*}
	allowed=" $(may_include "$layer") "
	while IFS=: read -r line inc; do
		dir=${inc%%/*}
		[ "$dir" = "$inc" ] && dir="(no folder)"
		case $allowed in *" $dir "*) continue ;; esac
		hits+="$f:$line: $layer may not include \"$inc\" (allowed: $(may_include "$layer"))"$'\n'
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | sed -E 's/^([0-9]+):.*"([^"]*)".*/\1:\2/')
done
[ -n "$hits" ] && report "include against the layers (docs/architecture.md)" "${hits%$'\n'}"

hits=$(grep -nE 'TODO|FIXME' $files)
[ -n "$hits" ] && report "unfinished work marker" "$hits"

[ $bad -eq 0 ] && echo "lint: clean ($(echo "$files" | wc -w) files)"
exit $bad
