/*
 * COPY binary format (etl/copy_binary.h), as the PostgreSQL manual's COPY
 * page describes it: an 11-byte signature, 32-bit flags and extension
 * length; per row a 16-bit field count, then per field a 32-bit length (-1
 * for NULL) and the bytes of the type's binary representation; a 16-bit -1
 * at the end.
 */
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
