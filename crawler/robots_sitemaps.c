/*
 * robots.txt and sitemaps in a crawl (engine_internal.h); the parsers are
 * robots.c and sitemap.c.  A host's robots.txt answer becomes its rules and
 * Crawl-delay (an unusable one: allow all for 4xx; retry.c and transfer.c
 * decide disallow-all for an unreachable one).  Sitemaps, sitemap indexes
 * and robots.txt Sitemap: lines lead to more sitemaps, urlsets to pages
 * (through the sitemap filter) for the spider's sitemap callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/engine_internal.h"
#include "crawler/address.h"
#include "base/log.h"
#include "crawler/regex_cache.h"
#include "crawler/robots.h"
#include "crawler/sitemap.h"
#include "crawler/url.h"

/* A sitemap a cap dropped: counted, and the first of the run named. */
static void sitemap_capped(struct engine *e, const char *url, const char *why)
{
	e->stats->sitemaps_capped++;
	if (!e->sitemap_cap_said)
		mc_warn("%s: sitemaps_capped (%s; the rest are counted, not named)", url, why);
	e->sitemap_cap_said = true;
}

/* Queue a sitemap (or robots.txt to read Sitemap: lines from).  Takes `url`. */
void mc_engine_add_sitemap(struct engine *e, char *url, int depth)
{
	const struct mc_crawl_caps *caps = &e->o->policy.caps;
	struct mc_request *r;
	char why[128];

	if (e->o->policy.max_depth >= 0 && depth > e->o->policy.max_depth) {
		e->stats->depth_limited++;
		free(url);
		return;
	}
	if (depth > caps->sitemap_depth || e->sitemaps_queued >= caps->sitemaps) {
		if (depth > caps->sitemap_depth)
			snprintf(why, sizeof why, "sitemaps nested deeper than %d are not read",
				 caps->sitemap_depth);
		else
			snprintf(why, sizeof why, "at most %ld sitemaps a run are read", caps->sitemaps);
		sitemap_capped(e, url, why);
		free(url);
		return;
	}
	if (mc_engine_offsite(e, url)) {
		e->stats->offsite++;
		free(url);
		return;
	}
	char host[256];
	if (mc_url_host(url, host, sizeof host) && mc_host_is_private_literal(host) &&
	    !mc_engine_private_allowed(e, url)) {
		mc_engine_private_refused(e, url, host);
		free(url);
		return;
	}
	if (!mc_seen_add(e->seen, url, strlen(url))) {
		e->stats->duplicates++;
		free(url);
		return;
	}
	e->sitemaps_queued++;
	r = mc_request_new(url, NULL, NULL, NULL);
	r->is_sitemap = true;
	r->depth = depth;
	mc_engine_enqueue(e, r);
}

/* Read the locs of a fetched sitemap: indexes and robots.txt lead to more
 * sitemaps, urlsets to pages (filtered) for the sitemap callback. */
void mc_engine_sitemap_done(struct engine *e, struct mc_request *r, const char *body, size_t len)
{
	struct mc_sitemap sm;
	const char *filter = e->o->sitemap_filter ? e->o->sitemap_filter : e->o->spider->sitemap_filter;
	mc_parse_fn cb = e->o->spider->sitemap_parse ? e->o->spider->sitemap_parse : e->o->spider->parse;
	size_t plen = strlen(r->url);

	e->stats->sitemaps++;
	if (plen >= 11 && strcmp(r->url + plen - 11, "/robots.txt") == 0) {
		struct mc_robots *rb = mc_robots_parse(body, len, e->robots_agent);
		for (const char *const *s = mc_robots_sitemaps(rb); s && *s; s++) {
			char *u = mc_url_normalize(*s, r->url);
			if (u)
				mc_engine_add_sitemap(e, u, r->depth + 1);
		}
		mc_robots_free(rb);
		return;
	}
	if (mc_sitemap_parse(body, len, &sm) != MC_SITEMAP_OK) {
		mc_stats_error(e->stats, r->url, "bad_sitemap", 0, MC_END_FAILED);
		mc_warn("%s: not a usable sitemap: %s", r->url, sm.error);
		mc_sitemap_release(&sm);
		return;
	}
	struct mc_rcstr *referer = mc_rcstr_new(r->url);
	size_t locs_max = (size_t)e->o->policy.caps.sitemap_locs;
	size_t locs = sm.count < locs_max ? sm.count : locs_max;
	if (locs < sm.count) {
		e->stats->sitemap_urls_capped += (long)(sm.count - locs);
		mc_warn("%s: sitemap_urls_capped (%zu locs, only the first %zu are read)", r->url, sm.count,
			locs_max);
	}
	for (size_t i = 0; i < locs; i++) {
		char *u = mc_url_normalize(sm.locs[i], r->url);
		if (!u) {
			e->stats->bad_links++;
			continue;
		}
		if (sm.is_index) {
			mc_engine_add_sitemap(e, u, r->depth + 1);
			continue;
		}
		char *m = filter ? mc_regex_capture(filter, u, 0) : NULL;
		if (filter && !m) {
			free(u);
			continue;
		}
		free(m);
		if (e->stats->sitemap_urls >= e->o->policy.caps.sitemap_urls) {
			if (!e->sitemap_urls_cap_said)
				mc_warn("%s: sitemap_urls_capped (at most %ld page URLs a run are taken from "
					"sitemaps; the rest are counted)", r->url, e->o->policy.caps.sitemap_urls);
			e->sitemap_urls_cap_said = true;
			e->stats->sitemap_urls_capped++;
			free(u);
			continue;
		}
		e->stats->sitemap_urls++;
		mc_engine_add_request(e, u, cb, NULL, NULL, referer, r->depth + 1, 0, false, 0);
	}
	mc_rcstr_unref(referer);
	mc_sitemap_release(&sm);
}

void mc_engine_robots_done(struct engine *e, struct mc_request *r, long status, const char *body,
			   size_t len)
{
	struct mc_host *h = r->host;
	long delay;

	if (status >= 200 && status < 300)
		h->robots = mc_robots_parse(body, len, e->robots_agent);
	else
		h->robots = mc_robots_allow_all(); /* 3xx left over, 4xx: allow all */
	h->robots_state = MC_ROBOTS_READY;
	delay = e->o->policy.obey_crawl_delay ? mc_robots_crawl_delay_ms(h->robots) : -1;
	if (delay > 0 && delay / 1000.0 > h->delay)
		h->delay = delay / 1000.0;
	mc_engine_note_delay(e, h);
	mc_request_free(r);
}
