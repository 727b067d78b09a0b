/*
 * The engine with spiders written for the test, over the replay path (no
 * network, one request at a time, so the order is exact): per-request data
 * and referer depth, priorities against breadth-first order, dont_filter
 * revisits, --max-pages, --max-depth and the item stream; pages.tsv rows
 * matched on method and body (digest or body file), HEAD, start requests
 * made as POSTs; regions (start URLs, currency, the `region` of items and
 * of the run record); the follow list `marketcrawl parse` prints; the
 * context pointer callbacks get; and per-host rules (the spider's table,
 * the caller's, max-pages).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawler/engine.h"
#include "crawler/replay.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/sha256.h"
#include "testlib.h"

static char dir[] = "/tmp/mc-replay-XXXXXX";
static struct mc_buf order; /* "URL-path(data)@depth " per page, in visit order */

static void write_file(const char *name, const char *text)
{
	char *path = mc_asprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	free(path);
}

static void record(struct mc_response *res)
{
	const char *path = strrchr(mc_response_url(res), '/');
	const char *data = mc_response_data(res);

	mc_buf_printf(&order, "%s%s%s%s@%d ", path + 1, data ? "(" : "", data ? data : "",
		      data ? ")" : "", mc_response_depth(res));
}

static void leaf(struct mc_response *res)
{
	struct mc_item *it = mc_item_new(res);

	record(res);
	mc_item_external_id(it, strrchr(mc_response_url(res), '/') + 1);
	mc_item_title(it, mc_xpath_text(res, NULL, "//h1"));
	mc_item_price_exact(it, "1.50", NULL, "EUR");
	mc_item_emit(it);
}

static void root(struct mc_response *res)
{
	static const struct mc_follow_opts urgent = {.priority = 5, .data = "urgent"};
	static const struct mc_follow_opts again = {.dont_filter = true, .data = "again"};
	struct mc_follow_opts carry = {.data = "sku-7"};

	record(res);
	mc_follow(res, "a.html", leaf, &carry);
	mc_follow(res, "b.html", leaf, NULL);
	mc_follow(res, "c.html", leaf, &urgent);
	mc_follow(res, "a.html", leaf, NULL);   /* duplicate: dropped */
	mc_follow(res, "a.html", leaf, &again); /* dont_filter: fetched again */
	mc_follow(res, "deep.html", root, NULL);
}

static const char *const starts[] = {"http://replay.test/index.html", NULL};
static const struct mc_callback callbacks[] = {{"root", root}, {"leaf", leaf}, {NULL, NULL}};
static const struct mc_spider spider = {
	.name = "replaytest",
	.marketplace = "replay",
	.start_urls = starts,
	.parse = root,
	.callbacks = callbacks,
};

/* ---- methods and bodies ----------------------------------------------------- */

/* An API answer: record which saved file answered ("which"), or "-". */
static void api(struct mc_response *res)
{
	const char *which = mc_json_str(res, mc_response_json(res), "which");
	size_t len;

	mc_response_body(res, &len);
	mc_buf_printf(&order, "%s ", which ? which : len ? "?" : "(empty)");
}

static void api_root(struct mc_response *res)
{
	static const struct mc_follow_opts one = {.method = MC_POST, .body = "{\"page\":1}",
						  .content_type = "application/json"};
	static const struct mc_follow_opts two = {.method = MC_POST, .body = "{\"page\":2}",
						  .content_type = "application/json"};
	static const struct mc_follow_opts three = {.method = MC_POST, .body = "{\"page\":3}"};
	static const struct mc_follow_opts head = {.method = MC_HEAD};

	mc_buf_printf(&order, "start(%s) ", mc_response_data(res) ? mc_response_data(res) : "-");
	mc_follow(res, "/api", api, &one);
	mc_follow(res, "/api", api, &two);
	mc_follow(res, "/api", api, &three); /* no row for this body: 404 */
	mc_follow(res, "/api", api, NULL);   /* the GET row */
	mc_follow(res, "/api", api, &head);  /* the HEAD row */
	mc_follow(res, "/api", api, &one);   /* duplicate */
}

static const struct mc_follow_opts start_post = {.method = MC_POST, .body = "start=1",
						  .data = "from start_opts"};
static const char *const api_starts[] = {"http://replay.test/start", NULL};
static const struct mc_spider api_spider = {
	.name = "apitest",
	.marketplace = "replay",
	.start_urls = api_starts,
	.start_opts = &start_post,
	.parse = api_root,
};

