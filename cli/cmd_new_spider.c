/*
 * `marketcrawl new-spider NAME --start-url URL`: the five-minute path to a
 * new spider.  Writes spiders/NAME.c, a skeleton that compiles and crawls
 * (start page → listing pages, following "next" → product pages → items)
 * with placeholder selectors for common, real markup (schema.org Product
 * JSON-LD and microdata, rel="next", OpenGraph), nothing of any one site;
 * and tests/spiders/NAME/ (example pages/ written for those placeholders,
 * pages.tsv, start_urls, expected.jsonl, VERIFIED.md), so that its offline
 * contract test passes at once.  The start URL is the only site-specific
 * input: it must be http(s), without credentials, its host a host name,
 * an IPv4 address or a bracketed IPv6 address (so that the host, which
 * also goes into a comment, holds nothing C could read), and the whole
 * URL is escaped for the C strings it goes into.  Never overwrites a file.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "cli/commands.h"
#include "cli/exitcode.h"
#include "crawler/url.h"

/* @NAME@, @START_URL@ and @DOMAIN@ are replaced (the last two escaped for a
 * C string literal). */
static const char spider_template[] =
	"/*\n"
	" * @NAME@: prices from @DOMAIN@.\n"
	" *\n"
	" * Written by `marketcrawl new-spider`: the start page is the first\n"
	" * listing page; each listing page leads to its product pages and to the\n"
	" * next listing page; each product page gives one item.  The selectors\n"
	" * marked PLACEHOLDER read common markup (schema.org Product in microdata\n"
	" * and JSON-LD, rel=\"next\" links, OpenGraph), not this site's: check each\n"
	" * one on its pages (`marketcrawl fetch URL --xpath EXPR`, `--json XPATH`),\n"
	" * replace what does not fit, and put pages saved from the site in\n"
	" * tests/spiders/@NAME@/ in place of the examples there.\n"
	" * docs/writing-a-spider.md explains every helper.  Everything a helper\n"
	" * returns belongs to the response: never free it.\n"
	" */\n"
	"#include <string.h>\n"
	"\n"
	"#include \"marketcrawl/spider.h\"\n"
	"\n"
	"static void parse_product(struct mc_response *res);\n"
	"\n"
	"/* A listing page: every product on it, then the next listing page. */\n"
	"static void parse_listing(struct mc_response *res)\n"
	"{\n"
	"\t/* PLACEHOLDER: the links to the product pages; here every link in a\n"
	"\t * schema.org Product card (microdata). */\n"
	"\tmc_follow_all(res, \"//*[@itemscope][contains(@itemtype, 'schema.org/Product')]//a/@href\",\n"
	"\t\t      parse_product);\n"
	"\t/* PLACEHOLDER: the next listing page, from <link rel=\"next\"> in the head\n"
	"\t * or <a rel=\"next\"> in the pager (the engine drops the duplicate). */\n"
	"\tmc_follow_all(res, \"//link[@rel='next']/@href | //a[@rel='next']/@href\", parse_listing);\n"
	"}\n"
	"\n"
	"/* The start page.  PLACEHOLDER: the start URL is taken to be the first\n"
	" * listing page (a category, \"all products\").  When it is a home page,\n"
	" * follow its links to the listing pages here instead, with\n"
	" * mc_follow_all and parse_listing as the callback. */\n"
	"static void parse_start(struct mc_response *res)\n"
	"{\n"
	"\tparse_listing(res);\n"
	"}\n"
	"\n"
	"/* A schema.org availability (\"https://schema.org/InStock\") as ours. */\n"
	"static enum mc_availability availability(const char *s)\n"
	"{\n"
	"\tif (!s)\n"
	"\t\treturn MC_AVAIL_UNKNOWN;\n"
	"\tif (strstr(s, \"InStock\"))\n"
	"\t\treturn MC_AVAIL_IN_STOCK;\n"
	"\tif (strstr(s, \"OutOfStock\") || strstr(s, \"SoldOut\"))\n"
	"\t\treturn MC_AVAIL_OUT_OF_STOCK;\n"
	"\tif (strstr(s, \"PreOrder\"))\n"
	"\t\treturn MC_AVAIL_PREORDER;\n"
	"\treturn MC_AVAIL_UNKNOWN;\n"
	"}\n"
	"\n"
	"/* A product page: one item. */\n"
	"static void parse_product(struct mc_response *res)\n"
	"{\n"
	"\t/* PLACEHOLDER: the product's JSON-LD block (a page may carry others,\n"
	"\t * for breadcrumbs or the organisation; a Product inside an \"@graph\"\n"
	"\t * needs a walk like spiders/schemaorg.c's). */\n"
	"\tjson_t *product = mc_script_json(res,\n"
	"\t\t\"//script[@type='application/ld+json'][contains(., '\\\"Product\\\"')]\");\n"
	"\tjson_t *offer = mc_json_get(product, \"offers\");\n"
	"\tconst char *title = mc_json_str(res, product, \"name\");\n"
	"\tstruct mc_item *it = mc_item_new(res);\n"
	"\n"
	"\tif (json_is_array(offer)) /* several offers: the first */\n"
	"\t\toffer = json_array_get(offer, 0);\n"
	"\tif (!title) /* PLACEHOLDER: the OpenGraph title when the JSON-LD has no name */\n"
	"\t\ttitle = mc_xpath_text(res, NULL, \"//meta[@property='og:title']/@content\");\n"
	"\t/* PLACEHOLDER: the site's own stable id (SKU, article number), never a\n"
	"\t * position or a title: the price history is kept per id. */\n"
	"\tmc_item_external_id(it, mc_json_str(res, product, \"sku\"));\n"
	"\tmc_item_title(it, title);\n"
	"\t/* JSON-LD prices are decimals (\"14.99\") with an ISO currency.  Prices\n"
	"\t * read from the HTML go in as the text shown (\"14,99 €\") with the\n"
	"\t * currency as a hint; add the list price when the site shows one. */\n"
	"\tmc_item_prices(it, mc_json_str(res, offer, \"price\"), NULL,\n"
	"\t\t       mc_json_str(res, offer, \"priceCurrency\"));\n"
	"\tmc_item_availability(it, availability(mc_json_str(res, offer, \"availability\")));\n"
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
	"The pages in `pages/` are examples written by `marketcrawl new-spider`:\n"
	"two listing pages and two product pages in common markup (schema.org\n"
	"Product microdata and JSON-LD, rel=\"next\", og:title), made for the\n"
	"skeleton's placeholder selectors, and `expected.jsonl` holds the two items\n"
	"they describe.  They prove the skeleton runs, nothing about the site.\n"
	"\n"
	"Replace them with pages saved from the site (`curl -o`, or the browser's\n"
	"\"save page as: HTML only\"): say here how and when each was saved and from\n"
	"which URL; map each URL the spider requests to its file in `pages.tsv`.\n"
	"\n"
	"For each item in `expected.jsonl`, say which fields you compared with the\n"
	"page by hand and how, e.g. \"item 3: `<s class=price--list>EUR 29.99</s>`\n"
	"-> list_price 29.99 EUR; 'In stock' -> in_stock\".  Never paste the output of\n"
	"`marketcrawl check-spider @NAME@ --print` without checking it.\n";

