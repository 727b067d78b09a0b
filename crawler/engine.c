/*
 * The crawl engine (engine.h).  One thread owns the libcurl multi handle,
 * the frontier (per-host queues plus a delayed-retry heap), the duplicate
 * filter, the statistics and the staging file.  Spider callbacks run either
 * on that thread or on the parser pool (parse_pool.c); either way their
 * output — links and item lines collected in the response — is applied
 * here, so nothing else needs a lock.
 *
 * Shape of the loop (curl's 10-at-a-time.c): schedule → multi_perform →
 * drain info_read → apply parsed responses → multi_poll.  Politeness is
 * decided by our scheduler, never by queueing inside libcurl, so queued
 * time never counts against libcurl's timeouts.
 *
 * Requests: most are plain GETs and carry no spec; the others carry their
 * method, body, headers and cookies (request.h), kept beside the packed
 * host queues while they wait.  The spider's and the region's headers and
 * cookies are merged once per run; one cookie jar (a libcurl share, with
 * lock callbacks) serves every transfer.  Log lines name a request by
 * mc_request_label: never its body, never a cookie.
 *
 * Hosts and proxies: a host gets its settings once, when first queued
 * (its per-host rule, else the run's); with proxies of ours a request
 * starts only when its host and a proxy (mc_proxy_pick) both allow it, and
 * a transfer the proxy failed benches that proxy and is sent again through
 * another.  A proxy is only ever named by its masked form.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "crawler/engine.h"
#include "crawler/health.h"
#include "crawler/host.h"
#include "base/alloc.h"
#include "base/log.h"
#include "marketcrawl/registry.h"
#include "crawler/seen.h"
#include "base/sha256.h"
#include "crawler/sitemap.h"
#include "crawler/url.h"
#include "crawler/page_arena.h"
#include "crawler/parse_pool.h"
#include "crawler/proxy.h"
#include "crawler/regex_cache.h"
#include "crawler/replay.h"
#include "crawler/response_internal.h"
#include "crawler/staging_writer.h"

#define ROBOTS_MAX_BYTES MC_ROBOTS_MAX_BYTES
#define ROBOTS_PRIORITY 1000000
#define MAX_REDIRECTS 10
#define BACKOFF_BASE_S 0.5
#define BACKOFF_MAX_S 60.0
#define AUTOTHROTTLE_MAX_S 60.0
#define AUTOTHROTTLE_BACKOFF_S 1.0
#define POLL_MAX_MS 100
/* Room for a request's name in messages: "METHOD URL (N-byte body)". */
#define LABEL_MAX 2200
#define FORM_TYPE "application/x-www-form-urlencoded"

static volatile sig_atomic_t signals_seen;

/* Why scheduling stopped before the frontier ran out. */
enum stop_cause { STOP_NONE, STOP_PAGES, STOP_TIME, STOP_SIGNAL, STOP_WRITE };

struct transfer {
	struct transfer *prev, *next; /* the engine's in-flight list */
	CURL *easy;
	struct mc_request *req;
	struct mc_buf body;
	struct mc_buf headers;
	long max_bytes;
	bool too_large;
	double started;
	char error[CURL_ERROR_SIZE]; /* libcurl's detail of a failure ("SSL certificate problem: ...") */
	/* A request with a spec: its own header list and cookies (owned); NULL
	 * means the run's defaults. */
	struct curl_slist *send_headers;
	char *send_cookies;
	struct mc_proxy *proxy; /* the run's proxy it goes through, or NULL */
};

struct engine {
	const struct mc_crawl_opts *o;
	CURLM *multi;
	struct mc_host_table hosts;
	struct mc_request_heap delayed; /* retries waiting for their time */
	struct mc_seen *seen;
	struct mc_staging_writer *writer;
	struct mc_parse_pool *pool;
	struct transfer *in_flight;
	char robots_agent[64]; /* product token matched in robots.txt */
	struct mc_stats *stats;
	struct mc_spec_table specs; /* specs of requests waiting in host queues */
	/* The spider's headers and cookies with the region's on top (borrowed
	 * strings; the arrays are owned), as sent with plain requests. */
	const char **default_headers;
	const char **default_cookies;
	struct curl_slist *base_headers; /* default_headers for libcurl, or NULL */
	char *base_cookies;              /* "a=1; b=2", or NULL */
	CURLSH *share;                   /* the run's cookie jar */
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
	bool requests_ready;             /* the above are set up */
	const char *const *domains;
	char **domain_list; /* spider domains + extra, NULL-terminated (owned) */
	struct mc_host_rules rules;   /* the spider's, then --host-rule */
	struct mc_proxy_pool proxies; /* empty: no proxy of ours */
	const char *no_proxy;         /* hosts the proxies are not used for, or NULL */
	uint64_t seq;
	int active;          /* transfers in libcurl */
	int parsing;         /* responses on the parser pool */
	long queued;         /* requests in host queues */
	long pages_started;  /* first attempts of page requests */
	bool stop_scheduling;
	enum stop_cause stopped_by; /* the first reason scheduling stopped */
	bool write_failed;
	unsigned int rng;
	double last_progress;
};

/* ---- small helpers ------------------------------------------------------ */

static void on_signal(int sig)
{
	if (signals_seen++)
		_exit(128 + sig);
}

static double rand01(struct engine *e)
{
	return (double)rand_r(&e->rng) / ((double)RAND_MAX + 1.0);
}

static void utc_now(char *out, size_t outsz, bool compact)
{
	struct timespec ts;
	struct tm tm;
	char base[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (compact) {
		strftime(out, outsz, "%Y%m%dT%H%M%SZ", &tm);
		return;
	}
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, outsz, "%s.%03dZ", base, (int)(ts.tv_nsec / 1000000) % 1000);
}

/* Length of "scheme://authority" of a normalised URL (its origin, as the
 * normaliser drops default ports and lower-cases), or 0. */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

/* The host of a normalised URL into `out` (no userinfo, port or brackets'
 * content change); false when it does not fit. */
static bool url_host(const char *url, char *out, size_t outsz)
{
	size_t olen = origin_len(url);
	const char *a = strstr(url, "://") + 3, *end = url + olen, *at, *colon;

	at = memchr(a, '@', (size_t)(end - a));
	if (at)
		a = at + 1;
	if (*a == '[') {
		colon = memchr(a, ']', (size_t)(end - a));
		end = colon ? colon + 1 : end;
	} else {
		colon = memchr(a, ':', (size_t)(end - a));
		if (colon)
			end = colon;
	}
	if ((size_t)(end - a) >= outsz)
		return false;
	memcpy(out, a, (size_t)(end - a));
	out[end - a] = '\0';
	return true;
}

static bool offsite(struct engine *e, const char *url)
{
	char host[256];

	if (!e->domains)
		return false;
	if (!url_host(url, host, sizeof host))
		return true;
	for (const char *const *d = e->domains; *d; d++)
		if (mc_host_in_domain(host, *d))
			return false;
	return true;
}

static void note_delay(struct engine *e, const struct mc_host *h)
{
	long ms = (long)(h->delay * 1000.0 + 0.5);

	if (ms > e->stats->max_delay_ms)
		e->stats->max_delay_ms = ms;
}

