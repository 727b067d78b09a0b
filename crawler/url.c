/*
 * URL parsing for http and https, following the WHATWG URL Standard's basic
 * URL parser restricted to the two special schemes we fetch: backslashes
 * count as slashes, hosts are percent-decoded, mapped to ASCII (IDNA through
 * libidn2 when built with MC_HAVE_IDN2) and lower-cased, IPv4 hosts accept
 * the browser forms (hex, octal, fewer than four parts), IPv6 hosts are
 * compressed, paths, queries, fragments and userinfo are percent-encoded
 * with the Standard's encode sets, and dot segments (including %2e forms)
 * are resolved while parsing.  On top of that, mc_url_normalize gives the
 * one string the crawler uses as a page's identity.
 *
 * It owns no state (every function is pure and thread-safe) and never does
 * I/O.  It must never accept a URL whose scheme is not http or https: the
 * engine relies on that to keep file:, ftp: or javascript: links out.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef MC_HAVE_IDN2
#include <idn2.h>
#endif

#include "base/alloc.h"
#include "base/buf.h"
#include "crawler/url.h"
#include "base/text.h"

/* The cleaned input is at most MC_URL_MAX bytes and encoding at most triples
 * it, so the buffers below are bounded by the input check, not by a cap. */
#define NO_CAP 0

/* Percent-encode sets of the URL Standard, section 1.3. */
enum encode_set { SET_FRAGMENT, SET_SPECIAL_QUERY, SET_PATH, SET_USERINFO };

static bool must_encode(unsigned char c, enum encode_set set)
{
	if (c < 0x20 || c > 0x7e)
		return true;
	switch (set) {
	case SET_FRAGMENT:
		return strchr(" \"<>`", c) != NULL;
	case SET_SPECIAL_QUERY:
		return strchr(" \"#<>'", c) != NULL;
	case SET_PATH:
		return strchr(" \"#<>?^`{}", c) != NULL;
	case SET_USERINFO:
		return strchr(" \"#<>?^`{}/:;=@[\\]|", c) != NULL;
	}
	return true;
}

static void add_encoded(struct mc_buf *b, const char *s, size_t n, enum encode_set set)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (must_encode(c, set)) {
			char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
			mc_buf_add(b, esc, 3);
		} else {
			mc_buf_addc(b, (char)c);
		}
	}
}

/* ---- IPv4 ------------------------------------------------------------- */

/* Values above this are all "too big" to the IPv4 parser; saturating here
 * keeps a 40-digit part from overflowing. */
#define IPV4_SATURATE ((uint64_t)1 << 40)

/* The IPv4 number parser: decimal, 0x hex or 0 octal; "0x" alone is 0. */
static int ipv4_number(const char *s, size_t n, uint64_t *out)
{
	unsigned radix = 10;
	uint64_t v = 0;

	if (n == 0)
		return -1;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		s += 2;
		n -= 2;
	} else if (n >= 2 && s[0] == '0') {
		radix = 8;
		s++;
		n--;
	}
	for (size_t i = 0; i < n; i++) {
		int d = mc_hexval((unsigned char)s[i]);
		if (d < 0 || (unsigned)d >= radix)
			return -1;
		v = v * radix + (unsigned)d;
		if (v > IPV4_SATURATE)
			v = IPV4_SATURATE;
	}
	*out = v;
	return 0;
}

/* The "ends in a number" checker: is the last label numeric? */
static bool ends_in_number(const char *h, size_t n)
{
	uint64_t ignored;
	size_t end = n, start;

	if (n > 0 && h[n - 1] == '.')
		end = n - 1;
	start = end;
	while (start > 0 && h[start - 1] != '.')
		start--;
	if (start == end)
		return false;
	size_t i = start;
	while (i < end && isdigit((unsigned char)h[i]))
		i++;
	if (i == end)
		return true;
	return ipv4_number(h + start, end - start, &ignored) == 0;
}

static int parse_ipv4(const char *h, size_t n, uint32_t *out)
{
	uint64_t nums[4];
	size_t count = 0, start = 0;

	if (n > 0 && h[n - 1] == '.')
		n--;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && h[i] != '.')
			continue;
		if (count == 4)
			return -1;
		if (ipv4_number(h + start, i - start, &nums[count]) < 0)
			return -1;
		count++;
		start = i + 1;
	}
	for (size_t i = 0; i + 1 < count; i++)
		if (nums[i] > 255)
			return -1;
	if (nums[count - 1] >= (uint64_t)1 << (8 * (5 - count)))
		return -1;
	uint64_t v = nums[count - 1];
	for (size_t i = 0; i + 1 < count; i++)
		v += nums[i] << (8 * (3 - i));
	*out = (uint32_t)v;
	return 0;
}