static void sha_hex(const char *s, char hex[65])
{
	struct mc_sha256 h;

	mc_sha256_init(&h);
	mc_sha256_update(&h, s, strlen(s));
	mc_sha256_final_hex(&h, hex);
}

static void test_methods(void)
{
	char one[65], start[65];
	struct mc_crawl_opts o;
	struct mc_crawl_result r;

	write_file("one.json", "{\"which\":\"post one\"}");
	write_file("two.json", "{\"which\":\"post two\"}");
	write_file("get.json", "{\"which\":\"get\"}");
	write_file("start.html", "<html><body>start</body></html>");
	write_file("two.body", "{\"page\":2}");
	sha_hex("{\"page\":1}", one);
	sha_hex("start=1", start);
	char *tsv = mc_asprintf("# URL TYPE METHOD BODY\n"
				"http://replay.test/start\tstart.html\t-\tPOST\tsha256:%s\n"
				"http://replay.test/api\tone.json\tapplication/json\tPOST\tsha256:%s\n"
				"http://replay.test/api\ttwo.json\tapplication/json\tPOST\ttwo.body\n"
				"http://replay.test/api\tget.json\tapplication/json\n"
				"http://replay.test/api\tget.json\tapplication/json\tHEAD\n",
				start, one);
	write_file("api.tsv", tsv);
	free(tsv);
	char *path = mc_asprintf("%s/api.tsv", dir);
	struct mc_replay *rp = mc_replay_load(path, dir, NULL);
	CHECK(rp != NULL, "replay: rows with METHOD and BODY columns load");
	mc_buf_reset(&order);
	mc_crawl_opts_replay(&o, &api_spider, rp);
	o.out.items_out = tmpfile();
	mc_crawl_run(&o, &r);
	CHECK_STR(order.data, "start(from start_opts) post one post two get (empty) ",
		  "replay matches method and body: a POST start request, two bodies, GET, HEAD");
	CHECK_INT(r.stats.status[404], 1, "replay: a body no row names is 404");
	CHECK_INT(r.stats.duplicates, 1, "the same POST body twice is one request");
	mc_crawl_result_release(&r);
	fclose(o.out.items_out);
	mc_replay_free(rp);

	write_file("bad.tsv", "http://replay.test/x\tone.json\t-\tPUT\n");
	free(path);
	path = mc_asprintf("%s/bad.tsv", dir);
	struct mc_err err = {""};
	CHECK(mc_replay_load(path, dir, &err) == NULL, "replay: an unknown method is refused");
	CHECK(strstr(err.msg, "bad.tsv:1: method must be GET, POST or HEAD, not PUT") != NULL,
	      "replay: ... with the file, the line and the reason in the caller's error");
	write_file("bad.tsv", "http://replay.test/x\tone.json\t-\tPOST\tsha256:abc\n");
	CHECK(mc_replay_load(path, dir, NULL) == NULL, "replay: a short digest is refused");
	free(path);
}

/* ---- regions ------------------------------------------------------------------ */

static void region_item(struct mc_response *res)
{
	struct mc_item *it = mc_item_new(res);
	const struct mc_region *rg = mc_response_region(res);

	mc_item_external_id(it, rg ? rg->code : "none");
	mc_item_title(it, "Regional");
	mc_item_prices(it, "12,50", NULL, NULL); /* no currency in the text: the region's */
	mc_item_emit(it);
}

static const char *const de_starts[] = {"http://replay.test/de/index.html", NULL};
static const char *const fr_starts[] = {"http://replay.test/fr/index.html", NULL};
static const struct mc_region regions[] = {
	{.code = "de", .start_urls = de_starts, .currency = "EUR"},
	{.code = "ch", .currency = "CHF"}, /* the spider's own start URLs */
	{.code = "fr", .start_urls = fr_starts, .currency = "EUR"},
	{NULL},
};
static const char *const region_default_starts[] = {"http://replay.test/index.html", NULL};
static const struct mc_spider region_spider = {
	.name = "regiontest",
	.marketplace = "replay",
	.start_urls = region_default_starts,
	.parse = region_item,
	.regions = regions,
};

/* Run the region spider in `region` (NULL: the default) into a staging
 * file; returns its text (caller frees). */
