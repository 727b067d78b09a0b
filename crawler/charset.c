/*
 * Charset detection and conversion to UTF-8, so that every page a spider
 * sees, and every string that reaches a staging file, is UTF-8.
 *
 * Detection follows the HTML Standard's order (BOM, transport-layer
 * charset, the <meta> prescan of the first 1024 bytes) with our own
 * default (UTF-8 if the bytes are valid UTF-8, else windows-1252); labels
 * are resolved with the WHATWG Encoding Standard's label table, so
 * "latin1" and "us-ascii" mean windows-1252 as they do in browsers.
 * Conversion uses glibc iconv, except for UTF-8 itself (validated by
 * base/utf8.h, whose replacement follows the Encoding Standard byte for
 * byte) and the
 * two WHATWG encodings iconv has no converter for.
 *
 * This module reads arbitrary bytes from the network: every index is
 * bounds-checked, nothing is NUL-terminated on input, and no input makes
 * it fail (an unusable charset falls back to UTF-8 with replacement).
 * It never logs and keeps no state, so it is thread-safe.
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "crawler/charset.h"

/* How far into the body the <meta> prescan looks (HTML Standard). */
#define PRESCAN_BYTES 1024

/* An encoding: its WHATWG name (lower case) and glibc iconv's name for
 * it, NULL where this file decodes it itself. */
struct encoding {
	const char *name;
	const char *iconv;
};

static const struct encoding encodings[] = {
	{ "utf-8", NULL },
	{ "ibm866", "IBM866" },
	{ "iso-8859-2", "ISO-8859-2" },
	{ "iso-8859-3", "ISO-8859-3" },
	{ "iso-8859-4", "ISO-8859-4" },
	{ "iso-8859-5", "ISO-8859-5" },
	{ "iso-8859-6", "ISO-8859-6" },
	{ "iso-8859-7", "ISO-8859-7" },
	{ "iso-8859-8", "ISO-8859-8" },
	{ "iso-8859-8-i", "ISO-8859-8" },
	{ "iso-8859-10", "ISO-8859-10" },
	{ "iso-8859-13", "ISO-8859-13" },
	{ "iso-8859-14", "ISO-8859-14" },
	{ "iso-8859-15", "ISO-8859-15" },
	{ "iso-8859-16", "ISO-8859-16" },
	{ "koi8-r", "KOI8-R" },
	{ "koi8-u", "KOI8-RU" },       /* WHATWG's koi8-u has KOI8-RU's letters */
	{ "macintosh", "MACINTOSH" },
	{ "windows-874", "WINDOWS-874" },
	{ "windows-1250", "CP1250" },
	{ "windows-1251", "CP1251" },
	{ "windows-1252", "CP1252" },
	{ "windows-1253", "CP1253" },
	{ "windows-1254", "CP1254" },
	{ "windows-1255", "CP1255" },
	{ "windows-1256", "CP1256" },
	{ "windows-1257", "CP1257" },
	{ "windows-1258", "CP1258" },
	{ "x-mac-cyrillic", "MAC-CYRILLIC" },
	{ "gbk", "GB18030" },          /* WHATWG decodes gbk as gb18030 */
	{ "gb18030", "GB18030" },
	{ "big5", "BIG5-HKSCS" },      /* WHATWG's big5 includes HKSCS */
	{ "euc-jp", "EUC-JP" },
	{ "iso-2022-jp", "ISO-2022-JP" },
	{ "shift_jis", "CP932" },      /* as browsers: Microsoft's variant */
	{ "euc-kr", "CP949" },         /* as browsers: windows-949 */
	{ "replacement", NULL },
	{ "utf-16be", "UTF-16BE" },
	{ "utf-16le", "UTF-16LE" },
	{ "x-user-defined", NULL },
};

