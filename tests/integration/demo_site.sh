#!/usr/bin/env bash
# The demo marketplace end to end.  tools/gen_site must be deterministic and
# its two versions must differ exactly as its ground truth says; the demo
# spider, crawling through the fixture server, must stage exactly
# expected.tsv (every field of every product, and nothing under the path
# robots.txt disallows); and crawl → load → etl over v1 then v2 must report
# exactly the price drops and increases of changes.tsv.
. "$(dirname "$0")/../lib.sh"

# Every command keeps its runtime data (staging, archive, state) in $T.
export MARKETCRAWL_HOME=$T/data

gen() { "$MC_GEN_SITE" "$@"; }
rows() { echo $(($(wc -l <"$1") - 1)); }

# Drop trailing zeros of the price columns (5, 6) so "2.50" equals "2.5".
normalise_expected() {
	tail -n +2 "$1" | awk -F'\t' 'BEGIN { OFS = "\t" }
		function n(x) { if (x ~ /\./) { sub(/0+$/, "", x); sub(/\.$/, "", x) } return x }
		{ $5 = n($5); $6 = n($6); print }' | LC_ALL=C sort
}

# check_same DESC GOT_FILE WANT_FILE: equal files, else the first differences.
check_same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff "$3" "$2" | head -n 20 | sed 's/^/# /'
	fi
}

# ---- the generator --------------------------------------------------------
gen demo "$T/v1" --version 1
gen demo "$T/v1again" --version 1
gen demo "$T/v2" --version 2
gen demo "$T/v2again" --version 2
gen demo "$T/v1seed2" --version 1 --seed 2
check "same seed, same bytes (v1)" diff -r "$T/v1" "$T/v1again"
check "same seed, same bytes (v2)" diff -r "$T/v2" "$T/v2again"
check "another seed, another site" bash -c "! diff -rq '$T/v1' '$T/v1seed2' >/dev/null"
check "a non-empty OUTDIR is refused" bash -c "! '$MC_GEN_SITE' demo '$T/v1' --version 1 2>/dev/null"
gen demo "$T/bad" --version 3 2>/dev/null
check_eq "$?" 2 "a bad --version is a usage error"

v1=$T/v1 v2=$T/v2
check_eq "$(rows "$v1/expected.tsv")" 200 "v1 has 200 products"
check_eq "$(rows "$v2/expected.tsv")" 204 "v2 has 204 products"
count_store() { awk -F'\t' -v m="$2" '$1 == m' "$1" | wc -l; }
check_eq "$(count_store "$v1/expected.tsv" demo-a) $(count_store "$v1/expected.tsv" demo-b)" "104 96" \
	"v1: 104 products in store A, 96 in store B"
check_eq "$(count_store "$v2/expected.tsv" demo-a) $(count_store "$v2/expected.tsv" demo-b)" "106 98" \
	"v2: 106 products in store A, 98 in store B"
check_eq "$(cut -f7 "$v1/expected.tsv" | tail -n +2 | sort -u | tr '\n' ' ')" "CHF EUR GBP USD " \
	"four currencies"
check_eq "$(cut -f8 "$v1/expected.tsv" | tail -n +2 | sort -u | tr '\n' ' ')" \
	"in_stock out_of_stock preorder " "three availabilities"
check "free games (price 0)" grep -q $'\t0\t\t' "$v1/expected.tsv"
check "products without a product key" awk -F'\t' 'NR > 1 && $3 == "" { f = 1 } END { exit !f }' "$v1/expected.tsv"
shared=$(tail -n +2 "$v1/expected.tsv" | awk -F'\t' '$3 != ""' | cut -f3 | sort | uniq -d | wc -l)
check_eq "$shared" 40 "40 games are sold by both stores (same product_key)"

# Removed and added listings, from the two ground truths.
cut -f1,2,9 "$v1/expected.tsv" | tail -n +2 | sort >"$T/ids1"
cut -f1,2,9 "$v2/expected.tsv" | tail -n +2 | sort >"$T/ids2"
comm -23 "$T/ids1" "$T/ids2" >"$T/removed"
comm -13 "$T/ids1" "$T/ids2" >"$T/added"
check_eq "$(wc -l <"$T/removed") $(wc -l <"$T/added")" "6 10" "v2 removes 6 products and adds 10"
gone_ok=1
while IFS=$'\t' read -r _ id path; do
	[ -e "$v2$path" ] && { echo "# $path still on disk"; gone_ok=0; }
	grep -rqF "$id" "$v2/a" "$v2/b" && { echo "# $id still linked in v2"; gone_ok=0; }
