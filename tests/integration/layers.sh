#!/usr/bin/env bash
# The layers (docs/architecture.md) hold as rules, not conventions:
# `make lint` fails on an include that goes against them (tried on a copy
# of the tree with one bad include per kind), and a program that only
# loads (build/tests/test_load_only) carries no symbol of the engine, the
# spiders or the command line, because etl/ does not call them; and the
# spider API `make install` installs is all a spider needs.
. "$(dirname "$0")/../lib.sh"
cd "$MC_ROOT" || exit 1

copy=$T/tree
mkdir -p "$copy"
cp -r scripts base staging crawler etl cli spiders include tools "$copy"/
mkdir -p "$copy/tests"
cp -r tests/httpd tests/unit "$copy/tests/"
(cd "$copy" && scripts/lint.sh) >"$T/clean.out" 2>&1
check "make lint is clean on the tree as it is" grep -q '^lint: clean' "$T/clean.out"

# bad FILE INCLUDE: lint fails naming FILE and the include.
bad() {
	cp "$1" "$T/orig"
	sed -i "0,/^#include \"/s||#include \"$2\"\n#include \"|" "$copy/$1"
	(cd "$copy" && scripts/lint.sh) >"$T/bad.out" 2>&1
	local rc=$?
	cp "$T/orig" "$copy/$1"
	check "lint fails on $1 including $2" test "$rc" -ne 0
	check "... and names the file and the include" grep -q "$1:[0-9]*: .* may not include \"$2\"" "$T/bad.out"
}
bad etl/loader.c crawler/url.h
bad etl/db.c cli/exitcode.h
bad base/buf.c staging/staging.h
bad staging/staging_line.c etl/db.h
bad crawler/engine.c etl/loader.h
bad crawler/item.c cli/commands.h
bad spiders/demo.c crawler/url.h
bad include/marketcrawl/spider.h base/alloc.h
bad etl/loader.c copy_text.h

# The loader-only program: its symbols against those of the upper layers.
prog=$MC_BUILD/tests/test_load_only
check "the loader-only program is built" test -x "$prog"
nm --defined-only "$prog" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u >"$T/prog.syms"
check "it carries the loader" grep -qx mc_loader_load_file "$T/prog.syms"
for layer in crawler spiders cli; do
	nm --defined-only "$MC_BUILD/lib/libmc_$layer.a" 2>/dev/null |
		awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u >"$T/$layer.syms"
	check "the $layer archive defines symbols" test -s "$T/$layer.syms"
	check_eq "$(comm -12 "$T/prog.syms" "$T/$layer.syms" | head -n 5 | tr '\n' ' ')" "" \
		"no symbol of $layer/ is linked into the loader-only program"
done

# The spider API is the installed header set, and it is enough: every
# spider compiles against `make install`'s headers alone.
dest=$T/install
make -s -C "$MC_ROOT" install-headers DESTDIR="$dest" PREFIX=/usr >"$T/install.out" 2>&1
check "make install(-headers) installs the spider API" test -f "$dest/usr/include/marketcrawl/spider.h"
check_eq "$(ls "$dest/usr/include/marketcrawl" | tr '\n' ' ')" "price.h registry.h spider.h " \
	"... and only the spider API"
for s in spiders/*.c; do
	check "$s compiles against the installed headers alone" \
		cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$dest/usr/include" \
		$(pkg-config --cflags libxml-2.0 jansson) -c -o "$T/spider.o" "$s"
done
