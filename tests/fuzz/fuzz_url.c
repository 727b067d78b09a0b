/*
 * libFuzzer target: URL parsing, joining and normalisation (crawler/url.c).
 * The input is "HREF\nBASE" (no newline: HREF alone).  Invariants:
 *  - normalisation is idempotent: normalize(normalize(h, b)) is itself;
 *  - a normalised URL parses, has no fragment, is http(s), has an origin
 *    (scheme://host[:port], no userinfo) that is itself normalisable; it
 *    serialises back to itself;
 *  - parse → serialise is stable (serialising the reparsed string gives
 *    the same string), as the URL Standard promises;
 *  - every result is a NUL-terminated string of at most a sane length.
 * Built by scripts/fuzz.sh; replayed by tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/url.h"

#include "fuzz_common.c"

static void fuzz_url_check_normal(const char *n1)
{
	char *n2 = mc_url_normalize(n1, NULL);
	char *origin = mc_url_origin(n1);
	struct mc_url u;

	memset(&u, 0, sizeof u);
	FUZZ_ASSERT(n2 != NULL);
	FUZZ_ASSERT(n2 && strcmp(n1, n2) == 0);
	FUZZ_ASSERT(strncmp(n1, "http://", 7) == 0 || strncmp(n1, "https://", 8) == 0);
	FUZZ_ASSERT(strchr(n1, '#') == NULL);
	FUZZ_ASSERT(origin != NULL);
	if (origin) {
		char *slash = mc_asprintf("%s/", origin);
		char *o2 = mc_url_normalize(origin, NULL);

		FUZZ_ASSERT(strchr(origin, '@') == NULL);
		FUZZ_ASSERT(strncmp(origin, "http", 4) == 0 && strchr(origin + 8, '/') == NULL);
		FUZZ_ASSERT(o2 && strcmp(o2, slash) == 0);
		free(o2);
		free(slash);
	}
	FUZZ_ASSERT(mc_url_parse(n1, NULL, &u) == 0);
	if (u.scheme) {
		char *s = mc_url_to_string(&u);

		FUZZ_ASSERT(u.fragment == NULL);
		FUZZ_ASSERT(u.path && u.path[0] == '/');
		/* A host matches itself as a domain, unless it is only dots
		 * ("http://../" is valid; its domain is empty). */
		FUZZ_ASSERT(strspn(u.host, ".") == strlen(u.host) || mc_host_in_domain(u.host, u.host));
		FUZZ_ASSERT(strcmp(s, n1) == 0);
		free(s);
	}
	mc_url_release(&u);
	free(origin);
	free(n2);
}

static int fuzz_url_one(const uint8_t *data, size_t size)
{
	char *href, *base, *n1;
	struct mc_url u;

	memset(&u, 0, sizeof u);
	fuzz_split(data, size, &href, &base);
	n1 = mc_url_normalize(href, base[0] ? base : NULL);
	if (n1)
		fuzz_url_check_normal(n1);

	if (mc_url_parse(href, base[0] ? base : NULL, &u) == 0) {
		char *s1 = mc_url_to_string(&u);
		struct mc_url v;

		memset(&v, 0, sizeof v);
		FUZZ_ASSERT(strcmp(u.scheme, "http") == 0 || strcmp(u.scheme, "https") == 0);
		FUZZ_ASSERT(mc_url_parse(s1, NULL, &v) == 0);
		if (v.scheme) {
			char *s2 = mc_url_to_string(&v);

			FUZZ_ASSERT(strcmp(s1, s2) == 0);
			free(s2);
		}
		mc_url_release(&v);
		free(s1);
		FUZZ_ASSERT(n1 != NULL); /* parse and normalize agree on validity */
	} else {
		FUZZ_ASSERT(n1 == NULL);
	}
	mc_url_release(&u);
	mc_url_release(&u); /* documented as safe */
	(void)mc_host_in_domain(href, base);

	free(n1);
	free(href);
	free(base);
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_url_one(data, size);
}
#endif
