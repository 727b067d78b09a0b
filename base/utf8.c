/*
 * The UTF-8 decoder (base/utf8.h).  Every variant (one sequence with the
 * replacement policy, a code point, strict or cut-tolerant validation,
 * character counts) goes through utf8_seq, so what is valid is written
 * once.  utf8_seq is static so that the validation loop below inlines it:
 * that loop is the loader's per-line check and the crawler's per-page
 * check, and a call per non-ASCII character would show in both.
 */
#include <string.h>

#include "base/utf8.h"

static size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad, bool *truncated)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	*truncated = false;
	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n) {
			*truncated = true;
			*bad = i;
			return 0;
		}
		if (s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

size_t mc_utf8_seq(const unsigned char *s, size_t n, size_t *bad, bool *truncated)
{
	size_t b;
	bool t;
	size_t len = utf8_seq(s, n, &b, &t);

	if (bad)
		*bad = b;
	if (truncated)
		*truncated = t;
	return len;
}

size_t mc_utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t bad;
	bool truncated;
	/* At most four bytes; reading stops at the first that cannot continue. */
	size_t n = utf8_seq(s, 4, &bad, &truncated);
	static const unsigned char lead_mask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
	uint32_t c;

	if (n == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	c = s[0] & lead_mask[n];
	for (size_t i = 1; i < n; i++)
		c = (c << 6) | (s[i] & 0x3F);
	*cp = c;
	return n;
}

/* How many bytes from s[0] are ASCII, eight at a time. */
static size_t ascii_run(const unsigned char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

size_t mc_utf8_valid_prefix(const char *str, size_t n, bool *truncated)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t pos = 0, bad, len;
	bool cut = false;

	while (pos < n) {
		pos += ascii_run(s + pos, n - pos);
		if (pos >= n)
			break;
		len = utf8_seq(s + pos, n - pos, &bad, &cut);
		if (len == 0)
			break;
		pos += len;
	}
	if (truncated)
		*truncated = pos < n && cut;
	return pos;
}

size_t mc_utf8_count(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += ((unsigned char)s[i] & 0xC0) != 0x80;
	return count;
}
