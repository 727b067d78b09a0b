/*
 * Table tests of the spider helpers of the request model and of the
 * request specs behind them (jq's tests/jq.test style: input, expected):
 * mc_availability_parse, mc_price_minor, mc_url_query / mc_form_body,
 * mc_xpath_strings, mc_response_json (and that a JSON body is neither
 * sniffed for <meta charset> nor parsed as HTML), the header and cookie
 * rules, request labels, redirects of a spec, the table that keeps specs
 * of waiting requests, and the callback and region lookups.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "crawler/request.h"
#include "crawler/response_internal.h"
#include "base/alloc.h"
#include "crawler/library_hooks.h"
#include "marketcrawl/registry.h"
#include "staging/staging.h"
#include "testlib.h"

static void test_availability(void)
{
	static const struct {
		const char *text;
		enum mc_availability want;
	} cases[] = {
		{"https://schema.org/InStock", MC_AVAIL_IN_STOCK},
		{"http://schema.org/OutOfStock", MC_AVAIL_OUT_OF_STOCK},
		{"https://schema.org/PreOrder", MC_AVAIL_PREORDER},
		{"https://schema.org/PreSale", MC_AVAIL_PREORDER},
		{"https://schema.org/SoldOut", MC_AVAIL_OUT_OF_STOCK},
		{"https://schema.org/Discontinued", MC_AVAIL_OUT_OF_STOCK},
		{"https://schema.org/LimitedAvailability", MC_AVAIL_IN_STOCK},
		{"https://schema.org/InStoreOnly", MC_AVAIL_IN_STOCK},
		{"https://schema.org/OnlineOnly", MC_AVAIL_IN_STOCK},
		{"https://schema.org/BackOrder", MC_AVAIL_UNKNOWN},
		{"schema:InStock", MC_AVAIL_IN_STOCK},
		{"InStock", MC_AVAIL_IN_STOCK},
		{"in_stock", MC_AVAIL_IN_STOCK},
		{"out_of_stock", MC_AVAIL_OUT_OF_STOCK},
		{"preorder", MC_AVAIL_PREORDER},
		{"In stock", MC_AVAIL_IN_STOCK},
		{"  In stock (22 available)\n", MC_AVAIL_IN_STOCK},
		{"Only 3 left in stock", MC_AVAIL_IN_STOCK},
		{"Available", MC_AVAIL_IN_STOCK},
		{"Out of stock", MC_AVAIL_OUT_OF_STOCK},
		{"OUT-OF-STOCK", MC_AVAIL_OUT_OF_STOCK},
		{"Not in stock", MC_AVAIL_OUT_OF_STOCK},
		{"Sold out", MC_AVAIL_OUT_OF_STOCK},
		{"Currently unavailable", MC_AVAIL_OUT_OF_STOCK},
		{"Not available", MC_AVAIL_OUT_OF_STOCK},
		{"No longer available", MC_AVAIL_OUT_OF_STOCK},
		{"Pre-order", MC_AVAIL_PREORDER},
		{"Pre-Purchase", MC_AVAIL_PREORDER},
		{"Available for pre-order", MC_AVAIL_PREORDER},
		{"Add to Cart", MC_AVAIL_UNKNOWN},
		{"", MC_AVAIL_UNKNOWN},
		{"42", MC_AVAIL_UNKNOWN},
		{NULL, MC_AVAIL_UNKNOWN},
	};
	int ok = 0;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum mc_availability got = mc_availability_parse(cases[i].text);
		if (got == cases[i].want)
			ok++;
		else
			NOTE("availability of \"%s\": got %d, want %d", cases[i].text ? cases[i].text : "(null)",
			     (int)got, (int)cases[i].want);
	}
	CHECK_INT(ok, sizeof cases / sizeof cases[0], "mc_availability_parse: every row of the table");
}

static const struct mc_spider test_spider = {.name = "unit", .marketplace = "unitshop"};

static void page(struct mc_response *res, const char *url, const char *body, const char *ctype)
{
	mc_response_init(res, &test_spider);
	res->url = mc_strdup(url);
	res->raw = mc_strdup(body);
	res->raw_len = strlen(body);
	res->content_type = ctype ? mc_strdup(ctype) : NULL;
}

static void minor_units(struct mc_response *res)
{
	static const struct {
		const char *minor;
		int decimals;
		const char *want;
	} cases[] = {
		{"6999", 2, "69.99"}, {"1999", 2, "19.99"}, {"7000", 2, "70"}, {"1990", 2, "19.9"},
		{"5", 2, "0.05"},     {"0", 2, "0"},        {"0099", 2, "0.99"}, {"16350", 0, "16350"},
		{"1635000", 2, "16350"}, {"123456", 3, "123.456"}, {" 42 ", 1, "4.2"},
		{"100", 4, "0.01"},   {"12345678901234567890", 2, "123456789012345678.9"},
		{"-5", 2, NULL},      {"4.5", 2, NULL},     {"", 2, NULL},      {"12a", 2, NULL},
		{"5", -1, NULL},      {"5", 19, NULL},      {NULL, 2, NULL},
	};
	int ok = 0;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = mc_price_minor(res, cases[i].minor, cases[i].decimals);
		bool same = (!got && !cases[i].want) || (got && cases[i].want && strcmp(got, cases[i].want) == 0);
		if (same)
			ok++;
		else
			NOTE("minor \"%s\"/%d: got %s, want %s", cases[i].minor ? cases[i].minor : "(null)",
			     cases[i].decimals, got ? got : "NULL", cases[i].want ? cases[i].want : "NULL");
	}
	CHECK_INT(ok, sizeof cases / sizeof cases[0], "mc_price_minor: every row of the table");
	struct mc_price p;
	mc_price_parse("69,99€", NULL, 0, &p);
	CHECK_STR(mc_price_minor(res, "6999", 2), p.amount, "mc_price_minor: the price parser's form");
}

static void queries(struct mc_response *res)
{
	static const struct mc_param gql[] = {
		{"operationName", "categoryGridRetrieve"},
		{"variables", "{\"id\":\"28c9c2b2\",\"pageArgs\":{\"size\":24,\"offset\":0}}"},
		{"extensions", "{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"4ce7d4\"}}"},
		{NULL, NULL},
	};
	static const struct mc_param odd[] = {
		{"q", "red shoes & más/€"}, {"none", NULL}, {"a+b", "1=2;3#4"}, {NULL, NULL},
	};
	const char *u = mc_url_query(res, "https://web.np.playstation.com/api/graphql/v1/op", gql);

	CHECK_STR(u,
		  "https://web.np.playstation.com/api/graphql/v1/op?operationName=categoryGridRetrieve"
		  "&variables=%7B%22id%22%3A%2228c9c2b2%22%2C%22pageArgs%22%3A%7B%22size%22%3A24%2C"
		  "%22offset%22%3A0%7D%7D&extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C"
		  "%22sha256Hash%22%3A%224ce7d4%22%7D%7D",
		  "mc_url_query: GraphQL variables and extensions encoded");
	CHECK_STR(mc_url_query(res, "/search?cat=1", odd),
		  "http://shop.example/search?cat=1&q=red%20shoes%20%26%20m%C3%A1s%2F%E2%82%AC&a%2Bb=1%3D2%3B3%234",
		  "mc_url_query: relative URL, after its query, every reserved byte encoded, NULL left out");
	CHECK_STR(mc_url_query(res, "https://x.example/p?", odd + 1), "https://x.example/p?a%2Bb=1%3D2%3B3%234",
		  "mc_url_query: after a bare '?'");
	CHECK_STR(mc_url_query(res, "https://x.example/p", (const struct mc_param[]){{NULL, NULL}}),
		  "https://x.example/p", "mc_url_query: no parameters, the URL");
	CHECK_STR(mc_url_query(res, NULL, gql), NULL, "mc_url_query: NULL URL");
	CHECK_STR(mc_form_body(res, odd), "q=red+shoes+%26+m%C3%A1s%2F%E2%82%AC&a%2Bb=1%3D2%3B3%234",
		  "mc_form_body: a space is '+'");
	/* What the spider builds is what is requested: normalising keeps it. */
	mc_follow(res, u, minor_units, NULL);
	CHECK_STR(res->follows ? res->follows->url : NULL, u, "mc_url_query: the URL survives mc_follow");
}

