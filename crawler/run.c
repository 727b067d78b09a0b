/*
 * One run of the engine (engine.h: mc_crawl_run): check what the run will
 * send, set up its host rules, proxies, requests and libcurl, open the
 * staging file, seed the frontier with the start and sitemap URLs, run the
 * loop (engine.c) under SIGINT/SIGTERM handlers, decide the status
 * (run_status.c) and the spider's health, and finish or discard the file.
 * Also the run's polite defaults (mc_crawl_opts_defaults) and the settings
 * of a replay (mc_crawl_opts_replay).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crawler/engine_internal.h"
#include "base/alloc.h"
#include "base/log.h"
#include "crawler/health.h"
#include "marketcrawl/registry.h"
#include "crawler/page_arena.h"
#include "crawler/regex_cache.h"
#include "crawler/url.h"

/* Whether libcurl may take a proxy from the environment (then the address
 * a transfer connects to can be the proxy's, not the site's). */
static bool env_proxy(void)
{
	static const char *const names[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy",
					    "ALL_PROXY", NULL};

	for (const char *const *n = names; *n; n++)
		if (getenv(*n) && **n && getenv(*n)[0])
			return true;
	return false;
}

static char **domain_list(const struct mc_crawl_opts *o)
{
	size_t n = 0, i = 0;
	char **list;

	/* No domains anywhere: every site is allowed. */
	if (!o->spider->allowed_domains && !(o->extra_domains && *o->extra_domains))
		return NULL;
	for (const char *const *d = o->spider->allowed_domains; d && *d; d++)
		n++;
	for (const char *const *d = o->extra_domains; d && *d; d++)
		n++;
	list = mc_calloc(n + 1, sizeof *list);
	for (const char *const *d = o->spider->allowed_domains; d && *d; d++)
		list[i++] = mc_strdup(*d);
	for (const char *const *d = o->extra_domains; d && *d; d++)
		list[i++] = mc_strdup(*d);
	return list;
}

/* One of the spider's own start or sitemap URLs, moved to o->origin when
 * set: a new normalised URL, or NULL when it is not a valid one. */
static char *own_url(const struct mc_crawl_opts *o, const char *url)
{
	char *n = mc_url_normalize(url, NULL), *moved;

	if (!n || !o->origin)
		return n;
	moved = mc_asprintf("%s%s", o->origin, n + mc_url_origin_len(n));
	free(n);
	n = mc_url_normalize(moved, NULL);
	free(moved);
	return n;
}

/* The spider's own start URLs: its region's, when the region has some. */
const char *const *mc_engine_own_start_urls(const struct mc_crawl_opts *o)
{
	if (o->region && o->region->start_urls)
		return o->region->start_urls;
	return o->spider->start_urls;
}

/* How start requests are made (checked in check_requests): the command
 * line's, else the region's, else the spider's. */
static const struct mc_follow_opts *start_opts(const struct mc_crawl_opts *o)
{
	if (o->start_opts)
		return o->start_opts;
	if (o->region && o->region->start_opts)
		return o->region->start_opts;
	return o->spider->start_opts;
}

static void seed(struct engine *e)
{
	const struct mc_crawl_opts *o = e->o;
	const char *const *urls = o->start_urls ? o->start_urls : mc_engine_own_start_urls(o);
	const struct mc_follow_opts *so = start_opts(o);
	mc_parse_fn cb = o->start_cb ? o->start_cb : o->spider->parse;
	char why[256];

	for (const char *const *u = urls; u && *u; u++) {
		char *url = o->start_urls ? mc_url_normalize(*u, NULL) : own_url(o, *u);
		struct mc_request_spec *spec;
		if (!url) {
			mc_error("start URL is not a valid http(s) URL: %s", *u);
			e->stats->bad_links++;
			continue;
		}
		mc_request_spec_from(so, &spec, why, sizeof why);
		mc_engine_allow_private_origin(e, url);
		mc_engine_add_request(e, url, cb, so ? so->data : NULL, spec, NULL, 0, so ? so->priority : 0,
				      true, 0);
	}
	urls = o->sitemap_urls ? o->sitemap_urls : o->spider->sitemap_urls;
	for (const char *const *u = urls; u && *u; u++) {
		char *url = o->sitemap_urls ? mc_url_normalize(*u, NULL) : own_url(o, *u);
		if (!url) {
			mc_error("sitemap URL is not a valid http(s) URL: %s", *u);
			e->stats->bad_links++;
			continue;
		}
		mc_engine_allow_private_origin(e, url);
		mc_engine_add_sitemap(e, url, 0);
	}
}

/*
 * What a run sends besides URLs must be right before anything is sent: the
 * region's code, the spider's and the region's headers and cookies, and
 * the start options.  False with `why` (naming a header or cookie, never
 * its value).
 */
