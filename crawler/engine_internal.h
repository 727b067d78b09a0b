/*
 * What the files of the engine share and nobody else sees: `struct engine`
 * (the state of one run) and the few functions its parts call on each
 * other, each named mc_engine_* and defined in the file of its job:
 *
 *   engine.c          the event loop, signals and small shared helpers
 *   frontier.c        filters, host queues and the scheduler
 *   transfer.c        libcurl easy/multi transfers, replay, proxy failures
 *   headers.c         the headers and cookies requests send, the cookie jar
 *   retry.c           the retry policy: causes, back-off, Retry-After
 *   redirect.c        following 3xx answers of pages and sitemaps
 *   robots_sitemaps.c robots.txt and sitemaps in a crawl
 *   autothrottle.c    a host's delay as its latency and answers change
 *   deliver.c         responses to callbacks, their output back in
 *   run.c             mc_crawl_run: setup, seeding, release, defaults
 *   run_status.c      how a run ended: status, reasons, run record
 *
 * Everything here runs on the event-loop thread only (parse callbacks on
 * the parser pool never see `struct engine`).
 */
#ifndef MC_ENGINE_INTERNAL_H
#define MC_ENGINE_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>
#include <jansson.h>

#include "crawler/engine.h"
#include "crawler/host.h"
#include "crawler/host_rule.h"
#include "crawler/parse_pool.h"
#include "crawler/proxy.h"
#include "crawler/request.h"
#include "crawler/seen.h"
#include "crawler/staging_writer.h"

/* Room for a request's name in messages: "METHOD URL (N-byte body)". */
#define LABEL_MAX 2200

/* Why scheduling stopped before the frontier ran out. */
enum stop_cause { STOP_NONE, STOP_PAGES, STOP_TIME, STOP_SIGNAL, STOP_WRITE };

struct transfer; /* one libcurl transfer in flight (transfer.c) */

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
	long sitemaps_queued; /* sitemap requests made, against caps.sitemaps */
	bool sitemap_cap_said; /* the first sitemap a cap dropped was named */
	bool sitemap_urls_cap_said; /* caps.sitemap_urls was said */
	/* Origins of the start and sitemap URLs: they may be private
	 * addresses (owned strings). */
	char **private_origins;
	size_t n_private_origins;
	bool env_proxy;       /* libcurl may take a proxy from the environment */
	bool private_said;    /* the first refused private address was named */
	bool stop_scheduling;
	enum stop_cause stopped_by; /* the first reason scheduling stopped */
	bool write_failed;
	unsigned int rng;
	double last_progress;
};

/* ---- engine.c: the loop and small helpers -------------------------------- */

/* SIGINT/SIGTERM seen during the run (the first stops scheduling, a second
 * one exits at once); mc_crawl_run resets it and installs the handler. */
extern volatile sig_atomic_t mc_engine_signals_seen;
void mc_engine_on_signal(int sig);
/* Run the loop until no work is left or the run stopped. */
void mc_engine_run_loop(struct engine *e);
/* A random number in [0, 1) from the run's generator. */
double mc_engine_rand01(struct engine *e);
/* The current UTC time: RFC 3339 with milliseconds, or (compact) the
 * run id's "YYYYMMDDTHHMMSSZ". */
void mc_engine_utc_now(char *out, size_t outsz, bool compact);
/* Stop scheduling (once; the first cause is the one reported). */
void mc_engine_stop(struct engine *e, enum stop_cause why);
/* A request's name in messages (mc_request_label), written into `buf`. */
const char *mc_engine_label(const struct mc_request *r, char buf[LABEL_MAX]);

/* ---- frontier.c ------------------------------------------------------------ */

/* True when `url` (normalised) is outside the run's allowed domains. */
bool mc_engine_offsite(struct engine *e, const char *url);
/* Private addresses (docs/crawling.md, "Private addresses"): the origin
 * of `url` (a start or sitemap URL) may be one; whether `url` may reach
 * one (--allow-private, an allowed domain, or such an origin); and a
 * request refused for `addr`, counted and (the first) named. */
void mc_engine_allow_private_origin(struct engine *e, const char *url);
bool mc_engine_private_allowed(const struct engine *e, const char *url);
void mc_engine_private_refused(struct engine *e, const char *url, const char *addr);
/* Put `r` in its host's queue (its spec waits in e->specs). */
void mc_engine_queue_push(struct engine *e, struct mc_host *h, struct mc_request *r);
/* Queue `r` on its host, creating the host's robots.txt request first. */
void mc_engine_enqueue(struct engine *e, struct mc_request *r);
/* The duplicate, offsite and depth filters: NULL when the request may be
 * made (it is then in the seen-set), else why not. */
const char *mc_engine_filter(struct engine *e, const char *url, const struct mc_request_spec *spec,
			     int depth, bool dont_filter);
