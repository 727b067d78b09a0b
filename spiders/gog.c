/*
 * GOG.com spider: the store's home page.
 *
 * Why it exists: GOG's home page carries the current deals (product tiles
 * and the large "big spot" banners, each with its price) and, when there is
 * one, the free-game giveaway.  People track GOG above all to learn when a
 * game is given away, so the spider must tell "a free game is on offer"
 * apart from "none is": a giveaway becomes one item priced 0 with
 * attrs.giveaway = true, and a page without an active giveaway yields no
 * such item.  Free-to-keep mods and demos ("Free" tiles) are ordinary items
 * priced 0 without that flag.
 *
 * This module owns GOG's Angular markup (`a[data-product-id]` tiles,
 * `span.final-value` / `span.base-value` such as "SEK&nbsp;292.00",
 * `price-discount`, `#giveaway`) and the page's embedded store state
 * (`script#gogcom-store-state`), which names the giveaway's product.  It
 * keeps no state between callbacks.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/spider.h"

/* XPath predicate: the element's class list contains the token `c`. */
#define CLASS(c) "contains(concat(' ', normalize-space(@class), ' '), ' " c " ')"

static void parse_home(struct mc_response *res);

static const char *const start_urls[] = {
	"https://www.gog.com/en/",
	NULL,
};

static const char *const allowed_domains[] = {
	"www.gog.com",
	NULL,
};

const struct mc_spider mc_spider_gog = {
	.name = "gog",
	.marketplace = "gog",
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_home,
	.scope = MC_SCOPE_PARTIAL, /* the home page's deals, not the catalogue */
	.settings = {
		.per_host = 1,
		.delay_ms = 2000,
	},
};

/*
 * The page's currency as an ISO code in `out`, for "Free" prices that name
 * none: the currency of the first priced tile, else the currencyCode the
 * page's store state was fetched with.
 */
static bool page_currency(struct mc_response *res, char out[4])
{
	const char *first = mc_xpath_text(res, NULL, "(//span[" CLASS("final-value") "])[1]");
	const char *code;
	struct mc_price p;
	size_t len;

	if (first && mc_price_parse(first, NULL, 0, &p) && p.currency[0]) {
		memcpy(out, p.currency, 4);
		return true;
	}
	code = mc_regex(res, "currencyCode=([A-Z]{3})", mc_response_body(res, &len), 1);
	if (!code)
		return false;
	memcpy(out, code, 4);
	return true;
}

/*
 * The store-state section for `sid` (the giveaway's data-sid): the state
 * keys are request URLs such as
 * "sections.gog/v1/pages/2f/sections/<sid>?countryCode=SE&...".
 */
static json_t *state_section(json_t *state, const char *sid)
{
	const char *key;
	json_t *value;
	char needle[128];

	snprintf(needle, sizeof needle, "/sections/%s?", sid);
	json_object_foreach(state, key, value) {
		if (strstr(key, needle))
			return mc_json_get(value, "body.properties");
	}
	return NULL;
}

/*
 * The active giveaway, if the page has one: `div#giveaway` with its claim
 * link.  Its product (id, title) comes from the store state, keyed by the
 * section id.  Emits one item priced 0 and records its id in `seen` so a
 * tile of the same product does not report its sale price as well.
 */
static void parse_giveaway(struct mc_response *res, const char *currency, json_t *seen)
{
	struct mc_nodes box = mc_xpath_nodes(res, NULL, "//div[@id='giveaway']");
	const char *href, *sid, *id, *title, *ends;
	json_t *state, *props;
	struct mc_item *it;

	if (box.count == 0) {
		mc_response_log(res, "no giveaway on the page");
		return;
	}
	href = mc_xpath_str(res, box.nodes[0], ".//a[" CLASS("giveaway__overlay-link") "]/@href");
	sid = mc_attr(res, box.nodes[0], "data-sid");
	state = mc_script_json(res, "//script[@id='gogcom-store-state']");
	props = state && sid ? state_section(state, sid) : NULL;
	id = mc_json_str(res, props, "product.id");
	title = mc_json_str(res, props, "product.title");
	ends = mc_json_str(res, props, "endDate");
	if (!href || !id || !title) {
		mc_response_log(res, "giveaway section without a product (link %s); skipped",
				href ? href : "-");
		return;
	}
	it = mc_item_new(res);
	mc_item_external_id(it, id);
	mc_item_title(it, title);
	mc_item_url(it, href);
	mc_item_price_exact(it, "0", NULL, currency);
	mc_item_availability(it, MC_AVAIL_IN_STOCK);
	mc_item_attr_json(it, "giveaway", json_true());
	mc_item_attr(it, "giveaway_ends", ends);
	mc_item_emit(it);
	json_object_set_new(seen, id, json_true());
}

