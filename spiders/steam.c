/*
 * Steam store spider (store.steampowered.com).
 *
 * Why it exists: Steam's search lists the whole catalogue, 50 rows a
 * request, each with the final and the original price, so a run sees every
 * game once and a sale that ends shows as a price increase, not as a game
 * leaving the store (the spider's scope is full: a complete run delists
 * what it did not see).  This module owns all knowledge of Steam's markup:
 *   - the search results JSON (`/search/results/?...&infinite=1`:
 *     {"success":1,"results_html":"...","total_count":N,"start":S}), paged
 *     by `start` until `total_count`; its `results_html` fragment is parsed
 *     into a document of its own;
 *   - search rows in the older layout (`div.search_price` holding
 *     <strike>ORIGINAL</strike><br>FINAL) and the newer one
 *     (`div.discount_block` with `discount_original_price` /
 *     `discount_final_price`, or only `discount_final_price` at full
 *     price), on full search pages (paged by their `>` button) and on
 *     fragments;
 *   - the app detail page, where only the first purchase block of the game
 *     itself is read;
 *   - the store's countries: a region per country (`--region de`) asks for
 *     its prices with `cc=` (and English texts with `l=english`, which the
 *     parsing below reads), and names the currency of prices that show none;
 *   - the age gate of app pages, passed by the cookies every request carries.
 * What it must never do: report a demo, DLC, soundtrack or bundle offer of
 * an app page as the game's price (those blocks are skipped, see
 * docs/spiders.md), invent a price for a row that shows none, or keep state
 * between callbacks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/spider.h"

/* XPath predicate: the element's class list contains the token `c`. */
#define CLASS(c) "contains(concat(' ', normalize-space(@class), ' '), ' " c " ')"

static void parse_page(struct mc_response *res);

/*
 * The whole catalogue of games (category1=998) of one country, as the
 * search page's infinite scroll asks for it, ordered by release date: a
 * price change does not move a row, so offset pages stay aligned during a
 * long run.  `cc` picks the country whose prices Steam shows (without it,
 * the country of the crawler's IP address); `l=english` keeps the texts the
 * parser reads ("Free", "27 Aug, 2020") the same in every country.  The
 * next pages keep both (follow_next_results changes only start and count).
 */
#define SEARCH_URL(cc)                                                                      \
	"https://store.steampowered.com/search/results/?query=&start=0&count=50&dynamic_data=" \
	"&sort_by=Released_DESC&force_infinite=1&category1=998&ndl=1&infinite=1&cc=" cc       \
	"&l=english"

/* A country of the store: its search, and the currency of its prices for
 * texts that name none ("Free") or name an ambiguous one ("$", "¥"). */
#define REGION(cc, currency_code)                                                      \
	{                                                                              \
		.code = cc, .start_urls = (const char *const[]){SEARCH_URL(cc), NULL}, \
		.currency = currency_code,                                             \
	}

/*
 * The first is the default (a run without --region): keep it first, or the
 * listings of a cron line without --region change identity.  Canada is not
 * here: the price parser reads its "CDN$ 19.99" as Namibian dollars.
 */
static const struct mc_region regions[] = {
	REGION("us", "USD"),
	REGION("gb", "GBP"),
	REGION("de", "EUR"),
	REGION("fr", "EUR"),
	REGION("pl", "PLN"),
	REGION("br", "BRL"),
	REGION("jp", "JPY"),
	REGION("kr", "KRW"),
	REGION("au", "AUD"),
	REGION("ca", "CAD"),
	{NULL},
};

/* The default region's search, the one `marketcrawl spiders` lists. */
static const char *const start_urls[] = {
	SEARCH_URL("us"),
	NULL,
};

/*
 * Steam's age check (an app page of a mature game redirects to
 * /agecheck/app/ID without them): a birth date of 1 January 1979, as
 * birthtime (epoch seconds) and as the check page writes it (day, month
 * from 0, year), and the "show mature content" choice.
 */
static const char *const age_gate_cookies[] = {
	"birthtime=283996800",
	"lastagecheckage=1-0-1979",
	"wants_mature_content=1",
	NULL,
};

