/*
 * Tests for crawler/url.c: the WHATWG URL conformance cases that concern
 * http and https (tests/conformance/urltestdata.json, counted, with a floor
 * so a regression fails), then the joins and normalisations a crawler meets
 * on real pages.  MC_URL_VERBOSE=1 prints every failing conformance case.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "base/alloc.h"
#include "crawler/url.h"
#include "testlib.h"

/*
 * The pass count this implementation reaches; CHECKed as a floor so a
 * regression fails.  Raise it when a fix makes more cases pass.
 */
#ifdef MC_HAVE_IDN2
#define CONFORMANCE_FLOOR 437
#else
#define CONFORMANCE_FLOOR 413
#endif

static bool starts_with_http(const char *s)
{
	while (*s != '\0' && (unsigned char)*s <= 0x20)
		s++;
	return strncasecmp(s, "http:", 5) == 0 || strncasecmp(s, "https:", 6) == 0;
}

/* Whether `s` begins with a scheme ("x:" with x = ALPHA *(ALNUM / + - .)). */
static bool has_scheme(const char *s)
{
	size_t i = 0;

	while (s[i] != '\0' && (unsigned char)s[i] <= 0x20)
		i++;
	if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		return false;
	i += strspn(s + i, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	return s[i] == ':';
}

#ifndef MC_HAVE_IDN2
/*
 * Without libidn2 a host that is not plain ASCII cannot be mapped, so such
 * cases are "not applicable".  The host region is
 * what follows the scheme and slashes up to the path, after the last '@'.
 */
static bool needs_idna(const char *input)
{
	const char *s = input, *host, *end;

	while (*s != '\0' && (unsigned char)*s <= 0x20)
		s++;
	if (strncasecmp(s, "https:", 6) == 0)
		s += 6;
	else if (strncasecmp(s, "http:", 5) == 0)
		s += 5;
	else if (!((s[0] == '/' || s[0] == '\\') && (s[1] == '/' || s[1] == '\\')))
		return false;
	while (*s == '/' || *s == '\\')
		s++;
	end = s + strcspn(s, "/\\?#");
	host = s;
	for (const char *p = s; p < end; p++)
		if (*p == '@')
			host = p + 1;
	for (const char *p = host; p < end; p++) {
		if ((unsigned char)*p >= 0x80)
			return true;
		if (p[0] == '%' && p + 2 < end && strchr("89abcdefABCDEF", p[1]) != NULL)
			return true;
	}
	return false;
}
#endif

static void conformance(void)
{
	json_error_t err;
	json_t *root = json_load_file("tests/conformance/urltestdata.json", JSON_ALLOW_NUL, &err);
	size_t i, total = 0, pass = 0, na = 0;
	json_t *t;
	bool verbose = getenv("MC_URL_VERBOSE") != NULL;

	CHECK(root != NULL && json_is_array(root), "urltestdata.json loads (%s)",
	      root ? "ok" : err.text);
	if (!root)
		return;
	json_array_foreach(root, i, t) {
		const char *input = json_string_value(json_object_get(t, "input"));
		const char *base = json_string_value(json_object_get(t, "base"));
		const char *href = json_string_value(json_object_get(t, "href"));
		bool failure = json_is_true(json_object_get(t, "failure"));
		struct mc_url u;
		char *got = NULL;
		bool ok;

		if (!json_is_object(t) || !input)
			continue;
		/* An expected failure counts when the input is meant to be http(s):
		 * it says so, or it is relative to an http(s) base. */
		if (failure) {
			if (has_scheme(input) ? !starts_with_http(input)
					      : !(base && starts_with_http(base)))
				continue;
		} else if (!href || !starts_with_http(href)) {
			continue;
		}
		total++;
		/* The API takes C strings: an input with a NUL cannot be said. */
		if (strlen(input) != json_string_length(json_object_get(t, "input"))) {
			na++;
			continue;
		}
#ifndef MC_HAVE_IDN2
		if (needs_idna(input)) {
			na++;
			continue;
		}
#endif
		if (mc_url_parse(input, base, &u) == 0) {
			got = mc_url_to_string(&u);
			mc_url_release(&u);
		}
		ok = failure ? got == NULL : got != NULL && strcmp(got, href) == 0;
		if (ok)
			pass++;
		else if (verbose)
			printf("# FAIL input=<%s> base=<%s> got=<%s> want=<%s>\n", input,
			       base ? base : "(null)", got ? got : "(failure)",
			       failure ? "(failure)" : href);
		free(got);
	}
	json_decref(root);
	NOTE("conformance: WHATWG URL http(s) cases %zu/%zu pass (%zu not applicable)",
	     pass, total - na, na);
	CHECK(pass >= CONFORMANCE_FLOOR, "WHATWG URL conformance: %zu pass, floor %d", pass,
	      CONFORMANCE_FLOOR);
}

/* Joins and normalisations as a crawler meets them: (href, base, want). */
static const struct {
	const char *href, *base, *want;
} norm_cases[] = {
	{"HTTP://Example.COM:80/a/./b/../c?x=1#frag", NULL, "http://example.com/a/c?x=1"},
	{"../img/p.png", "https://shop.example/cat/sub/page.html",
	 "https://shop.example/cat/img/p.png"},
	{"?page=2", "https://shop.example/list?page=1", "https://shop.example/list?page=2"},
	{"//cdn.example/x.js", "https://shop.example/", "https://cdn.example/x.js"},
	{"#reviews", "https://shop.example/p/1?ref=a#top", "https://shop.example/p/1?ref=a"},
	{"", "https://shop.example/p/1#top", "https://shop.example/p/1"},
	{"p2.html", "https://shop.example/dir/", "https://shop.example/dir/p2.html"},
	{"/", "https://shop.example/a/b", "https://shop.example/"},
	{"../../../../x", "https://shop.example/a/b", "https://shop.example/x"},
	{"https://shop.example/%7euser/%e2%82%ac?q=%41%2f%3a", NULL,
	 "https://shop.example/~user/%E2%82%AC?q=A%2F%3A"},
	{"https://shop.example/a/~", NULL, "https://shop.example/a/~"},
	{"https://shop.example/a/%7E", NULL, "https://shop.example/a/~"},
	{"/search?q=red shoes&c=\"x\"", "https://shop.example/",
	 "https://shop.example/search?q=red%20shoes&c=%22x%22"},
	{"/a b/<c>", "https://shop.example/", "https://shop.example/a%20b/%3Cc%3E"},
	{"https://shop.example/caf\xc3\xa9?q=\xe2\x82\xac", NULL,
	 "https://shop.example/caf%C3%A9?q=%E2%82%AC"},
	{"https://shop.example/a%2Fb/%2e%2E/c", NULL, "https://shop.example/c"},
	{"https://shop.example:443/", NULL, "https://shop.example/"},
	{"https://shop.example:8443/", NULL, "https://shop.example:8443/"},
	{"http://shop.example:0080/", NULL, "http://shop.example/"},
	{"https://shop.example/p?", NULL, "https://shop.example/p"},
	{"https://shop.example/p?b=2&a=1", NULL, "https://shop.example/p?b=2&a=1"},
	{"\\\\img.example\\a\\b.png", "https://shop.example/", "https://img.example/a/b.png"},
	{"  https://shop.ex\nample/pa\tge \r\n", NULL, "https://shop.example/page"},
	{"http://[2001:DB8:0:0:0:0:0:1]:8080/", NULL, "http://[2001:db8::1]:8080/"},
	{"http://0x7f.1/", NULL, "http://127.0.0.1/"},
	{"http://3232235521/", NULL, "http://192.168.0.1/"},
	{"http://user:@shop.example/", NULL, "http://user@shop.example/"},
	{"http://%73hop.example/", NULL, "http://shop.example/"},
	{"https:shop.example/x", NULL, "https://shop.example/x"},
	{"http:x", "http://shop.example/a/b", "http://shop.example/a/x"},
	{"https:x", "http://shop.example/a/b", "https://x/"},
	{"https://shop.example/%7Ex%2d%2E%5f", NULL, "https://shop.example/~x-._"},
	/* A stray '%' before an escaped hex digit: decoding it would make a new
	 * escape ("%7" + "0"), so it stays, and normalising twice is stable. */
	{"https://shop.example/%7%30?%%41&%a%62", NULL, "https://shop.example/%7%30?%%41&%a%62"},
	{"https://shop.example/%%30%30", NULL, "https://shop.example/%%300"},
};

static const struct {
	const char *href, *base;
} invalid_cases[] = {
	{"javascript:void(0)", "https://shop.example/"},
	{"mailto:sales@shop.example", "https://shop.example/"},
	{"ftp://shop.example/f", NULL},
	{"file:///etc/passwd", "https://shop.example/"},
	{"data:text/html,hi", NULL},
	{"tel:+441234", "https://shop.example/"},
	{"/relative/without/base", NULL},
	{"relative", "not a url"},
	{"http://exa mple.com/", NULL},
	{"http://shop.example:99999/", NULL},
	{"http://shop.example:12a/", NULL},
	{"http://", NULL},
	{"https:///", NULL},
	{"http://user@/", NULL},
	{"http://a<b/", NULL},
	{"http://[::1/", NULL},
	{"http://[1:2:3:4:5:6:7:8:9]/", NULL},
	{"http://1.2.3.256/", NULL},
	{"http://1.2.3.4.5/", NULL},
	{"http://0x100000000/", NULL},
	{"http://%zz/", NULL},
	{"http://a%00b/", NULL},
	{"http://a%2Fb/", NULL},
};

/* `s` with control characters shown as \xNN, so a check stays one line. */
static const char *printable(const char *s)
{
	static char out[256];
	size_t n = 0;

	for (; *s != '\0' && n + 5 < sizeof out; s++) {
		if ((unsigned char)*s < 0x20)
			n += (size_t)snprintf(out + n, sizeof out - n, "\\x%02x", (unsigned char)*s);
		else
			out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

static void normalize_cases(void)
{
	for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++) {
		char *got = mc_url_normalize(norm_cases[i].href, norm_cases[i].base);
		CHECK_STR(got, norm_cases[i].want, "normalize <%s> against <%s>",
			  printable(norm_cases[i].href),
			  norm_cases[i].base ? norm_cases[i].base : "(none)");
		char *again = got ? mc_url_normalize(got, NULL) : NULL;
		CHECK_STR(again, got, "normalizing <%s> again changes nothing", got ? got : "");
		free(again);
		free(got);
	}
	for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++) {
		char *got = mc_url_normalize(invalid_cases[i].href, invalid_cases[i].base);
		CHECK_STR(got, NULL, "normalize rejects <%s>", invalid_cases[i].href);
		free(got);
	}
}

/* One href against a base parsed once gives what the string base gives,
 * and the parsed base is only read. */
static void check_with(const char *href, const char *base, int *wrong)
{
	struct mc_url b, u1, u2;
	bool have_base = base && mc_url_parse(base, NULL, &b) == 0;
	char *before = have_base ? mc_url_to_string(&b) : NULL;
	char *want = mc_url_normalize(href, base);
	char *got = mc_url_normalize_with(href, have_base ? &b : NULL);
	int rc1 = mc_url_parse(href, base, &u1);
	int rc2 = mc_url_parse_with(href, have_base ? &b : NULL, &u2);
	char *s1 = rc1 == 0 ? mc_url_to_string(&u1) : NULL;
	char *s2 = rc2 == 0 ? mc_url_to_string(&u2) : NULL;
	char *after = have_base ? mc_url_to_string(&b) : NULL;
	bool ok = rc1 == rc2 && ((!want && !got) || (want && got && strcmp(want, got) == 0)) &&
		  ((!s1 && !s2) || (s1 && s2 && strcmp(s1, s2) == 0)) &&
		  ((!before && !after) || (before && after && strcmp(before, after) == 0));

	if (!ok) {
		printf("# <%s> against <%s>: normalize %s / %s, parse %s / %s\n", printable(href),
		       base ? base : "(none)", want ? want : "(null)", got ? got : "(null)",
		       s1 ? s1 : "(null)", s2 ? s2 : "(null)");
		(*wrong)++;
	}
	if (have_base)
		mc_url_release(&b);
	mc_url_release(&u1);
	mc_url_release(&u2);
	free(before);
	free(after);
	free(want);
	free(got);
	free(s1);
	free(s2);
}

static void parsed_base(void)
{
	int wrong = 0, n = 0;

	for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++, n++)
		check_with(norm_cases[i].href, norm_cases[i].base, &wrong);
	for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++, n++)
		check_with(invalid_cases[i].href, invalid_cases[i].base, &wrong);
	/* Every href of the table against every base of it, as a page's links. */
	for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++)
		for (size_t j = 0; j < sizeof norm_cases / sizeof norm_cases[0]; j++, n++)
			check_with(norm_cases[i].href, norm_cases[j].base, &wrong);
	CHECK(wrong == 0 && n > 100, "a parsed base joins as its string does (%d pairs, %d wrong)", n,
	      wrong);
}

