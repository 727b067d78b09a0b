/*
 * Tests for crawler/robots.c.  First every assertion of Google's
 * robotstxt test-suite (tests/conformance/robots.jsonl, 145 cases) and the
 * auxiliary vectors of the same file (robots_aux.jsonl), with a small
 * table of deliberate deviations (each also in docs/robots.md); then the
 * real-world files in tests/fixtures/robots, with answers worked out by
 * reading those files; then the edge cases of the parser itself.
 * Run from the repository root (tests/run.sh does).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/robots.h"
#include "testlib.h"

/*
 * Cases of robots.jsonl where we answer differently from Google on
 * purpose, because Google's expectation contradicts RFC 9309.  For these
 * the test asserts our (opposite) answer, so any change is noticed.
 */
static const struct {
	const char *name;
	const char *reason;
} deviations[] = {
	{ "ID_Encoding/3", "RFC 9309 2.2.2: non-ASCII octets of the URI are percent-encoded "
			   "before comparison, so the raw UTF-8 URL matches Allow: /foo/bar/ツ" },
	{ "ID_Encoding/5", "RFC 9309 2.2.2: the raw UTF-8 URL is percent-encoded and matches "
			   "Allow: /foo/bar/%E3%83%84" },
	{ "ID_Encoding/6", "RFC 9309 2.2.2 and its example table: %62%61%7A are unreserved "
			   "octets, decoded before comparison, so the rule matches /foo/bar/baz" },
	{ "GoogleOnly_IndexHTMLisDirectory/1",
	  "Google adds an implicit Allow: /dir/$ for Allow: /dir/index.html; RFC 9309's "
	  "longest match leaves /allowed-slash/ to Disallow: /" },
};
#define N_DEVIATIONS (sizeof deviations / sizeof deviations[0])

static const char *deviation_reason(const char *name)
{
	for (size_t i = 0; i < N_DEVIATIONS; i++)
		if (strcmp(deviations[i].name, name) == 0)
			return deviations[i].reason;
	return NULL;
}

static bool allowed_in(const char *body, size_t len, const char *agent, const char *url)
{
	struct mc_robots *r = mc_robots_parse(body, len, agent);
	bool ok = mc_robots_allowed(r, url);

	mc_robots_free(r);
	return ok;
}

static bool allowed_str(const char *body, const char *agent, const char *url)
{
	return allowed_in(body, strlen(body), agent, url);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long size;

	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		size = ftell(f);
		if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) {
			data = malloc((size_t)size + 1);
			*len = fread(data, 1, (size_t)size, f);
			data[*len] = '\0';
		}
	}
	fclose(f);
	return data;
}

/* Calls `fn` for each JSON object of a JSON Lines file; returns the count. */
static int each_json_line(const char *path, void (*fn)(json_t *, void *), void *ctx)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int count = 0;

	CHECK(f != NULL, "open %s", path);
	if (!f)
		return 0;
	for (;;) {
		json_error_t err;
		json_t *o;
		ssize_t n = getline(&line, &cap, f);

		if (n < 0)
			break;
		o = json_loads(line, JSON_ALLOW_NUL, &err);
		if (!o) {
			CHECK(0, "%s: line %d is JSON (%s)", path, count + 1, err.text);
			continue;
		}
		fn(o, ctx);
		json_decref(o);
		count++;
	}
	free(line);
	fclose(f);
	return count;
}

struct counts {
	int rfc_pass, rfc_total, google_pass, google_total, aux_pass, aux_total;
	int deviations_seen;
};

static void conformance_case(json_t *o, void *ctx)
{
	struct counts *c = ctx;
	const char *name = json_string_value(json_object_get(o, "name"));
	json_t *body = json_object_get(o, "robots_txt");
	const char *agent = json_string_value(json_object_get(o, "user_agent"));
	const char *url = json_string_value(json_object_get(o, "url"));
	bool want = json_is_true(json_object_get(o, "allowed"));
	bool google = strncmp(name, "GoogleOnly_", 11) == 0;
	const char *reason = deviation_reason(name);
	bool got = allowed_in(json_string_value(body), json_string_length(body), agent, url);

	if (google) {
		c->google_total++;
		c->google_pass += got == want;
	} else {
		c->rfc_total++;
		c->rfc_pass += got == want;
	}
	if (reason) {
		c->deviations_seen++;
		CHECK(got != want, "%s: deliberate deviation (%s)", name, reason);
	} else {
		CHECK(got == want, "%s: %.60s is %s for \"%s\"", name, url,
		      want ? "allowed" : "disallowed", agent);
	}
}