/* Stop scheduling (once; the first cause is the one reported). */
static void stop(struct engine *e, enum stop_cause why)
{
	if (!e->stop_scheduling)
		e->stopped_by = why;
	e->stop_scheduling = true;
}

static bool is_retry_code(const struct mc_crawl_opts *o, long status)
{
	for (int i = 0; i < o->n_retry_codes; i++)
		if (o->retry_codes[i] == status)
			return true;
	return false;
}

/* A request's name in messages (mc_request_label). */
static const char *label_of(const struct mc_request *r, char buf[LABEL_MAX])
{
	return mc_request_label(r->url, r->spec, buf, LABEL_MAX);
}

/* ---- headers, cookies and the jar ---------------------------------------- */

static size_t list_len(const char *const *l)
{
	size_t n = 0;

	while (l && l[n])
		n++;
	return n;
}

/*
 * The entries of `base` not named again in `over`, then those of `over`:
 * the later list wins by name (headers: `sep` ':' and case-insensitive;
 * cookies: '=').  A new NULL-terminated array of borrowed strings.
 */
static const char **overlay(const char *const *base, const char *const *over, char sep, bool ci)
{
	const char **out = mc_calloc(list_len(base) + list_len(over) + 1, sizeof *out);
	size_t n = 0;

	for (const char *const *b = base; b && *b; b++) {
		bool replaced = false;
		for (const char *const *o = over; o && *o && !replaced; o++)
			replaced = mc_request_same_name(*b, *o, sep, ci);
		if (!replaced)
			out[n++] = *b;
	}
	for (const char *const *o = over; o && *o; o++)
		out[n++] = *o;
	return out;
}

/* "a=1; b=2" of a cookie list, or NULL when it is empty. */
static char *cookie_line(const char *const *cookies)
{
	struct mc_buf b;

	if (!cookies || !*cookies)
		return NULL;
	mc_buf_init(&b, 0);
	for (const char *const *c = cookies; *c; c++) {
		if (c != cookies)
			mc_buf_adds(&b, "; ");
		mc_buf_adds(&b, *c);
	}
	return mc_buf_detach(&b, NULL);
}

/* The header list of a request with a spec: the defaults, its own headers
 * over them, and for a POST its content type and no "Expect: 100-continue"
 * round trip. */
static struct curl_slist *spec_headers(const struct engine *e, const struct mc_request_spec *spec)
{
	const char **all = overlay(e->default_headers, (const char *const *)spec->headers, ':', true);
	struct curl_slist *list = NULL;
	bool typed = false;

	for (const char **h = all; *h; h++) {
		bool is_type = mc_request_same_name(*h, "Content-Type:", ':', true);
		if (is_type && spec->content_type)
			continue; /* the body's own type wins */
		typed |= is_type;
		list = curl_slist_append(list, *h);
	}
	free(all);
	if (spec->method == MC_POST) {
		if (!typed) {
			char *ct = mc_asprintf("Content-Type: %s",
					       spec->content_type ? spec->content_type : FORM_TYPE);
			list = curl_slist_append(list, ct);
			free(ct);
		}
		list = curl_slist_append(list, "Expect:");
	}
	return list;
}

static char *spec_cookies(const struct engine *e, const struct mc_request_spec *spec)
{
	const char **all = overlay(e->default_cookies, (const char *const *)spec->cookies, '=', false);
	char *line = cookie_line(all);

	free(all);
	return line;
}

/* libcurl's share lock callbacks: one mutex per kind of data.  Transfers
 * run on the loop thread only, but the jar stays correct whichever thread
 * a transfer runs on. */
