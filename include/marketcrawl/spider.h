/*
 * The spider API: everything a spider module (spiders/NAME.c) may use.
 *
 * A spider is a constant `struct mc_spider` named `mc_spider_NAME`; the
 * Makefile collects spiders/NAME.c files into a registry, so adding a spider is adding
 * one file.  A spider never talks to libcurl, the frontier or the staging
 * file: it receives a response, reads it with the helpers below, and asks
 * for more pages (mc_follow) or emits items (mc_item_emit).  Requests may
 * carry a method, a body, headers and cookies (struct mc_follow_opts); the
 * engine adds the spider's own headers and cookies, keeps one cookie jar
 * for the run, and never logs bodies or cookie values.
 *
 * Ownership, once for the whole header: every pointer a helper returns that
 * is not documented otherwise is owned by the response and stays valid until
 * the parse callback returns.  Spiders never free anything they got from a
 * helper, and never keep such a pointer after the callback returns.
 * Memory libxml2 or jansson hand out during a callback (xmlGetProp,
 * json_dumps...) comes from the page's arena: release it with the
 * library's own free function (xmlFree; jansson's from json_get_alloc_funcs),
 * never with free(), which aborts on it.
 * Callbacks must not keep global mutable state: the engine may run them on
 * several worker threads at once.
 */
#ifndef MC_SPIDER_H
#define MC_SPIDER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "marketcrawl/price.h"

struct mc_response;
struct mc_item;

/* A parse callback: reads `res`, follows links and emits items. */
typedef void (*mc_parse_fn)(struct mc_response *res);

/* ---- requests ---------------------------------------------------------- */

enum mc_method {
	MC_GET = 0, /* the zero value: a plain GET */
	MC_POST,
	MC_HEAD,    /* headers only: the callback sees an empty body */
};

/*
 * How a request is made, besides its URL.  The zero value (or a NULL
 * pointer where one is taken) is a plain GET with no data.  Every string is
 * copied when the struct is handed over (mc_follow); the caller keeps
 * ownership of the struct and its strings.
 *
 * `headers` are "Name: value" lines (a token name, no CR/LF/NUL anywhere);
 * "Name:" with an empty value removes a header the engine would send
 * (e.g. "Accept:").  Host, Content-Length, Transfer-Encoding and Cookie
 * cannot be set this way (cookies go in `cookies`).  `cookies` are
 * "name=value" pairs (a token name, a value without ';', CR, LF or NUL).
 * A request with a header or cookie that breaks these rules, or with a
 * body but a method other than MC_POST, is not made: it is logged (the
 * header or cookie name only) and counted as an invalid link.
 */
struct mc_follow_opts {
	const char *data;  /* handed to the callback via mc_response_data */
	int priority;      /* higher first; default 0 */
	bool dont_filter;  /* skip the duplicate filter (revisits) */
	enum mc_method method;
	const char *body;         /* MC_POST only; NULL = empty body */
	size_t body_len;          /* bytes of `body`; 0 = strlen(body) */
	const char *content_type; /* of the body; NULL = application/x-www-form-urlencoded */
	const char *const *headers; /* NULL-terminated; sent after the spider's and
				     * the region's, replacing those of the same name */
	const char *const *cookies; /* NULL-terminated; same, by cookie name */
};

/* A query or form parameter; tables of them end with {NULL, NULL}. */
struct mc_param {
	const char *name;
	const char *value; /* NULL: the parameter is left out */
};

/* A callback with its name, for tools that call one by name (`marketcrawl
 * parse`).  Tables of them end with {NULL, NULL}. */
struct mc_callback {
	const char *name;
	mc_parse_fn fn;
};

/*
 * A region of a store that serves several countries.  `marketcrawl crawl
 * SPIDER --region CODE` picks one; without --region a spider with regions
 * runs its first one.  Every item and the run record of the run carry the
 * code (staging field `region`).  Tables of regions end with {NULL}.
 */