static size_t hex_decode(const char *hex, char *out)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2) {
		char pair[3] = { hex[0], hex[1], '\0' };

		out[n++] = (char)strtoul(pair, NULL, 16);
	}
	return n;
}

static void aux_case(json_t *o, void *ctx)
{
	struct counts *c = ctx;
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *name = json_string_value(json_object_get(o, "name"));
	int line = (int)json_integer_value(json_object_get(o, "line"));
	bool ok = false;

	if (strcmp(kind, "is_valid_user_agent_to_obey") == 0) {
		const char *ua = json_string_value(json_object_get(o, "user_agent"));
		bool want = json_is_true(json_object_get(o, "expected"));

		ok = mc_robots_valid_agent(ua) == want;
		CHECK(ok, "aux %s (line %d): valid_agent(\"%s\") is %d", name, line, ua ? ua : "(null)",
		      want);
	} else if (strcmp(kind, "parse_stats") == 0) {
		const char *hex = json_string_value(json_object_get(o, "robots_txt_hex"));
		json_t *exp = json_object_get(o, "expected");
		json_t *v;
		char *body = malloc(strlen(hex) / 2 + 1);
		size_t len = hex_decode(hex, body);
		struct mc_robots *r = mc_robots_parse(body, len, "foo");
		struct mc_robots_stats st;
		const char *const *maps = mc_robots_sitemaps(r);

		mc_robots_stats(r, &st);
		ok = true;
		v = json_object_get(exp, "valid_directives");
		if (v)
			ok = ok && st.directives == (size_t)json_integer_value(v);
		v = json_object_get(exp, "unknown_directives");
		if (v)
			ok = ok && st.unknown == (size_t)json_integer_value(v);
		v = json_object_get(exp, "last_line_seen");
		if (v)
			ok = ok && st.lines == (size_t)json_integer_value(v);
		v = json_object_get(exp, "sitemap");
		if (v)
			ok = ok && maps[0] && !maps[1] && strcmp(maps[0], json_string_value(v)) == 0;
		CHECK(ok, "aux %s (line %d): %zu directives, %zu unknown, %zu lines", name, line,
		      st.directives, st.unknown, st.lines);
		mc_robots_free(r);
		free(body);
	} else if (strcmp(kind, "get_path_params_query") == 0) {
		/* The extracted path is exactly `expected` iff an anchored Allow
		 * of it beats Disallow: / for the input. */
		const char *in = json_string_value(json_object_get(o, "input"));
		const char *want = json_string_value(json_object_get(o, "expected"));
		char *body = NULL;
		size_t blen = 0;
		FILE *m = open_memstream(&body, &blen);

		fprintf(m, "user-agent: *\ndisallow: /\nallow: %s$\n", want);
		fclose(m);
		ok = allowed_str(body, "x", in);
		CHECK(ok, "aux %s (line %d): path of \"%s\" is \"%s\"", name, line, in, want);
		free(body);
	} else if (strcmp(kind, "maybe_escape_pattern") == 0) {
		/* The pattern "/<input>$" matches exactly the path "/<expected>". */
		const char *in = json_string_value(json_object_get(o, "input"));
		const char *want = json_string_value(json_object_get(o, "expected"));
		char *body = NULL, *url = NULL;
		size_t blen = 0, ulen = 0;
		FILE *m = open_memstream(&body, &blen);
		FILE *u = open_memstream(&url, &ulen);

		fprintf(m, "user-agent: *\ndisallow: /\nallow: /%s$\n", in);
		fprintf(u, "http://h/%s", want);
		fclose(m);
		fclose(u);
		ok = allowed_str(body, "x", url);
		CHECK(ok, "aux %s (line %d): pattern \"%s\" is \"%s\"", name, line, in, want);
		free(body);
		free(url);
	} else {
		CHECK(0, "aux: unknown kind %s", kind);
	}
	c->aux_total++;
	c->aux_pass += ok;
}

