/*
 * Xbox store spider, through Microsoft's DisplayCatalog JSON API
 * (displaycatalog.mp.microsoft.com/v7.0/products).
 *
 * Why it exists: DisplayCatalog, the Microsoft Store's catalogue service,
 * answers a list of product ids ("bigIds") for one market and language with
 * every product's SKUs and, per SKU, its availabilities: offers with
 * actions (Purchase, Browse, License, Gift...), markets, a validity window
 * and a price (ListPrice = what is paid, MSRP = the undiscounted price, as
 * JSON numbers in major units).  Most availabilities of a product are not
 * something anyone can buy: licences and details at 0 USD, gift offers,
 * owners' remediation offers at 0, past sales (HistoricalBestAvailabilities),
 * trial SKUs.  This module owns the rule that picks the one offer that is
 * really for sale (docs/spiders.md, "xbox") and the walk: a products
 * request → items, then products requests for the ids those products
 * name as related (bundles they are part of, the game they extend), no
 * deeper.  The API has no paging of the whole catalogue that was saved to
 * test against, so the scope is partial.
 * What it must never do: report a price of an offer that cannot be bought
 * in the request's market at the response time, round a price through
 * floating point, or keep state between callbacks.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "marketcrawl/spider.h"

#define CATALOG "https://displaycatalog.mp.microsoft.com/v7.0/products"

/* Product ids per products request: our choice, untested against the live
 * API (the saved requests carry 6 and 2). */
#define BATCH 20

/* A DisplayCatalog product id: 12 upper-case letters and digits. */
#define ID_RE "^[0-9A-Z]{12}$"

static void parse_products(struct mc_response *res);

/* The seed products, one request per region: the games of the saved
 * responses; the walk adds what they name as related. */
#define SEEDS "bigIds=9NQ0MVSLV0G7,9PJ2RVRC0L1X,9N2ZDN7NWQKV,9NKC1Z4Z92VN,9PH339L3Z99C," \
	      "9NBR63PT4FZC,C5DTJ99626K3,BT5P2X999VH2"

static const struct mc_region regions[] = {
	{.code = "kr",
	 .start_urls = (const char *const[]){CATALOG "?" SEEDS "&market=KR&languages=ko-kr", NULL},
	 .currency = "KRW"},
	{.code = "us",
	 .start_urls = (const char *const[]){CATALOG "?" SEEDS "&market=US&languages=en-us", NULL},
	 .currency = "USD"},
	{NULL},
};

static const char *const allowed_domains[] = {
	"displaycatalog.mp.microsoft.com",
	NULL,
};

static const struct mc_callback callbacks[] = {
	{"parse_products", parse_products},
	{NULL, NULL},
};

const struct mc_spider mc_spider_xbox = {
	.name = "xbox",
	.marketplace = "xbox",
	.start_urls = NULL, /* every region has its own */
	.allowed_domains = allowed_domains,
	.parse = parse_products,
	.scope = MC_SCOPE_PARTIAL, /* seed products and their related ones, not the catalogue */
	.settings = {
		.per_host = 1,
		.delay_ms = 1000,
		/* The seeds (0) and the products they name as related (1). */
		.max_depth = 1,
	},
	.headers = (const char *const[]){"Accept: application/json", NULL},
	.callbacks = callbacks,
	.regions = regions,
};

/* A string member of a JSON object, or NULL. */
static const char *str_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Whether the JSON array `arr` holds the string `s` (ASCII case ignored). */
static bool has_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		if (json_is_string(v) && strcasecmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

/* ---- the time an offer is judged at ------------------------------------ */

/*
 * "2026-07-30T10:00:00.0000000Z" → "2026-07-30T10:00:00" in `out` (UTC to
 * the second, so that strcmp orders times).  False when `text` is not such
 * a time.
 */
static bool iso_second(struct mc_response *res, const char *text, char out[20])
{
	const char *t = text ? mc_regex(res, "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?Z$",
					text, 1) : NULL;

	if (!t)
		return false;
	memcpy(out, t, 19);
	out[19] = '\0';
	return true;
}

/* An HTTP Date ("Thu, 03 Dec 2026 09:28:26 GMT") in the form iso_second gives. */
static bool http_date(struct mc_response *res, const char *text, char out[20])
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *re = "^[A-Z][a-z]{2}, (\\d{2}) ([A-Z][a-z]{2}) (\\d{4}) (\\d{2}:\\d{2}:\\d{2}) GMT$";
	const char *day, *mon, *year, *hms, *m;

	if (!text)
		return false;
	day = mc_regex(res, re, text, 1);
	mon = mc_regex(res, re, text, 2);
	year = mc_regex(res, re, text, 3);
	hms = mc_regex(res, re, text, 4);
	m = mon ? strstr(months, mon) : NULL;
	if (!day || !year || !hms || !m || (m - months) % 3 != 0)
		return false;
	snprintf(out, 20, "%s-%02d-%sT%s", year, (int)(m - months) / 3 + 1, day, hms);
	return true;
}