static bool check_requests(const struct mc_crawl_opts *o, char *why, size_t whysz)
{
	const struct mc_region *rg = o->region;
	const char *const *headers[] = {o->spider->headers, rg ? rg->headers : NULL};
	const char *const *cookies[] = {o->spider->cookies, rg ? rg->cookies : NULL};
	struct mc_request_spec *spec;

	if (rg && !mc_region_code_ok(rg->code)) {
		snprintf(why, whysz, "region code \"%s\" is not [a-z0-9_-]{1,20}",
			 rg->code ? rg->code : "(null)");
		return false;
	}
	for (int i = 0; i < 2; i++) {
		for (const char *const *h = headers[i]; h && *h; h++)
			if (!mc_request_header_ok(*h, why, whysz))
				return false;
		for (const char *const *c = cookies[i]; c && *c; c++)
			if (!mc_request_cookie_ok(*c, why, whysz))
				return false;
	}
	if (mc_request_spec_from(start_opts(o), &spec, why, whysz) != 0)
		return false;
	mc_request_spec_free(spec);
	return true;
}

/*
 * The run's host rules (the spider's, then the caller's) and proxies (the
 * caller's, else the spider's).  False with `why` for a bad rule or proxy
 * (shown masked).  No proxies of ours in a replay.
 */
static bool setup_policies(struct engine *e, char *why, size_t whysz)
{
	const struct mc_crawl_opts *o = e->o;
	const char *const *lists[] = {o->spider->settings.host_rules, o->policy.host_rules};
	const char *own[] = {o->spider->settings.proxy, NULL};
	const char *const *proxies = o->policy.proxies ? o->policy.proxies : own;
	char reason[512];

	for (int i = 0; i < 2; i++)
		for (const char *const *rule = lists[i]; rule && *rule; rule++)
			if (mc_host_rules_add(&e->rules, *rule, reason, sizeof reason) != 0) {
				snprintf(why, whysz, "host rule: %s", reason);
				return false;
			}
	for (const char *const *p = proxies; p && *p; p++)
		if (!mc_proxy_check(*p, why, whysz))
			return false;
	if (o->hooks.replay || !proxies[0])
		return true;
	mc_proxy_pool_init(&e->proxies, proxies, o->policy.per_proxy, o->policy.proxy_delay_ms);
	e->no_proxy = o->policy.no_proxy ? o->policy.no_proxy :
		      getenv("no_proxy") ? getenv("no_proxy") : getenv("NO_PROXY");
	mc_info("through %zu prox%s, first %s", e->proxies.n, e->proxies.n == 1 ? "y" : "ies",
		e->proxies.v[0].shown);
	return true;
}

/* libcurl's own limit on connections to one host: above ours, so it never
 * queues a transfer we started (through a proxy, every connection goes to
 * the proxy's host). */
static long curl_host_connections(const struct engine *e)
{
	long n = e->o->policy.per_host;

	for (size_t i = 0; i < e->rules.n; i++)
		if (e->rules.v[i].concurrency > n)
			n = e->rules.v[i].concurrency;
	if (e->proxies.n && (long)e->proxies.per_proxy * (long)e->proxies.n > n)
		n = (long)e->proxies.per_proxy * (long)e->proxies.n;
	return n;
}

/* The per-proxy and per-ruled-host figures into the stats. */
static void note_policies(const struct engine *e)
{
	struct mc_stats *s = e->stats;

	for (size_t i = 0; i < e->proxies.n && s->nproxies < MC_STATS_LIST_MAX; i++) {
		struct mc_stats_proxy *p = &s->proxies[s->nproxies++];
		snprintf(p->shown, sizeof p->shown, "%s", e->proxies.v[i].shown);
		p->requests = e->proxies.v[i].requests;
		p->failures = e->proxies.v[i].failures;
		p->benched = e->proxies.v[i].benched;
	}
	for (const struct mc_host *h = e->hosts.list; h; h = h->next_in_list) {
		if (!h->rule || s->nhosts >= MC_STATS_LIST_MAX)
			continue;
		struct mc_stats_host *sh = &s->hosts[s->nhosts++];
		snprintf(sh->origin, sizeof sh->origin, "%s", h->origin);
		snprintf(sh->rule, sizeof sh->rule, "%s", h->rule->text);
		sh->delay_ms = (int)(h->min_delay * 1000.0 + 0.5);
		sh->concurrency = h->per_host;
		sh->max_pages = h->max_pages;
		sh->pages = h->pages_started;
		sh->not_made = h->not_made;
	}
}

