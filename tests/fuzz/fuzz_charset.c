/*
 * libFuzzer target: charset detection and conversion (crawler/charset.c).
 * The first input byte picks a Content-Type (none, a fixed label, or a
 * label taken from the input's first line); the rest is the body.  The
 * body is detected, then converted with the detected charset and with the
 * picked label.  Invariants: the detected name is a short lower-case
 * NUL-terminated string; every conversion is NUL-terminated, valid UTF-8
 * (checked by an independent validator), and counts at most one
 * replacement per input byte; detection is deterministic.  Built by
 * scripts/fuzz.sh; replayed by tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/charset.h"

#include "fuzz_common.c"

static const char *const fuzz_charset_labels[] = {
	NULL, "utf-8", "windows-1252", "iso-8859-1", "shift_jis", "euc-jp", "iso-2022-jp",
	"gbk", "gb18030", "big5", "euc-kr", "utf-16le", "utf-16be", "utf-16", "koi8-r",
	"windows-1251", "iso-8859-2", "x-user-defined", "replacement", "hz-gb-2312",
	"macintosh", "windows-874", "x-unknown-label", "",
};
#define FUZZ_CHARSET_NLABELS (sizeof fuzz_charset_labels / sizeof fuzz_charset_labels[0])

static void fuzz_charset_convert(const uint8_t *body, size_t len, const char *charset)
{
	size_t out_len = (size_t)-1, invalid = (size_t)-1;
	char *out = mc_charset_to_utf8((const char *)body, len, charset, &out_len, &invalid);

	FUZZ_ASSERT(out != NULL);
	FUZZ_ASSERT(out_len != (size_t)-1 && out[out_len] == '\0');
	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)out, out_len));
	FUZZ_ASSERT(invalid <= len);
	free(out);
	out = mc_charset_to_utf8((const char *)body, len, charset, NULL, NULL);
	FUZZ_ASSERT(out != NULL);
	free(out);
}

static int fuzz_charset_one(const uint8_t *data, size_t size)
{
	const char *label = NULL;
	char *own = NULL, *ctype = NULL;
	const uint8_t *body = data;
	size_t len = size;
	char name[32], name2[32];
	unsigned pick = size ? data[0] : 0;

	if (size) {
		body++;
		len--;
	}
	if (pick < 0x80) {
		label = fuzz_charset_labels[pick % FUZZ_CHARSET_NLABELS];
	} else {
		/* The label is the body's first line; the body is the rest. */
		const uint8_t *nl = memchr(body, '\n', len);
		size_t n = nl ? (size_t)(nl - body) : 0;

		own = fuzz_strndup(body, n);
		label = own;
		if (nl) {
			body = nl + 1;
			len -= n + 1;
		}
	}
	if (label)
		ctype = mc_asprintf(pick & 1 ? "text/html; charset=\"%s\"" : "text/html;charset=%s", label);

	memset(name, 'x', sizeof name);
	mc_charset_detect((const char *)body, len, ctype, name, sizeof name);
	FUZZ_ASSERT(memchr(name, '\0', sizeof name) != NULL);
	for (const char *p = name; *p; p++)
		FUZZ_ASSERT(!(*p >= 'A' && *p <= 'Z'));
	mc_charset_detect((const char *)body, len, ctype, name2, sizeof name2);
	FUZZ_ASSERT(strcmp(name, name2) == 0);
	memset(name2, 'x', sizeof name2);
	mc_charset_detect((const char *)body, len, ctype, name2, 3);
	FUZZ_ASSERT(memchr(name2, '\0', 3) != NULL && name2[3] == 'x');
	memset(name2, 'x', sizeof name2);
	mc_charset_detect((const char *)body, len, ctype, name2, 0);
	FUZZ_ASSERT(name2[0] == 'x');

	fuzz_charset_convert(body, len, name);
	fuzz_charset_convert(body, len, label);

	free(ctype);
	free(own);
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_charset_one(data, size);
}
#endif
