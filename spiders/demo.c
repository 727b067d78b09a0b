/*
 * The demo spider: crawls the bundled demo marketplace (tools/gen_site,
 * docs/demo.md) and is the spider to copy when writing a new one.
 *
 * The site has an index page linking to two stores with different markup:
 *   store A (demo-a): classes and data- attributes, prices such as
 *     "14,99 €" with the ISO code in data-currency, relative links;
 *   store B (demo-b): the offer in JSON-LD (schema.org Product), the list
 *     price, platforms and release date in the HTML, absolute links.
 * Pages go index → listing pages (following rel="next") → product pages →
 * one item each.  Product pages also link to related products; following
 * them finds nothing new on a complete site, the engine's duplicate filter
 * drops the repeats.  The marketplace of each item is the store's, read
 * from <meta name="store-id">.  The benchmark store (`gen_site bench`) uses
 * store A's markup, so this spider crawls it too, via --start-url.
 *
 * Every XPath on the product and listing pages is anchored: child steps
 * from the root or from a node already found.  A `//` (or `.//`) step
 * visits every node below it, and a product page is mostly description and
 * reviews: the eleven such scans this spider used to make on each product
 * page took half as long as parsing it.
 *
 * Like every spider it keeps no state between callbacks and frees nothing:
 * all strings the helpers return belong to the response.  Its callbacks are
 * named in a table, so `marketcrawl parse URL --spider demo --callback
 * parse_product` runs one of them on a live page.
 */
#include <stdlib.h>

#include "marketcrawl/spider.h"

static void parse_index(struct mc_response *res);
static void parse_listing(struct mc_response *res);
static void parse_product(struct mc_response *res);

/* Tests and the demo script pass the real port with --start-url. */
static const char *const start_urls[] = {
	"http://127.0.0.1:8080/",
	NULL,
};

static const char *const allowed_domains[] = {
	"127.0.0.1",
	"localhost",
	NULL,
};

static const struct mc_callback callbacks[] = {
	{"parse_index", parse_index},
	{"parse_listing", parse_listing},
	{"parse_product", parse_product},
	{NULL, NULL},
};

const struct mc_spider mc_spider_demo = {
	.name = "demo",
	.marketplace = "demo", /* each item names its store instead */
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_index,
	/* Index → every listing page of both stores → every product. */
	.scope = MC_SCOPE_FULL,
	.callbacks = callbacks,
	/* Engine defaults (polite); the demo script adds --fast for its local
	 * server, never do that against someone else's site. */
};

/* The index: one link per store, to its first listing page. */
static void parse_index(struct mc_response *res)
{
	if (mc_follow_all(res, "//a[@class='store-link']/@href", parse_listing) == 0)
		mc_response_log(res, "no store links on the index page");
}

/* A listing page of either store: product links, then the next page. */
static void parse_listing(struct mc_response *res)
{
	mc_follow_all(res,
		      "/html/body/main/ol/li[@class='product-card']/a/@href"
		      " | /html/body/section[@class='catalog']"
		      "/article[contains(concat(' ', @class, ' '), ' tile ')]/a[@class='tile-link']/@href",
		      parse_product);
	/* Plain breadth-first order: the queue holds about one listing page
	 * of products at a time, so memory does not grow with the store. */
	mc_follow_all(res,
		      "/html/body/main/nav/a[@rel='next']/@href"
		      " | /html/body/div[@class='pagination']/a[@rel='next']/@href",
		      parse_listing);
}

/*
 * Attributes both stores have, found with store-specific XPath:
 * `platform_xpath` (relative to `ctx`) selects the attribute holding each
 * platform's id; `discount` is the badge text ("-50%", "Save 50%");
 * `release` an ISO date.
 */
static void set_attrs(struct mc_response *res, struct mc_item *it, xmlNodePtr ctx,
		      const char *platform_xpath, const char *discount, const char *release)
{
	const char *pct = mc_regex(res, "([0-9]{1,3})\\s*%", discount, 1);

	/* No platform shown: no key (mc_xpath_strings gives NULL). */
	mc_item_attr_json(it, "platforms", mc_xpath_strings(res, ctx, platform_xpath));
	if (pct)
		mc_item_attr_json(it, "discount_pct", json_integer(strtol(pct, NULL, 10)));
	mc_item_attr(it, "release_date", release);
}

