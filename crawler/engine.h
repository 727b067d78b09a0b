/*
 * The crawl engine: one libcurl multi event loop that schedules requests
 * politely (global and per-host limits, delays, robots.txt), retries what
 * deserves it, hands 2xx responses to spider callbacks (inline or on a
 * small pool of parser threads), and streams accepted items into a staging
 * file.  Requests carry a method, body, headers and cookies; the spider's
 * (and its region's) headers and cookies go with every request, and one
 * cookie jar, shared by every transfer of the run, keeps what servers set.
 * Bodies and cookie values are never logged nor written anywhere.
 * Per-host rules (host_rule.h) give a host or domain its own delay,
 * concurrency and page budget; requests can go through a pool of proxies
 * (proxy.h) with per-proxy politeness and back-off, whose credentials are
 * never shown.  Used by the crawl, fetch, parse, check-spider and run
 * commands.
 */
#ifndef MC_ENGINE_H
#define MC_ENGINE_H

#include <stdbool.h>
#include <stdio.h>

#include "marketcrawl/spider.h"
#include "crawler/stats.h"

struct mc_replay;

#define MC_RETRY_CODES_MAX 16

/*
 * Caps that hold whatever a server sends (docs/crawling.md, "Caps on what
 * a server sends"): their defaults, far above what a real site needs, so
 * they only stop a hostile or broken one.  A run's own are in struct
 * mc_crawl_caps (the crawl options --max-page-memory and the like).
 */
/* Header and trailer bytes of one transfer (redirects libcurl follows
 * included); past it the transfer fails as headers_too_large. */
#define MC_HEADER_BYTES_MAX (256 * 1024)
/* Links one page may add to the frontier (mc_follow, mc_follow_all);
 * the rest are dropped and counted as links_capped. */
#define MC_FOLLOWS_PER_PAGE_MAX 20000
/* Sitemaps: a sitemap given to the run (or robots.txt) is at depth 0, each
 * one an index or robots.txt lists one deeper; deeper than this they are
 * not fetched.  At most MC_SITEMAPS_MAX sitemaps a run are fetched, at most
 * MC_SITEMAP_LOCS_MAX locs of each are read (the protocol's own limit),
 * and at most MC_SITEMAP_URLS_MAX page URLs a run are taken from them.
 * What the caps drop is counted as sitemaps_capped and sitemap_urls_capped;
 * --max-depth applies to sitemaps as to pages. */
#define MC_SITEMAP_DEPTH_MAX 3
#define MC_SITEMAPS_MAX 10000
#define MC_SITEMAP_LOCS_MAX 50000
#define MC_SITEMAP_URLS_MAX 1000000

/* A run's caps on what a server sends; mc_crawl_opts_defaults sets the
 * defaults above (and MC_PAGE_MEMORY_MAX, page_arena.h). */
struct mc_crawl_caps {
	size_t page_memory;   /* bytes to read one page (page_arena.h) */
	long header_bytes;    /* header and trailer bytes of one transfer */
	int follows_per_page; /* links one page may add */
	int sitemap_depth;    /* deepest sitemap read (0: only those given) */
	long sitemaps;        /* sitemaps fetched in a run */
	long sitemap_locs;    /* locs read from one sitemap */
	long sitemap_urls;    /* page URLs taken from sitemaps in a run */
};

/*
 * How a run behaves: politeness, limits, timeouts, robots.txt, proxies,
 * retries and the health thresholds.  mc_crawl_opts_defaults fills it.
 */
struct mc_crawl_policy {
	int concurrency;      /* transfers in flight, all hosts */
	int per_host;         /* transfers in flight per host */
	int delay_ms;         /* gap between requests to one host */
	int jitter_pct;       /* ± random share of delay_ms */
	int max_pages;        /* 0 = unlimited */
	int max_time_s;       /* whole run, then stop as after a signal; 0 = unlimited */
	int max_depth;        /* -1 = unlimited */
	int max_retries;
	int workers;          /* parser threads; 0 = parse on the event loop */
	long max_bytes;       /* per response body (decoded) */
	long connect_timeout_ms;
	long timeout_ms;
	long low_speed_bytes; /* abort when slower than this ... */
	long low_speed_secs;  /* ... for this long */
	long max_retry_after_ms;
	int stop_grace_ms;    /* after SIGINT/SIGTERM, wait this long for transfers */
	bool autothrottle;
	bool obey_robots;
	bool obey_crawl_delay;
	bool insecure;        /* no TLS certificate or host name checks */
	/* Reach private, loopback and link-local addresses on any host
	 * (--allow-private); without it only the origins of the start and
	 * sitemap URLs and the allowed domains may (docs/crawling.md,
	 * "Private addresses"). */
	bool allow_private;
	const char *user_agent;
	const char *ca_file;  /* PEM CA certificates to verify with; NULL = libcurl's bundle */
	/* Proxies (proxy.h, docs/crawling.md "Proxies"): every request goes
	 * through one of these, spread over them with per-proxy politeness and
	 * back-off.  NULL = the spider's `proxy` setting; with neither, libcurl
	 * reads http_proxy / https_proxy / no_proxy as usual. */
	const char *const *proxies;      /* NULL-terminated URLs */
	const char *no_proxy;            /* hosts fetched directly; NULL = $no_proxy */
	int per_proxy;                   /* transfers in flight per proxy */
	int proxy_delay_ms;              /* gap between requests through one proxy */
	/* --host-rule rules (host_rule.h), applied after the spider's own. */
	const char *const *host_rules;   /* NULL-terminated */
	int retry_codes[MC_RETRY_CODES_MAX];
	int n_retry_codes;
	double min_item_ratio; /* suspect when items < ratio × previous run */
	double max_drop_ratio; /* suspect when dropped/(items+dropped) > this */
	struct mc_crawl_caps caps;
};