/* The WHATWG Encoding Standard's labels (section 4.2), label → name. */
static const struct {
	const char *label;
	const char *name;
} labels[] = {
	{ "unicode-1-1-utf-8", "utf-8" }, { "unicode11utf8", "utf-8" },
	{ "unicode20utf8", "utf-8" }, { "utf-8", "utf-8" }, { "utf8", "utf-8" },
	{ "x-unicode20utf8", "utf-8" },
	{ "866", "ibm866" }, { "cp866", "ibm866" }, { "csibm866", "ibm866" }, { "ibm866", "ibm866" },
	{ "csisolatin2", "iso-8859-2" }, { "iso-8859-2", "iso-8859-2" },
	{ "iso-ir-101", "iso-8859-2" }, { "iso8859-2", "iso-8859-2" }, { "iso88592", "iso-8859-2" },
	{ "iso_8859-2", "iso-8859-2" }, { "iso_8859-2:1987", "iso-8859-2" }, { "l2", "iso-8859-2" },
	{ "latin2", "iso-8859-2" },
	{ "csisolatin3", "iso-8859-3" }, { "iso-8859-3", "iso-8859-3" },
	{ "iso-ir-109", "iso-8859-3" }, { "iso8859-3", "iso-8859-3" }, { "iso88593", "iso-8859-3" },
	{ "iso_8859-3", "iso-8859-3" }, { "iso_8859-3:1988", "iso-8859-3" }, { "l3", "iso-8859-3" },
	{ "latin3", "iso-8859-3" },
	{ "csisolatin4", "iso-8859-4" }, { "iso-8859-4", "iso-8859-4" },
	{ "iso-ir-110", "iso-8859-4" }, { "iso8859-4", "iso-8859-4" }, { "iso88594", "iso-8859-4" },
	{ "iso_8859-4", "iso-8859-4" }, { "iso_8859-4:1988", "iso-8859-4" }, { "l4", "iso-8859-4" },
	{ "latin4", "iso-8859-4" },
	{ "csisolatincyrillic", "iso-8859-5" }, { "cyrillic", "iso-8859-5" },
	{ "iso-8859-5", "iso-8859-5" }, { "iso-ir-144", "iso-8859-5" }, { "iso8859-5", "iso-8859-5" },
	{ "iso88595", "iso-8859-5" }, { "iso_8859-5", "iso-8859-5" },
	{ "iso_8859-5:1988", "iso-8859-5" },
	{ "arabic", "iso-8859-6" }, { "asmo-708", "iso-8859-6" }, { "csiso88596e", "iso-8859-6" },
	{ "csiso88596i", "iso-8859-6" }, { "csisolatinarabic", "iso-8859-6" },
	{ "ecma-114", "iso-8859-6" }, { "iso-8859-6", "iso-8859-6" }, { "iso-8859-6-e", "iso-8859-6" },
	{ "iso-8859-6-i", "iso-8859-6" }, { "iso-ir-127", "iso-8859-6" }, { "iso8859-6", "iso-8859-6" },
	{ "iso88596", "iso-8859-6" }, { "iso_8859-6", "iso-8859-6" },
	{ "iso_8859-6:1987", "iso-8859-6" },
	{ "csisolatingreek", "iso-8859-7" }, { "ecma-118", "iso-8859-7" }, { "elot_928", "iso-8859-7" },
	{ "greek", "iso-8859-7" }, { "greek8", "iso-8859-7" }, { "iso-8859-7", "iso-8859-7" },
	{ "iso-ir-126", "iso-8859-7" }, { "iso8859-7", "iso-8859-7" }, { "iso88597", "iso-8859-7" },
	{ "iso_8859-7", "iso-8859-7" }, { "iso_8859-7:1987", "iso-8859-7" },
	{ "sun_eu_greek", "iso-8859-7" },
	{ "csiso88598e", "iso-8859-8" }, { "csisolatinhebrew", "iso-8859-8" }, { "hebrew", "iso-8859-8" },
	{ "iso-8859-8", "iso-8859-8" }, { "iso-8859-8-e", "iso-8859-8" }, { "iso-ir-138", "iso-8859-8" },
	{ "iso8859-8", "iso-8859-8" }, { "iso88598", "iso-8859-8" }, { "iso_8859-8", "iso-8859-8" },
	{ "iso_8859-8:1988", "iso-8859-8" }, { "visual", "iso-8859-8" },
	{ "csiso88598i", "iso-8859-8-i" }, { "iso-8859-8-i", "iso-8859-8-i" },
	{ "logical", "iso-8859-8-i" },
	{ "csisolatin6", "iso-8859-10" }, { "iso-8859-10", "iso-8859-10" },
	{ "iso-ir-157", "iso-8859-10" }, { "iso8859-10", "iso-8859-10" },
	{ "iso885910", "iso-8859-10" }, { "l6", "iso-8859-10" }, { "latin6", "iso-8859-10" },
	{ "iso-8859-13", "iso-8859-13" }, { "iso8859-13", "iso-8859-13" },
	{ "iso885913", "iso-8859-13" },
	{ "iso-8859-14", "iso-8859-14" }, { "iso8859-14", "iso-8859-14" },
	{ "iso885914", "iso-8859-14" },
	{ "csisolatin9", "iso-8859-15" }, { "iso-8859-15", "iso-8859-15" },
	{ "iso8859-15", "iso-8859-15" }, { "iso885915", "iso-8859-15" },
	{ "iso_8859-15", "iso-8859-15" }, { "l9", "iso-8859-15" },
	{ "iso-8859-16", "iso-8859-16" },
	{ "cskoi8r", "koi8-r" }, { "koi", "koi8-r" }, { "koi8", "koi8-r" }, { "koi8-r", "koi8-r" },
	{ "koi8_r", "koi8-r" },
	{ "koi8-ru", "koi8-u" }, { "koi8-u", "koi8-u" },
	{ "csmacintosh", "macintosh" }, { "mac", "macintosh" }, { "macintosh", "macintosh" },
	{ "x-mac-roman", "macintosh" },
	{ "dos-874", "windows-874" }, { "iso-8859-11", "windows-874" },
	{ "iso8859-11", "windows-874" }, { "iso885911", "windows-874" },
	{ "tis-620", "windows-874" }, { "windows-874", "windows-874" },
	{ "cp1250", "windows-1250" }, { "windows-1250", "windows-1250" },
	{ "x-cp1250", "windows-1250" },
	{ "cp1251", "windows-1251" }, { "windows-1251", "windows-1251" },
	{ "x-cp1251", "windows-1251" },
	{ "ansi_x3.4-1968", "windows-1252" }, { "ascii", "windows-1252" },
	{ "cp1252", "windows-1252" }, { "cp819", "windows-1252" }, { "csisolatin1", "windows-1252" },
	{ "ibm819", "windows-1252" }, { "iso-8859-1", "windows-1252" },
	{ "iso-ir-100", "windows-1252" }, { "iso8859-1", "windows-1252" },
	{ "iso88591", "windows-1252" }, { "iso_8859-1", "windows-1252" },
	{ "iso_8859-1:1987", "windows-1252" }, { "l1", "windows-1252" },
	{ "latin1", "windows-1252" }, { "us-ascii", "windows-1252" },
	{ "windows-1252", "windows-1252" }, { "x-cp1252", "windows-1252" },
	{ "cp1253", "windows-1253" }, { "windows-1253", "windows-1253" },
	{ "x-cp1253", "windows-1253" },
	{ "cp1254", "windows-1254" }, { "csisolatin5", "windows-1254" },
	{ "iso-8859-9", "windows-1254" }, { "iso-ir-148", "windows-1254" },
	{ "iso8859-9", "windows-1254" }, { "iso88599", "windows-1254" },
	{ "iso_8859-9", "windows-1254" }, { "iso_8859-9:1989", "windows-1254" },
	{ "l5", "windows-1254" }, { "latin5", "windows-1254" }, { "windows-1254", "windows-1254" },
	{ "x-cp1254", "windows-1254" },
	{ "cp1255", "windows-1255" }, { "windows-1255", "windows-1255" },
	{ "x-cp1255", "windows-1255" },
	{ "cp1256", "windows-1256" }, { "windows-1256", "windows-1256" },
	{ "x-cp1256", "windows-1256" },
	{ "cp1257", "windows-1257" }, { "windows-1257", "windows-1257" },
	{ "x-cp1257", "windows-1257" },
	{ "cp1258", "windows-1258" }, { "windows-1258", "windows-1258" },
	{ "x-cp1258", "windows-1258" },
	{ "x-mac-cyrillic", "x-mac-cyrillic" }, { "x-mac-ukrainian", "x-mac-cyrillic" },
	{ "chinese", "gbk" }, { "csgb2312", "gbk" }, { "csiso58gb231280", "gbk" },
	{ "gb2312", "gbk" }, { "gb_2312", "gbk" }, { "gb_2312-80", "gbk" }, { "gbk", "gbk" },
	{ "iso-ir-58", "gbk" }, { "x-gbk", "gbk" },
	{ "gb18030", "gb18030" },
	{ "big5", "big5" }, { "big5-hkscs", "big5" }, { "cn-big5", "big5" }, { "csbig5", "big5" },
	{ "x-x-big5", "big5" },
	{ "cseucpkdfmtjapanese", "euc-jp" }, { "euc-jp", "euc-jp" }, { "x-euc-jp", "euc-jp" },
	{ "csiso2022jp", "iso-2022-jp" }, { "iso-2022-jp", "iso-2022-jp" },
	{ "csshiftjis", "shift_jis" }, { "ms932", "shift_jis" }, { "ms_kanji", "shift_jis" },
	{ "shift-jis", "shift_jis" }, { "shift_jis", "shift_jis" }, { "sjis", "shift_jis" },
	{ "windows-31j", "shift_jis" }, { "x-sjis", "shift_jis" },
	{ "cseuckr", "euc-kr" }, { "csksc56011987", "euc-kr" }, { "euc-kr", "euc-kr" },
	{ "iso-ir-149", "euc-kr" }, { "korean", "euc-kr" }, { "ks_c_5601-1987", "euc-kr" },
	{ "ks_c_5601-1989", "euc-kr" }, { "ksc5601", "euc-kr" }, { "ksc_5601", "euc-kr" },
	{ "windows-949", "euc-kr" },
	{ "csiso2022kr", "replacement" }, { "hz-gb-2312", "replacement" },
	{ "iso-2022-cn", "replacement" }, { "iso-2022-cn-ext", "replacement" },
	{ "iso-2022-kr", "replacement" }, { "replacement", "replacement" },
	{ "unicodefffe", "utf-16be" }, { "utf-16be", "utf-16be" },
	{ "csunicode", "utf-16le" }, { "iso-10646-ucs-2", "utf-16le" }, { "ucs-2", "utf-16le" },
	{ "unicode", "utf-16le" }, { "unicodefeff", "utf-16le" }, { "utf-16", "utf-16le" },
	{ "utf-16le", "utf-16le" },
	{ "x-user-defined", "x-user-defined" },
};

