/*
 * Crawl statistics: counters the engine bumps (only from the event-loop
 * thread), the end-of-run summary, and the same figures as JSON for the run
 * record.  Named counters (errors, dropped items, faults) are kept in small
 * name → count lists so a new kind of fault needs no new field.  Besides
 * its cause, every request that ends without reaching the spider is sorted
 * by what it means for the run (enum mc_end): the run's status is decided
 * from those counts, never from cause names.
 */
#ifndef MC_STATS_H
#define MC_STATS_H

#include <stdio.h>

#include <jansson.h>

#define MC_STATS_NAMED_MAX 48

struct mc_named_count {
	const char *name; /* static string */
	long count;
};

struct mc_named {
	int n;
	struct mc_named_count v[MC_STATS_NAMED_MAX];
};

/* What a request that did not reach the spider means for the run. */
enum mc_end {
	MC_END_FAILED,  /* failed for good (after its retries): the page was not seen */
	MC_END_GONE,    /* answered 404 or 410: the page is gone, an answer */
	MC_END_REFUSED, /* refused by policy (a redirect to a non-http(s) URL) */
	MC_END_STOPPED, /* cut or not retried because the run was stopping */
};

#define MC_STATS_WHERE_MAX 512
#define MC_STATS_LIST_MAX 32

/* One proxy's figures (credentials masked). */
struct mc_stats_proxy {
	char shown[256];
	long requests, failures, benched;
};

/* One host a per-host rule applied to. */
struct mc_stats_host {
	char origin[256];
	char rule[256];     /* the rule as given */
	int delay_ms, concurrency, max_pages;
	long pages;         /* page requests started */
	long not_made;      /* page requests its max-pages left undone */
};

struct mc_stats {
	long requests;          /* transfers started (incl. retries, robots) */
	long responses;         /* responses handed to spider callbacks */
	long status[600];       /* final responses by HTTP status */
	long retries;
	long retries_exhausted;
	long robots_fetched;
	long robots_denied;
	long offsite;
	long duplicates;
	long depth_limited;
	long redirects;
	long sitemaps;          /* sitemaps (and indexes) read */
	long sitemap_urls;      /* page URLs taken from sitemaps */
	long sitemaps_capped;   /* sitemaps not fetched: nested too deep, or past the cap a run */
	long sitemap_urls_capped; /* locs not read: past the cap a sitemap or a run */
	long bad_links;
	long private_refused;   /* requests refused: a private address not allowed explicitly */
	long links_capped;      /* links past the cap of one page (caps.follows_per_page), dropped */
	long bytes;             /* body bytes received (decoded) */
	long items;
	long invalid_utf8;      /* replaced byte sequences */
	long html_fast;         /* HTML pages parsed by the fast tree builder (html_fast.h) */
	long html_libxml2;      /* HTML pages it declined, parsed by libxml2 */
	long max_delay_ms;      /* largest per-host delay used (Crawl-delay, autothrottle) */
	struct mc_named dropped; /* items dropped, by reason */
	struct mc_named errors;  /* requests that did not reach the spider, by cause */
	long failed;             /* of those, failed for good (MC_END_FAILED) */
	long gone;               /* of those, answered 404 or 410 */
	long not_made;           /* page requests left undone when the run stopped early:
				  * never sent, cut in flight, or not retried */
	long depth_limited_by_option; /* links dropped by a max_depth below the spider's own */
	long host_limited;       /* of not_made, left undone by a host rule's max-pages */
	long proxy_failures;     /* requests a proxy failed (each benches or hits a benched proxy) */
	/* The first MC_STATS_LIST_MAX proxies and ruled hosts, filled at the end. */
	struct mc_stats_proxy proxies[MC_STATS_LIST_MAX];
	int nproxies;
	struct mc_stats_host hosts[MC_STATS_LIST_MAX];
	int nhosts;
	char first_error[MC_STATS_WHERE_MAX];   /* "URL: cause" of the first error, or "" */
	char first_failure[MC_STATS_WHERE_MAX]; /* the same for the first MC_END_FAILED */
	double started;          /* monotonic seconds */
	double elapsed;
	long peak_rss_kib;
};

void mc_stats_init(struct mc_stats *s);
/* Add `n` to the counter `name` (a static string) in `list`. */
void mc_named_add(struct mc_named *list, const char *name, long n);
long mc_named_get(const struct mc_named *list, const char *name);
long mc_named_total(const struct mc_named *list);
/*
 * Count a request for `url` that ended without reaching the spider: under
 * `cause` (a static string) in `errors`, and by `end`.  `status` is the
 * final HTTP status, or 0 when there was none (it is shown in the first
 * error and failure texts).
 */
void mc_stats_error(struct mc_stats *s, const char *url, const char *cause, long status,
		    enum mc_end end);
/* Record elapsed time and peak RSS; call once at the end. */
void mc_stats_finish(struct mc_stats *s);
/* The statistics as a new JSON object (caller decrefs). */
json_t *mc_stats_json(const struct mc_stats *s);
/* The human summary printed after a crawl. */
void mc_stats_print(const struct mc_stats *s, FILE *out);
/* Monotonic clock in seconds. */
double mc_now(void);

#endif
