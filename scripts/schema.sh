#!/usr/bin/env bash
# `make schema`: regenerate the checked-in generated SQL.
#   sql/data/currency.sql  from the ISO 4217 table (tools/gen_currency_sql)
#   sql/schema.sql         `marketcrawl db schema` on a fresh database,
#                          migrated on a throwaway PostgreSQL (scripts/pgtmp.sh)
# tests/integration/db_schema.sh fails when either differs from what this
# writes.  Needs B (the build directory) with marketcrawl and the tools built.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}

"$B/tools/gen_currency_sql" >sql/data/currency.sql.tmp
mv sql/data/currency.sql.tmp sql/data/currency.sql
# The binary embeds sql/data/currency.sql: rebuild it before migrating.
make --no-print-directory "$B/marketcrawl" >/dev/null

work=$(mktemp -d /tmp/mc-schema.XXXXXX)
chmod 755 "$work"
cleanup() {
	PGTMP_DB=postgres scripts/pgtmp.sh destroy "$work/pg" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
PGTMP_FSYNC=off PGTMP_DB=postgres scripts/pgtmp.sh start "$work/pg" >"$work/env"
# shellcheck disable=SC1091
. "$work/env"
createdb mc_schema
PGDATABASE=mc_schema "$B/marketcrawl" db migrate >/dev/null
PGDATABASE=mc_schema "$B/marketcrawl" db schema >sql/schema.sql.tmp
mv sql/schema.sql.tmp sql/schema.sql
echo "wrote sql/data/currency.sql and sql/schema.sql"