/* ASCII whitespace as the Encoding and HTML Standards define it. */
static bool is_ws(unsigned char c)
{
	return c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x20;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static const struct encoding *encoding_named(const char *name)
{
	for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
		if (strcmp(encodings[i].name, name) == 0)
			return &encodings[i];
	return NULL;
}

/* The Encoding Standard's "get an encoding": trim, match the label
 * case-insensitively.  NULL for an unknown label. */
static const struct encoding *encoding_for_label(const char *s, size_t n)
{
	while (n && is_ws((unsigned char)s[0])) {
		s++;
		n--;
	}
	while (n && is_ws((unsigned char)s[n - 1]))
		n--;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strlen(labels[i].label) == n && strncasecmp(labels[i].label, s, n) == 0)
			return encoding_named(labels[i].name);
	return NULL;
}

static const struct encoding *bom_encoding(const unsigned char *b, size_t len, size_t *bom_len)
{
	if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		*bom_len = 3;
		return encoding_named("utf-8");
	}
	if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		*bom_len = 2;
		return encoding_named("utf-16le");
	}
	if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		*bom_len = 2;
		return encoding_named("utf-16be");
	}
	*bom_len = 0;
	return NULL;
}

/* The `charset` parameter of a Content-Type value, quoted or not. */
static const struct encoding *content_type_encoding(const char *ct)
{
	const char *p = ct ? strchr(ct, ';') : NULL;

	while (p) {
		const char *name, *val;
		size_t vn;

		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		name = p;
		p += strcspn(p, "=;");
		if (*p != '=') {
			p = *p ? p : NULL;
			continue;
		}
		val = p + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		if ((size_t)(p - name) >= 7 && strncasecmp(name, "charset", 7) == 0 &&
		    strspn(name + 7, " \t") == (size_t)(p - name) - 7) {
			if (*val == '"' || *val == '\'') {
				const char *close = strchr(val + 1, *val);

				if (!close)
					return NULL;
				return encoding_for_label(val + 1, (size_t)(close - val - 1));
			}
			vn = strcspn(val, "; \t");
			return encoding_for_label(val, vn);
		}
		p = strchr(val, ';');
	}
	return NULL;
}

