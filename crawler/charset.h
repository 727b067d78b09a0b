/*
 * Charset detection and conversion: every page a spider sees is UTF-8.
 * Order: byte-order mark, Content-Type charset, <meta charset> /
 * http-equiv in the first 1024 bytes, then the default (UTF-8, falling
 * back to windows-1252 when the bytes are not valid UTF-8).  Labels are
 * resolved with the WHATWG Encoding Standard's table ("latin1" is
 * windows-1252).  Invalid sequences become U+FFFD and are counted.
 * Safe on arbitrary bytes; thread-safe.  docs/charset.md has the details.
 */
#ifndef MC_CHARSET_H
#define MC_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The charset name for a body: `content_type` is the Content-Type header
 * value or NULL.  Writes a lower-case WHATWG encoding name into `out`
 * (e.g. "utf-8", "windows-1252", "shift_jis"), truncated to `outsz` and
 * NUL-terminated (nothing is written when `outsz` is 0; 32 bytes always
 * suffice).  `body` need not be NUL-terminated.
 */
void mc_charset_detect(const char *body, size_t len, const char *content_type,
		       char *out, size_t outsz);

/*
 * Convert `len` bytes in `charset` (any WHATWG label, or NULL) to UTF-8.
 * Returns a new NUL-terminated buffer of valid UTF-8 (caller frees) and
 * its length in `*out_len` (NUL bytes of the input are kept); `*invalid`
 * counts replaced sequences.  Either pointer may be NULL.  Unknown
 * charsets are treated as UTF-8.  A BOM is removed, and decides the
 * encoding over `charset`.
 */
char *mc_charset_to_utf8(const char *body, size_t len, const char *charset,
			 size_t *out_len, size_t *invalid);

/*
 * True when mc_charset_to_utf8(body, len, charset, ...) would return these
 * very bytes: `charset` means UTF-8 (or is NULL or unknown), there is no
 * BOM and every sequence is valid.  Then a caller that owns a
 * NUL-terminated `body` can use it as it is, without the copy.
 */
bool mc_charset_unchanged(const char *body, size_t len, const char *charset);

#endif
