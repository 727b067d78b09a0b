/*
 * Crawl options (crawl_cli.h).  Options are parsed first and applied after
 * the spider is known, because a spider's own settings sit between the
 * engine defaults and the command line.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/crawl_cli.h"
#include "crawler/host_rule.h"
#include "base/alloc.h"
#include "base/log.h"
#include "marketcrawl/registry.h"
#include "crawler/url.h"
#include "crawler/proxy.h"

enum {
	OPT_OUT = 256, OPT_DATA_DIR, OPT_START_URL, OPT_ALLOW_DOMAIN, OPT_MAX_PAGES,
	OPT_MAX_DEPTH, OPT_CONCURRENCY, OPT_PER_HOST, OPT_DELAY, OPT_JITTER, OPT_AUTOTHROTTLE,
	OPT_RETRIES, OPT_RETRY_CODES, OPT_MAX_BYTES, OPT_CONNECT_TIMEOUT, OPT_TIMEOUT,
	OPT_LOW_SPEED_LIMIT, OPT_LOW_SPEED_TIME, OPT_MAX_RETRY_AFTER, OPT_WORKERS, OPT_USER_AGENT,
	OPT_INSECURE, OPT_ALLOW_PRIVATE, OPT_NO_ROBOTS, OPT_OBEY_CRAWL_DELAY, OPT_NO_CRAWL_DELAY, OPT_MIN_ITEM_RATIO,
	OPT_MAX_DROP_RATIO, OPT_NO_HEALTH, OPT_LOG_LEVEL, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_FAST,
	OPT_STOP_GRACE, OPT_DB, OPT_HELP, OPT_SITEMAP, OPT_SITEMAP_FILTER, OPT_CA_FILE, OPT_MAX_TIME,
	OPT_ORIGIN, OPT_REGION, OPT_PROXY, OPT_PROXY_LIST, OPT_NO_PROXY, OPT_PER_PROXY,
	OPT_PROXY_DELAY, OPT_HOST_RULE, OPT_MAX_PAGE_MEMORY, OPT_MAX_LINKS_PER_PAGE,
	OPT_MAX_HEADER_BYTES, OPT_MAX_SITEMAP_DEPTH, OPT_MAX_SITEMAPS, OPT_MAX_SITEMAP_LOCS,
	OPT_MAX_SITEMAP_URLS,
};

static const struct option long_opts[] = {
	{"out", required_argument, NULL, OPT_OUT},
	{"data-dir", required_argument, NULL, OPT_DATA_DIR},
	{"start-url", required_argument, NULL, OPT_START_URL},
	{"allow-domain", required_argument, NULL, OPT_ALLOW_DOMAIN},
	{"max-pages", required_argument, NULL, OPT_MAX_PAGES},
	{"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
	{"max-time", required_argument, NULL, OPT_MAX_TIME},
	{"origin", required_argument, NULL, OPT_ORIGIN},
	{"region", required_argument, NULL, OPT_REGION},
	{"concurrency", required_argument, NULL, OPT_CONCURRENCY},
	{"per-host", required_argument, NULL, OPT_PER_HOST},
	{"delay", required_argument, NULL, OPT_DELAY},
	{"jitter", required_argument, NULL, OPT_JITTER},
	{"autothrottle", no_argument, NULL, OPT_AUTOTHROTTLE},
	{"retries", required_argument, NULL, OPT_RETRIES},
	{"retry-codes", required_argument, NULL, OPT_RETRY_CODES},
	{"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
	{"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"low-speed-limit", required_argument, NULL, OPT_LOW_SPEED_LIMIT},
	{"low-speed-time", required_argument, NULL, OPT_LOW_SPEED_TIME},
	{"max-retry-after", required_argument, NULL, OPT_MAX_RETRY_AFTER},
	{"workers", required_argument, NULL, OPT_WORKERS},
	{"user-agent", required_argument, NULL, OPT_USER_AGENT},
	{"insecure", no_argument, NULL, OPT_INSECURE},
	{"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
	{"ca-file", required_argument, NULL, OPT_CA_FILE},
	{"no-robots", no_argument, NULL, OPT_NO_ROBOTS},
	{"obey-crawl-delay", no_argument, NULL, OPT_OBEY_CRAWL_DELAY},
	{"no-crawl-delay", no_argument, NULL, OPT_NO_CRAWL_DELAY},
	{"min-item-ratio", required_argument, NULL, OPT_MIN_ITEM_RATIO},
	{"max-drop-ratio", required_argument, NULL, OPT_MAX_DROP_RATIO},
	{"no-health", no_argument, NULL, OPT_NO_HEALTH},
	{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"fast", no_argument, NULL, OPT_FAST},
	{"stop-grace", required_argument, NULL, OPT_STOP_GRACE},
	{"db", required_argument, NULL, OPT_DB},
	{"sitemap", required_argument, NULL, OPT_SITEMAP},
	{"sitemap-filter", required_argument, NULL, OPT_SITEMAP_FILTER},
	{"proxy", required_argument, NULL, OPT_PROXY},
	{"proxy-list", required_argument, NULL, OPT_PROXY_LIST},
	{"no-proxy", required_argument, NULL, OPT_NO_PROXY},
	{"per-proxy", required_argument, NULL, OPT_PER_PROXY},
	{"proxy-delay", required_argument, NULL, OPT_PROXY_DELAY},
	{"host-rule", required_argument, NULL, OPT_HOST_RULE},
	{"max-page-memory", required_argument, NULL, OPT_MAX_PAGE_MEMORY},
	{"max-links-per-page", required_argument, NULL, OPT_MAX_LINKS_PER_PAGE},
	{"max-header-bytes", required_argument, NULL, OPT_MAX_HEADER_BYTES},
	{"max-sitemap-depth", required_argument, NULL, OPT_MAX_SITEMAP_DEPTH},
	{"max-sitemaps", required_argument, NULL, OPT_MAX_SITEMAPS},
	{"max-sitemap-locs", required_argument, NULL, OPT_MAX_SITEMAP_LOCS},
	{"max-sitemap-urls", required_argument, NULL, OPT_MAX_SITEMAP_URLS},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

/* --max-page-memory in MiB: at most 1 TiB. */
#define PAGE_MEMORY_MAX_MIB (1024L * 1024)

