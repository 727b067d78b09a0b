/*
 * The staging-line parser (staging/staging_line.c): one table row per reject
 * reason of docs/loader.md (input line -> expected reason), plus the values
 * of accepted lines (unescaping, timestamp normalisation, prices, attrs),
 * headers, run records and the cleaning of raw rejected lines.
 */
#include <stdlib.h>
#include <string.h>

#include "staging/staging.h"
#include "testlib.h"

#define GOOD_HEAD "\"marketplace\":\"demo-a\",\"external_id\":\"g1\",\"url\":\"http://x.test/g1\",\"title\":\"Star\""
#define GOOD_TAIL "\"currency\":\"EUR\",\"availability\":\"in_stock\",\"observed_at\":\"2026-11-22T10:00:03.120Z\""
#define OBS(price_part) "{" GOOD_HEAD "," price_part "," GOOD_TAIL "}"
#define OBSX(extra) "{" GOOD_HEAD ",\"price\":\"1\"," GOOD_TAIL "," extra "}"

static struct mc_staging_parser P;

static const char *reason_of(const char *line, size_t len)
{
	struct mc_staging_obs o;
	enum mc_staging_kind k = mc_staging_parse_line(&P, line, len, &o);

	if (k == MC_STAGING_OBS)
		return "accepted";
	if (k == MC_STAGING_RUN)
		return "run";
	return P.reason;
}

static char *span(struct mc_span s)
{
	static char buf[8][4096];
	static int i;
	char *b = buf[i++ % 8];

	if (!s.p)
		s = (struct mc_span){"(null)", 6};
	memcpy(b, s.p, s.n);
	b[s.n] = '\0';
	return b;
}