static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userp)
{
	struct engine *e = userp;

	(void)handle;
	(void)access;
	pthread_mutex_lock(&e->share_locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userp)
{
	struct engine *e = userp;

	(void)handle;
	pthread_mutex_unlock(&e->share_locks[data]);
}

/* The run's headers and cookies (spider, then region) and its cookie jar. */
static void setup_requests(struct engine *e)
{
	const struct mc_region *rg = e->o->region;

	e->default_headers = overlay(e->o->spider->headers, rg ? rg->headers : NULL, ':', true);
	e->default_cookies = overlay(e->o->spider->cookies, rg ? rg->cookies : NULL, '=', false);
	for (const char **h = e->default_headers; *h; h++)
		e->base_headers = curl_slist_append(e->base_headers, *h);
	e->base_cookies = cookie_line(e->default_cookies);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&e->share_locks[i], NULL);
	e->requests_ready = true;
	if (e->o->replay)
		return;
	e->share = curl_share_init();
	curl_share_setopt(e->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(e->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(e->share, CURLSHOPT_USERDATA, e);
	curl_share_setopt(e->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
}

/* ---- the frontier ------------------------------------------------------- */

/* Host queues pack plain requests only: a spec waits in e->specs. */
static void queue_push(struct engine *e, struct mc_host *h, struct mc_request *r)
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
	return o->delay_ms / 1000.0;
}

/* A new host's settings: its rule's (host_rule.h), else the run's; and
 * whether its requests go through the run's proxies (not when no_proxy
 * names it). */
static void configure_host(struct engine *e, struct mc_host *h)
{
	char host[256];
	const struct mc_host_rule *rule = NULL;

	h->configured = true;
	h->per_host = e->o->per_host;
	h->min_delay = host_delay(e->o);
	h->via_proxy = e->proxies.n > 0;
	if (url_host(h->origin, host, sizeof host)) {
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
	note_delay(e, h);
}

/* Queue `r` on its host, creating the host's robots.txt request first. */
static void enqueue(struct engine *e, struct mc_request *r)
{
	size_t olen = origin_len(r->url);
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
		if (!e->o->obey_robots || e->o->replay) {
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
	queue_push(e, h, r);
	e->queued++;
}

/*
 * The duplicate, offsite and depth filters, counted in the stats.  NULL
 * when the request may be made (it is then in the seen-set), else why not.
 * A plain GET (or a GET with headers) is keyed by its URL alone; POST and
 * HEAD by method, URL and body (mc_seen_add_request).
 */
static const char *filter(struct engine *e, const char *url, const struct mc_request_spec *spec,
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
	if (offsite(e, url)) {
		e->stats->offsite++;
		mc_debug("offsite: %s", mc_request_label(url, spec, label, sizeof label));
		return "offsite";
	}
	if (e->o->max_depth >= 0 && depth > e->o->max_depth) {
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
static void add_request(struct engine *e, char *url, mc_parse_fn cb, const char *data,
			struct mc_request_spec *spec, struct mc_rcstr *referer, int depth,
			int priority, bool dont_filter, int redirects)
{
	struct mc_request *r;

	if (filter(e, url, spec, depth, dont_filter)) {
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
	enqueue(e, r);
}

/* Queue a sitemap (or robots.txt to read Sitemap: lines from).  Takes `url`. */
static void add_sitemap(struct engine *e, char *url, int depth)
{
	struct mc_request *r;

	if (offsite(e, url)) {
		e->stats->offsite++;
		free(url);
		return;
	}
	if (!mc_seen_add(e->seen, url, strlen(url))) {
		e->stats->duplicates++;
		free(url);
		return;
	}
	r = mc_request_new(url, NULL, NULL, NULL);
	r->is_sitemap = true;
	r->depth = depth;
	enqueue(e, r);
}

/* Read the locs of a fetched sitemap: indexes and robots.txt lead to more
 * sitemaps, urlsets to pages (filtered) for the sitemap callback. */
static void sitemap_done(struct engine *e, struct mc_request *r, const char *body, size_t len)
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
				add_sitemap(e, u, r->depth + 1);
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
	for (size_t i = 0; i < sm.count; i++) {
		char *u = mc_url_normalize(sm.locs[i], r->url);
		if (!u) {
			e->stats->bad_links++;
			continue;
		}
		if (sm.is_index) {
			add_sitemap(e, u, r->depth + 1);
			continue;
		}
		char *m = filter ? mc_regex_capture(filter, u, 0) : NULL;
		if (filter && !m) {
			free(u);
			continue;
		}
		free(m);
		e->stats->sitemap_urls++;
		add_request(e, u, cb, NULL, NULL, referer, r->depth + 1, 0, false, 0);
	}
	mc_rcstr_unref(referer);
	mc_sitemap_release(&sm);
}

static void promote_due_retries(struct engine *e, double now)
{
	struct mc_request *r;

	for (r = mc_heap_peek(&e->delayed); r && r->not_before <= now; r = mc_heap_peek(&e->delayed)) {
		mc_heap_pop(&e->delayed);
		if (r->is_robots) {
			r->host->robots_req = r;
			r->host->robots_state = MC_ROBOTS_NEEDED;
		} else {
			queue_push(e, r->host, r);
			e->queued++;
		}
	}
}

/* ---- transfers ---------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * n;

	if (t->body.len + len > (size_t)t->max_bytes) {
		if (t->req->is_robots) {
			/* RFC 9309: parse what fits in the cap.  One byte past it
			 * tells the parser the last line was cut (it drops it). */
			size_t room = (size_t)t->max_bytes + 1 - t->body.len;
			mc_buf_add(&t->body, p, room < len ? room : len);
			return len;
		}
		t->too_large = true;
		return 0;
	}
	mc_buf_add(&t->body, p, len);
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * n;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
		mc_buf_reset(&t->headers); /* a new response (redirect, 100) */
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len) {
		mc_buf_add(&t->headers, p, len);
		mc_buf_addc(&t->headers, '\n');
	}
	return size * n;
}

static void start_transfer(struct engine *e, struct mc_request *r, struct mc_proxy *px);
static void deliver(struct engine *e, struct mc_request *r, long status, const char *url,
		    char *headers, char *body, size_t len, const char *content_type);

/* Free a transfer and what it owns, except its request and easy handle. */
static void transfer_free(struct transfer *t)
{
	mc_buf_release(&t->body);
	mc_buf_release(&t->headers);
	curl_slist_free_all(t->send_headers);
	free(t->send_cookies);
	free(t);
}

static CURL *make_easy(struct engine *e, struct transfer *t)
{
	const struct mc_crawl_opts *o = e->o;
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, t->req->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, t);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->error);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->low_speed_secs);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)(t->req->is_robots ? 0 : o->max_bytes));
	if (o->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (o->ca_file) {
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	}
	if (t->req->referer)
		curl_easy_setopt(c, CURLOPT_REFERER, &t->req->referer->s[0]);
	/* Our proxies: the one chosen, or "" (none, whatever the environment
	 * says) for a host no_proxy names; NOPROXY "" because that choice is
	 * made already.  Without proxies of ours nothing is set, so libcurl
	 * reads http_proxy, https_proxy and no_proxy itself. */
	if (e->proxies.n) {
		curl_easy_setopt(c, CURLOPT_PROXY, t->proxy ? t->proxy->url : "");
		curl_easy_setopt(c, CURLOPT_NOPROXY, "");
	} else if (o->no_proxy) {
		curl_easy_setopt(c, CURLOPT_NOPROXY, o->no_proxy);
	}
	/* The run's cookie jar: Set-Cookie is kept for every later transfer;
	 * "" enables the engine without reading any file, and none is written. */
	curl_easy_setopt(c, CURLOPT_SHARE, e->share);
	curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");
	if (t->send_headers || e->base_headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->send_headers ? t->send_headers : e->base_headers);
	if (t->send_cookies || e->base_cookies)
		curl_easy_setopt(c, CURLOPT_COOKIE, t->send_cookies ? t->send_cookies : e->base_cookies);
	if (t->req->spec && t->req->spec->method == MC_POST) {
		/* Not copied by libcurl: the request owns the body until the
		 * transfer is done. */
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->req->spec->body_len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, t->req->spec->body ? t->req->spec->body : "");
	} else if (t->req->spec && t->req->spec->method == MC_HEAD) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	/* Pages: redirects are ours (offsite, robots and dedup apply to the
	 * target).  robots.txt: RFC 9309 asks to follow at least five. */
	if (t->req->is_robots) {
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	}
	return c;
}

/* A request answered from the saved pages (replay.h) instead of the network. */
static void replay_transfer(struct engine *e, struct mc_request *r)
{
	const struct mc_request_spec *sp = r->spec;
	enum mc_method method = sp ? sp->method : MC_GET;
	char *body = NULL, *hdr;
	size_t len = 0;
	const char *ctype = NULL;
	char label[LABEL_MAX];

	r->host->active--;
	if (mc_replay_fetch(e->o->replay, mc_method_name(method), r->url, sp ? sp->body : NULL,
			    sp ? sp->body_len : 0, &body, &len, &ctype) != 0) {
		const char *what = label_of(r, label);
		e->stats->status[404]++;
		mc_stats_error(e->stats, what, "http_4xx", 404, MC_END_GONE);
		if (sp && sp->body_len) {
			/* The digest a pages.tsv row needs to match this body
			 * (saved pages are test data; the body itself is not shown). */
			struct mc_sha256 h;
			char hex[65];
			mc_sha256_init(&h);
			mc_sha256_update(&h, sp->body, sp->body_len);
			mc_sha256_final_hex(&h, hex);
			mc_warn("not in the saved pages (404): %s, body sha256:%s", what, hex);
		} else {
			mc_warn("not in the saved pages (404): %s", what);
		}
		mc_request_free(r);
		return;
	}
	if (method == MC_HEAD) { /* headers only, as a live HEAD: an empty body */
		len = 0;
		body[0] = '\0';
	}
	e->stats->status[200]++;
	if (r->is_sitemap) {
		sitemap_done(e, r, body, len);
		free(body);
		mc_request_free(r);
		return;
	}
	hdr = mc_asprintf("Content-Type: %s\n", ctype);
	deliver(e, r, 200, r->url, hdr, body, len, ctype);
}

