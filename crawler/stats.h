/*
 * Crawl statistics: counters the engine bumps (only from the event-loop
 * thread), the end-of-run summary, and the same figures as JSON for the run
 * record.  Named counters (errors, dropped items, faults) are kept in small
 * name → count lists so a new kind of fault needs no new field.
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
	long bad_links;
	long bytes;             /* body bytes received (decoded) */
	long items;
	long invalid_utf8;      /* replaced byte sequences */
	long max_delay_ms;      /* largest per-host delay used (Crawl-delay, autothrottle) */
	struct mc_named dropped; /* items dropped, by reason */
	struct mc_named errors;  /* failed requests, by cause */
	double started;          /* monotonic seconds */
	double elapsed;
	long peak_rss_kib;
};

void mc_stats_init(struct mc_stats *s);
/* Add `n` to the counter `name` (a static string) in `list`. */
void mc_named_add(struct mc_named *list, const char *name, long n);
long mc_named_get(const struct mc_named *list, const char *name);
long mc_named_total(const struct mc_named *list);
/* Record elapsed time and peak RSS; call once at the end. */
void mc_stats_finish(struct mc_stats *s);
/* The statistics as a new JSON object (caller decrefs). */
json_t *mc_stats_json(const struct mc_stats *s);
/* The human summary printed after a crawl. */
void mc_stats_print(const struct mc_stats *s, FILE *out);
/* Monotonic clock in seconds. */
double mc_now(void);

#endif