/* Rows asked for per search results request. */
#define RESULTS_PER_PAGE "50"

static const char *const allowed_domains[] = {
	"store.steampowered.com",
	NULL,
};

const struct mc_spider mc_spider_steam = {
	.name = "steam",
	.marketplace = "steam",
	.start_urls = start_urls,
	.allowed_domains = allowed_domains,
	.parse = parse_page,
	.scope = MC_SCOPE_FULL,
	.settings = {
		.per_host = 2,
		.delay_ms = 1000,
	},
	.cookies = age_gate_cookies,
	.regions = regions,
};

/* The prices of one offer, as the page shows them (texts owned by the response). */
struct offer {
	const char *final_text;    /* "4,19€", "Free", "₩ 16,350" */
	const char *original_text; /* struck-through price, or NULL */
	const char *price_final;   /* data-price-final: the amount in hundredths */
	int discount_pct;          /* -1 when the page shows none */
};

/* "-75%" → 75; -1 when the text holds no number. */
static int percent_of(struct mc_response *res, const char *text)
{
	const char *digits = mc_regex(res, "([0-9]{1,3})", text, 1);

	return digits ? (int)strtol(digits, NULL, 10) : -1;
}

/*
 * A display date as ISO 8601 (YYYY-MM-DD) in `out`, for the formats Steam
 * uses: "27 Aug, 2020", "Aug 27, 2020" and the Korean "2026년 8월 4일".
 * Returns false for anything else ("Coming soon", "Q3 2025").
 */
static bool release_date_iso(struct mc_response *res, const char *text, char *out, size_t outsz)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	static const char day_first[] = "^([0-9]{1,2}) ([A-Z][a-z]{2})[a-z]*\\.?,? ([0-9]{4})$";
	static const char month_first[] = "^([A-Z][a-z]{2})[a-z]*\\.? ([0-9]{1,2}),? ([0-9]{4})$";
	static const char korean[] = "^([0-9]{4})년 ([0-9]{1,2})월 ([0-9]{1,2})일$";
	const char *d = NULL, *m = NULL, *y = NULL;
	long month = 0;

	if (mc_regex(res, day_first, text, 0)) {
		d = mc_regex(res, day_first, text, 1);
		m = mc_regex(res, day_first, text, 2);
		y = mc_regex(res, day_first, text, 3);
	} else if (mc_regex(res, month_first, text, 0)) {
		m = mc_regex(res, month_first, text, 1);
		d = mc_regex(res, month_first, text, 2);
		y = mc_regex(res, month_first, text, 3);
	} else if (mc_regex(res, korean, text, 0)) {
		y = mc_regex(res, korean, text, 1);
		month = strtol(mc_regex(res, korean, text, 2), NULL, 10);
		d = mc_regex(res, korean, text, 3);
	}
	if (!d || !y)
		return false;
	for (int i = 0; m && i < 12; i++)
		if (strcmp(m, months[i]) == 0)
			month = i + 1;
	if (month < 1 || month > 12)
		return false;
	snprintf(out, outsz, "%s-%02ld-%02ld", y, month, strtol(d, NULL, 10));
	return true;
}

/* The release date attribute: ISO when the format is known, else the text. */
static void add_release_date(struct mc_response *res, struct mc_item *it, const char *text)
{
	char iso[16];

	if (!text)
		return;
	if (release_date_iso(res, text, iso, sizeof iso))
		mc_item_attr(it, "release_date", iso);
	else
		mc_item_attr(it, "release_date_text", text);
}

/* The platform icons (`span.platform_img win|mac|linux`) under `ctx`. */
static void add_platforms(struct mc_response *res, struct mc_item *it, xmlNodePtr ctx)
{
	static const struct {
		const char *xpath, *name;
	} known[] = {
		{".//span[" CLASS("platform_img") " and " CLASS("win") "]", "windows"},
		{".//span[" CLASS("platform_img") " and " CLASS("mac") "]", "mac"},
		{".//span[" CLASS("platform_img") " and " CLASS("linux") "]", "linux"},
	};
	json_t *list = json_array();

	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
		if (mc_xpath_nodes(res, ctx, known[k].xpath).count > 0)
			json_array_append_new(list, json_string(known[k].name));
	if (json_array_size(list) > 0)
		mc_item_attr_json(it, "platforms", list);
	else
		json_decref(list);
}

