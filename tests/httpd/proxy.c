/*
 * The fixture server as an HTTP proxy: a request with an absolute-form
 * target (`GET http://host:port/path HTTP/1.1`) is what a client sends to
 * a proxy, and is served from ROOT as if for /path, whatever the host, so a
 * test can crawl a site that is not reachable directly.  This module owns
 * what is particular to such requests: --proxy-auth (a 407 without the
 * right Proxy-Authorization), --stall, and the count of proxied requests in
 * flight per Host that the log line shows, so a test can read a crawler's
 * per-host concurrency from the log.  It never forwards anything.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpd.h"

struct mc_httpd_inflight {
	struct mc_httpd_inflight *next;
	char *host;
	int count;
};

/* Standard base64 of `n` bytes of `s`, a new string. */
static char *base64(const char *s, size_t n)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = mc_httpd_xmalloc((n + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		*o++ = abc[v >> 18 & 63];
		*o++ = abc[v >> 12 & 63];
		*o++ = i + 1 < n ? abc[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? abc[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

void mc_httpd_proxy_set_auth(struct mc_httpd *srv, const char *user_pass)
{
	char *b = base64(user_pass, strlen(user_pass));

	srv->proxy_auth = mc_httpd_xasprintf("Basic %s", b);
	free(b);
}

/* Add `delta` to the proxied requests in flight for `host`; the new count. */
static int count(struct mc_httpd *srv, const char *host, int delta)
{
	struct mc_httpd_inflight *f;
	int n;

	pthread_mutex_lock(&srv->lock);
	for (f = srv->inflight; f && strcasecmp(f->host, host) != 0; f = f->next)
		;
	if (!f) {
		f = mc_httpd_xcalloc(1, sizeof *f);
		f->host = mc_httpd_xstrdup(host);
		f->next = srv->inflight;
		srv->inflight = f;
	}
	f->count += delta;
	n = f->count;
	pthread_mutex_unlock(&srv->lock);
	return n;
}

enum mc_httpd_next mc_httpd_proxy_serve(struct mc_httpd_conn *c, struct mc_httpd_req *req)
{
	static const char denied[] = "407 Proxy Authentication Required\n";
	const char *host = mc_httpd_req_header(req, "Host", 0);
	const char *auth = mc_httpd_req_header(req, "Proxy-Authorization", 0);
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	req->proxy_host = host ? host : "-";
	req->inflight = count(c->srv, req->proxy_host, 1);
	if (c->srv->proxy_auth && (!auth || strcmp(auth, c->srv->proxy_auth) != 0)) {
		struct mc_httpd_resp r;
		mc_httpd_resp_init(&r, 407);
		mc_httpd_resp_set(&r, "Content-Type", "text/plain");
		mc_httpd_resp_set(&r, "Proxy-Authenticate", "Basic realm=\"mc-httpd\"");
		if (mc_httpd_send_head(c, req, &r, sizeof denied - 1, sizeof denied - 1) == 0 &&
		    (req->head || mc_httpd_write(c, denied, sizeof denied - 1) == 0) &&
		    mc_httpd_flush(c, 0) == 0)
			next = MC_HTTPD_KEEP;
		mc_httpd_resp_release(&r);
	} else if (c->srv->stall_ms && mc_httpd_pause(c->srv, (long)c->srv->stall_ms) < 0) {
		next = MC_HTTPD_CLOSE;
	} else {
		next = mc_httpd_route(c, req);
	}
	count(c->srv, req->proxy_host, -1);
	return next;
}

void mc_httpd_proxy_release(struct mc_httpd *srv)
{
	while (srv->inflight) {
		struct mc_httpd_inflight *f = srv->inflight;
		srv->inflight = f->next;
		free(f->host);
		free(f);
	}
	free(srv->proxy_auth);
	srv->proxy_auth = NULL;
}
