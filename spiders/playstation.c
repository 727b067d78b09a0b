/*
 * PlayStation Store spider (store.playstation.com).
 *
 * Why it exists: the store renders its pages from data it ships as JSON, so
 * the reliable source of names and prices is that JSON, not the markup:
 *   - store pages embed it as Next.js state in
 *     <script id="__NEXT_DATA__" type="application/json">, where products
 *     sit in props.apolloState as "Product:<id>:<locale>" objects and the
 *     page's strands/grids list them in display order through __ref links;
 *   - the store's GraphQL API (categoryGridRetrieve and friends) answers
 *     with the same Product objects inline, under data.<query>.products.
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

static void parse_page(struct mc_response *res);

static const char *const start_urls[] = {
	"https://store.playstation.com/ko-kr/pages/deals",
	NULL,
};

static const char *const allowed_domains[] = {
	"store.playstation.com",
	"web.np.playstation.com",
	NULL,
};

const struct mc_spider mc_spider_playstation = {
	.name = "playstation",
	.marketplace = "playstation",
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_page,
	.scope = MC_SCOPE_PARTIAL, /* one deals/category page, not the catalogue */
	.settings = {
		.per_host = 1,
		/* playstation.com's robots.txt asks for Crawl-delay: 5. */
		.delay_ms = 5000,
	},
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
 * store then picks the visitor's locale for the product URL. */
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

/* Emit every product of `products` (an array of Product objects). */
static void emit_all(struct mc_response *res, json_t *products, const char *locale)
{
	char currency[4] = "";
	size_t i;
	json_t *p;

	if (!products_currency(products, currency))
		mc_response_log(res, "no price names a currency; free products will be dropped");
	json_array_foreach(products, i, p)
		emit_product(res, p, locale, currency[0] ? currency : NULL);
}

/* The locale of a store URL ("https://store.playstation.com/ko-kr/..."). */
static const char *url_locale(struct mc_response *res)
{
	return mc_regex(res, "^https?://[^/]+/([a-z]{2}-[a-z]{2})(/|$)", mc_response_url(res), 1);
}

/* A store page: the products of its __NEXT_DATA__ Apollo state. */
static void parse_next_data(struct mc_response *res)
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

/* A GraphQL API answer: {"data": {"<query>": {"products": [...]}}}.  The
 * locale travels in a request header, not the URL, so it comes from the
 * per-request data when a page followed the API, else from the URL. */
static void parse_api(struct mc_response *res)
{
	const char *locale = mc_response_data(res);
	json_t *root = mc_response_json(res);
	json_t *data = json_object_get(root, "data");
	const char *key;
	json_t *value;

	if (!root)
		return; /* mc_response_json said why */
	if (!json_is_object(data)) {
		mc_response_log(res, "JSON without a \"data\" object");
		return;
	}
	if (!locale || !mc_regex(res, "^[a-z]{2}-[a-z]{2}$", locale, 0))
		locale = url_locale(res);
	json_object_foreach(data, key, value) {
		json_t *products = json_object_get(value, "products");
		if (json_is_array(products))
			emit_all(res, products, locale);
	}
}

static void parse_page(struct mc_response *res)
{
	const char *type = mc_response_header(res, "Content-Type");

	if (mc_response_status(res) != 200) {
		mc_response_log(res, "HTTP %ld; nothing to read", mc_response_status(res));
		return;
	}
	if (type && strstr(type, "json"))
		parse_api(res);
	else
		parse_next_data(res);
}
