# `marketcrawl --version`: the version, the commit the binary was built from
# ("unknown" outside a git checkout) and the versions of the libraries it
# runs with, one per line, exit 0.  In a private git repository made from a
# copy of the tree: the commit is HEAD's, a new commit recompiles only
# version.c, and the installed binary says the same.
. "$(dirname "$0")/../lib.sh"
cd "$MC_ROOT" || exit 1

out=$(mc --version)
check_eq "$?" 0 "--version exits 0"
printf '%s\n' "$out" | sed 's/^/# /'
check_eq "$(mc version)" "$out" "'marketcrawl version' says the same"
check_eq "$(cut -d ' ' -f 1 <<<"$out" | tr '\n' ' ')" "marketcrawl commit libcurl libxml2 libpq jansson PCRE2 " \
	"one line each: marketcrawl, commit, libcurl, libxml2, libpq, jansson, PCRE2"
check "the first line is the version" grep -qE '^marketcrawl [0-9]+\.[0-9]+(\.[0-9]+)?$' <<<"$out"
if [ -e .git ] && want=$(git rev-parse --verify -q HEAD 2>/dev/null); then
	check_eq "$(sed -n 2p <<<"$out")" "commit $want" "the commit is the checkout's HEAD"
else
	check_eq "$(sed -n 2p <<<"$out")" "commit unknown" "outside a git checkout the commit is unknown"
fi
# On Debian a library and its -dev package (whose .pc pkg-config reads) are
# always the same version, so these are the versions of the loaded libraries.
lib() { awk -v n="$1" '$1 == n { print $2 }' <<<"$out"; }
for pair in libcurl:libcurl libxml2:libxml-2.0 libpq:libpq jansson:jansson PCRE2:libpcre2-8; do
	check_eq "$(lib "${pair%%:*}")" "$(pkg-config --modversion "${pair#*:}")" \
		"${pair%%:*} is the installed library's version"
done
check "libcurl names its TLS library" grep -qE '^libcurl [0-9.]+ \([A-Za-z]+' <<<"$out"

# A private repository: a copy of the tree, one commit.
src=$T/src
mkdir -p "$src"
tar -C "$MC_ROOT" --exclude=./build --exclude=./var --exclude=./.git --exclude=./marketcrawl \
	-cf - . | tar -C "$src" -xf -
cd "$src" || exit 1
unset MAKEFLAGS MFLAGS MAKELEVEL
commit() {
	git -c user.name=test -c user.email=test@example.invalid commit -q --allow-empty -m "$1"
}
git init -q . && git add -A && commit one
make -j2 SANITIZE= build/marketcrawl >"$T/make1.out" 2>&1
check_eq "$?" 0 "the copy builds"
check_eq "$(build/marketcrawl --version | sed -n 2p)" "commit $(git rev-parse HEAD)" \
	"a build in a git checkout names its HEAD"
make -j2 SANITIZE= build/marketcrawl >"$T/make2.out" 2>&1
check_eq "$(grep -c ' -c -o ' "$T/make2.out")" 0 "make again without a new commit compiles nothing"
commit two
make -j2 SANITIZE= build/marketcrawl >"$T/make3.out" 2>&1
check_eq "$(grep ' -c -o ' "$T/make3.out" | sed 's/.* -c -o \([^ ]*\) .*/\1/')" build/cli/version.o \
	"after a new commit, make recompiles version.c alone"
check_eq "$(build/marketcrawl --version | sed -n 2p)" "commit $(git rev-parse HEAD)" \
	"... and the binary names the new commit"
make -s SANITIZE= install DESTDIR="$T/inst" PREFIX=/usr >/dev/null 2>&1
check_eq "$?" 0 "make install works"
check_eq "$("$T/inst/usr/bin/marketcrawl" --version)" "$(build/marketcrawl --version)" \
	"the installed binary says the same"