/* The page's currency as an ISO code in `out`, for price texts that name
 * none ("Free"): the shop's priceCurrency meta, else the currency of the
 * first price text on the page that shows a symbol.  `page` is the root of
 * the results fragment, or NULL for the response's own document. */
static bool page_currency(struct mc_response *res, xmlNodePtr page, char out[4])
{
	const char *meta = mc_xpath_str(res, page, ".//meta[@itemprop='priceCurrency']/@content");
	struct mc_nodes texts;
	struct mc_price p;

	if (meta && strlen(meta) == 3) {
		memcpy(out, meta, 4);
		return true;
	}
	texts = mc_xpath_nodes(res, page,
			       ".//div[" CLASS("discount_original_price") " or " CLASS(
				       "discount_final_price") " or " CLASS("search_price") "]");
	for (size_t i = 0; i < texts.count; i++) {
		const char *t = mc_xpath_text(res, texts.nodes[i], ".");
		if (t && mc_price_parse(t, NULL, 0, &p) && p.currency[0]) {
			memcpy(out, p.currency, 4);
			return true;
		}
	}
	return false;
}

/*
 * Cross-check the parsed final price against Steam's machine-readable
 * data-price-final (the amount in hundredths, in every currency, KRW
 * included).  A mismatch means the text was misread, e.g. a decimal comma
 * taken for a thousands separator: it is logged, the text still wins.
 * Both sides are canonical decimals, so they compare as strings.
 */
static void check_price_final(struct mc_response *res, const struct offer *o, const char *hint)
{
	const char *want = mc_price_minor(res, o->price_final, 2);
	struct mc_price p;

	if (!want || !mc_price_parse(o->final_text, hint, 0, &p))
		return;
	if (strcmp(p.amount, want) != 0)
		mc_response_log(res, "price \"%s\" read as %s, but data-price-final is %s",
				o->final_text, p.amount, o->price_final);
}

/* "steam:<id>" (an app id, "sub/N" or "bundle/N"): the same app crawled for
 * two regions is two listings of one product. */
static void set_product_key(struct mc_item *it, const char *id)
{
	char key[80];

	snprintf(key, sizeof key, "steam:%s", id);
	mc_item_product_key(it, key);
}

/*
 * Set price, list price and currency from `o`.  The currency hint is the
 * currency of the offer's own texts, else the one of `page` (see
 * page_currency; a "Free" row names none), else the run's region's (a NULL
 * hint: "$" alone is the region's dollar, "¥" its yen).  An unparsable
 * price leaves the item invalid ("bad_price").
 */
static void set_prices(struct mc_response *res, struct mc_item *it, const struct offer *o,
		       xmlNodePtr page)
{
	struct mc_price p;
	char cur[4] = "";
	const char *hint = NULL;

	if (o->original_text && mc_price_parse(o->original_text, NULL, 0, &p) && p.currency[0])
		memcpy(cur, p.currency, 4);
	else if (mc_price_parse(o->final_text, NULL, 0, &p) && p.currency[0])
		memcpy(cur, p.currency, 4);
	else
		page_currency(res, page, cur);
	if (cur[0])
		hint = cur;
	check_price_final(res, o, hint);
	mc_item_prices(it, o->final_text, o->original_text, hint);
}

/* The offer of a `discount_block` element (newer layout, app page). */
static void read_discount_block(struct mc_response *res, xmlNodePtr block, struct offer *o)
{
	const char *pct = mc_attr(res, block, "data-discount");

	o->final_text = mc_xpath_text(res, block, ".//div[" CLASS("discount_final_price") "]");
	o->original_text = mc_xpath_text(res, block, ".//div[" CLASS("discount_original_price") "]");
	o->price_final = mc_attr(res, block, "data-price-final");
	o->discount_pct = pct ? (int)strtol(pct, NULL, 10) : -1;
}

/*
 * The offer of a search row, in either layout.  Returns false when the row
 * shows no price at all (unreleased games, some bundles).
 */
