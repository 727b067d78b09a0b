/*
 * The benchmark store crawled by a spider written the plain way: the
 * selectors a user writes after reading docs/writing-a-spider.md and
 * looking at the page, `//tag[@class='...']` from the whole document, no
 * anchored paths, no hand tuning.  `make bench` crawls the store with it
 * next to the tuned `demo` spider, to show what a spider written this way
 * costs; both emit the same items.
 *
 * The store (`gen_site bench`, docs/demo.md): an index page linking to
 * the first listing page, listing pages of product cards with a "next"
 * link, product pages with the offer in a buy box and links to related
 * products.  Store B of the demo marketplace is not read here: use `demo`
 * for `gen_site demo`.
 */
#include <stdlib.h>

#include "marketcrawl/spider.h"

static void parse_index(struct mc_response *res);
static void parse_listing(struct mc_response *res);
static void parse_product(struct mc_response *res);

/* The bench passes the real port with --origin. */
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

const struct mc_spider mc_spider_demo_plain = {
	.name = "demo_plain",
	.marketplace = "demo",
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_index,
	/* Index → every listing page → every product. */
	.scope = MC_SCOPE_FULL,
	.callbacks = callbacks,
};

static void parse_index(struct mc_response *res)
{
	if (mc_follow_all(res, "//a[@class='store-link']/@href", parse_listing) == 0)
		mc_response_log(res, "no store links on the index page");
}

static void parse_listing(struct mc_response *res)
{
	mc_follow_all(res, "//li[@class='product-card']/a/@href", parse_product);
	mc_follow_all(res, "//a[@rel='next']/@href", parse_listing);
}

static void parse_product(struct mc_response *res)
{
	struct mc_item *it = mc_item_new(res);
	const char *discount = mc_xpath_text(res, NULL, "//span[@class='badge badge--discount']");
	const char *pct = mc_regex(res, "([0-9]{1,3})\\s*%", discount, 1);

	mc_item_marketplace(it, mc_xpath_str(res, NULL, "//meta[@name='store-id']/@content"));
	mc_item_external_id(it, mc_xpath_str(res, NULL, "//article[@class='product']/@data-sku"));
	mc_item_product_key(it, mc_xpath_str(res, NULL, "//article[@class='product']/@data-product-key"));
	mc_item_title(it, mc_xpath_text(res, NULL, "//h1[@class='product__title']"));
	mc_item_prices(it, mc_xpath_text(res, NULL, "//span[@class='price price--final']"),
		       mc_xpath_text(res, NULL, "//s[@class='price price--list']"),
		       mc_xpath_str(res, NULL, "//span[@class='price price--final']/@data-currency"));
	mc_item_availability(it, mc_availability_parse(
					 mc_xpath_str(res, NULL, "//div[@class='buy-box']/@data-availability")));
	mc_item_attr_json(it, "platforms",
			  mc_xpath_strings(res, NULL, "//ul[@class='platforms']/li/@data-platform"));
	if (pct)
		mc_item_attr_json(it, "discount_pct", json_integer(strtol(pct, NULL, 10)));
	mc_item_attr(it, "release_date", mc_xpath_str(res, NULL, "//table[@class='facts']//time/@datetime"));
	mc_item_emit(it);
	mc_follow_all(res, "//a[@class='related__link']/@href", parse_product);
}
