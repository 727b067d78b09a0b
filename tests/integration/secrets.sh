# A database password never leaks: every command that takes --db (run,
# crawl, load, etl, report, db, metrics) is run with a password in a
# key=value string, in a URI and in PGPASSWORD — against the real database
# (trust auth ignores the password, so the commands succeed) and against a
# wrong port, a missing host and malformed strings (so they fail and explain
# why), among them URIs libpq cannot parse (%zz, %00) or parses into pieces
# (an unencoded '/' or '@' in the password).
# The secret must appear nowhere: not on stdout or stderr, not in staging
# files, run records, archives or state files, not in the database.
. "$(dirname "$0")/../lib.sh"
fresh_db || { not_ok "createdb"; exit 1; }
db=$PGDATABASE

S=SECRET_pw_4711
GOOD="host=$PGHOST port=$PGPORT dbname=$db user=$PGUSER password=$S"
URI="postgresql://$PGUSER:${S}_uri@/$db?host=$(jq -rn --arg h "$PGHOST" '$h | @uri')&port=$PGPORT"

site=$T/site
mkdir -p "$site/p"
for i in 1 2; do
	printf '<html><head><script type="application/ld+json">{"@type":"Product","sku":"s%s","name":"Game %s","offers":{"price":"%s.00","priceCurrency":"EUR"}}</script></head></html>' "$i" "$i" "$i" > "$site/p/$i.html"
done
echo '<html><body><a href="/p/1.html">1</a><a href="/p/2.html">2</a></body></html>' > "$site/index.html"
start_httpd "$site"
data=$T/data
logs=$T/logs
mkdir -p "$logs"
n=0
# run_mc EXPECT LABEL ARGS...: run marketcrawl with output kept in $logs;
# EXPECT is "ok" (exit 0) or "fail" (exit non-zero with a message).
run_mc() {
	local expect=$1 label=$2 rc
	shift 2
	n=$((n + 1))
	timeout 120 "$MC_BIN" "$@" >"$logs/$n.out" 2>"$logs/$n.err"
	rc=$?
	if [ "$expect" = ok ]; then
		check_eq "$rc" 0 "$label: exits 0"
	else
		check "$label: fails (exit $rc) with a message on stderr" test "$rc" -ne 0 -a "$rc" -ne 124 -a -s "$logs/$n.err"
	fi
}
CRAWL_OPTS=(--start-url "$HTTPD_URL/" --allow-domain 127.0.0.1 --data-dir "$data" --delay 0 --no-progress)

# --- the right database, with a password (ignored by trust auth) -----------------
run_mc ok "db migrate --db key=value" db migrate --db "$GOOD"
run_mc ok "db status --db key=value" db status --db "$GOOD"
run_mc ok "run (crawl+load+etl) --db key=value" run schemaorg --db "$GOOD" "${CRAWL_OPTS[@]}" --log-level debug
check_eq "$(sql 'select count(*) from core.listing')" 2 "run: both listings reached the core model"
run_mc ok "crawl --db key=value" crawl schemaorg --db "$GOOD" "${CRAWL_OPTS[@]}" --log-level debug
run_mc ok "load --db key=value" load --db "$GOOD" --data-dir "$data"
run_mc ok "etl --db key=value" etl --db "$GOOD"
run_mc ok "etl --check --db key=value" etl --check --db "$GOOD"
run_mc ok "report --db key=value" report current-prices --db "$GOOD"
check_eq "$(grep -c 'Game 1' "$logs/$n.out")" 1 "report: the listing is printed"
run_mc ok "report --html --db key=value" report --html "$logs/report.html" --db "$GOOD"
run_mc ok "db status --db URI" db status --db "$URI"
run_mc ok "report --db URI" report cheapest --db "$URI" --format json
PGPASSWORD=$S run_mc ok "db status with PGPASSWORD" db status
PGPASSWORD=$S run_mc ok "etl with PGPASSWORD" etl