/* The example pages.  Their links are relative, so they fit any start URL:
 * the first listing page is saved as the start URL itself. */
static const char listing1_page[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<title>All products, page 1 | Example shop</title>\n"
	"<link rel=\"next\" href=\"example-listing-2.html\">\n"
	"</head>\n"
	"<body>\n"
	"<!-- An example written by `marketcrawl new-spider` for the skeleton's\n"
	"     placeholder selectors: replace it with the start page of the site. -->\n"
	"<h1>All products</h1>\n"
	"<ul class=\"products\">\n"
	"  <li itemscope itemtype=\"https://schema.org/Product\">\n"
	"    <a itemprop=\"url\" href=\"example-product-1.html\"><span itemprop=\"name\">Example product one</span></a>\n"
	"    <span class=\"price\">&euro;14.99</span>\n"
	"  </li>\n"
	"</ul>\n"
	"<nav class=\"pager\"><span>Page 1 of 2</span> <a rel=\"next\" href=\"example-listing-2.html\">Next</a></nav>\n"
	"</body>\n"
	"</html>\n";

static const char listing2_page[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<title>All products, page 2 | Example shop</title>\n"
	"</head>\n"
	"<body>\n"
	"<!-- An example written by `marketcrawl new-spider`: the last listing page\n"
	"     (no rel=\"next\"). -->\n"
	"<h1>All products</h1>\n"
	"<ul class=\"products\">\n"
	"  <li itemscope itemtype=\"http://schema.org/Product\">\n"
	"    <a href=\"example-product-2.html\">Example product two</a>\n"
	"    <span class=\"price\">$5.00</span>\n"
	"  </li>\n"
	"</ul>\n"
	"<nav class=\"pager\"><span>Page 2 of 2</span></nav>\n"
	"</body>\n"
	"</html>\n";

static const char product1_page[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<title>Example product one | Example shop</title>\n"
	"<meta property=\"og:title\" content=\"Example product one\">\n"
	"<script type=\"application/ld+json\">\n"
	"{\"@context\": \"https://schema.org\", \"@type\": \"BreadcrumbList\",\n"
	" \"itemListElement\": [{\"@type\": \"ListItem\", \"position\": 1, \"name\": \"All products\"}]}\n"
	"</script>\n"
	"<script type=\"application/ld+json\">\n"
	"{\n"
	"  \"@context\": \"https://schema.org\",\n"
	"  \"@type\": \"Product\",\n"
	"  \"sku\": \"EX-1\",\n"
	"  \"name\": \"Example product one\",\n"
	"  \"offers\": {\n"
	"    \"@type\": \"Offer\",\n"
	"    \"price\": \"14.99\",\n"
	"    \"priceCurrency\": \"EUR\",\n"
	"    \"availability\": \"https://schema.org/InStock\"\n"
	"  }\n"
	"}\n"
	"</script>\n"
	"</head>\n"
	"<body>\n"
	"<!-- An example written by `marketcrawl new-spider`: a product page with\n"
	"     breadcrumbs and the product in JSON-LD. -->\n"
	"<h1>Example product one</h1>\n"
	"<p class=\"price\">&euro;14.99</p>\n"
	"<p class=\"stock\">In stock</p>\n"
	"</body>\n"
	"</html>\n";

static const char product2_page[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<title>Example product two | Example shop</title>\n"
	"<meta property=\"og:title\" content=\"Example product two\">\n"
	"<script type=\"application/ld+json\">\n"
	"{\"@context\": \"https://schema.org\", \"@type\": \"Product\", \"sku\": \"EX-2\",\n"
	" \"offers\": [{\"@type\": \"Offer\", \"price\": 5, \"priceCurrency\": \"USD\",\n"
	"             \"availability\": \"https://schema.org/OutOfStock\"}]}\n"
	"</script>\n"
	"</head>\n"
	"<body>\n"
	"<!-- An example written by `marketcrawl new-spider`: the JSON-LD has no\n"
	"     name (the title comes from og:title) and a list of offers. -->\n"
	"<h1>Example product two</h1>\n"
	"<p class=\"price\">$5.00</p>\n"
	"<p class=\"stock\">Sold out</p>\n"
	"</body>\n"
	"</html>\n";

/* One example page: its file, saved as the start URL itself or at its file
 * name relative to it, and the item it describes (id NULL: none). */
struct example {
	const char *file;
	bool is_start;
	const char *text;
	const char *id, *title, *price, *currency, *availability;
};

/* In the order the replay visits them (breadth-first), so expected.jsonl
 * lists the items in the order the spider emits them. */
static const struct example examples[] = {
	{"example-listing-1.html", true, listing1_page, NULL, NULL, NULL, NULL, NULL},
	{"example-product-1.html", false, product1_page, "EX-1", "Example product one", "14.99",
	 "EUR", "in_stock"},
	{"example-listing-2.html", false, listing2_page, NULL, NULL, NULL, NULL, NULL},
	{"example-product-2.html", false, product2_page, "EX-2", "Example product two", "5", "USD",
	 "out_of_stock"},
};

/* `s` as the inside of a C string literal: quotes, backslashes and '?'
 * (a "??=" would be a trigraph under -std=c11) escaped, and every byte
 * outside printable ASCII in octal.  New string. */
static char *c_escape(const char *s)
{
	struct mc_buf b;

	mc_buf_init(&b, 0);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c == '?') {
			mc_buf_addc(&b, '\\');
			mc_buf_addc(&b, (char)c);
		} else if (c < 0x20 || c > 0x7e) {
			mc_buf_printf(&b, "\\%03o", c);
		} else {
			mc_buf_addc(&b, (char)c);
		}
	}
	return mc_buf_detach(&b, NULL);
}

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

/* Create `dir`/`file` with `text`; refuses to overwrite.  Returns 0 or -1. */
static int write_new(const char *dir, const char *file, const char *text)
{
	char *path = mc_asprintf("%s/%s", dir, file);
	FILE *f = fopen(path, "wx");
	int rc = -1;

	if (!f) {
		fprintf(stderr, "marketcrawl new-spider: cannot create %s: %s\n", path, strerror(errno));
		goto out;
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "marketcrawl new-spider: cannot write %s: %s\n", path, strerror(errno));
		goto out;
	}
	printf("created %s\n", path);
	rc = 0;
out:
	free(path);
	return rc;
}

/* The spider's source, its start URL and domain escaped for C. */
static char *spider_source(const char *name, const char *url, const char *host)
{
	char *c_url = c_escape(url), *c_host = c_escape(host);
	char *text = fill(spider_template, name, c_url, c_host);

	free(c_url);
	free(c_host);
	return text;
}

/* pages.tsv (`tsv`) and expected.jsonl (`jsonl`) for the example pages
 * served under `url`.  Returns 0, or -1 when an example's URL is not valid
 * under it (logged). */
static int example_maps(const char *name, const char *url, struct mc_buf *tsv, struct mc_buf *jsonl)
{
	mc_buf_adds(tsv, "# URL<TAB>FILE (in pages/)[<TAB>CONTENT-TYPE[<TAB>METHOD[<TAB>BODY]]]\n"
			 "# (docs/writing-a-spider.md, section 5; lines starting with # are comments)\n"
			 "# The example pages written by `marketcrawl new-spider`: replace them\n"
			 "# with pages saved from the site.\n");
	for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
		const struct example *e = &examples[i];
		char *page_url = e->is_start ? mc_strdup(url) : mc_url_normalize(e->file, url);
		if (!page_url) {
			fprintf(stderr, "marketcrawl new-spider: %s is not a URL under %s\n", e->file, url);
			return -1;
		}
		mc_buf_printf(tsv, "%s\t%s\n", page_url, e->file);
		if (e->id) {
			json_t *item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:n, s:s, s:s, s:n, s:{}}",
						 "marketplace", name, "external_id", e->id, "url",
						 page_url, "title", e->title, "price", e->price,
						 "list_price", "currency", e->currency, "availability",
						 e->availability, "product_key", "attrs");
			char *line = json_dumps(item, JSON_COMPACT | JSON_PRESERVE_ORDER);
			mc_buf_printf(jsonl, "%s\n", line);
			free(line);
			json_decref(item);
		}
		free(page_url);
	}
	return 0;
}

