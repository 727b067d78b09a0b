/*
 * HTTP/1.1 on one connection for the fixture server: read requests (also
 * pipelined ones, answered in order), reject malformed ones with 400, keep
 * the headers and body of well-formed GET/HEAD/POST requests (answering
 * "Expect: 100-continue"), hand them to the router (CONNECT to proxy.c),
 * and write responses.
 * Owns the request log format.  Strict on purpose: a request the crawler should
 * never send (bad request line, missing Host, bare CR, obs-fold) is
 * refused, so a client bug shows up as a 400 in the test rather than as a
 * silently tolerated request.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpd.h"

/* The request line and headers of one request must fit in this. */
#define HEAD_MAX (16 * 1024)
/* Request bodies are read and kept for the handler; larger ones are
 * refused (413). */
#define BODY_MAX (1024 * 1024)

static const struct {
	int status;
	const char *reason;
} reasons[] = {
	{200, "OK"}, {201, "Created"}, {202, "Accepted"}, {204, "No Content"},
	{206, "Partial Content"}, {301, "Moved Permanently"}, {302, "Found"},
	{303, "See Other"}, {304, "Not Modified"}, {307, "Temporary Redirect"},
	{308, "Permanent Redirect"}, {400, "Bad Request"}, {401, "Unauthorized"},
	{403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
	{406, "Not Acceptable"}, {408, "Request Timeout"}, {410, "Gone"},
	{413, "Content Too Large"}, {414, "URI Too Long"}, {418, "I'm a teapot"},
	{429, "Too Many Requests"}, {431, "Request Header Fields Too Large"},
	{451, "Unavailable For Legal Reasons"}, {500, "Internal Server Error"},
	{501, "Not Implemented"}, {502, "Bad Gateway"}, {503, "Service Unavailable"},
	{504, "Gateway Timeout"}, {505, "HTTP Version Not Supported"},
};

const char *mc_httpd_reason(int status)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

void mc_httpd_resp_init(struct mc_httpd_resp *r, int status)
{
	memset(r, 0, sizeof *r);
	r->status = status;
}

void mc_httpd_resp_release(struct mc_httpd_resp *r)
{
	for (size_t i = 0; i < r->nhdr; i++) {
		free(r->name[i]);
		free(r->value[i]);
	}
	r->nhdr = 0;
}

int mc_httpd_resp_set(struct mc_httpd_resp *r, const char *name, const char *value)
{
	for (size_t i = 0; i < r->nhdr; i++) {
		if (strcasecmp(r->name[i], name) == 0) {
			free(r->value[i]);
			r->value[i] = mc_httpd_xstrdup(value);
			return 0;
		}
	}
	return mc_httpd_resp_add(r, name, value);
}

int mc_httpd_resp_add(struct mc_httpd_resp *r, const char *name, const char *value)
{
	if (r->nhdr == MC_HTTPD_MAX_HEADERS)
		return -1;
	r->name[r->nhdr] = mc_httpd_xstrdup(name);
	r->value[r->nhdr] = mc_httpd_xstrdup(value);
	r->nhdr++;
	return 0;
}

const char *mc_httpd_req_header(const struct mc_httpd_req *req, const char *name, size_t nth)
{
	for (size_t i = 0; i < req->nhdr; i++)
		if (strcasecmp(req->hname[i], name) == 0 && nth-- == 0)
			return req->hvalue[i];
	return NULL;
}

/* Append `line` (owned, freed here) to the request log. */
static void log_line(struct mc_httpd *srv, char *line)
{
	size_t len = strlen(line);

	/* One write per line on an O_APPEND file: lines never interleave. */
	if (write(srv->log_fd, line, len) != (ssize_t)len)
		fprintf(stderr, "httpd: cannot write the request log: %s\n", strerror(errno));
	free(line);
}

void mc_httpd_log(struct mc_httpd_conn *c, struct mc_httpd_req *req, int status,
		  long long bytes)
{
	char *line;

	if (c->srv->log_fd < 0 || req->logged)
		return;
	req->logged = 1;
	if (req->head)
		bytes = 0;
	if (req->proxied && bytes < 0)
		line = mc_httpd_xasprintf("%s %s %d - proxied Host=%s inflight=%d\n", req->method,
					  req->target, status, req->proxy_host, req->inflight);
	else if (req->proxied)
		line = mc_httpd_xasprintf("%s %s %d %lld proxied Host=%s inflight=%d\n", req->method,
					  req->target, status, bytes, req->proxy_host, req->inflight);
	else if (bytes < 0)
		line = mc_httpd_xasprintf("%s %s %d -\n", req->method, req->target, status);
	else
		line = mc_httpd_xasprintf("%s %s %d %lld\n", req->method, req->target, status,
					  bytes);
	log_line(c->srv, line);
}

void mc_httpd_log_tunnel(struct mc_httpd_conn *c, struct mc_httpd_req *req,
			 unsigned long long up, unsigned long long down)
{
	if (c->srv->log_fd < 0 || req->logged)
		return;
	req->logged = 1;
	log_line(c->srv, mc_httpd_xasprintf("%s %s 200 %llu %llu proxied Host=%s inflight=%d\n",
					    req->method, req->target, up, down, req->proxy_host,
					    req->inflight));
}

static int send_all(int fd, const char *p, size_t n, int more)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL | (more ? MSG_MORE : 0));

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int mc_httpd_flush(struct mc_httpd_conn *c, int more)
{
	int rc = send_all(c->fd, c->out, c->out_len, more);

	c->out_len = 0;
	return rc;
}

