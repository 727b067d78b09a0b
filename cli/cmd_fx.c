/*
 * `marketcrawl fx load FILE...`: load the European Central Bank's euro
 * reference rates (eurofxref XML: the daily, 90-day or historic file) into
 * core.fx_rate, each file in its own transaction, exactly once per date;
 * one line per file says how many dates and rates were new and how many
 * were already there.  Options and output only; the parsing is
 * etl/fx_xml.c, the loading etl/fx_load.c (docs/fx.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/db_session.h"
#include "cli/exitcode.h"
#include "etl/fx_load.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: marketcrawl fx load [--db CONNINFO] FILE...\n"
		"\n"
		"Load the European Central Bank's euro reference rates from eurofxref XML\n"
		"files (eurofxref-daily.xml, eurofxref-hist-90d.xml, eurofxref-hist.xml),\n"
		"each in its own transaction.  A date already loaded is kept as it is, so\n"
		"loading a file again, or an overlapping one, adds nothing.  A file with a\n"
		"malformed XML, a bad date, rate or currency loads nothing.\n"
		"`marketcrawl report fx-rates` shows what is loaded.\n"
		"\n"
		"  --db CONNINFO   libpq connection string or URI; default: the PG* environment\n"
		"\n"
		"exit status: 0 every file loaded (or nothing new), 1 a file failed (the\n"
		"             others were still loaded)\n");
}

static int load(const char *conninfo, char **paths, int npaths)
{
	PGconn *conn = mc_cli_db_open(conninfo, true);
	int rc = MC_EXIT_OK;

	if (!conn)
		return MC_EXIT_FAIL;
	for (int i = 0; i < npaths; i++) {
		struct mc_fx_load_result res;
		struct mc_err err = {""};

		if (mc_fx_load_file(conn, paths[i], &res, &err) != 0) {
			fprintf(stderr, "marketcrawl fx: %s\n", err.msg);
			rc = MC_EXIT_FAIL;
			if (PQstatus(conn) != CONNECTION_OK)
				break;
			continue;
		}
		printf("loaded %s: %ld new date(s) with %ld rate(s); %ld date(s) with %ld rate(s)"
		       " already present, kept\n", paths[i], res.dates_new, res.rates_new,
		       res.dates_present, res.rates_present);
		fflush(stdout);
	}
	PQfinish(conn);
	return rc;
}

int mc_cmd_fx(int argc, char **argv)
{
	static const struct option longopts[] = {
		MC_OPT_DB,
		MC_OPT_HELP,
		MC_OPT_END,
	};
	const char *conninfo = NULL;
	int c;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "h", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'd': conninfo = optarg; break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("fx");
		}
	}
	if (optind == argc || strcmp(argv[optind], "load") != 0) {
		if (optind == argc)
			fprintf(stderr, "marketcrawl fx: a subcommand is needed: load FILE...\n");
		else
			fprintf(stderr, "marketcrawl fx: unknown subcommand '%s' (load)\n",
				argv[optind]);
		return mc_usage_hint("fx");
	}
	if (optind + 1 == argc) {
		fprintf(stderr, "marketcrawl fx: load needs at least one FILE\n");
		return mc_usage_hint("fx");
	}
	return load(conninfo, argv + optind + 1, argc - optind - 1);
}
