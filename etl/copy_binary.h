/*
 * Building rows in PostgreSQL's COPY binary format, for the loader's two
 * passes: its keys (a line number, two short texts, a timestamp and a uuid)
 * cost the server a third of the CPU in binary that they cost as text (no
 * splitting and unescaping, no timestamp or uuid parsing), and the stored
 * observations spare it the timestamp and decimal parsing too.  Integers go in
 * network byte order.  Appends go to an mc_buf without a size cap, which
 * grows (or aborts when memory runs out), so they cannot fail.
 */
#ifndef MC_COPY_BINARY_H
#define MC_COPY_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* The signature, flags and header extension that open the data. */
void mc_copyb_header(struct mc_buf *b);

/* The end-of-data marker that closes it. */
void mc_copyb_trailer(struct mc_buf *b);

/* Start a row of `fields` columns. */
void mc_copyb_row(struct mc_buf *b, int fields);

void mc_copyb_null(struct mc_buf *b);
void mc_copyb_int4(struct mc_buf *b, int32_t v);
void mc_copyb_int8(struct mc_buf *b, int64_t v);
void mc_copyb_bool(struct mc_buf *b, int v);

/* A text, bytea-like or uuid value: its `n` bytes as they are. */
void mc_copyb_bytes(struct mc_buf *b, const void *p, size_t n);

/* A timestamptz given in microseconds since 1970-01-01 UTC. */
void mc_copyb_timestamptz(struct mc_buf *b, long long unix_us);

/* A numeric from the plain decimal s[0..n): [0-9]+(.[0-9]+)?, at most 40
 * characters (the staging format's prices, checked by mc_staging_decimal);
 * its scale is the digits written after the point, as numeric_in gives
 * it.  The column's typmod is applied by the server, as for text. */
void mc_copyb_numeric(struct mc_buf *b, const char *s, size_t n);

/* A jsonb value from its JSON text (the server still parses the text). */
void mc_copyb_jsonb(struct mc_buf *b, const char *p, size_t n);

#endif
