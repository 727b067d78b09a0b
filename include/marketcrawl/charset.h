/*
 * Charset detection and conversion: every page a spider sees is UTF-8.
 * Order: byte-order mark, Content-Type charset, <meta charset> /
 * http-equiv in the first 1024 bytes, then the default (UTF-8, falling
 * back to windows-1252 when the bytes are not valid UTF-8).  Invalid
 * sequences become U+FFFD and are counted.  Thread-safe.
 */
#ifndef MC_CHARSET_H
#define MC_CHARSET_H

#include <stddef.h>

/*
 * The charset name for a body: `content_type` is the Content-Type header
 * value or NULL.  Writes a lower-case label into `out` (e.g. "utf-8",
 * "windows-1252", "shift_jis").
 */
void mc_charset_detect(const char *body, size_t len, const char *content_type,
		       char *out, size_t outsz);

/*
 * Convert `len` bytes in `charset` to UTF-8.  Returns a new NUL-terminated
 * buffer (caller frees) and its length in `*out_len`; `*invalid` counts
 * replaced sequences.  Unknown charsets are treated as UTF-8.  A BOM is
 * removed.
 */
char *mc_charset_to_utf8(const char *body, size_t len, const char *charset,
			 size_t *out_len, size_t *invalid);

#endif
