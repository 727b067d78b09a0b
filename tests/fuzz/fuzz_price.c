/*
 * libFuzzer target: price parsing (crawler/price.c, crawler/currency.c).
 * The input is "TEXT\nHINT"; the first byte of the input also picks the
 * decimal hint ('.', ',' or none).  Invariants from include/marketcrawl/
 * price.h: the amount is canonical (digits, no leading zeros, a fraction
 * only when non-zero and without trailing zeros, no sign) or "" when there
 * is none; the ISO code is "" or three capital letters; every text field
 * is NUL-terminated inside its array; parsing is deterministic; the
 * currency helpers agree with the parser.  Built by scripts/fuzz.sh;
 * replayed by tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/price.h"

#include "fuzz_common.c"

/* Whether `a` is a canonical amount: 0 | [1-9][0-9]* then (.[0-9]*[1-9])? */
static bool fuzz_price_canonical(const char *a)
{
	size_t i = 0, n = strlen(a);
	const char *dot = strchr(a, '.');
	size_t int_len = dot ? (size_t)(dot - a) : n;

	if (int_len == 0 || (int_len > 1 && a[0] == '0'))
		return false;
	for (i = 0; i < int_len; i++)
		if (a[i] < '0' || a[i] > '9')
			return false;
	if (!dot)
		return true;
	if (n - int_len < 2 || a[n - 1] == '0')
		return false;
	for (i = int_len + 1; i < n; i++)
		if (a[i] < '0' || a[i] > '9')
			return false;
	return true;
}

static bool fuzz_price_iso_ok(const char *c)
{
	return c[0] == '\0' ||
	       (strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
		c[2] >= 'A' && c[2] <= 'Z');
}

static void fuzz_price_check(const struct mc_price *p, bool found)
{
	FUZZ_ASSERT(memchr(p->amount, '\0', sizeof p->amount) != NULL);
	FUZZ_ASSERT(memchr(p->currency, '\0', sizeof p->currency) != NULL);
	FUZZ_ASSERT(memchr(p->currency_raw, '\0', sizeof p->currency_raw) != NULL);
	FUZZ_ASSERT(found == p->has_amount);
	if (p->has_amount)
		FUZZ_ASSERT(fuzz_price_canonical(p->amount));
	else
		FUZZ_ASSERT(p->amount[0] == '\0');
	FUZZ_ASSERT(fuzz_price_iso_ok(p->currency));
}

static int fuzz_price_one(const uint8_t *data, size_t size)
{
	static const char hints[] = {'.', ',', 0};
	char decimal = size ? hints[data[0] % 3] : 0;
	char *text, *hint;
	struct mc_price a, b, c;
	char raw[MC_PRICE_CURRENCY_MAX], iso[4];
	const char *code;
	bool fa, fb, fc;

	fuzz_split(data, size, &text, &hint);
	memset(&a, 0x5a, sizeof a);
	memset(&b, 0xa5, sizeof b);
	fa = mc_price_parse(text, hint[0] ? hint : NULL, decimal, &a);
	fb = mc_price_parse(text, hint[0] ? hint : NULL, decimal, &b);
	fuzz_price_check(&a, fa);
	FUZZ_ASSERT(fa == fb && strcmp(a.amount, b.amount) == 0 &&
		    strcmp(a.currency, b.currency) == 0 && strcmp(a.currency_raw, b.currency_raw) == 0);
	fc = mc_price_parse(NULL, text, decimal, &c);
	fuzz_price_check(&c, fc);
	fc = mc_price_parse(text, NULL, 0, &c);
	fuzz_price_check(&c, fc);

	memset(raw, 0x5a, sizeof raw);
	memset(iso, 0x5a, sizeof iso);
	(void)mc_currency_find(text, hint[0] ? hint : NULL, raw, iso);
	FUZZ_ASSERT(memchr(raw, '\0', sizeof raw) != NULL);
	FUZZ_ASSERT(memchr(iso, '\0', sizeof iso) != NULL && fuzz_price_iso_ok(iso));
	code = mc_currency_iso(text);
	FUZZ_ASSERT(code == NULL || (code[0] != '\0' && fuzz_price_iso_ok(code)));
	if (code)
		FUZZ_ASSERT(mc_currency_minor_units(code) >= -1 && mc_currency_minor_units(code) <= 4);
	(void)mc_currency_minor_units(text);

	free(text);
	free(hint);
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_price_one(data, size);
}
#endif