/* The first node `xpath` selects relative to `ctx`, or NULL. */
static xmlNodePtr first_node(struct mc_response *res, xmlNodePtr ctx, const char *xpath)
{
	struct mc_nodes n = mc_xpath_nodes(res, ctx, xpath);

	return n.count > 0 ? n.nodes[0] : NULL;
}

/* Store A: everything in the HTML, read relative to the product <article>
 * and its buy box.  Without a buy box `box` is NULL, which means the
 * <html> element: the paths below then select nothing. */
static void fill_store_a(struct mc_response *res, struct mc_item *it)
{
	xmlNodePtr p = first_node(res, NULL, "/html/body/main/article[@data-sku]");
	xmlNodePtr box;

	if (!p)
		return; /* mc_item_emit drops it as missing_external_id */
	box = first_node(res, p, "div[contains(@class, 'buy-box')]");
	mc_item_external_id(it, mc_attr(res, p, "data-sku"));
	mc_item_product_key(it, mc_attr(res, p, "data-product-key"));
	mc_item_title(it, mc_xpath_text(res, p, "h1"));
	/* "14,99 €" and "Free" parse alone; data-currency settles "Free". */
	mc_item_prices(it, mc_xpath_text(res, box, "div/span[contains(@class, 'price--final')]"),
		       mc_xpath_text(res, box, "div/s[contains(@class, 'price--list')]"),
		       mc_xpath_str(res, box, "div/span[contains(@class, 'price--final')]/@data-currency"));
	mc_item_availability(it, mc_availability_parse(mc_attr(res, box, "data-availability")));
	set_attrs(res, it, p, "ul[@class='platforms']/li/@data-platform",
		  mc_xpath_text(res, box, "div/span[contains(@class, 'badge--discount')]"),
		  mc_xpath_str(res, p, "table[@class='facts']/tr/td/time/@datetime"));
}

/* Store B: the offer from JSON-LD, the rest from the HTML, read relative
 * to the product <div> (as in store A, none means nothing is selected). */
static void fill_store_b(struct mc_response *res, struct mc_item *it, json_t *ld)
{
	xmlNodePtr p = first_node(res, NULL, "/html/body/div[@id='product']");

	mc_item_external_id(it, mc_json_str(res, ld, "sku"));
	mc_item_product_key(it, mc_json_str(res, ld, "productID"));
	mc_item_title(it, mc_json_str(res, ld, "name"));
	/* The JSON-LD price is a bare decimal; priceCurrency names its currency. */
	mc_item_prices(it, mc_json_str(res, ld, "offers.price"),
		       mc_xpath_text(res, p, "div[@class='pdp-price']/span[@class='was']/del"),
		       mc_json_str(res, ld, "offers.priceCurrency"));
	mc_item_availability(it, mc_availability_parse(mc_json_str(res, ld, "offers.availability")));
	set_attrs(res, it, p, "dl/dt[. = 'Platforms']/following-sibling::dd[1]/span/@data-id",
		  mc_xpath_text(res, p, "div[@class='pdp-price']/span[@class='save']"),
		  mc_xpath_str(res, p, "dl/dt[. = 'Release date']/following-sibling::dd[1]/time/@datetime"));
}

/* A product page of either store: one item, then the related products. */
static void parse_product(struct mc_response *res)
{
	struct mc_item *it = mc_item_new(res);
	/* Both live in <head>: an anchored path does not scan the whole page. */
	json_t *ld = mc_script_json(res, "/html/head/script[@type='application/ld+json']");

	mc_item_marketplace(it, mc_xpath_str(res, NULL, "/html/head/meta[@name='store-id']/@content"));
	if (ld)
		fill_store_b(res, it, ld);
	else
		fill_store_a(res, it);
	mc_item_emit(it);
	mc_follow_all(res,
		      "/html/body/main/article/aside[@class='related']/ul/li/a[@class='related__link']/@href"
		      " | /html/body/div[@id='product']/section[@class='recs']/a/@href",
		      parse_product);
}