/* Options are remembered as (id, value) and replayed in mc_crawl_cli_apply. */
struct given {
	int id;
	const char *value;
};
static struct given given[128];
static int ngiven;

void mc_crawl_cli_help(FILE *out)
{
	fputs("crawl options (defaults are polite; see docs/crawling.md):\n"
	      "  --data-dir DIR          runtime data (default $MARKETCRAWL_HOME or ./var)\n"
	      "  --out DIR               directory of the staging file (default DATA/staging/SPIDER)\n"
	      "  --start-url URL         replace the spider's start URLs (repeatable); a spider\n"
	      "                          with URLs of its own then makes a partial run\n"
	      "  --origin URL            fetch the spider's own start and sitemap URLs from\n"
	      "                          URL's scheme://host[:port] (a mirror, a test server)\n"
	      "  --region CODE           crawl the spider's region CODE (its start URLs, headers,\n"
	      "                          cookies, currency); items carry it (default: the\n"
	      "                          spider's first region, if it has regions)\n"
	      "  --allow-domain DOMAIN   add to the spider's allowed domains (repeatable); its\n"
	      "                          hosts may be private addresses\n"
	      "  --allow-private         reach private, loopback and link-local addresses on\n"
	      "                          any host (default: only the start URLs' origins)\n"
	      "  --sitemap URL           start from a sitemap, sitemap index or robots.txt\n"
	      "                          (repeatable; replaces the spider's; partial as above)\n"
	      "  --sitemap-filter REGEX  only follow sitemap page URLs matching REGEX\n"
	      "  --max-pages N           stop scheduling after N pages (default unlimited)\n"
	      "  --max-time S            stop scheduling after S seconds, as on a signal\n"
	      "                          (default unlimited); a run cut by a limit is partial\n"
	      "  --max-depth N           do not follow links deeper than N (default unlimited)\n"
	      "  --concurrency N         transfers in flight, all hosts (default 16)\n"
	      "  --per-host N            transfers in flight per host (default 2)\n"
	      "  --delay MS              gap between requests to one host (default 250)\n"
	      "  --jitter PCT            randomise the delay by +-PCT% (default 50)\n"
	      "  --host-rule 'HOST:delay=S,concurrency=N,max-pages=N'\n"
	      "                          politeness and a page budget for one host, or for a\n"
	      "                          domain and its subdomains ('.DOMAIN' or '*.DOMAIN');\n"
	      "                          any of the settings; the most specific rule wins\n"
	      "                          (repeatable; after the spider's own rules)\n"
	      "  --proxy URL             send every request through the proxy URL,\n"
	      "                          [http|https|socks5h|...://][USER:PASS@]HOST:PORT\n"
	      "                          (repeatable: requests are spread over them); replaces\n"
	      "                          the spider's proxy and $http_proxy / $https_proxy\n"
	      "  --proxy-list FILE       proxies from FILE, one URL a line ('#' comments)\n"
	      "  --per-proxy N           transfers in flight per proxy (default 4)\n"
	      "  --proxy-delay MS        gap between requests through one proxy (default 0)\n"
	      "  --no-proxy LIST         hosts (comma-separated, '.DOMAIN', '*') fetched without\n"
	      "                          a proxy (default $no_proxy); proxy passwords are never\n"
	      "                          printed\n"
	      "  --autothrottle          adapt the delay to latency and 429/503 answers\n"
	      "  --retries N             retries per request (default 3)\n"
	      "  --retry-codes LIST      HTTP codes retried (default 408,429,500,502,503,504)\n"
	      "  --max-retry-after MS    cap on a honoured Retry-After (default 120000)\n"
	      "  --max-bytes N           response body cap, decoded bytes (default 10485760)\n"
	      "  --connect-timeout MS    (default 10000)     --timeout MS (default 60000)\n"
	      "  --low-speed-limit B     abort below B bytes/s ... (default 100)\n"
	      "  --low-speed-time S      ... for S seconds (default 30)\n"
	      "  --workers N             parser threads (default 0: parse on the event loop)\n"
	      "  --user-agent UA         (default marketcrawl/0.1 (+URL))\n"
	      "  --ca-file PATH          verify TLS certificates with the CA certificates (PEM)\n"
	      "                          in PATH instead of the system bundle\n"
	      "  --insecure              do not verify TLS certificates (nor host names)\n"
	      "  --no-robots             ignore robots.txt (only for sites you own)\n"
	      "  --obey-crawl-delay      honour robots.txt Crawl-delay (default)\n"
	      "  --no-crawl-delay        ignore Crawl-delay\n"
	      "  --min-item-ratio R      suspect when items < R x previous run (default 0.5)\n"
	      "  --max-drop-ratio R      suspect when more than R of items are invalid (default 0.2)\n"
	      "  --no-health             skip the suspect-run check\n"
	      "  --fast                  local benchmark profile: no delay, concurrency 64\n"
	      "                          (also per host and per proxy),\n"
	      "                          parser threads = cores + 1 (only for your own servers)\n"
	      "  --stop-grace MS         after SIGINT/SIGTERM wait this long for transfers (10000)\n"
	      "  --progress | --no-progress   live progress line (default: when stderr is a tty)\n"
	      "  --log-level LEVEL       error | warn | info | debug (default info)\n"
	      "caps on what a server sends (docs/crawling.md; far above what real sites need):\n"
	      "  --max-page-memory MIB   memory to read one page: its tree, what the spider\n"
	      "                          keeps (default 256); past it the page is dropped\n"
	      "  --max-links-per-page N  links one page may add to the frontier (default 20000)\n"
	      "  --max-header-bytes N    header and trailer bytes of one response (default\n"
	      "                          262144)\n"
	      "  --max-sitemap-depth N   sitemap index nesting read; 0: only the sitemaps\n"
	      "                          given (default 3)\n"
	      "  --max-sitemaps N        sitemaps fetched in a run (default 10000)\n"
	      "  --max-sitemap-locs N    locs read from one sitemap (default 50000)\n"
	      "  --max-sitemap-urls N    page URLs taken from sitemaps in a run (default 1000000)\n",
	      out);
}

