/*
 * The item builder: spiders fill an item with setters, mc_item_emit
 * validates it against the staging contract (staging/format.h) and
 * serialises it as one JSON line into the response, with the keys always in
 * the same order.  Invalid items are dropped, counted by reason and logged
 * with their URL.  Items live in the response arena until emitted.  The
 * run's region is not the spider's to set: every item of a run with a
 * region carries it (right after `marketplace`), and its currency is the
 * default for prices that name none.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/log.h"
#include "base/utf8.h"
#include "marketcrawl/price.h"
#include "staging/staging.h"
#include "crawler/url.h"
#include "crawler/response_internal.h"

struct mc_item {
	struct mc_response *res;
	char *marketplace, *external_id, *url, *title, *product_key;
	char *price, *list_price, *currency;
	enum mc_availability availability;
	const char *invalid; /* first reason found by a setter, static */
	json_t *attrs;
	bool emitted;
};

static void item_free(void *p)
{
	struct mc_item *it = p;

	free(it->marketplace);
	free(it->external_id);
	free(it->url);
	free(it->title);
	free(it->product_key);
	free(it->price);
	free(it->list_price);
	free(it->currency);
	json_decref(it->attrs);
	free(it);
}

struct mc_item *mc_item_new(struct mc_response *res)
{
	struct mc_item *it = mc_calloc(1, sizeof *it);

	it->res = res;
	it->attrs = json_object();
	mc_response_defer(res, item_free, it);
	return it;
}

/* A trimmed copy of `s` (whitespace incl. U+00A0 at both ends), or NULL. */
static char *trimmed(const char *s)
{
	size_t len;

	if (!s)
		return NULL;
	for (;;) {
		if (isspace((unsigned char)*s))
			s++;
		else if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
			s += 2;
		else
			break;
	}
	len = strlen(s);
	for (;;) {
		if (len && isspace((unsigned char)s[len - 1]))
			len--;
		else if (len >= 2 && (unsigned char)s[len - 2] == 0xC2 &&
			 (unsigned char)s[len - 1] == 0xA0)
			len -= 2;
		else
			break;
	}
	return mc_strndup(s, len);
}

static void set_field(char **field, const char *value)
{
	free(*field);
	*field = trimmed(value);
}

void mc_item_external_id(struct mc_item *it, const char *id)
{
	set_field(&it->external_id, id);
}

void mc_item_title(struct mc_item *it, const char *title)
{
	set_field(&it->title, title);
}

void mc_item_marketplace(struct mc_item *it, const char *marketplace)
{
	set_field(&it->marketplace, marketplace);
}

void mc_item_product_key(struct mc_item *it, const char *key)
{
	set_field(&it->product_key, key);
}

void mc_item_availability(struct mc_item *it, enum mc_availability a)
{
	it->availability = a;
}

void mc_item_url(struct mc_item *it, const char *href)
{
	free(it->url);
	it->url = href ? mc_url_normalize(href, it->res->url) : NULL;
	if (href && !it->url && !it->invalid)
		it->invalid = "bad_url";
}

/* The region's currency, for prices that name none; NULL when no region. */
static const char *region_currency(const struct mc_item *it)
{
	return it->res->region ? it->res->region->currency : NULL;
}

bool mc_item_prices(struct mc_item *it, const char *price, const char *list_price,
		    const char *currency_hint)
{
	struct mc_price p, lp;

	if (!currency_hint)
		currency_hint = region_currency(it);
	if (!price || !mc_price_parse(price, currency_hint, 0, &p)) {
		if (!it->invalid)
			it->invalid = "bad_price";
		return false;
	}
	free(it->price);
	it->price = mc_strdup(p.amount);
	free(it->list_price);
	it->list_price = NULL;
	if (list_price && mc_price_parse(list_price, currency_hint, 0, &lp))
		it->list_price = mc_strdup(lp.amount);
	const char *iso = p.currency[0] ? p.currency : NULL;
	if (!iso && currency_hint)
		iso = mc_currency_iso(currency_hint);
	free(it->currency);
	it->currency = iso ? mc_strdup(iso) : NULL;
	return true;
}

void mc_item_price_exact(struct mc_item *it, const char *price, const char *list_price,
			 const char *currency)
{
	set_field(&it->price, price);
	set_field(&it->list_price, list_price);
	set_field(&it->currency, currency ? currency : region_currency(it));
}

void mc_item_attr(struct mc_item *it, const char *key, const char *value)
{
	json_t *v;

	if (!key || !value)
		return;
	v = json_string(value);
	if (v)
		json_object_set_new(it->attrs, key, v);
}

void mc_item_attr_json(struct mc_item *it, const char *key, json_t *value)
{
	if (!key || !value) {
		json_decref(value);
		return;
	}
	json_object_set_new(it->attrs, key, value);
}

#define F(key) (&mc_staging_fields[key])

/* An exact decimal the loader takes (staging/format.h). */
static bool valid_decimal(const char *s)
{
	return s && mc_staging_decimal(s, strlen(s)) == MC_DECIMAL_OK;
}