# --- wrong port, missing host, malformed strings ---------------------------------------
BAD_PORT="host=$PGHOST port=1 dbname=$db user=$PGUSER password=$S"
BAD_TCP="host=127.0.0.1 port=1 dbname=$db user=$PGUSER password=$S connect_timeout=5"
BAD_HOST="host=$T/nowhere dbname=$db user=$PGUSER password=$S"
# A staging file to load (load connects only when it has something to load).
cp "$(find "$data/archive" -name '*.jsonl' | head -n 1)" "$T/again.jsonl"
for cmd in "db status" "db migrate" "load --keep $T/again.jsonl" "etl" "report current-prices"; do
	# shellcheck disable=SC2086
	run_mc fail "${cmd%% /*}, wrong port" $cmd --db "$BAD_PORT"
	check "${cmd%% /*}, wrong port: says it cannot connect" grep -qi 'connect' "$logs/$n.err"
done
run_mc fail "run, wrong port" run schemaorg --db "$BAD_PORT" "${CRAWL_OPTS[@]}"
run_mc fail "db status, TCP port 1" db status --db "$BAD_TCP"
run_mc fail "load, missing socket directory" load --db "$BAD_HOST" --keep "$T/again.jsonl"
PGPASSWORD=$S run_mc fail "db status, PGPASSWORD and a wrong port" db status --db "host=$PGHOST port=1 dbname=$db"
run_mc fail "db status, URI with a wrong port" db status --db "postgresql://$PGUSER:${S}_uri@/$db?host=$(jq -rn --arg h "$PGHOST" '$h | @uri')&port=1"
run_mc fail "db status, malformed URI (libpq quotes it)" db status --db "postgresql://u:${S}_uri@[::1"
run_mc fail "db status, unknown option after the password" db status --db "password=$S bogus_option=1"
run_mc fail "db status, unterminated quote" db status --db "host=$PGHOST password='$S"
run_mc fail "db status, bad port in a URI" db status --db "postgresql://u:${S}_uri@localhost:notaport/db"

# --- malformed URIs, on every command that connects ---------------------------------
# libpq quotes what it cannot parse (%zz, %00: the token is the password),
# and an unencoded '/' or '@' in a password moves the rest of it into the
# port, database or host libpq reports.  Each piece of these passwords
# starts with SECRET, so a piece printed anywhere is found below.
hostq=$(jq -rn --arg h "$PGHOST" '$h | @uri')
MALFORMED=(
	"postgresql://u:SECRETzz%zz@/$db?host=$hostq"
	"postgresql://u:SECRETnul%00x@/$db?host=$hostq"
	"postgresql://u:SECRETsl/SECRETash@/$db?host=$hostq"
	"postgresql://u:1234/SECRETport@localhost/$db"
	"postgresql://u:SECRETat@SECRETsign@localhost/$db"
	"postgresql://u:SECRETv6@[::1"
	"password=SECRETsp SECRETace host=$PGHOST"
)
for conn in "${MALFORMED[@]}"; do
	for cmd in "db status" "db migrate" "load --keep $T/again.jsonl" "etl" "report current-prices" "metrics"; do
		# shellcheck disable=SC2086
		run_mc fail "${cmd%% /*}, --db '${conn%%@*}@...'" $cmd --db "$conn"
		check "${cmd%% /*}, --db '${conn%%@*}@...': one line saying it cannot connect" \
			test "$(grep -c 'cannot connect' "$logs/$n.err")" = 1 -a "$(wc -l <"$logs/$n.err")" = 1
	done
	run_mc fail "run, --db '${conn%%@*}@...'" run schemaorg --db "$conn" "${CRAWL_OPTS[@]}"
	check "run, --db '${conn%%@*}@...': says it cannot connect" grep -q 'cannot connect' "$logs/$n.err"
done
check "the reason is kept, the quoted token hidden" \
	grep -qF 'invalid percent-encoded token: "..."' "$logs"/*.err
check_eq "$(grep -rl SECRET "$logs" | wc -l)" 0 "no piece of a malformed URI's password is printed"

# --- the secret is nowhere -----------------------------------------------------------
check_eq "$(grep -rl "$S" "$logs" | wc -l)" 0 "the password is in no stdout/stderr of $n commands"
check_eq "$(grep -rl "$S" "$data" | wc -l)" 0 "the password is in no staging file, run record, archive or state file"
check "staging files were written (the search above was not vacuous)" \
	test "$(find "$data" -name '*.jsonl' | wc -l)" -ge 2
pg_dump --no-owner "$db" > "$T/dump.sql"
check "database dump taken" test -s "$T/dump.sql"
check_eq "$(grep -c "$S" "$T/dump.sql")" 0 "the password is nowhere in the database (etl logs, run records...)"
