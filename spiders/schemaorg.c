/*
 * schemaorg: a generic spider for any store that describes its products
 * with schema.org markup, as many shops do for search engines.  It emits
 * one item per Product with an offer and follows every link on the
 * allowed domains.
 *
 * It has no start URL of its own: run it with --start-url URL and
 * --allow-domain HOST, e.g.
 *   marketcrawl crawl schemaorg --start-url https://shop.example/ --allow-domain shop.example
 * The marketplace of its items is the host name of the page.
 *
 * What it reads (docs/spiders.md, "schemaorg", has the field table):
 * - JSON-LD: every <script type="application/ld+json"> block; a Product may
 *   be the block itself, an element of an array or of "@graph", or the
 *   "mainEntity" of a wrapper (ItemPage, WebPage).
 * - microdata, when the JSON-LD gave no item: every top-level
 *   itemscope/itemtype Product (or the mainEntity of a page item), turned
 *   into the same JSON shape and read by the same code.
 * - offers: an Offer, an array of offers, or an AggregateOffer (its
 *   offers[], else lowPrice/highPrice).  A listing is one item, so one
 *   offer is chosen (consider() says which and why).
 * Prices become exact decimals through the price parser, never floats.
 * All JSON this file parses or builds is owned by one array per callback
 * and released in one place; the module keeps no state between callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/spider.h"

/* Wrappers and nested items deeper than this are not read (hostile pages). */
#define MAX_NESTING 16
/* Distinct external ids remembered per page to emit each listing once. */
#define MAX_SEEN 64

/* What one callback has read so far. */
struct page {
	struct mc_response *res;
	json_t *owned;                /* every JSON tree parsed or built here */
	const char *seen[MAX_SEEN];   /* external ids emitted (borrowed from `owned`) */
	size_t nseen;
	int emitted;
};

/* ---- small readers ------------------------------------------------------ */

/* The text of a JSON string or number ("19.99", "20"), else NULL. */
static const char *json_text(struct mc_response *res, json_t *v)
{
	return json_is_string(v) || json_is_number(v) ? mc_json_str(res, v, "") : NULL;
}

/* The text of `key` in `obj` (a string, a number, or the "name" of an
 * object such as a Brand or an Organization), else NULL. */
static const char *field(struct mc_response *res, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		return json_text(res, json_object_get(v, "name"));
	return json_text(res, v);
}

/*
 * The last segment of a schema.org term, squeezed to lower-case letters
 * and digits: "https://schema.org/Product" → "product", "schema:Offer" →
 * "offer", "http://schema.org/UsedCondition" → "usedcondition".
 */
