/*
 * `marketcrawl fetch URL --xpath EXPR --regex PAT`: fetch one page through
 * the same engine as a crawl (robots.txt, User-Agent, limits, charset,
 * cookies) and print what each selector matches — the quick way to try
 * selectors while writing a spider.  --spider NAME borrows a spider's
 * settings, headers, cookies and regions; the request options shape the
 * request (a POST to a JSON API, an extra header).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>

#include "cli/crawl_cli.h"
#include "cli/request_cli.h"
#include "base/alloc.h"
#include "cli/commands.h"
#include "cli/exitcode.h"
#include "marketcrawl/registry.h"

enum sel_kind { SEL_XPATH, SEL_REGEX, SEL_JSON };

struct selector {
	enum sel_kind kind;
	const char *expr;
};

/* What the command asked for, handed to the callback as the crawl's
 * context (mc_response_context): read-only while the crawl runs, but for
 * pages_seen, which only the callback of the one page fetched writes and
 * the command reads after the run. */
struct fetch {
	struct selector selectors[32];
	int nselectors;
	bool show_body;
	int pages_seen;
};

static void print_xpath(struct mc_response *res, const char *expr)
{
	struct mc_nodes n = mc_xpath_nodes(res, NULL, expr);

	printf("xpath %s: %zu match%s\n", expr, n.count, n.count == 1 ? "" : "es");
	if (n.count == 0) {
		const char *s = mc_xpath_text(res, NULL, expr);
		if (s)
			printf("  = %s\n", s);
	}
	for (size_t i = 0; i < n.count; i++) {
		xmlChar *s = xmlXPathCastNodeToString(n.nodes[i]);
		printf("  [%zu] %s\n", i + 1, s ? (const char *)s : "");
		xmlFree(s);
	}
}

static void on_page(struct mc_response *res)
{
	size_t len;
	const char *body = mc_response_body(res, &len);
	const char *ctype = mc_response_header(res, "Content-Type");
	struct fetch *f = mc_response_context(res);

	f->pages_seen++;
	printf("url: %s\nstatus: %ld\ncontent-type: %s\nbytes: %zu (UTF-8)\n", mc_response_url(res),
	       mc_response_status(res), ctype ? ctype : "-", len);
	for (int i = 0; i < f->nselectors; i++) {
		const struct selector *s = &f->selectors[i];
		if (s->kind == SEL_XPATH) {
			print_xpath(res, s->expr);
		} else if (s->kind == SEL_REGEX) {
			const char *m = mc_regex(res, s->expr, body, 0);
			const char *g1 = mc_regex(res, s->expr, body, 1);
			printf("regex %s: %s\n", s->expr, m ? m : "(no match)");
			if (g1)
				printf("  group 1: %s\n", g1);
		} else {
			json_t *j = mc_script_json(res, s->expr);
			printf("json %s: ", s->expr);
			if (j)
				json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			else
				fputs("(none)", stdout);
			putchar('\n');
		}
	}
	if (f->show_body)
		fwrite(body, 1, len, stdout);
}

static void usage(FILE *out)
{
	fputs("usage: marketcrawl fetch URL [--xpath EXPR]... [--regex PATTERN]...\n"
	      "                         [--json XPATH]... [--body] [--spider NAME] [OPTIONS]\n\n"
	      "Fetch URL with the crawl engine (robots.txt, User-Agent, limits, charset\n"
	      "conversion) and print what each selector matches:\n"
	      "  --xpath EXPR    every node EXPR selects (string values), in order\n"
	      "  --regex PAT     the first match of PAT in the UTF-8 body, and group 1\n"
	      "  --json XPATH    the JSON inside the node XPATH selects, pretty-printed\n"
	      "  --body          also print the body\n"
	      "  --spider NAME   use that spider's settings, allowed domains, headers,\n"
	      "                  cookies and regions (--region CODE picks one)\n"
	      "Exit status: 0 when the page was fetched, 1 otherwise, 2 usage.\n\n",
	      out);
	mc_request_cli_help(out);
	mc_crawl_cli_help(out);
}