static void parse_fields(void)
{
	struct mc_url u;
	char *s;

	CHECK_INT(mc_url_parse("HTTPS://u%41:p:w@Host.Example:8443/a/%2e/b?q=1#f r", NULL, &u), 0,
		  "parse a URL with every component");
	CHECK_STR(u.scheme, "https", "scheme lower case");
	CHECK_STR(u.userinfo, "u%41:p%3Aw", "userinfo: first ':' splits, later ones escaped");
	CHECK_STR(u.host, "host.example", "host lower case");
	CHECK_INT(u.port, 8443, "non-default port kept");
	CHECK_STR(u.path, "/a/b", "%%2e segment removed");
	CHECK_STR(u.query, "q=1", "query without '?'");
	CHECK_STR(u.fragment, "f%20r", "fragment escaped, without '#'");
	s = mc_url_to_string(&u);
	CHECK_STR(s, "https://u%41:p%3Aw@host.example:8443/a/b?q=1#f%20r", "to_string keeps fragment");
	free(s);
	mc_url_release(&u);
	mc_url_release(&u);
	CHECK(u.scheme == NULL && u.port == -1, "release leaves the struct empty");

	CHECK_INT(mc_url_parse("http://h.example/p", NULL, &u), 0, "parse without query");
	CHECK(u.query == NULL && u.fragment == NULL && u.port == -1 && u.userinfo[0] == '\0',
	      "absent query/fragment are NULL, default port -1, userinfo empty");
	mc_url_release(&u);
	CHECK_INT(mc_url_parse("http://h.example/p?#", NULL, &u), 0, "parse bare ? and #");
	CHECK(u.query && u.query[0] == '\0' && u.fragment && u.fragment[0] == '\0',
	      "bare '?' and '#' give empty, not NULL");
	mc_url_release(&u);
	CHECK_INT(mc_url_parse("ftp://h.example/", NULL, &u), -1, "ftp is rejected");
	CHECK(u.scheme == NULL && u.host == NULL, "failed parse leaves nothing to free");
}