/* The filters, then enqueue.  Takes `url` and `spec`. */
void mc_engine_add_request(struct engine *e, char *url, mc_parse_fn cb, const char *data,
			   struct mc_request_spec *spec, struct mc_rcstr *referer, int depth,
			   int priority, bool dont_filter, int redirects);
/* Start what the limits allow now. */
void mc_engine_schedule(struct engine *e);

/* ---- transfer.c ------------------------------------------------------------ */

/* Send `r` (through proxy `px`, or NULL), or answer it from the replay. */
void mc_engine_start_transfer(struct engine *e, struct mc_request *r, struct mc_proxy *px);
/* A transfer libcurl finished with `rc`: retry, follow, or deliver it. */
void mc_engine_transfer_done(struct engine *e, CURL *easy, CURLcode rc);
/* Drop every transfer in flight (the stop grace is over, or release). */
void mc_engine_abort_in_flight(struct engine *e);

/* ---- headers.c ------------------------------------------------------------- */

/* The run's headers and cookies (spider, then region) and its cookie jar. */
void mc_engine_setup_requests(struct engine *e);
/* A request with a spec: its header list and cookie line (new, owned by
 * the caller). */
struct curl_slist *mc_engine_spec_headers(const struct engine *e,
					  const struct mc_request_spec *spec);
char *mc_engine_spec_cookies(const struct engine *e, const struct mc_request_spec *spec);

/* ---- retry.c: the retry policy --------------------------------------------- */

/* Whether `status` is one of the run's retry codes. */
bool mc_engine_is_retry_code(const struct mc_crawl_opts *o, long status);
/* Seconds from a Retry-After header value (delta or HTTP-date), or -1. */
double mc_engine_retry_after_s(const char *headers);
/* The error cause of a final HTTP status that is not 2xx or 3xx. */
const char *mc_engine_http_cause(long status);
/* The error cause of a failed transfer, and whether it deserves a retry. */
const char *mc_engine_curl_cause(CURLcode rc, bool too_large, bool *retryable);
/* Retry `r` later, or give up and count it.  `status` is the HTTP status
 * of the attempt, 0 for none; `named` names it in messages (NULL: its
 * label).  Takes ownership of `r`. */
void mc_engine_retry_or_fail(struct engine *e, struct mc_request *r, const char *cause,
			     long status, double retry_after, const char *named);
/* Retries whose time has come back into their host queues. */
void mc_engine_promote_due_retries(struct engine *e, double now);

/* ---- redirect.c, robots_sitemaps.c, autothrottle.c -------------------------- */

/* A 3xx with Location: queue the target as a new request.  Takes `r`. */
void mc_engine_follow_redirect(struct engine *e, struct mc_request *r, const char *effective,
			       CURL *easy, long status);
/* Queue a sitemap (or robots.txt to read Sitemap: lines from).  Takes `url`. */
void mc_engine_add_sitemap(struct engine *e, char *url, int depth);
/* A fetched sitemap's locs into the frontier.  Does not free `r`. */
void mc_engine_sitemap_done(struct engine *e, struct mc_request *r, const char *body, size_t len);
/* A host's robots.txt answer: its rules and Crawl-delay.  Takes `r`. */
void mc_engine_robots_done(struct engine *e, struct mc_request *r, long status, const char *body,
			   size_t len);
/* Record a host's delay in the stats' max_delay_ms. */
void mc_engine_note_delay(struct engine *e, const struct mc_host *h);
/* Adjust a host's delay from a response's latency and status. */
void mc_engine_autothrottle(struct engine *e, struct mc_host *h, double latency, long status);

/* ---- deliver.c ------------------------------------------------------------- */

/* Hand a 2xx response to `r`'s callback (here or on the parser pool).
 * Takes `r`, `headers` and `body`. */
void mc_engine_deliver(struct engine *e, struct mc_request *r, long status, const char *url,
		       char *headers, char *body, size_t len, const char *content_type);
/* Apply what the parser pool finished. */
void mc_engine_drain_pool(struct engine *e);

/* ---- run.c, run_status.c --------------------------------------------------- */

/* The spider's own start URLs: its region's, when the region has some. */
const char *const *mc_engine_own_start_urls(const struct mc_crawl_opts *o);
/* Append to r->reason, "; " between parts, cut to fit. */
void mc_engine_add_reason(struct mc_crawl_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Page requests still waiting when the loop ended (it stopped early). */
long mc_engine_requests_waiting(const struct engine *e);
/* The status of a finished run, before the health check:
 * aborted > failed > partial > complete. */
void mc_engine_decide_status(const struct engine *e, struct mc_crawl_result *r);
/* The run record that ends the staging file (a new reference). */
json_t *mc_engine_run_record(const struct mc_crawl_opts *o, const struct mc_crawl_result *r,
			     const char *started_at);

#endif