/* ---- IPv6 ------------------------------------------------------------- */

/* The URL Standard's IPv6 parser over s[0..n) (the text inside brackets). */
static int parse_ipv6(const char *s, size_t n, uint16_t piece[8])
{
	int idx = 0, compress = -1;
	size_t p = 0;

	memset(piece, 0, 8 * sizeof piece[0]);
	if (p < n && s[p] == ':') {
		if (p + 1 >= n || s[p + 1] != ':')
			return -1;
		p += 2;
		idx++;
		compress = idx;
	}
	while (p < n) {
		if (idx == 8)
			return -1;
		if (s[p] == ':') {
			if (compress >= 0)
				return -1;
			p++;
			idx++;
			compress = idx;
			continue;
		}
		unsigned value = 0, len = 0;
		while (len < 4 && p < n && mc_hexval((unsigned char)s[p]) >= 0) {
			value = value * 16 + (unsigned)mc_hexval((unsigned char)s[p]);
			p++;
			len++;
		}
		if (p < n && s[p] == '.') {
			int seen = 0;
			if (len == 0 || idx > 6)
				return -1;
			p -= len;
			while (p < n) {
				int v4 = -1;
				if (seen > 0) {
					if (s[p] != '.' || seen >= 4)
						return -1;
					p++;
				}
				if (p >= n || !isdigit((unsigned char)s[p]))
					return -1;
				while (p < n && isdigit((unsigned char)s[p])) {
					int d = s[p] - '0';
					if (v4 < 0)
						v4 = d;
					else if (v4 == 0)
						return -1;
					else
						v4 = v4 * 10 + d;
					if (v4 > 255)
						return -1;
					p++;
				}
				piece[idx] = (uint16_t)(piece[idx] * 0x100 + v4);
				seen++;
				if (seen == 2 || seen == 4)
					idx++;
			}
			if (seen != 4)
				return -1;
			break;
		}
		if (p < n && s[p] == ':') {
			p++;
			if (p >= n)
				return -1;
		} else if (p < n) {
			return -1;
		}
		piece[idx++] = (uint16_t)value;
	}
	if (compress >= 0) {
		int swaps = idx - compress;
		idx = 7;
		while (idx != 0 && swaps > 0) {
			uint16_t t = piece[idx];
			piece[idx] = piece[compress + swaps - 1];
			piece[compress + swaps - 1] = t;
			idx--;
			swaps--;
		}
	} else if (idx != 8) {
		return -1;
	}
	return 0;
}

static char *serialize_ipv6(const uint16_t piece[8])
{
	struct mc_buf b;
	int best = -1, best_len = 1;
	bool ignore0 = false;

	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && piece[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	mc_buf_init(&b, NO_CAP);
	mc_buf_addc(&b, '[');
	for (int i = 0; i < 8; i++) {
		if (ignore0 && piece[i] == 0)
			continue;
		ignore0 = false;
		if (i == best) {
			mc_buf_adds(&b, i == 0 ? "::" : ":");
			ignore0 = true;
			continue;
		}
		mc_buf_printf(&b, "%x", (unsigned)piece[i]);
		if (i != 7)
			mc_buf_addc(&b, ':');
	}
	mc_buf_addc(&b, ']');
	return mc_buf_detach(&b, NULL);
}

/* ---- domains ---------------------------------------------------------- */

static bool forbidden_domain_byte(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || strchr("#%/:<>?@[\\]^|", c) != NULL;
}

/*
 * "Domain to ASCII" with beStrict false.  An ASCII domain is just
 * lower-cased: the Standard allows that shortcut when no label starts with
 * "xn--", and we also take it for Punycode labels, which are passed through
 * unchecked (a bogus one fails later, at DNS; checking it with libidn2
 * would wrongly reject the symbol labels UTS #46 allows).  A non-ASCII
 * domain goes through UTS #46 non-transitional processing (libidn2), or
 * fails when built without it.  Returns a new string or NULL.
 */
static char *domain_to_ascii(const char *d, size_t n)
{
	bool ascii = true;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)d[i] >= 0x80)
			ascii = false;
	if (ascii) {
		char *out = mc_strndup(d, n);
		for (size_t i = 0; i < n; i++)
			out[i] = (char)tolower((unsigned char)out[i]);
		return out;
	}