static char *region_run(const struct mc_replay *rp, const char *code, struct mc_crawl_result *r)
{
	struct mc_crawl_opts o;
	char *out = mc_asprintf("%s/staging-%s", dir, code ? code : "default");

	mc_crawl_opts_replay(&o, &region_spider, rp);
	for (const struct mc_region *rg = regions; code && rg->code; rg++)
		if (strcmp(rg->code, code) == 0)
			o.region = rg;
	o.out.staging_dir = out;
	mc_crawl_run(&o, r);
	char *cmd = mc_asprintf("cat '%s'/*.jsonl", out);
	FILE *p = popen(cmd, "r");
	struct mc_buf b;
	char chunk[4096];
	size_t n;
	mc_buf_init(&b, 0);
	mc_buf_adds(&b, "");
	for (n = fread(chunk, 1, sizeof chunk, p); n > 0; n = fread(chunk, 1, sizeof chunk, p))
		mc_buf_add(&b, chunk, n);
	pclose(p);
	free(cmd);
	free(out);
	return mc_buf_detach(&b, NULL);
}

static void test_regions(void)
{
	struct mc_crawl_result r;

	write_file("regions.tsv", "http://replay.test/de/index.html\tindex.html\n"
				  "http://replay.test/fr/index.html\tindex.html\n"
				  "http://replay.test/index.html\tindex.html\n");
	char *path = mc_asprintf("%s/regions.tsv", dir);
	struct mc_replay *rp = mc_replay_load(path, dir, NULL);
	free(path);

	char *text = region_run(rp, "fr", &r);
	CHECK(strstr(text, "{\"marketplace\":\"replay\",\"region\":\"fr\",\"external_id\":\"fr\","
			   "\"url\":\"http://replay.test/fr/index.html\"") != NULL,
	      "region fr: its start URL, and the item's region right after marketplace");
	CHECK(strstr(text, "\"price\":\"12.5\",\"list_price\":null,\"currency\":\"EUR\"") != NULL,
	      "region fr: a price without currency takes the region's");
	CHECK(strstr(text, "{\"run\":{\"spider\":\"regiontest\",\"region\":\"fr\",\"run_id\"") != NULL,
	      "region fr: the run record carries the region after the spider");
	CHECK(r.status == MC_RUN_COMPLETE, "a region's own start URLs make a complete run");
	mc_crawl_result_release(&r);
	free(text);

	text = region_run(rp, NULL, &r);
	CHECK(strstr(text, "\"region\":\"de\",\"external_id\":\"de\",\"url\":\"http://replay.test/de/") != NULL,
	      "no region given: the spider's first region");
	mc_crawl_result_release(&r);
	free(text);

	text = region_run(rp, "ch", &r);
	CHECK(strstr(text, "\"region\":\"ch\",\"external_id\":\"ch\",\"url\":\"http://replay.test/index.html\"") &&
		      strstr(text, "\"currency\":\"CHF\""),
	      "a region without start URLs: the spider's own, with the region's currency");
	mc_crawl_result_release(&r);
	free(text);
	mc_replay_free(rp);
}

/* ---- the follow list of `marketcrawl parse` ------------------------------------------ */

static void test_follows_out(const struct mc_replay *rp)
{
	struct mc_crawl_opts o;
	struct mc_crawl_result r;
	FILE *out = tmpfile(), *items = tmpfile();
	char text[1024];
	size_t n;

	mc_buf_reset(&order);
	mc_crawl_opts_replay(&o, &spider, rp);
	o.out.items_out = items;
	o.out.follows_out = out;
	o.start_cb = leaf;
	o.start_urls = (const char *const[]){"http://replay.test/a.html", NULL};
	mc_crawl_run(&o, &r);
	CHECK_STR(order.data, "a.html@0 ", "start_cb: the start URL goes to the callback given");
	mc_crawl_result_release(&r);

	o.start_cb = root;
	o.start_urls = NULL;
	mc_buf_reset(&order);
	mc_crawl_run(&o, &r);
	rewind(out);
	n = fread(text, 1, sizeof text - 1, out);
	text[n] = '\0';
	CHECK_STR(text,
		  "follow GET http://replay.test/a.html leaf\n"
		  "follow GET http://replay.test/b.html leaf\n"
		  "follow GET http://replay.test/c.html leaf\n"
		  "follow GET http://replay.test/a.html leaf (dropped: duplicate)\n"
		  "follow GET http://replay.test/a.html leaf\n"
		  "follow GET http://replay.test/deep.html root\n",
		  "follows_out: every request the callback asks for, named, none crawled");
	CHECK_STR(order.data, "index.html@0 ", "follows_out: only the start page is fetched");
	mc_crawl_result_release(&r);
	fclose(out);
	fclose(items);
}