/* Where a run's results go.  All borrowed. */
struct mc_crawl_outputs {
	const char *staging_dir;         /* directory of the staging file */
	FILE *items_out;                 /* write items here instead (no staging file) */
	/* `marketcrawl parse`: the requests callbacks follow are printed here,
	 * one line each, instead of being crawled; NULL = crawl them. */
	FILE *follows_out;
	const char *state_dir;           /* spider-health state; NULL = no health check */
	bool progress;                   /* a progress line on stderr */
};

/* How a caller plugs into a run besides settings: a pointer for its
 * callbacks, saved pages instead of the network and a fixed clock
 * (check-spider, tests).  All borrowed. */
struct mc_crawl_hooks {
	/* Handed to every callback of the run as mc_response_context (spider.h),
	 * on whichever thread it runs; NULL for ordinary crawls.  The engine
	 * never reads it. */
	void *context;
	const struct mc_replay *replay;  /* serve saved pages instead of the network */
	const char *observed_at;         /* fixed observed_at (replay), or NULL */
};

/* One crawl: what is crawled, then how, where results go, and hooks. */
struct mc_crawl_opts {
	const struct mc_spider *spider;
	/* Start and sitemap URLs given by the caller replace the spider's own;
	 * a run that uses them is partial (docs/crawling.md, "Run status"). */
	const char *const *start_urls;   /* NULL-terminated; NULL = the spider's */
	const char *const *sitemap_urls; /* NULL-terminated; NULL = the spider's */
	/* "scheme://host[:port]" (normalised) serving the spider's own start and
	 * sitemap URLs instead of theirs (a mirror, a test server); NULL = none.
	 * The run still reads the spider's whole start set. */
	const char *origin;
	const char *sitemap_filter;      /* NULL = the spider's */
	/* The region of the run (one of the spider's, or NULL): its start URLs,
	 * headers, cookies and currency, and the `region` of every item and of
	 * the run record.  mc_crawl_opts_defaults sets the spider's first. */
	const struct mc_region *region;
	mc_parse_fn start_cb;            /* callback of the start URLs; NULL = spider->parse */
	/* How the start URLs are requested; NULL = the region's, else the spider's start_opts. */
	const struct mc_follow_opts *start_opts;
	const char *const *extra_domains; /* added to allowed_domains; may be NULL */

	struct mc_crawl_policy policy;
	struct mc_crawl_outputs out;
	struct mc_crawl_hooks hooks;
};

/*
 * How a run ended (docs/crawling.md, "Run status").  When several apply:
 * aborted > failed > partial > suspect > complete.  A failed run writes no
 * staging file; the others name their status in the run record.
 */
enum mc_run_status {
	MC_RUN_COMPLETE, /* the whole frontier was crawled and nothing was lost */
	MC_RUN_PARTIAL,  /* a limit cut the frontier, pages were lost, or the start
			  * URLs were not the spider's own */
	MC_RUN_ABORTED,  /* stopped by SIGINT/SIGTERM */
	MC_RUN_SUSPECT,  /* complete, but far fewer (or far worse) items than before */
	MC_RUN_FAILED,   /* nothing could be fetched, or the file could not be written */
};

struct mc_crawl_result {
	enum mc_run_status status;
	char run_id[64];
	char *staging_path;   /* final .jsonl (caller frees), NULL when none */
	char reason[1024];    /* one line: why partial, suspect or failed; "" otherwise */
	struct mc_stats stats;
};

/* The status as the run record names it ("complete", "partial", ...;
 * "failed" for the run that writes no record). */
const char *mc_run_status_name(enum mc_run_status status);
/* The scope as the run record names it ("full" or "partial"). */
const char *mc_run_scope_name(enum mc_scope scope);

/* Polite defaults, then the spider's own settings on top. */
void mc_crawl_opts_defaults(struct mc_crawl_opts *o, const struct mc_spider *spider);
/*
 * A run over saved pages (check-spider, tests): the defaults, then
 * `replay` (borrowed) answering every request, one request at a time, no
 * delays, no retries, callbacks on the loop and a fixed observed_at, so
 * the same pages give the same items in the same order.
 */
void mc_crawl_opts_replay(struct mc_crawl_opts *o, const struct mc_spider *spider,
			  const struct mc_replay *replay);

/*
 * Parse a comma-separated list of HTTP codes into policy->retry_codes.
 * Returns 0 or -1 when a code is not 100..599 or there are too many.
 */
int mc_crawl_parse_retry_codes(struct mc_crawl_policy *policy, const char *list);

/*
 * Run one crawl.  Fills `r` (release with mc_crawl_result_release) and
 * returns r->status; the command line maps it to an exit status.  It
 * logs warnings as it goes but leaves the final one-line verdict
 * (r->reason) to the caller.  Installs SIGINT/SIGTERM handlers for its
 * duration: the first signal stops scheduling and finishes with an
 * "aborted" file, a second one exits at once leaving only the .part.
 */
enum mc_run_status mc_crawl_run(const struct mc_crawl_opts *o, struct mc_crawl_result *r);
void mc_crawl_result_release(struct mc_crawl_result *r);

#endif