/* Whether `got` (a new reference, taken) equals the JSON text `want`.
 * Compared as values: inside a callback, library strings live in the page
 * arena and are not ours to free. */
static bool json_is(json_t *got, const char *want)
{
	json_t *w = json_loads(want, 0, NULL);
	bool same = got && json_equal(got, w);

	json_decref(w);
	json_decref(got);
	return same;
}

/* attrs longer than the loader takes (MC_STAGING_MAX_ATTRS) drop the item
 * in the writer, as every other field limit does: what the crawler writes,
 * the loader accepts (found by the spider fuzzer). */
static void too_long_attrs(struct mc_response *res)
{
	size_t len = res->items.len, n = MC_STAGING_MAX_ATTRS;
	char *big = malloc(n);
	struct mc_item *it = mc_item_new(res);

	memset(big, 'a', n - 8);
	big[n - 8] = '\0'; /* {"k":"…"} is n bytes */
	mc_item_external_id(it, "long");
	mc_item_title(it, "Long");
	mc_item_price_exact(it, "1", NULL, "EUR");
	mc_item_attr(it, "k", big);
	CHECK(mc_item_emit(it) && res->items.len > len, "attrs of exactly the limit are written");
	len = res->items.len;
	big[n - 8] = 'a';
	big[n - 7] = '\0';
	it = mc_item_new(res);
	mc_item_external_id(it, "longer");
	mc_item_title(it, "Longer");
	mc_item_price_exact(it, "1", NULL, "EUR");
	mc_item_attr(it, "k", big);
	CHECK(!mc_item_emit(it) && res->items.len == len, "attrs one byte over the limit drop the item");
	free(big);
	/* A marketplace outside [a-z0-9_.-] (found by the spider fuzzer in a
	 * store id read from a page) drops the item too. */
	it = mc_item_new(res);
	mc_item_marketplace(it, "de\xc3\xbfmo-a");
	mc_item_external_id(it, "g1");
	mc_item_title(it, "G");
	mc_item_price_exact(it, "1", NULL, "EUR");
	CHECK(!mc_item_emit(it) && res->items.len == len, "a marketplace with a character the loader refuses drops the item");
}

