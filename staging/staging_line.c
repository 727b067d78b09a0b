/*
 * One staging line in, one verdict out (staging/staging.h).
 *
 * This is the loader's parser of outside input, so it is strict and
 * self-contained: a small JSON parser (RFC 8259, depth-limited, no
 * recursion past MC_STAGING_MAX_DEPTH), a strict UTF-8 check, and field
 * rules from docs/staging-format.md.  Its promise to the loader is that
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
#include "staging/staging.h"

/* Known member names, their slot in p->members.  Top-level keys of the three
 * line kinds and of the run record's inner object share one table. */
_Static_assert(sizeof(((struct mc_staging_parser *)0)->members) /
			       sizeof(struct mc_staging_member) == 25,
	       "one member slot per known name");

enum key {
	K_MARKETPLACE, K_EXTERNAL_ID, K_URL, K_TITLE, K_PRICE, K_LIST_PRICE, K_CURRENCY,
	K_AVAILABILITY, K_OBSERVED_AT, K_PRODUCT_KEY, K_ATTRS, K_REGION,
	K_RUN, K_FORMAT, K_VERSION, K_SPIDER, K_RUN_ID, K_STARTED_AT,
	K_FINISHED_AT, K_STATUS, K_PAGES, K_ITEMS, K_ERRORS, K_STATS, K_SCOPE,
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"marketplace", "external_id", "url", "title", "price", "list_price", "currency",
	"availability", "observed_at", "product_key", "attrs", "region",
	"run", "format", "version", "spider", "run_id", "started_at",
	"finished_at", "status", "pages", "items", "errors", "stats", "scope",
};

/* Reason names per observation field: missing_, bad_, too_long_, duplicate_. */
struct field_reasons {
	const char *missing, *bad, *too_long, *duplicate;
};

#define FIELD_REASONS(f) {"missing_" f, "bad_" f, "too_long_" f, "duplicate_" f}
static const struct field_reasons reasons[K_REGION + 1] = {
	FIELD_REASONS("marketplace"), FIELD_REASONS("external_id"), FIELD_REASONS("url"),
	FIELD_REASONS("title"),	FIELD_REASONS("price"), FIELD_REASONS("list_price"),
	FIELD_REASONS("currency"), FIELD_REASONS("availability"),
	{"missing_observed_at", "bad_timestamp", "too_long_observed_at", "duplicate_observed_at"},
	FIELD_REASONS("product_key"), FIELD_REASONS("attrs"), FIELD_REASONS("region"),
};

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

/* ---- UTF-8 -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, const unsigned char *end)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return end - s >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (end - s < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;
		if (c == 0xed && s[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (end - s < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/* 0 valid, 1 has a NUL byte, 2 invalid UTF-8 (NUL wins: it is reported first). */
static int check_bytes(const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line, *end = s + len;
	int bad_utf8 = 0;

	if (memchr(line, '\0', len))
		return 1;
	while (s < end) {
		/* Fast path: eight ASCII bytes at a time. */
		while (end - s >= 8) {
			uint64_t w;
			memcpy(&w, s, 8);
			if (w & 0x8080808080808080ULL)
				break;
			s += 8;
		}
		if (s >= end)
			break;
		size_t n = utf8_seq(s, end);
		if (n == 0) {
			bad_utf8 = 1;
			break;
		}
		s += n;
	}
	return bad_utf8 ? 2 : 0;
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
	for (int i = 0; i < K_COUNT; i++)
		if (n > 0 && key_names[i][0] == k[0] && strlen(key_names[i]) == n &&
		    memcmp(key_names[i], k, n) == 0)
			return i;
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
		return "nul_byte";
	case 2:
		return "invalid_utf8";
	default:
		break;
	}
	memset(p->members, 0, sizeof p->members);
	scratch_reserve(p, len);
	skip_ws(&c);
	if (c.s < c.end && *c.s == '{') {
		if (scan_object(&c, p->members) != 0)
			return c.nul ? "nul_byte" : "invalid_json";
		type = 'o';
	} else if (scan_value(&c, &type) != 0) {
		return c.nul ? "nul_byte" : "invalid_json";
	}
	skip_ws(&c);
	if (c.s != c.end)
		return "invalid_json";
	if (c.nul)
		return "nul_byte";
	if (type != 'o')
		return "not_an_object";
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
	size_t n = 0;

	for (size_t i = 0; i < v.n; i++)
		n += ((unsigned char)v.p[i] & 0xc0) != 0x80;
	return n;
}