/* Pull our own options out of argv, leave the rest for the crawl parser. */
static int take_selectors(struct fetch *f, int *argc, char **argv, const char **spider)
{
	int w = 0;

	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i];
		enum sel_kind kind;
		if (strcmp(a, "--xpath") == 0)
			kind = SEL_XPATH;
		else if (strcmp(a, "--regex") == 0)
			kind = SEL_REGEX;
		else if (strcmp(a, "--json") == 0)
			kind = SEL_JSON;
		else if (strcmp(a, "--body") == 0) {
			f->show_body = true;
			continue;
		} else if (strcmp(a, "--spider") == 0 && i + 1 < *argc) {
			*spider = argv[++i];
			continue;
		} else {
			argv[w++] = argv[i];
			continue;
		}
		if (i + 1 >= *argc ||
		    f->nselectors >= (int)(sizeof f->selectors / sizeof f->selectors[0])) {
			fprintf(stderr, "marketcrawl fetch: %s needs an argument\n", a);
			return -1;
		}
		f->selectors[f->nselectors].kind = kind;
		f->selectors[f->nselectors].expr = argv[++i];
		f->nselectors++;
	}
	*argc = w;
	return 0;
}

int mc_cmd_fetch(int argc, char **argv)
{
	struct mc_crawl_cli cli;
	struct mc_crawl_result res;
	struct mc_request_cli req;
	struct fetch f;
	const char *spider_name = NULL;
	struct mc_spider sp = {.name = "fetch", .marketplace = "fetch"};
	const char *start[2] = {NULL, NULL};
	int rc = MC_EXIT_USAGE;

	memset(&cli, 0, sizeof cli);
	memset(&req, 0, sizeof req);
	memset(&f, 0, sizeof f);
	if (take_selectors(&f, &argc, argv, &spider_name) != 0 ||
	    mc_request_cli_take(&req, &argc, argv, "fetch") != 0 ||
	    mc_crawl_cli_parse(&cli, argc, argv) != 0) {
		mc_usage_hint("fetch");
		goto out;
	}
	if (cli.help || cli.nwords != 1) {
		usage(cli.help ? stdout : stderr);
		rc = cli.help ? MC_EXIT_OK : MC_EXIT_USAGE;
		goto out;
	}
	if (spider_name) {
		const struct mc_spider *base = mc_spider_find(spider_name);
		if (!base) {
			fprintf(stderr, "marketcrawl fetch: no spider named '%s'\n", spider_name);
			goto out;
		}
		sp.allowed_domains = base->allowed_domains;
		sp.settings = base->settings;
		sp.headers = base->headers;
		sp.cookies = base->cookies;
		sp.regions = base->regions;
	}
	start[0] = cli.words[0];
	sp.start_urls = start;
	sp.parse = on_page;
	if (mc_crawl_cli_apply(&cli, &sp, "fetch") != 0)
		goto out;
	/* The URL given is what is fetched, whatever the region's start URLs. */
	cli.opts.start_urls = start;
	cli.opts.start_opts = &req.opts;
	cli.opts.out.items_out = stdout;
	cli.opts.out.progress = false;
	cli.opts.policy.delay_ms = 0;
	cli.opts.hooks.context = &f;
	mc_crawl_run(&cli.opts, &res);
	rc = f.pages_seen > 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
	if (f.pages_seen == 0) {
		mc_stats_print(&res.stats, stderr);
		fprintf(stderr, "marketcrawl fetch: no page fetched from %s\n", cli.words[0]);
		if (res.reason[0])
			fprintf(stderr, "marketcrawl fetch: %s\n", res.reason);
	}
	mc_crawl_result_release(&res);
out:
	mc_request_cli_release(&req);
	mc_crawl_cli_release(&cli);
	return rc;
}