static void idna(void)
{
	char *got = mc_url_normalize("http://Caf\xc3\xa9.example/", NULL);

#ifdef MC_HAVE_IDN2
	CHECK_STR(got, "http://xn--caf-dma.example/", "non-ASCII host mapped to Punycode");
#else
	CHECK_STR(got, NULL, "non-ASCII host rejected without libidn2");
#endif
	free(got);
	got = mc_url_normalize("http://XN--CAF-DMA.example/", NULL);
	CHECK_STR(got, "http://xn--caf-dma.example/", "Punycode host lower-cased");
	free(got);
}

static void long_url(void)
{
	size_t n = MC_URL_MAX + 1;
	char *href = mc_malloc(n + 1);
	char *got;

	memset(href, 'a', n);
	memcpy(href, "http://h/", 9);
	href[n] = '\0';
	got = mc_url_normalize(href, NULL);
	CHECK_STR(got, NULL, "URL longer than MC_URL_MAX rejected");
	free(got);
	href[n - 1] = '\0';
	got = mc_url_normalize(href, NULL);
	CHECK(got != NULL && strlen(got) == MC_URL_MAX, "URL of exactly MC_URL_MAX accepted");
	free(got);
	free(href);
}

static void origin_and_domain(void)
{
	char *o = mc_url_origin("https://Shop.Example:443/a?b#c");

	CHECK_STR(o, "https://shop.example", "origin drops default port and path");
	free(o);
	o = mc_url_origin("http://u:p@h.example:8080/x");
	CHECK_STR(o, "http://h.example:8080", "origin keeps port, drops userinfo");
	free(o);
	o = mc_url_origin("garbage");
	CHECK_STR(o, NULL, "origin of a non-URL is NULL");
	free(o);

	CHECK(mc_host_in_domain("store.steampowered.com", "steampowered.com"), "subdomain in domain");
	CHECK(mc_host_in_domain("steampowered.com", "steampowered.com"), "domain in itself");
	CHECK(mc_host_in_domain("STORE.Example.COM", "example.com"), "case-insensitive");
	CHECK(mc_host_in_domain("www.example.com", ".example.com"), "leading dot ignored");
	CHECK(mc_host_in_domain("www.example.com.", "example.com"), "trailing dot ignored");
	CHECK(!mc_host_in_domain("evilsteampowered.com", "steampowered.com"), "suffix is not a subdomain");
	CHECK(!mc_host_in_domain("example.com", "www.example.com"), "parent not in subdomain");
	CHECK(!mc_host_in_domain("example.com", ""), "empty domain matches nothing");
	CHECK(!mc_host_in_domain("example.com.evil", "example.com"), "domain as prefix does not match");
}