#ifdef MC_HAVE_IDN2
	char *in = mc_strndup(d, n), *idn = NULL, *out = NULL;
	if (idn2_to_ascii_8z(in, &idn, IDN2_NONTRANSITIONAL) == IDN2_OK && idn[0] != '\0')
		out = mc_strdup(idn);
	idn2_free(idn);
	free(in);
	return out;
#else
	return NULL;
#endif
}

/* The host parser for special schemes; returns the serialised host (new
 * string) or NULL on failure. */
static char *parse_host(const char *s, size_t n)
{
	struct mc_buf dec;
	char *ascii = NULL, *host = NULL;
	uint16_t piece[8];
	uint32_t v4;
	size_t len;

	if (n > 0 && s[0] == '[') {
		if (n < 2 || s[n - 1] != ']' || parse_ipv6(s + 1, n - 2, piece) < 0)
			return NULL;
		return serialize_ipv6(piece);
	}
	mc_buf_init(&dec, NO_CAP);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && mc_hexval((unsigned char)s[i + 1]) >= 0 &&
		    mc_hexval((unsigned char)s[i + 2]) >= 0) {
			mc_buf_addc(&dec, (char)(mc_hexval((unsigned char)s[i + 1]) * 16 +
						 mc_hexval((unsigned char)s[i + 2])));
			i += 2;
		} else {
			mc_buf_addc(&dec, s[i]);
		}
	}
	/* U+0000 is a forbidden domain code point; catch it while the length
	 * still tells it from the end of the string. */
	if (dec.len > 0 && memchr(dec.data, '\0', dec.len) != NULL)
		goto out;
	ascii = domain_to_ascii(dec.data ? dec.data : "", dec.len);
	if (!ascii)
		goto out;
	len = strlen(ascii);
	if (len == 0)
		goto out;
	for (size_t i = 0; i < len; i++)
		if (forbidden_domain_byte((unsigned char)ascii[i]))
			goto out;
	if (ends_in_number(ascii, len)) {
		if (parse_ipv4(ascii, len, &v4) == 0)
			host = mc_asprintf("%u.%u.%u.%u", v4 >> 24, (v4 >> 16) & 255,
					   (v4 >> 8) & 255, v4 & 255);
		goto out;
	}
	host = ascii;
	ascii = NULL;
out:
	free(ascii);
	mc_buf_release(&dec);
	return host;
}

/* ---- the parser -------------------------------------------------------- */

/* Strip leading and trailing C0 controls and spaces, drop every tab and
 * newline: what browsers do to a pasted or attribute URL. */
static char *clean_input(const char *in, size_t *len)
{
	size_t b = 0, e = strlen(in), n = 0;
	char *out;

	while (b < e && (unsigned char)in[b] <= 0x20)
		b++;
	while (e > b && (unsigned char)in[e - 1] <= 0x20)
		e--;
	out = mc_malloc(e - b + 1);
	for (size_t i = b; i < e; i++)
		if (in[i] != '\t' && in[i] != '\n' && in[i] != '\r')
			out[n++] = in[i];
	out[n] = '\0';
	*len = n;
	return out;
}

static bool is_slash(char c)
{
	return c == '/' || c == '\\';
}

static bool ends_component(char c)
{
	return c == '\0' || c == '/' || c == '\\' || c == '?' || c == '#';
}

/* "." and ".." in any mix of literal and %2e spellings. */
static bool is_single_dot(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || (n == 3 && strncasecmp(s, "%2e", 3) == 0);
}

static bool is_double_dot(const char *s, size_t n)
{
	if (n == 2)
		return s[0] == '.' && s[1] == '.';
	if (n == 4)
		return (s[0] == '.' && strncasecmp(s + 1, "%2e", 3) == 0) ||
		       (strncasecmp(s, "%2e", 3) == 0 && s[3] == '.');
	return n == 6 && strncasecmp(s, "%2e%2e", 6) == 0;
}

/* Remove the last path segment ("/a/b" → "/a"). */
static void shorten_path(struct mc_buf *path)
{
	while (path->len > 0 && path->data[path->len - 1] != '/')
		path->len--;
	if (path->len > 0)
		path->len--;
	if (path->data)
		path->data[path->len] = '\0';
}