static void term(const char *s, char *out, size_t outsz)
{
	const char *start = s, *end = s + strlen(s);
	size_t n = 0;

	while (end > s && (end[-1] == '/' || end[-1] == ' '))
		end--;
	for (const char *p = s; p < end; p++)
		if (*p == '/' || *p == ':' || *p == '#')
			start = p + 1;
	for (const char *p = start; p < end && n + 1 < outsz; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			out[n++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = c;
	}
	out[n] = '\0';
}

/* True when the schema.org type `type` (a string or an array of them)
 * names one of `names` ("Product" matches "http://schema.org/Product"). */
static bool type_is(json_t *type, const char *const *names)
{
	char t[48];
	size_t i;
	json_t *v;

	if (json_is_array(type)) {
		json_array_foreach(type, i, v)
			if (type_is(v, names))
				return true;
		return false;
	}
	if (!json_is_string(type))
		return false;
	term(json_string_value(type), t, sizeof t);
	for (const char *const *n = names; *n; n++)
		if (strcmp(t, *n) == 0)
			return true;
	return false;
}

static const char *const product_types[] = {
	"product", "individualproduct", "productmodel", "someproducts", NULL,
};
static const char *const aggregate_types[] = {"aggregateoffer", NULL};
static const char *const list_price_types[] = {
	"strikethroughprice", "listprice", "msrp", "srp", NULL,
};

static bool is_product(json_t *node)
{
	return json_is_object(node) && type_is(json_object_get(node, "@type"), product_types);
}

/* ---- prices -------------------------------------------------------------- */

/*
 * An offer's price value (a JSON number or a string) as an exact decimal.
 * A number is unambiguous: '.' is its decimal point, whatever its digits.
 * A string is what the shop typed: schema.org asks for "49.99", but shops
 * write "49,99" (bol.com) or "1.299,00", so the price parser guesses which
 * separator is the decimal one ("1,299" and "1.299" are thousands); only
 * for a currency with three minor units (KWD, BHD...) are three digits
 * after one separator a fraction ("1.250" KWD is 1.25).
 */
static bool read_price(struct mc_response *res, json_t *v, const char *currency,
		       struct mc_price *out)
{
	const char *text = json_text(res, v), *sep;
	char decimal = 0;

	if (!text)
		return false;
	if (json_is_number(v)) {
		decimal = '.';
	} else if (currency && mc_currency_minor_units(currency) == 3 &&
		   mc_regex(res, "^\\s*[0-9]+[.,][0-9]{3}\\s*$", text, 0)) {
		sep = mc_regex(res, "[.,]", text, 0);
		decimal = sep ? sep[0] : 0;
	}
	return mc_price_parse(text, currency, decimal, out) && out->has_amount;
}

/* Compare two canonical decimals ("1299.5", "0.75"): <0, 0, >0. */
static int dec_cmp(const char *a, const char *b)
{
	size_t ia = strcspn(a, "."), ib = strcspn(b, ".");
	int c;

	if (ia != ib)
		return ia < ib ? -1 : 1;
	c = strncmp(a, b, ia);
	if (c)
		return c;
	a += ia + (a[ia] == '.');
	b += ib + (b[ib] == '.');
	while (*a || *b) {
		char da = *a ? *a++ : '0', db = *b ? *b++ : '0';
		if (da != db)
			return da < db ? -1 : 1;
	}
	return 0;
}

/* ---- choosing the offer -------------------------------------------------- */

/* One offer read from the markup, and the one chosen so far. */
struct offer {
	json_t *node;               /* the Offer (or AggregateOffer) object */
	struct mc_price price;
	struct mc_price list;       /* has_amount false: no list price */
	enum mc_availability avail;
};

struct choice {
	struct offer best;
	bool have;
	char currency[4];           /* of the first priced offer ("" = none) */
	size_t priced, unpriced, other_currency;
	json_t *aggregate;          /* the AggregateOffer around them, if any */
	const char *price_text;     /* an unreadable price, for the bad_price drop */
};

/* One priceSpecification: a list price (priceType StrikethroughPrice,
 * ListPrice, MSRP, SRP), or the sale price when it has no priceType. */
static void read_price_spec(struct mc_response *res, json_t *s, const char *currency,
			    struct offer *of, bool want_price)
{
	const char *cur = field(res, s, "priceCurrency");
	json_t *type = json_object_get(s, "priceType");
	struct mc_price p;

	if (!json_is_object(s) ||
	    !read_price(res, json_object_get(s, "price"), cur ? cur : currency, &p))
		return;
	if (type_is(type, list_price_types)) {
		if (!of->list.has_amount)
			of->list = p;
	} else if (want_price && !type && !of->price.has_amount) {
		of->price = p;
	}
}

/*
 * The offer's priceSpecification (one or an array): the list price, kept
 * only when it is above the price, and the price itself when the offer
 * has no "price" of its own.
 */
static void read_price_specs(struct mc_response *res, json_t *o, const char *currency,
			     struct offer *of, bool want_price)
{
	json_t *specs = json_object_get(o, "priceSpecification"), *s;
	size_t i;

	if (json_is_array(specs)) {
		json_array_foreach(specs, i, s)
			read_price_spec(res, s, currency, of, want_price);
	} else {
		read_price_spec(res, specs, currency, of, want_price);
	}
	if (of->list.has_amount && of->price.has_amount &&
	    dec_cmp(of->list.amount, of->price.amount) <= 0)
		of->list.has_amount = false;
}

/*
 * Which offer becomes the item: the cheapest one that can be bought
 * (anything not out of stock); an offer that can be bought beats any that
 * cannot; on a tie the first in the page wins.  So the item says what a
 * buyer pays now, and a sold-out price only shows when every offer is sold
 * out.  Offers in another currency than the first priced one are not
 * compared (they are counted).
 */
static void consider(struct mc_response *res, struct choice *ch, json_t *o,
		     const char *inherited_currency, bool aggregate_alone)
{
	const char *cur = field(res, o, "priceCurrency");
	json_t *pv = json_object_get(o, "price");
	struct offer of = {.node = o};
	bool buyable, best_buyable;

	if (!cur)
		cur = inherited_currency;
	if (!pv && aggregate_alone)
		pv = json_object_get(o, "lowPrice");
	if (pv && !read_price(res, pv, cur, &of.price) && !ch->price_text)
		ch->price_text = json_text(res, pv);
	read_price_specs(res, o, cur, &of, !pv);
	if (!of.price.has_amount) {
		ch->unpriced++;
		return;
	}
	/* "https://schema.org/InStock", "InStock", "PreOrder"...: the shared
	 * reading of availability (spider.h). */
	of.avail = mc_availability_parse(field(res, o, "availability"));
	if (ch->priced++ == 0)
		memcpy(ch->currency, of.price.currency, sizeof ch->currency);
	if (strcmp(of.price.currency, ch->currency) != 0) {
		ch->other_currency++;
		return;
	}
	buyable = of.avail != MC_AVAIL_OUT_OF_STOCK;
	best_buyable = ch->have && ch->best.avail != MC_AVAIL_OUT_OF_STOCK;
	if (!ch->have || (buyable && !best_buyable) ||
	    (buyable == best_buyable && dec_cmp(of.price.amount, ch->best.price.amount) < 0)) {
		ch->best = of;
		ch->have = true;
	}
}

/*
 * Walk `offers`: an Offer, an array of them, or an AggregateOffer — its
 * offers[] when it lists priced ones (they carry their own availability),
 * else itself, priced at lowPrice.
 */
static void walk_offers(struct mc_response *res, struct choice *ch, json_t *offers,
			const char *currency, int depth)
{
	size_t i, before;
	json_t *v;

	if (depth > MAX_NESTING)
		return;
	if (json_is_array(offers)) {
		json_array_foreach(offers, i, v)
			walk_offers(res, ch, v, currency, depth + 1);
		return;
	}
	if (!json_is_object(offers))
		return;
	if (!type_is(json_object_get(offers, "@type"), aggregate_types) &&
	    (json_object_get(offers, "price") || !json_object_get(offers, "lowPrice"))) {
		consider(res, ch, offers, currency, false);
		return;
	}
	const char *cur = field(res, offers, "priceCurrency");
	if (!ch->aggregate)
		ch->aggregate = offers;
	before = ch->priced;
	walk_offers(res, ch, json_object_get(offers, "offers"), cur ? cur : currency, depth + 1);
	if (ch->priced == before)
		consider(res, ch, offers, currency, true);
}

/* ---- identifiers ----------------------------------------------------------- */

/*
 * A GTIN (8, 12, 13 or 14 digits, spaces and hyphens allowed) with a valid
 * GS1 check digit, written as 13 digits when it fits (GTIN-12
 * "045496424671" and GTIN-13 "0045496424671" are one number, so two shops
 * writing them differently still share a product_key), else as 14.
 * False for anything else.
 */
static bool gtin_normal(const char *raw, char out[15])
{
	char d[15];
	size_t n = 0;
	int sum = 0;

	for (const char *p = raw; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == 14)
				return false;
			d[n++] = *p;
		} else if (*p != ' ' && *p != '-') {
			return false;
		}
	}
	if (n != 8 && n != 12 && n != 13 && n != 14)
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		sum += (d[n - 2 - i] - '0') * (i % 2 == 0 ? 3 : 1);
	if ((10 - sum % 10) % 10 != d[n - 1] - '0')
		return false;
	memset(out, '0', 14 - n);
	memcpy(out + 14 - n, d, n);
	out[14] = '\0';
	if (out[0] == '0')
		memmove(out, out + 1, 14);
	return true;
}

