/*
 * Per-host (scheme://host:port) state of a crawl: its queue of requests,
 * how many transfers are in flight, when the next request may start
 * (delay, Crawl-delay, autothrottle), its robots.txt, and the settings its
 * per-host rule gives it (delay, concurrency, page budget).  The table is
 * owned by the engine and used only from the event-loop thread.
 */
#ifndef MC_HOST_H
#define MC_HOST_H

#include <stdbool.h>

#include "crawler/host_rule.h"
#include "crawler/robots.h"
#include "crawler/queue.h"
#include "crawler/request.h"

enum mc_robots_state {
	MC_ROBOTS_NEEDED,   /* not fetched yet: robots_req waits to be sent */
	MC_ROBOTS_FETCHING, /* robots.txt in flight or waiting for a retry */
	MC_ROBOTS_READY,
};

struct mc_host {
	char *origin;
	struct mc_queue queue;
	int active;
	double next_ok;      /* monotonic time the next request may start */
	double delay;        /* current gap between requests, seconds */
	double latency;      /* autothrottle: smoothed response latency */
	/* Set once when the engine first queues a request for the host: its
	 * per-host rule (host_rule.h) or the run's settings. */
	bool configured;
	const struct mc_host_rule *rule; /* borrowed from the engine, may be NULL */
	double min_delay;    /* the delay before Crawl-delay and autothrottle */
	int per_host;        /* transfers in flight */
	int max_pages;       /* page requests started at most; 0 = unlimited */
	long pages_started;
	long not_made;       /* page requests max_pages left undone */
	bool via_proxy;      /* requests go through the run's proxies */
	enum mc_robots_state robots_state;
	struct mc_robots *robots;
	struct mc_request *robots_req;
	struct mc_host *next_in_bucket;
	struct mc_host *next_in_list;
};

struct mc_host_table {
	struct mc_host **buckets;
	size_t nbuckets, count;
	struct mc_host *list; /* every host, for scheduling scans */
};

void mc_host_table_init(struct mc_host_table *t);
/* The host for `origin`, created (with `delay` seconds) when new. */
struct mc_host *mc_host_get(struct mc_host_table *t, const char *origin, double delay);
/* Free every host, its queue and robots. */
void mc_host_table_release(struct mc_host_table *t);

#endif