/*
 * The time offers are judged at, in `out`: the response's Date header (the
 * API's own clock).  Without one (saved pages carry no headers) the newest
 * LastModifiedDate of the products stands in: the answer is at least that
 * recent.  Empty when neither is there: then no dated offer is for sale.
 */
static void response_time(struct mc_response *res, json_t *products, char out[20])
{
	const char *date = mc_response_header(res, "Date");
	char t[20];
	size_t i;
	json_t *p;

	if (date && http_date(res, date, out))
		return;
	if (date)
		mc_response_log(res, "unreadable Date header \"%s\"; using LastModifiedDate", date);
	out[0] = '\0';
	json_array_foreach(products, i, p) {
		if (iso_second(res, str_of(p, "LastModifiedDate"), t) && strcmp(t, out) > 0)
			memcpy(out, t, sizeof t);
	}
}

/* ---- the offer that is for sale ---------------------------------------- */

/*
 * A price number of the JSON as an exact decimal string, or NULL.  jansson
 * keeps no number's text; mc_json_str prints a real with 15 significant
 * digits, which gives back every decimal of at most 15 digits as written
 * (62000.0 → "62000", 47.99 → "47.99").  A text that does not read back as
 * the same double came from a longer number: refused, never rounded.
 */
static const char *exact_price(struct mc_response *res, json_t *price, const char *key)
{
	json_t *v = json_object_get(price, key);
	const char *text;

	if (!json_is_number(v) || json_number_value(v) < 0)
		return NULL;
	text = mc_json_str(res, price, key);
	if (json_is_real(v) && strtod(text, NULL) != json_real_value(v))
		return NULL;
	return text;
}

/* Why an availability is not an offer for sale in `market` at `now`, or
 * NULL when it is one. */
static const char *not_for_sale(struct mc_response *res, json_t *av, const char *market,
				const char *now)
{
	json_t *cond = json_object_get(av, "Conditions");
	json_t *markets = json_object_get(av, "Markets");
	const char *start = str_of(cond, "StartDate"), *end = str_of(cond, "EndDate");
	char from[20] = "", until[20] = "";

	if (!has_string(json_object_get(av, "Actions"), "Purchase"))
		return "no Purchase action";
	if (json_is_array(markets) && !has_string(markets, market))
		return "another market";
	if (json_is_true(json_object_get(av, "RemediationRequired")))
		return "a remediation offer (owners only)";
	if ((start && !iso_second(res, start, from)) || (end && !iso_second(res, end, until)))
		return "an unreadable date";
	if ((start || end) && !now[0])
		return "dated, and no time to judge it at";
	if (start && strcmp(from, now) > 0)
		return "not started";
	if (end && strcmp(until, now) <= 0)
		return "ended";
	if (!exact_price(res, mc_json_get(av, "OrderManagementData.Price"), "ListPrice"))
		return "no price";
	return NULL;
}

/* Why the availabilities of a product were not for sale: reason → count. */
struct why_not {
	const char *reason[8];
	int count[8];
	int kinds;
};

static void why_add(struct why_not *w, const char *reason)
{
	int i;

	for (i = 0; i < w->kinds && strcmp(w->reason[i], reason) != 0; i++)
		;
	if (i == w->kinds && w->kinds < 8)
		w->reason[w->kinds++] = reason;
	if (i < w->kinds)
		w->count[i]++;
}

/* "12 no Purchase action, 1 a trial SKU" in `out`. */
static void why_text(const struct why_not *w, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < w->kinds && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%d %s", i ? ", " : "", w->count[i],
					w->reason[i]);
}