static void strings(struct mc_response *res)
{
	CHECK(json_is(mc_xpath_strings(res, NULL, "//ul/li"), "[\"Windows\",\"mac OS\",\"Linux\"]"),
	      "mc_xpath_strings: trimmed, collapsed, empty ones left out, in order");
	CHECK(json_is(mc_xpath_strings(res, NULL, "//ul/li/@data-id"), "[\"win\",\"mac\"]"),
	      "mc_xpath_strings: attributes");
	CHECK(mc_xpath_strings(res, NULL, "//ol/li") == NULL, "mc_xpath_strings: nothing selected is NULL");
	CHECK(mc_xpath_strings(res, NULL, "//ul/li[@class='empty']") == NULL,
	      "mc_xpath_strings: only empty strings is NULL");
	struct mc_item *it = mc_item_new(res);
	mc_item_attr_json(it, "platforms", mc_xpath_strings(res, NULL, "//ul/li"));
	mc_item_attr_json(it, "none", mc_xpath_strings(res, NULL, "//ol/li"));
	mc_item_external_id(it, "x");
	mc_item_title(it, "X");
	mc_item_price_exact(it, "1", NULL, "EUR");
	CHECK(mc_item_emit(it) && strstr(res->items.data, "\"attrs\":{\"platforms\":[\"Windows\",\"mac OS\",\"Linux\"]}"),
	      "mc_xpath_strings: handed to mc_item_attr_json, a NULL sets nothing");
	too_long_attrs(res);
}

