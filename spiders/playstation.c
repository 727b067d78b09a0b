/*
 * PlayStation Store spider (store.playstation.com).
 *
 * Why it exists: the store renders its pages from data it ships as JSON, so
 * the reliable source of names and prices is that JSON, not the markup.  A
 * run walks one whole category, the store's "All Deals" grid, through its
 * GraphQL API: categoryGridRetrieve, a persisted-query GET to
 * web.np.playstation.com with the locale in the x-psn-store-locale-override
 * header and the Apollo client headers the store's web app sends, one page
 * of `GRID_PAGE_SIZE` products after the other, each answer saying where
 * the next starts (pageInfo offset + products) until its totalCount.
 * Store pages given by hand are read from their Next.js state
 * (<script id="__NEXT_DATA__">, Product objects in props.apolloState).
 * A product's price object carries display strings in the locale's format
 * ("basePrice": "79,800원", "discountedPrice": "33,516원", "isFree").
 * This module owns that knowledge; it never reads prices from markup and
 * keeps no state between callbacks.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/spider.h"

/* The persisted query the store's web app runs for a category grid.  Sony
 * replaces the hash with new releases of the app; the API then answers
 * with an error ("PersistedQueryNotFound"), which is logged. */
#define GRID_OPERATION "categoryGridRetrieve"
#define GRID_EXTENSIONS \
	"{\"persistedQuery\":{\"version\":1,\"sha256Hash\":" \
	"\"9845afc0dbaab4965f6563fffc703f588c8e76792000e8610843b8d3ee9c4c09\"}}"
/* Products per request: the size of the saved answer (pageInfo.size). */
#define GRID_PAGE_SIZE 30

static void parse_page(struct mc_response *res);
static void parse_grid(struct mc_response *res);
static void parse_store_page(struct mc_response *res);

/*
 * The first page of "All Deals" (category 3f772501-..., cat.gma.AllDeals,
 * the category of the deals page's strand), in the default order: exactly
 * what grid_page_url builds for offset 0 (the offline test replays the
 * second page at the URL the spider builds, so a difference shows).
 */
static const char *const start_urls[] = {
	"https://web.np.playstation.com/api/graphql/v1/op?operationName=categoryGridRetrieve"
	"&variables=%7B%22id%22%3A%223f772501-f6f8-49b7-abac-874a88ca4897%22%2C%22pageArgs%22"
	"%3A%7B%22size%22%3A30%2C%22offset%22%3A0%7D%2C%22sortBy%22%3Anull%2C%22filterBy%22"
	"%3A%5B%5D%2C%22facetOptions%22%3A%5B%5D%7D"
	"&extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A"
	"%229845afc0dbaab4965f6563fffc703f588c8e76792000e8610843b8d3ee9c4c09%22%7D%7D",
	NULL,
};

static const char *const allowed_domains[] = {
	"store.playstation.com",
	"web.np.playstation.com",
	NULL,
};

/*
 * What the store's web app sends with its GraphQL GETs.  The API refuses a
 * GET without a non-simple Content-Type or an Apollo header as a possible
 * CSRF; the client name and version are the app's (runtimeConfig of the
 * saved page: "@sie-ppr-web-store/app" 0.112.1).  Spider headers, so every
 * request has them, `marketcrawl parse` of a grid URL included; robots.txt
 * and store pages ignore them.
 */
static const char *const grid_headers[] = {
	"Accept: application/json",
	"Content-Type: application/json",
	"Origin: https://store.playstation.com",
	"apollographql-client-name: @sie-ppr-web-store/app",
	"apollographql-client-version: 0.112.1",
	"x-apollo-operation-name: " GRID_OPERATION,
	NULL,
};

/* A region is a store locale: the code is the locale of the store's URLs,
 * sent as the API's locale header; the default (first) is the saved one. */
static const struct mc_region regions[] = {
	{.code = "ko-kr", .currency = "KRW",
	 .headers = (const char *const[]){"x-psn-store-locale-override: ko-kr", NULL}},
	{.code = "en-us", .currency = "USD",
	 .headers = (const char *const[]){"x-psn-store-locale-override: en-us", NULL}},
	{.code = "de-de", .currency = "EUR",
	 .headers = (const char *const[]){"x-psn-store-locale-override: de-de", NULL}},
	{NULL},
};

static const struct mc_callback callbacks[] = {
	{"parse_grid", parse_grid},
	{"parse_store_page", parse_store_page},
	{NULL, NULL},
};

const struct mc_spider mc_spider_playstation = {
	.name = "playstation",
	.marketplace = "playstation",
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_page,
	/* The whole deals category, not the catalogue: a product leaves it
	 * when its sale ends and is still sold (docs/spiders.md). */
	.scope = MC_SCOPE_PARTIAL,
	.settings = {
		.per_host = 1,
		/* playstation.com's robots.txt asks for Crawl-delay: 5. */
		.delay_ms = 5000,
	},
	.headers = grid_headers,
	.callbacks = callbacks,
	.regions = regions,
};