static void test_conformance(void)
{
	struct counts c = { 0 };
	int n = each_json_line("tests/conformance/robots.jsonl", conformance_case, &c);

	CHECK_INT(n, 145, "robots.jsonl holds 145 assertions");
	CHECK_INT(c.rfc_total, 72, "72 RFC (ID_*) assertions");
	CHECK_INT(c.google_total, 73, "73 GoogleOnly assertions");
	CHECK_INT(c.deviations_seen, (int)N_DEVIATIONS, "every listed deviation is a real case");
	n = each_json_line("tests/conformance/robots_aux.jsonl", aux_case, &c);
	CHECK_INT(n, 46, "robots_aux.jsonl holds 46 vectors");
	NOTE("conformance: robots.txt RFC cases %d/%d pass, GoogleOnly %d/%d pass, aux %d/%d pass "
	     "(%zu deliberate deviations, see docs/robots.md)",
	     c.rfc_pass, c.rfc_total, c.google_pass, c.google_total, c.aux_pass, c.aux_total,
	     N_DEVIATIONS);
}

/* Expected answers for the real files, worked out by reading them. */
static const struct {
	const char *file, *agent, *url;
	bool allowed;
} real_cases[] = {
	/* steampowered: `?*` patterns; the Host: line before the group is junk. */
	{ "steampowered.com", "marketcrawl", "/account/emailoptout/?token=abc", false },
	{ "steampowered.com", "marketcrawl", "/account/emailoptout/?l=en&token=abc", false },
	{ "steampowered.com", "marketcrawl", "/account/emailoptout/", true },
	{ "steampowered.com", "marketcrawl", "/account/emailoptout/?l=en", true },
	{ "steampowered.com", "marketcrawl", "/login/?redir=x&guestpasskey=abc", false },
	{ "steampowered.com", "marketcrawl", "/login/", true },
	{ "steampowered.com", "marketcrawl", "/join/?redir=store", false },
	{ "steampowered.com", "marketcrawl", "https://store.steampowered.com/app/730/", true },
	{ "steampowered.com", "marketcrawl", "https://store.steampowered.com/email/x", false },
	{ "steampowered.com", "marketcrawl", "/widget/123/", false },
	{ "steamcommunity.com", "marketcrawl", "/tradeoffer/new/", false },
	{ "steamcommunity.com", "marketcrawl", "/market/listings/730", true },
	/* playstation: patterns that start with `*`, repeated `*` groups. */
	{ "playstation.com", "marketcrawl", "/en-us/explore/testing/", false },
	{ "playstation.com", "marketcrawl", "/en-us/explore/", true },
	{ "playstation.com", "marketcrawl", "/en-us/?category=ps5", false },
	{ "playstation.com", "marketcrawl", "/en-us/search/?q=gta", false },
	{ "playstation.com", "marketcrawl", "/en-us/search/", true },
	{ "playstation.com", "marketcrawl", "/en-us/community/community-score/x", false },
	{ "playstation.com", "marketcrawl", "/sitemap_gpdc.xml", false },
	{ "playstation.com", "marketcrawl", "/en-us/games/", true },
	{ "playstation.com", "bingbot", "/sitemap_gpdc.xml", true },
	{ "playstation.com", "bingbot", "/en-us/explore/testing/", true },
	{ "playstation.com", "algolia", "/en-us/sitemap_gpdc.xml", true },
	{ "playstation.com", "GPTBot", "/en-us/games/", false },
	{ "playstation.com", "GPTBot", "/robots.txt", true },
	/* amazon: the CCBot group, allow-beats-shorter-disallow, `$`. */
	{ "amazon.com", "CCBot", "/", false },
	{ "amazon.com", "ccbot", "/dp/B0BSHF7WHW", false },
	{ "amazon.com", "CCBot", "https://www.amazon.com/robots.txt", true },
	{ "amazon.com", "GPTBot", "/dp/B0BSHF7WHW", false },
	{ "amazon.com", "marketcrawl", "/dp/B0BSHF7WHW", true },
	{ "amazon.com", "marketcrawl", "/gp/cart", false },
	{ "amazon.com", "marketcrawl", "/gp/cart/view.html?ref_=nav_cart", false },
	{ "amazon.com", "marketcrawl", "/wishlist/universal/abc", true },
	{ "amazon.com", "marketcrawl", "/wishlist/abc", false },
	{ "amazon.com", "marketcrawl", "/-/en", true },
	{ "amazon.com", "marketcrawl", "/-/en/", false },
	{ "amazon.com", "marketcrawl", "/-/es/gp/cart", true },
	{ "amazon.com", "marketcrawl", "/b?ie=UTF8&node=7454917011", false },
	{ "amazon.com", "marketcrawl", "/b?node=16225007011", true },
	{ "amazon.com", "marketcrawl", "/slp/s", false },
	{ "amazon.com", "marketcrawl", "/slp/s/x", true },
	{ "amazon.com", "marketcrawl", "/slp/lego/b", false },
	{ "amazon.com", "marketcrawl", "/gp/aag/main?ie=UTF8&seller=ABVFEJU8LS620", true },
	{ "amazon.com", "marketcrawl", "/gp/aag/main?seller=A2L77EE7U53NWQ", false },
	{ "amazon.com", "marketcrawl", "/gp/offer-listing/B000123", true },
	{ "amazon.com", "marketcrawl", "/gp/offer-listing/B07X", false },
	{ "amazon.com", "marketcrawl", "/some/gcrnsts", false },
	/* xbox: CRLF line endings. */
	{ "xbox.com", "marketcrawl", "/error", false },
	{ "xbox.com", "marketcrawl", "/errors/404", false },
	{ "xbox.com", "marketcrawl", "/en-US/Search?q=halo", false },
	{ "xbox.com", "marketcrawl", "/en-US/search?q=halo", false },
	{ "xbox.com", "marketcrawl", "/en-US/SEARCH?q=halo", true },
	{ "xbox.com", "marketcrawl", "/en-US/play/user/abc", false },
	{ "xbox.com", "marketcrawl", "/en-US/contact-us?isChatCallAvailable=false", false },
	{ "xbox.com", "marketcrawl", "/en-US/contact-us", true },
	{ "xbox.com", "marketcrawl", "/en-US/games/store/halo/9NP1P1WFS0LB", true },
	/* epicgames: `Allow: *.js` is shorter than `Disallow: /account/`. */
	{ "epicgames.com", "marketcrawl", "/account/app.js", false },
	{ "epicgames.com", "marketcrawl", "/store/app.js", true },
	{ "epicgames.com", "marketcrawl", "/login/", false },
	/* ebay: percent-encoded rules and a long group. */
	{ "ebay.com", "marketcrawl", "/itm/123456789012", true },
	{ "ebay.com", "marketcrawl", "/sch/i.html?_nkw=lego&rt=nc", false },
	{ "ebay.com", "marketcrawl", "/p/123?rt%3dnc", false },
	{ "ebay.com", "marketcrawl", "/ads.txt", true },
	{ "ebay.com", "marketcrawl", "/adsrepository", false },
	{ "ebay.com", "Twitterbot", "/srv/x", false },
	{ "ebay.com", "Twitterbot", "/ads", true },
	/* nintendo: a locale wildcard before /orders/. */
	{ "nintendo.com", "marketcrawl", "/en-us/orders/", false },
	{ "nintendo.com", "marketcrawl", "/us/orders/", true },
	{ "nintendo.com", "marketcrawl", "/orders/", false },
	{ "nintendo.com", "marketcrawl", "/us/store/products/", true },
};