static void start_transfer(struct engine *e, struct mc_request *r, struct mc_proxy *px)
{
	struct transfer *t;
	char label[LABEL_MAX];

	e->stats->requests++;
	r->host->active++;
	if (px) {
		mc_proxy_start(&e->proxies, px, mc_now());
		mc_debug("fetch %s via proxy %s", label_of(r, label), px->shown);
	} else {
		mc_debug("fetch %s", label_of(r, label));
	}
	if (e->o->replay) {
		replay_transfer(e, r);
		return;
	}
	t = mc_calloc(1, sizeof *t);
	t->req = r;
	t->proxy = px;
	t->max_bytes = r->is_robots ? ROBOTS_MAX_BYTES : e->o->max_bytes;
	t->started = mc_now();
	mc_buf_init(&t->body, 0);
	mc_buf_init(&t->headers, 64 * 1024);
	if (r->spec) {
		t->send_headers = spec_headers(e, r->spec);
		t->send_cookies = spec_cookies(e, r->spec);
	}
	t->easy = make_easy(e, t);
	if (!t->easy || curl_multi_add_handle(e->multi, t->easy) != CURLM_OK) {
		const char *what = label_of(r, label);
		mc_error("cannot start a transfer for %s", what);
		mc_stats_error(e->stats, what, "internal", 0, MC_END_FAILED);
		r->host->active--;
		if (px)
			mc_proxy_cancel(px);
		if (t->easy)
			curl_easy_cleanup(t->easy);
		mc_request_free(r);
		transfer_free(t);
		return;
	}
	t->next = e->in_flight;
	if (t->next)
		t->next->prev = t;
	e->in_flight = t;
	e->active++;
}

static void unlink_transfer(struct engine *e, struct transfer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		e->in_flight = t->next;
	if (t->next)
		t->next->prev = t->prev;
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

	if (e->o->jitter_pct > 0 && d > 0)
		d *= 1.0 + (rand01(e) * 2.0 - 1.0) * e->o->jitter_pct / 100.0;
	return d;
}

static void schedule(struct engine *e)
{
	double now = mc_now();
	struct mc_host *h;

	promote_due_retries(e, now);
	while (e->active + e->parsing < e->o->concurrency) {
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
				mc_debug("robots.txt denies %s", label_of(r, label));
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
			if (e->o->max_pages > 0 && first) {
				if (e->pages_started >= e->o->max_pages) {
					stop(e, STOP_PAGES);
					e->stats->not_made++;
					mc_request_free(r);
					continue;
				}
				e->pages_started++;
			}
		}
		h->next_ok = now + jittered_delay(e, h);
		start_transfer(e, r, h->via_proxy ? mc_proxy_pick(&e->proxies, now) : NULL);
	}
}

/* ---- completion --------------------------------------------------------- */

/* Seconds from a Retry-After header value (delta or HTTP-date), or -1. */
static double retry_after_s(const char *headers)
{
	const char *p = headers;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		if (strncasecmp(p, "Retry-After:", 12) == 0) {
			char val[128];
			size_t len = (size_t)((eol ? eol : p + strlen(p)) - (p + 12));
			if (len >= sizeof val)
				return -1;
			memcpy(val, p + 12, len);
			val[len] = '\0';
			char *v = val;
			while (*v == ' ' || *v == '\t')
				v++;
			char *end;
			long secs = strtol(v, &end, 10);
			if (end != v && (*end == '\0' || *end == ' '))
				return secs < 0 ? 0 : (double)secs;
			time_t when = curl_getdate(v, NULL);
			if (when < 0)
				return -1;
			double d = difftime(when, time(NULL));
			return d < 0 ? 0 : d;
		}
		p = eol ? eol + 1 : NULL;
	}
	return -1;
}

/* The error cause of a final HTTP status that is not 2xx or 3xx. */
static const char *http_cause(long status)
{
	if (status == 429)
		return "http_429";
	return status >= 500 ? "http_5xx" : "http_4xx";
}

/* Retry `r` later, or give up and count it.  `status` is the HTTP status
 * of the attempt, 0 for none.  Takes ownership of `r`. */
static void retry_or_fail(struct engine *e, struct mc_request *r, const char *cause, long status,
			  double retry_after, const char *named)
{
	struct mc_host *h = r->host;
	char label[LABEL_MAX];
	const char *what = named ? named : label_of(r, label);

	if (r->attempts < e->o->max_retries && e->stop_scheduling) {
		/* Not a failure of the page: the run stopped before its retry. */
		mc_stats_error(e->stats, what, cause, status, MC_END_STOPPED);
		e->stats->not_made += !r->is_robots;
		mc_info("not retrying %s (%s): the run is stopping", what, cause);
		mc_request_free(r);
		return;
	}
	if (r->attempts < e->o->max_retries) {
		double wait = BACKOFF_BASE_S * (double)(1 << (r->attempts < 10 ? r->attempts : 10));
		wait *= 0.5 + rand01(e);
		if (wait > BACKOFF_MAX_S)
			wait = BACKOFF_MAX_S;
		if (retry_after >= 0)
			wait = retry_after < e->o->max_retry_after_ms / 1000.0 ?
				       retry_after :
				       e->o->max_retry_after_ms / 1000.0;
		r->attempts++;
		r->not_before = mc_now() + wait;
		e->stats->retries++;
		mc_debug("retry %d of %s in %.2fs (%s)", r->attempts, what, wait, cause);
		mc_heap_push(&e->delayed, r);
		return;
	}
	e->stats->retries_exhausted += r->attempts > 0;
	mc_stats_error(e->stats, what, cause, status, MC_END_FAILED);
	mc_warn("giving up on %s after %d attempt%s: %s", what, r->attempts + 1,
		r->attempts ? "s" : "", cause);
	if (r->is_robots) {
		/* RFC 9309 2.3.1.4: unreachable robots.txt means disallow all. */
		h->robots = mc_robots_disallow_all();
		h->robots_state = MC_ROBOTS_READY;
	}
	mc_request_free(r);
}

static void robots_done(struct engine *e, struct mc_request *r, long status, const char *body,
			size_t len)
{
	struct mc_host *h = r->host;
	long delay;

	if (status >= 200 && status < 300)
		h->robots = mc_robots_parse(body, len, e->robots_agent);
	else
		h->robots = mc_robots_allow_all(); /* 3xx left over, 4xx: allow all */
	h->robots_state = MC_ROBOTS_READY;
	delay = e->o->obey_crawl_delay ? mc_robots_crawl_delay_ms(h->robots) : -1;
	if (delay > 0 && delay / 1000.0 > h->delay)
		h->delay = delay / 1000.0;
	note_delay(e, h);
	mc_request_free(r);
}

static const char *curl_cause(CURLcode rc, bool too_large, bool *retryable)
{
	*retryable = false;
	if (too_large || rc == CURLE_FILESIZE_EXCEEDED)
		return "too_large";
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		*retryable = true;
		return "timeout";
	case CURLE_COULDNT_CONNECT:
		*retryable = true;
		return "connect_failed";
	case CURLE_COULDNT_RESOLVE_HOST:
		*retryable = true;
		return "dns_failed";
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		*retryable = true;
		return "connection_error";
	case CURLE_GOT_NOTHING:
		*retryable = true;
		return "empty_reply";
	case CURLE_PARTIAL_FILE:
		*retryable = true;
		return "truncated";
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		*retryable = true;
		return "http2_error";
	case CURLE_BAD_CONTENT_ENCODING:
		return "bad_encoding";
	case CURLE_UNSUPPORTED_PROTOCOL:
		return "bad_protocol";
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirect_limit";
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return "tls_error";
	default:
		return "other_error";
	}
}

/* Resends of one request through other proxies, free of --retries. */
#define PROXY_RESENDS 3

/* Why the proxy of a transfer failed it (a cause name), or NULL when it
 * did not: it could not be reached, or it answered 407 (credentials), 502
 * or 503 (for https, to the CONNECT).  Through a proxy a plain-http 502 or
 * 503 cannot be told from the site's own, so it counts against the proxy
 * too (docs/crawling.md, "Proxies"). */