/* The product's GTIN (gtin13, gtin, gtin14, gtin12, gtin8; the offer's when
 * the product has none): normalised when it is a valid GTIN, else as the
 * shop wrote it; NULL when there is none. */
static const char *gtin_of(struct mc_response *res, json_t *p, json_t *offer, char buf[15])
{
	static const char *const keys[] = {"gtin13", "gtin", "gtin14", "gtin12", "gtin8"};
	json_t *where[] = {p, offer};

	for (size_t w = 0; w < 2; w++)
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			const char *v = field(res, where[w], keys[k]);
			if (v && *v)
				return gtin_normal(v, buf) ? buf : v;
		}
	return NULL;
}

/* "http://schema.org/UsedCondition" → "used"; NULL for other values. */
static const char *condition_of(const char *s)
{
	static const char *const known[] = {"new", "used", "refurbished", "damaged"};
	char t[32];
	size_t n;

	if (!s)
		return NULL;
	term(s, t, sizeof t);
	n = strlen(t);
	if (n > 9 && strcmp(t + n - 9, "condition") == 0)
		t[n - 9] = '\0';
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(t, known[i]) == 0)
			return known[i];
	return NULL;
}

/* The host of a URL ("www.bol.com"), or NULL. */
static const char *host_of(struct mc_response *res, const char *url)
{
	return mc_regex(res, "^https?://([^/:?#]+)", url, 1);
}