static char **push(char **list, const char *s)
{
	size_t n = 0;

	while (list && list[n])
		n++;
	list = mc_realloc(list, (n + 2) * sizeof *list);
	list[n] = mc_strdup(s);
	list[n + 1] = NULL;
	return list;
}

static int positive(const char *prog, const char *opt, const char *v, long min, long *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end || n < min) {
		fprintf(stderr, "%s: --%s needs a number >= %ld, not '%s'\n", prog, opt, min, v);
		return -1;
	}
	*out = n;
	return 0;
}

/* --origin URL: "scheme://host[:port]" of an http(s) URL with no path. */
static char *origin(const char *prog, const char *v)
{
	struct mc_url u;
	char *norm = mc_url_normalize(v, NULL), *o = NULL;

	if (norm && mc_url_parse(norm, NULL, &u) == 0) {
		if (strcmp(u.path, "/") == 0 && !u.query && !u.userinfo[0])
			o = mc_url_origin(norm);
		mc_url_release(&u);
	}
	free(norm);
	if (!o)
		fprintf(stderr, "%s: --origin needs http(s)://HOST[:PORT], not '%s'\n", prog, v);
	return o;
}

/* A cap's value: a whole number from `min` to `max`. */
static int in_range(const char *prog, const char *opt, const char *v, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || *end || errno || n < min || n > max) {
		fprintf(stderr, "%s: --%s needs a whole number from %ld to %ld, not '%s'\n", prog, opt,
			min, max, v);
		return -1;
	}
	return 0;
}

