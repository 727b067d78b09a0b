/*
 * A crawl request: what to fetch, how (method, body, headers, cookies: its
 * spec), what to call with the result, and the bookkeeping that travels
 * with it (depth, priority, attempts, redirects).  Owned by whichever queue
 * or transfer holds it; freed with mc_request_free.  Also: the checks a
 * header or cookie must pass, the one way a request is named in logs (never
 * with its body or cookies), and the table that keeps the specs of requests
 * waiting in the packed host queues.
 */
#ifndef MC_REQUEST_H
#define MC_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "marketcrawl/spider.h"

struct mc_host;

/*
 * What a request carries beyond a plain GET: struct mc_follow_opts,
 * checked and copied.  A request with a NULL spec is a plain GET, which is
 * what almost every request is, so the common path carries no spec at all.
 * Owns every string.
 */
struct mc_request_spec {
	enum mc_method method;
	char *body;         /* POST body (NULL: empty), NUL-terminated copy */
	size_t body_len;
	char *content_type; /* of the body; NULL: the form default */
	char **headers;     /* "Name: value", NULL-terminated; NULL: none */
	char **cookies;     /* "name=value", NULL-terminated; NULL: none */
};

/*
 * Check `o` and copy what it says about the request into `*out`: NULL when
 * it is a plain GET (o NULL, or nothing but data/priority/dont_filter).
 * Returns 0, or -1 with `why` saying what is wrong, naming a bad header or
 * cookie but never its value.
 */
int mc_request_spec_from(const struct mc_follow_opts *o, struct mc_request_spec **out,
			 char *why, size_t whysz);
void mc_request_spec_free(struct mc_request_spec *s);
/*
 * The spec of the request a redirect with `status` leads to (the old spec
 * is taken): 303, and 301/302 after a POST, become a GET without body
 * (HEAD stays HEAD), as browsers do; 307 and 308 keep everything.  To
 * another origin (scheme, host, port) the request's own headers and cookies
 * are dropped, as curl does with Authorization and Cookie: they may be
 * credentials (the spider's and region's defaults still go, to its allowed
 * domains).  NULL when what is left is a plain GET.
 */
struct mc_request_spec *mc_request_spec_redirect(struct mc_request_spec *s, long status,
						  bool same_origin);

/* "GET", "POST" or "HEAD". */
const char *mc_method_name(enum mc_method m);
/* Whether `h` is a header a spider may send ("Name: value" rules of
 * spider.h); `why` names the problem (and the header name only). */
bool mc_request_header_ok(const char *h, char *why, size_t whysz);
/* Whether `c` is a "name=value" cookie a spider may send. */
bool mc_request_cookie_ok(const char *c, char *why, size_t whysz);
/* Whether the "Name: ..." header `a` has the name of the header or the
 * "name=..." cookie `b` (case-insensitive for headers: `ci`). */
bool mc_request_same_name(const char *a, const char *b, char sep, bool ci);

/*
 * How logs and messages name a request: its URL for a plain GET, else
 * "METHOD URL" plus " (N-byte body)" when it has one.  Never a body,
 * header or cookie.  Returns `url` itself or `buf`.
 */
const char *mc_request_label(const char *url, const struct mc_request_spec *spec, char *buf,
			     size_t bufsz);

/* A reference-counted string: the referer shared by every link of a page. */
struct mc_rcstr {
	long refs;
	char s[];
};

/* A new string with one reference; NULL for NULL. */
struct mc_rcstr *mc_rcstr_new(const char *s);
/* Another reference to `r` (may be NULL); returns `r`. */
struct mc_rcstr *mc_rcstr_ref(struct mc_rcstr *r);
/* Drop a reference (NULL allowed); frees at zero.  Event-loop thread only. */
void mc_rcstr_unref(struct mc_rcstr *r);

struct mc_request {
	char *url;      /* normalised absolute URL */
	char *data;     /* per-request spider data, may be NULL */
	struct mc_request_spec *spec; /* NULL: a plain GET (owned) */
	struct mc_rcstr *referer; /* a reference, may be NULL */
	mc_parse_fn cb;
	struct mc_host *host;
	int depth;
	int priority;
	int attempts;   /* failed attempts so far */
	int redirects;  /* redirects followed to reach this URL */
	int proxy_fails; /* attempts a proxy failed without counting in `attempts` */
	bool dont_filter;
	bool is_robots;
	bool is_sitemap; /* a sitemap, sitemap index or robots.txt to read locs from */
	uint64_t seq;   /* FIFO order among equal priorities */
	double not_before; /* monotonic time; retries wait until then */
};

/* A new request (a plain GET until a spec is set) taking ownership of
 * `url`; `data` is copied, `referer` gets a new reference. */
struct mc_request *mc_request_new(char *url, mc_parse_fn cb, const char *data,
				  struct mc_rcstr *referer);
/* Frees the request, its spec and its strings. */
void mc_request_free(struct mc_request *r);

/* A binary heap of requests: highest priority first, then lowest seq, or
 * (when `by_time`) earliest not_before first. */
struct mc_request_heap {
	struct mc_request **v;
	size_t n, cap;
	bool by_time;
};

void mc_heap_push(struct mc_request_heap *h, struct mc_request *r);
struct mc_request *mc_heap_pop(struct mc_request_heap *h);
struct mc_request *mc_heap_peek(const struct mc_request_heap *h);
/* Free every request and the storage. */
void mc_heap_release(struct mc_request_heap *h);

/*
 * Specs of requests waiting in the packed host queues (queue.h packs only
 * a plain request's fields), keyed by the request's seq, which is unique
 * among live requests.  Empty for a crawl of plain GETs, so the common
 * path costs one comparison.  Owns the specs it holds.
 */
struct mc_spec_table {
	uint64_t *keys; /* seq + 1; 0 = empty slot */
	struct mc_request_spec **specs;
	size_t cap, count;
};

/* Keep `spec` (taken) for the request numbered `seq`. */
void mc_spec_table_put(struct mc_spec_table *t, uint64_t seq, struct mc_request_spec *spec);
/* The spec kept for `seq` (handed back to the caller and removed), or NULL. */
struct mc_request_spec *mc_spec_table_take(struct mc_spec_table *t, uint64_t seq);
/* Free every spec still kept and the storage. */
void mc_spec_table_release(struct mc_spec_table *t);

#endif