struct mc_region {
	const char *code;              /* [a-z0-9_-]{1,20}, e.g. "de" */
	const char *const *start_urls; /* NULL-terminated; NULL = the spider's */
	const char *const *headers;    /* after the spider's, replacing by name */
	const char *const *cookies;    /* after the spider's, replacing by name */
	const char *currency;          /* ISO 4217 for prices that name none; may be NULL */
	/* How its start URLs are requested (a GraphQL POST whose body names
	 * the country); NULL = the spider's start_opts. */
	const struct mc_follow_opts *start_opts;
};

/*
 * Per-spider settings.  Zero (or NULL) means "engine default"; command-line
 * options override both.
 */
struct mc_spider_settings {
	int concurrency;        /* transfers in flight, all hosts */
	int per_host;           /* transfers in flight per host */
	int delay_ms;           /* minimum gap between requests to one host */
	int max_depth;          /* links deeper than this are not followed */
	int max_pages;          /* stop scheduling after this many responses */
	const char *user_agent; /* replaces the default User-Agent */
	/* Suspect-run threshold: items below this fraction of the previous
	 * complete run mark the run suspect.  0 means the default (0.5). */
	double min_item_ratio;
	/*
	 * The proxy every request goes through, "[SCHEME://][USER:PASS@]HOST:PORT"
	 * (http, https, socks4, socks4a, socks5, socks5h); NULL = none, and then
	 * the http_proxy / https_proxy / no_proxy variables apply as in curl.
	 * --proxy and --proxy-list replace it.  Its credentials are never shown
	 * (docs/crawling.md, "Proxies").
	 */
	const char *proxy;
	/*
	 * Per-host rules, NULL-terminated, in the syntax of --host-rule:
	 * "HOST_OR_DOMAIN:delay=SECONDS,concurrency=N,max-pages=N" (any of the
	 * settings; ".example.com" or "*.example.com" is the domain and its
	 * subdomains, a bare name that host only).  The most specific rule for
	 * a host wins; --host-rule rules come after these (docs/crawling.md,
	 * "Per-host rules").  A bad rule fails the run before anything is sent.
	 * E.g. (const char *const[]){".cdn.example:delay=0,concurrency=8", NULL}
	 */
	const char *const *host_rules;
};

/*
 * What a complete run of a spider sees (docs/crawling.md, "Scope").  Only a
 * full-catalogue spider's good runs are evidence that a listing is gone;
 * the zero value is the safe one.
 */
enum mc_scope {
	MC_SCOPE_PARTIAL = 0, /* part of a catalogue (deals, top sellers, pages given
			       * by hand): a listing missing from a run means nothing */
	MC_SCOPE_FULL,        /* the whole catalogue: a listing missing from a
			       * complete, healthy run is delisted */
};

struct mc_spider {
	const char *name;        /* [a-z0-9_]+, also the staging subdirectory */
	const char *marketplace; /* default `marketplace` of emitted items */
	const char *const *start_urls;      /* NULL-terminated */
	const char *const *allowed_domains; /* NULL-terminated; NULL = any */
	mc_parse_fn parse;       /* callback for start URLs */
	enum mc_scope scope;     /* written into every run record */
	struct mc_spider_settings settings;
	/*
	 * Optional sitemap start: URLs of sitemaps, sitemap indexes (plain or
	 * gzip) or robots.txt files (their Sitemap: lines).  Every page URL
	 * they list that matches `sitemap_filter` (a PCRE2 pattern; NULL =
	 * all) is fetched and handed to `sitemap_parse` (NULL = `parse`).
	 */
	const char *const *sitemap_urls;
	const char *sitemap_filter;
	mc_parse_fn sitemap_parse;
	/*
	 * Sent with every request of a run (robots.txt and sitemaps too):
	 * "Name: value" headers and "name=value" cookies, as in
	 * struct mc_follow_opts.  An age gate is one line:
	 * .cookies = (const char *const[]){"birthtime=0", NULL}.
	 */
	const char *const *headers;
	const char *const *cookies;
	/* How the start URLs are requested (method, body, headers...); NULL =
	 * plain GETs.  The start requests of a JSON API that wants a POST. */
	const struct mc_follow_opts *start_opts;
	const struct mc_callback *callbacks; /* named callbacks; may be NULL */
	const struct mc_region *regions;     /* may be NULL: no regions */
};