/* The first availability of `dsa` (a DisplaySkuAvailabilities entry, in
 * the API's display order) that is for sale, or NULL; why the others are
 * not goes to `why`. */
static json_t *sku_offer(struct mc_response *res, json_t *dsa, const char *market, const char *now,
			 struct why_not *why)
{
	json_t *sku = json_object_get(dsa, "Sku");
	const char *type = str_of(sku, "SkuType");
	bool full = !sku || (type && strcmp(type, "full") == 0 &&
			     !json_is_true(mc_json_get(sku, "Properties.IsTrial")));
	size_t i;
	json_t *av;

	json_array_foreach(json_object_get(dsa, "Availabilities"), i, av) {
		const char *reason = not_for_sale(res, av, market, now);
		if (!reason && !full)
			reason = "of a trial or not-full SKU";
		if (!reason)
			return av;
		why_add(why, reason);
	}
	return NULL;
}

/* ---- items -------------------------------------------------------------- */

/* "Red Dead Redemption 2: 얼티밋 에디션" → "red-dead-redemption-2": xbox.com
 * reads the product id from the URL, the words before it are free text. */
static void slug_of(const char *title, char *out, size_t cap)
{
	size_t n = 0;
	bool dash = false;

	for (const char *p = title; *p && n + 2 < cap; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0)
				out[n++] = '-';
			out[n++] = c;
			dash = false;
		} else {
			dash = true;
		}
	}
	if (n == 0)
		out[n++] = '_';
	out[n] = '\0';
}

/* The platforms an offer is sold for: Windows.Xbox → "xbox",
 * Windows.Desktop → "pc" (a new reference, or NULL). */
