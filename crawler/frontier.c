/*
 * The frontier (engine_internal.h): what a request must pass to be made
 * (duplicate, offsite and depth filters), the per-host queues it waits in,
 * and the scheduler that picks the next request to start.
 *
 * Requests: most are plain GETs and carry no spec; the others carry their
 * method, body, headers and cookies (request.h), kept beside the packed
 * host queues while they wait.  Hosts: a host gets its settings once, when
 * first queued (its per-host rule, else the run's), and its robots.txt is
 * asked for before any of its pages.  With proxies of ours a request starts
 * only when its host and a proxy (mc_proxy_pick) both allow it.  Limits
 * (--max-pages, a host rule's max-pages) are applied here, as requests
 * start.
 */
#include <stdlib.h>
#include <string.h>

#include "crawler/engine_internal.h"
#include "crawler/address.h"
#include "base/alloc.h"
#include "base/log.h"
#include "crawler/url.h"

/* robots.txt goes before every page of its host. */
#define ROBOTS_PRIORITY 1000000

bool mc_engine_offsite(struct engine *e, const char *url)
{
	char host[256];

	if (!e->domains)
		return false;
	if (!mc_url_host(url, host, sizeof host))
		return true;
	for (const char *const *d = e->domains; *d; d++)
		if (mc_host_in_domain(host, *d))
			return false;
	return true;
}

void mc_engine_allow_private_origin(struct engine *e, const char *url)
{
	char *origin = mc_url_origin(url);

	if (!origin)
		return;
	e->private_origins = mc_realloc(e->private_origins,
					(e->n_private_origins + 1) * sizeof *e->private_origins);
	e->private_origins[e->n_private_origins++] = origin;
}

bool mc_engine_private_allowed(const struct engine *e, const char *url)
{
	size_t olen = mc_url_origin_len(url);
	char host[256];

	if (e->o->policy.allow_private)
		return true;
	for (size_t i = 0; i < e->n_private_origins; i++)
		if (strlen(e->private_origins[i]) == olen &&
		    strncmp(e->private_origins[i], url, olen) == 0)
			return true;
	if (!e->domains || !mc_url_host(url, host, sizeof host))
		return false;
	for (const char *const *d = e->domains; *d; d++)
		if (mc_host_in_domain(host, *d))
			return true;
	return false;
}

void mc_engine_private_refused(struct engine *e, const char *url, const char *addr)
{
	e->stats->private_refused++;
	if (!e->private_said)
		mc_warn("%s: private_address (refused: %s is a private, loopback or link-local "
			"address; --allow-private or --allow-domain allows it; the rest are counted, "
			"not named)", url, addr);
	else
		mc_debug("%s: private_address (%s)", url, addr);
	e->private_said = true;
}

/* Host queues pack plain requests only: a spec waits in e->specs. */
void mc_engine_queue_push(struct engine *e, struct mc_host *h, struct mc_request *r)
{
	if (r->spec) {
		mc_spec_table_put(&e->specs, r->seq, r->spec);
		r->spec = NULL;
	}
	mc_queue_push(&h->queue, r);
}

static struct mc_request *queue_pop(struct engine *e, struct mc_host *h)
{
	struct mc_request *r = mc_queue_pop(&h->queue);

	if (r && e->specs.count)
		r->spec = mc_spec_table_take(&e->specs, r->seq);
	return r;
}

static double host_delay(const struct mc_crawl_opts *o)
{
	return o->policy.delay_ms / 1000.0;
}

/* A new host's settings: its rule's (host_rule.h), else the run's; and
 * whether its requests go through the run's proxies (not when no_proxy
 * names it). */