static bool json_no_doc;

static void json_api(struct mc_response *res)
{
	json_t *j = mc_response_json(res);

	CHECK(j == mc_response_json(res), "mc_response_json: parsed once, the same reference");
	CHECK_STR(mc_json_str(res, j, "data.products.0.name"), "Café", "mc_response_json: dotted paths");
	CHECK_STR(mc_json_str(res, j, "data.products.0.price.decimals"), "2", "mc_response_json: numbers");
	CHECK_STR(mc_json_str(res, j, "html"), "<meta charset=\"windows-1252\"><p>é</p>",
		  "a JSON body is UTF-8 whatever <meta charset> it contains");
	json_no_doc = !res->doc_tried;
}

static void not_json(struct mc_response *res)
{
	CHECK(mc_response_json(res) == NULL, "mc_response_json: NULL when the body is not JSON");
}

static void test_response_helpers(void)
{
	struct mc_response res;

	page(&res, "http://shop.example/cat/", "<html></html>", "text/html");
	mc_response_run(&res, minor_units);
	mc_response_release(&res);
	page(&res, "http://shop.example/cat/", "<html></html>", "text/html");
	mc_response_run(&res, queries);
	mc_response_release(&res);
	page(&res, "http://shop.example/p/1",
	     "<html><body><ul><li data-id='win'> Windows </li><li data-id='mac'>mac\n  OS</li>"
	     "<li>Linux</li><li class='empty'>  </li></ul></body></html>",
	     "text/html");
	mc_response_run(&res, strings);
	mc_response_release_parse(&res);
	mc_response_release(&res);
	page(&res, "http://api.example/graphql",
	     "{\"data\":{\"products\":[{\"name\":\"Caf\xc3\xa9\",\"price\":{\"originalPrice\":1999,"
	     "\"decimals\":2}}]},\"html\":\"<meta charset=\\\"windows-1252\\\"><p>\xc3\xa9</p>\"}",
	     "application/json");
	mc_response_run(&res, json_api);
	CHECK(json_no_doc, "a JSON API callback parses no HTML");
	mc_response_release(&res);
	page(&res, "http://api.example/x", "<html>not json</html>", "application/json; charset=utf-8");
	mc_response_run(&res, not_json);
	mc_response_release(&res);
}