/* The parser's working state; turned into a struct mc_url at the end. */
struct parse {
	const char *s;       /* cleaned input, NUL-terminated */
	bool https;
	char *userinfo;
	char *host;
	int port;
	struct mc_buf path;
	struct mc_buf query;
	bool has_query;
	struct mc_buf fragment;
	bool has_fragment;
};

/* Query and fragment states, from s[p] ('?', '#' or the end). */
static void parse_query_fragment(struct parse *st, size_t p)
{
	const char *s = st->s;

	if (s[p] == '?') {
		size_t q = ++p;
		while (s[p] != '\0' && s[p] != '#')
			p++;
		st->has_query = true;
		mc_buf_reset(&st->query);
		add_encoded(&st->query, s + q, p - q, SET_SPECIAL_QUERY);
	}
	if (s[p] == '#') {
		p++;
		st->has_fragment = true;
		add_encoded(&st->fragment, s + p, strlen(s + p), SET_FRAGMENT);
	}
}

/* Path state from s[p] on (the path start state has already consumed a
 * leading slash), then query and fragment. */
static void parse_path_query_fragment(struct parse *st, size_t p)
{
	const char *s = st->s;
	size_t seg = p;

	for (;;) {
		char c = s[p];
		if (!ends_component(c)) {
			p++;
			continue;
		}
		size_t n = p - seg;
		if (is_double_dot(s + seg, n)) {
			shorten_path(&st->path);
			if (!is_slash(c))
				mc_buf_addc(&st->path, '/');
		} else if (is_single_dot(s + seg, n)) {
			if (!is_slash(c))
				mc_buf_addc(&st->path, '/');
		} else {
			mc_buf_addc(&st->path, '/');
			add_encoded(&st->path, s + seg, n, SET_PATH);
		}
		if (!is_slash(c))
			break;
		seg = ++p;
	}
	parse_query_fragment(st, p);
}

/* Authority state through the path start state, from s[p] (slashes already
 * skipped).  Returns 0, or -1 when the URL is invalid. */
static int parse_authority(struct parse *st, size_t p)
{
	const char *s = st->s;
	size_t end = p, at = SIZE_MAX, hp, colon = SIZE_MAX;
	bool brackets = false;

	while (!ends_component(s[end])) {
		if (s[end] == '@')
			at = end;
		end++;
	}
	hp = p;
	if (at != SIZE_MAX) {
		struct mc_buf ui;
		const char *sep = memchr(s + p, ':', at - p);
		size_t ulen = sep ? (size_t)(sep - (s + p)) : at - p;

		if (at + 1 == end)
			return -1;
		mc_buf_init(&ui, NO_CAP);
		add_encoded(&ui, s + p, ulen, SET_USERINFO);
		if (sep && at - p - ulen > 1) {
			mc_buf_addc(&ui, ':');
			add_encoded(&ui, sep + 1, at - p - ulen - 1, SET_USERINFO);
		}
		st->userinfo = mc_buf_detach(&ui, NULL);
		hp = at + 1;
	}
	for (size_t i = hp; i < end; i++) {
		if (s[i] == '[')
			brackets = true;
		else if (s[i] == ']')
			brackets = false;
		else if (s[i] == ':' && !brackets) {
			colon = i;
			break;
		}
	}
	size_t hend = colon != SIZE_MAX ? colon : end;
	if (hend == hp)
		return -1;
	st->host = parse_host(s + hp, hend - hp);
	if (!st->host)
		return -1;
	if (colon != SIZE_MAX && colon + 1 < end) {
		long port = 0;
		for (size_t i = colon + 1; i < end; i++) {
			if (!isdigit((unsigned char)s[i]))
				return -1;
			port = port * 10 + (s[i] - '0');
			if (port > 65535)
				return -1;
		}
		st->port = port == (st->https ? 443 : 80) ? -1 : (int)port;
	}
	if (is_slash(s[end]))
		end++;
	parse_path_query_fragment(st, end);
	return 0;
}

