/*
 * robots.txt per RFC 9309: parse once per origin, then answer "may this
 * user agent fetch this path?" with longest-match, allow-wins-ties rules,
 * `*` and `$` wildcards and percent-encoding normalisation.  Also keeps
 * Crawl-delay and Sitemap lines.  A parsed robots object is immutable and
 * may be queried from any thread.  docs/robots.md has the full behaviour,
 * the fetch rules the engine applies, and the deliberate deviations from
 * Google's reference tests.
 */
#ifndef MC_ROBOTS_H
#define MC_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of a robots.txt body that are parsed (RFC 9309 section 2.5 asks
 * for at least 500 KiB); the rest, and a line cut by this cap, are
 * ignored.  The engine may stop downloading at this size. */
#define MC_ROBOTS_MAX_BYTES (500 * 1024)

struct mc_robots;

/*
 * Parse `len` bytes of robots.txt for the product token `agent` (e.g.
 * "marketcrawl"; matched case-insensitively against the leading
 * [A-Za-z_-] token of user-agent lines, `*` as fallback).  Pass the bare
 * product token: "marketcrawl/1.0" matches no group.  `body` need not be
 * NUL-terminated and may hold any bytes.  Never fails on content: junk
 * lines are ignored.  Returns a new object (free with mc_robots_free).
 */
struct mc_robots *mc_robots_parse(const char *body, size_t len, const char *agent);
/* Special objects for the fetch outcomes RFC 9309 names: 4xx → allow all,
 * 5xx / network failure → disallow all (except /robots.txt itself). */
struct mc_robots *mc_robots_allow_all(void);
struct mc_robots *mc_robots_disallow_all(void);
/* Free `r`; NULL is a no-op. */
void mc_robots_free(struct mc_robots *r);

/* May `agent` fetch `url_or_path` (a full URL or a path with query)?
 * `/robots.txt` is always allowed.  Any fragment is ignored. */
bool mc_robots_allowed(const struct mc_robots *r, const char *url_or_path);
/* Crawl-delay in milliseconds for the matched group, or -1 when unset.
 * With several Crawl-delay lines in the matched group(s) the largest
 * wins; values are capped at one day. */
long mc_robots_crawl_delay_ms(const struct mc_robots *r);
/* Sitemap URLs listed in the file, in file order (NULL-terminated, owned
 * by `r`; never NULL itself). */
const char *const *mc_robots_sitemaps(const struct mc_robots *r);

/* What the parser saw, for the engine's debug log and for tests. */
struct mc_robots_stats {
	size_t lines;      /* lines in the parsed part of the body */
	size_t directives; /* user-agent, allow, disallow, sitemap and
			      crawl-delay lines (wherever they stand) */
	size_t unknown;    /* key: value lines with any other key (Host: ...) */
	size_t rules;      /* allow/disallow rules in force for the agent */
	bool truncated;    /* the body was longer than MC_ROBOTS_MAX_BYTES */
};
void mc_robots_stats(const struct mc_robots *r, struct mc_robots_stats *out);

/* Whether `agent` is a valid product token to obey ([A-Za-z_-]+); NULL is
 * not. */
bool mc_robots_valid_agent(const char *agent);

#endif
