/*
 * libFuzzer target: the loader's staging-line parser (staging/staging_line.c,
 * staging/staging.h), the loader's only view of outside input.
 * Every input is parsed as an observation line, as a header (line 1) and as
 * a run record, and cleaned as a rejected line's raw_line.  The header
 * promises that an accepted value is one PostgreSQL is guaranteed to
 * accept, so each accepted field is checked against its contract with
 * checks written independently of the parser: valid UTF-8 without NUL,
 * length limits in characters, the decimal, currency, availability and
 * timestamp formats, and attrs JSON without the escapes jsonb refuses
 * (\u0000, unpaired surrogates).  A reject must carry a reason name.
 * Built by scripts/fuzz.sh; replayed by tests/unit/test_fuzz_regressions.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "staging/staging.h"

#include "fuzz_common.c"

static size_t fuzz_stg_chars(struct mc_span s)
{
	size_t n = 0;

	for (size_t i = 0; i < s.n; i++)
		n += ((unsigned char)s.p[i] & 0xC0) != 0x80;
	return n;
}

/* A present text value: 1..max characters of UTF-8 without NUL. */
static void fuzz_stg_text(struct mc_span s, size_t max)
{
	FUZZ_ASSERT(s.p != NULL);
	if (!s.p)
		return;
	FUZZ_ASSERT(s.n > 0);
	FUZZ_ASSERT(memchr(s.p, '\0', s.n) == NULL);
	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)s.p, s.n));
	FUZZ_ASSERT(fuzz_stg_chars(s) <= max);
}

static bool fuzz_stg_is(struct mc_span s, const char *word)
{
	return s.p && s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

/* A value numeric(18, 6) >= 0 takes: [0-9]+(\.[0-9]{1,6})? with at most 12
 * integer digits once leading zeros are dropped. */
static bool fuzz_stg_decimal(struct mc_span s)
{
	size_t i = 0, d = 0, f = 0, sig = 0;

	while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
		if (sig || s.p[i] != '0')
			sig++;
		i++;
		d++;
	}
	if (d < 1 || sig > 12)
		return false;
	if (i == s.n)
		return true;
	if (s.p[i++] != '.')
		return false;
	while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') {
		i++;
		f++;
	}
	return i == s.n && f >= 1 && f <= 6;
}

/* "YYYY-MM-DD HH:MM:SS.ffffff+00" */
static bool fuzz_stg_timestamp(struct mc_span s)
{
	static const char shape[] = "0000-00-00 00:00:00.000000+00";

	if (!s.p || s.n != sizeof shape - 1)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (shape[i] == '0' ? !(s.p[i] >= '0' && s.p[i] <= '9') : s.p[i] != shape[i])
			return false;
	}
	return true;
}

static int fuzz_stg_hex4(const char *p, size_t left)
{
	int v = 0;

	if (left < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* An object's JSON text as jsonb will take it: UTF-8, no NUL byte, no
 * \u0000 escape, every \uD800-\uDBFF followed by \uDC00-\uDFFF and no
 * lone low surrogate (attrs and the run record are jsonb columns). */
static void fuzz_stg_jsonb(struct mc_span s)
{
	FUZZ_ASSERT(s.p != NULL && s.n >= 2);
	if (!s.p || s.n < 2)
		return;
	FUZZ_ASSERT(s.p[0] == '{' && s.p[s.n - 1] == '}');
	FUZZ_ASSERT(memchr(s.p, '\0', s.n) == NULL);
	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)s.p, s.n));
	for (size_t i = 0; i < s.n; i++) {
		int v;

		if (s.p[i] != '\\')
			continue;
		i++;
		if (i >= s.n || s.p[i] != 'u')
			continue;
		v = fuzz_stg_hex4(s.p + i + 1, s.n - i - 1);
		FUZZ_ASSERT(v > 0);
		if (v >= 0xD800 && v <= 0xDBFF) {
			size_t j = i + 5;
			int lo = j + 1 < s.n && s.p[j] == '\\' && s.p[j + 1] == 'u' ?
					 fuzz_stg_hex4(s.p + j + 2, s.n - j - 2) : -1;

			FUZZ_ASSERT(lo >= 0xDC00 && lo <= 0xDFFF);
			i = j + 5;
		} else {
			FUZZ_ASSERT(!(v >= 0xDC00 && v <= 0xDFFF));
			i += 4;
		}
	}
}

