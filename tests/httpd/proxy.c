/*
 * The fixture server as an HTTP proxy: a request with an absolute-form
 * target (`GET http://host:port/path HTTP/1.1`) is what a client sends to
 * a proxy, and is served from ROOT as if for /path, whatever the host, so a
 * test can crawl a site that is not reachable directly.  `CONNECT
 * host:port` (HTTPS through a proxy) opens a tunnel, but only to a port of
 * this machine (127.0.0.1 or localhost): the server must never connect
 * anywhere else.  This module owns what is particular to proxied requests:
 * --proxy-auth (a 407 without the right Proxy-Authorization), --stall, the
 * CONNECT target check, and the count of proxied requests in flight per
 * Host that the log line shows, so a test can read a crawler's per-host
 * concurrency from the log.  Absolute-form requests are never forwarded.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* Whether the request carries the credentials --proxy-auth requires. */
static int authorized(const struct mc_httpd *srv, const struct mc_httpd_req *req)
{
	const char *auth = mc_httpd_req_header(req, "Proxy-Authorization", 0);

	return !srv->proxy_auth || (auth && strcmp(auth, srv->proxy_auth) == 0);
}

/* The 407 asking for Basic credentials.  KEEP or CLOSE. */
static enum mc_httpd_next demand_auth(struct mc_httpd_conn *c, struct mc_httpd_req *req)
{
	static const char denied[] = "407 Proxy Authentication Required\n";
	enum mc_httpd_next next = MC_HTTPD_CLOSE;
	struct mc_httpd_resp r;

	mc_httpd_resp_init(&r, 407);
	mc_httpd_resp_set(&r, "Content-Type", "text/plain");
	mc_httpd_resp_set(&r, "Proxy-Authenticate", "Basic realm=\"mc-httpd\"");
	if (mc_httpd_send_head(c, req, &r, sizeof denied - 1, sizeof denied - 1) == 0 &&
	    (req->head || mc_httpd_write(c, denied, sizeof denied - 1) == 0) &&
	    mc_httpd_flush(c, 0) == 0)
		next = MC_HTTPD_KEEP;
	mc_httpd_resp_release(&r);
	return next;
}

/* Mark `req` proxied and count it in flight for its Host. */
static void begin(struct mc_httpd_conn *c, struct mc_httpd_req *req)
{
	const char *host = mc_httpd_req_header(req, "Host", 0);

	req->proxied = 1;
	req->proxy_host = host ? host : "-";
	req->inflight = count(c->srv, req->proxy_host, 1);
}

enum mc_httpd_next mc_httpd_proxy_serve(struct mc_httpd_conn *c, struct mc_httpd_req *req)
{
	enum mc_httpd_next next;

	begin(c, req);
	if (!authorized(c->srv, req))
		next = demand_auth(c, req);
	else if (c->srv->stall_ms && mc_httpd_pause(c->srv, (long)c->srv->stall_ms) < 0)
		next = MC_HTTPD_CLOSE;
	else
		next = mc_httpd_route(c, req);
	count(c->srv, req->proxy_host, -1);
	return next;
}

/* Split a CONNECT target "HOST:PORT": *local tells whether HOST is
 * 127.0.0.1 or localhost.  0, or -1 when it is not HOST:PORT (port 1-65535). */
static int parse_target(const char *target, int *local, unsigned *port)
{
	const char *colon = strrchr(target, ':');
	size_t hlen;
	unsigned v = 0;

	if (!colon || colon == target || !colon[1] || strlen(colon + 1) > 5)
		return -1;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	hlen = (size_t)(colon - target);
	*local = (hlen == 9 && strncmp(target, "127.0.0.1", 9) == 0) ||
		 (hlen == 9 && strncasecmp(target, "localhost", 9) == 0);
	*port = v;
	return 0;
}

/* A socket connected to 127.0.0.1:port, or -1. */
static int dial(unsigned port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Connect to 127.0.0.1:port and relay until either side closes (CLOSE), or
 * 502 when nothing listens there. */
static enum mc_httpd_next tunnel(struct mc_httpd_conn *c, struct mc_httpd_req *req, unsigned port)
{
	static const char refused[] = "502 nothing listens on that port\n";
	static const char established[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	unsigned long long up = 0, down = 0;
	int target = dial(port);

	if (target < 0)
		return mc_httpd_respond(c, req, 502, "text/plain", refused, sizeof refused - 1);
	if (mc_httpd_write(c, established, sizeof established - 1) == 0 && mc_httpd_flush(c, 0) == 0)
		mc_httpd_tunnel(c->srv, c->fd, target, c->in + c->in_off, c->in_len - c->in_off, &up,
				&down);
	c->in_off = c->in_len;
	mc_httpd_log_tunnel(c, req, up, down);
	close(target);
	return MC_HTTPD_CLOSE;
}

enum mc_httpd_next mc_httpd_proxy_connect(struct mc_httpd_conn *c, struct mc_httpd_req *req)
{
	static const char bad[] = "400 CONNECT needs HOST:PORT\n";
	static const char offsite[] = "403 CONNECT only to 127.0.0.1 or localhost\n";
	enum mc_httpd_next next;
	unsigned port;
	int local;

	begin(c, req);
	if (!authorized(c->srv, req))
		next = demand_auth(c, req);
	else if (parse_target(req->target, &local, &port) < 0)
		next = mc_httpd_respond(c, req, 400, "text/plain", bad, sizeof bad - 1);
	else if (!local)
		next = mc_httpd_respond(c, req, 403, "text/plain", offsite, sizeof offsite - 1);
	else if (c->srv->stall_ms && mc_httpd_pause(c->srv, (long)c->srv->stall_ms) < 0)
		next = MC_HTTPD_CLOSE;
	else
		next = tunnel(c, req, port);
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
