/*
 * The one UTF-8 decoder of the project and what is built on it.  Valid
 * means RFC 3629 (no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF), which is also exactly what the WHATWG Encoding Standard's
 * UTF-8 decoder accepts.  Callers: charset conversion (crawler/charset.c),
 * the staging-line parser (staging/staging_line.c), the item builder's
 * character counts (crawler/item.c), price and currency text
 * (crawler/price.c, crawler/currency.c).  Pure functions over the bytes
 * given, thread-safe; nothing is read outside them.
 */
#ifndef MC_UTF8_H
#define MC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* U+FFFD REPLACEMENT CHARACTER, encoded (3 bytes). */
#define MC_UTF8_REPLACEMENT "\xEF\xBF\xBD"

/*
 * The length of the valid sequence at s[0..n) (n >= 1), or 0 when s[0]
 * starts none.  Then, if not NULL, *bad is the length of the maximal
 * invalid subpart (what the Encoding Standard replaces by one U+FFFD) and
 * *truncated says the sequence was only cut short by the end of input.
 * Bytes are read only while they can still continue the sequence, so a
 * NUL ends it.
 */
size_t mc_utf8_seq(const unsigned char *s, size_t n, size_t *bad, bool *truncated);

/*
 * Decode one sequence at `s` (NUL-terminated; s must not point at the
 * NUL).  Stores the code point in *cp and returns its length; a malformed
 * byte gives U+FFFD and length 1, so no byte after a NUL is ever read.
 */
size_t mc_utf8_next(const unsigned char *s, uint32_t *cp);

/*
 * The length of the longest valid prefix of s[0..n): n when all of it is
 * valid UTF-8.  When it is shorter and `truncated` is not NULL, *truncated
 * says the first invalid sequence was only cut short by the end (a body
 * cut by a size cap).  ASCII runs go eight bytes at a time: this is the
 * hot path of page decoding and of the loader's line check.
 */
size_t mc_utf8_valid_prefix(const char *s, size_t n, bool *truncated);

/* The number of characters in valid UTF-8 s[0..n): the bytes that do not
 * continue a sequence. */
size_t mc_utf8_count(const char *s, size_t n);

#endif