static void configure_host(struct engine *e, struct mc_host *h)
{
	char host[256];
	const struct mc_host_rule *rule = NULL;

	h->configured = true;
	h->per_host = e->o->policy.per_host;
	h->min_delay = host_delay(e->o);
	h->via_proxy = e->proxies.n > 0;
	if (mc_url_host(h->origin, host, sizeof host)) {
		rule = mc_host_rules_match(&e->rules, host);
		h->via_proxy = h->via_proxy && !(e->no_proxy && mc_no_proxy_match(e->no_proxy, host));
	}
	h->rule = rule;
	if (rule) {
		if (rule->delay_ms >= 0)
			h->min_delay = rule->delay_ms / 1000.0;
		if (rule->concurrency > 0)
			h->per_host = rule->concurrency;
		h->max_pages = rule->max_pages;
		mc_info("host %s: rule '%s'", h->origin, rule->text);
	}
	h->delay = h->min_delay;
	mc_engine_note_delay(e, h);
}

/* Queue `r` on its host, creating the host's robots.txt request first. */
void mc_engine_enqueue(struct engine *e, struct mc_request *r)
{
	size_t olen = mc_url_origin_len(r->url);
	char origin[512];
	struct mc_host *h;

	if (olen == 0 || olen >= sizeof origin) {
		e->stats->bad_links++;
		mc_request_free(r);
		return;
	}
	memcpy(origin, r->url, olen);
	origin[olen] = '\0';
	h = mc_host_get(&e->hosts, origin, host_delay(e->o));
	if (!h->configured)
		configure_host(e, h);
	r->host = h;
	r->seq = e->seq++;
	if (h->robots_state == MC_ROBOTS_NEEDED && !h->robots_req) {
		if (!e->o->policy.obey_robots || e->o->hooks.replay) {
			h->robots_state = MC_ROBOTS_READY;
		} else {
			struct mc_request *rr =
				mc_request_new(mc_asprintf("%s/robots.txt", h->origin), NULL, NULL, NULL);
			rr->is_robots = true;
			rr->priority = ROBOTS_PRIORITY;
			rr->host = h;
			h->robots_req = rr;
		}
	}
	mc_engine_queue_push(e, h, r);
	e->queued++;
}

/*
 * The duplicate, offsite and depth filters, counted in the stats.  NULL
 * when the request may be made (it is then in the seen-set), else why not.
 * A plain GET (or a GET with headers) is keyed by its URL alone; POST and
 * HEAD by method, URL and body (mc_seen_add_request).
 */
const char *mc_engine_filter(struct engine *e, const char *url, const struct mc_request_spec *spec,
			     int depth, bool dont_filter)
{
	size_t len = strlen(url);
	bool keyed = spec && spec->method != MC_GET;
	char label[LABEL_MAX];

	/* Most links of a store page were seen before: the cheap test first. */
	if (!keyed && !dont_filter && mc_seen_contains(e->seen, url, len)) {
		e->stats->duplicates++;
		return "duplicate";
	}
	if (mc_engine_offsite(e, url)) {
		e->stats->offsite++;
		mc_debug("offsite: %s", mc_request_label(url, spec, label, sizeof label));
		return "offsite";
	}
	if (mc_url_host(url, label, sizeof label) && mc_host_is_private_literal(label) &&
	    !mc_engine_private_allowed(e, url)) {
		mc_engine_private_refused(e, url, label);
		return "private address";
	}
	if (e->o->policy.max_depth >= 0 && depth > e->o->policy.max_depth) {
		int own = e->o->spider->settings.max_depth;
		e->stats->depth_limited++;
		/* A link the spider's own limit would have followed: the
		 * caller's tighter limit cut the crawl. */
		if (own <= 0 || depth <= own)
			e->stats->depth_limited_by_option++;
		return "too deep";
	}
	if (!keyed) {
		mc_seen_add(e->seen, url, len);
	} else if (!mc_seen_add_request(e->seen, mc_method_name(spec->method), url, spec->body,
					spec->body_len) && !dont_filter) {
		e->stats->duplicates++;
		return "duplicate";
	}
	return NULL;
}