static const char *proxy_cause(CURLcode rc, long status, long connect_code)
{
	long code = connect_code ? connect_code : rc == CURLE_OK ? status : 0;

	if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_PROXY)
		return "proxy_connect_failed";
#if LIBCURL_VERSION_NUM >= 0x074900
	if (rc == CURLE_PROXY)
		return "proxy_connect_failed";
#endif
	if (code == 407)
		return "proxy_auth_required";
	if (code == 502 || code == 503)
		return "proxy_http_5xx";
	return NULL;
}

/* The request of a transfer its proxy failed: sent again at once through
 * another proxy without counting as a retry while one is usable (at most
 * PROXY_RESENDS times and once per proxy of the list), else retried or
 * given up like any failure.
 * Logs and error stats name the proxy, masked. */
static void proxy_failed(struct engine *e, struct transfer *t, const char *cause, long status,
			 double bench)
{
	struct mc_request *r = t->req;
	char label[LABEL_MAX], what[LABEL_MAX + MC_PROXY_SHOWN_MAX + 16];
	double now = mc_now();

	e->stats->proxy_failures++;
	snprintf(what, sizeof what, "%s via proxy %s", label_of(r, label), t->proxy->shown);
	if (bench > 0)
		mc_warn("proxy %s failed (%s%s%s): benched for %.0f s", t->proxy->shown, cause,
			t->error[0] ? ": " : "", t->error, bench);
	if (!e->stop_scheduling && r->proxy_fails < PROXY_RESENDS &&
	    r->proxy_fails < (int)e->proxies.n &&
	    mc_proxy_pick(&e->proxies, now)) {
		r->proxy_fails++;
		r->not_before = now;
		mc_info("%s: %s, sending it through another proxy", what, cause);
		mc_heap_push(&e->delayed, r);
		return;
	}
	retry_or_fail(e, r, cause, status, -1, what);
}

/* A 3xx with Location: queue the target as a new request of the same kind
 * (a POST answered 301, 302 or 303 becomes a GET; to another origin the
 * request's own headers and cookies stay behind: mc_request_spec_redirect). */
static void follow_redirect(struct engine *e, struct mc_request *r, const char *effective,
			    CURL *easy, long status)
{
	char *loc = NULL;
	char *target;
	char label[LABEL_MAX];
	const char *what = label_of(r, label);

	curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &loc);
	if (!loc) {
		mc_stats_error(e->stats, what, "bad_redirect", 0, MC_END_REFUSED);
		mc_request_free(r);
		return;
	}
	target = mc_url_normalize(loc, effective);
	if (!target) {
		mc_stats_error(e->stats, what, "bad_redirect", 0, MC_END_REFUSED);
		mc_warn("refused redirect from %s to %s (not http/https)", what, loc);
		mc_request_free(r);
		return;
	}
	if (r->redirects >= MAX_REDIRECTS) {
		mc_stats_error(e->stats, what, "redirect_limit", 0, MC_END_FAILED);
		mc_warn("too many redirects from %s", what);
		free(target);
		mc_request_free(r);
		return;
	}
	e->stats->redirects++;
	if (r->is_sitemap) {
		add_sitemap(e, target, r->depth);
	} else {
		char *from = mc_url_origin(effective), *to = mc_url_origin(target);
		bool same = from && to && strcmp(from, to) == 0;
		struct mc_request_spec *spec = mc_request_spec_redirect(r->spec, status, same);

		free(from);
		free(to);
		r->spec = NULL;
		add_request(e, target, r->cb, r->data, spec, r->referer, r->depth, r->priority,
			    r->dont_filter, r->redirects + 1);
	}
	mc_request_free(r);
}

static void autothrottle(struct engine *e, struct mc_host *h, double latency, long status)
{
	double min_delay = h->min_delay;

	if (!e->o->autothrottle)
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
	note_delay(e, h);
}

static void transfer_done(struct engine *e, CURL *easy, CURLcode rc)
{
	struct transfer *t = NULL;
	struct mc_request *r;
	long status = 0;
	char *eff = NULL;
	char *ctype = NULL;
	bool retryable;
	char label[LABEL_MAX];

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
	mc_mask_credentials(t->error); /* libcurl may quote a proxy URL */
	curl_multi_remove_handle(e->multi, easy);
	unlink_transfer(e, t);
	e->active--;
	r = t->req;
	r->host->active--;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &eff);
	curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ctype);
	autothrottle(e, r->host, mc_now() - t->started, status);
	if (t->proxy) {
		long connect_code = 0;
		curl_easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
		const char *pc = proxy_cause(rc, status, connect_code);
		double bench = mc_proxy_done(t->proxy, pc != NULL, mc_now());
		if (pc) {
			if (status > 0 && status < 600)
				e->stats->status[status]++;
			proxy_failed(e, t, pc, connect_code ? connect_code : status, bench);
			goto out;
		}
	}

	if (rc != CURLE_OK) {
		const char *cause = curl_cause(rc, t->too_large, &retryable);
		if (retryable)
			retry_or_fail(e, r, cause, 0, -1, NULL);
		else {
			/* Oversize robots.txt cannot happen (we cut it); others fail. */
			const char *what = label_of(r, label);
			mc_stats_error(e->stats, what, cause, 0, MC_END_FAILED);
			mc_warn("%s: %s (%s)", what, cause,
				t->error[0] ? t->error : curl_easy_strerror(rc));
			if (r->is_robots) {
				r->host->robots = mc_robots_disallow_all();
				r->host->robots_state = MC_ROBOTS_READY;
			}
			mc_request_free(r);
		}
		goto out;
	}
	e->stats->bytes += (long)t->body.len;
	/* robots.txt: 4xx means allow all, except 429, which like 5xx means
	 * "unreachable" (retried, then disallow all). */
	if (is_retry_code(e->o, status) && !(r->is_robots && status < 500 && status != 429)) {
		e->stats->status[status]++;
		retry_or_fail(e, r, r->is_robots ? "robots_5xx" : http_cause(status), status,
			      retry_after_s(t->headers.data), NULL);
		goto out;
	}
	if (status > 0 && status < 600)
		e->stats->status[status]++;
	if (r->is_robots) {
		if (status >= 500) {
			retry_or_fail(e, r, "robots_5xx", status, retry_after_s(t->headers.data), NULL);
			goto out;
		}
		robots_done(e, r, status, t->body.data ? t->body.data : "", t->body.len);
		goto out;
	}
	if (status >= 300 && status < 400) {
		follow_redirect(e, r, eff, easy, status);
		goto out;
	}
	if (r->is_sitemap && status >= 200 && status < 300) {
		sitemap_done(e, r, t->body.data ? t->body.data : "", t->body.len);
		mc_request_free(r);
		goto out;
	}
	if (status < 200 || status >= 300) {
		/* 404 and 410 are answers ("the page is gone"); the rest lost a page. */
		const char *what = label_of(r, label);
		mc_stats_error(e->stats, what, http_cause(status), status,
			       status == 404 || status == 410 ? MC_END_GONE : MC_END_FAILED);
		mc_info("HTTP %ld: %s", status, what);
		mc_request_free(r);
		goto out;
	}
	size_t len = t->body.len;
	char *body = mc_buf_detach(&t->body, NULL);
	deliver(e, r, status, eff ? eff : r->url, mc_buf_detach(&t->headers, NULL), body, len, ctype);