static bool read_row_offer(struct mc_response *res, xmlNodePtr row, struct offer *o)
{
	struct mc_nodes block = mc_xpath_nodes(res, row, ".//div[" CLASS("discount_block") "]");
	struct mc_nodes cell;

	memset(o, 0, sizeof *o);
	o->discount_pct = -1;
	if (block.count > 0) {
		read_discount_block(res, block.nodes[0], o);
		return o->final_text != NULL;
	}
	/* Older layout: <strike>16,79€</strike><br>4,19€, or just "19,99€". */
	cell = mc_xpath_nodes(res, row, ".//div[" CLASS("search_price") "]");
	if (cell.count == 0)
		return false;
	o->original_text = mc_xpath_text(res, cell.nodes[0], ".//strike");
	o->final_text = o->original_text
				? mc_xpath_text(res, cell.nodes[0],
						"(.//br/following-sibling::text()[normalize-space()])[1]")
				: mc_xpath_text(res, cell.nodes[0], ".");
	o->price_final = mc_xpath_str(res, row,
				      "(.//div[" CLASS("search_price_discount_combined") "])[1]"
				      "/@data-price-final");
	o->discount_pct =
		percent_of(res, mc_xpath_text(res, row, ".//div[" CLASS("search_discount") "]"));
	return o->final_text != NULL;
}

/* The review summary of a search row: the tooltip's first line. */
static const char *row_review_summary(struct mc_response *res, xmlNodePtr row)
{
	const char *tip = mc_xpath_str(res, row,
				       ".//span[" CLASS("search_review_summary") "]/@data-tooltip-html");

	return mc_regex(res, "^\\s*([^<]*?)\\s*(<br|$)", tip, 1);
}

/* One search row of `page` (see page_currency) → one item: an app, a
 * bundle or a package (sub). */
static void parse_row(struct mc_response *res, xmlNodePtr row, xmlNodePtr page)
{
	const char *href = mc_attr(res, row, "href");
	const char *bundle = mc_attr(res, row, "data-ds-bundleid");
	const char *sub = mc_attr(res, row, "data-ds-packageid");
	const char *app = mc_attr(res, row, "data-ds-appid");
	const char *kind = "app";
	const char *title;
	char id[64];
	struct offer o;
	struct mc_item *it;

	if (bundle && *bundle) {
		kind = "bundle";
		snprintf(id, sizeof id, "bundle/%s", bundle);
	} else if (sub && *sub) {
		kind = "sub";
		snprintf(id, sizeof id, "sub/%s", sub);
	} else {
		if (!app || !*app || strchr(app, ','))
			app = mc_regex(res, "/app/([0-9]+)", href, 1);
		if (!app) {
			mc_response_log(res, "search row without an id: %s", href ? href : "-");
			return;
		}
		snprintf(id, sizeof id, "%s", app);
	}
	title = mc_xpath_text(res, row, ".//span[" CLASS("title") "]");
	if (!read_row_offer(res, row, &o)) {
		mc_response_log(res, "search row %s (%s) shows no price; skipped", id,
				title ? title : "-");
		return;
	}
	it = mc_item_new(res);
	mc_item_external_id(it, id);
	set_product_key(it, id);
	mc_item_title(it, title);
	/* The ?snr= tracking parameter changes with the page; drop the query. */
	mc_item_url(it, mc_regex(res, "^[^?#]+", href, 0));
	set_prices(res, it, &o, page);
	mc_item_availability(it, MC_AVAIL_IN_STOCK);
	mc_item_attr(it, "type", kind);
	if (o.discount_pct > 0)
		mc_item_attr_json(it, "discount_pct", json_integer(o.discount_pct));
	add_release_date(res, it,
			 mc_xpath_text(res, row, ".//div[" CLASS("search_released") "]"));
	add_platforms(res, it, row);
	mc_item_attr(it, "review_summary", row_review_summary(res, row));
	mc_item_emit(it);
}

/* A full search page or a fragment served as HTML: every row, then the
 * page its `>` button points at. */