/* A region: "" (none) or 1..MC_STAGING_MAX_REGION of [a-z0-9_-]. */
static void fuzz_stg_region(struct mc_span s)
{
	FUZZ_ASSERT(s.p != NULL);
	FUZZ_ASSERT(s.n <= MC_STAGING_MAX_REGION);
	for (size_t i = 0; s.p && i < s.n; i++) {
		char c = s.p[i];
		FUZZ_ASSERT((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
	}
}

static void fuzz_stg_obs(const struct mc_staging_obs *o)
{
	fuzz_stg_text(o->marketplace, 100);
	for (size_t i = 0; o->marketplace.p && i < o->marketplace.n; i++) {
		char c = o->marketplace.p[i];
		FUZZ_ASSERT((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
			    c == '-');
	}
	fuzz_stg_text(o->external_id, 200);
	fuzz_stg_text(o->url, 2000);
	FUZZ_ASSERT(o->url.p && ((o->url.n > 7 && memcmp(o->url.p, "http://", 7) == 0) ||
				 (o->url.n > 8 && memcmp(o->url.p, "https://", 8) == 0)));
	fuzz_stg_text(o->title, 1000);
	FUZZ_ASSERT(fuzz_stg_decimal(o->price));
	FUZZ_ASSERT(o->list_price.p == NULL || fuzz_stg_decimal(o->list_price));
	FUZZ_ASSERT(o->currency.p && o->currency.n == 3 && o->currency.p[0] >= 'A' &&
		    o->currency.p[0] <= 'Z' && o->currency.p[1] >= 'A' && o->currency.p[1] <= 'Z' &&
		    o->currency.p[2] >= 'A' && o->currency.p[2] <= 'Z');
	FUZZ_ASSERT(fuzz_stg_is(o->availability, "in_stock") ||
		    fuzz_stg_is(o->availability, "out_of_stock") ||
		    fuzz_stg_is(o->availability, "preorder") || fuzz_stg_is(o->availability, "unknown"));
	FUZZ_ASSERT(fuzz_stg_timestamp(o->observed_at));
	if (o->product_key.p)
		fuzz_stg_text(o->product_key, 200);
	fuzz_stg_jsonb(o->attrs);
	FUZZ_ASSERT(o->attrs.n <= MC_STAGING_MAX_ATTRS);
	fuzz_stg_region(o->region);
}

static int fuzz_staging_line_one(const uint8_t *data, size_t size)
{
	static struct mc_staging_parser p;
	static bool ready;
	const char *line = (const char *)data;
	struct mc_staging_obs obs;
	struct mc_staging_header h;
	struct mc_staging_run r;
	enum mc_staging_kind kind;
	char *raw;
	size_t raw_len;

	if (!ready) {
		mc_staging_parser_init(&p);
		ready = true;
	}
	if (size <= MC_STAGING_MAX_LINE) {
		memset(&obs, 0, sizeof obs);
		kind = mc_staging_parse_line(&p, line, size, &obs);
		FUZZ_ASSERT(kind == MC_STAGING_OBS || kind == MC_STAGING_RUN || kind == MC_STAGING_REJECT);
		if (kind == MC_STAGING_OBS)
			fuzz_stg_obs(&obs);
		if (kind == MC_STAGING_REJECT) {
			FUZZ_ASSERT(p.reason != NULL && p.reason[0] != '\0');
			for (const char *c = p.reason ? p.reason : ""; *c; c++)
				FUZZ_ASSERT((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_');
		}
	}

	if (mc_staging_parse_header(&p, line, size, &h) == 0) {
		fuzz_stg_text(h.spider, 100);
		for (size_t i = 0; h.spider.p && i < h.spider.n; i++) {
			char c = h.spider.p[i];
			FUZZ_ASSERT((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
		}
		fuzz_stg_text(h.run_id, 200);
		FUZZ_ASSERT(h.run_id.p && memchr(h.run_id.p, '/', h.run_id.n) == NULL);
		FUZZ_ASSERT(fuzz_stg_timestamp(h.started_at));
	} else {
		FUZZ_ASSERT(p.error[0] != '\0' && memchr(p.error, '\0', sizeof p.error) != NULL);
	}

	if (mc_staging_parse_run(&p, line, size, &r) == 0) {
		fuzz_stg_text(r.spider, 100);
		fuzz_stg_text(r.run_id, 200);
		FUZZ_ASSERT(fuzz_stg_is(r.status, "complete") || fuzz_stg_is(r.status, "partial") ||
			    fuzz_stg_is(r.status, "aborted") || fuzz_stg_is(r.status, "suspect"));
		FUZZ_ASSERT(fuzz_stg_is(r.scope, "full") || fuzz_stg_is(r.scope, "partial"));
		fuzz_stg_region(r.region);
		FUZZ_ASSERT(fuzz_stg_timestamp(r.started_at));
		FUZZ_ASSERT(fuzz_stg_timestamp(r.finished_at));
		fuzz_stg_jsonb(r.record);
	}

	raw = mc_malloc(MC_STAGING_RAW_KEEP);
	raw_len = mc_staging_clean_raw(line, size, raw);
	FUZZ_ASSERT(raw_len <= MC_STAGING_RAW_KEEP);
	FUZZ_ASSERT(memchr(raw, '\0', raw_len) == NULL);
	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)raw, raw_len));
	free(raw);
	return 0;
}

#ifndef MC_FUZZ_REGRESSION
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_staging_line_one(data, size);
}
#endif
