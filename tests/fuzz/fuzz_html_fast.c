/*
 * libFuzzer target: the fast HTML tree builder (crawler/html_fast.c)
 * against libxml2's HTML parser.  Invariant from crawler/html_fast.h: the
 * builder either declines (NULL) or builds the very tree htmlReadMemory
 * builds for the same bytes (tests/fuzz/html_same_tree.h compares them).
 * Built by scripts/fuzz.sh; replayed by tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "crawler/html_fast.h"
#include "html_same_tree.h"

#include "fuzz_common.c"

static int fuzz_html_fast_one(const uint8_t *data, size_t size)
{
	xmlDocPtr fast = mc_html_fast_parse((const char *)data, size, "https://shop.example/"), want;
	char why[1024];

	if (!fast || size > INT32_MAX)
		return 0;
	want = htmlReadMemory((const char *)data, (int)size, "https://shop.example/", "UTF-8",
			      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				      HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
	FUZZ_ASSERT(want != NULL);
	if (want && !same_tree(fast, want, why, sizeof why)) {
		fprintf(stderr, "trees differ: %s\n", why);
		FUZZ_ASSERT(!"the fast builder's tree is libxml2's");
	}
	xmlFreeDoc(fast);
	xmlFreeDoc(want);
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_html_fast_one(data, size);
}
#endif