static void parse_search(struct mc_response *res, struct mc_nodes rows)
{
	const char *next;

	for (size_t i = 0; i < rows.count; i++)
		parse_row(res, rows.nodes[i], NULL);
	next = mc_xpath_str(res, NULL,
			    "(//div[" CLASS("search_pagination_right") "]/a[" CLASS(
				    "pagebtn") " and normalize-space(.)='>'])[1]/@href");
	if (next)
		mc_follow(res, next, parse_page, NULL);
}

/*
 * `url` with its query parameter `name` set to `value` (in place when it is
 * there, else appended), in `out`.  False when it does not fit.
 */
static bool with_param(const char *url, const char *name, const char *value, char *out,
		       size_t outsz)
{
	const char *query = strchr(url, '?');
	size_t nlen = strlen(name);
	int n;

	for (const char *p = query; p; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, name, nlen) == 0 && p[1 + nlen] == '=') {
			const char *v = p + 2 + nlen;
			n = snprintf(out, outsz, "%.*s%s%s", (int)(v - url), url, value,
				     v + strcspn(v, "&"));
			return n >= 0 && (size_t)n < outsz;
		}
	}
	n = snprintf(out, outsz, "%s%c%s=%s", url, query ? '&' : '?', name, value);
	return n >= 0 && (size_t)n < outsz;
}

/*
 * After a results page of `rows` rows: follow the next one (start = this
 * page's start + rows, count = 50) unless the rows reached total_count.  A
 * page without rows ends the paging (the catalogue shrank while we read
 * it, or Steam stopped answering rows): logged, since the run then saw
 * less than total_count.
 */
static void follow_next_results(struct mc_response *res, json_t *root, size_t rows)
{
	json_t *start = json_object_get(root, "start");
	json_t *total = json_object_get(root, "total_count");
	char next[24], with_start[2048], url[2048];
	json_int_t from;

	if (!json_is_integer(start) || !json_is_integer(total)) {
		mc_response_log(res, "search results without start/total_count; not paging on");
		return;
	}
	from = json_integer_value(start) + (json_int_t)rows;
	if (from >= json_integer_value(total))
		return;
	if (rows == 0) {
		mc_response_log(res, "no rows at start=%" JSON_INTEGER_FORMAT
				     " of total_count %" JSON_INTEGER_FORMAT "; paging ends",
				json_integer_value(start), json_integer_value(total));
		return;
	}
	snprintf(next, sizeof next, "%" JSON_INTEGER_FORMAT, from);
	if (!with_param(mc_response_url(res), "start", next, with_start, sizeof with_start) ||
	    !with_param(with_start, "count", RESULTS_PER_PAGE, url, sizeof url)) {
		mc_response_log(res, "next results URL too long; paging ends");
		return;
	}
	mc_follow(res, url, parse_page, NULL);
}

/* The search results JSON: every row of results_html, then the next page. */
static void parse_results_json(struct mc_response *res)
{
	json_t *root = mc_response_json(res);
	json_t *html = json_object_get(root, "results_html");
	const char *success = mc_json_str(res, root, "success");
	xmlDocPtr frag;
	xmlNodePtr page;
	struct mc_nodes rows = {0, NULL};

	if (!root)
		return; /* mc_response_json said why */
	if (!success || strcmp(success, "1") != 0 || !json_is_string(html)) {
		mc_response_log(res, "search results with success=%s and %s results_html",
				success ? success : "(none)", json_is_string(html) ? "a" : "no");
		return;
	}
	/* A document of its own, owned by the response: the helpers' XPath runs
	 * on it through context nodes taken from it, with relative paths only
	 * (an absolute path would search the response's document). */
	frag = mc_response_html(res, json_string_value(html), json_string_length(html));
	page = frag ? xmlDocGetRootElement(frag) : NULL;
	if (page)
		rows = mc_xpath_nodes(res, page, ".//a[" CLASS("search_result_row") "]");
	for (size_t i = 0; i < rows.count; i++)
		parse_row(res, rows.nodes[i], page);
	follow_next_results(res, root, rows.count);
}

/*
 * The purchase block of the game itself on an app page: the first
 * `game_area_purchase_game` that is not the demo download, not inside a
 * bundle wrapper (data-ds-bundleid) and not in the DLC section.
 */
