/*
 * The staging format's one definition (staging/format.h): the member
 * table, the name lists and the few rules that are more than a limit
 * (decimal prices, currency codes).  Changing a limit, a name or a reason
 * here changes the reader and the writer together; the SQL columns listed
 * per member are probed by tests/integration/staging_contract.sh.
 */
#include <stdio.h>
#include <string.h>

#include "staging/format.h"

const char *const mc_staging_availability_names[] = {"in_stock", "out_of_stock", "preorder",
						     "unknown", NULL};
const char *const mc_staging_status_names[] = {"complete", "partial", "aborted", "suspect", NULL};
const char *const mc_staging_scope_names[] = {"full", "partial", NULL};

#define MARKETPLACE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_.-"
#define REGION_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"
#define SPIDER_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"
#define RUN_ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:+-"

/* Reasons of an observation field F: missing_F, bad_F, too_long_F, duplicate_F. */
#define REASONS(f) "missing_" f, "bad_" f, "too_long_" f, "duplicate_" f
#define COLUMNS(...) ((const struct mc_staging_column[]){__VA_ARGS__, {NULL, false}})
#define EXACT(c) {c, true}
#define HOLDS(c) {c, false}

const struct mc_staging_field mc_staging_fields[MC_STAGING_NKEYS] = {
	[MC_KEY_MARKETPLACE] = {"marketplace", MC_STAGING_TEXT, MC_LINE_OBS, true, 100,
				MARKETPLACE_CHARS, NULL, REASONS("marketplace"), NULL, NULL,
				COLUMNS(EXACT("core.marketplace.marketplace"),
					HOLDS("stg.observation.marketplace"))},
	/* Compared in bytes: every allowed character is one byte. */
	[MC_KEY_REGION] = {"region", MC_STAGING_TEXT, MC_LINE_OBS | MC_LINE_RUN, false,
			   MC_STAGING_MAX_REGION, REGION_CHARS, NULL, REASONS("region"), NULL, NULL,
			   COLUMNS(EXACT("stg.observation.region"), EXACT("core.listing.region"),
				   EXACT("stg.loaded_file.run_region"))},
	[MC_KEY_EXTERNAL_ID] = {"external_id", MC_STAGING_TEXT, MC_LINE_OBS, true, 200, NULL, NULL,
				REASONS("external_id"), NULL, NULL,
				COLUMNS(EXACT("core.listing.external_id"),
					HOLDS("stg.observation.external_id"))},
	[MC_KEY_URL] = {"url", MC_STAGING_URL, MC_LINE_OBS, true, 2000, NULL, NULL, REASONS("url"),
			NULL, NULL,
			COLUMNS(HOLDS("core.listing.url"), HOLDS("stg.observation.url"))},
	[MC_KEY_TITLE] = {"title", MC_STAGING_TEXT, MC_LINE_OBS, true, 1000, NULL, NULL,
			  REASONS("title"), NULL, NULL,
			  COLUMNS(HOLDS("core.listing.title"), HOLDS("stg.observation.title"))},
	[MC_KEY_PRICE] = {"price", MC_STAGING_DECIMAL, MC_LINE_OBS, true, 0, NULL, NULL,
			  REASONS("price"), "negative_price", "absurd_price",
			  COLUMNS(EXACT("stg.observation.price"),
				  HOLDS("core.price_history.price"))},
	[MC_KEY_LIST_PRICE] = {"list_price", MC_STAGING_DECIMAL, MC_LINE_OBS, false, 0, NULL, NULL,
			       REASONS("list_price"), "negative_list_price", "absurd_list_price",
			       COLUMNS(EXACT("stg.observation.list_price"),
				       HOLDS("core.price_history.list_price"))},
	[MC_KEY_CURRENCY] = {"currency", MC_STAGING_CURRENCY, MC_LINE_OBS, true, 0, NULL, NULL,
			     REASONS("currency"), NULL, NULL,
			     COLUMNS(EXACT("core.currency.currency"), HOLDS("stg.observation.currency"))},
	[MC_KEY_AVAILABILITY] = {"availability", MC_STAGING_NAME, MC_LINE_OBS, true, 0, NULL,
				 mc_staging_availability_names, REASONS("availability"), NULL, NULL,
				 COLUMNS(EXACT("stg.observation.availability"),
					 EXACT("core.availability_history.availability"))},
	/* A timestamp too long to be one is simply bad. */
	[MC_KEY_OBSERVED_AT] = {"observed_at", MC_STAGING_TIMESTAMP, MC_LINE_OBS, true,
				MC_STAGING_MAX_TIMESTAMP, NULL, NULL, "missing_observed_at",
				"bad_timestamp", "bad_timestamp", "duplicate_observed_at", NULL, NULL,
				COLUMNS(HOLDS("stg.observation.observed_at"),
					HOLDS("stg.listing_state.observed_at"))},
	/* "" means none. */
	[MC_KEY_PRODUCT_KEY] = {"product_key", MC_STAGING_TEXT, MC_LINE_OBS, false, 200, NULL, NULL,
				REASONS("product_key"), NULL, NULL,
				COLUMNS(EXACT("core.product.product_key"),
					HOLDS("stg.observation.product_key"))},
	[MC_KEY_ATTRS] = {"attrs", MC_STAGING_OBJECT, MC_LINE_OBS, false, MC_STAGING_MAX_ATTRS, NULL,
			  NULL, REASONS("attrs"), NULL, NULL,
			  COLUMNS(EXACT("core.listing.attrs"), HOLDS("stg.observation.attrs"))},

	/* The header and the run record: a broken one refuses the whole file,
	 * with a message rather than a reason. */
	[MC_KEY_RUN] = {"run", MC_STAGING_OBJECT, MC_LINE_RUN, true, 0, NULL, NULL,
			NULL, NULL, NULL, NULL, NULL, NULL,
			COLUMNS(HOLDS("stg.loaded_file.run_record"))},
	[MC_KEY_FORMAT] = {"format", MC_STAGING_LITERAL, MC_LINE_HEADER, true, 0, NULL, NULL,
			   NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	[MC_KEY_VERSION] = {"version", MC_STAGING_LITERAL, MC_LINE_HEADER, true, 0, NULL, NULL,
			    NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	[MC_KEY_SPIDER] = {"spider", MC_STAGING_TEXT, MC_LINE_HEADER | MC_LINE_RUN, true, 100,
			   SPIDER_CHARS, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
			   COLUMNS(HOLDS("core.spider.spider"), HOLDS("stg.loaded_file.spider"))},
	[MC_KEY_RUN_ID] = {"run_id", MC_STAGING_TEXT, MC_LINE_HEADER | MC_LINE_RUN, true, 200,
			   RUN_ID_CHARS, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
			   COLUMNS(HOLDS("core.crawl_run.run_id"), HOLDS("stg.loaded_file.run_id"))},
	[MC_KEY_STARTED_AT] = {"started_at", MC_STAGING_TIMESTAMP, MC_LINE_HEADER | MC_LINE_RUN,
			       true, MC_STAGING_MAX_TIMESTAMP, NULL, NULL, NULL, NULL, NULL, NULL,
			       NULL, NULL,
			       COLUMNS(HOLDS("stg.loaded_file.run_started_at"),
				       HOLDS("core.crawl_run.started_at"))},
	[MC_KEY_FINISHED_AT] = {"finished_at", MC_STAGING_TIMESTAMP, MC_LINE_RUN, true,
				MC_STAGING_MAX_TIMESTAMP, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				NULL,
				COLUMNS(HOLDS("stg.loaded_file.run_finished_at"),
					HOLDS("core.crawl_run.finished_at"))},
	/* Names longer than max are refused before they are compared. */
	[MC_KEY_STATUS] = {"status", MC_STAGING_NAME, MC_LINE_RUN, true, 20, NULL,
			   mc_staging_status_names, NULL, NULL, NULL, NULL, NULL, NULL,
			   COLUMNS(EXACT("stg.loaded_file.run_status"), EXACT("core.crawl_run.status"),
				   EXACT("core.crawl_run.health"))},
	/* Absent: "full" (files from before scopes existed). */
	[MC_KEY_SCOPE] = {"scope", MC_STAGING_NAME, MC_LINE_RUN, false, 10, NULL,
			  mc_staging_scope_names, NULL, NULL, NULL, NULL, NULL, NULL,
			  COLUMNS(EXACT("stg.loaded_file.run_scope"), EXACT("core.crawl_run.scope"))},
	[MC_KEY_PAGES] = {"pages", MC_STAGING_INTEGER, MC_LINE_RUN, true, 0, NULL, NULL, NULL, NULL,
			  NULL, NULL, NULL, NULL, COLUMNS(EXACT("core.crawl_run.pages"))},
	[MC_KEY_ITEMS] = {"items", MC_STAGING_INTEGER, MC_LINE_RUN, true, 0, NULL, NULL, NULL, NULL,
			  NULL, NULL, NULL, NULL, COLUMNS(EXACT("core.crawl_run.items"))},
	[MC_KEY_ERRORS] = {"errors", MC_STAGING_INTEGER, MC_LINE_RUN, true, 0, NULL, NULL, NULL,
			   NULL, NULL, NULL, NULL, NULL, COLUMNS(EXACT("core.crawl_run.errors"))},
	[MC_KEY_STATS] = {"stats", MC_STAGING_OBJECT, MC_LINE_RUN, false, 0, NULL, NULL, NULL, NULL,
			  NULL, NULL, NULL, NULL, COLUMNS(EXACT("core.crawl_run.stats"))},
};

bool mc_staging_name_in(const char *const *names, const char *s, size_t n)
{
	for (; *names; names++)
		if (strlen(*names) == n && memcmp(*names, s, n) == 0)
			return true;
	return false;
}

void mc_staging_names_text(const char *const *names, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; names[i] && used < size; i++) {
		const char *sep = i == 0 ? "" : names[i + 1] ? ", " : " or ";
		int n = snprintf(out + used, size - used, "%s%s", sep, names[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

bool mc_staging_currency_ok(const char *s, size_t n)
{
	if (n != 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

enum mc_staging_decimal mc_staging_decimal(const char *s, size_t n)
{
	size_t i = 0, int_start, int_end, sig;
	bool negative = false, nonzero = false;

	if (n == 0 || n > MC_STAGING_MAX_PRICE_TEXT)
		return MC_DECIMAL_BAD;
	if (s[0] == '-') {
		negative = true;
		i = 1;
	}
	int_start = i;
	while (i < n && is_digit(s[i]))
		nonzero |= s[i++] != '0';
	int_end = i;
	if (int_end == int_start)
		return MC_DECIMAL_BAD;
	if (i < n && s[i] == '.') {
		size_t frac_start = ++i;
		while (i < n && is_digit(s[i]))
			nonzero |= s[i++] != '0';
		if (i == frac_start || i - frac_start > MC_STAGING_PRICE_SCALE)
			return MC_DECIMAL_BAD;
	}
	if (i != n)
		return MC_DECIMAL_BAD;
	if (negative && nonzero)
		return MC_DECIMAL_NEGATIVE;
	for (sig = int_start; sig < int_end && s[sig] == '0'; sig++)
		;
	if (int_end - sig > MC_STAGING_PRICE_DIGITS)
		return MC_DECIMAL_ABSURD;
	return MC_DECIMAL_OK;
}

const char *mc_staging_decimal_reason(enum mc_staging_key key, enum mc_staging_decimal verdict)
{
	const struct mc_staging_field *f = &mc_staging_fields[key];

	switch (verdict) {
	case MC_DECIMAL_OK:
		return NULL;
	case MC_DECIMAL_NEGATIVE:
		return f->negative;
	case MC_DECIMAL_ABSURD:
		return f->absurd;
	default:
		return f->bad;
	}
}
