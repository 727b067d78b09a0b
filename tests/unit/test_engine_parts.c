/*
 * Unit tests of the engine's building blocks that the integration tests
 * only reach indirectly: the bounded buffer, the request heap's order, the
 * item builder's validation and serialisation, the XPath/regex/JSON
 * helpers on a parsed page, the staging writer's atomic rename, the
 * spider-health rule, the retry-code parser, the page arena, the
 * compiled-XPath cache across pages, the HTML parse that stops at the
 * page's memory budget, and how the statistics sort requests
 * that did not reach the spider (what the run status is decided from).  The library allocation hooks are
 * installed as main() does, so pages are parsed in the page arena.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "crawler/engine.h"
#include "crawler/health.h"
#include "crawler/html_parse.h"
#include "crawler/page_arena.h"
#include "crawler/queue.h"
#include "crawler/request.h"
#include "crawler/response_internal.h"
#include "crawler/staging_writer.h"
#include "crawler/xpath_cache.h"
#include "base/alloc.h"
#include "crawler/library_hooks.h"
#include "base/buf.h"
#include "testlib.h"

static void test_buf(void)
{
	struct mc_buf b;

	mc_buf_init(&b, 8);
	CHECK_INT(mc_buf_adds(&b, "12345"), 0, "buf: append within the cap");
	CHECK_INT(mc_buf_adds(&b, "6789"), -1, "buf: append past the cap fails");
	CHECK_STR(b.data, "12345", "buf: a failed append leaves the contents");
	CHECK_INT(mc_buf_printf(&b, "%d", 678), 0, "buf: printf within the cap");
	CHECK_STR(b.data, "12345678", "buf: printf appended");
	size_t len;
	char *p = mc_buf_detach(&b, &len);
	CHECK(len == 8 && b.data == NULL && b.len == 0, "buf: detach hands over and resets");
	free(p);
	mc_buf_release(&b);
}

static void test_heap(void)
{
	struct mc_request_heap h = {0};
	int prio[] = {0, 5, 0, 5, 1};
	char got[32] = "";

	for (int i = 0; i < 5; i++) {
		struct mc_request *r = mc_request_new(mc_asprintf("u%d", i), NULL, NULL, NULL);
		r->priority = prio[i];
		r->seq = (uint64_t)i;
		mc_heap_push(&h, r);
	}
	for (struct mc_request *r = mc_heap_pop(&h); r; r = mc_heap_pop(&h)) {
		strncat(got, r->url + 1, sizeof got - strlen(got) - 1);
		mc_request_free(r);
	}
	CHECK_STR(got, "13402", "heap: priority first, then FIFO (breadth-first)");

	struct mc_request_heap t = {.by_time = true};
	double when[] = {3.0, 1.0, 2.0};
	got[0] = '\0';
	for (int i = 0; i < 3; i++) {
		struct mc_request *r = mc_request_new(mc_asprintf("t%d", i), NULL, NULL, NULL);
		r->not_before = when[i];
		r->seq = (uint64_t)i;
		mc_heap_push(&t, r);
	}
	for (struct mc_request *r = mc_heap_pop(&t); r; r = mc_heap_pop(&t)) {
		strncat(got, r->url + 1, sizeof got - strlen(got) - 1);
		mc_request_free(r);
	}
	CHECK_STR(got, "120", "heap by time: earliest retry first");
	mc_heap_release(&h);
	mc_heap_release(&t);
}

static void test_queue(void)
{
	struct mc_queue q = {0};
	struct mc_rcstr *ref = mc_rcstr_new("http://shop.example/list");
	int prio[] = {0, 2, 0, 2, 1};
	char got[64] = "";

	for (int i = 0; i < 5; i++) {
		struct mc_request *r = mc_request_new(mc_asprintf("http://shop.example/%d", i), NULL,
						      i == 3 ? "sku-3" : NULL, ref);
		r->priority = prio[i];
		r->seq = (uint64_t)i;
		r->depth = i;
		r->dont_filter = i == 1;
		mc_queue_push(&q, r);
	}
	CHECK_INT(ref->refs, 6, "queue: records hold referer references");
	CHECK_INT(q.count, 5, "queue: five waiting");
	int p;
	uint64_t seq;
	CHECK(mc_queue_peek(&q, &p, &seq) && p == 2 && seq == 1, "queue: peek gives the next priority and seq");
	struct mc_request *r = mc_queue_pop(&q);
	CHECK(r->dont_filter && r->depth == 1 && r->referer == ref && !r->data, "queue: fields survive packing");
	mc_request_free(r);
	r = mc_queue_pop(&q);
	CHECK_STR(r->data, "sku-3", "queue: data survives packing");
	mc_request_free(r);
	for (r = mc_queue_pop(&q); r; r = mc_queue_pop(&q)) {
		strncat(got, strrchr(r->url, '/') + 1, sizeof got - strlen(got) - 1);
		mc_request_free(r);
	}
	CHECK_STR(got, "402", "queue: priority, then first in first out");
	for (int i = 0; i < 20000; i++) {
		r = mc_request_new(mc_asprintf("http://shop.example/game/%06d.html", i), NULL, NULL, ref);
		r->seq = (uint64_t)i;
		mc_queue_push(&q, r);
	}
	NOTE("queue: 20000 waiting requests hold %zu bytes", mc_queue_memory(&q));
	CHECK(mc_queue_memory(&q) < 20000 * 96, "queue: under 96 bytes per waiting request");
	mc_queue_release(&q);
	CHECK_INT(ref->refs, 1, "queue: release drops every reference");
	mc_rcstr_unref(ref);
}

static const struct mc_spider test_spider = {.name = "unit", .marketplace = "unitshop"};

static void page(struct mc_response *res, const char *html)
{
	mc_response_init(res, &test_spider);
	res->url = mc_strdup("http://shop.example/cat/p1.html?x=1"); /* normalised, as the engine does */
	res->raw = mc_strdup(html);
	res->raw_len = strlen(html);
	snprintf(res->observed_at, sizeof res->observed_at, "2026-11-22T10:00:00.000Z");
}

