/*
 * Epic Games Store spider (store.epicgames.com).
 *
 * Why it exists: the store has no catalogue pages a crawler can read, but
 * its GraphQL API answers `searchStore` with every offer of a country, page
 * by page, each with its final and original price in minor units
 * (`price.totalPrice.discountPrice` / `originalPrice`, with
 * `currencyInfo.decimals`).  A run posts the query from start 0 until the
 * answer's `paging.total`, so it sees the whole catalogue (scope full): a
 * sale that ends shows as a price increase, a giveaway (100% off) as price
 * 0 with its list price.
 *
 * One run reads one country, its region's: the region's `.start_opts`
 * make the run's start request the first search POST of that country
 * (start 0, a constant body, data "COUNTRY LOCALE 0").  Every search
 * request carries "COUNTRY LOCALE START" as its data, so the next page
 * follows from it.
 *
 * What it must never do: take the element's `currentPrice` for the price
 * (it is the original price, whatever the discount), report an offer that
 * is only redeemable by code (the giveaways' "Mystery Game" placeholders)
 * or has no price in the country, invent a decimals count, or keep state
 * between callbacks.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/spider.h"

static void parse_search(struct mc_response *res);

#define SEARCH_URL "https://store.epicgames.com/graphql"
/* Offers asked for per request (the store's own browse page asks for 40). */
#define PAGE_SIZE "40"
/* The categories the store's search offers (games, editions, bundles,
 * add-ons, demos, software, experiences, subscriptions). */
#define CATEGORIES                                                                 \
	"games/edition/base|bundles/games|games/edition|editors|addons|games/demo|" \
	"software/edition/base|games/experience|subscription"

/*
 * The query, as it stands inside the body's JSON string (its quotes
 * escaped).  Only the fields the spider reads.  price(country:) gives the
 * totalPrice in the country's currency; `@include` keeps the query valid
 * where the price is not wanted (the store's own clients send it the same
 * way).
 */
#define SEARCH_QUERY                                                                        \
	"query searchStoreQuery($allowCountries: String, $category: String, $count: Int, "  \
	"$country: String!, $keywords: String, $locale: String, $sortBy: String, "          \
	"$sortDir: String, $start: Int, $withPrice: Boolean = false) { Catalog { "          \
	"searchStore(allowCountries: $allowCountries, category: $category, count: $count, " \
	"country: $country, keywords: $keywords, locale: $locale, sortBy: $sortBy, "        \
	"sortDir: $sortDir, start: $start) { elements { id namespace title "                \
	"isCodeRedemptionOnly productSlug urlSlug offerMappings { pageSlug pageType } "     \
	"catalogNs { mappings(pageType: \\\"productHome\\\") { pageSlug pageType } } "      \
	"categories { path } seller { name } developerDisplayName publisherDisplayName "    \
	"releaseDate prePurchase price(country: $country) @include(if: $withPrice) { "      \
	"totalPrice { discountPrice originalPrice discount currencyCode currencyInfo { "    \
	"decimals } } lineOffers { appliedRules { endDate } } } } paging { count total } } } }"

/*
 * The body of a search POST: the query and its variables as compact JSON
 * in a fixed key order, so the same page is always the same bytes (the
 * duplicate filter and the saved-page replay both key on them).  COUNTRY,
 * LOCALE and START are string literals pasted in, COUNTRY twice
 * (allowCountries, country): a region's first body is a constant, and
 * follow_search uses the same text as a printf format for the next pages.
 * The text holds no '%' of its own.
 */
#define SEARCH_BODY(country, locale, start)                                              \
	"{\"query\":\"" SEARCH_QUERY "\",\"variables\":{\"allowCountries\":\"" country     \
	"\",\"category\":\"" CATEGORIES "\",\"count\":" PAGE_SIZE ",\"country\":\"" country \
	"\",\"keywords\":\"\",\"locale\":\"" locale "\",\"sortBy\":\"releaseDate\","         \
	"\"sortDir\":\"DESC\",\"start\":" start ",\"withPrice\":true}}"

static const char *const search_headers[] = {"Accept: application/json", NULL};

/* A region's start request: the search of its country and locale at 0. */
#define SEARCH_START(country, locale)                                          \
	{                                                                      \
		.data = country " " locale " 0", .method = MC_POST,            \
		.body = SEARCH_BODY(country, locale, "0"),                     \
		.content_type = "application/json", .headers = search_headers, \
	}

static const struct mc_follow_opts start_us = SEARCH_START("US", "en-US");
static const struct mc_follow_opts start_de = SEARCH_START("DE", "de");
static const struct mc_follow_opts start_se = SEARCH_START("SE", "en-US");

static const char *const start_urls[] = {
	SEARCH_URL,
	NULL,
};

static const char *const allowed_domains[] = {
	"store.epicgames.com",
	NULL,
};

/* The first region is the default (a cron line without --region).  Every
 * region posts its own body to the one start URL. */