static void test_specs(void)
{
	static const struct {
		const char *header;
		bool ok;
	} headers[] = {
		{"Accept-Language: de-DE", true}, {"X-Empty:", true}, {"x-psn-store-locale-override: de-DE", true},
		{"Authorization: Bearer a.b.c", true}, {"NoColon", false}, {" Lead: x", false},
		{"Bad Name: x", false}, {"X: a\r\nEvil: 1", false}, {"X: a\nb", false},
		{"Host: evil.example", false}, {"content-length: 5", false},
		{"Transfer-Encoding: chunked", false}, {"Cookie: a=1", false}, {": x", false},
	};
	static const struct {
		const char *cookie;
		bool ok;
	} cookies[] = {
		{"birthtime=0", true}, {"wants_mature_content=1", true}, {"empty=", true},
		{"json={\"a\":1}", true}, {"nosep", false}, {"=v", false}, {"a=1; b=2", false},
		{"a=1\r\nX: y", false}, {"bad name=1", false},
	};
	char why[256];
	int ok = 0;

	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
		ok += mc_request_header_ok(headers[i].header, why, sizeof why) == headers[i].ok;
	CHECK_INT(ok, sizeof headers / sizeof headers[0], "header rules: every row of the table");
	mc_request_header_ok("X-Secret: a\r\nb", why, sizeof why);
	CHECK(strstr(why, "X-Secret") && !strstr(why, "a\r"), "a refused header is named, its value not shown");
	ok = 0;
	for (size_t i = 0; i < sizeof cookies / sizeof cookies[0]; i++)
		ok += mc_request_cookie_ok(cookies[i].cookie, why, sizeof why) == cookies[i].ok;
	CHECK_INT(ok, sizeof cookies / sizeof cookies[0], "cookie rules: every row of the table");
	mc_request_cookie_ok("sid=secret;x", why, sizeof why);
	CHECK(strstr(why, "sid") && !strstr(why, "secret"), "a refused cookie is named, its value not shown");
	mc_request_header_ok(" Authorization: Bearer sk_live", why, sizeof why);
	CHECK(!strstr(why, "Bear") && !strstr(why, "sk_"), "a header without a name: none of it shown (%s)", why);
	mc_request_cookie_ok("=topsecretvalue", why, sizeof why);
	CHECK(!strstr(why, "topsecret"), "a cookie without a name: none of it shown (%s)", why);

	struct mc_request_spec *s;
	const struct mc_follow_opts plain = {.data = "d", .priority = 3, .dont_filter = true};
	CHECK(mc_request_spec_from(NULL, &s, why, sizeof why) == 0 && !s, "spec: NULL options are a plain GET");
	CHECK(mc_request_spec_from(&plain, &s, why, sizeof why) == 0 && !s,
	      "spec: data, priority and dont_filter alone are a plain GET (no spec)");
	CHECK(mc_request_spec_from(&(struct mc_follow_opts){.body = "x"}, &s, why, sizeof why) == -1,
	      "spec: a body on a GET is refused");
	CHECK(mc_request_spec_from(&(struct mc_follow_opts){.method = MC_HEAD, .content_type = "a/b"}, &s,
				   why, sizeof why) == -1,
	      "spec: a content type on a HEAD is refused");
	CHECK(mc_request_spec_from(&(struct mc_follow_opts){.method = (enum mc_method)7}, &s, why, sizeof why) == -1,
	      "spec: an unknown method is refused");
	const char bin[] = {'a', '\0', 'b'};
	CHECK(mc_request_spec_from(&(struct mc_follow_opts){.method = MC_POST, .body = bin, .body_len = 3}, &s,
				   why, sizeof why) == 0 && s && s->body_len == 3 && memcmp(s->body, bin, 3) == 0,
	      "spec: body_len carries bytes past a NUL");
	char label[256];
	CHECK_STR(mc_request_label("http://x/api", s, label, sizeof label), "POST http://x/api (3-byte body)",
		  "label: method, URL and body size");
	s = mc_request_spec_redirect(s, 307, true);
	CHECK(s && s->method == MC_POST && s->body_len == 3, "redirect 307 keeps the POST and its body");
	s = mc_request_spec_redirect(s, 302, true);
	CHECK(s == NULL, "redirect 302 after a POST: a plain GET");
	mc_request_spec_from(&(struct mc_follow_opts){.method = MC_HEAD, .headers = (const char *const[]){"A: 1", NULL}},
			     &s, why, sizeof why);
	CHECK_STR(mc_request_label("http://x/", s, label, sizeof label), "HEAD http://x/", "label: HEAD");
	s = mc_request_spec_redirect(s, 303, true);
	CHECK(s && s->method == MC_HEAD && s->headers, "redirect 303 keeps a HEAD and its headers");
	s = mc_request_spec_redirect(s, 307, false);
	CHECK(s && s->method == MC_HEAD && !s->headers && !s->cookies,
	      "redirect to another origin: the HEAD without the request's own headers");
	mc_request_spec_free(s);
	mc_request_spec_from(&(struct mc_follow_opts){.headers = (const char *const[]){"Authorization: x", NULL},
						      .cookies = (const char *const[]){"s=1", NULL}},
			     &s, why, sizeof why);
	s = mc_request_spec_redirect(s, 302, false);
	CHECK(s == NULL, "a GET with credentials redirected to another origin: a plain GET");
	CHECK_STR(mc_request_label("http://x/", NULL, label, sizeof label), "http://x/", "label: a plain GET is its URL");
	CHECK(mc_request_same_name("Accept: a", "accept: b", ':', true) &&
		      !mc_request_same_name("Accept-Language: a", "Accept: b", ':', true) &&
		      !mc_request_same_name("Lang=a", "lang=b", '=', false),
	      "same name: headers case-insensitive, cookies not");

	/* The table of waiting specs: many, taken in another order. */
	struct mc_spec_table t = {0};
	int back = 0;
	for (uint64_t i = 0; i < 3000; i++) {
		struct mc_request_spec *sp = NULL;
		char body[32];
		snprintf(body, sizeof body, "%llu", (unsigned long long)i);
		mc_request_spec_from(&(struct mc_follow_opts){.method = MC_POST, .body = body}, &sp, why, sizeof why);
		mc_spec_table_put(&t, i, sp);
	}
	for (uint64_t i = 0; i < 3000; i += 2) {
		struct mc_request_spec *sp = mc_spec_table_take(&t, i);
		back += sp && strtoull(sp->body, NULL, 10) == i;
		mc_request_spec_free(sp);
	}
	for (uint64_t i = 2999; i < 3000; i -= 2) {
		struct mc_request_spec *sp = mc_spec_table_take(&t, i);
		back += sp && strtoull(sp->body, NULL, 10) == i;
		mc_request_spec_free(sp);
		if (i < 2)
			break;
	}
	CHECK_INT(back, 3000, "spec table: every spec comes back under its seq");
	CHECK(t.count == 0 && mc_spec_table_take(&t, 5) == NULL, "spec table: empty after taking all");
	mc_spec_table_put(&t, 9, NULL);
	mc_request_spec_from(&(struct mc_follow_opts){.method = MC_HEAD}, &s, why, sizeof why);
	mc_spec_table_put(&t, 10, s);
	mc_spec_table_release(&t); /* frees what is left (checked by the sanitizer build) */
	CHECK(t.count == 0 && t.cap == 0, "spec table: released");
}

