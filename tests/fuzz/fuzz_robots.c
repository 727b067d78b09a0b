/*
 * libFuzzer target: robots.txt parsing and matching (crawler/robots.c).
 * Arbitrary bytes are parsed as a robots.txt for "marketcrawl"; then paths
 * taken from the input (its first line, and the same path as a full URL)
 * and a few fixed ones are matched.  Invariants: /robots.txt is always
 * allowed, Crawl-delay is -1 or within a day, the sitemap list is a
 * NULL-terminated array of strings, parsing is deterministic, and the
 * statistics are consistent.  Built by scripts/fuzz.sh; replayed without
 * libFuzzer by tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/robots.h"

#include "fuzz_common.c"

static int fuzz_robots_one(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = {"/", "/index.html", "/a/b?c=d", "/%7Euser/", "*", "",
					    "http://example.com/private/x", "/robots.txt?x=1"};
	struct mc_robots *r = mc_robots_parse((const char *)data, size, "marketcrawl");
	struct mc_robots *again = mc_robots_parse((const char *)data, size, "marketcrawl");
	struct mc_robots_stats st;
	char *first, *rest, *url;
	const char *const *maps, *const *maps2;
	long delay;
	size_t n;

	FUZZ_ASSERT(r != NULL);
	FUZZ_ASSERT(mc_robots_allowed(r, "/robots.txt"));
	FUZZ_ASSERT(mc_robots_allowed(r, "http://example.com/robots.txt"));
	delay = mc_robots_crawl_delay_ms(r);
	FUZZ_ASSERT(delay == -1 || (delay >= 0 && delay <= 86400000L));
	FUZZ_ASSERT(delay == mc_robots_crawl_delay_ms(again));
	maps = mc_robots_sitemaps(r);
	maps2 = mc_robots_sitemaps(again);
	FUZZ_ASSERT(maps != NULL && maps2 != NULL);
	for (n = 0; maps[n] && maps2[n]; n++)
		FUZZ_ASSERT(strcmp(maps[n], maps2[n]) == 0);
	FUZZ_ASSERT(maps[n] == NULL && maps2[n] == NULL);

	mc_robots_stats(r, &st);
	FUZZ_ASSERT(st.rules <= st.directives);
	FUZZ_ASSERT(st.truncated == (size > MC_ROBOTS_MAX_BYTES));

	fuzz_split(data, size, &first, &rest);
	url = mc_asprintf("http://example.com%s%s", first[0] == '/' ? "" : "/", first);
	FUZZ_ASSERT(mc_robots_allowed(r, first) == mc_robots_allowed(again, first));
	FUZZ_ASSERT(mc_robots_allowed(r, url) == mc_robots_allowed(again, url));
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		FUZZ_ASSERT(mc_robots_allowed(r, fixed[i]) == mc_robots_allowed(again, fixed[i]));
	(void)mc_robots_valid_agent(first);

	free(url);
	free(first);
	free(rest);
	mc_robots_free(again);
	mc_robots_free(r);
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_robots_one(data, size);
}
#endif
