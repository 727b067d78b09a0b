/*
 * The spider API: everything a spider module (spiders/NAME.c) may use.
 *
 * A spider is a constant `struct mc_spider` named `mc_spider_NAME`; the
 * Makefile collects spiders/NAME.c files into a registry, so adding a spider is adding
 * one file.  A spider never talks to libcurl, the frontier or the staging
 * file: it receives a response, reads it with the helpers below, and asks
 * for more pages (mc_follow) or emits items (mc_item_emit).
 *
 * Ownership, once for the whole header: every pointer a helper returns that
 * is not documented otherwise is owned by the response and stays valid until
 * the parse callback returns.  Spiders never free anything they got from a
 * helper, and never keep such a pointer after the callback returns.
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
/* The parsed HTML document (parsed on first call), or NULL if unparsable. */
xmlDocPtr mc_response_doc(struct mc_response *res);
/* Log a message tagged with the spider and the response URL. */
void mc_response_log(const struct mc_response *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- following links --------------------------------------------------- */

struct mc_follow_opts {
	const char *data;  /* copied; handed to the callback via mc_response_data */
	int priority;      /* higher first; default 0 */
	bool dont_filter;  /* skip the duplicate filter (revisits) */
};

/*
 * Ask the engine to fetch `href` (absolute, or relative to the response
 * URL) and call `cb` with the result.  `opts` may be NULL.  Offsite,
 * duplicate, too-deep and non-http(s) URLs are dropped by the engine and
 * counted in the stats; the call itself cannot fail.
 */
void mc_follow(struct mc_response *res, const char *href, mc_parse_fn cb,
	       const struct mc_follow_opts *opts);
/* mc_follow for the string value of every node `xpath` selects; returns the
 * number of links handed to the engine. */
int mc_follow_all(struct mc_response *res, const char *xpath, mc_parse_fn cb);

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
 * A new item owned by the response: its url defaults to the response URL,
 * its marketplace to the spider's, its observed_at to the response time.
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
 * the text names none.  Returns false, and marks the item invalid with
 * reason "bad_price", when `price` cannot be parsed.
 */
bool mc_item_prices(struct mc_item *it, const char *price, const char *list_price,
		    const char *currency_hint);
/* Exact decimal strings and an ISO 4217 code, already parsed. */
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
