/*
 * The host table (host.h): a chained hash of origins plus a list for the
 * scheduler to scan.  Crawls of marketplaces touch few hosts, so the scan is
 * cheap; the hash keeps lookups O(1) when a sitemap spans many.
 */
#include <stdlib.h>
#include <string.h>

#include "crawler/host.h"
#include "base/alloc.h"

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

void mc_host_table_init(struct mc_host_table *t)
{
	t->nbuckets = 64;
	t->buckets = mc_calloc(t->nbuckets, sizeof *t->buckets);
	t->count = 0;
	t->list = NULL;
}

static void grow(struct mc_host_table *t)
{
	size_t n = t->nbuckets * 2;
	struct mc_host **b = mc_calloc(n, sizeof *b);

	for (struct mc_host *h = t->list; h; h = h->next_in_list) {
		size_t i = hash_str(h->origin) % n;
		h->next_in_bucket = b[i];
		b[i] = h;
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

struct mc_host *mc_host_get(struct mc_host_table *t, const char *origin, double delay)
{
	size_t i = hash_str(origin) % t->nbuckets;
	struct mc_host *h;

	for (h = t->buckets[i]; h; h = h->next_in_bucket)
		if (strcmp(h->origin, origin) == 0)
			return h;
	if (t->count + 1 > t->nbuckets) {
		grow(t);
		i = hash_str(origin) % t->nbuckets;
	}
	h = mc_calloc(1, sizeof *h);
	h->origin = mc_strdup(origin);
	h->delay = delay;
	h->robots_state = MC_ROBOTS_NEEDED;
	h->next_in_bucket = t->buckets[i];
	t->buckets[i] = h;
	h->next_in_list = t->list;
	t->list = h;
	t->count++;
	return h;
}

void mc_host_table_release(struct mc_host_table *t)
{
	struct mc_host *h = t->list;

	while (h) {
		struct mc_host *next = h->next_in_list;
		mc_queue_release(&h->queue);
		mc_robots_free(h->robots);
		mc_request_free(h->robots_req);
		free(h->origin);
		free(h);
		h = next;
	}
	free(t->buckets);
	memset(t, 0, sizeof *t);
}