/* The page's host as the marketplace name, or NULL (the item is then
 * dropped as missing_marketplace) when it is not the 1 to 100 characters
 * of [a-z0-9_.-] the staging format allows: an IPv6 literal, a host name
 * over 100 characters, or garbage only a fuzzer sends. */
static const char *marketplace_of(struct mc_response *res)
{
	const char *host = host_of(res, mc_response_url(res));

	return mc_regex(res, "^[a-z0-9_.-]{1,100}$", host, 0);
}

/* A free-text attribute (brand, seller), left out when over 1000 bytes:
 * the staging format caps all attrs at 64 KiB, and no brand is that long. */
static void attr_text(struct mc_item *it, const char *key, const char *value)
{
	if (value && strlen(value) <= 1000)
		mc_item_attr(it, key, value);
}

/* ---- products ------------------------------------------------------------- */

/* True when `id` was emitted from this page already; remembers it if not. */
static bool seen_before(struct page *pg, const char *id)
{
	if (!id)
		return false;
	for (size_t i = 0; i < pg->nseen; i++)
		if (strcmp(pg->seen[i], id) == 0)
			return true;
	if (pg->nseen < MAX_SEEN)
		pg->seen[pg->nseen++] = id;
	return false;
}

/*
 * The item's URL: the product's own url, else the chosen offer's url when
 * it is on the page's host (an offer may point to another shop), else the
 * page's canonical link, else the page URL (the item's default).
 */
static void set_url(struct mc_response *res, struct mc_item *it, json_t *p, json_t *offer)
{
	const char *page_host = host_of(res, mc_response_url(res));
	const char *u = field(res, p, "url"), *o = field(res, offer, "url");
	const char *abs = o ? mc_urljoin(res, o) : NULL;

	if (!u && abs && page_host && host_of(res, abs) && strcmp(host_of(res, abs), page_host) == 0)
		u = abs;
	if (!u)
		u = mc_xpath_str(res, NULL, "/html/head/link[@rel='canonical']/@href");
	if (u)
		mc_item_url(it, u);
}

/* The AggregateOffer's offerCount, else the number of priced offers when
 * there were several. */
static void set_offer_attrs(struct mc_response *res, struct mc_item *it, const struct choice *ch)
{
	const char *count = field(res, ch->aggregate, "offerCount");
	const char *digits = mc_regex(res, "^\\s*([0-9]{1,9})\\s*$", count, 1);
	struct mc_price high;

	if (digits)
		mc_item_attr_json(it, "offer_count", json_integer(strtol(digits, NULL, 10)));
	else if (ch->priced > 1)
		mc_item_attr_json(it, "offer_count", json_integer((json_int_t)ch->priced));
	if (ch->aggregate && ch->currency[0] &&
	    read_price(res, json_object_get(ch->aggregate, "highPrice"), ch->currency, &high) &&
	    strcmp(high.currency, ch->currency) == 0)
		mc_item_attr(it, "high_price", high.amount);
}

/*
 * One Product → one item.  A Product without "offers" is not for sale on
 * this page (review pages, markup for ratings only): skipped.  One whose
 * offers give no readable price is emitted anyway, so that the engine
 * drops it as bad_price and counts it: the run's statistics then show that
 * the markup stopped saying what it used to.
 */
