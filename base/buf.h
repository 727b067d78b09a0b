/*
 * A growable byte buffer with a hard size cap (curl's dynbuf idea): response
 * bodies and built strings grow here, and an append past the cap fails
 * instead of eating memory.  Always NUL-terminated.  Not thread-safe.
 */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct mc_buf {
	char *data;  /* NUL-terminated, NULL until the first append */
	size_t len;
	size_t cap;  /* allocated */
	size_t max;  /* hard cap on len; 0 = unlimited */
};

void mc_buf_init(struct mc_buf *b, size_t max);
/* Free the memory; the buffer is empty and reusable afterwards. */
void mc_buf_release(struct mc_buf *b);
/* Keep the memory, drop the contents. */
void mc_buf_reset(struct mc_buf *b);
/* Append; returns 0, or -1 (buffer unchanged) when `max` would be exceeded. */
int mc_buf_add(struct mc_buf *b, const void *p, size_t n);
int mc_buf_adds(struct mc_buf *b, const char *s);
int mc_buf_addc(struct mc_buf *b, char c);
int mc_buf_printf(struct mc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mc_buf_vprintf(struct mc_buf *b, const char *fmt, va_list ap);
/* Hand the data to the caller (who frees it) and reset the buffer. */
char *mc_buf_detach(struct mc_buf *b, size_t *len);

#endif