int mc_httpd_write(struct mc_httpd_conn *c, const void *p, size_t n)
{
	if (c->out_len + n > MC_HTTPD_OUT_CAP) {
		if (mc_httpd_flush(c, 1) < 0)
			return -1;
		if (n > MC_HTTPD_OUT_CAP)
			return send_all(c->fd, p, n, 0);
	}
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return 0;
}

static int write_str(struct mc_httpd_conn *c, const char *s)
{
	return mc_httpd_write(c, s, strlen(s));
}

static int resp_has(const struct mc_httpd_resp *r, const char *name)
{
	for (size_t i = 0; i < r->nhdr; i++)
		if (strcasecmp(r->name[i], name) == 0)
			return 1;
	return 0;
}

static int write_header(struct mc_httpd_conn *c, const char *name, const char *value)
{
	if (write_str(c, name) < 0 || write_str(c, ": ") < 0 || write_str(c, value) < 0)
		return -1;
	return write_str(c, "\r\n");
}

int mc_httpd_send_head(struct mc_httpd_conn *c, struct mc_httpd_req *req,
		       const struct mc_httpd_resp *r, long long content_length, long long body)
{
	char line[64];
	char date[64];
	struct tm tm;
	time_t now = time(NULL);

	mc_httpd_log(c, req, r->status, body);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", r->status, mc_httpd_reason(r->status));
	if (write_str(c, line) < 0)
		return -1;
	/* A sidecar may override Date and Server like any other header. */
	if (!resp_has(r, "Date") && write_header(c, "Date", date) < 0)
		return -1;
	if (!resp_has(r, "Server") && write_header(c, "Server", "mc-httpd") < 0)
		return -1;
	for (size_t i = 0; i < r->nhdr; i++)
		if (write_header(c, r->name[i], r->value[i]) < 0)
			return -1;
	if (content_length >= 0) {
		snprintf(line, sizeof line, "%lld", content_length);
		if (write_header(c, "Content-Length", line) < 0)
			return -1;
	}
	if (write_header(c, "Connection", req->keep_alive ? "keep-alive" : "close") < 0)
		return -1;
	return write_str(c, "\r\n");
}

enum mc_httpd_next mc_httpd_respond(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				    int status, const char *ctype, const char *body, size_t len)
{
	struct mc_httpd_resp r;
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	mc_httpd_resp_init(&r, status);
	if (ctype)
		mc_httpd_resp_set(&r, "Content-Type", ctype);
	if (status == 405)
		mc_httpd_resp_set(&r, "Allow", "GET, HEAD, POST");
	if (mc_httpd_send_head(c, req, &r, (long long)len, (long long)len) < 0)
		goto out;
	if (!req->head && mc_httpd_write(c, body, len) < 0)
		goto out;
	if (mc_httpd_flush(c, 0) < 0)
		goto out;
	next = MC_HTTPD_KEEP;
out:
	mc_httpd_resp_release(&r);
	return next;
}