static void emit_product(struct page *pg, json_t *p)
{
	struct mc_response *res = pg->res;
	json_t *offers = json_object_get(p, "offers");
	struct choice ch = {0};
	struct mc_item *it;
	const char *id, *key, *cond;
	char gtin[15];

	if (!offers) {
		mc_response_log(res, "a Product without offers; skipped");
		return;
	}
	walk_offers(res, &ch, offers, NULL, 0);
	json_t *offer = ch.have ? ch.best.node : NULL;
	key = gtin_of(res, p, offer, gtin);
	id = field(res, p, "sku");
	if (!id)
		id = field(res, offer, "sku");
	if (!id)
		id = field(res, p, "productID");
	if (!id)
		id = key;
	if (!id)
		id = field(res, p, "mpn");
	if (seen_before(pg, id))
		return;
	pg->emitted++;
	it = mc_item_new(res);
	mc_item_external_id(it, id);
	mc_item_title(it, field(res, p, "name"));
	set_url(res, it, p, offer);
	mc_item_marketplace(it, marketplace_of(res));
	mc_item_product_key(it, key);
	if (!ch.have) {
		mc_response_log(res, "%zu offer(s), none with a readable price", ch.unpriced);
		mc_item_prices(it, ch.price_text, NULL, NULL); /* marks it bad_price */
		mc_item_emit(it);
		return;
	}
	if (ch.other_currency)
		mc_response_log(res, "%zu offer(s) in another currency than %s not compared",
				ch.other_currency, ch.currency[0] ? ch.currency : "the first");
	mc_item_price_exact(it, ch.best.price.amount,
			    ch.best.list.has_amount ? ch.best.list.amount : NULL,
			    ch.best.price.currency[0] ? ch.best.price.currency : NULL);
	mc_item_availability(it, ch.best.avail);
	attr_text(it, "brand", field(res, p, "brand"));
	attr_text(it, "seller", field(res, offer, "seller"));
	cond = condition_of(field(res, offer, "itemCondition"));
	mc_item_attr(it, "condition", cond ? cond : condition_of(field(res, p, "itemCondition")));
	set_offer_attrs(res, it, &ch);
	mc_item_emit(it);
}

/* ---- JSON-LD ----------------------------------------------------------------- */

/* A block holds one object, an array, an "@graph" of them, or a page
 * (ItemPage, WebPage...) whose "mainEntity" is the product. */
static void scan(struct page *pg, json_t *node, int depth)
{
	size_t i;
	json_t *v;

	if (depth > MAX_NESTING)
		return;
	if (json_is_array(node)) {
		json_array_foreach(node, i, v)
			scan(pg, v, depth + 1);
	} else if (is_product(node)) {
		emit_product(pg, node);
	} else if (json_is_object(node)) {
		scan(pg, json_object_get(node, "@graph"), depth + 1);
		scan(pg, json_object_get(node, "mainEntity"), depth + 1);
	}
}

/* Every ld+json block of the page, parsed and scanned.  A block some shops
 * wrap in <!-- --> or (//)<![CDATA[ ]]> is read without the wrapper. */
static void read_json_ld(struct page *pg)
{
	struct mc_response *res = pg->res;
	struct mc_nodes blocks = mc_xpath_nodes(res, NULL, "//script[contains(@type,'ld+json')]");
	json_error_t err;

	for (size_t i = 0; i < blocks.count; i++) {
		const char *text = mc_xpath_str(res, blocks.nodes[i], "."), *inner;
		json_t *root;

		if (!text)
			continue;
		root = json_loads(text, JSON_DECODE_ANY, &err);
		if (!root) {
			inner = mc_regex(res,
					 "(?s)^\\s*(?:<!--|(?://\\s*)?<!\\[CDATA\\[)(.*?)"
					 "(?:-->|(?://\\s*)?\\]\\]>)\\s*$",
					 text, 1);
			if (inner)
				root = json_loads(inner, JSON_DECODE_ANY, &err);
		}
		if (!root) {
			mc_response_log(res, "ld+json block %zu is not JSON (line %d: %s)", i + 1,
					err.line, err.text);
			continue;
		}
		json_array_append_new(pg->owned, root);
		scan(pg, root, 0);
	}
}

/* ---- microdata --------------------------------------------------------------- */

static json_t *md_item(struct page *pg, xmlNodePtr el, int depth);

static bool has_attr(xmlNodePtr el, const char *name)
{
	return xmlHasProp(el, (const xmlChar *)name) != NULL;
}

static bool named(xmlNodePtr el, const char *const *names)
{
	for (const char *const *n = names; *n; n++)
		if (strcmp((const char *)el->name, *n) == 0)
			return true;
	return false;
}

/*
 * The value of a property element, as the HTML microdata rules say: a
 * nested item for itemscope, else the content attribute (<meta>, and the
 * <span content="51.94"> many shops write), href of a/area/link, src of
 * media, data of object, value of data/meter, datetime of time, else the
 * text, whitespace collapsed.  URLs are made absolute.
 */