/* tests/spiders/NAME/: the example pages and what maps and expects them. */
static int write_test_dir(const char *dir, const char *name, const char *url)
{
	struct mc_buf tsv, jsonl;
	char *pages = mc_asprintf("%s/pages", dir), *text = NULL;
	int rc = -1;

	mc_buf_init(&tsv, 0);
	mc_buf_init(&jsonl, 0);
	if (example_maps(name, url, &tsv, &jsonl) != 0)
		goto out;
	if (mkdir(dir, 0755) != 0 || mkdir(pages, 0755) != 0) {
		fprintf(stderr, "marketcrawl new-spider: cannot create %s: %s\n", pages, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++)
		if (write_new(pages, examples[i].file, examples[i].text) != 0)
			goto out;
	text = mc_buf_detach(&tsv, NULL);
	if (write_new(dir, "pages.tsv", text) != 0)
		goto out;
	free(text);
	text = mc_buf_detach(&jsonl, NULL);
	if (write_new(dir, "expected.jsonl", text) != 0)
		goto out;
	free(text);
	text = mc_asprintf("%s\n", url);
	if (write_new(dir, "start_urls", text) != 0)
		goto out;
	free(text);
	text = fill(verified_template, name, url, "");
	if (write_new(dir, "VERIFIED.md", text) != 0)
		goto out;
	rc = 0;
out:
	mc_buf_release(&tsv);
	mc_buf_release(&jsonl);
	free(text);
	free(pages);
	return rc;
}

/* A host name (labels of letters, digits, '-' and '_' between single
 * dots, none starting or ending with '-'), an IPv4 address or an IPv6
 * address in brackets, as mc_url_parse leaves them (lower case, IDNA
 * applied). */
static bool valid_host(const char *h)
{
	size_t n = strlen(h), label = 0;

	if (n == 0 || n > 253)
		return false;
	if (h[0] == '[')
		return n > 2 && h[n - 1] == ']' && strspn(h + 1, "0123456789abcdef:.") == n - 2;
	for (size_t i = 0; i <= n; i++) {
		char c = h[i];
		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || h[i - 1] == '-')
				return false;
			label = 0;
		} else if (islower((unsigned char)c) || isdigit((unsigned char)c) || c == '_' ||
			   (c == '-' && label > 0)) {
			label++;
		} else {
			return false;
		}
	}
	return true;
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
	      "Write DIR/spiders/NAME.c (a skeleton that compiles and crawls: start page,\n"
	      "listing pages following \"next\", product pages; its placeholder selectors\n"
	      "read schema.org Product JSON-LD and microdata, rel=\"next\" and og:title)\n"
	      "and DIR/tests/spiders/NAME/ (example pages for those selectors, pages.tsv,\n"
	      "start_urls, expected.jsonl, VERIFIED.md), so that `make` and\n"
	      "`marketcrawl check-spider NAME` pass at once.  DIR defaults to the current\n"
	      "directory (the source tree).  NAME is [a-z][a-z0-9_]*.  Existing files are\n"
	      "never overwritten.  Then fit the selectors to the site, save its pages in\n"
	      "place of the examples, and check every expected item by hand\n"
	      "(docs/writing-a-spider.md).\n",
	      out);
}

