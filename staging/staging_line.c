/*
 * One staging line in, one verdict out (staging/staging.h).
 *
 * This is the loader's parser of outside input, so it is strict and
 * self-contained: a small JSON parser (RFC 8259, depth-limited, no
 * recursion past MC_STAGING_MAX_DEPTH), the strict UTF-8 check of
 * base/utf8.h, and the field rules of staging/format.h.  Its promise to the loader is that
 * whatever it accepts PostgreSQL accepts too (text without NUL or invalid
 * UTF-8, numeric(18,6) prices, timestamps in range, jsonb-safe numbers), so
 * one bad line can never abort the COPY of a whole file.  It must never
 * allocate per line once its scratch memory has grown, and never read
 * outside the line it was given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "staging/staging.h"

/* Each member's rules (staging/format.h); p->members has one slot per
 * key, shared by the three line kinds and the run record's inner object. */
#define F(key) (&mc_staging_fields[key])

/* jsonb stores numbers as numeric, whose input accepts exponents within
 * +-1000 and some 131000 digits before the point: stay well inside. */
#define MAX_NUMBER_DIGITS 1000
#define MAX_NUMBER_EXPONENT 1000

struct cursor {
	const char *s, *end;
	int depth;
	bool unsafe;   /* saw a number numeric would refuse */
	bool nul;      /* saw \u0000 */
};

void mc_staging_parser_init(struct mc_staging_parser *p)
{
	memset(p, 0, sizeof *p);
}

void mc_staging_parser_release(struct mc_staging_parser *p)
{
	free(p->scratch);
	mc_staging_parser_init(p);
}

/* Scratch for decoded strings: reserved once per line with room for every
 * decoded string (never longer than the line) plus fixed-size extras, so
 * pointers handed out stay valid for the whole line. */
static void scratch_reserve(struct mc_staging_parser *p, size_t len)
{
	size_t need = 2 * len + 256; /* decoded strings, a lower-cased URL, timestamps */

	if (need > p->scratch_cap) {
		free(p->scratch);
		p->scratch = mc_malloc(need);
		p->scratch_cap = need;
	}
	p->scratch_used = 0;
}

static char *scratch_take(struct mc_staging_parser *p, size_t n)
{
	char *q = p->scratch + p->scratch_used;

	p->scratch_used += n;
	return q;
}

/* ---- bytes ------------------------------------------------------------- */

/* 0 valid, 1 has a NUL byte, 2 invalid UTF-8 (NUL wins: it is reported first). */
static int check_bytes(const char *line, size_t len)
{
	if (memchr(line, '\0', len))
		return 1;
	return mc_utf8_valid_prefix(line, len, NULL) == len ? 0 : 2;
}

/* ---- JSON --------------------------------------------------------------- */

