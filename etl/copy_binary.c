/*
 * COPY binary format (etl/copy_binary.h), as the PostgreSQL manual's COPY
 * page describes it: an 11-byte signature, 32-bit flags and extension
 * length; per row a 16-bit field count, then per field a 32-bit length (-1
 * for NULL) and the bytes of the type's binary representation; a 16-bit -1
 * at the end.
 */
#include <string.h>

#include "etl/copy_binary.h"

/* Seconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC). */
#define PG_EPOCH_UNIX 946684800LL

static void put_be(struct mc_buf *b, uint64_t v, int bytes)
{
	unsigned char out[8];

	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		out[i] = (unsigned char)(v & 0xff);
	mc_buf_add(b, out, (size_t)bytes);
}

void mc_copyb_header(struct mc_buf *b)
{
	mc_buf_add(b, "PGCOPY\n\377\r\n\0", 11);
	put_be(b, 0, 4);
	put_be(b, 0, 4);
}

void mc_copyb_trailer(struct mc_buf *b)
{
	put_be(b, 0xffff, 2);
}

void mc_copyb_row(struct mc_buf *b, int fields)
{
	put_be(b, (uint64_t)fields, 2);
}

void mc_copyb_null(struct mc_buf *b)
{
	put_be(b, 0xffffffffu, 4);
}

void mc_copyb_int4(struct mc_buf *b, int32_t v)
{
	put_be(b, 4, 4);
	put_be(b, (uint32_t)v, 4);
}

void mc_copyb_bytes(struct mc_buf *b, const void *p, size_t n)
{
	put_be(b, n, 4);
	mc_buf_add(b, p, n);
}

void mc_copyb_timestamptz(struct mc_buf *b, long long unix_us)
{
	put_be(b, 8, 4);
	put_be(b, (uint64_t)(unix_us - PG_EPOCH_UNIX * 1000000LL), 8);
}

void mc_copyb_int8(struct mc_buf *b, int64_t v)
{
	put_be(b, 8, 4);
	put_be(b, (uint64_t)v, 8);
}

void mc_copyb_bool(struct mc_buf *b, int v)
{
	put_be(b, 1, 4);
	mc_buf_addc(b, v ? 1 : 0);
}

/*
 * numeric's binary form (numeric_send): the number of base-10000 digits,
 * the weight of the first (its power of 10000), the sign (0: positive),
 * the display scale, then the digits, each 16 bits, leading and trailing
 * zero digits left out.  The decimal digits are grouped by four from the
 * point: the integer part padded with zeros on the left, the fraction on
 * the right.
 */
void mc_copyb_numeric(struct mc_buf *b, const char *s, size_t n)
{
	enum { MAX_GROUPS = 34 };
	const char *dot = memchr(s, '.', n);
	size_t int_n = dot ? (size_t)(dot - s) : n;
	const char *frac = dot ? dot + 1 : s + n;
	size_t frac_n = dot ? n - int_n - 1 : 0;
	uint16_t group[MAX_GROUPS];
	int int_groups = (int)((int_n + 3) / 4), groups = 0, first, last;

	/* The integer part's groups, the first padded on the left. */
	for (int g = 0; g < int_groups && groups < MAX_GROUPS; g++) {
		long end = (long)int_n - 4L * (int_groups - 1 - g), v = 0;
		for (long i = end - 4; i < end; i++)
			v = v * 10 + (i >= 0 ? s[i] - '0' : 0);
		group[groups++] = (uint16_t)v;
	}
	/* The fraction's groups, the last padded on the right. */
	for (size_t i = 0; i < frac_n && groups < MAX_GROUPS; i += 4) {
		long v = 0;
		for (size_t k = i; k < i + 4; k++)
			v = v * 10 + (k < frac_n ? frac[k] - '0' : 0);
		group[groups++] = (uint16_t)v;
	}
	for (first = 0; first < groups && group[first] == 0; first++)
		;
	for (last = groups - 1; last >= first && group[last] == 0; last--)
		;
	int ndigits = last >= first ? last - first + 1 : 0;
	int weight = ndigits ? int_groups - 1 - first : 0;

	put_be(b, 8 + 2 * (uint64_t)ndigits, 4);
	put_be(b, (uint64_t)ndigits, 2);
	put_be(b, (uint16_t)(int16_t)weight, 2);
	put_be(b, 0, 2);
	put_be(b, frac_n, 2);
	for (int i = first; i <= last; i++)
		put_be(b, group[i], 2);
}

void mc_copyb_jsonb(struct mc_buf *b, const char *p, size_t n)
{
	put_be(b, n + 1, 4);
	mc_buf_addc(b, 1); /* the jsonb binary format's version */
	mc_buf_add(b, p, n);
}
