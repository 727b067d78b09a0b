/*
 * `marketcrawl parse URL --spider NAME --callback FN`: fetch one live page
 * through the engine (robots.txt, the spider's headers and cookies, its
 * region, the cookie jar) and run one named callback on it, printing the
 * items it emits as staging lines and the requests it would follow,
 * without writing a staging file or following anything — the way to
 * debug one callback of a spider (Scrapy's `scrapy parse`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/crawl_cli.h"
#include "cli/commands.h"
#include "cli/exitcode.h"
#include "marketcrawl/registry.h"
#include "cli/request_cli.h"

static void usage(FILE *out)
{
	fputs("usage: marketcrawl parse URL --spider NAME --callback FN [--region CODE]\n"
	      "                         [request options] [crawl options]\n\n"
	      "Fetch URL as a crawl of spider NAME would (robots.txt, its allowed domains,\n"
	      "headers, cookies and region) and run its callback FN (a name from the\n"
	      "spider's callbacks table, or parse / sitemap_parse) on the page.  Prints\n"
	      "each item as a staging line and each request the callback follows as\n"
	      "  follow METHOD URL CALLBACK [(N-byte body)] [(dropped: WHY)]\n"
	      "(WHY: duplicate, offsite, too deep), follows nothing and writes no file.\n"
	      "Exit status: 0 when the page reached the callback, 1 when it could not be\n"
	      "fetched, 2 usage (an unknown spider or callback lists the known ones).\n\n",
	      out);
	mc_request_cli_help(out);
	mc_crawl_cli_help(out);
}

/* Pull --spider and --callback out of argv, leave the rest. */
static int take_names(int *argc, char **argv, const char **spider, const char **callback)
{
	int w = 0;

	for (int i = 0; i < *argc; i++) {
		bool is_spider = strcmp(argv[i], "--spider") == 0;
		if (!is_spider && strcmp(argv[i], "--callback") != 0) {
			argv[w++] = argv[i];
			continue;
		}
		if (i + 1 >= *argc) {
			fprintf(stderr, "marketcrawl parse: %s needs an argument\n", argv[i]);
			return -1;
		}
		*(is_spider ? spider : callback) = argv[++i];
	}
	*argc = w;
	return 0;
}

static void list_spiders(FILE *out)
{
	fputs("marketcrawl parse: known spiders:", out);
	for (const struct mc_spider *const *s = mc_spiders; *s; s++)
		fprintf(out, "%s %s", s == mc_spiders ? "" : ",", (*s)->name);
	fputc('\n', out);
}

int mc_cmd_parse(int argc, char **argv)
{
	struct mc_crawl_cli cli;
	struct mc_request_cli req;
	struct mc_crawl_result res;
	const char *spider_name = NULL, *cb_name = NULL;
	const struct mc_spider *spider;
	const char *start[2] = {NULL, NULL};
	char names[1024];
	mc_parse_fn cb;
	int rc = MC_EXIT_USAGE;

	memset(&cli, 0, sizeof cli);
	memset(&req, 0, sizeof req);
	if (take_names(&argc, argv, &spider_name, &cb_name) != 0 ||
	    mc_request_cli_take(&req, &argc, argv, "parse") != 0 ||
	    mc_crawl_cli_parse(&cli, argc, argv) != 0) {
		mc_usage_hint("parse");
		goto out;
	}
	if (cli.help) {
		usage(stdout);
		rc = MC_EXIT_OK;
		goto out;
	}
	if (cli.nwords != 1 || !spider_name || !cb_name) {
		fprintf(stderr, "marketcrawl parse: give one URL, --spider NAME and --callback FN\n");
		mc_usage_hint("parse");
		goto out;
	}
	spider = mc_spider_find(spider_name);
	if (!spider) {
		fprintf(stderr, "marketcrawl parse: no spider named '%s'\n", spider_name);
		list_spiders(stderr);
		goto out;
	}
	cb = mc_spider_callback(spider, cb_name);
	if (!cb) {
		mc_spider_callback_names(spider, names, sizeof names);
		fprintf(stderr, "marketcrawl parse: spider '%s' has no callback '%s' (its callbacks: %s)\n",
			spider->name, cb_name, names[0] ? names : "none");
		goto out;
	}
	if (mc_crawl_cli_apply(&cli, spider, "parse") != 0)
		goto out;
	start[0] = cli.words[0];
	cli.opts.start_urls = start;
	cli.opts.start_cb = cb;
	cli.opts.start_opts = &req.opts;
	cli.opts.out.items_out = stdout;
	cli.opts.out.follows_out = stdout;
	cli.opts.out.progress = false;
	cli.opts.policy.delay_ms = 0;
	mc_crawl_run(&cli.opts, &res);
	fflush(stdout);
	if (res.stats.responses == 0) {
		mc_stats_print(&res.stats, stderr);
		fprintf(stderr, "marketcrawl parse: %s did not reach %s%s%s\n", cli.words[0], cb_name,
			res.reason[0] ? ": " : "", res.reason);
		rc = MC_EXIT_FAIL;
	} else {
		long dropped = mc_named_total(&res.stats.dropped);
		fprintf(stderr, "marketcrawl parse: %s: %ld item%s emitted%s", cb_name, res.stats.items,
			res.stats.items == 1 ? "" : "s", dropped ? "" : "\n");
		if (dropped)
			fprintf(stderr, ", %ld dropped (see the warnings)\n", dropped);
		rc = MC_EXIT_OK;
	}
	mc_crawl_result_release(&res);
out:
	mc_request_cli_release(&req);
	mc_crawl_cli_release(&cli);
	return rc;
}