static int ratio(const char *prog, const char *opt, const char *v)
{
	char *end;
	double d = strtod(v, &end);

	if (end == v || *end || d < 0 || d > 1) {
		fprintf(stderr, "%s: --%s needs a number between 0 and 1, not '%s'\n", prog, opt, v);
		return -1;
	}
	return 0;
}

int mc_crawl_cli_parse(struct mc_crawl_cli *c, int argc, char **argv)
{
	const char *prog = argv[0]; /* "marketcrawl crawl", as getopt names it */
	int ch;
	long n;

	memset(c, 0, sizeof *c);
	ngiven = 0;
	optind = 1;
	opterr = 1;
	for (ch = getopt_long(argc, argv, "h", long_opts, NULL); ch != -1;
	     ch = getopt_long(argc, argv, "h", long_opts, NULL)) {
		const char *name = NULL;
		for (const struct option *o = long_opts; o->name; o++)
			if (o->val == ch)
				name = o->name;
		switch (ch) {
		case 'h':
		case OPT_HELP:
			c->help = true;
			continue;
		case '?':
			return -1;
		case OPT_OUT:
			c->out_dir = optarg;
			continue;
		case OPT_DATA_DIR:
			c->data_dir = optarg;
			continue;
		case OPT_DB:
			c->db = optarg;
			continue;
		case OPT_START_URL:
			c->start_urls = push(c->start_urls, optarg);
			continue;
		case OPT_ALLOW_DOMAIN:
			c->domains = push(c->domains, optarg);
			continue;
		case OPT_SITEMAP:
			c->sitemaps = push(c->sitemaps, optarg);
			continue;
		case OPT_SITEMAP_FILTER:
			c->sitemap_filter = optarg;
			continue;
		case OPT_ORIGIN:
			free(c->origin);
			c->origin = origin(prog, optarg);
			if (!c->origin)
				return -1;
			continue;
		case OPT_NO_HEALTH:
			c->no_health = true;
			continue;
		case OPT_PROXY: {
			char why[512];
			if (!mc_proxy_check(optarg, why, sizeof why)) {
				fprintf(stderr, "%s: --proxy: %s\n", prog, why);
				return -1;
			}
			c->proxies = push(c->proxies, optarg);
			continue;
		}
		case OPT_PROXY_LIST: {
			char why[1024];
			if (mc_proxy_list_read(optarg, &c->proxies, why, sizeof why) != 0) {
				fprintf(stderr, "%s: --proxy-list: %s\n", prog, why);
				return -1;
			}
			continue;
		}
		case OPT_HOST_RULE: {
			struct mc_host_rules probe = {NULL, 0};
			char why[512];
			int bad = mc_host_rules_add(&probe, optarg, why, sizeof why);
			mc_host_rules_release(&probe);
			if (bad) {
				fprintf(stderr, "%s: --host-rule: %s\n", prog, why);
				return -1;
			}
			c->host_rules = push(c->host_rules, optarg);
			continue;
		}
		case OPT_REGION:
			if (!mc_region_code_ok(optarg)) {
				fprintf(stderr, "%s: --region needs a code of [a-z0-9_-]{1,20}, not '%s'\n", prog,
					optarg);
				return -1;
			}
			c->region = optarg;
			continue;
		case OPT_LOG_LEVEL:
			if (mc_log_parse_level(optarg) < 0) {
				fprintf(stderr, "%s: unknown log level '%s'\n", prog, optarg);
				return -1;
			}
			mc_log_set_level((enum mc_log_level)mc_log_parse_level(optarg));
			continue;
		case OPT_MAX_PAGES:
		case OPT_MAX_DEPTH:
		case OPT_DELAY:
		case OPT_JITTER:
		case OPT_RETRIES:
		case OPT_WORKERS:
		case OPT_LOW_SPEED_LIMIT:
		case OPT_LOW_SPEED_TIME:
		case OPT_MAX_RETRY_AFTER:
		case OPT_STOP_GRACE:
		case OPT_PROXY_DELAY:
			if (positive(prog, name, optarg, 0, &n) != 0)
				return -1;
			break;
		case OPT_MAX_TIME:
		case OPT_CONCURRENCY:
		case OPT_PER_HOST:
		case OPT_PER_PROXY:
		case OPT_MAX_BYTES:
		case OPT_CONNECT_TIMEOUT:
		case OPT_TIMEOUT:
			if (positive(prog, name, optarg, 1, &n) != 0)
				return -1;
			break;
		case OPT_MIN_ITEM_RATIO:
		case OPT_MAX_DROP_RATIO:
			if (ratio(prog, name, optarg) != 0)
				return -1;
			break;
		case OPT_MAX_PAGE_MEMORY:
			if (in_range(prog, name, optarg, 1, PAGE_MEMORY_MAX_MIB) != 0)
				return -1;
			break;
		case OPT_MAX_SITEMAP_DEPTH:
			if (in_range(prog, name, optarg, 0, INT_MAX) != 0)
				return -1;
			break;
		case OPT_MAX_LINKS_PER_PAGE:
		case OPT_MAX_HEADER_BYTES:
		case OPT_MAX_SITEMAPS:
		case OPT_MAX_SITEMAP_LOCS:
		case OPT_MAX_SITEMAP_URLS:
			if (in_range(prog, name, optarg, 1, INT_MAX) != 0)
				return -1;
			break;
		case OPT_CA_FILE:
			if (access(optarg, R_OK) != 0) {
				fprintf(stderr, "%s: --ca-file: cannot read '%s': %s\n", prog, optarg,
					strerror(errno));
				return -1;
			}
			break;
		case OPT_RETRY_CODES: {
			struct mc_crawl_policy probe;
			if (mc_crawl_parse_retry_codes(&probe, optarg) != 0) {
				fprintf(stderr, "%s: --retry-codes: bad list '%s'\n", prog, optarg);
				return -1;
			}
			break;
		}
		default:
			break;
		}
		if (ngiven < (int)(sizeof given / sizeof given[0])) {
			given[ngiven].id = ch;
			given[ngiven].value = optarg;
			ngiven++;
		}
	}
	for (int i = optind; i < argc && c->nwords < (int)(sizeof c->words / sizeof c->words[0]); i++)
		c->words[c->nwords++] = argv[i];
	return 0;
}