/* --- the HTML Standard's <meta> prescan (section 13.2.3.2) --- */

struct attr {
	char name[PRESCAN_BYTES + 1];
	size_t name_len;
	char value[PRESCAN_BYTES + 1];
	size_t value_len;
};

enum { ATTR_END = -1, ATTR_NONE = 0, ATTR_FOUND = 1 };

/* "Get an attribute" at *pos; ATTR_END when the input ran out. */
static int get_attribute(const unsigned char *b, size_t end, size_t *pos, struct attr *a)
{
	size_t p = *pos;
	int rc = ATTR_FOUND;

	a->name_len = a->value_len = 0;
	while (p < end && (is_ws(b[p]) || b[p] == '/'))
		p++;
	if (p >= end)
		return ATTR_END;
	if (b[p] == '>') {
		rc = ATTR_NONE;
		goto out;
	}
	for (;; p++) {
		if (p >= end)
			return ATTR_END;
		if (b[p] == '=' && a->name_len) {
			p++;
			goto value;
		}
		if (is_ws(b[p]))
			break;
		if (b[p] == '/' || b[p] == '>')
			goto out;
		a->name[a->name_len++] = (char)lower(b[p]);
	}
	while (p < end && is_ws(b[p]))
		p++;
	if (p >= end)
		return ATTR_END;
	if (b[p] != '=')
		goto out;
	p++;
value:
	while (p < end && is_ws(b[p]))
		p++;
	if (p >= end)
		return ATTR_END;
	if (b[p] == '"' || b[p] == '\'') {
		unsigned char quote = b[p];

		for (p++;; p++) {
			if (p >= end)
				return ATTR_END;
			if (b[p] == quote) {
				p++;
				goto out;
			}
			a->value[a->value_len++] = (char)lower(b[p]);
		}
	}
	if (b[p] == '>')
		goto out;
	for (; p < end && !is_ws(b[p]) && b[p] != '>'; p++)
		a->value[a->value_len++] = (char)lower(b[p]);
	if (p >= end)
		return ATTR_END;
out:
	a->name[a->name_len] = '\0';
	a->value[a->value_len] = '\0';
	*pos = p;
	return rc;
}

