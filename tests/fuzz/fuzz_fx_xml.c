/*
 * libFuzzer target: the eurofxref reader (etl/fx_xml.c).  Invariants from
 * etl/fx_xml.h: a success returns the number of rates handed to the
 * callback (at least one), each with a calendar-shaped date, three
 * upper-case letters other than EUR, a non-empty decimal of at most
 * MC_FX_RATE_MAX characters and a line; a failure sets a one-line message
 * and returns -1; parsing is deterministic.  Built by scripts/fuzz.sh;
 * replayed by tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etl/fx_xml.h"

#include "fuzz_common.c"

struct fuzz_fx_seen {
	long rates;
	unsigned long sum;  /* of the lines, to compare two parses */
};

static int fuzz_fx_rate(void *ctx, const struct mc_fx_rate *r, struct mc_err *err)
{
	struct fuzz_fx_seen *s = ctx;
	size_t n = strlen(r->rate);

	(void)err;
	FUZZ_ASSERT(strlen(r->date) == 10 && r->date[4] == '-' && r->date[7] == '-');
	FUZZ_ASSERT(strlen(r->currency) == 3 && strcmp(r->currency, "EUR") != 0);
	for (int i = 0; i < 3; i++)
		FUZZ_ASSERT(r->currency[i] >= 'A' && r->currency[i] <= 'Z');
	FUZZ_ASSERT(n > 0 && n <= MC_FX_RATE_MAX && strspn(r->rate, "0123456789.") == n);
	FUZZ_ASSERT(r->line > 0);
	s->rates++;
	s->sum += (unsigned long)r->line;
	return 0;
}

static int fuzz_fx_xml_one(const uint8_t *data, size_t size)
{
	struct fuzz_fx_seen a = {0, 0}, b = {0, 0};
	struct mc_err ea = {""}, eb = {""};
	long ra = mc_fx_parse((const char *)data, size, fuzz_fx_rate, &a, &ea);
	long rb = mc_fx_parse((const char *)data, size, fuzz_fx_rate, &b, &eb);

	FUZZ_ASSERT(ra == rb && a.rates == b.rates && a.sum == b.sum && strcmp(ea.msg, eb.msg) == 0);
	if (ra >= 0) {
		FUZZ_ASSERT(ra >= 1 && ra == a.rates && ea.msg[0] == '\0');
	} else {
		FUZZ_ASSERT(ra == -1 && ea.msg[0] != '\0' && strchr(ea.msg, '\n') == NULL);
	}
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_fx_xml_one(data, size);
}
#endif
