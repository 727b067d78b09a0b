/*
 * Encoding values for PostgreSQL's COPY text format: the loader's second
 * pass builds its rows with these (the first pass's keys go in binary,
 * etl/copy_binary.h), so scraped bytes arrive byte-exact (backslash, tab,
 * newline and carriage return escaped; an absent value is \N).
 */
#ifndef MC_COPY_TEXT_H
#define MC_COPY_TEXT_H

#include <stddef.h>

#include "base/buf.h"
#include "staging/staging.h"

/* Append `n` bytes of `p`, escaped, then `sep` (a tab or "\n"). */
void mc_copy_text(struct mc_buf *b, const char *p, size_t n, char sep);

/* Append a span (NULL span: \N), then `sep`. */
void mc_copy_span(struct mc_buf *b, struct mc_span s, char sep);

/* Append a non-negative integer, then `sep`. */
void mc_copy_int(struct mc_buf *b, long long v, char sep);

#endif
