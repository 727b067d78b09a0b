/*
 * `marketcrawl db migrate|status|schema`: apply the embedded schema
 * migrations and definitions, show which are applied and which are
 * pending, or print the current schema.  The work is in etl/db.c;
 * this file parses options and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/db_session.h"
#include "etl/db.h"
#include "cli/exitcode.h"
#include "base/log.h"
#include "etl/sqlfiles.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: marketcrawl db migrate|status|schema [--db CONNINFO]\n"
		"\n"
		"  migrate   apply the embedded sql/schema/NNN_*.sql not applied yet, in order,\n"
		"            each once and in its own transaction (recorded in etl.schema_version),\n"
		"            then again every function, view and data test (sql/functions,\n"
		"            sql/views, sql/checks, sql/data) in one transaction\n"
		"  status    show the schema version, the applied and the pending migrations,\n"
		"            and the newest runs of each spider with their health\n"
		"  schema    print the schema of stg, etl, core, mart and rpt as the database\n"
		"            has it (tables, constraints, indexes, views, functions) as SQL\n"
		"\n"
		"  --db CONNINFO  libpq connection string or URI; default: the PG* environment\n"
		"                 (PGHOST, PGDATABASE, PGSERVICE, ~/.pgpass ...)\n");
}

/* The newest runs of each spider as the ETL judged them (rpt.run_health),
 * so `db status` answers "is my data trustworthy" as well as "is my schema
 * current".  Nothing when the schema has no such view yet. */
static int print_runs(PGconn *conn)
{
	PGresult *res = PQexec(conn,
		"select spider, run_id, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),"
		" scope, status, health, case when delists then 'delists' else 'delists nothing' end,"
		" items, concat_ws(' ', 'title ' || title_pct || '%', 'price ' || price_pct || '%',"
		"  'list_price ' || list_price_pct || '%', 'availability ' || availability_pct || '%',"
		"  'product_key ' || product_key_pct || '%'), coalesce(reason, '')"
		" from (select r.*, row_number() over (partition by spider order by started_at desc,"
		"       run_id desc) as n from rpt.run_health r) x"
		" where n <= 3 order by spider, started_at desc, run_id desc");

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		struct mc_err err;

		mc_err_set(&err, "reading rpt.run_health: %s", PQerrorMessage(conn));
		mc_error("%s", err.msg);
		PQclear(res);
		return MC_EXIT_FAIL;
	}
	printf("runs: the 3 newest of each spider (all of them: marketcrawl report runs)\n");
	if (PQntuples(res) == 0)
		printf("  none processed yet (marketcrawl load, then marketcrawl etl)\n");
	for (int i = 0; i < PQntuples(res); i++) {
		const char *reason = PQgetvalue(res, i, 9);
		printf("  %s %s (started %s UTC, %s scope): crawler %s, judged %s, %s; %s items; %s%s%s\n",
		       PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
		       PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), PQgetvalue(res, i, 5),
		       PQgetvalue(res, i, 6), PQgetvalue(res, i, 7), PQgetvalue(res, i, 8),
		       *reason ? "; " : "", reason);
	}
	PQclear(res);
	return MC_EXIT_OK;
}

static int print_status(PGconn *conn, struct mc_err *err)
{
	int version, pending;
	char where[512];
	PGresult *res = NULL;

	if (mc_db_schema_status(conn, &version, &pending, err) != 0)
		return MC_EXIT_FAIL;
	mc_db_describe(conn, where, sizeof where);
	printf("database: %s\n", where);
	printf("schema version: %d\n", version);
	if (version > 0) {
		res = PQexec(conn, "select version, name, to_char(applied_at at time zone 'UTC',"
				   " 'YYYY-MM-DD HH24:MI:SS') from etl.schema_version order by version");
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			mc_err_set(err, "reading etl.schema_version: %s", PQerrorMessage(conn));
			PQclear(res);
			return MC_EXIT_FAIL;
		}
	}
	for (int i = 0; res && i < PQntuples(res); i++)
		printf("applied: %s (%s UTC)\n", PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
	printf("pending: %d\n", pending);
	for (const struct mc_sql_file *f = mc_sql_files; pending && f->path; f++) {
		const char *base = strrchr(f->path, '/');
		int applied = 0;
		if (strncmp(f->path, "schema/", 7) != 0)
			continue;
		base = base ? base + 1 : f->path;
		for (int i = 0; res && i < PQntuples(res); i++)
			applied |= strcmp(PQgetvalue(res, i, 1), base) == 0;
		if (!applied)
			printf("pending: %s\n", base);
	}
	PQclear(res);
	if (pending == 0 && version > 0)
		return print_runs(conn);
	return MC_EXIT_OK;
}

int mc_cmd_db(int argc, char **argv)
{
	static const struct option longopts[] = {
		MC_OPT_DB,
		MC_OPT_HELP,
		MC_OPT_END,
	};
	const char *conninfo = NULL, *action;
	struct mc_err err = {""};
	PGconn *conn;
	int c, rc;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "h", longopts, NULL);
		if (c == -1)
			break;
		if (c == 'd') {
			conninfo = optarg;
		} else if (c == 'h') {
			usage(stdout);
			return MC_EXIT_OK;
		} else {
			return mc_usage_hint("db");
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return MC_EXIT_USAGE;
	}
	action = argv[optind];
	if (strcmp(action, "migrate") != 0 && strcmp(action, "status") != 0 &&
	    strcmp(action, "schema") != 0) {
		fprintf(stderr, "marketcrawl db: unknown action '%s'\n", action);
		return mc_usage_hint("db");
	}
	conn = mc_cli_db_open(conninfo, false);
	if (!conn)
		return MC_EXIT_FAIL;
	if (strcmp(action, "migrate") == 0)
		rc = mc_db_migrate(conn, false, &err) == 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
	else if (strcmp(action, "schema") == 0)
		rc = mc_db_print_schema(conn, stdout, &err) == 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
	else
		rc = print_status(conn, &err);
	if (rc == MC_EXIT_FAIL && err.msg[0])
		mc_error("%s", err.msg);
	PQfinish(conn);
	return rc;
}
