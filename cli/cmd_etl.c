/*
 * `marketcrawl etl [--db C] [--wait|--no-wait] [--check] [--quiet]`: build
 * the core model from newly loaded staging data (etl/etl_runner.c), or run
 * the data tests.  This file parses options, connects, applies pending
 * migrations and prints; it never holds ETL logic.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/db_session.h"
#include "etl/etl.h"
#include "cli/exitcode.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: marketcrawl etl [--db CONNINFO] [--wait|--no-wait] [--quiet]\n"
		"       marketcrawl etl --check [--db CONNINFO]\n"
		"\n"
		"Process the staging files loaded since the last successful run into the\n"
		"core model (core.*, mart.*): one transaction, under an advisory lock,\n"
		"logged in etl.run and etl.job_run.  Pending migrations are applied first.\n"
		"\n"
		"  --db CONNINFO  libpq connection string or URI; default: the PG* environment\n"
		"                 (PGHOST, PGDATABASE, PGSERVICE, ~/.pgpass ...)\n"
		"  --wait         when another ETL run is active, wait for it (default)\n"
		"  --no-wait      when another ETL run is active, exit at once with status %d\n"
		"  --check        run the data tests (views etl.check_*) instead; exit status %d\n"
		"                 when one fails\n"
		"  --quiet        print nothing on success\n",
		MC_EXIT_LOCKED, MC_EXIT_CHECK);
}

int mc_cmd_etl(int argc, char **argv)
{
	static const struct option longopts[] = {
		MC_OPT_DB,
		{"wait", no_argument, NULL, 'w'},
		{"no-wait", no_argument, NULL, 'n'},
		{"check", no_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	const char *conninfo = NULL;
	bool wait = true, check = false, quiet = false;
	int c;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "hq", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'd': conninfo = optarg; break;
		case 'w': wait = true; break;
		case 'n': wait = false; break;
		case 'c': check = true; break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("etl");
		}
	}
	if (optind != argc) {
		fprintf(stderr, "marketcrawl etl: unexpected argument '%s'\n", argv[optind]);
		return mc_usage_hint("etl");
	}
	return mc_etl_command(&(struct mc_etl_args){conninfo, wait, check, quiet});
}

int mc_etl_command(const struct mc_etl_args *a)
{
	struct mc_etl_result res;
	PGconn *conn = mc_cli_db_open(a->conninfo, true);
	int rc = MC_EXIT_FAIL;

	if (!conn)
		return MC_EXIT_FAIL;
	if (a->check) {
		struct mc_err err = {""};
		int failed = mc_etl_check(conn, stdout, &err);

		if (failed < 0)
			mc_error("%s", err.msg);
		rc = failed == 0 ? MC_EXIT_OK : failed > 0 ? MC_EXIT_CHECK : MC_EXIT_FAIL;
		goto out;
	}
	switch (mc_etl_run(conn, a->wait, a->quiet ? NULL : stdout, &res)) {
	case MC_ETL_OK:
		if (!a->quiet)
			printf("etl run %lld ok: %lld staging file%s processed in %.3f s\n", res.run_id,
			       res.files, res.files == 1 ? "" : "s", res.seconds);
		rc = MC_EXIT_OK;
		break;
	case MC_ETL_LOCKED:
		fprintf(stderr, "marketcrawl etl: %s; not waiting (--no-wait)\n", res.error);
		rc = MC_EXIT_LOCKED;
		break;
	case MC_ETL_FAILED:
		if (res.run_id)
			fprintf(stderr, "marketcrawl etl: run %lld failed, nothing changed: %s\n",
				res.run_id, res.error);
		else
			fprintf(stderr, "marketcrawl etl: failed, nothing changed: %s\n", res.error);
		rc = MC_EXIT_FAIL;
		break;
	}
out:
	PQfinish(conn);
	return rc;
}