int mc_httpd_pause(struct mc_httpd *srv, long ms)
{
	struct timespec deadline;
	int stopped;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&srv->lock);
	while (!srv->stopping) {
		if (pthread_cond_timedwait(&srv->stop_cv, &srv->lock, &deadline) == ETIMEDOUT)
			break;
	}
	stopped = srv->stopping;
	pthread_mutex_unlock(&srv->lock);
	return stopped ? -1 : 0;
}

/* ---- request parsing ---------------------------------------------------- */

/* RFC 9110 token characters (methods, header names). */
static int is_tchar(unsigned char ch)
{
	return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static int is_token(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Offset just past the blank line ending the head that starts at `from`,
 * or 0 while it is incomplete. */
static size_t head_end(const char *buf, size_t from, size_t len)
{
	size_t i = from;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);

		if (!nl)
			return 0;
		if (nl == buf + i || (nl == buf + i + 1 && buf[i] == '\r')) {
			if (i > from)
				return (size_t)(nl - buf) + 1;
		}
		i = (size_t)(nl - buf) + 1;
	}
	return 0;
}

/* What the head says, beyond the request itself. */
struct head_info {
	int minor;        /* HTTP/1.minor */
	int hosts;        /* number of Host headers */
	int conn_close;
	int conn_keep_alive;
	long long clen;   /* -1: none */
	int chunked;      /* any Transfer-Encoding */
	int expect_continue; /* "Expect: 100-continue" */
};

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

char *mc_httpd_percent_decode(const char *s, size_t n)
{
	char *out = mc_httpd_xmalloc(n + 1);
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[j++] = s[i];
			continue;
		}
		int hi = i + 1 < n ? hex_value(s[i + 1]) : -1;
		int lo = i + 2 < n ? hex_value(s[i + 2]) : -1;

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		out[j++] = (char)(hi * 16 + lo);
		i += 2;
	}
	out[j] = '\0';
	return out;
}

