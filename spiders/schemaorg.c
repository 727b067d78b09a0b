/*
 * schemaorg: a generic spider for any store that describes its products
 * with schema.org JSON-LD (<script type="application/ld+json"> holding a
 * Product with an Offer) — many shops do, for search engines.  It follows
 * every link on the allowed domains and emits one item per Product found.
 *
 * It has no start URL of its own: run it with --start-url URL and
 * --allow-domain HOST, e.g.
 *   marketcrawl crawl schemaorg --start-url https://shop.example/ --allow-domain shop.example
 * The marketplace of its items is the host name of the page.
 */
#include <stdio.h>
#include <string.h>

#include "marketcrawl/spider.h"

static enum mc_availability availability(const char *s)
{
	if (!s)
		return MC_AVAIL_UNKNOWN;
	if (strstr(s, "InStock") || strstr(s, "LimitedAvailability") || strstr(s, "OnlineOnly"))
		return MC_AVAIL_IN_STOCK;
	if (strstr(s, "OutOfStock") || strstr(s, "SoldOut") || strstr(s, "Discontinued"))
		return MC_AVAIL_OUT_OF_STOCK;
	if (strstr(s, "PreOrder") || strstr(s, "PreSale"))
		return MC_AVAIL_PREORDER;
	return MC_AVAIL_UNKNOWN;
}

/* The host of the page, as the marketplace name ("shop.example"). */
static const char *page_host(struct mc_response *res)
{
	return mc_regex(res, "^https?://([^/:]+)", mc_response_url(res), 1);
}

static bool is_product(json_t *node)
{
	const char *type = json_string_value(json_object_get(node, "@type"));

	return type && strcmp(type, "Product") == 0;
}

static void emit_product(struct mc_response *res, json_t *p)
{
	json_t *offer = json_object_get(p, "offers");
	struct mc_item *it = mc_item_new(res);
	const char *id, *price, *list_price;

	if (json_is_array(offer))
		offer = json_array_get(offer, 0);
	id = mc_json_str(res, p, "sku");
	if (!id)
		id = mc_json_str(res, p, "productID");
	price = mc_json_str(res, offer, "price");
	if (!price)
		price = mc_json_str(res, offer, "lowPrice"); /* AggregateOffer */
	list_price = mc_json_str(res, offer, "priceSpecification.price");
	mc_item_external_id(it, id);
	mc_item_title(it, mc_json_str(res, p, "name"));
	mc_item_url(it, mc_json_str(res, p, "url"));
	mc_item_marketplace(it, page_host(res));
	mc_item_product_key(it, mc_json_str(res, p, "gtin13"));
	mc_item_prices(it, price, list_price, mc_json_str(res, offer, "priceCurrency"));
	mc_item_availability(it, availability(mc_json_str(res, offer, "availability")));
	mc_item_attr(it, "brand", mc_json_str(res, p, "brand.name"));
	mc_item_emit(it);
}

/* A JSON-LD block may hold one object, an array, or an @graph of them. */
static void scan(struct mc_response *res, json_t *node)
{
	size_t i;
	json_t *v;

	if (json_is_array(node)) {
		json_array_foreach(node, i, v)
			scan(res, v);
	} else if (is_product(node)) {
		emit_product(res, node);
	} else if (json_is_object(node)) {
		scan(res, json_object_get(node, "@graph"));
	}
}

static void parse(struct mc_response *res)
{
	struct mc_nodes blocks = mc_xpath_nodes(res, NULL, "//script[@type='application/ld+json']");
	char xpath[96];

	for (size_t i = 0; i < blocks.count; i++) {
		snprintf(xpath, sizeof xpath, "(//script[@type='application/ld+json'])[%zu]", i + 1);
		scan(res, mc_script_json(res, xpath));
	}
	mc_follow_all(res, "//a/@href", parse);
}

const struct mc_spider mc_spider_schemaorg = {
	.name = "schemaorg",
	.marketplace = NULL,
	.start_urls = NULL,
	.allowed_domains = NULL,
	.parse = parse,
	.scope = MC_SCOPE_PARTIAL, /* the pages given with --start-url */
};
