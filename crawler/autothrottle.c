/*
 * Autothrottle (engine_internal.h, --autothrottle): each response moves
 * its host's delay towards one request per latency per slot (Scrapy's
 * rule); 429 and 503 double it.  Never below the host's own delay, never
 * above AUTOTHROTTLE_MAX_S.  The largest delay is kept in the stats.
 */
#include "crawler/engine_internal.h"

#define AUTOTHROTTLE_MAX_S 60.0
#define AUTOTHROTTLE_BACKOFF_S 1.0

void mc_engine_note_delay(struct engine *e, const struct mc_host *h)
{
	long ms = (long)(h->delay * 1000.0 + 0.5);

	if (ms > e->stats->max_delay_ms)
		e->stats->max_delay_ms = ms;
}

void mc_engine_autothrottle(struct engine *e, struct mc_host *h, double latency, long status)
{
	double min_delay = h->min_delay;

	if (!e->o->policy.autothrottle)
		return;
	if (status == 429 || status == 503) {
		/* The server asks us to slow down: at least a second, doubling. */
		h->delay = h->delay * 2 > AUTOTHROTTLE_BACKOFF_S ? h->delay * 2 : AUTOTHROTTLE_BACKOFF_S;
	} else {
		/* Scrapy's rule: aim for one request per latency per slot. */
		double target = latency / (h->per_host > 0 ? h->per_host : 1);
		h->delay = (h->delay + target) / 2;
	}
	if (h->delay < min_delay)
		h->delay = min_delay;
	if (h->delay > AUTOTHROTTLE_MAX_S)
		h->delay = AUTOTHROTTLE_MAX_S;
	h->latency = latency;
	mc_engine_note_delay(e, h);
}