int mc_cmd_new_spider(int argc, char **argv)
{
	static const struct option opts[] = {
		{"start-url", required_argument, NULL, 's'},
		{"root", required_argument, NULL, 'r'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	const char *start_url = NULL, *root = ".";
	struct mc_url u = {0};
	struct stat st;
	int ch, rc = MC_EXIT_FAIL;
	const char *exists;
	char *spiders = NULL, *file = NULL, *src = NULL, *dir = NULL, *text = NULL, *url = NULL;

	optind = 1;
	for (ch = getopt_long(argc, argv, "h", opts, NULL); ch != -1;
	     ch = getopt_long(argc, argv, "h", opts, NULL)) {
		switch (ch) {
		case 's': start_url = optarg; break;
		case 'r': root = optarg; break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("new-spider");
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
		rc = MC_EXIT_USAGE;
		goto out;
	}
	if (!valid_host(u.host)) {
		fprintf(stderr, "marketcrawl new-spider: %s: the host is not a host name (letters, "
			"digits, '-', '_' and dots), an IPv4 address or an [IPv6] address\n", start_url);
		rc = MC_EXIT_USAGE;
		goto out;
	}
	if (u.userinfo[0]) {
		fprintf(stderr, "marketcrawl new-spider: the start URL has a user name or password "
			"(before '@'), which would be written into the spider's source; give the URL "
			"without it\n");
		rc = MC_EXIT_USAGE;
		goto out;
	}
	spiders = mc_asprintf("%s/spiders", root);
	file = mc_asprintf("%s.c", name);
	dir = mc_asprintf("%s/tests/spiders/%s", root, name);
	src = mc_asprintf("%s/%s", spiders, file);
	/* Checked before anything is written, so that a refusal leaves no
	 * half-made spider behind. */
	exists = stat(src, &st) == 0 ? src : stat(dir, &st) == 0 ? dir : NULL;
	if (exists) {
		fprintf(stderr, "marketcrawl new-spider: %s exists; new-spider never overwrites\n",
			exists);
		goto out;
	}
	text = spider_source(name, url, u.host);
	if (write_new(spiders, file, text) != 0)
		goto out;
	if (write_test_dir(dir, name, url) != 0)
		goto out;
	printf("next: make && ./marketcrawl check-spider %s; see docs/writing-a-spider.md\n", name);
	rc = MC_EXIT_OK;
out:
	mc_url_release(&u);
	free(url);
	free(text);
	free(file);
	free(src);
	free(dir);
	free(spiders);
	return rc;
}
