/*
 * `marketcrawl crawl SPIDER`: run one spider into a staging file and print
 * the statistics.  The exit status tells cron what happened (exitcode.h),
 * and every status but "complete" ends stderr with one line saying why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/crawl_cli.h"
#include "base/alloc.h"
#include "cli/commands.h"
#include "cli/exitcode.h"
#include "base/log.h"
#include "marketcrawl/registry.h"

static void usage(FILE *out)
{
	fputs("usage: marketcrawl crawl SPIDER [OPTIONS]\n\n"
	      "Crawl with SPIDER (see `marketcrawl spiders`) and write the items to\n"
	      "DATA/staging/SPIDER/RUN_ID.jsonl, atomically, with the run record.  A spider\n"
	      "with regions crawls one per run: --region CODE, else its first.\n"
	      "Exit status: 0 complete, 8 partial (a limit cut the crawl, pages failed,\n"
	      "or start URLs were given), 4 suspect, 5 aborted by a signal, 1 failed\n"
	      "(nothing could be fetched: no file is written), 2 usage.\n\n",
	      out);
	mc_crawl_cli_help(out);
}

static bool any(const char *const *urls)
{
	return urls && *urls;
}

/* The summary line's status: "complete", "partial: REASON", ... */
static void print_summary(const struct mc_spider *spider, const struct mc_crawl_result *res)
{
	const char *status = mc_run_status_name(res->status);

	if (!res->staging_path) {
		printf("%s: no staging file (%s)\n", spider->name, status);
		return;
	}
	if (res->reason[0])
		printf("%s: %ld items in %s (%s: %s)\n", spider->name, res->stats.items,
		       res->staging_path, status, res->reason);
	else
		printf("%s: %ld items in %s (%s)\n", spider->name, res->stats.items, res->staging_path,
		       status);
}

/* The one stderr line of a run that is not complete. */
static void print_verdict(const struct mc_spider *spider, const struct mc_crawl_result *res)
{
	switch (res->status) {
	case MC_RUN_COMPLETE:
		return;
	case MC_RUN_PARTIAL:
	case MC_RUN_SUSPECT:
		fprintf(stderr, "marketcrawl crawl: %s: run is %s: %s\n", spider->name,
			mc_run_status_name(res->status), res->reason);
		return;
	case MC_RUN_ABORTED:
		fprintf(stderr, "marketcrawl crawl: %s: run aborted by a signal\n", spider->name);
		return;
	case MC_RUN_FAILED:
		fprintf(stderr, "marketcrawl crawl: %s: run failed: %s\n", spider->name, res->reason);
		return;
	}
}

int mc_cmd_crawl(int argc, char **argv)
{
	struct mc_crawl_cli cli;
	const struct mc_spider *spider;
	int rc;

	if (mc_crawl_cli_parse(&cli, argc, argv) != 0) {
		mc_crawl_cli_release(&cli);
		return mc_usage_hint("crawl");
	}
	if (cli.help) {
		usage(stdout);
		mc_crawl_cli_release(&cli);
		return MC_EXIT_OK;
	}
	if (cli.nwords != 1) {
		fprintf(stderr, "marketcrawl crawl: name exactly one spider\n");
		mc_crawl_cli_release(&cli);
		return mc_usage_hint("crawl");
	}
	spider = mc_spider_find(cli.words[0]);
	if (!spider) {
		fprintf(stderr, "marketcrawl crawl: no spider named '%s' (see `marketcrawl spiders`)\n",
			cli.words[0]);
		mc_crawl_cli_release(&cli);
		return MC_EXIT_USAGE;
	}
	rc = mc_crawl_command(&cli, spider);
	mc_crawl_cli_release(&cli);
	return rc;
}

int mc_crawl_command(struct mc_crawl_cli *cli, const struct mc_spider *spider)
{
	struct mc_crawl_result res;
	char *staging_dir, *state_dir;
	int rc;

	if (mc_crawl_cli_apply(cli, spider, "crawl") != 0)
		return MC_EXIT_USAGE;
	if (!any(spider->start_urls) && !(cli->opts.region && any(cli->opts.region->start_urls)) &&
	    !any(spider->sitemap_urls) && !cli->start_urls && !cli->sitemaps) {
		fprintf(stderr, "marketcrawl crawl: spider '%s' has no start URLs of its own: "
			"give --start-url URL (or --sitemap URL)\n", spider->name);
		return MC_EXIT_USAGE;
	}
	const char *data = mc_data_dir(cli->data_dir);
	staging_dir = cli->out_dir ? mc_strdup(cli->out_dir) :
				     mc_asprintf("%s/staging/%s", data, spider->name);
	state_dir = mc_asprintf("%s/state", data);
	cli->opts.out.staging_dir = staging_dir;
	cli->opts.out.state_dir = cli->no_health ? NULL : state_dir;

	rc = mc_exit_for_run(mc_crawl_run(&cli->opts, &res));
	mc_stats_print(&res.stats, stderr);
	print_summary(spider, &res);
	print_verdict(spider, &res);
	mc_crawl_result_release(&res);
	free(staging_dir);
	free(state_dir);
	return rc;
}