/* Relative state: `s` has no scheme of its own or the base's scheme. */
static int parse_relative(struct parse *st, size_t p, const struct mc_url *base)
{
	const char *s = st->s;

	if (is_slash(s[p]) && is_slash(s[p + 1])) {
		p += 2;
		while (is_slash(s[p]))
			p++;
		return parse_authority(st, p);
	}
	st->userinfo = mc_strdup(base->userinfo);
	st->host = mc_strdup(base->host);
	st->port = base->port;
	if (is_slash(s[p])) {
		parse_path_query_fragment(st, p + 1);
		return 0;
	}
	mc_buf_adds(&st->path, base->path);
	if (base->query) {
		st->has_query = true;
		mc_buf_adds(&st->query, base->query);
	}
	if (s[p] == '?' || s[p] == '#' || s[p] == '\0') {
		parse_query_fragment(st, p);
		return 0;
	}
	st->has_query = false;
	mc_buf_reset(&st->query);
	shorten_path(&st->path);
	parse_path_query_fragment(st, p);
	return 0;
}

/* Length of the scheme (before ':') at the start of s, or 0 when none. */
static size_t scheme_length(const char *s)
{
	size_t i = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i : 0;
}

static void parse_release(struct parse *st)
{
	free(st->userinfo);
	free(st->host);
	mc_buf_release(&st->path);
	mc_buf_release(&st->query);
	mc_buf_release(&st->fragment);
}

int mc_url_parse(const char *input, const char *base, struct mc_url *out)
{
	struct mc_url b = {0};
	bool have_base = base && mc_url_parse(base, NULL, &b) == 0;
	int rc = mc_url_parse_with(input, have_base ? &b : NULL, out);

	mc_url_release(&b);
	return rc;
}

int mc_url_parse_with(const char *input, const struct mc_url *base, struct mc_url *out)
{
	struct parse st = {0};
	size_t len, slen;
	char *s = clean_input(input, &len);
	int rc = -1;

	memset(out, 0, sizeof *out);
	mc_buf_init(&st.path, NO_CAP);
	mc_buf_init(&st.query, NO_CAP);
	mc_buf_init(&st.fragment, NO_CAP);
	st.s = s;
	st.port = -1;
	if (len > MC_URL_MAX)
		goto out;
	slen = scheme_length(s);
	if (slen > 0) {
		size_t p = slen + 1;
		if (slen == 4 && strncasecmp(s, "http", 4) == 0)
			st.https = false;
		else if (slen == 5 && strncasecmp(s, "https", 5) == 0)
			st.https = true;
		else
			goto out;
		if (base && st.https == (strcmp(base->scheme, "https") == 0)) {
			rc = parse_relative(&st, p, base);
		} else {
			while (is_slash(s[p]))
				p++;
			rc = parse_authority(&st, p);
		}
	} else if (base) {
		st.https = strcmp(base->scheme, "https") == 0;
		rc = parse_relative(&st, 0, base);
	}
	if (rc < 0)
		goto out;
	out->scheme = mc_strdup(st.https ? "https" : "http");
	out->userinfo = st.userinfo ? st.userinfo : mc_strdup("");
	out->host = st.host;
	out->port = st.port;
	out->path = mc_buf_detach(&st.path, NULL); /* never empty: see the path state */
	out->query = st.has_query ? mc_buf_detach(&st.query, NULL) : NULL;
	out->fragment = st.has_fragment ? mc_buf_detach(&st.fragment, NULL) : NULL;
	st.userinfo = NULL;
	st.host = NULL;
out:
	parse_release(&st);
	free(s);
	return rc;
}

void mc_url_release(struct mc_url *u)
{
	free(u->scheme);
	free(u->userinfo);
	free(u->host);
	free(u->path);
	free(u->query);
	free(u->fragment);
	memset(u, 0, sizeof *u);
	u->port = -1;
}

static void add_authority(struct mc_buf *b, const struct mc_url *u)
{
	mc_buf_adds(b, u->scheme);
	mc_buf_adds(b, "://");
	if (u->userinfo[0] != '\0') {
		mc_buf_adds(b, u->userinfo);
		mc_buf_addc(b, '@');
	}
	mc_buf_adds(b, u->host);
	if (u->port >= 0)
		mc_buf_printf(b, ":%d", u->port);
}

char *mc_url_to_string(const struct mc_url *u)
{
	struct mc_buf b;

	mc_buf_init(&b, NO_CAP);
	add_authority(&b, u);
	mc_buf_adds(&b, u->path);
	if (u->query) {
		mc_buf_addc(&b, '?');
		mc_buf_adds(&b, u->query);
	}
	if (u->fragment) {
		mc_buf_addc(&b, '#');
		mc_buf_adds(&b, u->fragment);
	}
	return mc_buf_detach(&b, NULL);
}