/* "Extracting a character encoding from a meta element" (a content
 * attribute, already lower-cased). */
static const struct encoding *content_attr_encoding(const char *s, size_t n)
{
	size_t pos = 0;

	for (;;) {
		const char *hit = memmem(s + pos, n - pos, "charset", 7);

		if (!hit)
			return NULL;
		pos = (size_t)(hit - s) + 7;
		while (pos < n && is_ws((unsigned char)s[pos]))
			pos++;
		if (pos < n && s[pos] == '=')
			break;
	}
	pos++;
	while (pos < n && is_ws((unsigned char)s[pos]))
		pos++;
	if (pos >= n)
		return NULL;
	if (s[pos] == '"' || s[pos] == '\'') {
		const char *close = memchr(s + pos + 1, s[pos], n - pos - 1);

		if (!close)
			return NULL;
		return encoding_for_label(s + pos + 1, (size_t)(close - s - pos - 1));
	}
	{
		size_t start = pos;

		while (pos < n && !is_ws((unsigned char)s[pos]) && s[pos] != ';')
			pos++;
		return encoding_for_label(s + start, pos - start);
	}
}

static bool starts_ci(const unsigned char *b, size_t avail, const char *lit)
{
	size_t n = strlen(lit);

	if (avail < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(b[i]) != (unsigned char)lit[i])
			return false;
	return true;
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The attributes of one <meta>, and what they say (NULL: nothing). */
static const struct encoding *meta_encoding(const unsigned char *b, size_t end, size_t *pos,
					    bool *input_ended)
{
	struct attr a;
	bool seen_http_equiv = false, seen_content = false, seen_charset = false;
	bool got_pragma = false;
	int need_pragma = -1;  /* -1 null, 0 false, 1 true */
	int charset_state = 0; /* 0 null, 1 failure, 2 found */
	const struct encoding *charset = NULL;

	*input_ended = false;
	for (;;) {
		int rc = get_attribute(b, end, pos, &a);

		if (rc == ATTR_END) {
			*input_ended = true;
			return NULL;
		}
		if (rc == ATTR_NONE)
			break;
		if (strcmp(a.name, "http-equiv") == 0) {
			if (seen_http_equiv)
				continue;
			seen_http_equiv = true;
			if (strcmp(a.value, "content-type") == 0)
				got_pragma = true;
		} else if (strcmp(a.name, "content") == 0) {
			const struct encoding *e;

			if (seen_content)
				continue;
			seen_content = true;
			e = content_attr_encoding(a.value, a.value_len);
			if (e && charset_state == 0) {
				charset = e;
				charset_state = 2;
				need_pragma = 1;
			}
		} else if (strcmp(a.name, "charset") == 0) {
			if (seen_charset)
				continue;
			seen_charset = true;
			charset = encoding_for_label(a.value, a.value_len);
			charset_state = charset ? 2 : 1;
			need_pragma = 0;
		}
	}
	if (need_pragma == -1 || (need_pragma == 1 && !got_pragma) || charset_state != 2)
		return NULL;
	if (strcmp(charset->name, "utf-16le") == 0 || strcmp(charset->name, "utf-16be") == 0)
		return encoding_named("utf-8");
	if (strcmp(charset->name, "x-user-defined") == 0)
		return encoding_named("windows-1252");
	return charset;
}

static const struct encoding *prescan(const unsigned char *b, size_t len)
{
	size_t end = len < PRESCAN_BYTES ? len : PRESCAN_BYTES;

	for (size_t pos = 0; pos < end; pos++) {
		if (b[pos] != '<')
			continue;
		if (starts_ci(b + pos, end - pos, "<!--")) {
			const unsigned char *close = memmem(b + pos + 2, end - pos - 2, "-->", 3);

			if (!close)
				return NULL;
			pos = (size_t)(close - b) + 2;
		} else if (starts_ci(b + pos, end - pos, "<meta") && pos + 5 < end &&
			   (is_ws(b[pos + 5]) || b[pos + 5] == '/')) {
			const struct encoding *e;
			bool ended;

			pos += 6;
			e = meta_encoding(b, end, &pos, &ended);
			if (e || ended)
				return e;
		} else if (pos + 1 < end &&
			   (is_alpha(b[pos + 1]) ||
			    (b[pos + 1] == '/' && pos + 2 < end && is_alpha(b[pos + 2])))) {
			struct attr a;
			int rc;

			while (pos < end && !is_ws(b[pos]) && b[pos] != '>')
				pos++;
			do
				rc = get_attribute(b, end, &pos, &a);
			while (rc == ATTR_FOUND);
			if (rc == ATTR_END)
				return NULL;
		} else if (pos + 1 < end && (b[pos + 1] == '!' || b[pos + 1] == '/' || b[pos + 1] == '?')) {
			const unsigned char *close = memchr(b + pos + 1, '>', end - pos - 1);

			if (!close)
				return NULL;
			pos = (size_t)(close - b);
		}
	}
	return NULL;
}

/* Valid UTF-8, tolerating one sequence cut short by the end (a body
 * truncated by a size cap is still the UTF-8 it was). */
static bool valid_utf8(const unsigned char *b, size_t len)
{
	bool truncated;

	return mc_utf8_valid_prefix((const char *)b, len, &truncated) == len || truncated;
}

void mc_charset_detect(const char *body, size_t len, const char *content_type,
		       char *out, size_t outsz)
{
	const unsigned char *b = (const unsigned char *)body;
	const struct encoding *e;
	size_t bom;

	if (!body)
		len = 0;
	e = bom_encoding(b, len, &bom);
	if (!e)
		e = content_type_encoding(content_type);
	if (!e)
		e = prescan(b, len);
	if (!e)
		e = encoding_named(valid_utf8(b, len) ? "utf-8" : "windows-1252");
	if (outsz)
		snprintf(out, outsz, "%s", e->name);
}

/* --- conversion --- */

static void decode_utf8(struct mc_buf *out, const unsigned char *b, size_t len, size_t *invalid)
{
	size_t pos = 0;

	while (pos < len) {
		size_t run = mc_utf8_valid_prefix((const char *)b + pos, len - pos, NULL), bad;

		mc_buf_add(out, b + pos, run);
		pos += run;
		if (pos < len) {
			mc_utf8_seq(b + pos, len - pos, &bad, NULL);
			mc_buf_add(out, MC_UTF8_REPLACEMENT, 3);
			(*invalid)++;
			pos += bad;
		}
	}
}

/* x-user-defined: bytes 0x80-0xFF are U+F780-U+F7FF. */
static void decode_user_defined(struct mc_buf *out, const unsigned char *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (b[i] < 0x80) {
			mc_buf_addc(out, (char)b[i]);
		} else {
			unsigned int cp = 0xF780u + (b[i] - 0x80u);
			char u[3] = { (char)0xEF, (char)(0x80 | ((cp >> 6) & 0x3F)),
				      (char)(0x80 | (cp & 0x3F)) };

			mc_buf_add(out, u, 3);
		}
	}
}