/* True when a decoded path has a ".." segment. */
static int has_dotdot(const char *path)
{
	const char *p = path;

	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

/* Case-insensitive search for a comma-separated token in a header value. */
static void connection_tokens(const char *v, size_t n, struct head_info *hi)
{
	size_t i = 0;

	while (i < n) {
		size_t start, end;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (end - start == 5 && strncasecmp(v + start, "close", 5) == 0)
			hi->conn_close = 1;
		if (end - start == 10 && strncasecmp(v + start, "keep-alive", 10) == 0)
			hi->conn_keep_alive = 1;
	}
}

/* Parse one header line [p, p+n) (no line ending) and keep it in req.
 * Returns 0 or a status. */
static int parse_header(const char *p, size_t n, struct mc_httpd_req *req, struct head_info *hi)
{
	const char *colon = memchr(p, ':', n);
	const char *v;
	size_t vn, name_len;

	if (n > 0 && (p[0] == ' ' || p[0] == '\t'))
		return 400; /* obs-fold */
	if (!colon || !is_token(p, (size_t)(colon - p)))
		return 400;
	name_len = (size_t)(colon - p);
	v = colon + 1;
	vn = n - name_len - 1;
	while (vn > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vn--;
	}
	while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	for (size_t i = 0; i < vn; i++) {
		unsigned char ch = (unsigned char)v[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return 400;
	}
	if (req->nhdr == MC_HTTPD_MAX_REQ_HEADERS)
		return 431;
	req->hname[req->nhdr] = mc_httpd_xasprintf("%.*s", (int)name_len, p);
	req->hvalue[req->nhdr] = mc_httpd_xasprintf("%.*s", (int)vn, v);
	req->nhdr++;
	if (name_len == 6 && strncasecmp(p, "expect", 6) == 0 && vn == 12 &&
	    strncasecmp(v, "100-continue", 12) == 0) {
		hi->expect_continue = 1;
	} else if (name_len == 4 && strncasecmp(p, "host", 4) == 0) {
		hi->hosts++;
	} else if (name_len == 10 && strncasecmp(p, "connection", 10) == 0) {
		connection_tokens(v, vn, hi);
	} else if (name_len == 17 && strncasecmp(p, "transfer-encoding", 17) == 0) {
		hi->chunked = 1;
	} else if (name_len == 14 && strncasecmp(p, "content-length", 14) == 0) {
		long long value = 0;

		if (vn == 0 || vn > 18)
			return 400;
		for (size_t i = 0; i < vn; i++) {
			if (v[i] < '0' || v[i] > '9')
				return 400;
			value = value * 10 + (v[i] - '0');
		}
		if (hi->clen >= 0 && hi->clen != value)
			return 400;
		hi->clen = value;
	}
	return 0;
}

/* Parse the request line [p, p+n) into req.  Returns 0 or a status. */
static int parse_request_line(const char *p, size_t n, struct mc_httpd_req *req,
			      struct head_info *hi)
{
	const char *sp1 = memchr(p, ' ', n);
	const char *sp2, *ver, *end = p + n;
	size_t tlen;

	if (!sp1)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2)
		return 400;
	if (!is_token(p, (size_t)(sp1 - p)) || (size_t)(sp1 - p) >= sizeof req->method)
		return 400;
	memcpy(req->method, p, (size_t)(sp1 - p));
	req->method[sp1 - p] = '\0';
	tlen = (size_t)(sp2 - sp1 - 1);
	if (tlen == 0)
		return 400;
	for (size_t i = 0; i < tlen; i++) {
		unsigned char ch = (unsigned char)sp1[1 + i];

		if (ch <= 0x20 || ch >= 0x7f)
			return 400;
	}
	free(req->target);
	req->target = mc_httpd_xasprintf("%.*s", (int)tlen, sp1 + 1);
	ver = sp2 + 1;
	if ((size_t)(end - ver) != 8 || memcmp(ver, "HTTP/", 5) != 0 ||
	    !isdigit((unsigned char)ver[5]) || ver[6] != '.' || !isdigit((unsigned char)ver[7]))
		return 400;
	if (ver[5] != '1' || (ver[7] != '0' && ver[7] != '1'))
		return 505;
	hi->minor = ver[7] - '0';
	return 0;
}

/* Parse the head [p, p+n) (ends with the blank line).  Returns 0 or a
 * status; fills req and hi as far as it got. */
static int parse_head(const char *p, size_t n, struct mc_httpd_req *req, struct head_info *hi)
{
	const char *end = p + n;
	int first = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)(nl - p);
		int rc;

		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (memchr(p, '\r', len) || memchr(p, '\0', len))
			return 400;
		if (len == 0)
			break;
		rc = first ? parse_request_line(p, len, req, hi) : parse_header(p, len, req, hi);
		if (rc)
			return rc;
		first = 0;
		p = nl + 1;
	}
	if (hi->chunked)
		return 501;
	if (hi->minor == 1 && hi->hosts != 1)
		return 400;
	if (hi->hosts > 1)
		return 400;
	if (hi->clen > BODY_MAX)
		return 413;
	return 0;
}

/* Turn req->target into req->path and req->query.  0 or a status. */
static int split_target(struct mc_httpd_req *req)
{
	const char *t = req->target;
	const char *q;

	if (strncasecmp(t, "http://", 7) == 0 || strncasecmp(t, "https://", 8) == 0) {
		const char *slash = strchr(strstr(t, "://") + 3, '/');

		t = slash ? slash : "/";
		req->proxied = 1;
	}
	if (t[0] != '/')
		return 400;
	q = strchr(t, '?');
	req->query = q ? q + 1 : NULL;
	req->path = mc_httpd_percent_decode(t, q ? (size_t)(q - t) : strlen(t));
	if (!req->path)
		return 400;
	if (has_dotdot(req->path))
		return 403;
	return 0;
}

