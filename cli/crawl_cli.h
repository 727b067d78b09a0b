/*
 * The crawl options shared by `crawl`, `run` and `fetch`: one parser and one
 * help text, so a setting means the same thing everywhere
 * (docs/crawling.md lists them).
 */
#ifndef MC_CRAWL_CLI_H
#define MC_CRAWL_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "crawler/engine.h"

/* What the option parser collects besides engine settings. */
struct mc_crawl_cli {
	struct mc_crawl_opts opts;
	const char *data_dir;
	const char *out_dir;
	const char *db;       /* --db (run only) */
	char **start_urls;    /* NULL-terminated, owned */
	char **domains;       /* NULL-terminated, owned */
	char **sitemaps;      /* NULL-terminated, owned */
	const char *sitemap_filter;
	char *origin;         /* --origin, as "scheme://host[:port]" (owned) */
	const char *region;   /* --region CODE (borrowed from argv), or NULL */
	char **proxies;       /* --proxy and --proxy-list URLs, NULL-terminated, owned */
	char **host_rules;    /* --host-rule, NULL-terminated, owned */
	bool no_health;
	bool help;
	char *words[64];      /* non-option arguments (borrowed from argv) */
	int nwords;
};

/*
 * Parse argv (argv[0] is the subcommand).  Engine settings start from
 * mc_crawl_opts_defaults for `spider` when one is named later: call
 * mc_crawl_cli_apply after choosing the spider.  Returns 0, or -1 after
 * printing the problem (usage error).
 */
int mc_crawl_cli_parse(struct mc_crawl_cli *c, int argc, char **argv);
/*
 * Fill c->opts: defaults for `spider`, then every option given, and the
 * region: --region CODE, else the spider's first region (if any).  Returns
 * 0, or -1 after printing the problem (a usage error: --region names no
 * region of the spider, or the spider has none; the known codes are
 * listed).  `cmd` names the command in the message.
 */
int mc_crawl_cli_apply(struct mc_crawl_cli *c, const struct mc_spider *spider, const char *cmd);
void mc_crawl_cli_release(struct mc_crawl_cli *c);
/* The option help shared by the commands. */
void mc_crawl_cli_help(FILE *out);

/*
 * What `crawl SPIDER` does once its options are parsed (cli/cmd_crawl.c):
 * apply them for `spider`, run the crawl, print the statistics and the
 * verdict.  Returns the exit status.  `run` calls it once per spider.
 */
int mc_crawl_command(struct mc_crawl_cli *cli, const struct mc_spider *spider);

#endif