static const char *const html =
	"<html><head><meta charset='utf-8'>"
	"<script id='data' type='application/json'>{\"p\":{\"id\":42,\"price\":19.99,\"name\":\"X\","
	"\"tags\":[\"a\",\"b\"]}}</script></head>"
	"<body><div class='card' data-sku='A1'><h2>  Star&nbsp;Forge \n Deluxe </h2>"
	"<span class='price'>1.299,99&nbsp;€</span><s>2.000,00 €</s><a href='../game/a1.html'>go</a></div>"
	"<div class='card' data-sku='B2'><h2>Free Game</h2><span class='price'>Free</span>"
	"<a href='mailto:x@example.com'>mail</a></div></body></html>";

static void cards(struct mc_response *res)
{
	struct mc_nodes n = mc_xpath_nodes(res, NULL, "//div[@class='card']");

	CHECK_INT(n.count, 2, "xpath_nodes: both cards");
	CHECK_STR(mc_xpath_text(res, n.nodes[0], ".//h2"), "Star Forge Deluxe",
		  "xpath_text: trimmed, &nbsp; and newlines collapsed");
	CHECK_STR(mc_attr(res, n.nodes[1], "data-sku"), "B2", "mc_attr");
	CHECK_STR(mc_xpath_str(res, NULL, "//h3"), NULL, "xpath_str: NULL when nothing selected");
	CHECK_STR(mc_xpath_str(res, NULL, "count(//div)"), "2", "xpath_str: number result");
	CHECK_STR(mc_xpath_str(res, NULL, "//[bad"), NULL, "xpath_str: invalid expression is NULL");
	CHECK_STR(mc_urljoin(res, "../game/a1.html"), "http://shop.example/game/a1.html",
		  "urljoin against the page URL");
	CHECK_STR(mc_regex(res, "sku='(\\w+)'", "<div data-sku='Z9'>", 1), "Z9", "regex: group 1");
	CHECK_STR(mc_regex(res, "nomatch(\\d)", "abc", 1), NULL, "regex: no match is NULL");
	json_t *j = mc_script_json(res, "//script[@id='data']");
	CHECK(j != NULL, "script_json: parsed");
	CHECK_STR(mc_json_str(res, j, "p.price"), "19.99", "json_str: a real keeps its digits");
	CHECK_STR(mc_json_str(res, j, "p.id"), "42", "json_str: integer");
	CHECK_STR(mc_json_str(res, j, "p.tags.1"), "b", "json_str: array index in the path");
	CHECK_STR(mc_json_str(res, j, "p.missing"), NULL, "json_str: missing is NULL");

	struct mc_item *it = mc_item_new(res);
	mc_item_external_id(it, mc_attr(res, n.nodes[0], "data-sku"));
	mc_item_title(it, mc_xpath_text(res, n.nodes[0], ".//h2"));
	mc_item_prices(it, mc_xpath_text(res, n.nodes[0], ".//span"),
		       mc_xpath_text(res, n.nodes[0], ".//s"), NULL);
	mc_item_availability(it, MC_AVAIL_IN_STOCK);
	mc_item_attr_json(it, "tags", json_pack("[ss]", "a", "b"));
	CHECK(mc_item_emit(it), "emit: a complete item is accepted");

	it = mc_item_new(res);
	mc_item_external_id(it, "B2");
	mc_item_title(it, "Free Game");
	mc_item_prices(it, "Free", NULL, "EUR");
	CHECK(mc_item_emit(it), "emit: a free item with a currency hint");

	it = mc_item_new(res);
	mc_item_external_id(it, "C3");
	mc_item_prices(it, "9.99 USD", NULL, NULL);
	CHECK(!mc_item_emit(it), "emit: an item without title is dropped");

	it = mc_item_new(res);
	mc_item_external_id(it, "D4");
	mc_item_title(it, "No currency");
	mc_item_prices(it, "$9.99", NULL, NULL);
	CHECK(!mc_item_emit(it), "emit: an ambiguous $ without hint is dropped");

	it = mc_item_new(res);
	mc_item_external_id(it, "E5");
	mc_item_title(it, "Bad text \xff");
	mc_item_prices(it, "9.99 EUR", NULL, NULL);
	CHECK(!mc_item_emit(it), "emit: invalid UTF-8 is dropped");
	mc_item_new(res); /* never emitted: freed with the response */

	mc_follow(res, "../game/a1.html#reviews", cards, NULL);
	mc_follow(res, "mailto:x@example.com", cards, NULL);
}