static void apply_fast(struct mc_crawl_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	o->policy.concurrency = 64;
	o->policy.per_host = 64;
	o->policy.per_proxy = 64;
	o->policy.delay_ms = 0;
	o->policy.jitter_pct = 0;
	/* One parser per core plus one: the event loop itself needs little. */
	o->policy.workers = cpus > 0 && cpus < 64 ? (int)cpus + 1 : 2;
}

/* --region CODE for `spider` into o->region; -1 after a usage message. */
static int apply_region(struct mc_crawl_cli *c, const struct mc_spider *spider, const char *cmd)
{
	char codes[512];

	if (!c->region)
		return 0;
	c->opts.region = mc_spider_region(spider, c->region);
	if (c->opts.region)
		return 0;
	mc_spider_region_codes(spider, codes, sizeof codes);
	if (codes[0])
		fprintf(stderr, "marketcrawl %s: spider '%s' has no region '%s' (its regions: %s)\n", cmd,
			spider->name, c->region, codes);
	else
		fprintf(stderr, "marketcrawl %s: spider '%s' has no regions (--region %s)\n", cmd,
			spider->name, c->region);
	return -1;
}

int mc_crawl_cli_apply(struct mc_crawl_cli *c, const struct mc_spider *spider, const char *cmd)
{
	struct mc_crawl_opts *o = &c->opts;

	mc_crawl_opts_defaults(o, spider);
	o->out.progress = isatty(2);
	for (int i = 0; i < ngiven; i++) {
		const char *v = given[i].value;
		switch (given[i].id) {
		case OPT_MAX_PAGES: o->policy.max_pages = (int)strtol(v, NULL, 10); break;
		case OPT_MAX_DEPTH: o->policy.max_depth = (int)strtol(v, NULL, 10); break;
		case OPT_MAX_TIME: o->policy.max_time_s = (int)strtol(v, NULL, 10); break;
		case OPT_CONCURRENCY: o->policy.concurrency = (int)strtol(v, NULL, 10); break;
		case OPT_PER_HOST: o->policy.per_host = (int)strtol(v, NULL, 10); break;
		case OPT_DELAY: o->policy.delay_ms = (int)strtol(v, NULL, 10); break;
		case OPT_JITTER: o->policy.jitter_pct = (int)strtol(v, NULL, 10); break;
		case OPT_AUTOTHROTTLE: o->policy.autothrottle = true; break;
		case OPT_RETRIES: o->policy.max_retries = (int)strtol(v, NULL, 10); break;
		case OPT_RETRY_CODES: mc_crawl_parse_retry_codes(&o->policy, v); break;
		case OPT_MAX_BYTES: o->policy.max_bytes = strtol(v, NULL, 10); break;
		case OPT_CONNECT_TIMEOUT: o->policy.connect_timeout_ms = strtol(v, NULL, 10); break;
		case OPT_TIMEOUT: o->policy.timeout_ms = strtol(v, NULL, 10); break;
		case OPT_LOW_SPEED_LIMIT: o->policy.low_speed_bytes = strtol(v, NULL, 10); break;
		case OPT_LOW_SPEED_TIME: o->policy.low_speed_secs = strtol(v, NULL, 10); break;
		case OPT_MAX_RETRY_AFTER: o->policy.max_retry_after_ms = strtol(v, NULL, 10); break;
		case OPT_WORKERS: o->policy.workers = (int)strtol(v, NULL, 10); break;
		case OPT_USER_AGENT: o->policy.user_agent = v; break;
		case OPT_INSECURE: o->policy.insecure = true; break;
		case OPT_ALLOW_PRIVATE: o->policy.allow_private = true; break;
		case OPT_CA_FILE: o->policy.ca_file = v; break;
		case OPT_NO_ROBOTS: o->policy.obey_robots = false; break;
		case OPT_OBEY_CRAWL_DELAY: o->policy.obey_crawl_delay = true; break;
		case OPT_NO_CRAWL_DELAY: o->policy.obey_crawl_delay = false; break;
		case OPT_MIN_ITEM_RATIO: o->policy.min_item_ratio = strtod(v, NULL); break;
		case OPT_MAX_DROP_RATIO: o->policy.max_drop_ratio = strtod(v, NULL); break;
		case OPT_PROGRESS: o->out.progress = true; break;
		case OPT_NO_PROGRESS: o->out.progress = false; break;
		case OPT_FAST: apply_fast(o); break;
		case OPT_STOP_GRACE: o->policy.stop_grace_ms = (int)strtol(v, NULL, 10); break;
		case OPT_NO_PROXY: o->policy.no_proxy = v; break;
		case OPT_PER_PROXY: o->policy.per_proxy = (int)strtol(v, NULL, 10); break;
		case OPT_PROXY_DELAY: o->policy.proxy_delay_ms = (int)strtol(v, NULL, 10); break;
		case OPT_MAX_PAGE_MEMORY:
			o->policy.caps.page_memory = (size_t)strtol(v, NULL, 10) * 1024 * 1024;
			break;
		case OPT_MAX_LINKS_PER_PAGE: o->policy.caps.follows_per_page = (int)strtol(v, NULL, 10); break;
		case OPT_MAX_HEADER_BYTES: o->policy.caps.header_bytes = strtol(v, NULL, 10); break;
		case OPT_MAX_SITEMAP_DEPTH: o->policy.caps.sitemap_depth = (int)strtol(v, NULL, 10); break;
		case OPT_MAX_SITEMAPS: o->policy.caps.sitemaps = strtol(v, NULL, 10); break;
		case OPT_MAX_SITEMAP_LOCS: o->policy.caps.sitemap_locs = strtol(v, NULL, 10); break;
		case OPT_MAX_SITEMAP_URLS: o->policy.caps.sitemap_urls = strtol(v, NULL, 10); break;
		default: break;
		}
	}
	o->start_urls = (const char *const *)c->start_urls;
	o->sitemap_urls = (const char *const *)c->sitemaps;
	o->sitemap_filter = c->sitemap_filter;
	o->origin = c->origin;
	o->extra_domains = (const char *const *)c->domains;
	o->policy.proxies = (const char *const *)c->proxies;
	o->policy.host_rules = (const char *const *)c->host_rules;
	return apply_region(c, spider, cmd);
}

void mc_crawl_cli_release(struct mc_crawl_cli *c)
{
	for (char **p = c->start_urls; p && *p; p++)
		free(*p);
	free(c->start_urls);
	for (char **p = c->domains; p && *p; p++)
		free(*p);
	free(c->domains);
	for (char **p = c->sitemaps; p && *p; p++)
		free(*p);
	free(c->sitemaps);
	for (char **p = c->proxies; p && *p; p++)
		free(*p);
	free(c->proxies);
	for (char **p = c->host_rules; p && *p; p++)
		free(*p);
	free(c->host_rules);
	c->proxies = NULL;
	c->host_rules = NULL;
	free(c->origin);
	c->origin = NULL;
	c->sitemaps = NULL;
	c->start_urls = NULL;
	c->domains = NULL;
}
