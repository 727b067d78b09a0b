/*
 * Per-host rules (`--host-rule`, struct mc_spider_settings.host_rules):
 * "HOST_OR_DOMAIN:delay=SECONDS,concurrency=N,max-pages=N" gives one host,
 * or a domain and its subdomains, its own politeness and page budget, so a
 * slow domain does not set the pace of every other one.  This module only
 * parses rules and says which one applies to a host; the engine applies
 * them (docs/crawling.md, "Per-host rules").
 */
#ifndef MC_HOST_RULE_H
#define MC_HOST_RULE_H

#include <stdbool.h>
#include <stddef.h>

struct mc_host_rule {
	char *text;      /* the rule as given (owned), for messages */
	char *pattern;   /* lower-case host, or domain without "." / "*." (owned) */
	bool domain;     /* the pattern and its subdomains */
	int delay_ms;    /* -1: not set (the run's --delay) */
	int concurrency; /* 0: not set (the run's --per-host) */
	int max_pages;   /* 0: not set (unlimited) */
};

struct mc_host_rules {
	struct mc_host_rule *v;
	size_t n;
};

/*
 * Parse `text` and append it to `rs`.  Returns 0, or -1 with `why` saying
 * what is wrong (the rule is not added).
 */
int mc_host_rules_add(struct mc_host_rules *rs, const char *text, char *why, size_t whysz);
/*
 * The rule for `host` (a lower-case host name without port), or NULL: an
 * exact host beats a domain, a longer domain a shorter one, and of two
 * rules with the same pattern the later one wins.  Borrowed from `rs`.
 */
const struct mc_host_rule *mc_host_rules_match(const struct mc_host_rules *rs, const char *host);
void mc_host_rules_release(struct mc_host_rules *rs);

#endif