done <"$T/removed"
check_eq "$gone_ok" 1 "removed products are gone from disk and from every v2 page"
pages_ok=1
for v in "$v1" "$v2"; do
	while IFS=$'\t' read -r _ _ path; do
		[ -f "$v$path" ] || { echo "# missing page $v$path"; pages_ok=0; }
	done < <(cut -f1,2,9 "$v/expected.tsv" | tail -n +2)
	n=$(( $(ls "$v/a/game" | wc -l) + $(ls "$v/b/products" | wc -l) ))
	[ "$n" = "$(rows "$v/expected.tsv")" ] || { echo "# $n product pages in $v"; pages_ok=0; }
done
check_eq "$pages_ok" 1 "one product page per expected row, and no other"

# Listing pages: 20 per page, every product linked exactly once (plus the
# staff preview on store B's first page).
check_eq "$(ls "$v1/a/games" | wc -l) $(ls "$v1/b/catalog" | wc -l)" "6 5" "v1 listing pages: 6 in A, 5 in B"
check_eq "$(cat "$v1"/a/games/*.html | grep -c 'class="product-card"')" 104 "store A listings link 104 products"
check_eq "$(cat "$v1"/b/catalog/*.html | grep -c '<article class="tile')" 97 "store B listings link 96 products + 1"
check_eq "$(grep -c 'rel="next"' "$v1"/a/games/page-6.html)" 0 "the last page has no next link"
check_eq "$(cat "$v1/robots.txt" | grep -i '^disallow')" "Disallow: /b/staff/" "robots.txt disallows one path"
check "the disallowed page exists and is linked" grep -q 'href="/b/staff/sku-99001.html"' "$v1/b/catalog/1.html"
check "store B carries JSON-LD" grep -q 'application/ld+json' "$v1/b/products/sku-10001.html"

# changes.tsv agrees with the two expected.tsv files.
check_eq "$(grep -c $'\tdrop$' "$v2/changes.tsv") $(grep -c $'\tincrease$' "$v2/changes.tsv")" "12 8" \
	"v2 has 12 price drops and 8 increases"
awk -F'\t' 'FNR == 1 { f++; next }
	f == 1 { p1[$1 SUBSEP $2] = $5; next }
	f == 2 { k = $1 SUBSEP $2; if ((k in p1) && p1[k] != $5)
		print $1 "\t" $2 "\t" p1[k] "\t" $5 "\t" ($5 + 0 < p1[k] + 0 ? "drop" : "increase") }' \
	"$v1/expected.tsv" "$v2/expected.tsv" | sort >"$T/derived"
tail -n +2 "$v2/changes.tsv" | awk -F'\t' '{ print $1 "\t" $2 "\t" $6 "\t" $7 "\t" $10 }' | sort >"$T/listed"
check_same "changes.tsv lists exactly the price differences of v1 and v2" "$T/listed" "$T/derived"

# The benchmark store.
gen bench "$T/bench" --products 120
gen bench "$T/bench2" --products 120
check "bench: same seed, same bytes" diff -r "$T/bench" "$T/bench2"
check_eq "$(ls "$T/bench/a/games" | wc -l) $(ls "$T/bench/a/game" | wc -l) $(rows "$T/bench/expected.tsv")" \
	"3 120 120" "bench: 120 products on 3 listing pages of 50"
sizes=$(find "$T/bench/a/game" -type f -printf '%s\n' | sort -n | sed -n '1p;$p' | tr '\n' ' ')
check "bench: product pages weigh 30-60 KB ($sizes)" \
	bash -c "set -- $sizes; [ \$1 -ge 30000 ] && [ \$2 -le 60000 ]"

# ---- crawling (needs the engine and the fixture server) ----------------------
if [ ! -x "$MC_BIN" ] || [ ! -x "$MC_HTTPD" ]; then
	not_ok "marketcrawl and the fixture server are built ($MC_BIN, $MC_HTTPD)"
	exit 0
fi