/* ---- the callbacks' context ---------------------------------------------------------- */

struct seen_context {
	const char *name;
	int pages;
};

/* Names the context it sees in `order`; follows a.html from the index. */
static void context_page(struct mc_response *res)
{
	struct seen_context *c = mc_response_context(res);

	mc_buf_printf(&order, "%s ", c ? c->name : "(none)");
	if (c)
		c->pages++;
	if (strstr(mc_response_url(res), "index.html"))
		mc_follow(res, "a.html", context_page, NULL);
}

static void context_run(const struct mc_replay *rp, void *context, int workers)
{
	struct mc_crawl_opts o;
	struct mc_crawl_result r;
	FILE *out = tmpfile();

	mc_buf_reset(&order);
	mc_crawl_opts_replay(&o, &spider, rp);
	o.start_cb = context_page;
	o.hooks.context = context;
	o.out.items_out = out;
	o.policy.workers = workers;
	mc_crawl_run(&o, &r);
	mc_crawl_result_release(&r);
	fclose(out);
}

/* The pointer given as hooks.context reaches every callback, the start
 * page's and a followed page's, on the loop or on a parser thread. */
static void test_context(const struct mc_replay *rp)
{
	struct seen_context c = {"ctx", 0};

	context_run(rp, &c, 0);
	CHECK_STR(order.data, "ctx ctx ", "callbacks see the run's context");
	CHECK_INT(c.pages, 2, "through the context, callbacks reach the caller's state");
	c.pages = 0;
	context_run(rp, &c, 2);
	CHECK_STR(order.data, "ctx ctx ", "callbacks on parser threads see it too");
	CHECK_INT(c.pages, 2, "both pages counted from the parser threads");
	context_run(rp, NULL, 0);
	CHECK_STR(order.data, "(none) (none) ", "no context given: NULL");
}

static long run(const struct mc_replay *rp, int max_pages, int max_depth, long *items)
{
	struct mc_crawl_opts o;
	struct mc_crawl_result r;
	FILE *out = tmpfile();

	mc_buf_reset(&order);
	mc_crawl_opts_replay(&o, &spider, rp);
	o.out.items_out = out;
	o.policy.max_pages = max_pages;
	o.policy.max_depth = max_depth;
	mc_crawl_run(&o, &r);
	*items = r.stats.items;
	long dups = r.stats.duplicates;
	mc_crawl_result_release(&r);
	fclose(out);
	return dups;
}

/* A run of `sp` with the --host-rule rules `rules`; the order of pages in
 * `order`, the result in `r` (released by the caller). */
static void rules_run(const struct mc_replay *rp, const struct mc_spider *sp,
		      const char *const *rules, struct mc_crawl_result *r)
{
	struct mc_crawl_opts o;
	FILE *out = tmpfile();

	mc_buf_reset(&order);
	mc_crawl_opts_replay(&o, sp, rp);
	o.out.items_out = out;
	o.policy.host_rules = rules;
	mc_crawl_run(&o, r);
	fclose(out);
}

/* Per-host rules from the spider's table and the caller: max-pages cuts
 * one host and makes the run partial, the most specific rule wins, the
 * caller's rule comes after the spider's; bad rules and proxies fail the
 * run before anything is fetched, a proxy's password never shown. */