/* "-67%" → 67; -1 when the text holds no number. */
static int percent_of(struct mc_response *res, const char *text)
{
	const char *digits = mc_regex(res, "([0-9]{1,3})", text, 1);

	return digits ? (int)strtol(digits, NULL, 10) : -1;
}

/* A product tile or big-spot banner: `a[data-product-id]` with a price. */
static void parse_product(struct mc_response *res, xmlNodePtr a, const char *currency,
			  json_t *seen)
{
	const char *id = mc_attr(res, a, "data-product-id");
	const char *title, *final_text, *base_text, *label, *title_label;
	bool is_free;
	int pct;
	struct mc_item *it;

	if (!id || !*id || json_object_get(seen, id))
		return;
	/* Tiles carry the full title in an attribute, banners in a heading. */
	title = mc_xpath_str(res, a, "(.//div[" CLASS("product-tile__title") "]/@title)[1]");
	if (!title)
		title = mc_xpath_text(res, a, "(.//*[@selenium-id='bigSpotSubtitle'])[1]");
	final_text = mc_xpath_text(res, a, "(.//span[" CLASS("final-value") "])[1]");
	base_text = mc_xpath_text(res, a, "(.//span[" CLASS("base-value") "])[1]");
	is_free = mc_xpath_nodes(res, a, ".//*[" CLASS("product-price__free") "]").count > 0;
	if (!final_text && !is_free) {
		/* "Coming soon" tiles show no price: nothing to observe yet. */
		mc_response_log(res, "product %s (%s) shows no price; skipped", id,
				title ? title : "-");
		return;
	}
	it = mc_item_new(res);
	if (final_text)
		mc_item_prices(it, final_text, base_text, currency);
	else
		mc_item_price_exact(it, "0", NULL, currency);
	json_object_set_new(seen, id, json_true());
	mc_item_external_id(it, id);
	mc_item_title(it, title);
	mc_item_url(it, mc_attr(res, a, "href"));
	mc_item_availability(it, MC_AVAIL_IN_STOCK);
	pct = percent_of(res, mc_xpath_text(res, a, "(.//price-discount)[1]"));
	if (pct > 0)
		mc_item_attr_json(it, "discount_pct", json_integer(pct));
	label = mc_xpath_text(res, a, "(.//span[" CLASS("product-label__text") "])[1]");
	mc_item_attr(it, "label", label);
	title_label = mc_xpath_text(res, a, "(.//*[@selenium-id='productTitleLabel'])[1]");
	mc_item_attr(it, "title_label", title_label);
	mc_item_emit(it);
}

static void parse_home(struct mc_response *res)
{
	char currency[4] = "";
	struct mc_nodes products;
	json_t *seen;

	if (mc_response_status(res) != 200) {
		mc_response_log(res, "HTTP %ld; nothing to read", mc_response_status(res));
		return;
	}
	if (!mc_response_doc(res)) {
		mc_response_log(res, "not an HTML page");
		return;
	}
	if (!page_currency(res, currency))
		mc_response_log(res, "no currency on the page; free items will be dropped");
	/* Carousels repeat products (and swiper duplicates slides): one item
	 * per product id, the first occurrence in document order. */
	seen = json_object();
	parse_giveaway(res, currency[0] ? currency : NULL, seen);
	products = mc_xpath_nodes(res, NULL, "//a[@data-product-id][.//product-price]");
	for (size_t i = 0; i < products.count; i++)
		parse_product(res, products.nodes[i], currency[0] ? currency : NULL, seen);
	json_decref(seen);
}