out:
	curl_easy_cleanup(easy);
	transfer_free(t);
}

/* ---- responses ---------------------------------------------------------- */

/* `marketcrawl parse`: one line about a request a callback follows, after
 * the filters a crawl would apply (it then counts as seen, as in a crawl). */
static void print_follow(struct engine *e, const char *url, mc_parse_fn cb,
			 const struct mc_request_spec *spec, int depth, bool dont_filter)
{
	const char *dropped = filter(e, url, spec, depth, dont_filter);
	const char *name = mc_spider_callback_name(e->o->spider, cb);

	fprintf(e->o->follows_out, "follow %s %s %s", mc_method_name(spec ? spec->method : MC_GET),
		url, name ? name : "(unnamed callback)");
	if (spec && spec->body_len)
		fprintf(e->o->follows_out, " (%zu-byte body)", spec->body_len);
	if (dropped)
		fprintf(e->o->follows_out, " (dropped: %s)", dropped);
	fputc('\n', e->o->follows_out);
}

/* Apply what a parse callback produced, then free the response. */
static void finish_response(struct engine *e, struct mc_response *res)
{
	struct mc_stats *s = e->stats;

	s->responses++;
	s->invalid_utf8 += res->invalid_utf8;
	s->items += res->items_ok;
	s->bad_links += res->bad_links;
	for (int i = 0; i < res->drop_kinds; i++)
		mc_named_add(&s->dropped, res->drops[i].reason, res->drops[i].count);
	if (res->items.len) {
		if (e->o->items_out)
			fwrite(res->items.data, 1, res->items.len, e->o->items_out);
		else if (!e->write_failed && mc_staging_write(e->writer, res->items.data, res->items.len) != 0)
			e->write_failed = true;
	}
	struct mc_rcstr *referer = res->follows ? mc_rcstr_new(res->url) : NULL;
	for (struct mc_followed *f = res->follows; f; f = f->next) {
		char *url = f->url;
		struct mc_request_spec *spec = f->spec;
		f->url = NULL;
		f->spec = NULL;
		if (e->o->follows_out) {
			print_follow(e, url, f->cb, spec, res->depth + 1, f->dont_filter);
			free(url);
			mc_request_spec_free(spec);
			continue;
		}
		add_request(e, url, f->cb, f->data, spec, referer, res->depth + 1, f->priority,
			    f->dont_filter, 0);
	}
	mc_rcstr_unref(referer);
	mc_response_release(res);
	free(res);
}

static void deliver(struct engine *e, struct mc_request *r, long status, const char *url,
		    char *headers, char *body, size_t len, const char *content_type)
{
	struct mc_response *res = mc_malloc(sizeof *res);

	mc_response_init(res, e->o->spider);
	res->region = e->o->region;
	res->url = mc_url_normalize(url, NULL);
	if (!res->url)
		res->url = mc_strdup(r->url);
	res->status = status;
	res->depth = r->depth;
	res->data = r->data;
	r->data = NULL;
	res->headers = headers;
	res->raw = body;
	res->raw_len = len;
	res->content_type = content_type ? mc_strdup(content_type) : NULL;
	if (e->o->observed_at)
		snprintf(res->observed_at, sizeof res->observed_at, "%s", e->o->observed_at);
	else
		utc_now(res->observed_at, sizeof res->observed_at, false);
	mc_parse_fn cb = r->cb;
	mc_request_free(r);
	if (e->pool) {
		e->parsing++;
		mc_parse_pool_submit(e->pool, res, cb);
		return;
	}
	mc_response_run(res, cb);
	mc_response_release_parse(res);
	finish_response(e, res);
}

static void drain_pool(struct engine *e)
{
	struct mc_response *res;

	if (!e->pool)
		return;
	for (res = mc_parse_pool_take(e->pool); res; res = mc_parse_pool_take(e->pool)) {
		e->parsing--;
		finish_response(e, res);
	}
}

/* ---- the loop ----------------------------------------------------------- */

static bool work_left(struct engine *e)
{
	if (e->active || e->parsing)
		return true;
	if (e->stop_scheduling)
		return false;
	if (e->delayed.n)
		return true;
	for (struct mc_host *h = e->hosts.list; h; h = h->next_in_list)
		if (h->queue.count || h->robots_req)
			return true;
	return false;
}

static int poll_timeout_ms(struct engine *e)
{
	double now = mc_now(), wake = now + POLL_MAX_MS / 1000.0;
	struct mc_request *d = mc_heap_peek(&e->delayed);

	if (d && d->not_before < wake)
		wake = d->not_before;
	/* With every slot taken only a finished transfer or parse (which
	 * wakes the poll) can let work start: no need to look at hosts. */
	if (e->active + e->parsing >= e->o->concurrency)
		return wake <= now ? 0 : (int)((wake - now) * 1000.0) + 1;
	for (struct mc_host *h = e->hosts.list; h; h = h->next_in_list)
		if ((h->queue.count || h->robots_req) && h->active < h->per_host && h->next_ok < wake)
			wake = h->next_ok;
	if (e->proxies.n) {
		double ready = mc_proxy_next_ready(&e->proxies, now);
		if (ready > 0 && ready < wake)
			wake = ready;
	}
	return wake <= now ? 0 : (int)((wake - now) * 1000.0) + 1;
}

static void progress(struct engine *e, bool final)
{
	double now = mc_now();

	if (!e->o->progress)
		return;
	if (!final && now - e->last_progress < 0.5)
		return;
	e->last_progress = now;
	double el = now - e->stats->started;
	fprintf(stderr, "\r%s: %ld pages, %ld items, %ld queued, %d active, %.0f pages/s   %s",
		e->o->spider->name, e->stats->responses, e->stats->items, e->queued, e->active,
		el > 0 ? e->stats->responses / el : 0.0, final ? "\n" : "");
}

static void abort_in_flight(struct engine *e)
{
	while (e->in_flight) {
		struct transfer *t = e->in_flight;
		unlink_transfer(e, t);
		curl_multi_remove_handle(e->multi, t->easy);
		curl_easy_cleanup(t->easy);
		t->req->host->active--;
		if (t->proxy)
			mc_proxy_cancel(t->proxy);
		char label[LABEL_MAX];
		mc_stats_error(e->stats, label_of(t->req, label), "aborted", 0, MC_END_STOPPED);
		e->stats->not_made += !t->req->is_robots;
		mc_request_free(t->req);
		transfer_free(t);
	}
	e->active = 0;
}

/* --max-time: the whole run's time is up. */
static bool time_up(const struct engine *e)
{
	return e->o->max_time_s > 0 && mc_now() - e->stats->started >= e->o->max_time_s;
}

