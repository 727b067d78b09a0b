/*
 * libFuzzer target: a spider's extraction on an arbitrary page, through
 * the same path the engine takes (crawler/response_internal.h): a response
 * is initialised with the input as its raw body, decoded to UTF-8, handed
 * to the spider's parse callback and to each of its named callbacks (with
 * the spider's default region, and as application/json when the body
 * starts like JSON, so the JSON API paths run too), then released.  The input is
 * "SPIDER\nURL\nBODY": SPIDER names one of mc_spiders[] (an unknown name
 * picks one by its first byte), URL is the page's address (an invalid one
 * is replaced by the spider's first start URL).  Invariants: every item
 * line the spider emits is accepted by the loader's own parser
 * (staging/staging_line.c) — what the crawler writes, the loader takes — and
 * every followed link is a string.  Built by scripts/fuzz.sh; replayed by
 * tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/response_internal.h"
#include "base/alloc.h"
#include "crawler/library_hooks.h"
#include "base/log.h"
#include "marketcrawl/registry.h"
#include "staging/staging.h"
#include "crawler/url.h"

#include "fuzz_common.c"

static const struct mc_spider *fuzz_spider_pick(const char *name)
{
	size_t n = 0;

	for (n = 0; mc_spiders[n]; n++)
		if (strcmp(mc_spiders[n]->name, name) == 0)
			return mc_spiders[n];
	return n ? mc_spiders[(unsigned char)name[0] % n] : NULL;
}

static void fuzz_spider_run(const struct mc_spider *spider, mc_parse_fn cb, const char *url,
			    const uint8_t *body, size_t len)
{
	static struct mc_staging_parser lp;
	static bool lp_ready;
	struct mc_response res;
	struct mc_staging_obs obs;

	if (!lp_ready) {
		mc_staging_parser_init(&lp);
		lp_ready = true;
	}
	mc_response_init(&res, spider);
	res.region = spider->regions && spider->regions[0].code ? &spider->regions[0] : NULL;
	res.url = mc_strdup(url);
	if (len && (body[0] == '{' || body[0] == '['))
		res.content_type = mc_strdup("application/json");
	res.status = 200;
	res.raw = mc_malloc(len + 1);
	if (len)
		memcpy(res.raw, body, len);
	res.raw[len] = '\0'; /* NUL-terminated, as the engine hands bodies over */
	res.raw_len = len;
	memcpy(res.observed_at, "2026-11-22T10:00:00.000Z", sizeof "2026-11-22T10:00:00.000Z");
	mc_response_run(&res, cb);
	mc_response_release_parse(&res); /* as the engine does before it reads the items */

	for (size_t off = 0; off < res.items.len;) {
		const char *line = res.items.data + off;
		const char *nl = memchr(line, '\n', res.items.len - off);
		size_t n = nl ? (size_t)(nl - line) : res.items.len - off;
		enum mc_staging_kind kind = mc_staging_parse_line(&lp, line, n, &obs);

		FUZZ_ASSERT(nl != NULL); /* every item line is terminated */
		FUZZ_ASSERT(kind == MC_STAGING_OBS);
		if (kind == MC_STAGING_REJECT)
			printf("# the loader rejects an item (%s): %.*s\n", lp.reason, (int)(n < 300 ? n : 300), line);
		off += n + 1;
	}
	for (struct mc_followed *f = res.follows; f; f = f->next)
		FUZZ_ASSERT(f->url != NULL && f->cb != NULL);
	mc_response_release(&res);
}

static int fuzz_spider_one(const uint8_t *data, size_t size)
{
	const struct mc_spider *spider;
	const uint8_t *nl1 = size ? memchr(data, '\n', size) : NULL;
	const uint8_t *nl2 = nl1 ? memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - data)) : NULL;
	char *name, *url;
	const char *use_url;
	const uint8_t *body;
	size_t len;

	if (!nl2)
		return 0; /* not the SPIDER\nURL\nBODY shape */
	name = fuzz_strndup(data, (size_t)(nl1 - data));
	url = fuzz_strndup(nl1 + 1, (size_t)(nl2 - nl1 - 1));
	body = nl2 + 1;
	len = size - (size_t)(body - data);
	spider = fuzz_spider_pick(name);
	if (spider) {
		char *norm = mc_url_normalize(url, NULL);

		use_url = norm ? norm :
			  spider->start_urls && spider->start_urls[0] ? spider->start_urls[0] :
								 "http://127.0.0.1/";
		fuzz_spider_run(spider, spider->parse, use_url, body, len);
		if (spider->sitemap_parse && spider->sitemap_parse != spider->parse)
			fuzz_spider_run(spider, spider->sitemap_parse, use_url, body, len);
		for (const struct mc_callback *c = spider->callbacks; c && c->name; c++)
			if (c->fn != spider->parse && c->fn != spider->sitemap_parse)
				fuzz_spider_run(spider, c->fn, use_url, body, len);
		free(norm);
	}
	free(name);
	free(url);
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* As in main(): library allocations through the page arena and the
	 * out-of-memory policy.  Spiders log every dropped item: keep quiet. */
	mc_library_hooks_install();
	mc_log_set_level(MC_LOG_ERROR);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_spider_one(data, size);
}
#endif
