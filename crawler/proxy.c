/*
 * Proxies (proxy.h): URL checks, masking, the list file and the pool.
 * The pool's rule is deliberately simple: the least used usable proxy
 * takes the next request, and a failing one sits out a doubling time, so a
 * dead proxy costs a handful of requests per minute, not one in N.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base/alloc.h"
#include "crawler/proxy.h"

#define BENCH_BASE_S 1.0
#define BENCH_MAX_S 60.0
#define LINE_MAX_BYTES 4096

/* The authority of `url`: after "scheme://" (or from the start). */
static const char *authority(const char *url)
{
	const char *s = strstr(url, "://");

	return s ? s + 3 : url;
}

/* A proxy URL has no path, so every '@' after the scheme belongs to the
 * credentials, whatever '/', '?' or '#' a password holds: the last one
 * ends them. */
void mc_proxy_mask(const char *url, char *out, size_t outsz)
{
	const char *a = authority(url);
	const char *at = strrchr(a, '@');

	if (!at) {
		snprintf(out, outsz, "%s", url);
		return;
	}
	snprintf(out, outsz, "%.*s***%s", (int)(a - url), url, at);
}

void mc_mask_credentials(char *text)
{
	for (char *s = strstr(text, "://"); s; s = strstr(s, "://")) {
		char *a = s + 3, *end = a + strcspn(a, " \t\r\n'\"<>"), *at = NULL;

		for (char *p = a; p < end; p++)
			if (*p == '@')
				at = p;
		if (at && at - a >= 3) {
			memcpy(a, "***", 3);
			memmove(a + 3, at, strlen(at) + 1);
		} else if (at) {
			memset(a, '*', (size_t)(at - a)); /* too short to shrink in place */
		}
		s = a;
	}
}

/* Whether libcurl's own URL parser takes `url` as a proxy: it refuses
 * what ours lets through (a raw '@' in a password, ',' or '{' in a host)
 * and then prints the whole URL in its error. */
static bool curl_takes(const char *url)
{
	CURLU *u = curl_url();
	bool ok;

	if (!u) /* out of memory: libcurl allocates with mc_malloc, which exits first */
		return false;
	ok = curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) ==
	     CURLUE_OK;
	curl_url_cleanup(u);
	return ok;
}

static bool scheme_ok(const char *s, size_t n)
{
	static const char *const schemes[] = {"http", "https", "socks4", "socks4a", "socks5", "socks5h"};

	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strlen(schemes[i]) == n && strncasecmp(s, schemes[i], n) == 0)
			return true;
	return false;
}

bool mc_proxy_check(const char *url, char *why, size_t whysz)
{
	char shown[MC_PROXY_SHOWN_MAX];
	const char *sep = strstr(url, "://"), *a = authority(url), *host, *end, *colon;
	size_t alen = strcspn(a, "/?#");

	mc_proxy_mask(url, shown, sizeof shown);
	if (sep && !scheme_ok(url, (size_t)(sep - url))) {
		snprintf(why, whysz, "proxy '%s': the scheme is not http, https, socks4, socks4a, "
			 "socks5 or socks5h", shown);
		return false;
	}
	if (strcmp(a + alen, "") != 0 && strcmp(a + alen, "/") != 0) {
		snprintf(why, whysz, "proxy '%s': a proxy URL has no path, query or fragment", shown);
		return false;
	}
	host = a;
	for (const char *p = a; p < a + alen; p++)
		if (*p == '@')
			host = p + 1;
	end = a + alen;
	for (const char *p = url; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			snprintf(why, whysz, "proxy '%s': spaces or control characters in the URL", shown);
			return false;
		}
	}
	if (*host == '[') {
		const char *close = memchr(host, ']', (size_t)(end - host));
		colon = close && close + 1 < end && close[1] == ':' ? close + 1 : NULL;
		if (!close || close == host + 1 || (close + 1 < end && !colon)) {
			snprintf(why, whysz, "proxy '%s': a bad IPv6 address", shown);
			return false;
		}
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
	}
	if ((colon ? colon : end) == host) {
		snprintf(why, whysz, "proxy '%s': no host", shown);
		return false;
	}
	if (colon) {
		char *pend;
		long port = strtol(colon + 1, &pend, 10);
		if (pend != end || colon + 1 == end || port < 1 || port > 65535) {
			snprintf(why, whysz, "proxy '%s': the port is not 1-65535", shown);
			return false;
		}
	}
	if (!curl_takes(url)) {
		snprintf(why, whysz, "proxy '%s': not a URL libcurl takes (in a user name or password, "
			 "write '@' as %%40, ':' as %%3A, '/' as %%2F)", shown);
		return false;
	}
	return true;
}