static void run_loop(struct engine *e)
{
	double stop_deadline = 0;

	while (work_left(e)) {
		int running;
		CURLMsg *m;
		int left;

		/* A signal or the time limit: stop scheduling, then give the
		 * transfers in flight the stop grace. */
		if (!stop_deadline && (signals_seen || time_up(e))) {
			stop(e, signals_seen ? STOP_SIGNAL : STOP_TIME);
			stop_deadline = mc_now() + e->o->stop_grace_ms / 1000.0;
			if (signals_seen)
				mc_warn("stopping: finishing %d transfer(s) in flight", e->active);
			else
				mc_warn("--max-time %d s reached: finishing %d transfer(s) in flight",
					e->o->max_time_s, e->active);
		}
		if (stop_deadline && mc_now() > stop_deadline && e->active) {
			abort_in_flight(e);
		}
		if (e->write_failed)
			stop(e, STOP_WRITE);
		schedule(e);
		curl_multi_perform(e->multi, &running);
		for (m = curl_multi_info_read(e->multi, &left); m; m = curl_multi_info_read(e->multi, &left))
			if (m->msg == CURLMSG_DONE)
				transfer_done(e, m->easy_handle, m->data.result);
		drain_pool(e);
		progress(e, false);
		if (!work_left(e))
			break;
		schedule(e);
		if (e->active)
			curl_multi_poll(e->multi, NULL, 0, poll_timeout_ms(e), NULL);
		else if (e->parsing)
			mc_parse_pool_wait(e->pool, poll_timeout_ms(e));
		else {
			int ms = poll_timeout_ms(e);
			if (ms > 0)
				usleep((useconds_t)ms * 1000);
		}
	}
	progress(e, true);
}

/* ---- setup and the run record ------------------------------------------- */

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

const char *mc_run_status_name(enum mc_run_status status)
{
	static const char *const names[] = {"complete", "partial", "aborted", "suspect", "failed"};

	return names[status];
}

static json_t *run_record(const struct mc_crawl_opts *o, const struct mc_crawl_result *r,
			  const char *started_at)
{
	char finished[40];
	json_t *rec, *rest;

	utc_now(finished, sizeof finished, false);
	/* The region, when the run has one, right after the spider. */
	rec = json_pack("{s:s}", "spider", o->spider->name);
	if (o->region)
		json_object_set_new(rec, "region", json_string(o->region->code));
	rest = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "run_id", r->run_id,
			 "started_at", started_at, "finished_at", finished, "status",
			 mc_run_status_name(r->status), "scope",
			 o->spider->scope == MC_SCOPE_FULL ? "full" : "partial", "pages",
			 (json_int_t)r->stats.responses, "items", (json_int_t)r->stats.items, "errors",
			 (json_int_t)mc_named_total(&r->stats.errors));
	json_object_update(rec, rest);
	json_decref(rest);
	if (r->status == MC_RUN_PARTIAL)
		json_object_set_new(rec, "partial_reason", json_string(r->reason));
	else if (r->status == MC_RUN_SUSPECT)
		json_object_set_new(rec, "suspect_reason", json_string(r->reason));
	json_object_set_new(rec, "stats", mc_stats_json(&r->stats));
	return rec;
}

/* One of the spider's own start or sitemap URLs, moved to o->origin when
 * set: a new normalised URL, or NULL when it is not a valid one. */
static char *own_url(const struct mc_crawl_opts *o, const char *url)
{
	char *n = mc_url_normalize(url, NULL), *moved;

	if (!n || !o->origin)
		return n;
	moved = mc_asprintf("%s%s", o->origin, n + origin_len(n));
	free(n);
	n = mc_url_normalize(moved, NULL);
	free(moved);
	return n;
}

/* The spider's own start URLs: its region's, when the region has some. */
static const char *const *own_start_urls(const struct mc_crawl_opts *o)
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
	const char *const *urls = o->start_urls ? o->start_urls : own_start_urls(o);
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
		add_request(e, url, cb, so ? so->data : NULL, spec, NULL, 0, so ? so->priority : 0,
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
		add_sitemap(e, url, 0);
	}
}

/* Page requests still waiting when the loop ended (it stopped early). */
static long requests_waiting(const struct engine *e)
{
	long n = e->queued;

	for (size_t i = 0; i < e->delayed.n; i++)
		n += !e->delayed.v[i]->is_robots;
	return n;
}