/* Whether appending a hex digit to `b` would complete an escape with a
 * stray '%' already there ("%7" + "0"): then "%30" must stay encoded, or a
 * second normalisation would read "%70" and give another string. */
static bool ends_in_stray_escape(const struct mc_buf *b)
{
	const char *d = b->data;

	return (b->len >= 1 && d[b->len - 1] == '%') ||
	       (b->len >= 2 && d[b->len - 2] == '%' && mc_hexval((unsigned char)d[b->len - 1]) >= 0);
}

/* RFC 3986 percent-encoding normalisation: decode escapes of unreserved
 * characters, upper-case the hex digits of the others.  Idempotent. */
static void add_pct_normalized(struct mc_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; s[i] != '\0'; i++) {
		int hi = s[i] == '%' ? mc_hexval((unsigned char)s[i + 1]) : -1;
		int lo = hi >= 0 ? mc_hexval((unsigned char)s[i + 2]) : -1;
		if (lo < 0) {
			mc_buf_addc(b, s[i]);
			continue;
		}
		unsigned char c = (unsigned char)(hi * 16 + lo);
		bool unreserved = isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
		if (unreserved && !(mc_hexval(c) >= 0 && ends_in_stray_escape(b))) {
			mc_buf_addc(b, (char)c);
		} else {
			char esc[3] = {'%', hex[hi], hex[lo]};
			mc_buf_add(b, esc, 3);
		}
		i += 2;
	}
}

char *mc_url_normalize(const char *href, const char *base)
{
	struct mc_url b = {0};
	bool have_base = base && mc_url_parse(base, NULL, &b) == 0;
	char *url = mc_url_normalize_with(href, have_base ? &b : NULL);

	mc_url_release(&b);
	return url;
}

char *mc_url_normalize_with(const char *href, const struct mc_url *base)
{
	struct mc_url u;
	struct mc_buf b;

	if (mc_url_parse_with(href, base, &u) < 0)
		return NULL;
	mc_buf_init(&b, NO_CAP);
	mc_buf_adds(&b, u.scheme);
	mc_buf_adds(&b, "://");
	if (u.userinfo[0] != '\0') {
		add_pct_normalized(&b, u.userinfo);
		mc_buf_addc(&b, '@');
	}
	mc_buf_adds(&b, u.host);
	if (u.port >= 0)
		mc_buf_printf(&b, ":%d", u.port);
	add_pct_normalized(&b, u.path);
	if (u.query && u.query[0] != '\0') {
		mc_buf_addc(&b, '?');
		add_pct_normalized(&b, u.query);
	}
	mc_url_release(&u);
	return mc_buf_detach(&b, NULL);
}

char *mc_url_origin(const char *url)
{
	struct mc_url u;
	struct mc_buf b;

	if (mc_url_parse(url, NULL, &u) < 0)
		return NULL;
	mc_buf_init(&b, NO_CAP);
	mc_buf_adds(&b, u.scheme);
	mc_buf_adds(&b, "://");
	mc_buf_adds(&b, u.host);
	if (u.port >= 0)
		mc_buf_printf(&b, ":%d", u.port);
	mc_url_release(&u);
	return mc_buf_detach(&b, NULL);
}

size_t mc_url_origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

bool mc_url_host(const char *url, char *out, size_t outsz)
{
	size_t olen = mc_url_origin_len(url);
	const char *a, *end, *at, *colon;

	if (olen == 0)
		return false;
	a = strstr(url, "://") + 3;
	end = url + olen;
	at = memchr(a, '@', (size_t)(end - a));
	if (at)
		a = at + 1;
	if (*a == '[') {
		colon = memchr(a, ']', (size_t)(end - a));
		end = colon ? colon + 1 : end;
	} else {
		colon = memchr(a, ':', (size_t)(end - a));
		if (colon)
			end = colon;
	}
	if ((size_t)(end - a) >= outsz)
		return false;
	memcpy(out, a, (size_t)(end - a));
	out[end - a] = '\0';
	return true;
}

bool mc_host_in_domain(const char *host, const char *domain)
{
	size_t hl, dl;

	while (*domain == '.')
		domain++;
	hl = strlen(host);
	dl = strlen(domain);
	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (dl > 0 && domain[dl - 1] == '.')
		dl--;
	if (dl == 0 || hl < dl || strncasecmp(host + hl - dl, domain, dl) != 0)
		return false;
	return hl == dl || host[hl - dl - 1] == '.';
}