/* ---- the response ------------------------------------------------------ */

const char *mc_response_url(const struct mc_response *res);   /* final URL */
long mc_response_status(const struct mc_response *res);
int mc_response_depth(const struct mc_response *res);         /* start = 0 */
/* Case-insensitive header lookup; NULL when absent. */
const char *mc_response_header(const struct mc_response *res, const char *name);
/* The body as UTF-8 (converted from the page's charset), NUL-terminated. */
const char *mc_response_body(const struct mc_response *res, size_t *len);
/* The per-request data given to mc_follow, or NULL. */
const char *mc_response_data(const struct mc_response *res);
/* The parsed HTML document (parsed on first call), or NULL if unparsable
 * or over the page's memory budget (docs/crawling.md, "Caps on what a
 * server sends"). */
xmlDocPtr mc_response_doc(struct mc_response *res);
/*
 * `len` bytes of UTF-8 HTML (a fragment a JSON body carries) parsed as a
 * document of its own, the way the page is and within the page's memory
 * budget.  Owned by the response (freed when the callback returns), or
 * NULL when empty, unparsable or over the budget.  Select in it through
 * its nodes as context, with relative paths: an absolute path searches
 * the response's own document.
 */
xmlDocPtr mc_response_html(struct mc_response *res, const char *html, size_t len);
/*
 * The body parsed as JSON (on first call; any JSON value), a borrowed
 * reference owned by the response, or NULL when the body is not JSON
 * (logged).  Use mc_json_str / mc_json_get on it.  A JSON body is read as
 * UTF-8 whatever <meta> text it contains, and no HTML is parsed for it.
 */
json_t *mc_response_json(struct mc_response *res);
/* The run's region (struct mc_region of the spider), or NULL. */
const struct mc_region *mc_response_region(const struct mc_response *res);
/*
 * The pointer the crawl was started with for its callbacks (the state of
 * a command such as `marketcrawl fetch`, a test's counters), or NULL for
 * ordinary crawls (`crawl`, `run`), so a spider cannot rely on it.
 * Borrowed; what it points to is the caller's.  Callbacks may run on
 * parser threads: with more than one, the caller guards what they share.
 */
