/*
 * `marketcrawl new-spider NAME --start-url URL`: the five-minute path to a
 * new spider.  Writes spiders/NAME.c (a commented skeleton that compiles and
 * crawls: listing page → product page → item, using the helpers; its
 * selectors fit the bundled demo store, to be replaced with the site's) and
 * tests/spiders/NAME/ (pages/, pages.tsv, start_urls, expected.jsonl,
 * VERIFIED.md) for its offline contract test.  Never overwrites a file.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "marketcrawl/alloc.h"
#include "marketcrawl/buf.h"
#include "marketcrawl/commands.h"
#include "marketcrawl/exitcode.h"
#include "marketcrawl/url.h"

/* @NAME@, @START_URL@ and @DOMAIN@ are replaced. */
static const char spider_template[] =
	"/*\n"
	" * @NAME@: prices from @DOMAIN@.\n"
	" *\n"
	" * Written by `marketcrawl new-spider`.  The flow is the usual one for a\n"
	" * store: listing pages (follow each product and the next page) -> product\n"
	" * page -> one item.  The XPath selectors below fit the bundled demo store;\n"
	" * replace them with the site's (try them with `marketcrawl fetch URL\n"
	" * --xpath EXPR`).  docs/writing-a-spider.md explains every helper.\n"
	" * Everything a helper returns belongs to the response: never free it.\n"
	" */\n"
	"#include \"marketcrawl/spider.h\"\n"
	"\n"
	"static void parse_product(struct mc_response *res);\n"
	"\n"
	"/* A listing page: every product link, then the next page. */\n"
	"static void parse_listing(struct mc_response *res)\n"
	"{\n"
	"\tmc_follow_all(res, \"//li[contains(@class, 'product-card')]//a/@href\", parse_product);\n"
	"\tmc_follow_all(res, \"//a[@rel='next']/@href\", parse_listing);\n"
	"}\n"
	"\n"
	"/* The start page: where the listings begin. */\n"
	"static void parse_start(struct mc_response *res)\n"
	"{\n"
	"\tparse_listing(res);\n"
	"\tmc_follow_all(res, \"//a[contains(@href, 'page-1')]/@href\", parse_listing);\n"
	"}\n"
	"\n"
	"/* A product page: one item. */\n"
	"static void parse_product(struct mc_response *res)\n"
	"{\n"
	"\tstruct mc_item *it = mc_item_new(res);\n"
	"\tconst char *stock = mc_xpath_str(res, NULL, \"//*[@data-availability]/@data-availability\");\n"
	"\n"
	"\tmc_item_external_id(it, mc_xpath_str(res, NULL, \"//*[@data-sku]/@data-sku\"));\n"
	"\tmc_item_title(it, mc_xpath_text(res, NULL, \"//h1\"));\n"
	"\t/* Price texts such as \"EUR 14.99\" or \"14,99 €\"; the hint names the\n"
	"\t * currency when the text shows only a symbol. */\n"
	"\tmc_item_prices(it, mc_xpath_text(res, NULL, \"//*[contains(@class, 'price--final')]\"),\n"
	"\t\t       mc_xpath_text(res, NULL, \"//*[contains(@class, 'price--list')]\"),\n"
	"\t\t       mc_xpath_str(res, NULL, \"//*[contains(@class, 'price--final')]/@data-currency\"));\n"
	"\tif (stock && stock[0] == 'i')\n"
	"\t\tmc_item_availability(it, MC_AVAIL_IN_STOCK);\n"
	"\telse if (stock && stock[0] == 'o')\n"
	"\t\tmc_item_availability(it, MC_AVAIL_OUT_OF_STOCK);\n"
	"\telse if (stock && stock[0] == 'p')\n"
	"\t\tmc_item_availability(it, MC_AVAIL_PREORDER);\n"
	"\tmc_item_attr(it, \"release_date\", mc_xpath_str(res, NULL, \"//time/@datetime\"));\n"
	"\tmc_item_emit(it); /* validates; an invalid item is counted and logged */\n"
	"}\n"
	"\n"
	"static const char *const start_urls[] = {\"@START_URL@\", NULL};\n"
	"static const char *const allowed_domains[] = {\"@DOMAIN@\", NULL};\n"
	"\n"
	"const struct mc_spider mc_spider_@NAME@ = {\n"
	"\t.name = \"@NAME@\",\n"
	"\t.marketplace = \"@NAME@\",\n"
	"\t.start_urls = start_urls,\n"
	"\t.allowed_domains = allowed_domains,\n"
	"\t.parse = parse_start,\n"
	"\t/* Partial: a listing missing from a run says nothing.  Set\n"
	"\t * MC_SCOPE_FULL only when a run reads the whole catalogue (every\n"
	"\t * listing page), so that a complete run may delist what it did not\n"
	"\t * see (docs/writing-a-spider.md, \"Scope\"). */\n"
	"\t.scope = MC_SCOPE_PARTIAL,\n"
	"\t/* Polite by default; see docs/crawling.md for every setting. */\n"
	"\t.settings = {.per_host = 2, .delay_ms = 500},\n"
	"};\n";