static void cb_a(struct mc_response *res) { (void)res; }
static void cb_b(struct mc_response *res) { (void)res; }
static void cb_c(struct mc_response *res) { (void)res; }

static void test_lookups(void)
{
	static const struct mc_callback table[] = {{"parse_list", cb_b}, {"parse_item", cb_c}, {NULL, NULL}};
	static const struct mc_region regions[] = {{.code = "de"}, {.code = "pt-br"}, {NULL}};
	const struct mc_spider sp = {.name = "x", .parse = cb_a, .callbacks = table, .regions = regions};
	char names[128];

	CHECK(mc_spider_callback(&sp, "parse_item") == cb_c && mc_spider_callback(&sp, "parse") == cb_a &&
		      mc_spider_callback(&sp, "nope") == NULL,
	      "callbacks: by name from the table, and parse");
	CHECK_STR(mc_spider_callback_name(&sp, cb_b), "parse_list", "callbacks: the name of a function");
	CHECK_STR(mc_spider_callback_name(&sp, cb_a), "parse", "callbacks: parse without a table row");
	mc_spider_callback_names(&sp, names, sizeof names);
	CHECK_STR(names, "parse_list, parse_item, parse", "callbacks: every name listed");
	CHECK(mc_spider_region(&sp, "pt-br") == &regions[1] && mc_spider_region(&sp, "fr") == NULL,
	      "regions: by code");
	mc_spider_region_codes(&sp, names, sizeof names);
	CHECK_STR(names, "de, pt-br", "regions: every code listed");
	CHECK(mc_region_code_ok("de") && mc_region_code_ok("pt-br_2") && !mc_region_code_ok("DE") &&
		      !mc_region_code_ok("") && !mc_region_code_ok("a.b") &&
		      !mc_region_code_ok("abcdefghijklmnopqrstu") && mc_region_code_ok("abcdefghijklmnopqrst"),
	      "region codes: [a-z0-9_-]{1,20}");
}

int main(void)
{
	mc_library_hooks_install();
	xmlInitParser();
	test_availability();
	test_response_helpers();
	test_specs();
	test_lookups();
	return tl_exit_status();
}