static void test_reasons(void)
{
	static const struct {
		const char *line;
		const char *reason;
	} t[] = {
		{OBS("\"price\":\"14.99\""), "accepted"},
		{"{\"run\":{}}", "run"},
		{"", "invalid_json"},
		{"{\"a\":1", "invalid_json"},
		{"{\"a\":1} x", "invalid_json"},
		{"{'a':1}", "invalid_json"},
		{"{\"a\":01}", "invalid_json"},
		{"{\"a\":\"tab\there\"}", "invalid_json"},
		{"{\"a\":\"\\x\"}", "invalid_json"},
		{"{\"a\":\"\\ud800\"}", "invalid_json"},
		{"{\"a\":\"\\udc00\\ud800\"}", "invalid_json"},
		{"{\"a\":[1,]}", "invalid_json"},
		{"{\"a\":tru}", "invalid_json"},
		{"[1,2]", "not_an_object"},
		{"\"str\"", "not_an_object"},
		{"42", "not_an_object"},
		{"null", "not_an_object"},
		{"{\"a\":\"\xff\"}", "invalid_utf8"},
		{"{\"a\":\"\xc0\xaf\"}", "invalid_utf8"},          /* overlong '/' */
		{"{\"a\":\"\xed\xa0\x80\"}", "invalid_utf8"},      /* UTF-8 surrogate */
		{"{\"a\":\"\xf4\x90\x80\x80\"}", "invalid_utf8"},  /* above U+10FFFF */
		{"{\"a\":\"\xe2\x82\"}", "invalid_utf8"},          /* truncated */
		{OBSX("\"x\":\"a\\u0000b\""), "nul_byte"},
		{"{\"marketplace\":\"demo-a\",\"title\":\"a\\u0000\"", "nul_byte"},
		{"{}", "missing_marketplace"},
		{"{\"marketplace\":null}", "missing_marketplace"},
		{"{\"marketplace\":5}", "bad_marketplace"},
		{"{\"marketplace\":\"\"}", "bad_marketplace"},
		{"{\"marketplace\":\"Demo\"}", "bad_marketplace"},
		{"{\"marketplace\":\"a b\"}", "bad_marketplace"},
		{"{\"marketplace\":\"a\",\"marketplace\":\"b\"}", "duplicate_marketplace"},
		{"{\"marketplace\":\"a\"}", "missing_external_id"},
		{"{\"marketplace\":\"a\",\"external_id\":7}", "bad_external_id"},
		{"{\"marketplace\":\"a\",\"external_id\":\"x\"}", "missing_url"},
		{"{\"marketplace\":\"a\",\"external_id\":\"x\",\"url\":\"ftp://h/x\"}", "bad_url"},
		{"{\"marketplace\":\"a\",\"external_id\":\"x\",\"url\":\"/rel/x\"}", "bad_url"},
		{"{\"marketplace\":\"a\",\"external_id\":\"x\",\"url\":\"http:///x\"}", "bad_url"},
		{"{\"marketplace\":\"a\",\"external_id\":\"x\",\"url\":\"http://h/a b\"}", "bad_url"},
		{"{\"marketplace\":\"a\",\"external_id\":\"x\",\"url\":\"http://h/\"}", "missing_title"},
		{"{\"marketplace\":\"a\",\"external_id\":\"x\",\"url\":\"http://h/\",\"title\":[]}", "bad_title"},
		{"{" GOOD_HEAD "," GOOD_TAIL "}", "missing_price"},
		{OBS("\"price\":14.99"), "bad_price"},
		{OBS("\"price\":\"14,99\""), "bad_price"},
		{OBS("\"price\":\"1e3\""), "bad_price"},
		{OBS("\"price\":\".5\""), "bad_price"},
		{OBS("\"price\":\"5.\""), "bad_price"},
		{OBS("\"price\":\"+5\""), "bad_price"},
		{OBS("\"price\":\"\""), "bad_price"},
		{OBS("\"price\":\"1.1234567\""), "bad_price"},
		{OBS("\"price\":\"-0.01\""), "negative_price"},
		{OBS("\"price\":\"-3\""), "negative_price"},
		{OBS("\"price\":\"1000000000000\""), "absurd_price"},
		{OBS("\"price\":\"99999999999999.5\""), "absurd_price"},
		{OBS("\"price\":\"999999999999.999999\""), "accepted"},
		{OBS("\"price\":\"0000000000000001.5\""), "accepted"},
		{OBS("\"price\":\"1\",\"price\":\"2\""), "duplicate_price"},
		{OBS("\"price\":\"1\",\"list_price\":2"), "bad_list_price"},
		{OBS("\"price\":\"1\",\"list_price\":\"x\""), "bad_list_price"},
		{OBS("\"price\":\"1\",\"list_price\":\"-2\""), "negative_list_price"},
		{OBS("\"price\":\"1\",\"list_price\":\"20000000000000\""), "absurd_list_price"},
		{OBS("\"price\":\"1\",\"list_price\":null"), "accepted"},
		{"{" GOOD_HEAD ",\"price\":\"1\",\"availability\":\"in_stock\",\"observed_at\":\"2026-11-22T10:00:00Z\"}", "missing_currency"},
		{OBSX("\"currency\":\"eur\""), "duplicate_currency"},
		{"{" GOOD_HEAD ",\"price\":\"1\",\"currency\":\"eur\"}", "bad_currency"},
		{"{" GOOD_HEAD ",\"price\":\"1\",\"currency\":\"EURO\"}", "bad_currency"},
		{"{" GOOD_HEAD ",\"price\":\"1\",\"currency\":978}", "bad_currency"},
		{"{" GOOD_HEAD ",\"price\":\"1\",\"currency\":\"EUR\"}", "missing_availability"},
		{"{" GOOD_HEAD ",\"price\":\"1\",\"currency\":\"EUR\",\"availability\":\"sold\"}", "bad_availability"},
		{"{" GOOD_HEAD ",\"price\":\"1\",\"currency\":\"EUR\",\"availability\":true}", "bad_availability"},
		{"{" GOOD_HEAD ",\"price\":\"1\",\"currency\":\"EUR\",\"availability\":\"unknown\"}", "missing_observed_at"},
		{OBSX("\"observed_at\":\"x\""), "duplicate_observed_at"},
		{OBSX("\"title\":\"x\""), "duplicate_title"},
		{OBSX("\"product_key\":5"), "bad_product_key"},
		{OBSX("\"attrs\":[1]"), "bad_attrs"},
		{OBSX("\"attrs\":\"x\""), "bad_attrs"},
		{OBSX("\"attrs\":{\"n\":1e1001}"), "bad_attrs"},
		{OBSX("\"attrs\":{\"n\":1e1000}"), "accepted"},
		{OBSX("\"attrs\":{\"a\":1},\"attrs\":{}"), "duplicate_attrs"},
		{OBSX("\"attrs\":{\"a\":{\"b\":[1,{\"c\":null}]}},\"extra\":[true,false]"), "accepted"},
		{OBSX("\"run\":1"), "accepted"}, /* an observation may carry an unknown "run" */
		{"{\"mark\\u0065tplace\":\"Bad\"}", "bad_marketplace"}, /* escaped keys match */
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK_STR(reason_of(t[i].line, strlen(t[i].line)), t[i].reason, "line %zu: %.60s", i,
			  t[i].line);

	/* NUL bytes inside the line, counted by length. */
	static const char nul[] = "{\"a\":\"x\0y\"}";
	CHECK_STR(reason_of(nul, sizeof nul - 1), "nul_byte", "raw NUL byte");
	static const char nul_bad[] = "{\"a\":\"\xff\0\"}";
	CHECK_STR(reason_of(nul_bad, sizeof nul_bad - 1), "nul_byte", "NUL wins over bad UTF-8");
}

/* Replace "observed_at" with ts in the good line and return the reason. */
static const char *ts_reason(const char *ts, char *norm)
{
	char line[512];
	struct mc_staging_obs o;

	snprintf(line, sizeof line, "{" GOOD_HEAD ",\"price\":\"1\",\"currency\":\"EUR\","
		 "\"availability\":\"in_stock\",\"observed_at\":\"%s\"}", ts);
	if (mc_staging_parse_line(&P, line, strlen(line), &o) != MC_STAGING_OBS)
		return P.reason;
	if (norm)
		snprintf(norm, 64, "%s", span(o.observed_at));
	return "accepted";
}

static void test_timestamps(void)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{"2026-11-22T10:00:03.120Z", "2026-11-22 10:00:03.120000+00"},
		{"2026-11-22t10:00:03z", "2026-11-22 10:00:03.000000+00"},
		{"2026-11-22 10:00:03Z", "2026-11-22 10:00:03.000000+00"},
		{"2026-11-22T01:30:00+02:00", "2026-11-21 23:30:00.000000+00"},
		{"2026-12-31T23:30:00-01:00", "2027-01-01 00:30:00.000000+00"},
		{"2024-02-29T00:00:00Z", "2024-02-29 00:00:00.000000+00"},
		{"2016-12-31T23:59:60Z", "2017-01-01 00:00:00.000000+00"},
		{"2026-01-01T00:00:00.123456789Z", "2026-01-01 00:00:00.123456+00"},
		{"1970-01-01T00:00:00Z", "1970-01-01 00:00:00.000000+00"},
		{"9999-12-31T23:59:59.999999Z", "9999-12-31 23:59:59.999999+00"},
	};
	static const char *const bad[] = {
		"2026-11-22", "2026-11-22T10:00:03", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
		"2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-22T24:00:00Z",
		"2026-11-22T10:60:00Z", "2026-11-22T10:00:61Z", "2026-11-22T10:00:00.Z",
		"2026-11-22T10:00:00.1234567890Z", "2026-11-22T10:00:00+2:00", "2026-11-22T10:00:00+24:00",
		"1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "9999-12-31T23:00:00-01:00",
		"2026-11-22T10:00:00ZZ", "2026/11/22T10:00:00Z", "20261122T100000Z", "",
	};
	char norm[64];

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		norm[0] = '\0';
		CHECK_STR(ts_reason(ok[i].in, norm), "accepted", "timestamp %s accepted", ok[i].in);
		CHECK_STR(norm, ok[i].out, "timestamp %s normalised", ok[i].in);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_STR(ts_reason(bad[i], NULL), "bad_timestamp", "timestamp '%s' refused", bad[i]);
}