#define MAIN_PURCHASE_BLOCK                                                                     \
	"(//div[" CLASS("game_area_purchase_game") " and not(" CLASS("demo_above_purchase") ")" \
	" and not(ancestor::*[@data-ds-bundleid]) and not(ancestor::*[@id='gameAreaDLCSection'])])[1]"

static void parse_app(struct mc_response *res, xmlNodePtr block)
{
	const char *url = mc_xpath_str(res, NULL, "//link[@rel='canonical']/@href");
	const char *app = mc_regex(res, "/app/([0-9]+)", url ? url : mc_response_url(res), 1);
	const char *title = mc_xpath_text(res, NULL, "//div[@id='appHubAppName']");
	const char *sub = mc_xpath_str(res, block, ".//input[@name='subid']/@value");
	const char *button = mc_xpath_text(res, block, ".//div[" CLASS("btn_addtocart") "]//span");
	struct mc_nodes discount = mc_xpath_nodes(res, block, ".//div[" CLASS("discount_block") "]");
	struct mc_item *it;
	struct offer o;

	memset(&o, 0, sizeof o);
	o.discount_pct = -1;
	if (discount.count > 0)
		read_discount_block(res, discount.nodes[0], &o);
	else
		o.final_text = mc_xpath_text(res, block, ".//div[" CLASS("game_purchase_price") "]");
	if (!app || !o.final_text) {
		mc_response_log(res, "app page without %s; skipped", app ? "a price" : "an app id");
		return;
	}
	if (!title)
		title = mc_xpath_text(res, NULL, "//div[" CLASS("apphub_AppName") "]");
	it = mc_item_new(res);
	mc_item_external_id(it, app);
	set_product_key(it, app);
	mc_item_title(it, title);
	if (url)
		mc_item_url(it, url);
	set_prices(res, it, &o, NULL);
	/* "Pre-Purchase" / "Pre-order" buttons sell a game not yet released;
	 * any other button on the page's own purchase block sells it now. */
	mc_item_availability(it, mc_availability_parse(button) == MC_AVAIL_PREORDER ?
					 MC_AVAIL_PREORDER :
					 MC_AVAIL_IN_STOCK);
	mc_item_attr(it, "type", "app");
	mc_item_attr(it, "package_id", sub);
	if (o.discount_pct > 0)
		mc_item_attr_json(it, "discount_pct", json_integer(o.discount_pct));
	add_release_date(res, it,
			 mc_xpath_text(res, NULL, "//div[" CLASS("release_date") "]/div[" CLASS(
							  "date") "]"));
	add_platforms(res, it, block);
	mc_item_attr(it, "review_summary",
		     mc_xpath_text(res, NULL,
				   "(//*[@itemprop='aggregateRating']//span[" CLASS(
					   "game_review_summary") "])[1]"));
	mc_item_emit(it);
}

/* Every Steam page comes here: the search results JSON, or HTML search
 * results (full page or fragment) or an app page, told apart by what they
 * contain. */
static void parse_page(struct mc_response *res)
{
	struct mc_nodes rows, block;
	const char *count;
	const char *body = mc_response_body(res, NULL);

	if (mc_response_status(res) != 200) {
		mc_response_log(res, "HTTP %ld; nothing to read", mc_response_status(res));
		return;
	}
	/* An HTML page never starts with '{'; the results JSON always does. */
	if (body[strspn(body, " \t\r\n")] == '{') {
		parse_results_json(res);
		return;
	}
	if (!mc_response_doc(res)) {
		mc_response_log(res, "not an HTML page");
		return;
	}
	rows = mc_xpath_nodes(res, NULL, "//a[" CLASS("search_result_row") "]");
	if (rows.count > 0) {
		parse_search(res, rows);
		return;
	}
	block = mc_xpath_nodes(res, NULL, MAIN_PURCHASE_BLOCK);
	if (block.count > 0) {
		parse_app(res, block.nodes[0]);
		return;
	}
	/* "0 results match your search." is a valid, empty answer. */
	count = mc_xpath_text(res, NULL, "//div[" CLASS("search_results_count") "]");
	mc_response_log(res, "no items: %s",
			count ? count : "neither search results nor an app page");
}
