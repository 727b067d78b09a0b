#!/usr/bin/env bash
# `make demo`: the whole pipeline on the bundled demo marketplace, with
# numbers that can be checked.  It generates the demo site twice (v1, then
# v2 with known price drops, increases, new and removed products), serves
# each with the fixture server, and runs crawl → load → etl after each; then
# prints the price-drops and price-increases reports and compares them with
# the generator's ground truth (var/demo/v2/changes.tsv), printing every
# mismatch.  Between v1 and v2 it adds a watch on the first price drop of
# changes.tsv (`watch add --low all`); after the reports it loads
# illustrative exchange rates and compares the EUR and GBP stores in EUR
# (`report cheapest --currency EUR`), and it ends by showing the watch fire
# (`marketcrawl alerts`).  docs/demo.md explains what the site contains.
#
#   scripts/demo.sh [--db CONNINFO]
#   scripts/demo.sh check-report drop|increase CHANGES.tsv REPORT EXPECTED.tsv...
#
# Database: --db, else $MARKETCRAWL_DB, else the PG* environment variables
# if any is set, else a private cluster in var/pg (scripts/pgtmp.sh) holding
# a database `marketcrawl_demo` that is recreated on every run.  With your
# own database nothing is dropped: earlier demo runs there show up in the
# reports (and in the comparison).
#
# The second form is the comparison alone (tests/integration/demo_site.sh
# uses it): exit 0 when REPORT lists exactly the changes of that direction;
# the EXPECTED files (v1's and v2's) name every demo product.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

# check-report: every change of DIRECTION in CHANGES must be one report line
# carrying the listing (by external id or title, and marketplace when the
# line names one) and both its old and new price; any other line naming a
# demo product is unexpected.  Prices compare as decimals ("2.500000" is
# "2.50"), so the report's formatting does not matter.
check_report() {
	local direction=$1 changes=$2 report=$3
	shift 3
	awk -F'\t' -v dir="$direction" -v changes="$changes" -v report="$report" '
	function norm(x) {
		if (x ~ /\./) { sub(/0+$/, "", x); sub(/\.$/, "", x) }
		return x
	}
	function mentions(line, id, title) {
		return index(line, id) > 0 || index(line, title) > 0
	}
	# A line naming some demo marketplace must name this one.
	function market_ok(line, m) {
		return !(index(line, "demo-") > 0 && index(line, m) == 0)
	}
	FILENAME == changes {
		if (FNR > 1 && $10 == dir) {
			n++; cm[n] = $1; cid[n] = $2; ct[n] = $4; co[n] = norm($6); cn[n] = norm($7)
		}
		next
	}
	FILENAME != report {
		if (FNR > 1) { np++; pid[np] = $2; pt[np] = $4 }
		next
	}
	{
		line = $0
		split("", nums)
		# Dates and times are not prices ("2026-11-22 10:18:03+00" holds an 18).
		s = line
		gsub(/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]([ T][0-9][0-9]:[0-9][0-9](:[0-9][0-9](\.[0-9]+)?)?)?([+-][0-9][0-9](:?[0-9][0-9])?|Z)?/, " ", s)
		while (match(s, /[0-9]+(\.[0-9]+)?/)) {
			nums[norm(substr(s, RSTART, RLENGTH))] = 1
			s = substr(s, RSTART + RLENGTH)
		}
		named = 0
		for (i = 1; i <= np; i++)
			if (mentions(line, pid[i], pt[i])) { named = 1; break }
		matched = 0
		for (e = 1; e <= n && !matched; e++) {
			if (!found[e] && mentions(line, cid[e], ct[e]) && market_ok(line, cm[e]) &&
			    (co[e] in nums) && (cn[e] in nums)) {
				found[e] = 1
				matched = 1
			}
		}
		if (named && !matched) { print "  unexpected row: " line; bad++ }
	}
	END {
		for (e = 1; e <= n; e++) {
			if (!found[e]) {
				printf "  missing: %s %s \"%s\" %s -> %s\n", cm[e], cid[e], ct[e], co[e], cn[e]
				bad++
			}
		}
		if (bad)
			printf "MISMATCH: price-%s report differs from changes.tsv (%d problem(s), %d expected rows)\n",
			       dir == "drop" ? "drops" : "increases", bad, n
		else
			printf "check: price-%s report lists exactly the %d %ss of changes.tsv\n",
			       dir == "drop" ? "drops" : "increases", n, dir
		exit bad ? 1 : 0
	}' "$changes" "$@" "$report"
}

