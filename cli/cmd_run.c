/*
 * `marketcrawl run SPIDER...`: crawl each spider, then load, then etl — the
 * whole pipeline for people who prefer one cron line.  It calls the
 * commands' own functions with the options parsed once (mc_crawl_command,
 * mc_load_command, mc_etl_command), so behaviour and exit codes are theirs.
 */
#include <stdio.h>

#include "cli/crawl_cli.h"
#include "cli/commands.h"
#include "cli/exitcode.h"
#include "marketcrawl/registry.h"

/* Which of two exit codes matters more to an operator. */
static int worse(int a, int b)
{
	static const int order[] = {MC_EXIT_OK,      MC_EXIT_REJECTS, MC_EXIT_PARTIAL,
				    MC_EXIT_SUSPECT, MC_EXIT_ABORTED, MC_EXIT_LOCKED,
				    MC_EXIT_CHECK,   MC_EXIT_USAGE,   MC_EXIT_FAIL};
	int ra = 0, rb = 0;

	for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

static void usage(FILE *out)
{
	fputs("usage: marketcrawl run SPIDER... [--db CONNINFO] [--data-dir DIR] [crawl options]\n\n"
	      "Crawl each SPIDER in turn, then `load` every new staging file, then `etl`.\n"
	      "A failed crawl does not stop the others; load and etl run whenever at least\n"
	      "one crawl produced a file (partial, suspect and aborted runs do).  Exit\n"
	      "status: the most serious of the steps'\n"
	      "(1 error > 2 usage > 7 check > 6 locked > 5 aborted > 4 suspect > 8 partial\n"
	      " > 3 rejects > 0).\n\n",
	      out);
	mc_crawl_cli_help(out);
}

int mc_cmd_run(int argc, char **argv)
{
	struct mc_crawl_cli cli;
	int rc = MC_EXIT_OK, produced = 0;

	if (mc_crawl_cli_parse(&cli, argc, argv) != 0) {
		mc_crawl_cli_release(&cli);
		return mc_usage_hint("run");
	}
	if (cli.help || cli.nwords == 0) {
		usage(cli.help ? stdout : stderr);
		mc_crawl_cli_release(&cli);
		return cli.help ? MC_EXIT_OK : MC_EXIT_USAGE;
	}
	for (int i = 0; i < cli.nwords; i++) {
		if (!mc_spider_find(cli.words[i])) {
			fprintf(stderr, "marketcrawl run: no spider named '%s'\n", cli.words[i]);
			mc_crawl_cli_release(&cli);
			return MC_EXIT_USAGE;
		}
	}
	for (int i = 0; i < cli.nwords; i++) {
		int crc = mc_crawl_command(&cli, mc_spider_find(cli.words[i]));
		produced += crc != MC_EXIT_FAIL && crc != MC_EXIT_USAGE;
		rc = worse(rc, crc);
	}
	if (produced) {
		int lrc = mc_load_command(&(struct mc_load_args){.conninfo = cli.db,
								 .data_dir = cli.data_dir});
		rc = worse(rc, lrc);
		if (lrc == MC_EXIT_OK || lrc == MC_EXIT_REJECTS)
			rc = worse(rc, mc_etl_command(&(struct mc_etl_args){.conninfo = cli.db, .wait = true}));
	}
	mc_crawl_cli_release(&cli);
	return rc;
}