static json_t *platforms_of(json_t *av)
{
	json_t *out = json_array();
	size_t i;
	json_t *p;

	json_array_foreach(mc_json_get(av, "Conditions.ClientConditions.AllowedPlatforms"), i, p) {
		const char *name = str_of(p, "PlatformName");
		if (name && strcmp(name, "Windows.Xbox") == 0)
			json_array_append_new(out, json_string("xbox"));
		else if (name && strcmp(name, "Windows.Desktop") == 0)
			json_array_append_new(out, json_string("pc"));
	}
	if (json_array_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* One product → one item, from the offer for sale of its preferred SKU,
 * else of the first SKU that has one. */
static void emit_product(struct mc_response *res, json_t *product, const char *market,
			 const char *locale, const char *now)
{
	const char *id = str_of(product, "ProductId");
	const char *title = mc_json_str(res, product, "LocalizedProperties.0.ProductTitle");
	const char *preferred = str_of(product, "PreferredSkuId");
	json_t *dsas = json_object_get(product, "DisplaySkuAvailabilities");
	json_t *offer = NULL, *owner = NULL, *dsa, *price;
	const char *list, *sale;
	struct mc_item *it;
	struct why_not why = {0};
	char slug[128], url[512], reasons[512];
	size_t i;

	if (!id) {
		mc_response_log(res, "a product without ProductId (%s); skipped", title ? title : "-");
		return;
	}
	/* Pass 0: the preferred SKU; pass 1: the others, in order. */
	for (int pass = 0; pass < 2 && !offer; pass++) {
		json_array_foreach(dsas, i, dsa) {
			const char *sku = str_of(json_object_get(dsa, "Sku"), "SkuId");
			bool is_preferred = preferred && sku && strcmp(sku, preferred) == 0;
			if (offer || is_preferred != (pass == 0))
				continue;
			offer = sku_offer(res, dsa, market, now, &why);
			owner = dsa;
		}
	}
	if (!offer) {
		why_text(&why, reasons, sizeof reasons);
		mc_response_log(res, "product %s: no offer for sale in market %s (%s); skipped",
				id, market, reasons[0] ? reasons : "no availability");
		return;
	}
	price = mc_json_get(offer, "OrderManagementData.Price");
	sale = exact_price(res, price, "ListPrice");
	list = exact_price(res, price, "MSRP");
	if (list && json_number_value(json_object_get(price, "MSRP")) <=
			    json_number_value(json_object_get(price, "ListPrice")))
		list = NULL;
	slug_of(title ? title : "", slug, sizeof slug);
	snprintf(url, sizeof url, "https://www.xbox.com/%s/games/store/%s/%s", locale, slug, id);
	it = mc_item_new(res);
	mc_item_external_id(it, id);
	mc_item_title(it, title);
	mc_item_url(it, url);
	mc_item_price_exact(it, sale, list, str_of(price, "CurrencyCode"));
	mc_item_availability(it, json_is_true(mc_json_get(owner, "Sku.Properties.IsPreOrder")) ?
					 MC_AVAIL_PREORDER : MC_AVAIL_IN_STOCK);
	mc_item_attr(it, "sku_id", str_of(offer, "SkuId"));
	mc_item_attr(it, "availability_id", str_of(offer, "AvailabilityId"));
	mc_item_attr(it, "product_kind", str_of(product, "ProductKind"));
	mc_item_attr_json(it, "platforms", platforms_of(offer));
	mc_item_emit(it);
}

/* ---- the walk ----------------------------------------------------------- */

/* Whether `id` is one of the products of this response. */
static bool in_response(json_t *products, const char *id)
{
	size_t i;
	json_t *p;

	json_array_foreach(products, i, p) {
		const char *pid = str_of(p, "ProductId");
		if (pid && strcmp(pid, id) == 0)
			return true;
	}
	return false;
}

/* Ask for `ids` (a JSON array of id strings) in products requests of
 * BATCH ids, in the market and language of this response. */
static void follow_ids(struct mc_response *res, json_t *ids, const char *market,
		       const char *languages)
{
	size_t n = json_array_size(ids);

	for (size_t from = 0; from < n; from += BATCH) {
		char list[BATCH * 13 + 1] = "";
		size_t len = 0;
		for (size_t i = from; i < n && i < from + BATCH; i++)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i > from ? "," : "",
						json_string_value(json_array_get(ids, i)));
		const struct mc_param params[] = {
			{"market", market},
			{"languages", languages},
			{NULL, NULL},
		};
		char base[sizeof CATALOG + 8 + sizeof list];
		snprintf(base, sizeof base, CATALOG "?bigIds=%s", list);
		mc_follow(res, mc_url_query(res, base, params), parse_products, NULL);
	}
}

/* The ids the products name as related (MarketProperties[].RelatedProducts),
 * in order of first mention, without those of the response itself. */
static void follow_related(struct mc_response *res, json_t *products, const char *market,
			   const char *languages)
{
	json_t *ids = json_array(), *seen = json_object();
	size_t i, j, k;
	json_t *p, *mp, *rel;

	json_array_foreach(products, i, p) {
		json_array_foreach(json_object_get(p, "MarketProperties"), j, mp) {
			json_array_foreach(json_object_get(mp, "RelatedProducts"), k, rel) {
				const char *id = str_of(rel, "RelatedProductId");
				if (!id || !mc_regex(res, ID_RE, id, 0) || json_object_get(seen, id) ||
				    in_response(products, id))
					continue;
				json_object_set_new(seen, id, json_true());
				json_array_append_new(ids, json_string(id));
			}
		}
	}
	follow_ids(res, ids, market, languages);
	json_decref(seen);
	json_decref(ids);
}

/*
 * A products answer: {"Products":[...]}.  The market and language are the
 * request's (its `market` and `languages` parameters), so a start URL of
 * any market walks that market.
 */
static void parse_products(struct mc_response *res)
{
	const char *url = mc_response_url(res);
	const char *market = mc_regex(res, "[?&]market=([A-Za-z]{2})(&|$)", url, 1);
	const char *languages = mc_regex(res, "[?&]languages=([A-Za-z]{2}-[A-Za-z]{2,4})(&|$)", url, 1);
	json_t *root = mc_response_json(res);
	json_t *products = json_object_get(root, "Products");
	char now[20], locale[16];
	size_t i;
	json_t *p;

	if (!root)
		return; /* mc_response_json said why */
	if (!market || !languages) {
		mc_response_log(res, "a products request without market= and languages=; skipped");
		return;
	}
	if (!json_is_array(products)) {
		mc_response_log(res, "JSON without a \"Products\" array");
		return;
	}
	snprintf(locale, sizeof locale, "%s", languages);
	for (char *c = locale; *c; c++)
		*c = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
	response_time(res, products, now);
	json_array_foreach(products, i, p)
		emit_product(res, p, market, locale, now);
	follow_related(res, products, market, languages);
}