static void test_items_and_helpers(void)
{
	struct mc_response res;

	page(&res, html);
	mc_response_run(&res, cards);
	mc_response_release_parse(&res);
	CHECK_STR(res.items.data,
		  "{\"marketplace\":\"unitshop\",\"external_id\":\"A1\",\"url\":\"http://shop.example/cat/p1.html?x=1\","
		  "\"title\":\"Star Forge Deluxe\",\"price\":\"1299.99\",\"list_price\":\"2000\",\"currency\":\"EUR\","
		  "\"availability\":\"in_stock\",\"observed_at\":\"2026-11-22T10:00:00.000Z\",\"product_key\":null,"
		  "\"attrs\":{\"tags\":[\"a\",\"b\"]}}\n"
		  "{\"marketplace\":\"unitshop\",\"external_id\":\"B2\",\"url\":\"http://shop.example/cat/p1.html?x=1\","
		  "\"title\":\"Free Game\",\"price\":\"0\",\"list_price\":null,\"currency\":\"EUR\","
		  "\"availability\":\"unknown\",\"observed_at\":\"2026-11-22T10:00:00.000Z\",\"product_key\":null,"
		  "\"attrs\":{}}\n",
		  "items serialised in the staging key order, exact decimals");
	CHECK_INT(res.items_ok, 2, "two items accepted");
	CHECK_INT(res.drop_kinds, 3, "three drop reasons");
	CHECK(res.drops[0].count == 1 && strcmp(res.drops[0].reason, "missing_title") == 0,
	      "drop counted as missing_title");
	CHECK(strcmp(res.drops[1].reason, "bad_currency") == 0, "drop counted as bad_currency");
	CHECK(strcmp(res.drops[2].reason, "bad_utf8") == 0, "drop counted as bad_utf8");
	CHECK_INT(res.follow_count, 1, "one valid link followed");
	CHECK_STR(res.follows->url, "http://shop.example/game/a1.html", "followed link joined, fragment dropped");
	CHECK_INT(res.bad_links, 1, "mailto: counted as a bad link");
	mc_response_release(&res);
}

/* What one page of the cache test saw. */
struct seen_page {
	char sku[16];
	char title[32];
	int sums_ok;
	int invalid_null;
};
static struct seen_page seen_page;

