/*
 * The engine with spiders written for the test, over the replay path (no
 * network, one request at a time, so the order is exact): per-request data
 * and referer depth, priorities against breadth-first order, dont_filter
 * revisits, --max-pages, --max-depth and the item stream.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../crawler/engine.h"
#include "../../crawler/replay.h"
#include "marketcrawl/alloc.h"
#include "marketcrawl/buf.h"
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
static const struct mc_spider spider = {
	.name = "replaytest",
	.marketplace = "replay",
	.start_urls = starts,
	.parse = root,
};

static long run(const struct mc_replay *rp, int max_pages, int max_depth, long *items)
{
	struct mc_crawl_opts o;
	struct mc_crawl_result r;
	FILE *out = tmpfile();

	mc_buf_reset(&order);
	mc_crawl_opts_defaults(&o, &spider);
	o.replay = rp;
	o.items_out = out;
	o.observed_at = "2026-11-22T00:00:00.000Z";
	o.concurrency = 1;
	o.per_host = 1;
	o.delay_ms = 0;
	o.max_pages = max_pages;
	o.max_depth = max_depth;
	mc_crawl_run(&o, &r);
	*items = r.stats.items;
	long dups = r.stats.duplicates;
	mc_crawl_result_release(&r);
	fclose(out);
	return dups;
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
	struct mc_replay *rp = mc_replay_load(tsv_path, dir);
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

	mc_replay_free(rp);
	free(tsv_path);
	char *cmd = mc_asprintf("rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0, "cleanup");
	free(cmd);
	mc_buf_release(&order);
	return tl_exit_status();
}