/* A string member of a JSON object, or NULL. */
static const char *str_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "-57%" → 57; -1 when the text holds no number. */
static int percent_of(struct mc_response *res, const char *text)
{
	const char *digits = mc_regex(res, "([0-9]{1,3})", text, 1);

	return digits ? (int)strtol(digits, NULL, 10) : -1;
}

/* The ISO currency of the first product price that names one, in `out`:
 * the hint for prices that name none (a free product's "0"). */
static bool products_currency(json_t *products, char out[4])
{
	static const char *const keys[] = {"discountedPrice", "basePrice"};
	size_t i;
	json_t *p;
	struct mc_price parsed;

	json_array_foreach(products, i, p) {
		json_t *price = json_object_get(p, "price");
		for (size_t k = 0; k < 2; k++) {
			const char *t = str_of(price, keys[k]);
			if (t && mc_price_parse(t, NULL, 0, &parsed) && parsed.currency[0]) {
				memcpy(out, parsed.currency, 4);
				return true;
			}
		}
	}
	return false;
}

/* One Product object → one item.  `locale` (e.g. "ko-kr") may be NULL: the
 * store then picks the visitor's locale for the product URL.  `currency`
 * NULL means the region's. */
static void emit_product(struct mc_response *res, json_t *product, const char *locale,
			 const char *currency)
{
	const char *id = str_of(product, "id");
	const char *name = str_of(product, "name");
	json_t *price = json_object_get(product, "price");
	const char *base = str_of(price, "basePrice");
	const char *discounted = str_of(price, "discountedPrice");
	bool is_free = json_is_true(json_object_get(price, "isFree"));
	const char *final_text = discounted ? discounted : base;
	const char *list_text = NULL;
	json_t *platforms = json_object_get(product, "platforms");
	struct mc_price check;
	struct mc_item *it;
	char url[512];
	int pct;

	if (!id || !json_is_object(price)) {
		mc_response_log(res, "product %s without a price object; skipped", id ? id : "-");
		return;
	}
	if (discounted && base && strcmp(discounted, base) != 0)
		list_text = base;
	/* A free product's display price is a word ("무료", "Free"). */
	if (is_free)
		final_text = "0";
	if (!final_text || !mc_price_parse(final_text, currency, 0, &check)) {
		mc_response_log(res, "product %s shows no price (\"%s\"); skipped", id,
				final_text ? final_text : "-");
		return;
	}
	if (locale)
		snprintf(url, sizeof url, "https://store.playstation.com/%s/product/%s", locale, id);
	else
		snprintf(url, sizeof url, "https://store.playstation.com/product/%s", id);
	it = mc_item_new(res);
	mc_item_external_id(it, id);
	mc_item_title(it, name);
	mc_item_url(it, url);
	mc_item_prices(it, final_text, list_text, currency);
	mc_item_availability(it, MC_AVAIL_IN_STOCK);
	pct = percent_of(res, str_of(price, "discountText"));
	if (pct > 0)
		mc_item_attr_json(it, "discount_pct", json_integer(pct));
	if (json_is_array(platforms) && json_array_size(platforms) > 0)
		mc_item_attr_json(it, "platforms", json_deep_copy(platforms));
	mc_item_attr(it, "classification", str_of(product, "storeDisplayClassification"));
	mc_item_attr(it, "title_id", str_of(product, "npTitleId"));
	mc_item_emit(it);
}

/* Emit every product of `products` (an array of Product objects).  A price
 * that names no currency (a free product's) takes the one the others name,
 * else the region's. */
static void emit_all(struct mc_response *res, json_t *products, const char *locale)
{
	char currency[4] = "";
	size_t i;
	json_t *p;

	products_currency(products, currency);
	json_array_foreach(products, i, p)
		emit_product(res, p, locale, currency[0] ? currency : NULL);
}

/* The locale of a store URL ("https://store.playstation.com/ko-kr/..."). */
static const char *url_locale(struct mc_response *res)
{
	return mc_regex(res, "^https?://[^/]+/([a-z]{2}-[a-z]{2})(/|$)", mc_response_url(res), 1);
}

/* ---- the category grid (GraphQL) ----------------------------------------- */

/* The URL of the grid page of `category` from `offset`: the API path of the
 * answer being read (so a mirror given with --origin keeps serving).  The
 * category id is a token (checked by the caller), so it needs no escaping
 * inside the JSON text. */
static const char *grid_page_url(struct mc_response *res, const char *category,
				 json_int_t offset)
{
	char vars[256];

	snprintf(vars, sizeof vars,
		 "{\"id\":\"%s\",\"pageArgs\":{\"size\":%d,\"offset\":%" JSON_INTEGER_FORMAT "},"
		 "\"sortBy\":null,\"filterBy\":[],\"facetOptions\":[]}",
		 category, GRID_PAGE_SIZE, offset);
	return mc_url_query(res, "op", (const struct mc_param[]){
		{"operationName", GRID_OPERATION},
		{"variables", vars},
		{"extensions", GRID_EXTENSIONS},
		{NULL, NULL},
	});
}