static char *fixture(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof path, "tests/fixtures/robots/%s", name);
	return read_file(path, len);
}

static struct mc_robots *parse_fixture(const char *name, const char *agent)
{
	size_t len;
	char *body = fixture(name, &len);
	struct mc_robots *r;

	CHECK(body != NULL, "read fixture %s", name);
	r = mc_robots_parse(body, len, agent);
	free(body);
	return r;
}

static size_t count_sitemaps(const struct mc_robots *r)
{
	const char *const *m = mc_robots_sitemaps(r);
	size_t n = 0;

	while (m[n])
		n++;
	return n;
}

static void check_stats(const char *file, const char *agent, size_t lines, size_t directives,
			size_t unknown, size_t rules)
{
	struct mc_robots *r = parse_fixture(file, agent);
	struct mc_robots_stats st;

	mc_robots_stats(r, &st);
	CHECK(st.lines == lines && st.directives == directives && st.unknown == unknown &&
		      st.rules == rules && !st.truncated,
	      "%s for %s: %zu lines, %zu directives, %zu unknown, %zu rules (got %zu/%zu/%zu/%zu)",
	      file, agent, lines, directives, unknown, rules, st.lines, st.directives, st.unknown,
	      st.rules);
	mc_robots_free(r);
}

static void test_real_files(void)
{
	struct mc_robots *r;
	const char *const *maps;

	for (size_t i = 0; i < sizeof real_cases / sizeof real_cases[0]; i++) {
		size_t len;
		char *body = fixture(real_cases[i].file, &len);

		CHECK(body && allowed_in(body, len, real_cases[i].agent, real_cases[i].url) ==
				      real_cases[i].allowed,
		      "%s: %s is %s for %s", real_cases[i].file, real_cases[i].url,
		      real_cases[i].allowed ? "allowed" : "disallowed", real_cases[i].agent);
		free(body);
	}

	check_stats("steampowered.com", "marketcrawl", 10, 9, 1, 8);
	check_stats("amazon.com", "marketcrawl", 145, 141, 0, 134);
	check_stats("amazon.com", "CCBot", 145, 141, 0, 1);
	check_stats("playstation.com", "marketcrawl", 36, 23, 0, 6);
	check_stats("playstation.com", "bingbot", 36, 23, 0, 0);
	check_stats("xbox.com", "marketcrawl", 11, 11, 0, 9);
	check_stats("ebay.com", "marketcrawl", 1607, 1576, 0, 497);

	r = parse_fixture("playstation.com", "marketcrawl");
	CHECK_INT(mc_robots_crawl_delay_ms(r), 5000, "playstation: Crawl-delay 5 for *");
	maps = mc_robots_sitemaps(r);
	CHECK(maps[0] && !maps[1], "playstation: one sitemap");
	CHECK_STR(maps[0], "https://www.playstation.com/sitemap_index.xml",
		  "playstation: sitemap on the last line, without final newline");
	mc_robots_free(r);
	r = parse_fixture("playstation.com", "bingbot");
	CHECK_INT(mc_robots_crawl_delay_ms(r), 10000, "playstation: Crawl-delay 10 for bingbot");
	mc_robots_free(r);
	r = parse_fixture("playstation.com", "Algolia");
	CHECK_INT(mc_robots_crawl_delay_ms(r), -1, "playstation: no Crawl-delay for Algolia");
	mc_robots_free(r);
	r = parse_fixture("amazon.com", "marketcrawl");
	CHECK_INT(mc_robots_crawl_delay_ms(r), -1, "amazon: no Crawl-delay");
	CHECK_INT(count_sitemaps(r), 0, "amazon: no sitemaps");
	mc_robots_free(r);

	r = parse_fixture("xbox.com", "marketcrawl");
	maps = mc_robots_sitemaps(r);
	CHECK_STR(maps[0], "https://www.xbox.com/sitemap.xml", "xbox: sitemap without CR");
	mc_robots_free(r);

	r = parse_fixture("ebay.com", "marketcrawl");
	maps = mc_robots_sitemaps(r);
	CHECK_INT(count_sitemaps(r), 4, "ebay: 4 sitemaps");
	CHECK_STR(maps[0], "https://www.ebay.com/lst/PRP-0-index.xml", "ebay: first sitemap");
	CHECK_STR(maps[3], "https://www.ebay.com/lst/BROWSE-0-index.xml", "ebay: last sitemap");
	mc_robots_free(r);

	r = parse_fixture("nintendo.com", "marketcrawl");
	maps = mc_robots_sitemaps(r);
	CHECK_INT(count_sitemaps(r), 38, "nintendo: 38 sitemaps");
	CHECK_STR(maps[37], "https://noa-prod-graph-sitemaps.s3.amazonaws.com/nintendo.com/es-ar/sitemap.xml",
		  "nintendo: last sitemap");
	mc_robots_free(r);

	r = parse_fixture("epicgames.com", "marketcrawl");
	CHECK_INT(count_sitemaps(r), 1, "epicgames: 1 sitemap");
	mc_robots_free(r);
}

