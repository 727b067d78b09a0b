/*
 * COPY text-format encoding (etl/copy_text.h).
 */
#include "etl/copy_text.h"

void mc_copy_text(struct mc_buf *b, const char *p, size_t n, char sep)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *esc;
		switch (p[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		mc_buf_add(b, p + start, i - start);
		mc_buf_add(b, esc, 2);
		start = i + 1;
	}
	mc_buf_add(b, p + start, n - start);
	mc_buf_addc(b, sep);
}

void mc_copy_span(struct mc_buf *b, struct mc_span s, char sep)
{
	if (s.p) {
		mc_copy_text(b, s.p, s.n, sep);
	} else {
		mc_buf_add(b, "\\N", 2);
		mc_buf_addc(b, sep);
	}
}

void mc_copy_int(struct mc_buf *b, long long v, char sep)
{
	char digits[24];
	int i = (int)sizeof digits;

	digits[--i] = sep;
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	mc_buf_add(b, digits + i, sizeof digits - (size_t)i);
}