void *mc_response_context(const struct mc_response *res);
/* Log a message tagged with the spider and the response URL. */
void mc_response_log(const struct mc_response *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- following links --------------------------------------------------- */

/*
 * Ask the engine to fetch `href` (absolute, or relative to the response
 * URL) and call `cb` with the result.  `opts` (may be NULL: a plain GET)
 * is copied.  Offsite, duplicate, too-deep and non-http(s) URLs are
 * dropped by the engine and counted in the stats; the call itself cannot
 * fail.  Duplicates are judged on method, URL and body: two POSTs to one
 * URL with different bodies are two requests; headers and cookies do not
 * count.
 */
void mc_follow(struct mc_response *res, const char *href, mc_parse_fn cb,
	       const struct mc_follow_opts *opts);
/* mc_follow for the string value of every node `xpath` selects; returns the
 * number of links handed to the engine. */
int mc_follow_all(struct mc_response *res, const char *xpath, mc_parse_fn cb);

/*
 * `url` (absolute, or relative to the response URL) with `params` added to
 * its query string, each name and value percent-encoded (everything but
 * A-Z a-z 0-9 - . _ ~; a space is %20), in table order, after any query the
 * URL has and before its fragment.  For GraphQL GETs:
 *   {{"operationName", "q"}, {"variables", "{\"id\":1}"}, {NULL, NULL}}
 * gives ...?operationName=q&variables=%7B%22id%22%3A1%7D.  Owned by the
 * response; NULL when `url` is NULL.
 */
const char *mc_url_query(struct mc_response *res, const char *url, const struct mc_param *params);
/* `params` as an application/x-www-form-urlencoded body ("a=1&b=x+y";
 * a space is '+'), for a POST of a form.  Owned by the response. */
const char *mc_form_body(struct mc_response *res, const struct mc_param *params);

/* ---- selecting --------------------------------------------------------- */

/* A node list owned by the response. */
struct mc_nodes {
	size_t count;
	xmlNodePtr *nodes;
};

/*
 * XPath helpers.  `ctx` is the context node, or NULL for the document root.
 * mc_xpath_str: the string value of the first selected node (or of a
 *   string/number/boolean result); NULL when nothing is selected.
 * mc_xpath_text: as mc_xpath_str with whitespace trimmed and inner runs
 *   collapsed to one space (what a user sees); NULL when nothing selected or
 *   the text is empty.
 * mc_xpath_number: the number the expression yields; false if none.
 * mc_xpath_nodes: every selected node (count 0 when none).
 * An invalid expression is logged once and behaves as "nothing selected".
 */
const char *mc_xpath_str(struct mc_response *res, xmlNodePtr ctx, const char *expr);
const char *mc_xpath_text(struct mc_response *res, xmlNodePtr ctx, const char *expr);
bool mc_xpath_number(struct mc_response *res, xmlNodePtr ctx, const char *expr,
		     double *out);
struct mc_nodes mc_xpath_nodes(struct mc_response *res, xmlNodePtr ctx,
			       const char *expr);
/*
 * Every node `expr` selects, as a JSON array of strings (whitespace
 * trimmed and collapsed as mc_xpath_text; empty ones left out), in
 * document order: platforms, genres, tags.  A NEW reference, the one
 * exception to the ownership rule: hand it to mc_item_attr_json (which
 * steals it) or json_decref it.  NULL when no node gives a string.
 */
json_t *mc_xpath_strings(struct mc_response *res, xmlNodePtr ctx, const char *expr);
/* The attribute `name` of `node`, or NULL. */
const char *mc_attr(struct mc_response *res, xmlNodePtr node, const char *name);
/* `href` made absolute against the response URL and normalised, or NULL
 * when it is not a valid http(s) URL. */
const char *mc_urljoin(struct mc_response *res, const char *href);

/*
 * Regex (PCRE2, UTF mode).  The pattern is compiled on first use and cached
 * for the whole run, keyed by its text.  Returns capture `group` (0 = the
 * whole match) of the first match in `subject`, or NULL when there is no
 * match, the group did not take part, or the pattern is invalid (logged).
 */
const char *mc_regex(struct mc_response *res, const char *pattern,
		     const char *subject, int group);

/*
 * JSON embedded in the page: the text of the first node `xpath` selects
 * (typically `//script[@id="__NEXT_DATA__"]` or
 * `//script[@type="application/ld+json"]`), parsed.  Borrowed reference
 * owned by the response; NULL when nothing is selected or it is not JSON.
 * mc_json_str: the string at a dotted path ("props.pageProps.title";
 * numeric parts index arrays), or NULL.  Integers and booleans are turned
 * into text; other numbers are printed with 15 significant digits, which
 * gives back any price as written ("19.99"), never binary noise.
 * mc_json_get: the JSON value at a dotted path (borrowed), or NULL.
 */
json_t *mc_script_json(struct mc_response *res, const char *xpath);
const char *mc_json_str(struct mc_response *res, json_t *root, const char *path);
json_t *mc_json_get(json_t *root, const char *path);

/* ---- items ------------------------------------------------------------- */

enum mc_availability {
	MC_AVAIL_UNKNOWN = 0,
	MC_AVAIL_IN_STOCK,
	MC_AVAIL_OUT_OF_STOCK,
	MC_AVAIL_PREORDER,
};

/*
 * The availability a store's text or schema.org value means, or
 * MC_AVAIL_UNKNOWN (also for NULL).  Case, spaces, '-' and '_' do not
 * matter; a URL or "schema:" prefix is dropped.  schema.org: InStock,
 * InStoreOnly, OnlineOnly, LimitedAvailability → in stock; OutOfStock,
 * SoldOut, Discontinued → out of stock; PreOrder, PreSale → preorder.
 * Text: "Out of stock", "Sold out", "Unavailable", "Not available" → out
 * of stock; "Pre-order", "Pre-purchase" → preorder; "In stock (22
 * available)", "Available" → in stock, tried in that order.  Pure; any
 * thread.
 */
enum mc_availability mc_availability_parse(const char *text);

/*
 * A price in minor units as an exact decimal string: `minor` is digits
 * ("6999", optionally surrounded by spaces) and `decimals` (0..18) the
 * number of them after the point: ("6999", 2) → "69.99", ("1999", 2) →
 * "19.99", ("7000", 2) → "70", ("5", 2) → "0.05", ("16350", 0) →
 * "16350".  The form the price parser gives (no leading zeros, no
 * trailing fractional zeros), so results compare as strings.  Owned by
 * the response; NULL when `minor` is NULL or not digits, or `decimals` is
 * out of range.  Never uses floating point.
 */
const char *mc_price_minor(struct mc_response *res, const char *minor, int decimals);

/*
 * A new item owned by the response: its url defaults to the response URL,
 * its marketplace to the spider's, its observed_at to the response time,
 * its region to the run's (not settable).
 * Emit it with mc_item_emit; an item not emitted is discarded when the
 * callback returns.
 */
struct mc_item *mc_item_new(struct mc_response *res);
/* Setters copy their arguments; NULL leaves the field unset. Text is
 * whitespace-trimmed. */
void mc_item_external_id(struct mc_item *it, const char *id);
void mc_item_title(struct mc_item *it, const char *title);
void mc_item_url(struct mc_item *it, const char *href); /* joined to res URL */
void mc_item_marketplace(struct mc_item *it, const char *marketplace);
void mc_item_product_key(struct mc_item *it, const char *key);
void mc_item_availability(struct mc_item *it, enum mc_availability a);
/*
 * Parse price texts ("4,19€", "Free", "SEK 292.00") with the price parser
 * and set price, list_price (may be NULL: no separate list price) and
 * currency.  `currency_hint` (ISO code or symbol, may be NULL) is used when
 * the text names none; a NULL hint means the region's currency, if any.
 * Returns false, and marks the item invalid with reason "bad_price", when
 * `price` cannot be parsed.
 */
bool mc_item_prices(struct mc_item *it, const char *price, const char *list_price,
		    const char *currency_hint);
/* Exact decimal strings and an ISO 4217 code, already parsed (a NULL
 * currency means the region's). */
void mc_item_price_exact(struct mc_item *it, const char *price,
			 const char *list_price, const char *currency);
/* Free attributes (the `attrs` object). mc_item_attr_json steals `value`. */
void mc_item_attr(struct mc_item *it, const char *key, const char *value);
void mc_item_attr_json(struct mc_item *it, const char *key, json_t *value);
/*
 * Validate and hand the item to the engine.  Required: external_id, url,
 * title, price, currency (ISO 4217).  An invalid item is dropped, counted
 * under its reason ("missing_external_id", "missing_title", "bad_price",
 * "bad_currency", ...) and logged with its URL.  Returns true when accepted.
 * The item is gone after this call either way.
 */
bool mc_item_emit(struct mc_item *it);

#endif