if [ "${1:-}" = check-report ]; then
	[ $# -ge 5 ] || { echo "usage: $0 check-report drop|increase CHANGES REPORT EXPECTED..." >&2; exit 2; }
	shift
	check_report "$@"
	exit
fi

conninfo=${MARKETCRAWL_DB:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--db) [ $# -ge 2 ] || { echo "demo: --db needs a value" >&2; exit 2; }; conninfo=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done

B=${B:-build}
case "$B" in /*) ;; *) B=$root/$B ;; esac
MC=$B/marketcrawl
HTTPD=$B/tests/httpd
GEN=$B/tools/gen_site
for p in "$MC" "$HTTPD" "$GEN"; do
	[ -x "$p" ] || { echo "demo: $p is missing; run 'make demo' (it builds it)" >&2; exit 1; }
done

work=$root/var/demo
# Staging files, their archive and crawl state stay inside var/demo.
export MARKETCRAWL_HOME=$work/data
httpd_pid=
pg_started=
cleanup() {
	if [ -n "$httpd_pid" ]; then
		kill "$httpd_pid" 2>/dev/null || true
		wait "$httpd_pid" 2>/dev/null || true
	fi
	if [ -n "$pg_started" ]; then
		"$root/scripts/pgtmp.sh" stop "$root/var/pg" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n==> %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

# ---- the database ---------------------------------------------------------
db=()
private=
if [ -n "$conninfo" ]; then
	db=(--db "$conninfo")
	echo "demo: using the database given by --db / MARKETCRAWL_DB"
elif [ -n "${PGHOST:-}${PGPORT:-}${PGDATABASE:-}${PGSERVICE:-}${PGUSER:-}" ]; then
	echo "demo: using the database of the PG* environment (${PGDATABASE:-default})"
else
	private=1
	# Stop the cluster at the end only if this run started it.
	if ! { "$root/scripts/pgtmp.sh" env "$root/var/pg" >/dev/null 2>&1 &&
		eval "$("$root/scripts/pgtmp.sh" env "$root/var/pg")" && pg_isready -q; }; then
		pg_started=1
	fi
	env_lines=$(PGTMP_DB=marketcrawl_demo "$root/scripts/pgtmp.sh" start "$root/var/pg") ||
		die "could not start the private PostgreSQL (scripts/pgtmp.sh)"
	eval "$env_lines"
	{ dropdb --if-exists -f marketcrawl_demo && createdb marketcrawl_demo; } ||
		die "could not recreate the database marketcrawl_demo"
	echo "demo: private PostgreSQL in var/pg, fresh database marketcrawl_demo"
fi
if [ -z "$private" ] && [ -z "$conninfo" ] &&
	[ "$(psql -XAtqc "select to_regclass('stg.loaded_file') is not null" 2>/dev/null)" = t ] &&
	[ "$(psql -XAtqc "select count(*) from stg.loaded_file where spider = 'demo'" 2>/dev/null)" != 0 ]; then
	echo "demo: note: this database already holds demo runs; the reports include them"
fi

# ---- the sites --------------------------------------------------------------
step "generating the demo marketplace (v1 and v2) in var/demo"
rm -rf "$work"
mkdir -p "$work"
"$GEN" demo "$work/v1" --version 1
"$GEN" demo "$work/v2" --version 2
rows() { echo $(($(wc -l <"$1") - 1)); }
echo "v1: $(rows "$work/v1/expected.tsv") products; v2: $(rows "$work/v2/expected.tsv") products," \
	"$(grep -c $'\tdrop$' "$work/v2/changes.tsv") price drops, $(grep -c $'\tincrease$' "$work/v2/changes.tsv") increases"

start_server() {
	rm -f "$work/httpd.port"
	"$HTTPD" -r "$1" -p "$work/httpd.port" 2>>"$work/httpd.log" &
	httpd_pid=$!
	for _ in $(seq 1 100); do
		[ -s "$work/httpd.port" ] && break
		sleep 0.05
	done
	[ -s "$work/httpd.port" ] || die "the fixture server did not start (var/demo/httpd.log)"
	url=http://127.0.0.1:$(cat "$work/httpd.port")/
}

stop_server() {
	kill "$httpd_pid" 2>/dev/null || true
	wait "$httpd_pid" 2>/dev/null || true
	httpd_pid=
}

# crawl_load_etl VERSION: crawl the site being served, load the file, run the ETL.
crawl_load_etl() {
	local v=$1 file items want
	step "v$v: marketcrawl crawl demo --origin $url"
	"$MC" crawl demo --origin "$url" --data-dir "$work/data" --out "$work/staging/v$v" \
		--fast --no-progress 2>"$work/crawl-v$v.log" ||
		die "crawl failed (exit $?), see var/demo/crawl-v$v.log"
	file=$(ls "$work/staging/v$v"/*.jsonl)
	items=$(grep -c '"external_id"' "$file" || true)
	want=$(rows "$work/v$v/expected.tsv")
	echo "staged $items items in ${file#"$root"/} (the site has $want)"
	[ "$items" = "$want" ] || echo "MISMATCH: staged $items items, expected $want"
	step "v$v: marketcrawl load"
	"$MC" load "${db[@]}" "$file" || die "load failed"
	step "v$v: marketcrawl etl"
	"$MC" etl "${db[@]}" || die "etl failed"
}

"$MC" db migrate "${db[@]}" >/dev/null || die "marketcrawl db migrate failed"
start_server "$work/v1"
crawl_load_etl 1
stop_server

# ---- a watch, before v2: the first price drop of changes.tsv ---------------------
IFS=$'\t' read -r w_market w_id w_title w_cur w_old w_new < <(awk -F'\t' \
	'$10 == "drop" { print $1 "\t" $2 "\t" $4 "\t" $5 "\t" $6 "\t" $7; exit }' "$work/v2/changes.tsv")
step "marketcrawl watch add --listing $w_market:$w_id --low all  (\"$w_title\", $w_old $w_cur in v1)"
watch_out=$("$MC" watch add "${db[@]}" --listing "$w_market:$w_id" --low all --label "demo") ||
	die "watch add failed"
echo "$watch_out"
watch_id=${watch_out##* }

start_server "$work/v2"
crawl_load_etl 2
stop_server

# ---- the reports -------------------------------------------------------------
status=0
for r in drops increases; do
	step "marketcrawl report price-$r"
	"$MC" report price-$r "${db[@]}" | tee "$work/price-$r.txt" || die "report price-$r failed"
done
if "$MC" report --help 2>&1 | grep -q -- '--html'; then
	"$MC" report --html "$work/report.html" "${db[@]}" && echo && echo "HTML report: var/demo/report.html"
fi

step "checking the reports against var/demo/v2/changes.tsv"
for dir in drop increase; do
	[ $dir = drop ] && report=$work/price-drops.txt || report=$work/price-increases.txt
	check_report $dir "$work/v2/changes.tsv" "$report" "$work/v1/expected.tsv" "$work/v2/expected.tsv" ||
		status=1
done

# ---- one currency: the two stores meet ---------------------------------------
# Illustrative rates in the ECB's eurofxref format, dated today (a real
# install loads the ECB's daily file: docs/fx.md).
cat >"$work/eurofxref-demo.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<Cube>
		<Cube time='$(date -u +%Y-%m-%d)'>
			<Cube currency='USD' rate='1.0800'/>
			<Cube currency='GBP' rate='0.85000'/>
			<Cube currency='CHF' rate='0.9500'/>
		</Cube>
	</Cube>
</gesmes:Envelope>
EOF
step "marketcrawl fx load  (illustrative rates for today), then report cheapest --currency EUR"
"$MC" fx load "${db[@]}" "$work/eurofxref-demo.xml" || die "fx load failed"
"$MC" report cheapest --currency EUR --limit 5 "${db[@]}" || die "report cheapest --currency EUR failed"

step "marketcrawl alerts  (v2 sells \"$w_title\" at $w_new $w_cur: the watch fires)"
"$MC" alerts "${db[@]}" | tee "$work/alerts.txt" || die "alerts failed"
fired=$("$MC" alerts "${db[@]}" --format csv | grep -c "\[watch $watch_id: demo\]" || true)
if [ "$fired" = 1 ]; then
	echo "check: watch $watch_id fired once, on the v2 price of $w_market:$w_id"
else
	echo "MISMATCH: watch $watch_id fired $fired times, expected once"
	status=1
fi
echo "(\`marketcrawl alerts --deliver\` sends them, to stdout, --exec CMD or --webhook URL: docs/alerts.md)"

if [ -n "$private" ]; then
	echo
	echo "To look around: eval \"\$(PGTMP_DB=marketcrawl_demo scripts/pgtmp.sh start var/pg)\";" \
		"then ./marketcrawl report price-drops, or psql"
fi
exit $status
