/*
 * `marketcrawl db schema` (etl/db.h): the current schema as
 * the database has it, printed from the catalog by the embedded
 * sql/catalog/print_schema.sql, so that the schema can be read without
 * replaying the migrations (sql/schema.sql is this output on a fresh
 * database; tests/integration/db_schema.sh keeps it current).
 */
#include <stdio.h>

#include "etl/db.h"
#include "etl/sqlfiles.h"

int mc_db_print_schema(PGconn *conn, FILE *out, struct mc_err *err)
{
	const char *sql = mc_sql_text("catalog/print_schema.sql");
	PGresult *res;

	if (!sql)
		return mc_err_set(err, "this binary lacks sql/catalog/print_schema.sql");
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		mc_err_set(err, "reading the schema: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	fprintf(out, "-- The schema of stg, etl, core, mart and rpt as `marketcrawl db schema`\n"
		     "-- prints it.  sql/schema.sql is generated (make schema); do not edit it.\n");
	for (int i = 0; i < PQntuples(res); i++)
		fprintf(out, "\n%s\n", PQgetvalue(res, i, 0));
	PQclear(res);
	return 0;
}