/* Append to r->reason, "; " between parts, cut to fit. */
static void add_reason(struct mc_crawl_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_reason(struct mc_crawl_result *r, const char *fmt, ...)
{
	size_t len = strlen(r->reason);
	va_list ap;

	if (len)
		len += (size_t)snprintf(r->reason + len, sizeof r->reason - len, "; ");
	if (len + 1 >= sizeof r->reason)
		return;
	va_start(ap, fmt);
	vsnprintf(r->reason + len, sizeof r->reason - len, fmt, ap);
	va_end(ap);
}

static bool given(const char *const *urls)
{
	return urls && *urls;
}

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

/* A host rule's max-pages left pages undone: name the first such host. */
static void host_limit_reason(const struct engine *e, struct mc_crawl_result *r)
{
	const struct mc_host *first = NULL;
	int others = 0;

	if (e->stats->host_limited == 0)
		return;
	for (const struct mc_host *h = e->hosts.list; h; h = h->next_in_list) {
		if (!h->not_made)
			continue;
		others += first != NULL;
		first = h;
	}
	add_reason(r, "max-pages %d of host rule '%s' reached for %s with %ld request%s not made%s",
		   first->max_pages, first->rule->text, first->origin, first->not_made,
		   plural(first->not_made), others ? " (and other hosts)" : "");
}

/* Why the run did not see its whole frontier (docs/crawling.md, "Run
 * status"); r->reason stays empty when it did. */
static void partial_reasons(const struct engine *e, struct mc_crawl_result *r)
{
	const struct mc_crawl_opts *o = e->o;
	const struct mc_stats *s = e->stats;
	/* URLs given by the caller change what a spider with URLs of its own
	 * walks; a spider without any (schemaorg) is meant to be given them. */
	bool own = given(own_start_urls(o)) || given(o->spider->sitemap_urls),
	     starts = own && given(o->start_urls), sitemaps = own && given(o->sitemap_urls);

	long cut = s->not_made - s->host_limited; /* not made for a run-wide reason */

	if (cut > 0 && e->stopped_by == STOP_PAGES) {
		if (o->max_pages == o->spider->settings.max_pages)
			add_reason(r, "the spider's max_pages %d reached with %ld request%s not made",
				   o->max_pages, cut, plural(cut));
		else
			add_reason(r, "--max-pages %d reached with %ld request%s not made", o->max_pages,
				   cut, plural(cut));
	}
	if (cut > 0 && e->stopped_by == STOP_TIME)
		add_reason(r, "--max-time %d reached with %ld request%s not made", o->max_time_s,
			   cut, plural(cut));
	host_limit_reason(e, r);
	if (starts || sitemaps)
		add_reason(r, "%s given on the command line",
			   starts && sitemaps ? "start and sitemap URLs" : starts ? "start URLs" : "sitemap URLs");
	if (s->depth_limited_by_option > 0)
		add_reason(r, "--max-depth %d dropped %ld link%s the spider would follow", o->max_depth,
			   s->depth_limited_by_option, plural(s->depth_limited_by_option));
	if (s->failed > 0)
		add_reason(r, "%ld request%s failed for good (first: %s)", s->failed, plural(s->failed),
			   s->first_failure);
}

/* A run that reached no spider callback: say what stood in the way. */
static void failed_reason(const struct engine *e, struct mc_crawl_result *r)
{
	const struct mc_stats *s = e->stats;

	if (s->first_error[0])
		add_reason(r, "nothing could be fetched (first failure: %s)", s->first_error);
	else if (s->robots_denied > 0)
		add_reason(r, "nothing could be fetched (robots.txt denied all %ld page%s)",
			   s->robots_denied, plural(s->robots_denied));
	else if (s->requests == 0 && s->offsite > 0)
		add_reason(r, "nothing could be fetched (every start URL is offsite: "
			      "--allow-domain adds a domain)");
	else if (s->requests == 0)
		add_reason(r, "nothing could be fetched (no valid start URL)");
	else
		add_reason(r, "nothing could be fetched (no page reached the spider)");
}

/* The status of a finished run, before the health check:
 * aborted > failed > partial > complete. */
static void decide_status(const struct engine *e, struct mc_crawl_result *r)
{
	if (e->write_failed) {
		r->status = MC_RUN_FAILED;
		add_reason(r, "the staging file could not be written");
	} else if (signals_seen) {
		r->status = MC_RUN_ABORTED;
	} else if (e->stats->responses == 0) {
		r->status = MC_RUN_FAILED;
		failed_reason(e, r);
	} else {
		partial_reasons(e, r);
		r->status = r->reason[0] ? MC_RUN_PARTIAL : MC_RUN_COMPLETE;
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
	const char *const *lists[] = {o->spider->settings.host_rules, o->host_rules};
	const char *own[] = {o->spider->settings.proxy, NULL};
	const char *const *proxies = o->proxies ? o->proxies : own;
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
	if (o->replay || !proxies[0])
		return true;
	mc_proxy_pool_init(&e->proxies, proxies, o->per_proxy, o->proxy_delay_ms);
	e->no_proxy = o->no_proxy ? o->no_proxy : getenv("no_proxy") ? getenv("no_proxy") :
		      getenv("NO_PROXY");
	mc_info("through %zu prox%s, first %s", e->proxies.n, e->proxies.n == 1 ? "y" : "ies",
		e->proxies.v[0].shown);
	return true;
}

/* libcurl's own limit on connections to one host: above ours, so it never
 * queues a transfer we started (through a proxy, every connection goes to
 * the proxy's host). */
static long curl_host_connections(const struct engine *e)
{
	long n = e->o->per_host;

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

	drain_pool(e);
	mc_parse_pool_free(e->pool);
	if (e->active)
		abort_in_flight(e);
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
	mc_regex_cache_clear();
	mc_page_arena_release();
}

enum mc_run_status mc_crawl_run(const struct mc_crawl_opts *o, struct mc_crawl_result *r)
{
	struct engine e;
	struct sigaction sa, old_int, old_term;
	char started_at[40], why[600], state_name[128];
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
	e.domains = (const char *const *)e.domain_list;
	mc_host_table_init(&e.hosts);
	e.seen = mc_seen_new();
	/* The robots.txt product token: the User-Agent up to '/' or space. */
	snprintf(e.robots_agent, sizeof e.robots_agent, "%.*s",
		 (int)strcspn(o->user_agent, "/ "), o->user_agent);
	utc_now(started_at, sizeof started_at, false);
	{
		char compact[32];
		utc_now(compact, sizeof compact, true);
		snprintf(r->run_id, sizeof r->run_id, "%s-%d", compact, (int)getpid());
	}
	r->status = MC_RUN_FAILED;
	if (!check_requests(o, why, sizeof why)) {
		add_reason(r, "spider %s: %s", o->spider->name, why);
		goto out;
	}
	if (!setup_policies(&e, why, sizeof why)) {
		add_reason(r, "%s", why);
		goto out;
	}
	setup_requests(&e);
	if (!o->replay) {
		e.multi = curl_multi_init();
		curl_multi_setopt(e.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
		curl_multi_setopt(e.multi, CURLMOPT_MAX_HOST_CONNECTIONS, curl_host_connections(&e));
		curl_multi_setopt(e.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o->concurrency);
	}
	if (o->workers > 0)
		e.pool = mc_parse_pool_new(o->workers, e.multi);
	if (!o->items_out) {
		e.writer = mc_staging_open(o->staging_dir, o->spider->name, r->run_id, started_at);
		if (!e.writer) {
			add_reason(r, "the staging file could not be created");
			goto out;
		}
	}
	signals_seen = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	seed(&e);
	run_loop(&e);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	r->stats.not_made += requests_waiting(&e);
	note_policies(&e);
	mc_stats_finish(&r->stats);

	decide_status(&e, r);
	if (r->status == MC_RUN_COMPLETE && o->state_dir &&
	    mc_health_judge(o->state_dir, health_name(o, state_name, sizeof state_name),
			    o->spider->scope, r->stats.items,
			    mc_named_total(&r->stats.dropped), o->min_item_ratio, o->max_drop_ratio,
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
	if (r->status == MC_RUN_COMPLETE && o->state_dir)
		mc_health_prepare(o->state_dir, health_name(o, state_name, sizeof state_name),
				  o->spider->scope, r->run_id,
				  r->stats.items, mc_named_total(&r->stats.dropped), &health);
	if (e.writer) {
		rec = run_record(o, r, started_at);
		int frc = mc_staging_finish(e.writer, rec, &r->staging_path);
		e.writer = NULL;
		json_decref(rec);
		if (frc != 0) {
			r->status = MC_RUN_FAILED;
			r->reason[0] = '\0';
			add_reason(r, "the staging file could not be written");
			mc_health_discard(&health);
			goto out;
		}
	}
	mc_health_commit(&health);
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
	o->concurrency = s->concurrency > 0 ? s->concurrency : 16;
	o->per_host = s->per_host > 0 ? s->per_host : 2;
	o->delay_ms = s->delay_ms > 0 ? s->delay_ms : 250;
	o->jitter_pct = 50;
	o->max_pages = s->max_pages;
	o->max_depth = s->max_depth > 0 ? s->max_depth : -1;
	o->max_retries = 3;
	o->workers = 0;
	o->max_bytes = 10L * 1024 * 1024;
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 60000;
	o->low_speed_bytes = 100;
	o->low_speed_secs = 30;
	o->max_retry_after_ms = 120000;
	o->stop_grace_ms = 10000;
	o->obey_robots = true;
	o->obey_crawl_delay = true;
	o->user_agent = s->user_agent ? s->user_agent :
					"marketcrawl/0.1 (+https://github.com/marketcrawl/marketcrawl)";
	memcpy(o->retry_codes, retry, sizeof retry);
	o->n_retry_codes = (int)(sizeof retry / sizeof retry[0]);
	o->min_item_ratio = s->min_item_ratio > 0 ? s->min_item_ratio : 0.5;
	o->max_drop_ratio = 0.2;
	o->per_proxy = 4;
	o->proxy_delay_ms = 0;
}

int mc_crawl_parse_retry_codes(struct mc_crawl_opts *o, const char *list)
{
	const char *p = list;

	o->n_retry_codes = 0;
	while (*p) {
		char *end;
		long code = strtol(p, &end, 10);
		if (end == p || code < 100 || code > 599 || o->n_retry_codes >= MC_RETRY_CODES_MAX)
			return -1;
		o->retry_codes[o->n_retry_codes++] = (int)code;
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return 0;
}