/* Many distinct expressions (more than the cache keeps), each one asked
 * twice, then the same few expressions every page asks. */
static void cache_page(struct mc_response *res)
{
	struct mc_nodes n = mc_xpath_nodes(res, NULL, "/html/body/div[@class='card']");
	const char *sku = n.count ? mc_attr(res, n.nodes[0], "data-sku") : NULL;
	const char *title = n.count ? mc_xpath_text(res, n.nodes[0], "h2") : NULL;

	memset(&seen_page, 0, sizeof seen_page);
	snprintf(seen_page.sku, sizeof seen_page.sku, "%s", sku ? sku : "");
	snprintf(seen_page.title, sizeof seen_page.title, "%s", title ? title : "");
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < MC_XPATH_CACHE_MAX + 44; i++) {
			char expr[64], want[32];
			snprintf(expr, sizeof expr, "count(//div) + %d", i);
			snprintf(want, sizeof want, "%d", 2 + i);
			const char *got = mc_xpath_str(res, NULL, expr);
			seen_page.sums_ok += got && strcmp(got, want) == 0;
		}
	}
	seen_page.invalid_null = mc_xpath_str(res, NULL, "//[bad") == NULL &&
				 mc_xpath_str(res, NULL, "//[bad") == NULL;
}

static void test_xpath_cache(void)
{
	static const char *const pages[] = {
		"<html><body><div class='card' data-sku='P1'><h2> First </h2></div><div>x</div></body></html>",
		/* Another shape and size: the arena is reused, what was compiled on
		 * the first page must not have lived in it. */
		"<html><head><title>t</title></head><body><p>intro</p>"
		"<div class='card' data-sku='P2'><h2>Second  page</h2><p>more</p></div>"
		"<div><span>y</span></div></body></html>",
		"<html><body><div class='card' data-sku='P3'><h2>Third</h2></div><div></div></body></html>",
	};
	static const char *const skus[] = {"P1", "P2", "P3"};
	static const char *const titles[] = {"First", "Second page", "Third"};
	int ok = 0;

	for (int rep = 0; rep < 2; rep++) {
		for (size_t i = 0; i < 3; i++) {
			struct mc_response res;
			page(&res, pages[i]);
			mc_response_run(&res, cache_page);
			mc_response_release_parse(&res);
			mc_response_release(&res);
			ok += strcmp(seen_page.sku, skus[i]) == 0 && strcmp(seen_page.title, titles[i]) == 0 &&
			      seen_page.sums_ok == 2 * (MC_XPATH_CACHE_MAX + 44) && seen_page.invalid_null;
		}
	}
	CHECK_INT(ok, 6, "xpath cache: six pages, each right, with more expressions than it keeps");
}

static int count_files(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	for (de = readdir(d); de; de = readdir(d)) {
		size_t l = strlen(de->d_name), s = strlen(suffix);
		n += l > s && strcmp(de->d_name + l - s, suffix) == 0;
	}
	closedir(d);
	return n;
}