/* The name of the run's health reference: one per spider and region. */
static const char *health_name(const struct mc_crawl_opts *o, char *buf, size_t bufsz)
{
	if (!o->region)
		return o->spider->name;
	snprintf(buf, bufsz, "%s@%s", o->spider->name, o->region->code);
	return buf;
}

static void engine_release(struct engine *e)
{
	struct mc_request *r;

	mc_engine_drain_pool(e);
	mc_parse_pool_free(e->pool);
	if (e->active)
		mc_engine_abort_in_flight(e);
	for (r = mc_heap_pop(&e->delayed); r; r = mc_heap_pop(&e->delayed))
		mc_request_free(r);
	mc_heap_release(&e->delayed);
	mc_host_table_release(&e->hosts);
	mc_host_rules_release(&e->rules);
	mc_proxy_pool_release(&e->proxies);
	mc_seen_free(e->seen);
	mc_spec_table_release(&e->specs);
	if (e->multi)
		curl_multi_cleanup(e->multi);
	/* Every easy handle is gone: the jar has no user left. */
	if (e->share)
		curl_share_cleanup(e->share);
	for (int i = 0; e->requests_ready && i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&e->share_locks[i]);
	curl_slist_free_all(e->base_headers);
	free(e->base_cookies);
	free(e->default_headers);
	free(e->default_cookies);
	for (char **d = e->domain_list; d && *d; d++)
		free(*d);
	free(e->domain_list);
	for (size_t i = 0; i < e->n_private_origins; i++)
		free(e->private_origins[i]);
	free(e->private_origins);
	mc_regex_cache_clear();
	mc_page_arena_release();
}

enum mc_run_status mc_crawl_run(const struct mc_crawl_opts *o, struct mc_crawl_result *r)
{
	struct engine e;
	struct sigaction sa, old_int, old_term;
	char started_at[40], why[600], state_name[128];
	struct mc_err err;
	json_t *rec;
	struct mc_health_note health = {NULL, NULL};