static bool all_in(struct mc_span v, const char *set)
{
	for (size_t i = 0; i < v.n; i++)
		if (!strchr(set, v.p[i]) || v.p[i] == '\0')
			return false;
	return true;
}

static bool span_is(struct mc_span v, const char *s)
{
	return v.n == strlen(s) && memcmp(v.p, s, v.n) == 0;
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

enum price_verdict { PRICE_OK, PRICE_BAD, PRICE_NEGATIVE, PRICE_ABSURD };

/* An exact decimal -?[0-9]+(.[0-9]{1,6})? that fits numeric(18,6) and is
 * not negative; v is rewritten without a sign for "-0". */
static enum price_verdict check_price(struct mc_span *v)
{
	size_t i = 0, int_start, int_end, sig;
	bool negative = false, nonzero = false;

	if (v->n == 0 || v->n > 40)
		return PRICE_BAD;
	if (v->p[0] == '-') {
		negative = true;
		i = 1;
	}
	int_start = i;
	while (i < v->n && is_digit(v->p[i]))
		nonzero |= v->p[i++] != '0';
	int_end = i;
	if (int_end == int_start)
		return PRICE_BAD;
	if (i < v->n && v->p[i] == '.') {
		size_t frac_start = ++i;
		while (i < v->n && is_digit(v->p[i]))
			nonzero |= v->p[i++] != '0';
		if (i == frac_start || i - frac_start > 6)
			return PRICE_BAD;
	}
	if (i != v->n)
		return PRICE_BAD;
	if (negative && nonzero)
		return PRICE_NEGATIVE;
	for (sig = int_start; sig < int_end && v->p[sig] == '0'; sig++)
		;
	if (int_end - sig > 12)
		return PRICE_ABSURD;
	if (negative) {
		v->p++;
		v->n--;
	}
	return PRICE_OK;
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
 * empty, or too long give that field's reason. */
static const char *required_text(struct mc_staging_parser *p, int key, size_t max_chars,
				 struct mc_span *out)
{
	const struct mc_staging_member *m = &p->members[key];

	if (m->dup)
		return reasons[key].duplicate;
	if (m->type == 0 || m->type == 'z')
		return reasons[key].missing;
	if (m->type != 's')
		return reasons[key].bad;
	*out = member_string(p, m);
	if (out->n == 0)
		return reasons[key].bad;
	if (max_chars && count_chars(*out) > max_chars)
		return reasons[key].too_long;
	return NULL;
}

static const char *price_field(struct mc_staging_parser *p, int key, struct mc_span *out)
{
	static const char *const list_reasons[] = {NULL, "bad_list_price", "negative_list_price",
						   "absurd_list_price"};
	static const char *const price_reasons[] = {NULL, "bad_price", "negative_price",
						    "absurd_price"};
	const char *const *r = key == K_PRICE ? price_reasons : list_reasons;
	const struct mc_staging_member *m = &p->members[key];

	if (m->dup)
		return reasons[key].duplicate;
	if (m->type == 0 || m->type == 'z') {
		out->p = NULL;
		out->n = 0;
		return key == K_PRICE ? reasons[key].missing : NULL;
	}
	if (m->type != 's')
		return r[PRICE_BAD];
	*out = member_string(p, m);
	return r[check_price(out)];
}

/* The optional region: absent, null or "" is none (an empty span). */
static const char *region_field(struct mc_staging_parser *p, struct mc_span *out)
{
	const struct mc_staging_member *m = &p->members[K_REGION];

	out->p = "";
	out->n = 0;
	if (m->dup)
		return reasons[K_REGION].duplicate;
	if (m->type == 0 || m->type == 'z')
		return NULL;
	if (m->type != 's')
		return reasons[K_REGION].bad;
	*out = member_string(p, m);
	if (out->n > MC_STAGING_MAX_REGION)
		return reasons[K_REGION].too_long;
	if (!all_in(*out, "abcdefghijklmnopqrstuvwxyz0123456789_-"))
		return reasons[K_REGION].bad;
	return NULL;
}

static const char *validate_observation(struct mc_staging_parser *p, struct mc_staging_obs *o)
{
	const struct mc_staging_member *m;
	const char *why;
	struct mc_span v;

	memset(o, 0, sizeof *o);
	why = required_text(p, K_MARKETPLACE, 100, &o->marketplace);
	if (!why && !all_in(o->marketplace, "abcdefghijklmnopqrstuvwxyz0123456789_.-"))
		why = "bad_marketplace";
	if (why)
		return why;
	why = region_field(p, &o->region);
	if (why)
		return why;
	why = required_text(p, K_EXTERNAL_ID, 200, &o->external_id);
	if (why)
		return why;
	why = required_text(p, K_URL, 2000, &o->url);
	if (!why && !valid_url(o->url))
		why = "bad_url";
	if (why)
		return why;
	lower_scheme(p, &o->url);
	why = required_text(p, K_TITLE, 1000, &o->title);
	if (why)
		return why;
	why = price_field(p, K_PRICE, &o->price);
	if (why)
		return why;
	why = price_field(p, K_LIST_PRICE, &o->list_price);
	if (why)
		return why;
	why = required_text(p, K_CURRENCY, 0, &o->currency);
	if (why == reasons[K_CURRENCY].bad ||
	    (!why && (o->currency.n != 3 || !all_in(o->currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))))
		why = "bad_currency";
	if (why)
		return why;
	why = required_text(p, K_AVAILABILITY, 0, &o->availability);
	if (why == reasons[K_AVAILABILITY].bad ||
	    (!why && !span_is(o->availability, "in_stock") && !span_is(o->availability, "out_of_stock") &&
	     !span_is(o->availability, "preorder") && !span_is(o->availability, "unknown")))
		why = "bad_availability";
	if (why)
		return why;
	why = required_text(p, K_OBSERVED_AT, 64, &v);
	if (why == reasons[K_OBSERVED_AT].too_long)
		why = "bad_timestamp";
	if (why)
		return why;
	char *ts = scratch_take(p, 32);
	if (normalize_timestamp(v, ts, &o->observed_us) != 0)
		return "bad_timestamp";
	o->observed_at.p = ts;
	o->observed_at.n = strlen(ts);

	m = &p->members[K_PRODUCT_KEY];
	if (m->dup)
		return reasons[K_PRODUCT_KEY].duplicate;
	if (m->type == 's') {
		o->product_key = member_string(p, m);
		if (count_chars(o->product_key) > 200)
			return "too_long_product_key";
		if (o->product_key.n == 0)
			o->product_key.p = NULL;
	} else if (m->type != 0 && m->type != 'z') {
		return "bad_product_key";
	}

	m = &p->members[K_ATTRS];
	if (m->dup)
		return reasons[K_ATTRS].duplicate;
	if (m->type == 'o') {
		if (m->unsafe)
			return "bad_attrs";
		if (m->len > MC_STAGING_MAX_ATTRS)
			return "too_long_attrs";
		o->attrs.p = m->raw;
		o->attrs.n = m->len;
	} else if (m->type == 0 || m->type == 'z') {
		o->attrs.p = "{}";
		o->attrs.n = 2;
	} else {
		return "bad_attrs";
	}
	return NULL;
}

enum mc_staging_kind mc_staging_parse_line(struct mc_staging_parser *p, const char *line,
					   size_t len, struct mc_staging_obs *obs)
{
	const char *why = parse_object_line(p, line, len);

	p->reason = NULL;
	if (!why && p->members[K_RUN].type && !p->members[K_MARKETPLACE].type)
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

/* For header and run record: a required string member, checked against a
 * character set (NULL: any) and a length; sets p->error on failure. */
static int meta_text(struct mc_staging_parser *p, int key, const char *set, size_t max_chars,
		     struct mc_span *out)
{
	const struct mc_staging_member *m = &p->members[key];

	if (m->type != 's') {
		snprintf(p->error, sizeof p->error, "\"%s\" %s", key_names[key],
			 m->type ? "is not a string" : "is missing");
		return -1;
	}
	if (m->dup) {
		snprintf(p->error, sizeof p->error, "\"%s\" appears twice", key_names[key]);
		return -1;
	}
	*out = member_string(p, m);
	if (out->n == 0 || count_chars(*out) > max_chars || (set && !all_in(*out, set)) ||
	    memchr(out->p, '/', out->n)) {
		snprintf(p->error, sizeof p->error, "\"%s\" is empty, too long or has bad characters",
			 key_names[key]);
		return -1;
	}
	return 0;
}

/* A required timestamp member, normalised into `out`, its instant in `usec`. */
static int meta_time(struct mc_staging_parser *p, int key, struct mc_span *out, long long *usec)
{
	struct mc_span v;
	char *ts;

	if (meta_text(p, key, NULL, 64, &v) != 0)
		return -1;
	ts = scratch_take(p, 32);
	if (normalize_timestamp(v, ts, usec) != 0) {
		snprintf(p->error, sizeof p->error, "\"%s\" is not an RFC 3339 timestamp",
			 key_names[key]);
		return -1;
	}
	out->p = ts;
	out->n = strlen(ts);
	return 0;
}

static int meta_object_line(struct mc_staging_parser *p, const char *line, size_t len)
{
	const char *why = len > MC_STAGING_MAX_LINE ? "too_long_line" : parse_object_line(p, line, len);

	if (why) {
		snprintf(p->error, sizeof p->error, "%s", why);
		return -1;
	}
	return 0;
}

#define SPIDER_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"
#define RUN_ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:+-"

int mc_staging_parse_header(struct mc_staging_parser *p, const char *line, size_t len,
			    struct mc_staging_header *h)
{
	const struct mc_staging_member *m;

	if (meta_object_line(p, line, len) != 0)
		return -1;
	m = &p->members[K_FORMAT];
	if (m->type != 's' || m->len != 21 || memcmp(m->raw, "\"marketcrawl-staging\"", 21) != 0) {
		snprintf(p->error, sizeof p->error, "no \"format\":\"marketcrawl-staging\"");
		return -1;
	}
	m = &p->members[K_VERSION];
	if (m->type != 'n' || m->len != 1 || m->raw[0] != '1') {
		snprintf(p->error, sizeof p->error, "unsupported or missing \"version\" (want 1)");
		return -1;
	}
	if (meta_text(p, K_SPIDER, SPIDER_CHARS, 100, &h->spider) != 0 ||
	    meta_text(p, K_RUN_ID, RUN_ID_CHARS, 200, &h->run_id) != 0 ||
	    meta_time(p, K_STARTED_AT, &h->started_at, &h->started_us) != 0)
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
			 key_names[key]);
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
	m = &p->members[K_RUN];
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
	if (meta_text(p, K_SPIDER, SPIDER_CHARS, 100, &r->spider) != 0 ||
	    meta_text(p, K_RUN_ID, RUN_ID_CHARS, 200, &r->run_id) != 0 ||
	    meta_text(p, K_STATUS, NULL, 20, &r->status) != 0 ||
	    meta_time(p, K_STARTED_AT, &r->started_at, &usec) != 0 ||
	    meta_time(p, K_FINISHED_AT, &r->finished_at, &usec) != 0 ||
	    meta_count(p, K_PAGES) != 0 || meta_count(p, K_ITEMS) != 0 ||
	    meta_count(p, K_ERRORS) != 0)
		return -1;
	if (!span_is(r->status, "complete") && !span_is(r->status, "partial") &&
	    !span_is(r->status, "aborted") && !span_is(r->status, "suspect")) {
		snprintf(p->error, sizeof p->error,
			 "\"status\" is not complete, partial, aborted or suspect");
		return -1;
	}
	if (region_field(p, &r->region) != NULL) {
		snprintf(p->error, sizeof p->error, "\"region\" is not [a-z0-9_-]{1,%d}",
			 MC_STAGING_MAX_REGION);
		return -1;
	}
	/* No scope: a file from before scopes existed, when every run was
	 * taken as the whole catalogue. */
	r->scope = (struct mc_span){"full", 4};
	if (p->members[K_SCOPE].type &&
	    (meta_text(p, K_SCOPE, NULL, 10, &r->scope) != 0 ||
	     (!span_is(r->scope, "full") && !span_is(r->scope, "partial")))) {
		snprintf(p->error, sizeof p->error, "\"scope\" is not full or partial");
		return -1;
	}
	m = &p->members[K_STATS];
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
		size_t n = utf8_seq(s, end);
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