static void test_host_rules(const struct mc_replay *rp)
{
	static const char *const own[] = {"replay.test:max-pages=3", "*.test:delay=9", NULL};
	static const char *const wider[] = {".test:max-pages=1", NULL};
	static const char *const same[] = {"replay.test:max-pages=2", NULL};
	static const char *const bad[] = {"replay.test:pages=2", NULL};
	struct mc_spider sp = spider;
	struct mc_crawl_result r;

	sp.settings.host_rules = own;
	rules_run(rp, &sp, NULL, &r);
	CHECK_STR(order.data, "index.html@0 c.html(urgent)@1 a.html(sku-7)@1 ",
		  "host rules: the spider's max-pages 3 for its host");
	CHECK_INT(r.status, MC_RUN_PARTIAL, "host rules: a run cut by a host's max-pages is partial");
	CHECK(strstr(r.reason, "max-pages 3 of host rule 'replay.test:max-pages=3' reached for "
			       "http://replay.test with 3 requests not made") != NULL,
	      "host rules: the reason names the rule and the host: %s", r.reason);
	CHECK(r.stats.nhosts == 1 && r.stats.hosts[0].pages == 3 && r.stats.hosts[0].max_pages == 3 &&
		      r.stats.hosts[0].not_made == 3 && r.stats.hosts[0].delay_ms == 0,
	      "host rules: the host's figures in the stats (exact rule, not the domain's delay)");
	CHECK_INT(r.stats.host_limited, 3, "host rules: requests not made counted");
	mc_crawl_result_release(&r);

	rules_run(rp, &sp, wider, &r);
	CHECK_STR(order.data, "index.html@0 c.html(urgent)@1 a.html(sku-7)@1 ",
		  "host rules: a caller's domain rule does not beat the spider's exact one");
	mc_crawl_result_release(&r);

	rules_run(rp, &sp, same, &r);
	CHECK_STR(order.data, "index.html@0 c.html(urgent)@1 ",
		  "host rules: the caller's rule for the same host comes later and wins");
	mc_crawl_result_release(&r);

	sp.settings.host_rules = bad;
	rules_run(rp, &sp, NULL, &r);
	CHECK(r.status == MC_RUN_FAILED && strcmp(order.data ? order.data : "", "") == 0 &&
		      strstr(r.reason, "host rule: unknown setting 'pages'"),
	      "host rules: a bad spider rule fails the run before any fetch: %s", r.reason);
	mc_crawl_result_release(&r);

	sp.settings.host_rules = NULL;
	sp.settings.proxy = "http://bob:hunter2@proxy.test:0";
	rules_run(rp, &sp, NULL, &r);
	CHECK(r.status == MC_RUN_FAILED &&
		      strstr(r.reason, "proxy 'http://***@proxy.test:0': the port is not 1-65535") &&
		      !strstr(r.reason, "hunter2"),
	      "a bad spider proxy fails the run, shown masked: %s", r.reason);
	mc_crawl_result_release(&r);
}

int main(void)
{
	long items, dups;

	mc_buf_init(&order, 0);
	CHECK(mkdtemp(dir) != NULL, "temp dir");
	write_file("index.html", "<html><body>index</body></html>");
	write_file("leaf.html", "<html><body><h1> Leaf </h1></body></html>");
	char *tsv = mc_asprintf("http://replay.test/index.html\tindex.html\n"
				"http://replay.test/deep.html\tindex.html\n"
				"http://replay.test/a.html\tleaf.html\n"
				"http://replay.test/b.html\tleaf.html\n"
				"http://replay.test/c.html\tleaf.html\n");
	write_file("pages.tsv", tsv);
	free(tsv);
	char *tsv_path = mc_asprintf("%s/pages.tsv", dir);
	struct mc_replay *rp = mc_replay_load(tsv_path, dir, NULL);
	CHECK(rp != NULL, "replay map loaded");

	dups = run(rp, 0, -1, &items);
	CHECK_STR(order.data,
		  "index.html@0 c.html(urgent)@1 a.html(sku-7)@1 b.html@1 a.html(again)@1 deep.html@1 "
		  "a.html(again)@2 ",
		  "priority first, then breadth-first; data and depth carried; dont_filter revisits");
	CHECK_INT(items, 5, "one item per leaf visit");
	/* index: a again; deep.html: a, b, c, a, deep — all seen already. */
	CHECK_INT(dups, 6, "duplicates counted, dont_filter ones not");

	run(rp, 3, -1, &items);
	CHECK_STR(order.data, "index.html@0 c.html(urgent)@1 a.html(sku-7)@1 ", "--max-pages 3 stops at 3 pages");

	run(rp, 0, 0, &items);
	CHECK_STR(order.data, "index.html@0 ", "--max-depth 0: only the start page");

	test_follows_out(rp);
	test_context(rp);
	test_methods();
	test_regions();
	test_host_rules(rp);

	mc_replay_free(rp);
	free(tsv_path);
	char *cmd = mc_asprintf("rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0, "cleanup");
	free(cmd);
	mc_buf_release(&order);
	return tl_exit_status();
}