/*
 * iconv from `e` into `out`, a chunk at a time.  On an invalid sequence:
 * U+FFFD, counted, and one code unit skipped (two bytes for UTF-16, one
 * otherwise; the next byte is then decoded afresh, as the Encoding
 * Standard's decoders re-read an ASCII byte that broke a sequence); a
 * sequence cut short by the end is one U+FFFD.  windows-1252's five
 * bytes without a glyph are the C1 controls of the same value, as in the
 * Standard, not errors.  Returns -1 when iconv lacks the converter.
 */
static int decode_iconv(struct mc_buf *out, const struct encoding *e, const char *in,
			size_t len, size_t *invalid)
{
	iconv_t cd = iconv_open("UTF-8", e->iconv);
	size_t unit = strncmp(e->name, "utf-16", 6) == 0 ? 2 : 1;
	bool cp1252 = strcmp(e->name, "windows-1252") == 0;
	char *ip = (char *)in, *op;
	size_t ileft = len, oleft;
	char chunk[4096];

	if (cd == (iconv_t)-1)
		return -1;
	while (ileft) {
		size_t rc;
		int err;

		op = chunk;
		oleft = sizeof chunk;
		rc = iconv(cd, &ip, &ileft, &op, &oleft);
		err = rc == (size_t)-1 ? errno : 0;
		mc_buf_add(out, chunk, (size_t)(op - chunk));
		if (!err || err == E2BIG)
			continue;
		if (err == EILSEQ && cp1252 && (unsigned char)*ip >= 0x80 &&
		    (unsigned char)*ip <= 0x9F) {
			char c1[2] = { (char)0xC2, *ip };

			mc_buf_add(out, c1, 2);
			ip++;
			ileft--;
		} else {
			size_t skip = err == EILSEQ && ileft > unit ? unit : ileft;

			mc_buf_add(out, MC_UTF8_REPLACEMENT, 3);
			(*invalid)++;
			ip += skip;
			ileft -= skip;
		}
	}
	/* Stateful encodings (ISO-2022-JP) may owe a final shift sequence. */
	op = chunk;
	oleft = sizeof chunk;
	if (iconv(cd, NULL, NULL, &op, &oleft) != (size_t)-1)
		mc_buf_add(out, chunk, (size_t)(op - chunk));
	iconv_close(cd);
	return 0;
}

