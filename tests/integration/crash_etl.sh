# Crash safety of load + etl together: kill -9 in the middle of loads and
# ETL runs and a PostgreSQL restart in the middle of a load, then one more
# `load` + `etl`, must give exactly the contents of
# an undisturbed run — compared as full table contents on natural keys
# (surrogate ids may differ: a killed transaction burns sequence values).
. "$(dirname "$0")/../lib.sh"

gen="$MC_BUILD/tools/gen_staging"
mkdir -p "$T/files"
# Three runs of 60,000 listings with 10% changes: big enough that a kill
# after a short sleep lands inside COPY or inside the ETL's jobs.
for r in 1 2 3; do
	"$gen" --listings 60000 --run $r --changes 10 --at "2026-11-0${r}T10:00:00Z" \
		"$T/files/run$r.jsonl" >/dev/null
done

# dump: every meaningful column of stg and core, by natural keys.
dump() {
	sql "select marketplace, external_id, price, list_price, currency, availability,
	            observed_at, is_late from stg.observation order by 1, 2, 7" > "$1.obs"
	sql "select marketplace, external_id, title, url, first_seen, last_seen, delisted_at,
	            attrs from core.listing join core.listing_last_seen using (listing_id)
	     order by 1, 2" > "$1.listing"
	sql "select l.marketplace, l.external_id, h.valid_from, h.valid_to, h.price, h.list_price,
	            h.currency from core.price_history h join core.listing l using (listing_id)
	     order by 1, 2, 3" > "$1.price"
	sql "select l.marketplace, l.external_id, h.valid_from, h.valid_to, h.availability
	     from core.availability_history h join core.listing l using (listing_id)
	     order by 1, 2, 3" > "$1.avail"
	sql "select count(*), sum(rows_accepted), sum(rows_unchanged) from stg.loaded_file" > "$1.files"
}

# The undisturbed reference.
fresh_db
for r in 1 2 3; do mc load --keep --data-dir "$T/d1" "$T/files/run$r.jsonl" >/dev/null 2>&1; done
mc etl >/dev/null 2>&1
check_eq "$?" 0 "reference: load + etl"
dump "$T/ref"
ref_db=$PGDATABASE


# The disturbed run: each load killed once at a random point (the second
# one by a PostgreSQL restart instead), and each etl killed once.
fresh_db
hits=0
for r in 1 2 3; do
	"$MC_BIN" load --keep --data-dir "$T/d2" "$T/files/run$r.jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((RANDOM % 6 + 2))"
	if [ $r = 2 ]; then
		pg_restart
	else
		kill -9 $pid 2>/dev/null && hits=$((hits + 1))
	fi
	wait $pid 2>/dev/null
	"$MC_BIN" etl >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((RANDOM % 4 + 1))"
	kill -9 $pid 2>/dev/null && hits=$((hits + 1))
	wait $pid 2>/dev/null
done
for r in 1 2 3; do mc load --keep --data-dir "$T/d2" "$T/files/run$r.jsonl" >/dev/null 2>&1; done
mc etl >/dev/null 2>&1
check_eq "$?" 0 "after the kills: one more load + etl succeeds"
dump "$T/got"
for part in files obs listing price avail; do
	if cmp -s "$T/ref.$part" "$T/got.$part"; then
		ok "after kill -9s and a server restart: $part identical to the undisturbed run ($(wc -l < "$T/ref.$part") rows)"
	else
		not_ok "after kill -9s and a server restart: $part differs from the undisturbed run"
		diff "$T/ref.$part" "$T/got.$part" | head -n 10 | sed 's/^/# /' >&3
	fi
done
check_eq "$(wc -l < "$T/ref.price")" "$(sql "select count(*) from core.price_history")" \
	"the comparison covered every price range"
check_eq "$(PGDATABASE=$ref_db sql "select count(*) > 0 from etl.run where status = 'ok'")" t \
	"the reference ETL run was logged"
echo "# $hits of 5 kills hit a running load or etl"
mc etl --check >"$T/check.out" 2>&1
check_eq "$?" 0 "data tests pass after the crashes"