static json_t *md_value(struct page *pg, xmlNodePtr el, int depth)
{
	static const char *const href[] = {"a", "area", "link", NULL};
	static const char *const src[] = {"audio", "embed", "iframe", "img", "source",
					  "track", "video", NULL};
	static const char *const value[] = {"data", "meter", NULL};
	static const char *const object[] = {"object", NULL};
	static const char *const time_el[] = {"time", NULL};
	struct mc_response *res = pg->res;
	const char *v = mc_attr(res, el, "content"), *u = NULL;

	if (has_attr(el, "itemscope"))
		return md_item(pg, el, depth + 1);
	if (!v && named(el, href))
		u = mc_attr(res, el, "href");
	else if (!v && named(el, src))
		u = mc_attr(res, el, "src");
	else if (!v && named(el, object))
		u = mc_attr(res, el, "data");
	else if (!v && named(el, value))
		v = mc_attr(res, el, "value");
	else if (!v && named(el, time_el))
		v = mc_attr(res, el, "datetime");
	if (u) {
		v = mc_urljoin(res, u);
		if (!v)
			v = u;
	}
	if (!v)
		v = mc_xpath_text(res, el, ".");
	return json_string(v ? v : "");
}

/* Add `value` under each name of the element's itemprop (a repeated
 * property becomes an array).  Steals `value`. */
static void md_add(struct page *pg, json_t *obj, xmlNodePtr el, json_t *value)
{
	const char *names = mc_attr(pg->res, el, "itemprop");
	char name[64];
	size_t n;

	if (!value)
		return;
	while (names && *names) {
		names += strspn(names, " \t\r\n\f");
		n = strcspn(names, " \t\r\n\f");
		if (n > 0 && n < sizeof name) {
			memcpy(name, names, n);
			name[n] = '\0';
			json_t *had = json_object_get(obj, name);
			if (json_is_array(had)) {
				json_array_append(had, value);
			} else if (had) {
				json_t *both = json_array();
				json_array_append(both, had);
				json_array_append(both, value);
				json_object_set_new(obj, name, both);
			} else {
				json_object_set(obj, name, value);
			}
		}
		names += n;
	}
	json_decref(value);
}

/* The properties of an item: its descendants with itemprop, not looking
 * inside nested items (their properties are theirs). */
static void md_props(struct page *pg, xmlNodePtr parent, json_t *obj, int depth, int dom_depth)
{
	for (xmlNodePtr c = parent->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (has_attr(c, "itemprop"))
			md_add(pg, obj, c, md_value(pg, c, depth));
		if (!has_attr(c, "itemscope") && dom_depth < 512)
			md_props(pg, c, obj, depth, dom_depth + 1);
	}
}

/* The itemtype tokens of an element: a string, or an array of them. */
static json_t *md_types(struct page *pg, xmlNodePtr el)
{
	const char *types = mc_attr(pg->res, el, "itemtype");
	json_t *all = json_array(), *one;
	size_t n;

	while (types && *types) {
		types += strspn(types, " \t\r\n\f");
		n = strcspn(types, " \t\r\n\f");
		if (n > 0)
			json_array_append_new(all, json_stringn(types, n));
		types += n;
	}
	if (json_array_size(all) != 1)
		return all;
	one = json_incref(json_array_get(all, 0));
	json_decref(all);
	return one;
}

/* An itemscope element as a JSON-LD-like object: "@type" and its
 * properties.  New reference; NULL when nested too deep. */
static json_t *md_item(struct page *pg, xmlNodePtr el, int depth)
{
	json_t *obj;

	if (depth > MAX_NESTING)
		return NULL;
	obj = json_object();
	json_object_set_new(obj, "@type", md_types(pg, el));
	md_props(pg, el, obj, depth, 0);
	return obj;
}

/* Every top-level Product item (or the mainEntity of a page item). */
static void read_microdata(struct page *pg)
{
	struct mc_nodes items = mc_xpath_nodes(
		pg->res, NULL,
		"//*[@itemscope and @itemtype and (not(@itemprop) or "
		"contains(concat(' ', normalize-space(@itemprop), ' '), ' mainEntity '))]");

	for (size_t i = 0; i < items.count; i++) {
		json_t *types = md_types(pg, items.nodes[i]);
		bool product = type_is(types, product_types);

		json_decref(types);
		if (!product)
			continue;
		json_t *item = md_item(pg, items.nodes[i], 0);
		json_array_append_new(pg->owned, item);
		emit_product(pg, item);
	}
}

/* ---- the callback ----------------------------------------------------------- */

static void parse(struct mc_response *res)
{
	struct page pg = {.res = res, .owned = json_array()};

	read_json_ld(&pg);
	if (pg.emitted == 0)
		read_microdata(&pg);
	json_decref(pg.owned);
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