bool mc_charset_unchanged(const char *body, size_t len, const char *charset)
{
	const unsigned char *b = (const unsigned char *)body;
	const struct encoding *e = charset ? encoding_for_label(charset, strlen(charset)) : NULL;
	size_t bom;

	if (!body || (e && strcmp(e->name, "utf-8") != 0) || bom_encoding(b, len, &bom))
		return false;
	return mc_utf8_valid_prefix(body, len, NULL) == len;
}

char *mc_charset_to_utf8(const char *body, size_t len, const char *charset,
			 size_t *out_len, size_t *invalid)
{
	const unsigned char *b = (const unsigned char *)body;
	const struct encoding *e = charset ? encoding_for_label(charset, strlen(charset)) : NULL;
	const struct encoding *bom_e;
	struct mc_buf out;
	size_t bom, bad = 0;

	if (!body)
		len = 0;
	mc_buf_init(&out, 0);
	bom_e = bom_encoding(b, len, &bom);
	if (bom_e)
		e = bom_e;
	if (!e)
		e = encoding_named("utf-8");
	b += bom;
	len -= bom;

	if (!e->iconv) {
		if (strcmp(e->name, "replacement") == 0) {
			if (len) {
				mc_buf_add(&out, MC_UTF8_REPLACEMENT, 3);
				bad = 1;
			}
		} else if (strcmp(e->name, "x-user-defined") == 0) {
			decode_user_defined(&out, b, len);
		} else {
			decode_utf8(&out, b, len, &bad);
		}
	} else if (decode_iconv(&out, e, (const char *)b, len, &bad) < 0) {
		decode_utf8(&out, b, len, &bad);
	}
	if (invalid)
		*invalid = bad;
	return mc_buf_detach(&out, out_len);
}