static const char *availability_name(enum mc_availability a)
{
	switch (a) {
	case MC_AVAIL_IN_STOCK:
		return mc_staging_availability_names[MC_STAGING_IN_STOCK];
	case MC_AVAIL_OUT_OF_STOCK:
		return mc_staging_availability_names[MC_STAGING_OUT_OF_STOCK];
	case MC_AVAIL_PREORDER:
		return mc_staging_availability_names[MC_STAGING_PREORDER];
	default:
		return mc_staging_availability_names[MC_STAGING_UNKNOWN];
	}
}

/* A text field: NULL or "" is its missing reason, more characters than
 * the loader takes its too_long reason, a character outside the field's
 * set (the marketplace's [a-z0-9_.-]) its bad reason. */
static const char *text_rule(enum mc_staging_key key, const char *s)
{
	if (!s || !*s)
		return F(key)->missing;
	if (F(key)->max && mc_utf8_count(s, strlen(s)) > F(key)->max)
		return F(key)->too_long;
	if (F(key)->charset && s[strspn(s, F(key)->charset)] != '\0')
		return F(key)->bad;
	return NULL;
}

/* The first reason this item breaks the contract, or NULL. */
static const char *validate(const struct mc_item *it)
{
	const char *why = it->invalid;

	if (!why)
		why = text_rule(MC_KEY_MARKETPLACE, it->marketplace);
	if (!why)
		why = text_rule(MC_KEY_EXTERNAL_ID, it->external_id);
	if (!why)
		why = text_rule(MC_KEY_URL, it->url);
	if (!why)
		why = text_rule(MC_KEY_TITLE, it->title);
	if (!why && !it->price)
		why = F(MC_KEY_PRICE)->missing;
	/* A bad list price drops the item under the price's reason. */
	if (!why && (!valid_decimal(it->price) || (it->list_price && !valid_decimal(it->list_price))))
		why = F(MC_KEY_PRICE)->bad;
	/* No currency at all is a bad one too: the spider found no price text
	 * naming it and the run has no region to supply it. */
	if (!why && !(it->currency && mc_staging_currency_ok(it->currency, strlen(it->currency))))
		why = F(MC_KEY_CURRENCY)->bad;
	if (!why && it->product_key && *it->product_key)
		why = text_rule(MC_KEY_PRODUCT_KEY, it->product_key);
	if (!why && json_dumpb(it->attrs, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER) >
			    F(MC_KEY_ATTRS)->max)
		why = F(MC_KEY_ATTRS)->too_long;
	return why;
}

/* Set obj[key] to the string `s` (or null); a string that is not valid
 * UTF-8 sets *reason instead. */
static void put(json_t *obj, const char *key, const char *s, const char **reason)
{
	json_t *v = s ? json_string(s) : json_null();

	if (!v) {
		*reason = "bad_utf8";
		v = json_null();
	}
	json_object_set_new(obj, key, v);
}

static int append_json(const char *p, size_t n, void *buf)
{
	return mc_buf_add(buf, p, n);
}

bool mc_item_emit(struct mc_item *it)
{
	struct mc_response *res = it->res;
	const char *reason;
	json_t *obj;

	if (it->emitted)
		return false;
	it->emitted = true;
	if (!it->marketplace && res->spider && res->spider->marketplace)
		it->marketplace = mc_strdup(res->spider->marketplace);
	if (!it->url && res->url)
		it->url = mc_strdup(res->url);
	reason = validate(it);
	if (!reason) {
		/* Every field in the contract's order; the region only in a run
		 * that has one, the product key as null when there is none. */
		const char *v[MC_STAGING_NOBS] = {
			[MC_KEY_MARKETPLACE] = it->marketplace,
			[MC_KEY_REGION] = res->region ? res->region->code : NULL,
			[MC_KEY_EXTERNAL_ID] = it->external_id,
			[MC_KEY_URL] = it->url,
			[MC_KEY_TITLE] = it->title,
			[MC_KEY_PRICE] = it->price,
			[MC_KEY_LIST_PRICE] = it->list_price,
			[MC_KEY_CURRENCY] = it->currency,
			[MC_KEY_AVAILABILITY] = availability_name(it->availability),
			[MC_KEY_OBSERVED_AT] = res->observed_at,
			[MC_KEY_PRODUCT_KEY] = it->product_key,
		};
		obj = json_object();
		for (int k = 0; k < MC_STAGING_NOBS; k++) {
			if (k == MC_KEY_ATTRS)
				json_object_set(obj, F(k)->name, it->attrs);
			else if (k != MC_KEY_REGION || v[k])
				put(obj, F(k)->name, v[k], &reason);
		}
		/* Straight into the response's item buffer: no allocation to
		 * match with the library's free (page_arena.h). */
		size_t mark = res->items.len;
		if (!reason && json_dump_callback(obj, append_json, &res->items,
						  JSON_COMPACT | JSON_PRESERVE_ORDER) != 0) {
			res->items.len = mark;
			if (res->items.data)
				res->items.data[mark] = '\0';
			reason = "bad_utf8";
		}
		json_decref(obj);
	}
	if (reason) {
		mc_response_count_drop(res, reason);
		if (res->log_budget-- > 0)
			mc_warn("item dropped (%s): external_id=%s at %s", reason,
				it->external_id ? it->external_id : "-", res->url);
		return false;
	}
	mc_buf_addc(&res->items, '\n');
	res->items_ok++;
	return true;
}
