/*
 * Bounded growable buffer (base/buf.h).  Growth doubles; an
 * append that would pass `max` fails and leaves the buffer as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"

void mc_buf_init(struct mc_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void mc_buf_release(struct mc_buf *b)
{
	free(b->data);
	mc_buf_init(b, b->max);
}

void mc_buf_reset(struct mc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int mc_buf_add(struct mc_buf *b, const void *p, size_t n)
{
	if (b->max && (n > b->max || b->len > b->max - n))
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = mc_realloc(b->data, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int mc_buf_adds(struct mc_buf *b, const char *s)
{
	return mc_buf_add(b, s, strlen(s));
}

int mc_buf_addc(struct mc_buf *b, char c)
{
	return mc_buf_add(b, &c, 1);
}

int mc_buf_vprintf(struct mc_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return -1;
	}
	if ((size_t)n < sizeof small) {
		va_end(ap2);
		return mc_buf_add(b, small, (size_t)n);
	}
	char *big = mc_malloc((size_t)n + 1);
	vsnprintf(big, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	int rc = mc_buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

int mc_buf_printf(struct mc_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = mc_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *mc_buf_detach(struct mc_buf *b, size_t *len)
{
	char *p = b->data ? b->data : mc_strdup("");

	if (len)
		*len = b->len;
	mc_buf_init(b, b->max);
	return p;
}