static char **push(char **list, const char *s, size_t n)
{
	size_t len = 0;

	while (list && list[len])
		len++;
	list = mc_realloc(list, (len + 2) * sizeof *list);
	list[len] = mc_strndup(s, n);
	list[len + 1] = NULL;
	return list;
}

int mc_proxy_list_read(const char *path, char ***list, char *why, size_t whysz)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_BYTES], reason[512];
	long lineno = 0, found = 0;
	int rc = -1;

	if (!f) {
		snprintf(why, whysz, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		char *s = line;
		lineno++;
		if (n == sizeof line - 1 && line[n - 1] != '\n' && !feof(f)) {
			snprintf(why, whysz, "%s:%ld: line longer than %d bytes", path, lineno,
				 LINE_MAX_BYTES - 2);
			goto out;
		}
		while (n && isspace((unsigned char)line[n - 1]))
			line[--n] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if (!mc_proxy_check(s, reason, sizeof reason)) {
			snprintf(why, whysz, "%s:%ld: %s", path, lineno, reason);
			goto out;
		}
		*list = push(*list, s, strlen(s));
		found++;
	}
	if (ferror(f)) {
		snprintf(why, whysz, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (found == 0) {
		snprintf(why, whysz, "%s: no proxy in the list", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

void mc_proxy_pool_init(struct mc_proxy_pool *p, const char *const *urls, int per_proxy,
			int delay_ms)
{
	size_t n = 0;

	memset(p, 0, sizeof *p);
	while (urls && urls[n])
		n++;
	p->v = n ? mc_calloc(n, sizeof *p->v) : NULL;
	p->n = n;
	p->per_proxy = per_proxy > 0 ? per_proxy : 1;
	p->delay = delay_ms / 1000.0;
	for (size_t i = 0; i < n; i++) {
		p->v[i].url = mc_strdup(urls[i]);
		mc_proxy_mask(urls[i], p->v[i].shown, sizeof p->v[i].shown);
	}
}

void mc_proxy_pool_release(struct mc_proxy_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].url);
	free(p->v);
	memset(p, 0, sizeof *p);
}

static bool usable(const struct mc_proxy_pool *p, const struct mc_proxy *x, double now)
{
	return x->active < p->per_proxy && now >= x->next_ok && now >= x->benched_until;
}

struct mc_proxy *mc_proxy_pick(struct mc_proxy_pool *p, double now)
{
	struct mc_proxy *best = NULL;

	for (size_t i = 0; i < p->n; i++)
		if (usable(p, &p->v[i], now) && (!best || p->v[i].requests < best->requests))
			best = &p->v[i];
	return best;
}

void mc_proxy_start(struct mc_proxy_pool *p, struct mc_proxy *x, double now)
{
	x->active++;
	x->requests++;
	x->next_ok = now + p->delay;
}

double mc_proxy_done(struct mc_proxy *x, bool failed, double now)
{
	double bench;

	x->active--;
	if (!failed) {
		x->streak = 0;
		return 0;
	}
	x->failures++;
	/* Transfers started before the bench fail together: one streak step. */
	if (now < x->benched_until)
		return 0;
	bench = BENCH_BASE_S * (double)(1L << (x->streak < 6 ? x->streak : 6));
	if (bench > BENCH_MAX_S)
		bench = BENCH_MAX_S;
	x->streak++;
	x->benched++;
	x->benched_until = now + bench;
	return bench;
}

void mc_proxy_cancel(struct mc_proxy *x)
{
	x->active--;
}

double mc_proxy_next_ready(const struct mc_proxy_pool *p, double now)
{
	double best = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct mc_proxy *x = &p->v[i];
		double t = x->next_ok > x->benched_until ? x->next_ok : x->benched_until;
		if (t > now && x->active < p->per_proxy && (best == 0 || t < best))
			best = t;
	}
	return best;
}

bool mc_no_proxy_match(const char *list, const char *host)
{
	size_t hl = strlen(host);

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ", \t");
		const char *name = p;
		if (n == 1 && *name == '*')
			return true;
		if (n && *name == '.') {
			name++;
			n--;
		}
		if (n && (hl == n || (hl > n && host[hl - n - 1] == '.')) &&
		    strncasecmp(host + hl - n, name, n) == 0)
			return true;
		p += strcspn(p, ", \t");
		p += strspn(p, ", \t");
	}
	return false;
}
