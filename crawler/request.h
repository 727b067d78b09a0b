/*
 * A crawl request: what to fetch, what to call with the result, and the
 * bookkeeping that travels with it (depth, priority, attempts, redirects).
 * Owned by whichever queue or transfer holds it; freed with mc_request_free.
 */
#ifndef MC_REQUEST_H
#define MC_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "marketcrawl/spider.h"

struct mc_host;

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
	struct mc_rcstr *referer; /* a reference, may be NULL */
	mc_parse_fn cb;
	struct mc_host *host;
	int depth;
	int priority;
	int attempts;   /* failed attempts so far */
	int redirects;  /* redirects followed to reach this URL */
	bool dont_filter;
	bool is_robots;
	bool is_sitemap; /* a sitemap, sitemap index or robots.txt to read locs from */
	uint64_t seq;   /* FIFO order among equal priorities */
	double not_before; /* monotonic time; retries wait until then */
};

/* A new request taking ownership of `url`; `data` is copied, `referer`
 * gets a new reference. */
struct mc_request *mc_request_new(char *url, mc_parse_fn cb, const char *data,
				  struct mc_rcstr *referer);
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

#endif