/* The filters, then enqueue.  Takes `url` and `spec`. */
void mc_engine_add_request(struct engine *e, char *url, mc_parse_fn cb, const char *data,
			   struct mc_request_spec *spec, struct mc_rcstr *referer, int depth,
			   int priority, bool dont_filter, int redirects)
{
	struct mc_request *r;

	if (mc_engine_filter(e, url, spec, depth, dont_filter)) {
		free(url);
		mc_request_spec_free(spec);
		return;
	}
	r = mc_request_new(url, cb, data, referer);
	r->spec = spec;
	r->depth = depth;
	r->priority = priority;
	r->dont_filter = dont_filter;
	r->redirects = redirects;
	mc_engine_enqueue(e, r);
}

/* The best host to send a request to now, or NULL. */
static struct mc_host *pick_host(struct engine *e, double now)
{
	struct mc_host *best = NULL;
	int best_prio = 0;
	uint64_t best_seq = 0;
	/* With every proxy benched or busy, requests through them wait. */
	bool proxy_ready = !e->proxies.n || mc_proxy_pick(&e->proxies, now);

	for (struct mc_host *h = e->hosts.list; h; h = h->next_in_list) {
		int prio;
		uint64_t seq = 0;
		if (h->active >= h->per_host || now < h->next_ok || (h->via_proxy && !proxy_ready))
			continue;
		if (h->robots_state == MC_ROBOTS_NEEDED && h->robots_req) {
			prio = ROBOTS_PRIORITY;
		} else if (h->robots_state != MC_ROBOTS_READY || e->stop_scheduling ||
			   !mc_queue_peek(&h->queue, &prio, &seq)) {
			continue;
		}
		/* Equal priorities: the oldest request first, whatever its host,
		 * so a one-at-a-time crawl (check-spider) is breadth-first. */
		if (!best || prio > best_prio || (prio == best_prio && seq < best_seq)) {
			best = h;
			best_prio = prio;
			best_seq = seq;
		}
	}
	return best;
}

static double jittered_delay(struct engine *e, const struct mc_host *h)
{
	double d = h->delay;

	if (e->o->policy.jitter_pct > 0 && d > 0)
		d *= 1.0 + (mc_engine_rand01(e) * 2.0 - 1.0) * e->o->policy.jitter_pct / 100.0;
	return d;
}

void mc_engine_schedule(struct engine *e)
{
	double now = mc_now();
	struct mc_host *h;

	mc_engine_promote_due_retries(e, now);
	while (e->active + e->parsing < e->o->policy.concurrency) {
		h = pick_host(e, now);
		if (!h)
			break;
		struct mc_request *r;
		if (h->robots_state == MC_ROBOTS_NEEDED) {
			r = h->robots_req;
			h->robots_req = NULL;
			h->robots_state = MC_ROBOTS_FETCHING;
			e->stats->robots_fetched += r->attempts == 0 && r->proxy_fails == 0;
		} else {
			r = queue_pop(e, h);
			r->host = h;
			e->queued--;
			if (h->robots && !mc_robots_allowed(h->robots, r->url)) {
				char label[LABEL_MAX];
				e->stats->robots_denied++;
				mc_debug("robots.txt denies %s", mc_engine_label(r, label));
				mc_request_free(r);
				continue;
			}
			bool first = r->attempts == 0 && r->redirects == 0 && r->proxy_fails == 0;
			if (first && h->max_pages > 0 && h->pages_started >= h->max_pages) {
				/* The host's rule: no more pages of this host, the
				 * others go on. */
				h->not_made++;
				e->stats->host_limited++;
				e->stats->not_made++;
				mc_request_free(r);
				continue;
			}
			h->pages_started += first;
			if (e->o->policy.max_pages > 0 && first) {
				if (e->pages_started >= e->o->policy.max_pages) {
					mc_engine_stop(e, STOP_PAGES);
					e->stats->not_made++;
					mc_request_free(r);
					continue;
				}
				e->pages_started++;
			}
		}
		h->next_ok = now + jittered_delay(e, h);
		mc_engine_start_transfer(e, r, h->via_proxy ? mc_proxy_pick(&e->proxies, now) : NULL);
	}
}