static void test_lengths(void)
{
	struct {
		const char *field;
		size_t max;
		const char *reason;
	} t[] = {
		{"marketplace", 100, "too_long_marketplace"},
		{"external_id", 200, "too_long_external_id"},
		{"title", 1000, "too_long_title"},
		{"product_key", 200, "too_long_product_key"},
		{"url", 2000, "too_long_url"},
	};
	static char line[8192], val[4096];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		for (size_t n = t[i].max; n <= t[i].max + 1; n++) {
			size_t start = strcmp(t[i].field, "url") == 0 ? strlen("http://h/") : 0;
			memcpy(val, "http://h/", start);
			memset(val + start, 'a', n - start);
			val[n] = '\0';
			snprintf(line, sizeof line, "{" GOOD_HEAD ",\"price\":\"1\"," GOOD_TAIL ",\"%s\":\"%s\"}",
				 t[i].field, val);
			/* The later duplicate key would win the slot: rename the good one. */
			char *dup = strstr(line, t[i].field);
			if (strcmp(t[i].field, "product_key") != 0)
				dup[0] = 'X';
			CHECK_STR(reason_of(line, strlen(line)), n > t[i].max ? t[i].reason : "accepted",
				  "%s of %zu chars", t[i].field, n);
		}
	}
	/* Characters, not bytes: 1000 two-byte characters (2000 bytes) are a valid title. */
	static char title[2001];
	for (int i = 0; i < 1000; i++)
		memcpy(title + 2 * i, "\xc3\xa9", 2);
	snprintf(line, sizeof line, "{\"marketplace\":\"m\",\"external_id\":\"x\",\"url\":\"http://h/\","
		 "\"title\":\"%s\",\"price\":\"1\"," GOOD_TAIL "}", title);
	CHECK_STR(reason_of(line, strlen(line)), "accepted", "title length counts characters");

	/* attrs over 64 KiB */
	size_t big = MC_STAGING_MAX_ATTRS + 10;
	char *l = malloc(big + 512);
	int n = snprintf(l, 512, "{" GOOD_HEAD ",\"price\":\"1\"," GOOD_TAIL ",\"attrs\":{\"k\":\"");
	memset(l + n, 'z', big);
	memcpy(l + n + big, "\"}}", 4);
	CHECK_STR(reason_of(l, strlen(l)), "too_long_attrs", "attrs over 64 KiB");
	free(l);

	/* Nesting: 32 levels are fine, 33 are not. */
	char deep[256];
	for (int depth = 31; depth <= 32; depth++) {
		int k = snprintf(deep, sizeof deep, "{\"a\":");
		for (int i = 0; i < depth; i++)
			deep[k++] = '[';
		for (int i = 0; i < depth; i++)
			deep[k++] = ']';
		deep[k++] = '}';
		deep[k] = '\0';
		CHECK_STR(reason_of(deep, (size_t)k), depth < 32 ? "missing_marketplace" : "invalid_json",
			  "nesting of %d levels", depth + 1);
	}
}