# staged_tsv FILE: the observations of a staging file in expected.tsv's
# columns (url reduced to its path), prices without trailing zeros, sorted.
# PostgreSQL reads the JSON; the quote and delimiter bytes never occur in it.
staged_tsv() {
	sql "set client_min_messages = warning; create table if not exists staged (line text); truncate staged" >/dev/null
	psql -X -v ON_ERROR_STOP=1 -q \
		-c "\\copy staged from '$1' with (format csv, quote e'\\x01', delimiter e'\\x02')"
	psql -X -v ON_ERROR_STOP=1 -Atq -F $'\t' -c "
		select j->>'marketplace', j->>'external_id', coalesce(j->>'product_key', ''), j->>'title',
		       trim_scale((j->>'price')::numeric)::text,
		       coalesce(trim_scale((j->>'list_price')::numeric)::text, ''),
		       j->>'currency', j->>'availability',
		       regexp_replace(j->>'url', '^https?://[^/]+', ''),
		       coalesce((select string_agg(p, ',' order by n)
		                 from jsonb_array_elements_text(j->'attrs'->'platforms')
		                      with ordinality as x(p, n)), ''),
		       coalesce(j->'attrs'->>'discount_pct', ''),
		       coalesce(j->'attrs'->>'release_date', '')
		from (select line::jsonb as j from staged) s
		where j ? 'external_id'" | LC_ALL=C sort
}
run_record() { sql "select line::jsonb->'run'->>'$1' from staged where line::jsonb ? 'run'"; }

# crawl SITE OUTDIR: serve SITE, crawl it with the demo spider into OUTDIR
# (the spider's own start URL moved to the server with --origin, so a run
# that sees the whole store is complete).
crawl() {
	start_httpd "$1"
	timeout 300 "$MC_BIN" crawl demo --origin "$HTTPD_URL" --data-dir "$T/data" --out "$2" \
		--fast --no-progress >"$2.out" 2>"$2.err"
	local rc=$?
	stop_httpd "$HTTPD_PID"
	return $rc
}

fresh_db || not_ok "a test database"
check "crawl v1 with the demo spider" crawl "$v1" "$T/staging1"
file1=$(ls "$T"/staging1/*.jsonl 2>/dev/null)
check_eq "$(echo "$file1" | grep -c .)" 1 "v1: one staging file"
if [ -f "$file1" ]; then
	staged_tsv "$file1" >"$T/got1"
	normalise_expected "$v1/expected.tsv" >"$T/want1"
	check_eq "$(wc -l <"$T/got1")" 200 "v1: 200 items staged"
	cut -f1,2,5,6,7 "$T/got1" >"$T/got1p"
	cut -f1,2,5,6,7 "$T/want1" >"$T/want1p"
	check_same "v1: every price, list price and currency as expected.tsv" "$T/got1p" "$T/want1p"
	check_same "v1: every field of every item as expected.tsv" "$T/got1" "$T/want1"
	check_eq "$(grep -c 'DB-99001' "$file1")" 0 "v1: nothing from the path robots.txt disallows"
	check_eq "$(run_record status) $(run_record items) $(run_record errors)" "complete 200 0" \
		"v1: run record says complete, 200 items, 0 errors"
fi

# The benchmark store has store A's markup: the same spider crawls it.
check "crawl the bench store with the demo spider" crawl "$T/bench" "$T/staging_bench"
fileb=$(ls "$T"/staging_bench/*.jsonl 2>/dev/null | head -n 1)
if [ -f "$fileb" ]; then
	staged_tsv "$fileb" >"$T/gotb"
	normalise_expected "$T/bench/expected.tsv" >"$T/wantb"
	check_same "bench: every item as expected.tsv" "$T/gotb" "$T/wantb"
fi

# ---- crawl → load → etl → report, v1 then v2 ---------------------------------
fresh_db || not_ok "a second test database"
check "db migrate" mc db migrate
check "load v1" mc load "$file1"
check "etl after v1" mc etl
check "crawl v2 with the demo spider" crawl "$v2" "$T/staging2"
file2=$(ls "$T"/staging2/*.jsonl 2>/dev/null | head -n 1)
if [ -f "$file2" ]; then
	staged_tsv "$file2" >"$T/got2"
	normalise_expected "$v2/expected.tsv" >"$T/want2"
	check_same "v2: every field of every item as expected.tsv" "$T/got2" "$T/want2"
fi
check "load v2" mc load "$file2"
check "etl after v2" mc etl
for dir in drop increase; do
	[ $dir = drop ] && name=price-drops || name=price-increases
	check "report $name" bash -c "'$MC_BIN' report $name >'$T/$name.txt' 2>'$T/$name.err'"
	out=$("$MC_ROOT/scripts/demo.sh" check-report $dir "$v2/changes.tsv" "$T/$name.txt" \
		"$v1/expected.tsv" "$v2/expected.tsv")
	rc=$?
	check_eq "$rc" 0 "report $name lists exactly the ${dir}s of changes.tsv"
	[ $rc -eq 0 ] || { echo "$out" | sed 's/^/# /'; sed 's/^/# report: /' "$T/$name.txt" | head -n 30; }
done
