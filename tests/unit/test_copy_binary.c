/*
 * The loader's COPY binary encoders (etl/copy_binary.c), checked byte for
 * byte against the layouts of PostgreSQL's send functions: numeric from
 * every kind of decimal the staging format allows (leading zeros, no
 * integer part, a fraction shorter than a base-10000 digit, trailing zero
 * digits left out, the largest price), int8, bool, jsonb, timestamptz.
 * tests/integration/load_hostile.sh checks the same values end to end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "etl/copy_binary.h"
#include "testlib.h"

static long be(const unsigned char *p, int bytes)
{
	long v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

struct numeric_case {
	const char *text;
	int ndigits, weight, dscale;
	int digits[6];
};

static const struct numeric_case numerics[] = {
	{"0", 0, 0, 0, {0}},
	{"0.000000", 0, 0, 6, {0}},
	{"000.5", 1, -1, 1, {5000}},
	{"0.000001", 1, -2, 6, {100}},
	{"14.99", 2, 0, 2, {14, 9900}},
	{"0010", 1, 0, 0, {10}},
	{"10000", 1, 1, 0, {1}},
	{"12345.678", 3, 1, 3, {1, 2345, 6780}},
	{"100000000.0000", 1, 2, 4, {1}},
	{"999999999999.999999", 5, 2, 6, {9999, 9999, 9999, 9999, 9900}},
};

static void check_numeric(const struct numeric_case *c)
{
	struct mc_buf b;
	const unsigned char *p;

	mc_buf_init(&b, 0);
	mc_copyb_numeric(&b, c->text, strlen(c->text));
	p = (const unsigned char *)b.data;
	CHECK_INT(be(p, 4), 8 + 2 * c->ndigits, "numeric %s: length", c->text);
	CHECK_INT(be(p + 4, 2), c->ndigits, "numeric %s: base-10000 digits", c->text);
	CHECK_INT((int16_t)be(p + 6, 2), c->weight, "numeric %s: weight", c->text);
	CHECK_INT(be(p + 8, 2), 0, "numeric %s: sign", c->text);
	CHECK_INT(be(p + 10, 2), c->dscale, "numeric %s: display scale", c->text);
	for (int i = 0; i < c->ndigits; i++)
		CHECK_INT(be(p + 12 + 2 * i, 2), c->digits[i], "numeric %s: digit %d", c->text, i);
	CHECK_INT(b.len, 4 + 8 + 2 * (size_t)c->ndigits, "numeric %s: nothing more", c->text);
	mc_buf_release(&b);
}

int main(void)
{
	struct mc_buf b;
	const unsigned char *p;

	for (size_t i = 0; i < sizeof numerics / sizeof numerics[0]; i++)
		check_numeric(&numerics[i]);

	mc_buf_init(&b, 0);
	mc_copyb_int8(&b, -2);
	mc_copyb_bool(&b, 1);
	mc_copyb_jsonb(&b, "{}", 2);
	mc_copyb_timestamptz(&b, 946684800LL * 1000000 + 1);
	p = (const unsigned char *)b.data;
	CHECK(b.len == 12 + 5 + 7 + 12 && be(p, 4) == 8 && memcmp(p + 4, "\377\377\377\377\377\377\377\376", 8) == 0,
	      "int8 -2: length 8, two's complement, network order");
	CHECK(be(p + 12, 4) == 1 && p[16] == 1, "bool true: one byte 1");
	CHECK(be(p + 17, 4) == 3 && p[21] == 1 && memcmp(p + 22, "{}", 2) == 0,
	      "jsonb: version 1, then the JSON text");
	CHECK(be(p + 24, 4) == 8 && be(p + 28, 4) == 0 && be(p + 32, 4) == 1,
	      "timestamptz: microseconds since 2000-01-01");
	mc_buf_release(&b);
	return tl_exit_status();
}