static void test_values(void)
{
	struct mc_staging_obs o;
	const char *line =
		"{\"marketplace\":\"demo-a\",\"external_id\":\"g\\\"1\\\\\",\"url\":\"https://x.test/a?b=1#c\","
		"\"title\":\"Tab\\there\\nnew \\\\N \\u00e9\\ud83d\\ude00 '; DROP TABLE x; --\","
		"\"price\":\"-0.00\",\"list_price\":\"29.990000\",\"currency\":\"EUR\","
		"\"availability\":\"preorder\",\"observed_at\":\"2026-11-22T10:00:03.120+01:00\","
		"\"product_key\":\"\",\"attrs\": {\"platforms\":[\"windows\"],\"r\":4.5} ,\"zzz\":1}";

	CHECK_INT(mc_staging_parse_line(&P, line, strlen(line), &o), MC_STAGING_OBS, "rich line accepted");
	CHECK_STR(span(o.marketplace), "demo-a", "marketplace");
	CHECK_STR(span(o.external_id), "g\"1\\", "external_id unescaped");
	CHECK_STR(span(o.url), "https://x.test/a?b=1#c", "url");
	CHECK_STR(span(o.title), "Tab\there\nnew \\N \xc3\xa9\xf0\x9f\x98\x80 '; DROP TABLE x; --",
		  "title unescaped byte-exact (tab, newline, \\N, BMP and astral characters)");
	CHECK_STR(span(o.price), "0.00", "-0.00 becomes 0.00");
	CHECK_STR(span(o.list_price), "29.990000", "list_price as written");
	CHECK_STR(span(o.currency), "EUR", "currency");
	CHECK_STR(span(o.availability), "preorder", "availability");
	CHECK_STR(span(o.observed_at), "2026-11-22 09:00:03.120000+00", "observed_at in UTC");
	CHECK(o.product_key.p == NULL, "empty product_key is none");
	CHECK_STR(span(o.attrs), "{\"platforms\":[\"windows\"],\"r\":4.5}", "attrs text as written");

	line = "{\"marketplace\":\"m\",\"external_id\":\"x\",\"url\":\"HTTPS://Host.test/A?B\","
	       "\"title\":\"t\",\"price\":\"1\"," GOOD_TAIL "}";
	CHECK_INT(mc_staging_parse_line(&P, line, strlen(line), &o), MC_STAGING_OBS, "upper-case scheme accepted");
	CHECK_STR(span(o.url), "https://Host.test/A?B", "scheme lower-cased, the rest kept");

	line = OBS("\"price\":\"3\"");
	CHECK_INT(mc_staging_parse_line(&P, line, strlen(line), &o), MC_STAGING_OBS, "minimal line");
	CHECK(o.list_price.p == NULL, "absent list_price is none");
	CHECK_STR(span(o.attrs), "{}", "absent attrs is {}");
	CHECK(o.product_key.p == NULL, "absent product_key is none");
}