	memset(r, 0, sizeof *r);
	memset(&e, 0, sizeof e);
	mc_stats_init(&r->stats);
	e.o = o;
	e.stats = &r->stats;
	e.rng = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	e.delayed.by_time = true;
	e.domain_list = domain_list(o);
	e.env_proxy = env_proxy();
	e.domains = (const char *const *)e.domain_list;
	mc_host_table_init(&e.hosts);
	e.seen = mc_seen_new();
	/* The robots.txt product token: the User-Agent up to '/' or space. */
	snprintf(e.robots_agent, sizeof e.robots_agent, "%.*s",
		 (int)strcspn(o->policy.user_agent, "/ "), o->policy.user_agent);
	mc_engine_utc_now(started_at, sizeof started_at, false);
	{
		char compact[32];
		mc_engine_utc_now(compact, sizeof compact, true);
		snprintf(r->run_id, sizeof r->run_id, "%s-%d", compact, (int)getpid());
	}
	r->status = MC_RUN_FAILED;
	if (!check_requests(o, why, sizeof why)) {
		mc_engine_add_reason(r, "spider %s: %s", o->spider->name, why);
		goto out;
	}
	if (!setup_policies(&e, why, sizeof why)) {
		mc_engine_add_reason(r, "%s", why);
		goto out;
	}
	mc_engine_setup_requests(&e);
	if (!o->hooks.replay) {
		e.multi = curl_multi_init();
		curl_multi_setopt(e.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
		curl_multi_setopt(e.multi, CURLMOPT_MAX_HOST_CONNECTIONS, curl_host_connections(&e));
		curl_multi_setopt(e.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o->policy.concurrency);
	}
	if (o->policy.workers > 0)
		e.pool = mc_parse_pool_new(o->policy.workers, e.multi);
	if (!o->out.items_out) {
		e.writer = mc_staging_open(o->out.staging_dir, o->spider->name, r->run_id, started_at,
					   &err);
		if (!e.writer) {
			mc_error("%s", err.msg);
			mc_engine_add_reason(r, "the staging file could not be created");
			goto out;
		}
	}
	mc_engine_signals_seen = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = mc_engine_on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	seed(&e);
	mc_engine_run_loop(&e);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	r->stats.not_made += mc_engine_requests_waiting(&e);
	note_policies(&e);
	mc_stats_finish(&r->stats);

	mc_engine_decide_status(&e, r);
	if (r->status == MC_RUN_COMPLETE && o->out.state_dir &&
	    mc_health_judge(o->out.state_dir, health_name(o, state_name, sizeof state_name),
			    o->spider->scope, r->stats.items,
			    mc_named_total(&r->stats.dropped), o->policy.min_item_ratio,
			    o->policy.max_drop_ratio,
			    r->reason, sizeof r->reason))
		r->status = MC_RUN_SUSPECT;
	if (r->status == MC_RUN_FAILED) {
		/* Nothing fetched: no file.  A write failure keeps its .part,
		 * as a crash would. */
		if (e.write_failed)
			mc_staging_abandon(e.writer);
		else
			mc_staging_discard(e.writer);
		e.writer = NULL;
		goto out;
	}
	/* Everything that allocates happens before the rename, so a run
	 * either fails with only its .part or succeeds completely.  Only a
	 * complete, healthy run becomes the next run's reference. */
	if (r->status == MC_RUN_COMPLETE && o->out.state_dir &&
	    mc_health_prepare(o->out.state_dir, health_name(o, state_name, sizeof state_name),
			      o->spider->scope, r->run_id, r->stats.items,
			      mc_named_total(&r->stats.dropped), &health, &err) != 0)
		mc_warn("%s", err.msg);
	if (e.writer) {
		rec = mc_engine_run_record(o, r, started_at);
		int frc = mc_staging_finish(e.writer, rec, &r->staging_path, &err);
		e.writer = NULL;
		json_decref(rec);
		if (frc != 0) {
			mc_error("%s", err.msg);
			r->status = MC_RUN_FAILED;
			r->reason[0] = '\0';
			mc_engine_add_reason(r, "the staging file could not be written");
			mc_health_discard(&health);
			goto out;
		}
	}
	if (mc_health_commit(&health, &err) != 0)
		mc_warn("%s", err.msg);
out:
	mc_staging_abandon(e.writer);
	engine_release(&e);
	return r->status;
}

void mc_crawl_result_release(struct mc_crawl_result *r)
{
	free(r->staging_path);
	r->staging_path = NULL;
}

void mc_crawl_opts_defaults(struct mc_crawl_opts *o, const struct mc_spider *spider)
{
	static const int retry[] = {408, 429, 500, 502, 503, 504};
	const struct mc_spider_settings *s = &spider->settings;

	memset(o, 0, sizeof *o);
	o->spider = spider;
	o->region = spider->regions && spider->regions[0].code ? &spider->regions[0] : NULL;
	o->policy.concurrency = s->concurrency > 0 ? s->concurrency : 16;
	o->policy.per_host = s->per_host > 0 ? s->per_host : 2;
	o->policy.delay_ms = s->delay_ms > 0 ? s->delay_ms : 250;
	o->policy.jitter_pct = 50;
	o->policy.max_pages = s->max_pages;
	o->policy.max_depth = s->max_depth > 0 ? s->max_depth : -1;
	o->policy.max_retries = 3;
	o->policy.workers = 0;
	o->policy.max_bytes = 10L * 1024 * 1024;
	o->policy.connect_timeout_ms = 10000;
	o->policy.timeout_ms = 60000;
	o->policy.low_speed_bytes = 100;
	o->policy.low_speed_secs = 30;
	o->policy.max_retry_after_ms = 120000;
	o->policy.stop_grace_ms = 10000;
	o->policy.obey_robots = true;
	o->policy.obey_crawl_delay = true;
	o->policy.user_agent = s->user_agent ? s->user_agent :
					"marketcrawl/0.1 (+https://github.com/marketcrawl/marketcrawl)";
	memcpy(o->policy.retry_codes, retry, sizeof retry);
	o->policy.n_retry_codes = (int)(sizeof retry / sizeof retry[0]);
	o->policy.min_item_ratio = s->min_item_ratio > 0 ? s->min_item_ratio : 0.5;
	o->policy.max_drop_ratio = 0.2;
	o->policy.per_proxy = 4;
	o->policy.proxy_delay_ms = 0;
	o->policy.caps.page_memory = MC_PAGE_MEMORY_MAX;
	o->policy.caps.header_bytes = MC_HEADER_BYTES_MAX;
	o->policy.caps.follows_per_page = MC_FOLLOWS_PER_PAGE_MAX;
	o->policy.caps.sitemap_depth = MC_SITEMAP_DEPTH_MAX;
	o->policy.caps.sitemaps = MC_SITEMAPS_MAX;
	o->policy.caps.sitemap_locs = MC_SITEMAP_LOCS_MAX;
	o->policy.caps.sitemap_urls = MC_SITEMAP_URLS_MAX;
}

void mc_crawl_opts_replay(struct mc_crawl_opts *o, const struct mc_spider *spider,
			  const struct mc_replay *replay)
{
	mc_crawl_opts_defaults(o, spider);
	o->hooks.replay = replay;
	o->hooks.observed_at = "2000-01-01T00:00:00.000Z";
	o->policy.concurrency = o->policy.per_host = 1;
	o->policy.delay_ms = o->policy.jitter_pct = 0;
	o->policy.workers = o->policy.max_retries = 0;
}