/* Read more bytes into c->in.  Returns bytes read, 0 on EOF, -1 on error. */
static ssize_t fill(struct mc_httpd_conn *c)
{
	ssize_t n;

	if (c->in_off > 0) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	do
		n = recv(c->fd, c->in + c->in_len, MC_HTTPD_IN_CAP - c->in_len, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		c->in_len += (size_t)n;
	return n;
}

/* Read a request body of `n` bytes into req->body.  0 or -1. */
static int read_body(struct mc_httpd_conn *c, struct mc_httpd_req *req, long long n)
{
	size_t got = 0;

	req->body = mc_httpd_xmalloc((size_t)n + 1);
	while ((long long)got < n) {
		size_t avail = c->in_len - c->in_off;
		size_t take = (long long)avail < n - (long long)got ? avail : (size_t)(n - (long long)got);

		memcpy(req->body + got, c->in + c->in_off, take);
		c->in_off += take;
		got += take;
		if ((long long)got < n && fill(c) <= 0)
			return -1;
	}
	req->body[got] = '\0';
	req->body_len = got;
	return 0;
}

static enum mc_httpd_next refuse(struct mc_httpd_conn *c, struct mc_httpd_req *req, int status)
{
	char body[64];
	int n = snprintf(body, sizeof body, "%d %s\n", status, mc_httpd_reason(status));

	/* After a malformed request the stream cannot be trusted: close. */
	if (status == 400)
		req->keep_alive = 0;
	if (req->method[0] == '\0')
		snprintf(req->method, sizeof req->method, "-");
	if (!req->target)
		req->target = mc_httpd_xstrdup("-");
	return mc_httpd_respond(c, req, status, "text/plain", body, (size_t)n);
}

/* Read, parse and answer one request.  Returns what to do next. */
static enum mc_httpd_next serve_one(struct mc_httpd_conn *c)
{
	struct mc_httpd_req req;
	struct head_info hi = {.clen = -1};
	enum mc_httpd_next next = MC_HTTPD_CLOSE;
	size_t end;
	int status;

	memset(&req, 0, sizeof req);
	for (;;) {
		/* RFC 9112 2.2: empty lines before a request line are ignored. */
		while (c->in_off < c->in_len && (c->in[c->in_off] == '\r' || c->in[c->in_off] == '\n'))
			c->in_off++;
		end = head_end(c->in, c->in_off, c->in_len);
		if (end)
			break;
		if (c->in_len - c->in_off >= HEAD_MAX) {
			refuse(c, &req, 431);
			goto out;
		}
		if (fill(c) <= 0)
			goto out; /* peer closed, idle timeout or shutdown */
	}
	if (end - c->in_off > HEAD_MAX) {
		refuse(c, &req, 431);
		goto out;
	}
	status = parse_head(c->in + c->in_off, end - c->in_off, &req, &hi);
	c->in_off = end;
	if (status) {
		refuse(c, &req, status);
		goto out;
	}
	req.head = strcmp(req.method, "HEAD") == 0;
	req.keep_alive = hi.minor == 1 ? !hi.conn_close : hi.conn_keep_alive && !hi.conn_close;
	/* RFC 9110 10.1.1: a client waiting for "100 Continue" gets it before
	 * it sends the body (unless the body is already here). */
	if (hi.expect_continue && hi.minor == 1 && hi.clen > 0 &&
	    (long long)(c->in_len - c->in_off) < hi.clen) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
		if (mc_httpd_write(c, cont, sizeof cont - 1) < 0 || mc_httpd_flush(c, 0) < 0)
			goto out;
	}
	if (hi.clen > 0 && read_body(c, &req, hi.clen) < 0)
		goto out;
	if (strcmp(req.method, "CONNECT") == 0) {
		next = mc_httpd_proxy_connect(c, &req);
		goto out;
	}
	if (!req.head && strcmp(req.method, "GET") != 0 && strcmp(req.method, "POST") != 0) {
		next = refuse(c, &req, 405);
		goto out;
	}
	status = split_target(&req);
	if (status) {
		next = refuse(c, &req, status);
		goto out;
	}
	next = req.proxied ? mc_httpd_proxy_serve(c, &req) : mc_httpd_route(c, &req);
out:
	if (next == MC_HTTPD_KEEP && !req.keep_alive)
		next = MC_HTTPD_CLOSE;
	free(req.target);
	free(req.path);
	free(req.body);
	for (size_t i = 0; i < req.nhdr; i++) {
		free(req.hname[i]);
		free(req.hvalue[i]);
	}
	return next;
}

enum mc_httpd_next mc_httpd_conn_serve(struct mc_httpd *srv, int fd)
{
	struct mc_httpd_conn c = {.srv = srv, .fd = fd};
	enum mc_httpd_next next;

	c.in = mc_httpd_xmalloc(MC_HTTPD_IN_CAP);
	c.out = mc_httpd_xmalloc(MC_HTTPD_OUT_CAP);
	do
		next = serve_one(&c);
	while (next == MC_HTTPD_KEEP);
	free(c.in);
	free(c.out);
	return next;
}