static const char verified_template[] =
	"# @NAME@: what the expected items were checked against\n"
	"\n"
	"Saved pages: `pages/` (how and when each was saved, and from which URL).\n"
	"`pages.tsv` maps each URL the spider requests to its saved file.\n"
	"\n"
	"For each item in `expected.jsonl`, say which fields you compared with the\n"
	"page by hand and how, e.g. \"item 3: `<s class=price--list>EUR 29.99</s>`\n"
	"-> list_price 29.99 EUR; 'In stock' -> in_stock\".  Never paste the output of\n"
	"`marketcrawl check-spider @NAME@ --print` without checking it.\n";

/* Replace every @KEY@ of `tpl` with its value. */
static char *fill(const char *tpl, const char *name, const char *start_url, const char *domain)
{
	struct mc_buf b;
	const char *p = tpl;

	mc_buf_init(&b, 0);
	while (*p) {
		if (strncmp(p, "@NAME@", 6) == 0) {
			mc_buf_adds(&b, name);
			p += 6;
		} else if (strncmp(p, "@START_URL@", 11) == 0) {
			mc_buf_adds(&b, start_url);
			p += 11;
		} else if (strncmp(p, "@DOMAIN@", 8) == 0) {
			mc_buf_adds(&b, domain);
			p += 8;
		} else {
			mc_buf_addc(&b, *p++);
		}
	}
	return mc_buf_detach(&b, NULL);
}

/* Create `path` with `text`; refuses to overwrite.  Returns 0 or -1. */
static int write_new(const char *path, const char *text)
{
	FILE *f = fopen(path, "wx");

	if (!f) {
		fprintf(stderr, "marketcrawl new-spider: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "marketcrawl new-spider: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	printf("created %s\n", path);
	return 0;
}

static bool valid_name(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static void usage(FILE *out)
{
	fputs("usage: marketcrawl new-spider NAME --start-url URL [--root DIR]\n\n"
	      "Write DIR/spiders/NAME.c (a skeleton that compiles and crawls) and\n"
	      "DIR/tests/spiders/NAME/ (saved pages, pages.tsv, start_urls, expected.jsonl,\n"
	      "VERIFIED.md).  DIR defaults to the current directory (the source tree).\n"
	      "NAME is [a-z][a-z0-9_]*.  Existing files are never overwritten.\n"
	      "Then: `make`, `marketcrawl spiders`, edit the selectors, save pages, and\n"
	      "`marketcrawl check-spider NAME` (docs/writing-a-spider.md).\n",
	      out);
}

int mc_cmd_new_spider(int argc, char **argv)
{
	static const struct option opts[] = {
		{"start-url", required_argument, NULL, 's'},
		{"root", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *start_url = NULL, *root = ".";
	struct mc_url u;
	int ch, rc = MC_EXIT_FAIL;
	char *src = NULL, *dir = NULL, *pages = NULL, *path = NULL, *text = NULL, *url = NULL;

	optind = 1;
	for (ch = getopt_long(argc, argv, "h", opts, NULL); ch != -1;
	     ch = getopt_long(argc, argv, "h", opts, NULL)) {
		switch (ch) {
		case 's': start_url = optarg; break;
		case 'r': root = optarg; break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: usage(stderr); return MC_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || !start_url) {
		usage(stderr);
		return MC_EXIT_USAGE;
	}
	const char *name = argv[optind];
	if (!valid_name(name) || strlen(name) > 40) {
		fprintf(stderr, "marketcrawl new-spider: '%s' is not a valid name ([a-z][a-z0-9_]*)\n", name);
		return MC_EXIT_USAGE;
	}
	url = mc_url_normalize(start_url, NULL);
	if (!url || mc_url_parse(url, NULL, &u) != 0) {
		fprintf(stderr, "marketcrawl new-spider: not an http(s) URL: %s\n", start_url);
		free(url);
		return MC_EXIT_USAGE;
	}
	src = mc_asprintf("%s/spiders/%s.c", root, name);
	dir = mc_asprintf("%s/tests/spiders/%s", root, name);
	pages = mc_asprintf("%s/pages", dir);
	if (mkdir(dir, 0755) != 0 || mkdir(pages, 0755) != 0) {
		fprintf(stderr, "marketcrawl new-spider: cannot create %s: %s\n", pages, strerror(errno));
		goto out;
	}
	text = fill(spider_template, name, url, u.host);
	if (write_new(src, text) != 0)
		goto out;
	free(text);
	text = fill(verified_template, name, url, u.host);
	free(path);
	path = mc_asprintf("%s/VERIFIED.md", dir);
	if (write_new(path, text) != 0)
		goto out;
	free(text);
	text = mc_asprintf("%s\n", url);
	free(path);
	path = mc_asprintf("%s/start_urls", dir);
	if (write_new(path, text) != 0)
		goto out;
	free(text);
	text = mc_asprintf("# URL<TAB>FILE (in pages/)[<TAB>CONTENT-TYPE]\n");
	free(path);
	path = mc_asprintf("%s/pages.tsv", dir);
	if (write_new(path, text) != 0)
		goto out;
	free(path);
	path = mc_asprintf("%s/expected.jsonl", dir);
	if (write_new(path, "") != 0)
		goto out;
	printf("next: make && ./marketcrawl spiders; see docs/writing-a-spider.md\n");
	rc = MC_EXIT_OK;
out:
	mc_url_release(&u);
	free(url);
	free(text);
	free(path);
	free(src);
	free(dir);
	free(pages);
	return rc;
}