static void skip_ws(struct cursor *c)
{
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\r' || *c->s == '\n'))
		c->s++;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char ch = s[i];
		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v |= (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v |= (unsigned)(ch - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Scan a string starting at the opening quote; on success c->s is past the
 * closing quote.  `escaped` tells whether it needs decoding.  Sets c->nul
 * on \u0000.  Lone surrogate escapes are invalid (they name no character). */
static int scan_string(struct cursor *c, bool *escaped)
{
	const char *s = c->s + 1;

	*escaped = false;
	for (;;) {
		/* Plain bytes: anything but quote, backslash and controls. */
		while (s < c->end && *s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
			s++;
		if (s >= c->end || (unsigned char)*s < 0x20)
			return -1;
		if (*s == '"')
			break;
		*escaped = true;
		if (c->end - s < 2)
			return -1;
		switch (s[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			s += 2;
			break;
		case 'u': {
			unsigned u, lo;
			if (c->end - s < 6 || hex4(s + 2, &u) != 0)
				return -1;
			s += 6;
			if (u == 0)
				c->nul = true;
			if (u >= 0xdc00 && u <= 0xdfff)
				return -1;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (c->end - s < 6 || s[0] != '\\' || s[1] != 'u' ||
				    hex4(s + 2, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
					return -1;
				s += 6;
			}
			break;
		}
		default:
			return -1;
		}
	}
	c->s = s + 1;
	return 0;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int scan_number(struct cursor *c)
{
	const char *s = c->s, *start;
	size_t digits = 0;
	long exp = 0;

	if (s < c->end && *s == '-')
		s++;
	if (s >= c->end || !is_digit(*s))
		return -1;
	if (*s == '0') {
		s++;
		digits = 1;
	} else {
		for (start = s; s < c->end && is_digit(*s); s++)
			;
		digits = (size_t)(s - start);
	}
	if (s < c->end && *s == '.') {
		s++;
		for (start = s; s < c->end && is_digit(*s); s++)
			;
		if (s == start)
			return -1;
		digits += (size_t)(s - start);
	}
	if (s < c->end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < c->end && (*s == '+' || *s == '-'))
			s++;
		for (start = s; s < c->end && is_digit(*s); s++)
			if (exp <= MAX_NUMBER_EXPONENT)
				exp = exp * 10 + (*s - '0');
		if (s == start)
			return -1;
	}
	if (digits > MAX_NUMBER_DIGITS || exp > MAX_NUMBER_EXPONENT)
		c->unsafe = true;
	c->s = s;
	return 0;
}

static int scan_literal(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->s) < n || memcmp(c->s, word, n) != 0)
		return -1;
	c->s += n;
	return 0;
}

static int scan_value(struct cursor *c, char *type);

/* Find a key among the known names (keys without escapes only: an escaped
 * key is decoded first by the caller). */
static int lookup_key(const char *k, size_t n)
{
	for (int i = 0; i < MC_STAGING_NKEYS; i++) {
		const char *name = mc_staging_fields[i].name;
		if (n > 0 && name[0] == k[0] && strlen(name) == n && memcmp(name, k, n) == 0)
			return i;
	}
	return -1;
}

static size_t decode_string(const char *raw, size_t len, char *out);

/* Scan an object at c->s ('{').  When `slots` is given, members with known
 * names are recorded there (later duplicates flagged). */
static int scan_object(struct cursor *c, struct mc_staging_member *slots)
{
	char keybuf[32];

	if (++c->depth > MC_STAGING_MAX_DEPTH)
		return -1;
	c->s++;
	skip_ws(c);
	if (c->s < c->end && *c->s == '}') {
		c->s++;
		c->depth--;
		return 0;
	}
	for (;;) {
		bool esc;
		char type;

		skip_ws(c);
		if (c->s >= c->end || *c->s != '"')
			return -1;
		const char *kraw = c->s + 1;
		if (scan_string(c, &esc) != 0)
			return -1;
		size_t klen = (size_t)(c->s - 1 - kraw);
		int key = -1;
		if (slots) {
			if (!esc)
				key = lookup_key(kraw, klen);
			else if (klen < sizeof keybuf)
				key = lookup_key(keybuf, decode_string(kraw, klen, keybuf));
		}
		skip_ws(c);
		if (c->s >= c->end || *c->s != ':')
			return -1;
		c->s++;
		skip_ws(c);
		const char *vstart = c->s;
		bool was_unsafe = c->unsafe;
		c->unsafe = false;
		if (scan_value(c, &type) != 0)
			return -1;
		if (key >= 0) {
			struct mc_staging_member *m = &slots[key];
			if (m->type)
				m->dup = true;
			m->raw = vstart;
			m->len = (size_t)(c->s - vstart);
			m->type = type;
			m->unsafe = c->unsafe;
			m->escaped = type == 's' && memchr(vstart + 1, '\\', m->len - 2) != NULL;
		}
		c->unsafe |= was_unsafe;
		skip_ws(c);
		if (c->s < c->end && *c->s == ',') {
			c->s++;
			continue;
		}
		if (c->s < c->end && *c->s == '}') {
			c->s++;
			c->depth--;
			return 0;
		}
		return -1;
	}
}

static int scan_array(struct cursor *c)
{
	char type;

	if (++c->depth > MC_STAGING_MAX_DEPTH)
		return -1;
	c->s++;
	skip_ws(c);
	if (c->s < c->end && *c->s == ']') {
		c->s++;
		c->depth--;
		return 0;
	}
	for (;;) {
		skip_ws(c);
		if (scan_value(c, &type) != 0)
			return -1;
		skip_ws(c);
		if (c->s < c->end && *c->s == ',') {
			c->s++;
			continue;
		}
		if (c->s < c->end && *c->s == ']') {
			c->s++;
			c->depth--;
			return 0;
		}
		return -1;
	}
}

static int scan_value(struct cursor *c, char *type)
{
	bool esc;

	if (c->s >= c->end)
		return -1;
	switch (*c->s) {
	case '{':
		*type = 'o';
		return scan_object(c, NULL);
	case '[':
		*type = 'a';
		return scan_array(c);
	case '"':
		*type = 's';
		return scan_string(c, &esc);
	case 't':
		*type = 't';
		return scan_literal(c, "true");
	case 'f':
		*type = 'f';
		return scan_literal(c, "false");
	case 'n':
		*type = 'z';
		return scan_literal(c, "null");
	default:
		*type = 'n';
		return scan_number(c);
	}
}

/* Decode a scanned (so well-formed) JSON string body into out; returns the
 * length.  out needs at most len bytes: no escape grows when decoded. */
static size_t decode_string(const char *raw, size_t len, char *out)
{
	const char *s = raw, *end = raw + len;
	char *o = out;

	while (s < end) {
		const char *bs = memchr(s, '\\', (size_t)(end - s));
		size_t plain = bs ? (size_t)(bs - s) : (size_t)(end - s);
		memcpy(o, s, plain);
		o += plain;
		s += plain;
		if (!bs)
			break;
		char e = s[1];
		s += 2;
		switch (e) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned u, lo;
			hex4(s, &u);
			s += 4;
			if (u >= 0xd800 && u <= 0xdbff) {
				hex4(s + 2, &lo);
				s += 6;
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (u < 0x80) {
				*o++ = (char)u;
			} else if (u < 0x800) {
				*o++ = (char)(0xc0 | u >> 6);
				*o++ = (char)(0x80 | (u & 0x3f));
			} else if (u < 0x10000) {
				*o++ = (char)(0xe0 | u >> 12);
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else {
				*o++ = (char)(0xf0 | u >> 18);
				*o++ = (char)(0x80 | ((u >> 12) & 0x3f));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			}
			break;
		}
		default: /* '"', '\\', '/' */
			*o++ = e;
			break;
		}
	}
	return (size_t)(o - out);
}

/* Parse a whole line as one JSON object, filling p->members.
 * Returns 0, or the reject reason. */
static const char *parse_object_line(struct mc_staging_parser *p, const char *line, size_t len)
{
	struct cursor c = {line, line + len, 0, false, false};
	char type;

	switch (check_bytes(line, len)) {
	case 1:
		return MC_STAGING_R_NUL_BYTE;
	case 2:
		return MC_STAGING_R_INVALID_UTF8;
	default:
		break;
	}
	memset(p->members, 0, sizeof p->members);
	scratch_reserve(p, len);
	skip_ws(&c);
	if (c.s < c.end && *c.s == '{') {
		if (scan_object(&c, p->members) != 0)
			return c.nul ? MC_STAGING_R_NUL_BYTE : MC_STAGING_R_INVALID_JSON;
		type = 'o';
	} else if (scan_value(&c, &type) != 0) {
		return c.nul ? MC_STAGING_R_NUL_BYTE : MC_STAGING_R_INVALID_JSON;
	}
	skip_ws(&c);
	if (c.s != c.end)
		return MC_STAGING_R_INVALID_JSON;
	if (c.nul)
		return MC_STAGING_R_NUL_BYTE;
	if (type != 'o')
		return MC_STAGING_R_NOT_AN_OBJECT;
	return NULL;
}

/* ---- field rules -------------------------------------------------------- */

/* The decoded string value of a member (which must have type 's'). */
static struct mc_span member_string(struct mc_staging_parser *p, const struct mc_staging_member *m)
{
	struct mc_span v;

	if (!m->escaped) {
		v.p = m->raw + 1;
		v.n = m->len - 2;
		return v;
	}
	char *out = p->scratch + p->scratch_used;
	v.n = decode_string(m->raw + 1, m->len - 2, out);
	v.p = out;
	p->scratch_used += v.n;
	return v;
}

static size_t count_chars(struct mc_span v)
{
	return mc_utf8_count(v.p, v.n);
}

static bool all_in(struct mc_span v, const char *set)
{
	for (size_t i = 0; i < v.n; i++)
		if (!strchr(set, v.p[i]) || v.p[i] == '\0')
			return false;
	return true;
}

static bool span_has_prefix_ci(struct mc_span v, const char *prefix)
{
	size_t n = strlen(prefix);

	if (v.n < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = v.p[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != prefix[i])
			return false;
	}
	return true;
}

/* An absolute http(s) URL with a host and no whitespace or controls. */
static bool valid_url(struct mc_span v)
{
	size_t skip;

	if (span_has_prefix_ci(v, "http://"))
		skip = 7;
	else if (span_has_prefix_ci(v, "https://"))
		skip = 8;
	else
		return false;
	if (skip == v.n || strchr("/?#", v.p[skip]))
		return false;
	for (size_t i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] <= 0x20 || v.p[i] == 0x7f)
			return false;
	return true;
}

/* Schemes are case-insensitive (RFC 3986): store "HTTP://x" as "http://x",
 * the rest of the URL byte for byte. */
static void lower_scheme(struct mc_staging_parser *p, struct mc_span *url)
{
	size_t colon = (const char *)memchr(url->p, ':', url->n) - url->p;
	bool upper = false;

	for (size_t i = 0; i < colon; i++)
		upper |= url->p[i] >= 'A' && url->p[i] <= 'Z';
	if (!upper)
		return;
	char *copy = scratch_take(p, url->n);
	memcpy(copy, url->p, url->n);
	for (size_t i = 0; i < colon; i++)
		if (copy[i] >= 'A' && copy[i] <= 'Z')
			copy[i] = (char)(copy[i] - 'A' + 'a');
	url->p = copy;
}

/* The price rule of staging/format.h; v is rewritten without a sign for
 * "-0". */
static enum mc_staging_decimal check_price(struct mc_span *v)
{
	enum mc_staging_decimal verdict = mc_staging_decimal(v->p, v->n);

	if (verdict == MC_DECIMAL_OK && v->p[0] == '-') {
		v->p++;
		v->n--;
	}
	return verdict;
}

static int parse_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* `width` decimal digits of v (0 <= v < 10^width), zero-padded. */
static void put_digits(char *out, long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long days_from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * RFC 3339 date-time ("T", "t" or " " between date and time; "Z", "z" or
 * +-HH:MM), 1970 to 9999 once in UTC.  Writes "YYYY-MM-DD HH:MM:SS.ffffff+00"
 * (29 bytes + NUL) into out and the instant in microseconds since
 * 1970-01-01 UTC into *usec_out; fractions beyond microseconds are truncated.
 */
static int normalize_timestamp(struct mc_span v, char out[32], long long *usec_out)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *s = v.p;
	size_t n = v.n, i = 19;
	long usec = 0, offset = 0;

	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	int year = parse_digits(s, 4), mon = parse_digits(s + 5, 2), day = parse_digits(s + 8, 2);
	int hh = parse_digits(s + 11, 2), mi = parse_digits(s + 14, 2), ss = parse_digits(s + 17, 2);
	if (year < 0 || mon < 1 || mon > 12 || day < 1 || hh < 0 || hh > 23 || mi < 0 || mi > 59 ||
	    ss < 0 || ss > 60)
		return -1;
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day > mdays[mon - 1] + (mon == 2 && leap))
		return -1;
	if (s[i] == '.') {
		size_t start = ++i;
		while (i < n && is_digit(s[i])) {
			if (i - start < 6)
				usec = usec * 10 + (s[i] - '0');
			i++;
		}
		if (i == start || i - start > 9)
			return -1;
		for (size_t k = i - start; k < 6; k++)
			usec *= 10;
	}
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		offset = 0;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		int oh = parse_digits(s + i + 1, 2), om = parse_digits(s + i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		offset = (oh * 60L + om) * 60L * (s[i] == '+' ? 1 : -1);
	} else {
		return -1;
	}
	long secs = days_from_civil(year, mon, day) * 86400L + hh * 3600L + mi * 60L + ss - offset;
	if (secs < 0 || secs >= days_from_civil(10000, 1, 1) * 86400L)
		return -1;
	long y;
	int m, d;
	civil_from_days(secs / 86400, &y, &m, &d);
	long rem = secs % 86400;
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = ' ';
	put_digits(out + 11, rem / 3600, 2);
	out[13] = ':';
	put_digits(out + 14, rem / 60 % 60, 2);
	out[16] = ':';
	put_digits(out + 17, rem % 60, 2);
	out[19] = '.';
	put_digits(out + 20, usec, 6);
	memcpy(out + 26, "+00", 4);
	*usec_out = secs * 1000000LL + usec;
	return 0;
}

/* A string member that is required: missing (absent or null), bad type,
 * empty, or longer than its max characters give that field's reason. */
static const char *required_text(struct mc_staging_parser *p, int key, struct mc_span *out)
{
	const struct mc_staging_member *m = &p->members[key];

	if (m->dup)
		return F(key)->duplicate;
	if (m->type == 0 || m->type == 'z')
		return F(key)->missing;
	if (m->type != 's')
		return F(key)->bad;
	*out = member_string(p, m);
	if (out->n == 0)
		return F(key)->bad;
	if (F(key)->max && count_chars(*out) > F(key)->max)
		return F(key)->too_long;
	return NULL;
}

static const char *price_field(struct mc_staging_parser *p, int key, struct mc_span *out)
{
	const struct mc_staging_member *m = &p->members[key];

	if (m->dup)
		return F(key)->duplicate;
	if (m->type == 0 || m->type == 'z') {
		out->p = NULL;
		out->n = 0;
		return F(key)->required ? F(key)->missing : NULL;
	}
	if (m->type != 's')
		return F(key)->bad;
	*out = member_string(p, m);
	return mc_staging_decimal_reason(key, check_price(out));
}

/* The optional region: absent, null or "" is none (an empty span). */
static const char *region_field(struct mc_staging_parser *p, struct mc_span *out)
{
	const struct mc_staging_field *f = F(MC_KEY_REGION);
	const struct mc_staging_member *m = &p->members[MC_KEY_REGION];

	out->p = "";
	out->n = 0;
	if (m->dup)
		return f->duplicate;
	if (m->type == 0 || m->type == 'z')
		return NULL;
	if (m->type != 's')
		return f->bad;
	*out = member_string(p, m);
	if (out->n > f->max)
		return f->too_long;
	if (!all_in(*out, f->charset))
		return f->bad;
	return NULL;
}

static const char *validate_observation(struct mc_staging_parser *p, struct mc_staging_obs *o)
{
	const struct mc_staging_member *m;
	const char *why;
	struct mc_span v;

	memset(o, 0, sizeof *o);
	why = required_text(p, MC_KEY_MARKETPLACE, &o->marketplace);
	if (!why && !all_in(o->marketplace, F(MC_KEY_MARKETPLACE)->charset))
		why = F(MC_KEY_MARKETPLACE)->bad;
	if (why)
		return why;
	why = region_field(p, &o->region);
	if (why)
		return why;
	why = required_text(p, MC_KEY_EXTERNAL_ID, &o->external_id);
	if (why)
		return why;
	why = required_text(p, MC_KEY_URL, &o->url);
	if (!why && !valid_url(o->url))
		why = F(MC_KEY_URL)->bad;
	if (why)
		return why;
	lower_scheme(p, &o->url);
	why = required_text(p, MC_KEY_TITLE, &o->title);
	if (why)
		return why;
	why = price_field(p, MC_KEY_PRICE, &o->price);
	if (why)
		return why;
	why = price_field(p, MC_KEY_LIST_PRICE, &o->list_price);
	if (why)
		return why;
	why = required_text(p, MC_KEY_CURRENCY, &o->currency);
	if (!why && !mc_staging_currency_ok(o->currency.p, o->currency.n))
		why = F(MC_KEY_CURRENCY)->bad;
	if (why)
		return why;
	why = required_text(p, MC_KEY_AVAILABILITY, &o->availability);
	if (!why && !mc_staging_name_in(F(MC_KEY_AVAILABILITY)->names, o->availability.p,
					o->availability.n))
		why = F(MC_KEY_AVAILABILITY)->bad;
	if (why)
		return why;
	why = required_text(p, MC_KEY_OBSERVED_AT, &v);
	if (why)
		return why;
	char *ts = scratch_take(p, 32);
	if (normalize_timestamp(v, ts, &o->observed_us) != 0)
		return F(MC_KEY_OBSERVED_AT)->bad;
	o->observed_at.p = ts;
	o->observed_at.n = strlen(ts);

	m = &p->members[MC_KEY_PRODUCT_KEY];
	if (m->dup)
		return F(MC_KEY_PRODUCT_KEY)->duplicate;
	if (m->type == 's') {
		o->product_key = member_string(p, m);
		if (count_chars(o->product_key) > F(MC_KEY_PRODUCT_KEY)->max)
			return F(MC_KEY_PRODUCT_KEY)->too_long;
		if (o->product_key.n == 0)
			o->product_key.p = NULL;
	} else if (m->type != 0 && m->type != 'z') {
		return F(MC_KEY_PRODUCT_KEY)->bad;
	}

	m = &p->members[MC_KEY_ATTRS];
	if (m->dup)
		return F(MC_KEY_ATTRS)->duplicate;
	if (m->type == 'o') {
		if (m->unsafe)
			return F(MC_KEY_ATTRS)->bad;
		if (m->len > F(MC_KEY_ATTRS)->max)
			return F(MC_KEY_ATTRS)->too_long;
		o->attrs.p = m->raw;
		o->attrs.n = m->len;
	} else if (m->type == 0 || m->type == 'z') {
		o->attrs.p = "{}";
		o->attrs.n = 2;
	} else {
		return F(MC_KEY_ATTRS)->bad;
	}
	return NULL;
}

enum mc_staging_kind mc_staging_parse_line(struct mc_staging_parser *p, const char *line,
					   size_t len, struct mc_staging_obs *obs)
{
	const char *why = parse_object_line(p, line, len);

	p->reason = NULL;
	if (!why && p->members[MC_KEY_RUN].type && !p->members[MC_KEY_MARKETPLACE].type)
		return MC_STAGING_RUN;
	if (!why)
		why = validate_observation(p, obs);
	if (why) {
		p->reason = why;
		return MC_STAGING_REJECT;
	}
	return MC_STAGING_OBS;
}

/* ---- header and run record ---------------------------------------------- */

/* For header and run record: a required string member, checked against
 * its character set and length (staging/format.h); sets p->error on
 * failure. */
static int meta_text(struct mc_staging_parser *p, int key, struct mc_span *out)
{
	const struct mc_staging_member *m = &p->members[key];
	const struct mc_staging_field *f = F(key);

	if (m->type != 's') {
		snprintf(p->error, sizeof p->error, "\"%s\" %s", f->name,
			 m->type ? "is not a string" : "is missing");
		return -1;
	}
	if (m->dup) {
		snprintf(p->error, sizeof p->error, "\"%s\" appears twice", f->name);
		return -1;
	}
	*out = member_string(p, m);
	if (out->n == 0 || count_chars(*out) > f->max || (f->charset && !all_in(*out, f->charset)) ||
	    memchr(out->p, '/', out->n)) {
		snprintf(p->error, sizeof p->error, "\"%s\" is empty, too long or has bad characters",
			 f->name);
		return -1;
	}
	return 0;
}

/* A required timestamp member, normalised into `out`, its instant in `usec`. */
static int meta_time(struct mc_staging_parser *p, int key, struct mc_span *out, long long *usec)
{
	struct mc_span v;
	char *ts;

	if (meta_text(p, key, &v) != 0)
		return -1;
	ts = scratch_take(p, 32);
	if (normalize_timestamp(v, ts, usec) != 0) {
		snprintf(p->error, sizeof p->error, "\"%s\" is not an RFC 3339 timestamp",
			 F(key)->name);
		return -1;
	}
	out->p = ts;
	out->n = strlen(ts);
	return 0;
}

/* `v`, the text of member `key` (type NAME), is one of its names; else
 * p->error says which they are. */
static int meta_name(struct mc_staging_parser *p, int key, struct mc_span v)
{
	char names[128];

	if (mc_staging_name_in(F(key)->names, v.p, v.n))
		return 0;
	mc_staging_names_text(F(key)->names, names, sizeof names);
	snprintf(p->error, sizeof p->error, "\"%s\" is not %s", F(key)->name, names);
	return -1;
}

static int meta_object_line(struct mc_staging_parser *p, const char *line, size_t len)
{
	const char *why = len > MC_STAGING_MAX_LINE ? MC_STAGING_R_TOO_LONG_LINE
						    : parse_object_line(p, line, len);

	if (why) {
		snprintf(p->error, sizeof p->error, "%s", why);
		return -1;
	}
	return 0;
}

/* The member's JSON text is exactly `text`. */
static bool member_is(const struct mc_staging_member *m, const char *text)
{
	return m->len == strlen(text) && memcmp(m->raw, text, m->len) == 0;
}

int mc_staging_parse_header(struct mc_staging_parser *p, const char *line, size_t len,
			    struct mc_staging_header *h)
{
	char version[16];

	if (meta_object_line(p, line, len) != 0)
		return -1;
	if (p->members[MC_KEY_FORMAT].type != 's' ||
	    !member_is(&p->members[MC_KEY_FORMAT], "\"" MC_STAGING_FORMAT_NAME "\"")) {
		snprintf(p->error, sizeof p->error, "no \"%s\":\"%s\"", F(MC_KEY_FORMAT)->name,
			 MC_STAGING_FORMAT_NAME);
		return -1;
	}
	snprintf(version, sizeof version, "%d", MC_STAGING_VERSION);
	if (p->members[MC_KEY_VERSION].type != 'n' ||
	    !member_is(&p->members[MC_KEY_VERSION], version)) {
		snprintf(p->error, sizeof p->error, "unsupported or missing \"%s\" (want %s)",
			 F(MC_KEY_VERSION)->name, version);
		return -1;
	}
	if (meta_text(p, MC_KEY_SPIDER, &h->spider) != 0 ||
	    meta_text(p, MC_KEY_RUN_ID, &h->run_id) != 0 ||
	    meta_time(p, MC_KEY_STARTED_AT, &h->started_at, &h->started_us) != 0)
		return -1;
	return 0;
}

/* A non-negative JSON integer member. */
static int meta_count(struct mc_staging_parser *p, int key)
{
	const struct mc_staging_member *m = &p->members[key];

	bool integer = m->type == 'n' && m->raw[0] != '-' && m->len <= 18;

	for (size_t i = 0; integer && i < m->len; i++)
		integer = is_digit(m->raw[i]);
	if (!integer) {
		snprintf(p->error, sizeof p->error, "\"%s\" is not a non-negative integer",
			 F(key)->name);
		return -1;
	}
	return 0;
}

int mc_staging_parse_run(struct mc_staging_parser *p, const char *line, size_t len,
			 struct mc_staging_run *r)
{
	const struct mc_staging_member *m;
	long long usec;

	if (meta_object_line(p, line, len) != 0)
		return -1;
	m = &p->members[MC_KEY_RUN];
	if (m->type != 'o' || m->dup || m->unsafe) {
		snprintf(p->error, sizeof p->error, "\"run\" is not an object");
		return -1;
	}
	r->record.p = m->raw;
	r->record.n = m->len;

	/* Parse the inner object into the same member table. */
	struct cursor c = {m->raw, m->raw + m->len, 0, false, false};
	memset(p->members, 0, sizeof p->members);
	if (scan_object(&c, p->members) != 0) {
		snprintf(p->error, sizeof p->error, "\"run\" is not an object");
		return -1;
	}
	if (meta_text(p, MC_KEY_SPIDER, &r->spider) != 0 ||
	    meta_text(p, MC_KEY_RUN_ID, &r->run_id) != 0 ||
	    meta_text(p, MC_KEY_STATUS, &r->status) != 0 ||
	    meta_time(p, MC_KEY_STARTED_AT, &r->started_at, &usec) != 0 ||
	    meta_time(p, MC_KEY_FINISHED_AT, &r->finished_at, &usec) != 0 ||
	    meta_count(p, MC_KEY_PAGES) != 0 || meta_count(p, MC_KEY_ITEMS) != 0 ||
	    meta_count(p, MC_KEY_ERRORS) != 0 || meta_name(p, MC_KEY_STATUS, r->status) != 0)
		return -1;
	if (region_field(p, &r->region) != NULL) {
		snprintf(p->error, sizeof p->error, "\"region\" is not [a-z0-9_-]{1,%zu}",
			 F(MC_KEY_REGION)->max);
		return -1;
	}
	/* No scope: a file from before scopes existed, when every run was
	 * taken as the whole catalogue. */
	r->scope.p = mc_staging_scope_names[0];
	r->scope.n = strlen(r->scope.p);
	if (p->members[MC_KEY_SCOPE].type) {
		/* Any fault of a given scope is told as "not one of the names". */
		if (meta_text(p, MC_KEY_SCOPE, &r->scope) != 0)
			r->scope = (struct mc_span){"", 0};
		if (meta_name(p, MC_KEY_SCOPE, r->scope) != 0)
			return -1;
	}
	m = &p->members[MC_KEY_STATS];
	if (m->type && m->type != 'o') {
		snprintf(p->error, sizeof p->error, "\"stats\" is not an object");
		return -1;
	}
	return 0;
}

size_t mc_staging_clean_raw(const char *line, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *)line, *end = s + len;
	size_t o = 0;

	while (s < end) {
		if (*s == '\0') {
			s++;
			continue;
		}
		size_t n = mc_utf8_seq(s, (size_t)(end - s), NULL, NULL);
		const char *src = (const char *)s;
		if (n == 0) {
			src = "\xef\xbf\xbd";
			n = 3;
			s++;
		} else {
			s += n;
		}
		if (o + n > MC_STAGING_RAW_KEEP)
			break;
		memcpy(out + o, src, n);
		o += n;
	}
	return o;
}