static void test_header_and_run(void)
{
	struct mc_staging_header h;
	struct mc_staging_run r;
	const char *hl = "{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"demo\","
			 "\"run_id\":\"20261122T100000Z-4242\",\"started_at\":\"2026-11-22T10:00:00Z\"}";
	const char *rl = "{\"run\":{\"spider\":\"demo\",\"run_id\":\"20261122T100000Z-4242\","
			 "\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\","
			 "\"status\":\"complete\",\"pages\":10,\"items\":9,\"errors\":0,\"stats\":{\"a\":1}}}";

	CHECK_INT(mc_staging_parse_header(&P, hl, strlen(hl), &h), 0, "header accepted");
	CHECK_STR(span(h.spider), "demo", "header spider");
	CHECK_STR(span(h.run_id), "20261122T100000Z-4242", "header run_id");
	CHECK_STR(span(h.started_at), "2026-11-22 10:00:00.000000+00", "header started_at");
	CHECK(h.started_us == 1795341600000000LL, "header started_at in microseconds");

	static const char *const bad_headers[] = {
		"{\"format\":\"other\",\"version\":1,\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\"}",
		"{\"format\":\"marketcrawl-staging\",\"version\":2,\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\"}",
		"{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"../x\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\"}",
		"{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"demo\",\"run_id\":\"a/b\",\"started_at\":\"2026-11-22T10:00:00Z\"}",
		"{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"yesterday\"}",
		"{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"demo\",\"run_id\":\"r\"}",
		OBS("\"price\":\"1\""),
		"not json",
	};
	for (size_t i = 0; i < sizeof bad_headers / sizeof bad_headers[0]; i++)
		CHECK_INT(mc_staging_parse_header(&P, bad_headers[i], strlen(bad_headers[i]), &h), -1,
			  "bad header %zu refused (%s)", i, P.error);

	CHECK_STR(reason_of(rl, strlen(rl)), "run", "run record classified");
	CHECK_INT(mc_staging_parse_run(&P, rl, strlen(rl), &r), 0, "run record accepted");
	CHECK_STR(span(r.spider), "demo", "run spider");
	CHECK_STR(span(r.status), "complete", "run status");
	CHECK_STR(span(r.finished_at), "2026-11-22 10:05:00.000000+00", "run finished_at");
	CHECK(strncmp(span(r.record), "{\"spider\":\"demo\"", 16) == 0 &&
	      span(r.record)[r.record.n - 1] == '}' && r.record.n == strlen(rl) - 8,
	      "run record text is the inner object");
	CHECK_STR(span(r.scope), "full", "a run record without a scope is full (written before scopes)");

	const char *partial = "{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\","
			      "\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"partial\",\"scope\":\"partial\","
			      "\"partial_reason\":\"--max-pages 1 reached\",\"pages\":1,\"items\":1,\"errors\":0}}";
	CHECK_INT(mc_staging_parse_run(&P, partial, strlen(partial), &r), 0, "partial run record accepted");
	CHECK_STR(span(r.status), "partial", "status partial");
	CHECK_STR(span(r.scope), "partial", "scope partial");

	static const char *const bad_runs[] = {
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"done\",\"pages\":1,\"items\":1,\"errors\":0}}",
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"complete\",\"pages\":-1,\"items\":1,\"errors\":0}}",
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"complete\",\"pages\":1.5,\"items\":1,\"errors\":0}}",
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"status\":\"complete\",\"pages\":1,\"items\":1,\"errors\":0}}",
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"complete\",\"pages\":1,\"items\":1,\"errors\":0,\"stats\":[]}}",
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"complete\",\"pages\":1,\"items\":1,\"errors\":0,\"stats\":{\"x\":1e5000}}}",
		"{\"run\":5}",
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"complete\",\"scope\":\"some\",\"pages\":1,\"items\":1,\"errors\":0}}",
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"complete\",\"scope\":1,\"pages\":1,\"items\":1,\"errors\":0}}",
		"{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\",\"started_at\":\"2026-11-22T10:00:00Z\",\"finished_at\":\"2026-11-22T10:05:00Z\",\"status\":\"failed\",\"pages\":1,\"items\":1,\"errors\":0}}",
	};
	for (size_t i = 0; i < sizeof bad_runs / sizeof bad_runs[0]; i++)
		CHECK_INT(mc_staging_parse_run(&P, bad_runs[i], strlen(bad_runs[i]), &r), -1,
			  "bad run record %zu refused (%s)", i, P.error);
}

static void test_clean_raw(void)
{
	static char big[10000], out[MC_STAGING_RAW_KEEP];
	size_t n;

	n = mc_staging_clean_raw("a\0b\xff" "c", 5, out);
	CHECK(n == 6 && memcmp(out, "ab\xef\xbf\xbd" "c", 6) == 0, "NUL dropped, bad byte replaced");
	memset(big, 'x', sizeof big);
	CHECK_INT(mc_staging_clean_raw(big, sizeof big, out), MC_STAGING_RAW_KEEP, "cut at 4 KiB");
	/* A 2-byte character straddling the 4 KiB limit is dropped whole. */
	big[MC_STAGING_RAW_KEEP - 1] = (char)0xc3;
	big[MC_STAGING_RAW_KEEP] = (char)0xa9;
	CHECK_INT(mc_staging_clean_raw(big, sizeof big, out), MC_STAGING_RAW_KEEP - 1,
		  "cut at a character boundary");
}

int main(void)
{
	mc_staging_parser_init(&P);
	test_reasons();
	test_timestamps();
	test_lengths();
	test_values();
	test_header_and_run();
	test_clean_raw();
	mc_staging_parser_release(&P);
	return tl_exit_status();
}