/*
 * After a grid page with `count` products: follow the next page, unless
 * this one is the last (pageInfo.isLast, or offset + count reaching
 * totalCount) or says nothing new (no products, no pageInfo).
 */
static void grid_next(struct mc_response *res, json_t *grid, size_t count)
{
	json_t *info = json_object_get(grid, "pageInfo");
	json_t *offset = json_object_get(info, "offset");
	json_t *total = json_object_get(info, "totalCount");
	const char *category = mc_regex(res, "^[A-Za-z0-9_.:-]{1,100}$", str_of(grid, "id"), 0);
	json_int_t next;

	if (!json_is_integer(offset) || !json_is_integer(total) || !category) {
		mc_response_log(res, "grid without pageInfo offset/totalCount or a category id; "
				"paging ends");
		return;
	}
	next = json_integer_value(offset) + (json_int_t)count;
	if (json_is_true(json_object_get(info, "isLast")) || next >= json_integer_value(total))
		return;
	if (count == 0) {
		mc_response_log(res, "no products at offset %" JSON_INTEGER_FORMAT
				" of totalCount %" JSON_INTEGER_FORMAT "; paging ends",
				json_integer_value(offset), json_integer_value(total));
		return;
	}
	mc_follow(res, grid_page_url(res, category, next), parse_grid, NULL);
}

/*
 * A GraphQL answer: {"data": {"<query>": {"products": [...], ...}}}, or
 * {"errors": [...]} when the API refused the query.  Every query's
 * products are emitted; a categoryGridRetrieve answer pages on.  The
 * product URLs take the run's locale (the region code).
 */
static void parse_grid(struct mc_response *res)
{
	const struct mc_region *region = mc_response_region(res);
	const char *locale = region ? region->code : url_locale(res);
	json_t *root = mc_response_json(res);
	json_t *data = json_object_get(root, "data");
	json_t *errors = json_object_get(root, "errors");
	const char *key;
	json_t *value;

	if (!root)
		return; /* mc_response_json said why */
	if (json_array_size(errors) > 0) {
		const char *msg = mc_json_str(res, errors, "0.message");
		mc_response_log(res, "GraphQL error: %s", msg ? msg : "(no message)");
	} else if (!json_is_object(data)) {
		mc_response_log(res, "JSON without a \"data\" object");
	}
	json_object_foreach(data, key, value) {
		json_t *products = json_object_get(value, "products");
		if (!json_is_array(products))
			continue;
		emit_all(res, products, locale);
		if (strcmp(key, GRID_OPERATION) == 0)
			grid_next(res, value, json_array_size(products));
	}
}

/* ---- store pages (__NEXT_DATA__) ------------------------------------------ */

/*
 * Append to `out` the Product objects of Apollo state `apollo`: first those
 * the page's strands and grids list (display order), then any other.
 * References are borrowed from `apollo`.
 */
static void apollo_products(json_t *apollo, json_t *out)
{
	json_t *seen = json_object();
	const char *key;
	json_t *value, *ref;
	size_t i;

	json_object_foreach(apollo, key, value) {
		json_t *list = json_object_get(value, "products");
		if (!json_is_array(list))
			continue;
		json_array_foreach(list, i, ref) {
			const char *target = str_of(ref, "__ref");
			json_t *product = target ? json_object_get(apollo, target) : NULL;
			if (json_is_object(product) && !json_object_get(seen, target)) {
				json_object_set_new(seen, target, json_true());
				json_array_append(out, product);
			}
		}
	}
	json_object_foreach(apollo, key, value) {
		if (strncmp(key, "Product:", 8) == 0 && !json_object_get(seen, key)) {
			json_object_set_new(seen, key, json_true());
			json_array_append(out, value);
		}
	}
	json_decref(seen);
}

/* A store page: the products of its __NEXT_DATA__ Apollo state, with the
 * page's own locale. */
static void parse_store_page(struct mc_response *res)
{
	json_t *root = mc_script_json(res, "//script[@id='__NEXT_DATA__']");
	json_t *apollo = mc_json_get(root, "props.apolloState");
	const char *locale = mc_json_str(res, root, "query.locale");
	json_t *products;

	if (!json_is_object(apollo)) {
		mc_response_log(res, "no __NEXT_DATA__ Apollo state on the page");
		return;
	}
	if (!locale)
		locale = url_locale(res);
	products = json_array();
	apollo_products(apollo, products);
	emit_all(res, products, locale);
	json_decref(products);
}

/* A start URL: the grid (JSON), or a store page given by hand (HTML). */
static void parse_page(struct mc_response *res)
{
	const char *type = mc_response_header(res, "Content-Type");

	if (mc_response_status(res) != 200) {
		mc_response_log(res, "HTTP %ld; nothing to read", mc_response_status(res));
		return;
	}
	if (type && strstr(type, "json"))
		parse_grid(res);
	else
		parse_store_page(res);
}