/* `url`'s origin is its first `origin` bytes and its host `host`. */
static void check_in_place(const char *url, const char *origin, const char *host)
{
	char got[16];

	CHECK(mc_url_origin_len(url) == strlen(origin), "origin of %s", url);
	CHECK(mc_url_host(url, got, sizeof got), "host of %s", url);
	CHECK_STR(got, host, "host of %s", url);
}

/* The engine's per-request host parsing of normalised URLs, without a copy. */
static void origin_len_and_host(void)
{
	char host[16];

	check_in_place("https://shop.example/a?b", "https://shop.example", "shop.example");
	check_in_place("http://h.example:8080", "http://h.example:8080", "h.example");
	check_in_place("http://u:p@h.example:8080/x", "http://u:p@h.example:8080", "h.example");
	check_in_place("http://[::1]:8080/x", "http://[::1]:8080", "[::1]");
	check_in_place("https://h.example?q", "https://h.example", "h.example");
	check_in_place("https://h.example#f", "https://h.example", "h.example");
	CHECK(mc_url_origin_len("garbage") == 0, "no origin without ://");
	CHECK(!mc_url_host("garbage", host, sizeof host), "no host without ://");
	CHECK(!mc_url_host("https://a-very-long-host.example/", host, sizeof host),
	      "a host that does not fit is refused");
	CHECK(mc_url_host("https://fifteen-chars.e/", host, sizeof host), "a host of outsz - 1 fits");
}

int main(void)
{
	conformance();
	normalize_cases();
	parsed_base();
	parse_fields();
	idna();
	long_url();
	origin_and_domain();
	origin_len_and_host();
	return tl_exit_status();
}