static const struct mc_region regions[] = {
	{.code = "us", .start_opts = &start_us, .currency = "USD"},
	{.code = "de", .start_opts = &start_de, .currency = "EUR"},
	{.code = "se", .start_opts = &start_se, .currency = "SEK"},
	{NULL},
};

static const struct mc_callback callbacks[] = {
	{"parse_search", parse_search},
	{NULL, NULL},
};

const struct mc_spider mc_spider_epic = {
	.name = "epic",
	.marketplace = "epic",
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_search,
	.scope = MC_SCOPE_FULL,
	.settings = {
		.per_host = 1,
		.delay_ms = 1000,
	},
	.callbacks = callbacks,
	.regions = regions,
};

/* Where a search request stands: the paging state its data carries. */
struct search_state {
	char country[3];
	char locale[17];
	json_int_t start;
};

/* "US en-US 40" → state; false when the data is missing or malformed. */
static bool state_from_data(struct mc_response *res, struct search_state *st)
{
	static const char pattern[] = "^([A-Z]{2}) ([A-Za-z-]{2,16}) ([0-9]{1,9})$";
	const char *data = mc_response_data(res);

	if (!mc_regex(res, pattern, data, 0))
		return false;
	snprintf(st->country, sizeof st->country, "%s", mc_regex(res, pattern, data, 1));
	snprintf(st->locale, sizeof st->locale, "%s", mc_regex(res, pattern, data, 2));
	st->start = (json_int_t)strtol(mc_regex(res, pattern, data, 3), NULL, 10);
	return true;
}

/*
 * POST the search page of `st` (country, locale, start) to SEARCH_URL:
 * SEARCH_BODY with the state filled in, byte for byte what a region's
 * start body is at start 0.
 */
static void follow_search(struct mc_response *res, const struct search_state *st)
{
	char body[sizeof SEARCH_BODY("", "", "") + 2 * sizeof st->country + sizeof st->locale + 24];
	char data[64];
	/* allowCountries, country, locale, start: the order SEARCH_BODY names them. */
	int len = snprintf(body, sizeof body, SEARCH_BODY("%s", "%s", "%" JSON_INTEGER_FORMAT),
			   st->country, st->country, st->locale, st->start);

	if (len < 0 || (size_t)len >= sizeof body) {
		mc_response_log(res, "cannot encode the search request (start=%" JSON_INTEGER_FORMAT ")",
				st->start);
		return;
	}
	snprintf(data, sizeof data, "%s %s %" JSON_INTEGER_FORMAT, st->country, st->locale,
		 st->start);
	mc_follow(res, SEARCH_URL, parse_search,
		  &(const struct mc_follow_opts){.data = data,
						 .method = MC_POST,
						 .body = body,
						 .body_len = (size_t)len,
						 .content_type = "application/json",
						 .headers = search_headers});
}

/*
 * The page of the offer: its own mapping (offerMappings: a game's
 * productHome, an add-on's page), else the product's slug ("[]" and
 * ".../home" are the store's placeholders), else the namespace's product
 * home.  NULL when the offer names none.
 */
static const char *offer_url(struct mc_response *res, json_t *el)
{
	const char *slug = mc_json_str(res, el, "offerMappings.0.pageSlug");
	char url[512];

	if (!slug || !*slug) {
		slug = mc_regex(res, "^([a-z0-9][a-z0-9-]*)(/home)?$",
				mc_json_str(res, el, "productSlug"), 1);
	}
	if (!slug || !*slug)
		slug = mc_json_str(res, el, "catalogNs.mappings.0.pageSlug");
	if (!slug || !*slug || strlen(slug) > 400)
		return NULL;
	snprintf(url, sizeof url, "https://store.epicgames.com/p/%s", slug);
	return mc_urljoin(res, url);
}

