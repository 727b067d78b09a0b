/*
 * books.toscrape.com spider: the public scraping sandbox.
 *
 * Why it exists: it is the one shop that welcomes crawlers, so it is where
 * a full catalogue crawl (list pages → product pages → next list page) can
 * be run for real, and its saved pages test that path offline.
 *
 * The frontier is every listing the site has: the all-books listing (the
 * start page, index.html = page 1 of 50, then its "next" links) and the 50
 * categories of the side bar, each followed through its own "next" links
 * to its last page.  The all-books listing alone reaches every book; the
 * categories are walked too, so that a book is reached from two listings
 * and the run does not rest on either one.  The engine's duplicate filter
 * fetches each book URL once (every listing links the same
 * catalogue/<book>/index.html), so a run emits each book once.
 * Listing pages only lead on: they show neither the UPC nor the stock
 * count, so they emit nothing.  Book pages emit one item: the UPC as
 * external_id, the price including tax, the availability with its count,
 * the star rating and the category.  A start URL may be either kind of
 * page; the content decides.  The module keeps no state between callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/spider.h"

static void parse_page(struct mc_response *res);

static const char *const start_urls[] = {
	"http://books.toscrape.com/index.html",
	NULL,
};

static const char *const allowed_domains[] = {
	"books.toscrape.com",
	NULL,
};

const struct mc_spider mc_spider_books_toscrape = {
	.name = "books_toscrape",
	.marketplace = "books_toscrape",
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_page,
	/* Every listing page to its last "next", every book: the catalogue. */
	.scope = MC_SCOPE_FULL,
	.settings = {
		.per_host = 4,
	},
};

/* The value cell of the product-information row headed `th`. */
#define INFO(th) "//table[contains(@class,'table')]//tr[normalize-space(th)='" th "']/td"

/* "star-rating Three" → 3; 0 when the class names no rating. */
static int star_rating(struct mc_response *res, const char *cls)
{
	static const char *const words[] = {"One", "Two", "Three", "Four", "Five"};
	const char *word = mc_regex(res, "(?:^|\\s)(One|Two|Three|Four|Five)(?:\\s|$)", cls, 1);

	for (int i = 0; word && i < 5; i++)
		if (strcmp(word, words[i]) == 0)
			return i + 1;
	return 0;
}

static void parse_book(struct mc_response *res)
{
	const char *upc, *title, *price, *stock, *count;
	int rating;
	struct mc_item *it;

	if (mc_response_status(res) != 200) {
		mc_response_log(res, "HTTP %ld; book skipped", mc_response_status(res));
		return;
	}
	upc = mc_xpath_text(res, NULL, INFO("UPC"));
	title = mc_xpath_text(res, NULL, "//div[contains(@class,'product_main')]/h1");
	price = mc_xpath_text(res, NULL, INFO("Price (incl. tax)"));
	if (!price)
		price = mc_xpath_text(res, NULL,
				      "//div[contains(@class,'product_main')]/p[contains(@class,'price_color')]");
	stock = mc_xpath_text(res, NULL, INFO("Availability"));
	if (!stock)
		stock = mc_xpath_text(res, NULL,
				      "//div[contains(@class,'product_main')]/p[contains(@class,'availability')]");
	it = mc_item_new(res);
	/* The site answers ".../a-light-in-the-attic_1000/" with that book's
	 * index.html; report the one URL its own links use. */
	if (mc_regex(res, "/$", mc_response_url(res), 0))
		mc_item_url(it, "index.html");
	mc_item_external_id(it, upc);
	mc_item_title(it, title);
	mc_item_prices(it, price, NULL, NULL);
	/* "In stock (22 available)" / "Out of stock". */
	if (stock && mc_regex(res, "(?i)^in stock", stock, 0))
		mc_item_availability(it, MC_AVAIL_IN_STOCK);
	else if (stock && mc_regex(res, "(?i)^out of stock", stock, 0))
		mc_item_availability(it, MC_AVAIL_OUT_OF_STOCK);
	count = mc_regex(res, "\\(([0-9]+) available\\)", stock, 1);
	if (count)
		mc_item_attr_json(it, "stock_count", json_integer(strtoll(count, NULL, 10)));
	rating = star_rating(res, mc_xpath_str(res, NULL,
						 "//div[contains(@class,'product_main')]"
						 "/p[contains(@class,'star-rating')]/@class"));
	if (rating > 0)
		mc_item_attr_json(it, "rating", json_integer(rating));
	/* Breadcrumb: Home › Books › <category> › <title>. */
	mc_item_attr(it, "category",
		     mc_xpath_text(res, NULL, "//ul[contains(@class,'breadcrumb')]/li[3]/a"));
	mc_item_emit(it);
}

/* A listing page (the all-books listing or a category): its books, then
 * its next page.  The pager says "Page N of M"; a page before the last
 * without a "next" link would end the walk early, so it is logged. */
static void parse_catalogue(struct mc_response *res)
{
	const char *pager, *page, *pages;
	int books, next;

	if (mc_response_status(res) != 200) {
		mc_response_log(res, "HTTP %ld; catalogue page skipped", mc_response_status(res));
		return;
	}
	books = mc_follow_all(res, "//article[contains(@class,'product_pod')]//h3/a/@href",
			      parse_book);
	if (books == 0)
		mc_response_log(res, "no books on this catalogue page");
	next = mc_follow_all(res, "//ul[contains(@class,'pager')]/li[contains(@class,'next')]/a/@href",
			     parse_catalogue);
	pager = mc_xpath_text(res, NULL, "//ul[contains(@class,'pager')]/li[contains(@class,'current')]");
	page = mc_regex(res, "^Page ([0-9]+) of [0-9]+$", pager, 1);
	pages = mc_regex(res, "^Page [0-9]+ of ([0-9]+)$", pager, 1);
	if (next == 0 && page && pages && strcmp(page, pages) != 0)
		mc_response_log(res, "pager says page %s of %s but has no next link; listing cut short",
				page, pages);
}

/*
 * A start URL: a book page (article.product_page) or a listing page.  A
 * listing start page also leads to the categories of its side bar (the
 * nested list under "Books"; "Books" itself, catalogue/category/books_1/,
 * is the all-books listing again under another URL, so it is left out).
 */
static void parse_page(struct mc_response *res)
{
	int categories;

	if (mc_xpath_nodes(res, NULL, "//article[contains(@class,'product_page')]").count > 0) {
		parse_book(res);
		return;
	}
	categories = mc_follow_all(res,
				   "//div[contains(@class,'side_categories')]/ul/li/ul/li/a/@href",
				   parse_catalogue);
	if (categories == 0)
		mc_response_log(res, "no category links on the start page");
	parse_catalogue(res);
}
