/*
 * What the engine knows about a response and the spider does not: the
 * struct behind `struct mc_response`, and the per-response arena of things
 * to free when the parse callback returns.  Shared by deliver.c (which fills
 * and drains it), response.c (the selector helpers) and item.c (items).
 * A response is used by one thread at a time.
 */
#ifndef MC_RESPONSE_INTERNAL_H
#define MC_RESPONSE_INTERNAL_H

#include <libxml/xpath.h>

#include "base/buf.h"
#include "marketcrawl/spider.h"
#include "crawler/url.h"

struct mc_stats;
struct mc_request_spec;
struct mc_xpath_index;

/* One link the callback asked for, handed back to the engine. */
struct mc_followed {
	char *url;  /* absolute, as given (the engine normalises) */
	char *data; /* may be NULL */
	struct mc_request_spec *spec; /* NULL: a plain GET (owned) */
	mc_parse_fn cb;
	int priority;
	bool dont_filter;
	struct mc_followed *next;
};

/* Something to free when the callback returns. */
struct mc_cleanup {
	void (*fn)(void *);
	void *ptr;
	struct mc_cleanup *next;
};

/* Why items were dropped, counted per response then merged into the stats. */
#define MC_DROP_REASONS_MAX 16
struct mc_drop_count {
	const char *reason; /* static string */
	long count;
};

struct mc_response {
	const struct mc_spider *spider;
	const struct mc_region *region; /* the run's, or NULL */
	void *context;        /* the run's hooks.context (engine.h), or NULL */
	char *url;            /* final URL (owned) */
	long status;
	int depth;
	char *data;           /* per-request data (owned) */
	char *headers;        /* "name: value\n"... of the final response (owned) */
	char *body;           /* UTF-8, NUL-terminated (owned) */
	size_t body_len;
	char *raw;            /* the body as received, NUL-terminated, until
				 decoded (owned; may become `body` as it is) */
	size_t raw_len;
	char *content_type;   /* Content-Type of the raw body, or NULL (owned) */
	long invalid_utf8;    /* sequences replaced while decoding */
	bool html_fast;       /* the page's tree came from the fast builder (html_fast.h) */
	bool html_libxml2;    /* ...or from libxml2's parser, the builder having declined it */
	char observed_at[32]; /* RFC 3339 UTC with milliseconds */
	xmlDocPtr doc;        /* parsed lazily */
	xmlXPathContextPtr xpath;
	struct mc_xpath_index *index; /* of `doc`, for the XPath fast path (owned) */
	bool doc_tried;
	json_t *json;         /* the body as JSON, parsed lazily (a deferred reference) */
	bool json_tried;
	struct mc_url base;   /* `url` parsed, for joining links (owned) */
	bool base_tried, base_ok;

	struct mc_cleanup *cleanups;
	struct mc_followed *follows; /* in request order (appended at tail) */
	struct mc_followed **follows_tail;
	int follow_count;
	long bad_links;              /* hrefs that were not valid http(s) URLs */
	struct mc_buf items;         /* JSON lines of accepted items */
	long items_ok;
	struct mc_drop_count drops[MC_DROP_REASONS_MAX];
	int drop_kinds;
	long log_budget;             /* cap on log lines per response */
	/* Bytes charged to the page's memory budget while it was read, and
	 * whether it went over memory_max (page_arena.h): then the
	 * engine drops its items and links. */
	size_t memory_charged;
	bool over_memory;
	/* The run's caps (engine.h): the page's memory budget and the links
	 * it may add (mc_response_init sets the defaults). */
	size_t memory_max;
	int follows_max;
	/* Links deeper than this are not even built (-1: no limit; the
	 * engine's filters still apply to the rest), and are counted. */
	int max_follow_depth;
	long depth_cut;    /* links dropped for max_follow_depth */
	long links_capped; /* links past follows_max, dropped */
};

/* Initialise an empty response owned by the caller (region NULL). */
void mc_response_init(struct mc_response *res, const struct mc_spider *spider);
/* Frees the links the callback asked for, leaving none. */
void mc_response_drop_follows(struct mc_response *res);
/* Free the arena, document and follow list; keep nothing.  Items and
 * follows must have been taken by the engine before. */
void mc_response_release(struct mc_response *res);
/* Decode the raw body to UTF-8 (charset.h), then run `cb`.  Runs on the
 * thread that parses, so decoding is spread like parsing is. */
void mc_response_run(struct mc_response *res, mc_parse_fn cb);
/* Free what only the callback needed (document, arena, body, headers),
 * keeping the follows and items for the engine.  Called on the thread
 * that ran the callback, so memory is freed where it was allocated. */
void mc_response_release_parse(struct mc_response *res);
/* Register `fn(ptr)` to run when the response is released. */
void mc_response_defer(struct mc_response *res, void (*fn)(void *), void *ptr);
/* A string copied into the response arena. */
const char *mc_response_keep(struct mc_response *res, const char *s, size_t len);
/* Count a dropped item under `reason` (a static string). */
void mc_response_count_drop(struct mc_response *res, const char *reason);

#endif