/* The category paths of an offer as a JSON array (a new reference), or NULL. */
static json_t *category_paths(json_t *el)
{
	json_t *list = json_array(), *c;
	size_t i;

	json_array_foreach(json_object_get(el, "categories"), i, c) {
		json_t *path = json_object_get(c, "path");
		if (json_is_string(path))
			json_array_append(list, path);
	}
	if (json_array_size(list) == 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/*
 * Price, list price, currency and discount of an offer from its
 * totalPrice.  The price is what the buyer pays (discountPrice; 0 for a
 * giveaway or a free game), the list price the original when it is higher.
 * Returns false, logged, when the offer has no usable price: it is then not
 * for sale in the country (no price object) or its numbers are not minor
 * units with a decimals count.
 */
static bool set_prices(struct mc_response *res, struct mc_item *it, json_t *el,
		       const char *id)
{
	json_t *total = mc_json_get(el, "price.totalPrice");
	json_t *fin = json_object_get(total, "discountPrice");
	json_t *orig = json_object_get(total, "originalPrice");
	json_t *dec = mc_json_get(total, "currencyInfo.decimals");
	const char *price, *list = NULL;
	json_int_t f, o;

	if (!json_is_object(total)) {
		mc_response_log(res, "offer %s has no price in this country; skipped", id);
		return false;
	}
	if (!json_is_integer(fin) || !json_is_integer(orig) || !json_is_integer(dec) ||
	    json_integer_value(fin) < 0 || json_integer_value(orig) < 0) {
		mc_response_log(res, "offer %s: totalPrice without integer discountPrice, "
				     "originalPrice and currencyInfo.decimals; skipped", id);
		return false;
	}
	f = json_integer_value(fin);
	o = json_integer_value(orig);
	price = mc_price_minor(res, mc_json_str(res, total, "discountPrice"),
			       (int)json_integer_value(dec));
	if (o > f)
		list = mc_price_minor(res, mc_json_str(res, total, "originalPrice"),
				      (int)json_integer_value(dec));
	if (!price || (o > f && !list)) {
		mc_response_log(res, "offer %s: decimals %" JSON_INTEGER_FORMAT " out of range; skipped",
				id, json_integer_value(dec));
		return false;
	}
	mc_item_price_exact(it, price, list, mc_json_str(res, total, "currencyCode"));
	if (o > f) {
		/* Rounded to the nearest percent, in integers. */
		json_int_t pct = (200 * (o - f) + o) / (2 * o);
		mc_item_attr_json(it, "discount_pct", json_integer(pct));
		mc_item_attr(it, "discount_ends",
			     mc_json_str(res, el, "price.lineOffers.0.appliedRules.0.endDate"));
	}
	return true;
}

/* One element of the search answer → one item (or a logged skip). */
static void parse_offer(struct mc_response *res, json_t *el)
{
	const char *id = mc_json_str(res, el, "id");
	struct mc_item *it;

	if (!id) {
		mc_response_log(res, "search element without an id; skipped");
		return;
	}
	if (json_is_true(json_object_get(el, "isCodeRedemptionOnly"))) {
		mc_response_log(res, "offer %s is only redeemable by code (not sold); skipped", id);
		return;
	}
	it = mc_item_new(res);
	mc_item_external_id(it, id);
	mc_item_title(it, mc_json_str(res, el, "title"));
	mc_item_url(it, offer_url(res, el));
	if (!set_prices(res, it, el, id))
		return; /* the unemitted item is discarded with the callback */
	mc_item_availability(it, json_is_true(json_object_get(el, "prePurchase"))
					 ? MC_AVAIL_PREORDER
					 : MC_AVAIL_IN_STOCK);
	mc_item_attr(it, "namespace", mc_json_str(res, el, "namespace"));
	mc_item_attr(it, "seller", mc_json_str(res, el, "seller.name"));
	mc_item_attr(it, "developer", mc_json_str(res, el, "developerDisplayName"));
	mc_item_attr(it, "publisher", mc_json_str(res, el, "publisherDisplayName"));
	mc_item_attr(it, "release_date",
		     mc_regex(res, "^[0-9]{4}-[0-9]{2}-[0-9]{2}",
			      mc_json_str(res, el, "releaseDate"), 0));
	mc_item_attr_json(it, "categories", category_paths(el));
	mc_item_emit(it);
}

/*
 * After a page of `n` elements at `st->start`: the next page unless the
 * answer's paging.total is reached.  A page without elements before the
 * total ends the paging, logged (the catalogue shrank during the run, or
 * the store stopped answering offers): the run then saw less than total.
 */
static void follow_next(struct mc_response *res, json_t *root, struct search_state *st,
			size_t n)
{
	json_t *total = mc_json_get(root, "data.Catalog.searchStore.paging.total");
	json_int_t next = st->start + (json_int_t)n;

	if (!json_is_integer(total)) {
		mc_response_log(res, "search answer without paging.total; not paging on");
		return;
	}
	if (next >= json_integer_value(total))
		return;
	if (n == 0) {
		mc_response_log(res, "no elements at start=%" JSON_INTEGER_FORMAT
				     " of total %" JSON_INTEGER_FORMAT "; paging ends",
				st->start, json_integer_value(total));
		return;
	}
	st->start = next;
	follow_search(res, st);
}

/*
 * A searchStore answer (a region's start POST or a next page): every
 * element, then the next page.  An answer
 * without elements (a GraphQL error) is logged with the error's message
 * and ends the paging.  Without paging data (a request made by hand with
 * `marketcrawl parse`) the page is read but not paged on.
 */
static void parse_search(struct mc_response *res)
{
	json_t *root = mc_response_json(res);
	json_t *elements = mc_json_get(root, "data.Catalog.searchStore.elements");
	struct search_state st;
	json_t *el;
	size_t i;

	if (!json_is_array(elements)) {
		const char *err = mc_json_str(res, root, "errors.0.message");
		mc_response_log(res, "search answer without data.Catalog.searchStore.elements%s%s",
				err ? ": " : "", err ? err : "");
		return;
	}
	json_array_foreach(elements, i, el)
		parse_offer(res, el);
	if (!state_from_data(res, &st)) {
		mc_response_log(res, "search request without its paging data; not paging on");
		return;
	}
	follow_next(res, root, &st, json_array_size(elements));
}
