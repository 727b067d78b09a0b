/*
 * marketcrawl: one binary, a few obvious subcommands.  This file only
 * dispatches; each subcommand lives in cli/cmd_NAME.c and parses its
 * own options.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "base/alloc.h"
#include "crawler/library_hooks.h"
#include "cli/commands.h"
#include "cli/exitcode.h"
#include "cli/version.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"spiders", mc_cmd_spiders, "list the compiled-in spiders and their start URLs"},
	{"crawl", mc_cmd_crawl, "crawl with one spider into a staging file"},
	{"load", mc_cmd_load, "load staging files into PostgreSQL (exactly once)"},
	{"etl", mc_cmd_etl, "build the core price-history model from loaded data"},
	{"report", mc_cmd_report, "print a report (price drops, lows, cheapest...)"},
	{"metrics", mc_cmd_metrics, "print the runs' figures for Prometheus (node_exporter)"},
	{"fx", mc_cmd_fx, "load the ECB's euro exchange rates (eurofxref XML)"},
	{"watch", mc_cmd_watch, "watch a product, listing or marketplace: add | list | remove"},
	{"alerts", mc_cmd_alerts, "list or deliver price alerts and run-health notifications"},
	{"run", mc_cmd_run, "crawl, load and etl in one go (for one cron line)"},
	{"db", mc_cmd_db, "database schema: migrate | status"},
	{"fetch", mc_cmd_fetch, "fetch one page and try XPath / regex selectors on it"},
	{"parse", mc_cmd_parse, "run one spider callback on a live page, print items and requests"},
	{"check-spider", mc_cmd_check_spider, "run a spider on its saved pages, diff the items"},
	{"new-spider", mc_cmd_new_spider, "write a skeleton spider and its test folder"},
};

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: marketcrawl COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`marketcrawl COMMAND --help` describes each command; `marketcrawl --version`\n"
		     "prints the version, the commit and the library versions.\n");
}

int main(int argc, char **argv)
{
	int rc = MC_EXIT_USAGE;

	if (argc < 2) {
		usage(stderr);
		return MC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return MC_EXIT_OK;
	}
	mc_library_hooks_install();
	xmlInitParser();
	/* libxml2 would print parse and XPath errors on stderr from every
	 * thread; we report what matters ourselves. */
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlThrDefSetGenericErrorFunc(NULL, quiet);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		rc = mc_version_print(stdout) == 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
		goto out;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			/* getopt names the program in its messages: "marketcrawl
			 * load: unrecognized option", like the commands' own. */
			char name[64];
			snprintf(name, sizeof name, "marketcrawl %s", commands[i].name);
			argv[1] = name;
			rc = commands[i].run(argc - 1, argv + 1);
			goto out;
		}
	}
	fprintf(stderr, "marketcrawl: unknown command '%s'\n", argv[1]);
	usage(stderr);
out:
	xmlCleanupParser();
	curl_global_cleanup();
	return rc;
}