static void test_staging_writer(void)
{
	char dir[] = "/tmp/mc-unit-XXXXXX";
	char *final = NULL;
	struct mc_err err = {""};

	CHECK(mkdtemp(dir) != NULL, "temp dir");
	char *sub = mc_asprintf("%s/staging/unit", dir);
	struct mc_staging_writer *w = mc_staging_open(sub, "unit", "RUN1", "2026-11-22T10:00:00.000Z",
						      &err);
	CHECK(w != NULL, "staging: opened");
	CHECK_INT(mc_staging_write(w, "{\"a\":1}\n", 8, &err), 0, "staging: an item written");
	CHECK_INT(count_files(sub, ".part"), 1, "staging: only a .part while running");
	CHECK_INT(count_files(sub, ".jsonl"), 0, "staging: no .jsonl while running");
	json_t *run = json_pack("{s:s}", "status", "complete");
	CHECK_INT(mc_staging_finish(w, run, &final, &err), 0, "staging: finished");
	json_decref(run);
	CHECK_INT(count_files(sub, ".part"), 0, "staging: .part gone after finish");
	CHECK_INT(count_files(sub, ".jsonl"), 1, "staging: .jsonl after finish");
	FILE *f = fopen(final, "r");
	char line[256];
	int n = 0;
	char last[256] = "";
	while (f && fgets(line, sizeof line, f)) {
		n++;
		snprintf(last, sizeof last, "%s", line);
	}
	if (f)
		fclose(f);
	CHECK_INT(n, 3, "staging: header, item, run record");
	CHECK_STR(last, "{\"run\":{\"status\":\"complete\"}}\n", "staging: run record is the last line");
	CHECK(mc_staging_open(sub, "unit", "RUN1", "x", &err) == NULL, "staging: an existing run id is refused");
	CHECK(strstr(err.msg, "/staging/unit/RUN1.jsonl already exists") != NULL,
	      "staging: ... saying so in the caller's error");
	free(final);

	w = mc_staging_open(sub, "unit", "RUN2", "2026-11-22T10:00:00.000Z", NULL);
	mc_staging_discard(w);
	CHECK_INT(count_files(sub, ".part") + count_files(sub, ".jsonl"), 1,
		  "staging: a discarded run leaves no file of its own");

	char *state = mc_asprintf("%s/state", dir);
	char why[256];
	const enum mc_scope full = MC_SCOPE_FULL, part = MC_SCOPE_PARTIAL;
	CHECK_INT(mc_health_judge(state, "unit", full, 10, 0, 0.5, 0.2, why, sizeof why), 0,
		  "health: no reference, not suspect");
	struct mc_health_note note;
	CHECK_INT(mc_health_prepare(state, "unit", full, "RUN1", 100, 0, &note, &err), 0,
		  "health: prepared");
	CHECK_INT(mc_health_judge(state, "unit", full, 10, 0, 0.5, 0.2, why, sizeof why), 0,
		  "health: a prepared note is not the reference yet");
	CHECK_INT(mc_health_commit(&note, &err), 0, "health: committed");
	CHECK_INT(mc_health_judge(state, "unit", full, 50, 0, 0.5, 0.2, why, sizeof why), 0,
		  "health: exactly half is fine");
	CHECK_INT(mc_health_judge(state, "unit", full, 49, 0, 0.5, 0.2, why, sizeof why), 1,
		  "health: below half is suspect");
	CHECK_INT(mc_health_judge(state, "unit", full, 100, 30, 0.5, 0.2, why, sizeof why), 1,
		  "health: many invalid items is suspect");
	CHECK_INT(mc_health_judge(state, "unit", part, 10, 0, 0.5, 0.2, why, sizeof why), 0,
		  "health: a reference of another scope is not compared");
	char *ref = mc_asprintf("%s/unit.last", state);
	FILE *lf = fopen(ref, "w");
	CHECK(lf && fputs("OLDRUN 100 0\n", lf) >= 0 && fclose(lf) == 0, "health: an old reference");
	CHECK_INT(mc_health_judge(state, "unit", full, 10, 0, 0.5, 0.2, why, sizeof why), 1,
		  "health: a reference without a scope counts as full");
	CHECK_INT(mc_health_judge(state, "unit", part, 10, 0, 0.5, 0.2, why, sizeof why), 0,
		  "health: ... and is not compared with a partial-scope run");
	CHECK_INT(mc_health_prepare(state, "unit", full, "RUN2", 100, 0, &note, &err), 0,
		  "health: prepared again");
	unlink(note.tmp);
	CHECK_INT(mc_health_commit(&note, &err), -1, "health: a note whose file is gone is not committed");
	CHECK(strstr(err.msg, "cannot write ") && strstr(err.msg, "/state/unit.last: "),
	      "health: ... saying which reference in the caller's error");
	free(ref);
	char *cmd = mc_asprintf("rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0, "cleanup");
	free(cmd);
	free(state);
	free(sub);
}

static void test_retry_codes(void)
{
	struct mc_crawl_opts o;

	CHECK_INT(mc_crawl_parse_retry_codes(&o.policy, "429,503"), 0, "retry codes parsed");
	CHECK(o.policy.n_retry_codes == 2 && o.policy.retry_codes[1] == 503, "retry codes stored");
	CHECK_INT(mc_crawl_parse_retry_codes(&o.policy, "42"), -1, "retry code out of range refused");
	CHECK_INT(mc_crawl_parse_retry_codes(&o.policy, "500,x"), -1, "retry code garbage refused");
}

static void test_stats_errors(void)
{
	struct mc_stats s;

	mc_stats_init(&s);
	mc_stats_error(&s, "http://x/gone", "http_4xx", 404, MC_END_GONE);
	mc_stats_error(&s, "http://x/a", "http_5xx", 500, MC_END_FAILED);
	mc_stats_error(&s, "http://x/b", "timeout", 0, MC_END_FAILED);
	mc_stats_error(&s, "http://x/c", "bad_redirect", 0, MC_END_REFUSED);
	mc_stats_error(&s, "http://x/d", "aborted", 0, MC_END_STOPPED);
	mc_stats_error(&s, "http://x/e", "http_4xx", 403, MC_END_FAILED);
	CHECK_INT(mc_named_get(&s.errors, "http_4xx"), 2, "stats: 404 and 403 both under errors.http_4xx");
	CHECK_INT(mc_named_total(&s.errors), 6, "stats: every error counted by cause");
	CHECK_INT(s.failed, 3, "stats: 500, timeout and 403 failed for good");
	CHECK_INT(s.gone, 1, "stats: the 404 is gone, not failed");
	CHECK_STR(s.first_error, "http://x/gone: http_4xx (HTTP 404)", "stats: the first error, with its status");
	CHECK_STR(s.first_failure, "http://x/a: http_5xx (HTTP 500)", "stats: the first failure");
	json_t *j = mc_stats_json(&s);
	CHECK_STR(json_string_value(json_object_get(j, "first_failure")), "http://x/a: http_5xx (HTTP 500)",
		  "stats: first_failure in the JSON");
	CHECK_INT(json_integer_value(json_object_get(j, "failed")), 3, "stats: failed in the JSON");
	json_decref(j);
	CHECK_STR(mc_run_status_name(MC_RUN_PARTIAL), "partial", "run status names: partial");
	CHECK_STR(mc_run_status_name(MC_RUN_SUSPECT), "suspect", "run status names: suspect");
	CHECK_STR(mc_run_status_name(MC_RUN_FAILED), "failed", "run status names: failed");
	CHECK_STR(mc_run_scope_name(MC_SCOPE_FULL), "full", "scope names: full");
	CHECK_STR(mc_run_scope_name(MC_SCOPE_PARTIAL), "partial", "scope names: partial");
}

static void test_arena(void)
{
	mc_page_arena_begin(MC_PAGE_MEMORY_MAX);
	bool on = mc_page_arena_active();
	if (!on) {
		NOTE("page arena disabled in this build (sanitizer): skipping arena checks");
		CHECK(1, "arena: disabled under AddressSanitizer");
		mc_page_arena_end();
		return;
	}
	char *a = mc_page_arena_alloc(10);
	memcpy(a, "abcdefghi", 10);
	a = mc_page_arena_realloc(a, 5000);
	CHECK_STR(a, "abcdefghi", "arena: realloc keeps the contents");
	CHECK(((uintptr_t)a & 15) == 0, "arena: 16-byte aligned");
	CHECK(mc_page_arena_owns(a), "arena: owns its blocks");
	char *big = mc_page_arena_alloc(3 * 1024 * 1024);
	big[3 * 1024 * 1024 - 1] = 'x';
	CHECK(mc_page_arena_owns(big), "arena: a block bigger than a chunk");
	int stack;
	CHECK(!mc_page_arena_owns(&stack), "arena: does not own other memory");
	/* A freed small block is handed out again (XPath temporaries cost
	 * what is alive at once); a freed large one is not. */
	size_t before = mc_page_arena_charged();
	for (int i = 0; i < 100000; i++) {
		char *t = mc_page_arena_alloc(100);
		t[99] = 'y';
		mc_page_arena_free(t);
	}
	CHECK(mc_page_arena_charged() - before <= 128, "arena: a small block freed 100,000 times is carved once");
	char *s1 = mc_page_arena_alloc(48);
	mc_page_arena_free(s1);
	CHECK(mc_page_arena_alloc(40) == s1, "arena: a freed block serves the next alloc of its size class");
	char *l1 = mc_page_arena_alloc(4096);
	mc_page_arena_free(l1);
	CHECK(mc_page_arena_alloc(4096) != l1, "arena: a freed large block stays until the end");
	CHECK(!mc_page_arena_over(), "budget: under the cap");
	bool was = mc_page_arena_pause();
	mc_page_arena_charge(MC_PAGE_MEMORY_MAX);
	CHECK(!mc_page_arena_over(), "budget: nothing charged while paused");
	mc_page_arena_resume(was);
	mc_page_arena_charge(MC_PAGE_MEMORY_MAX - mc_page_arena_charged());
	CHECK(!mc_page_arena_over(), "budget: at the cap is not over it");
	mc_page_arena_charge(1);
	CHECK(mc_page_arena_over(), "budget: over the cap");
	mc_page_arena_end();
	CHECK(mc_page_arena_over(), "budget: still reported after end");
	mc_page_arena_begin(MC_PAGE_MEMORY_MAX);
	CHECK(!mc_page_arena_over() && mc_page_arena_charged() == 0, "budget: a new page starts at zero");
	mc_page_arena_end();
	mc_page_arena_begin(4096);
	mc_page_arena_charge(4097);
	CHECK(mc_page_arena_over(), "budget: a page's own budget (--max-page-memory) is the one kept");
	mc_page_arena_end();
	CHECK(!mc_page_arena_active(), "arena: inactive after end");
	mc_page_arena_release();
}

/* The HTML parse stops once the page is over its budget, rather than
 * building the whole tree first: a page of 100,000 links (tens of MiB of
 * tree) read when 16 MiB of the budget are left ends within a node of the
 * cap, not tens of MiB past it; so with the fast tree builder, and with
 * libxml2 on the same page made one the builder declines (a processing
 * instruction first). */
static void bounded_parse(const char *what, const struct mc_buf *page, bool want_fast)
{
	xmlDocPtr doc;
	bool fast;

	mc_page_arena_begin(MC_PAGE_MEMORY_MAX);
	doc = mc_html_parse(page->data, page->len, "http://shop.test/", &fast);
	size_t whole = mc_page_arena_charged();
	CHECK(doc && xmlDocGetRootElement(doc), "bounded parse, %s: a page within its budget is parsed", what);
	CHECK(fast == want_fast, "bounded parse, %s: built by %s", what, want_fast ? "the fast builder" : "libxml2");
	CHECK(!mc_page_arena_over(), "bounded parse, %s: the page is within its budget", what);
	if (doc && !mc_page_arena_owns(doc))
		xmlFreeDoc(doc);
	xmlResetLastError();
	mc_page_arena_end();

	mc_page_arena_begin(MC_PAGE_MEMORY_MAX);
	mc_page_arena_charge(MC_PAGE_MEMORY_MAX - 16 * 1024 * 1024);
	doc = mc_html_parse(page->data, page->len, "http://shop.test/", NULL);
	size_t past = mc_page_arena_charged() - MC_PAGE_MEMORY_MAX;
	CHECK(!doc && mc_page_arena_over(), "bounded parse, %s: over the budget, no document", what);
	CHECK(whole > 32 * 1024 * 1024 && past < 64 * 1024,
	      "bounded parse, %s: the parse stopped near the cap (%zu bytes past it, the whole tree needs %zu)",
	      what, past, whole);
	xmlResetLastError();
	mc_page_arena_end();
}

static void test_bounded_parse(void)
{
	struct mc_buf page, declined;

	mc_buf_init(&page, 0);
	mc_buf_adds(&page, "<html><body>");
	for (int i = 0; i < 100000; i++)
		mc_buf_printf(&page, "<a href=\"/l/%d\">x</a>", i);
	mc_buf_adds(&page, "</body></html>");
	mc_buf_init(&declined, 0);
	mc_buf_adds(&declined, "<?pi?>");
	mc_buf_add(&declined, page.data, page.len);
	bounded_parse("fast builder", &page, true);
	bounded_parse("libxml2", &declined, false);
	CHECK(!mc_html_parse("", 0, NULL, NULL), "bounded parse: an empty page has no document");
	mc_buf_release(&declined);
	mc_buf_release(&page);
}

int main(void)
{
	mc_library_hooks_install(); /* as main() does, before libxml2 allocates */
	xmlInitParser();
	test_buf();
	test_heap();
	test_queue();
	test_items_and_helpers();
	test_xpath_cache();
	test_staging_writer();
	test_retry_codes();
	test_stats_errors();
	test_arena();
	test_bounded_parse();
	return tl_exit_status();
}