static void test_special_objects(void)
{
	struct mc_robots *all = mc_robots_allow_all();
	struct mc_robots *none = mc_robots_disallow_all();

	CHECK(mc_robots_allowed(all, "https://a.example/private/x"), "allow_all allows");
	CHECK(!mc_robots_allowed(none, "https://a.example/"), "disallow_all disallows /");
	CHECK(!mc_robots_allowed(none, "/robots.txt?x=1"), "disallow_all: a query makes it another URL");
	CHECK(mc_robots_allowed(none, "https://a.example/robots.txt"),
	      "disallow_all still allows /robots.txt");
	CHECK_INT(mc_robots_crawl_delay_ms(all), -1, "allow_all has no crawl delay");
	CHECK(mc_robots_sitemaps(none)[0] == NULL, "disallow_all has no sitemaps");
	mc_robots_free(all);
	mc_robots_free(none);
	mc_robots_free(NULL);
}

static void test_parser_edges(void)
{
	static const char delays[] = "User-agent: x\nCrawl-delay: 0.25\nCrawl-delay: 1.5\n"
				     "User-agent: *\nCrawl-delay: 9\n";
	static const char junk_delays[] = "User-agent: *\nCrawl-delay: soon\nCrawl-delay: 99999999999\n";
	static const char nul_rule[] = "user-agent: *\ndisallow: /a\0b\n";
	struct mc_robots *r;
	struct mc_robots_stats st;
	size_t big_len;
	char *big, *path;

	/* Percent-encoding normalisation, both directions. */
	CHECK(!allowed_str("user-agent: *\ndisallow: /%7Euser/\n", "x", "/~user/notes"),
	      "%%7E in a rule matches ~ in the URL");
	CHECK(!allowed_str("user-agent: *\ndisallow: /~user/\n", "x", "/%7euser/notes"),
	      "~ in a rule matches %%7e in the URL");
	CHECK(allowed_str("user-agent: *\ndisallow: /a/\n", "x", "/a%2Fb"),
	      "%%2F is not a path separator");
	CHECK(!allowed_str("user-agent: *\ndisallow: /a%2fb\n", "x", "/a%2Fb"),
	      "hex case does not matter");
	CHECK(!allowed_str("user-agent: *\ndisallow: /file-%2A.html\n", "x", "/file-*.html"),
	      "%%2A in a rule is a literal * (RFC 9309 2.2.3)");
	CHECK(allowed_str("user-agent: *\ndisallow: /file-%2A.html\n", "x", "/file-x.html"),
	      "%%2A in a rule is not a wildcard");
	CHECK(!allowed_str("user-agent: *\ndisallow: /foo-%24\n", "x", "/foo-$"),
	      "%%24 in a rule is a literal $");
	CHECK(!allowed_str("user-agent: *\ndisallow: /a$b\n", "x", "/a$b/c"),
	      "$ inside a rule is literal");
	CHECK(!allowed_str("user-agent: *\ndisallow: /100%\n", "x", "/100%"), "a stray %% matches itself");

	/* Grouping. */
	CHECK(!allowed_str("user-agent: a\nuser-agent: b\ndisallow: /x\n", "B", "/x"),
	      "consecutive user-agent lines form one group");
	CHECK(!allowed_str("user-agent: a\ndisallow: /x\n\nuser-agent: b\nallow: /\n"
			   "user-agent: a\ndisallow: /y\n",
			   "a", "/x") &&
		      !allowed_str("user-agent: a\ndisallow: /x\n\nuser-agent: b\nallow: /\n"
				   "user-agent: a\ndisallow: /y\n",
				   "a", "/y"),
	      "groups for the same agent merge");
	CHECK(allowed_str("user-agent: *\ndisallow: /\nuser-agent: marketcrawl\ndisallow:\n",
			  "marketcrawl", "/x"),
	      "an empty disallow in our group allows all, * is not consulted");
	CHECK(allowed_str("user-agent: *\ncrawl-delay: 3\nuser-agent: other\ndisallow: /\n", "x", "/a"),
	      "Crawl-delay ends the user-agent lines of its group");
	r = mc_robots_parse(delays, strlen(delays), "X");
	CHECK_INT(mc_robots_crawl_delay_ms(r), 1500, "decimal Crawl-delay, largest of the group");
	mc_robots_free(r);
	r = mc_robots_parse(junk_delays, strlen(junk_delays), "x");
	CHECK_INT(mc_robots_crawl_delay_ms(r), 86400000, "junk delay ignored, huge delay capped");
	mc_robots_free(r);

	/* Line endings, BOM, comments. */
	CHECK(!allowed_str("\xEF\xBB\xBFuser-agent: *\rdisallow: /a # no\r\nallow: /a/b#c\n", "x", "/a/x"),
	      "BOM skipped, CR and CRLF lines, comments cut");
	CHECK(allowed_str("user-agent: *\rdisallow: /a # no\r\nallow: /a/b#c\n", "x", "/a/b"),
	      "the comment after a rule is not part of it");
	CHECK(allowed_in(nul_rule, sizeof nul_rule - 1, "x", "/a"),
	      "a NUL byte inside a rule is an ordinary (encoded) byte");

	/* The 500 KiB cap: a rule past it, and the line it cuts, are ignored. */
	big_len = MC_ROBOTS_MAX_BYTES + 100;
	big = malloc(big_len);
	memset(big, '#', big_len);
	memcpy(big, "user-agent: *\ndisallow: /a\n", 27);
	big[MC_ROBOTS_MAX_BYTES - 40] = '\n';
	memcpy(big + MC_ROBOTS_MAX_BYTES - 39, "disallow: /cut-by-the-cap-and-ignored-x", 39);
	memcpy(big + MC_ROBOTS_MAX_BYTES, "\ndisallow: /b\n", 14);
	r = mc_robots_parse(big, big_len, "x");
	mc_robots_stats(r, &st);
	CHECK(st.truncated && st.rules == 1, "content past 500 KiB ignored (%zu rules)", st.rules);
	CHECK(!mc_robots_allowed(r, "/a") && mc_robots_allowed(r, "/b") &&
		      mc_robots_allowed(r, "/cut-by-the-cap"),
	      "the rule before the cap counts, the cut one and the one after do not");
	mc_robots_free(r);

	/* A hostile pattern ("/" then 8000 times "*a", then "b") against a
	 * long run of 'a': a backtracking matcher would never finish. */
	memset(big, 'a', big_len);
	memcpy(big, "user-agent: *\ndisallow: /", 25);
	for (size_t i = 25; i < 16025; i += 2)
		big[i] = '*';
	memcpy(big + 16025, "b\n", 2);
	r = mc_robots_parse(big, 16027, "x");
	mc_robots_stats(r, &st);
	CHECK_INT(st.rules, 1, "the hostile rule is parsed whole");
	path = malloc(30002);
	memset(path, 'a', 30001);
	path[0] = '/';
	path[30001] = '\0';
	CHECK(mc_robots_allowed(r, path), "8000 stars against a 30000-byte path: no match");
	path[30000] = 'b';
	CHECK(!mc_robots_allowed(r, path), "... and a match once the path ends in b");
	mc_robots_free(r);
	free(path);
	free(big);

	CHECK(!mc_robots_valid_agent("marketcrawl/1.0"), "a version is not part of the token");
	CHECK(allowed_str("user-agent: marketcrawl\ndisallow: /\n", "marketcrawl/1.0", "/x"),
	      "a caller's agent with a version matches no group");
}

int main(void)
{
	test_conformance();
	test_real_files();
	test_special_objects();
	test_parser_edges();
	return tl_exit_status();
}
