/*
 * libFuzzer target: sitemap and sitemap-index parsing, plain or gzip
 * (crawler/sitemap.c).  Invariants from crawler/sitemap.h: on
 * success there is no error text and every loc is a non-empty string of at
 * most MC_URL_MAX bytes without surrounding white space; on failure there
 * is a reason and no loc; parsing is deterministic; releasing twice is
 * safe.  Built by scripts/fuzz.sh; replayed by
 * tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/sitemap.h"
#include "crawler/url.h"

#include "fuzz_common.c"

static bool fuzz_sitemap_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int fuzz_sitemap_one(const uint8_t *data, size_t size)
{
	struct mc_sitemap a, b;
	enum mc_sitemap_status sa, sb;

	sa = mc_sitemap_parse(data, size, &a);
	sb = mc_sitemap_parse(data, size, &b);
	FUZZ_ASSERT(sa == sb && a.count == b.count && a.is_index == b.is_index);
	FUZZ_ASSERT(memchr(a.error, '\0', sizeof a.error) != NULL);
	if (sa == MC_SITEMAP_OK) {
		FUZZ_ASSERT(a.error[0] == '\0');
		for (size_t i = 0; i < a.count; i++) {
			size_t n = strlen(a.locs[i]);

			FUZZ_ASSERT(n > 0 && n <= MC_URL_MAX);
			FUZZ_ASSERT(!fuzz_sitemap_space(a.locs[i][0]) && !fuzz_sitemap_space(a.locs[i][n - 1]));
			FUZZ_ASSERT(i >= b.count || strcmp(a.locs[i], b.locs[i]) == 0);
		}
	} else {
		FUZZ_ASSERT(sa == MC_SITEMAP_TOO_BIG || sa == MC_SITEMAP_BAD_GZIP || sa == MC_SITEMAP_BAD_XML ||
			    sa == MC_SITEMAP_NOT_SITEMAP);
		FUZZ_ASSERT(a.error[0] != '\0');
		FUZZ_ASSERT(a.count == 0);
	}
	mc_sitemap_release(&a);
	mc_sitemap_release(&a);
	mc_sitemap_release(&b);
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sitemap_one(data, size);
}
#endif
