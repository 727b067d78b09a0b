/*
 * Per-host rules (host_rule.h): the one parser of the rule syntax, shared
 * by the command line and the spiders' tables, and the "most specific rule
 * wins" lookup.  A rule never changes after it is parsed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/host_rule.h"
#include "base/alloc.h"

#define MAX_DELAY_S 3600.0
#define MAX_CONCURRENCY 1000
#define MAX_PAGES 1000000000L

/* Host names and IPv4 literals: letters, digits, '-' and inner dots; an
 * IPv6 literal in brackets. */
static bool host_ok(const char *h, size_t n)
{
	if (n == 0)
		return false;
	if (h[0] == '[') {
		for (size_t i = 1; i + 1 < n; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != ':' && h[i] != '.')
				return false;
		return n > 2 && h[n - 1] == ']';
	}
	if (h[0] == '.' || h[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.')
			return false;
	return true;
}

/* One "key=value" setting into `r`; 0 or -1 with `why`. */
static int setting(struct mc_host_rule *r, const char *s, size_t n, char *why, size_t whysz)
{
	const char *eq = memchr(s, '=', n);
	char val[64], *end;

	if (!eq || (size_t)(s + n - eq - 1) == 0 || (size_t)(s + n - eq - 1) >= sizeof val) {
		snprintf(why, whysz, "'%.*s' is not NAME=VALUE", (int)n, s);
		return -1;
	}
	memcpy(val, eq + 1, (size_t)(s + n - eq - 1));
	val[s + n - eq - 1] = '\0';
	size_t klen = (size_t)(eq - s);
	if (klen == 5 && strncmp(s, "delay", 5) == 0) {
		double d = strtod(val, &end);
		if (end == val || *end || !(d >= 0 && d <= MAX_DELAY_S)) {
			snprintf(why, whysz, "delay needs seconds from 0 to %.0f, not '%s'", MAX_DELAY_S, val);
			return -1;
		}
		r->delay_ms = (int)(d * 1000.0 + 0.5);
	} else if ((klen == 11 && strncmp(s, "concurrency", 11) == 0) ||
		   (klen == 9 && strncmp(s, "max-pages", 9) == 0)) {
		bool conc = klen == 11;
		long v = strtol(val, &end, 10);
		long max = conc ? MAX_CONCURRENCY : MAX_PAGES;
		if (end == val || *end || v < 1 || v > max) {
			snprintf(why, whysz, "%s needs a whole number from 1 to %ld, not '%s'",
				 conc ? "concurrency" : "max-pages", max, val);
			return -1;
		}
		if (conc)
			r->concurrency = (int)v;
		else
			r->max_pages = (int)v;
	} else {
		snprintf(why, whysz, "unknown setting '%.*s' (delay, concurrency or max-pages)", (int)klen,
			 s);
		return -1;
	}
	return 0;
}

int mc_host_rules_add(struct mc_host_rules *rs, const char *text, char *why, size_t whysz)
{
	struct mc_host_rule r = {.delay_ms = -1};
	const char *host = text, *colon, *p;
	const char *close = host[0] == '[' ? strchr(host, ']') : NULL;
	size_t hlen;

	/* An IPv6 literal holds colons: the host ends at its ']'. */
	colon = strchr(close ? close : host, ':');
	if (!colon || !colon[1]) {
		snprintf(why, whysz, "'%s' is not HOST:SETTING=VALUE,... "
			 "(settings: delay=SECONDS, concurrency=N, max-pages=N)", text);
		return -1;
	}
	if (strncmp(host, "*.", 2) == 0 || host[0] == '.') {
		r.domain = true;
		host += host[0] == '.' ? 1 : 2;
	}
	hlen = (size_t)(colon - host);
	if (!host_ok(host, hlen)) {
		snprintf(why, whysz, "'%.*s' is not a host name or domain (HOST, .DOMAIN or *.DOMAIN)",
			 (int)(colon - text), text);
		return -1;
	}
	for (p = colon + 1; *p;) {
		size_t n = strcspn(p, ",");
		if (setting(&r, p, n, why, whysz) != 0)
			return -1;
		p += n;
		if (*p == ',' && !*++p) {
			snprintf(why, whysz, "'%s' ends with a comma", text);
			return -1;
		}
	}
	r.text = mc_strdup(text);
	r.pattern = mc_strndup(host, hlen);
	for (char *c = r.pattern; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	rs->v = mc_realloc(rs->v, (rs->n + 1) * sizeof *rs->v);
	rs->v[rs->n++] = r;
	return 0;
}

/* How well `r` fits `host`: 0 not at all, else higher is more specific. */
static size_t fit(const struct mc_host_rule *r, const char *host)
{
	size_t hl = strlen(host), pl = strlen(r->pattern);

	if (strcmp(host, r->pattern) == 0)
		return r->domain ? 2 * pl : 2 * pl + 1; /* an exact rule beats a domain one */
	if (r->domain && hl > pl && host[hl - pl - 1] == '.' && strcmp(host + hl - pl, r->pattern) == 0)
		return 2 * pl;
	return 0;
}

const struct mc_host_rule *mc_host_rules_match(const struct mc_host_rules *rs, const char *host)
{
	const struct mc_host_rule *best = NULL;
	size_t best_fit = 0;

	for (size_t i = 0; i < rs->n; i++) {
		size_t f = fit(&rs->v[i], host);
		if (f && f >= best_fit) {
			best = &rs->v[i];
			best_fit = f;
		}
	}
	return best;
}

void mc_host_rules_release(struct mc_host_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].text);
		free(rs->v[i].pattern);
	}
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}
