#!/usr/bin/env bash
# The SQL layout (docs/database.md): tables in the numbered migrations;
# functions, views, data tests and the currency rows re-applied by every
# migrate; `db schema` and the checked-in sql/schema.sql; one currency
# table; and databases migrated with the migration texts of before the
# layout (commit 1ab693c, read from git) upgrading without a warning to the
# schema a fresh database gets.
. "$(dirname "$0")/../lib.sh"
OLD=1ab693c  # the last commit whose migrations held views, functions and checks

# ---- a fresh database: every migration replays on an empty one -------------
fresh_db || { not_ok "createdb"; exit 1; }
mc db migrate >"$T/m1" 2>"$T/e1"
check_eq "$?" 0 "db migrate on an empty database"
check_eq "$(grep -c '^applied schema/' "$T/m1")" "$(ls "$MC_ROOT"/sql/schema/*.sql | wc -l)" \
	"every migration applied"
check "the definitions applied after them" grep -q '^applied definitions' "$T/m1"
check_eq "$(cat "$T/e1")" "" "no warning"
mc db schema >"$T/fresh.sql"
check_eq "$?" 0 "db schema prints"
if cmp -s "$T/fresh.sql" "$MC_ROOT/sql/schema.sql"; then
	ok "sql/schema.sql is what db schema prints on a fresh database"
else
	not_ok "sql/schema.sql is what db schema prints on a fresh database (regenerate it: make schema)"
	diff "$MC_ROOT/sql/schema.sql" "$T/fresh.sql" | head -n 30 | sed 's/^/# /' >&3
fi
for obj in 'view core.price_change' 'view rpt.price_change' 'view etl.check_070_daily_moves_match_changes' \
	'FUNCTION stg.state_digest' 'table core.listing' 'view stg.seen_listing'; do
	check "db schema shows $obj" grep -qi "create.* $obj\b" "$T/fresh.sql"
done
check_eq "$(sql "select count(*) from etl.definition_file")" \
	"$(cd "$MC_ROOT/sql" && ls functions/*.sql views/*.sql checks/*.sql data/*.sql | wc -l)" \
	"etl.definition_file records every definition file"

# ---- re-applied: idempotent, and a changed or dropped definition comes back --
check_eq "$(mc db migrate 2>&1)" "schema is up to date" "a second migrate: nothing to say"
check_eq "$(mc db schema | cmp - "$T/fresh.sql" && echo same)" same "the schema is unchanged by it"
sql "drop view rpt.recent_price_drops" >/dev/null
mc db migrate >/dev/null 2>&1
check_eq "$(sql "select count(*) from pg_views where schemaname = 'rpt' and viewname = 'recent_price_drops'")" \
	1 "db migrate re-creates a view dropped by hand"
sql "update etl.definition_file set checksum = repeat('0', 64) where path = 'views/rpt_price_change.sql'" >/dev/null
mc etl --quiet 2>"$T/e2"
check_eq "$?" 0 "etl migrates quietly first"
check_eq "$(sql "select count(*) from etl.definition_file where checksum = repeat('0', 64)")" 0 \
	"a definition changed since it was applied is applied again by the quiet migrate of etl"

# ---- one currency table ------------------------------------------------------
"$MC_BUILD/tools/gen_currency_sql" >"$T/currency.sql"
check "sql/data/currency.sql is generated from crawler/iso4217_table.h (regenerate it: make schema)" \
	cmp -s "$T/currency.sql" "$MC_ROOT/sql/data/currency.sql"
sed -n 's/^MC_ISO4217("\([A-Z]*\)", \([0-9]\), "\(.*\)")$/\1|\3|\2/p' "$MC_ROOT/crawler/iso4217_table.h" \
	| sed "s/\\\\'/'/g" >"$T/c-table"
sql "select currency || '|' || name || '|' || minor_units from core.currency order by currency" >"$T/db-table"
check_eq "$(wc -l <"$T/db-table")" "$(wc -l <"$T/c-table")" "core.currency has a row per code of the C table with minor units"
check "core.currency after migrate equals the C table (code, name, minor units)" cmp -s "$T/c-table" "$T/db-table"
check_eq "$(sql "select count(*) from core.currency where currency = 'XAU'")" 0 \
	"a code without minor units (gold) gets no row"

# ---- databases migrated with the old texts upgrade silently ---------------------
if ! git -C "$MC_ROOT" cat-file -e "$OLD^{commit}" 2>/dev/null; then
	ok "# SKIP upgrade from the old migration texts: commit $OLD is not in this checkout"
	exit 0
fi
for stop in 5 9 10 11; do
	fresh_db || { not_ok "createdb"; exit 1; }
	sql "create schema etl; create table etl.schema_version (version integer primary key,
		name text not null, checksum text not null, applied_at timestamptz not null default now())" >/dev/null
	for f in $(git -C "$MC_ROOT" ls-tree --name-only "$OLD" sql/schema/); do
		b=$(basename "$f")
		[ $((10#${b:0:3})) -le "$stop" ] || continue
		git -C "$MC_ROOT" show "$OLD:$f" >"$T/old.sql"
		psql -X -q -v ON_ERROR_STOP=1 -f "$T/old.sql" >/dev/null 2>&1 || not_ok "old $b applies"
		sql "insert into etl.schema_version (version, name, checksum) values
			($((10#${b:0:3})), '$b', '$(sha256sum <"$T/old.sql" | cut -c1-64)')" >/dev/null
	done
	mc db migrate >"$T/up.out" 2>"$T/up.err"
	check_eq "$?" 0 "old texts up to $stop: the new db migrate succeeds"
	check_eq "$(cat "$T/up.err")" "" "old texts up to $stop: no warning (superseded checksums)"
	mc db schema >"$T/up.sql"
	if cmp -s "$T/up.sql" "$T/fresh.sql"; then
		ok "old texts up to $stop: the same schema as a fresh database"
	else
		not_ok "old texts up to $stop: the same schema as a fresh database"
		diff "$T/fresh.sql" "$T/up.sql" | head -n 30 | sed 's/^/# /' >&3
	fi
	want=$(for f in "$MC_ROOT"/sql/schema/*.sql; do echo "$(basename "$f")|$(sha256sum <"$f" | cut -c1-64)"; done)
	check_eq "$(sql "select name || '|' || checksum from etl.schema_version order by version")" "$want" \
		"old texts up to $stop: the recorded checksums are the current texts'"
	check_eq "$(mc db migrate 2>&1)" "schema is up to date" "old texts up to $stop: then up to date"
done
