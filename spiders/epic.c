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
 * One run reads one country.  The run's region picks it through its start
 * URL: the store's free-games endpoint of that country and locale, whose
 * answer is not read; its callback only takes `country` and `locale` from
 * its own URL and posts the first search.  (A region carries start URLs,
 * headers and cookies, but no request body, and `.start_opts` is one body
 * for every region: a GET whose URL names the country is how the region
 * reaches the body of the first POST.)  Each search request carries
 * "COUNTRY LOCALE START" as its data, so the next page follows from it.
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

static void parse_start(struct mc_response *res);
static void parse_search(struct mc_response *res);

#define SEARCH_URL "https://store.epicgames.com/graphql"
/* Offers asked for per request (the store's own browse page asks for 40). */
#define PAGE_SIZE 40
/* The categories the store's search offers (games, editions, bundles,
 * add-ons, demos, software, experiences, subscriptions). */
#define CATEGORIES                                                                 \
	"games/edition/base|bundles/games|games/edition|editors|addons|games/demo|" \
	"software/edition/base|games/experience|subscription"

/* A region's start request: the free-games endpoint of its country. */
#define SEED_URL(country, locale)                                                 \
	"https://store-site-backend-static.ak.epicgames.com/freeGamesPromotions" \
	"?locale=" locale "&country=" country "&allowCountries=" country

/*
 * Only the fields the spider reads.  price(country:) gives the totalPrice
 * in the country's currency; `@include` keeps the query valid where the
 * price is not wanted (the store's own clients send it the same way).
 */
static const char search_query[] =
	"query searchStoreQuery($allowCountries: String, $category: String, $count: Int, "
	"$country: String!, $keywords: String, $locale: String, $sortBy: String, "
	"$sortDir: String, $start: Int, $withPrice: Boolean = false) { Catalog { "
	"searchStore(allowCountries: $allowCountries, category: $category, count: $count, "
	"country: $country, keywords: $keywords, locale: $locale, sortBy: $sortBy, "
	"sortDir: $sortDir, start: $start) { elements { id namespace title "
	"isCodeRedemptionOnly productSlug urlSlug offerMappings { pageSlug pageType } "
	"catalogNs { mappings(pageType: \"productHome\") { pageSlug pageType } } "
	"categories { path } seller { name } developerDisplayName publisherDisplayName "
	"releaseDate prePurchase price(country: $country) @include(if: $withPrice) { "
	"totalPrice { discountPrice originalPrice discount currencyCode currencyInfo { "
	"decimals } } lineOffers { appliedRules { endDate } } } } paging { count total } } } }";

static const char *const start_urls[] = {
	SEED_URL("US", "en-US"),
	NULL,
};

static const char *const allowed_domains[] = {
	"store.epicgames.com",
	"store-site-backend-static.ak.epicgames.com",
	NULL,
};

/* The first region is the default (a cron line without --region). */
static const struct mc_region regions[] = {
	{.code = "us", .currency = "USD"},
	{.code = "de", .start_urls = (const char *const[]){SEED_URL("DE", "de"), NULL},
	 .currency = "EUR"},
	{.code = "se", .start_urls = (const char *const[]){SEED_URL("SE", "en-US"), NULL},
	 .currency = "SEK"},
	{NULL},
};

static const struct mc_callback callbacks[] = {
	{"parse_start", parse_start},
	{"parse_search", parse_search},
	{NULL, NULL},
};

const struct mc_spider mc_spider_epic = {
	.name = "epic",
	.marketplace = "epic",
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_start,
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
 * POST the search page of `st` (country, locale, start) to SEARCH_URL.
 * The body is the query and its variables as compact JSON in a fixed key
 * order, so the same page is always the same bytes (the duplicate filter
 * and the saved-page replay both key on them).
 */
static void follow_search(struct mc_response *res, const struct search_state *st)
{
	static const char *const headers[] = {"Accept: application/json", NULL};
	json_t *body = json_pack("{s:s, s:{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:b}}",
				 "query", search_query, "variables", "allowCountries", st->country,
				 "category", CATEGORIES, "count", (json_int_t)PAGE_SIZE, "country",
				 st->country, "keywords", "", "locale", st->locale, "sortBy",
				 "releaseDate", "sortDir", "DESC", "start", st->start, "withPrice", 1);
	/* Into a buffer of our own: json_dumps memory would come from the
	 * response's arena and must not be handed to free(). */
	char text[sizeof search_query + 512];
	size_t len = json_dumpb(body, text, sizeof text, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char data[64];

	json_decref(body);
	if (len == 0 || len > sizeof text) {
		mc_response_log(res, "cannot encode the search request (start=%" JSON_INTEGER_FORMAT ")",
				st->start);
		return;
	}
	snprintf(data, sizeof data, "%s %s %" JSON_INTEGER_FORMAT, st->country, st->locale,
		 st->start);
	mc_follow(res, SEARCH_URL, parse_search,
		  &(const struct mc_follow_opts){.data = data,
						 .method = MC_POST,
						 .body = text,
						 .body_len = len,
						 .content_type = "application/json",
						 .headers = headers});
}

/*
 * The start request's answer (a region's free-games URL): its body is not
 * read; `country` and `locale` of its URL start the search at 0.
 */
static void parse_start(struct mc_response *res)
{
	const char *url = mc_response_url(res);
	const char *country = mc_regex(res, "[?&]country=([A-Z]{2})(&|#|$)", url, 1);
	const char *locale = mc_regex(res, "[?&]locale=([A-Za-z-]{2,16})(&|#|$)", url, 1);
	struct search_state st = {.start = 0};

	if (!country || !locale) {
		mc_response_log(res, "start URL without country=XX and locale=LL: nothing to search");
		return;
	}
	snprintf(st.country, sizeof st.country, "%s", country);
	snprintf(st.locale, sizeof st.locale, "%s", locale);
	follow_search(res, &st);
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
 * A searchStore answer: every element, then the next page.  An answer
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
