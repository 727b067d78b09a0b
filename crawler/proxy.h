/*
 * The run's proxies (`--proxy`, `--proxy-list`, the spider's `proxy`
 * setting): reading and checking proxy URLs, showing them without their
 * credentials, and the pool that spreads requests over them.  Each proxy
 * has its own politeness (requests in flight, a gap between requests) and
 * a failure back-off: a proxy that failed is benched for 1 s, doubling
 * with each failure in a row up to 60 s; a success ends the streak
 * (docs/crawling.md, "Proxies").  A proxy URL is only ever shown through
 * mc_proxy_mask: "user:pass@" becomes "***@", in logs, stats, the run
 * record and error messages alike.  Used from the event-loop thread only.
 */
#ifndef MC_PROXY_H
#define MC_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#define MC_PROXY_SHOWN_MAX 256

struct mc_proxy {
	char *url;                      /* as given, credentials included (owned) */
	char shown[MC_PROXY_SHOWN_MAX]; /* mc_proxy_mask of url */
	int active;                     /* transfers in flight through it */
	double next_ok;                 /* monotonic time the next request may start */
	double benched_until;           /* monotonic; 0 = never benched */
	int streak;                     /* failures in a row */
	long requests, failures, benched;
};

struct mc_proxy_pool {
	struct mc_proxy *v;
	size_t n;
	int per_proxy; /* transfers in flight per proxy */
	double delay;  /* seconds between requests through one proxy */
};

/* `url` with any "user:pass@" (or "user@") replaced by "***@", into `out`
 * (always NUL-terminated; cut when too long). */
void mc_proxy_mask(const char *url, char *out, size_t outsz);
/* The credentials of every URL in `text` (a libcurl error message quoting
 * a proxy URL) masked in place, as mc_proxy_mask masks them. */
void mc_mask_credentials(char *text);
/*
 * Whether `url` is a proxy URL we accept: [SCHEME://][USER[:PASS]@]HOST[:PORT][/],
 * SCHEME one of http, https, socks4, socks4a, socks5, socks5h (default
 * http), PORT 1-65535.  False with `why` (showing the URL masked).
 */
bool mc_proxy_check(const char *url, char *why, size_t whysz);
/*
 * Read a proxy list: one proxy URL a line, '#' comments, blank lines and
 * surrounding spaces ignored.  Each URL is appended (copied) to the
 * NULL-terminated `*list` (grown with mc_realloc; the caller frees it and
 * its strings).  Returns 0, or -1 with `why` naming FILE:LINE (or the
 * file when it cannot be read, or has no proxy).
 */
int mc_proxy_list_read(const char *path, char ***list, char *why, size_t whysz);

/* A pool of the proxies in `urls` (NULL-terminated, copied). */
void mc_proxy_pool_init(struct mc_proxy_pool *p, const char *const *urls, int per_proxy,
			int delay_ms);
void mc_proxy_pool_release(struct mc_proxy_pool *p);
/*
 * The proxy the next request should use at `now`: of those not benched,
 * below their concurrency and past their delay, the one with the fewest
 * requests so far (the first in the list on a tie).  NULL when none is
 * usable now: the request waits.  Borrowed.
 */
struct mc_proxy *mc_proxy_pick(struct mc_proxy_pool *p, double now);
/* A request starts through `x`. */
void mc_proxy_start(struct mc_proxy_pool *p, struct mc_proxy *x, double now);
/*
 * A request through `x` ended; `failed` when the proxy itself failed.
 * Returns the seconds `x` is now benched for, or 0 when this did not bench
 * it (a success, or a failure of a transfer started before it was benched).
 */
double mc_proxy_done(struct mc_proxy *x, bool failed, double now);
/* A request through `x` that never reached it (not started, or aborted):
 * its slot is freed, and neither its streak nor its counts change. */
void mc_proxy_cancel(struct mc_proxy *x);
/* The earliest time after `now` a proxy may become usable, or 0 if none. */
double mc_proxy_next_ready(const struct mc_proxy_pool *p, double now);
/*
 * Whether `host` (lower-case, no port) is in the no_proxy list `list`
 * (curl's rules: comma-separated names, '*' alone for every host, a name
 * matches itself and its subdomains, a leading '.' is ignored).
 */
bool mc_no_proxy_match(const char *list, const char *host);

#endif
