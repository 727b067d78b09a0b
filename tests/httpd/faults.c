/*
 * The fixture server's fault modes: every path under /fault/ answers with a
 * deliberately broken or hostile response (error statuses, Retry-After,
 * stalls, resets, truncation, bad chunking, redirect games, endless and
 * huge bodies, charset trouble), and --fail503 turns a share of all
 * requests into 503s.  The router (mc_httpd_route) also sends /echo to
 * echo.c and everything else to files.c.  One table maps a name to a handler, so a new mode is
 * one function and one row (docs/fixture-server.md tells how).  Generated
 * bodies are streamed, never built in memory, so a 10 GB page costs
 * nothing.  HTML fault pages carry the marker <title>mc-fault: NAME</title>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "httpd.h"

/* Upper bounds for numeric arguments (sanity, not resource limits). */
#define MAX_SECS 1000000000ULL
#define MAX_MS 3600000ULL
#define MAX_BYTES (1ULL << 40)
#define MAX_DEPTH 1000000000ULL

/* Size of the page sent by /fault/stall-body (half, stall, half). */
#define STALL_BODY_LEN 2048
/* /fault/truncated promises this much and sends TRUNCATED_SENT bytes. */
#define TRUNCATED_LEN 1000
#define TRUNCATED_SENT 100
/* Generated bodies are written in blocks of this size. */
#define BLOCK (64 * 1024)

struct mc_httpd_flaky {
	struct mc_httpd_flaky *next;
	char *url;
	unsigned long long count;
};

typedef enum mc_httpd_next (*fault_fn)(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				       const char *arg);

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Parse a decimal number (digits only, no sign) up to `max`.  0 or -1. */
static int parse_num(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

static enum mc_httpd_next bad_arg(struct mc_httpd_conn *c, struct mc_httpd_req *req)
{
	static const char body[] = "bad fault argument\n";

	return mc_httpd_respond(c, req, 400, "text/plain", body, sizeof body - 1);
}

/* Send the prepared head and an in-memory body (omitted for HEAD). */
static enum mc_httpd_next finish(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				 struct mc_httpd_resp *r, const char *body, size_t len)
{
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	if (mc_httpd_send_head(c, req, r, (long long)len, (long long)len) < 0)
		goto out;
	if (!req->head && mc_httpd_write(c, body, len) < 0)
		goto out;
	if (mc_httpd_flush(c, 0) < 0)
		goto out;
	next = MC_HTTPD_KEEP;
out:
	mc_httpd_resp_release(r);
	return next;
}

/* A small HTML page with the marker; caller frees. */
static char *page(const char *name, const char *extra)
{
	return mc_httpd_xasprintf("<!DOCTYPE html>\n<html><head><title>mc-fault: %s</title></head>\n"
				  "<body><p class=\"mc-fault\">%s</p>\n%s</body></html>\n",
				  name, name, extra);
}

static enum mc_httpd_next html(struct mc_httpd_conn *c, struct mc_httpd_req *req,
			       struct mc_httpd_resp *r, const char *name, const char *extra)
{
	char *body = page(name, extra);
	enum mc_httpd_next next;

	mc_httpd_resp_set(r, "Content-Type", "text/html");
	next = finish(c, req, r, body, strlen(body));
	free(body);
	return next;
}

/* The single-line page "PREFIX xxx...x SUFFIX" used where an exact size
 * matters; the caller sends `fill` 'x' bytes between the two parts. */
static char *filled_prefix(const char *name)
{
	return mc_httpd_xasprintf("<!DOCTYPE html><html><head><title>mc-fault: %s</title></head>"
				  "<body><p class=\"mc-fault\">%s</p><p>",
				  name, name);
}

static const char filled_suffix[] = "</p></body></html>";

/* A filled page of exactly `total` bytes (total >= its overhead). */
static char *filled_page(const char *name, size_t total)
{
	char *prefix = filled_prefix(name);
	size_t plen = strlen(prefix), slen = sizeof filled_suffix - 1;
	char *body = mc_httpd_xmalloc(total + 1);

	memcpy(body, prefix, plen);
	memset(body + plen, 'x', total - plen - slen);
	memcpy(body + total - slen, filled_suffix, slen);
	body[total] = '\0';
	free(prefix);
	return body;
}

/* Write `count` copies of `unit` in large blocks.  0 or -1. */
static int write_repeat(struct mc_httpd_conn *c, const char *unit, size_t len,
			unsigned long long count)
{
	size_t per = BLOCK / len;
	char *block = mc_httpd_xmalloc(per * len);
	int rc = 0;

	for (size_t i = 0; i < per; i++)
		memcpy(block + i * len, unit, len);
	while (count > 0 && rc == 0) {
		size_t k = count < per ? (size_t)count : per;

		rc = mc_httpd_write(c, block, k * len);
		count -= k;
	}
	free(block);
	return rc;
}

/* /fault/status/CODE: that status, body "status CODE". */
static enum mc_httpd_next fault_status(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				       const char *arg)
{
	struct mc_httpd_resp r;
	unsigned long long code;
	char body[32];
	int n;

	if (parse_num(arg, 999, &code) < 0 || code < 200 || strlen(arg) != 3)
		return bad_arg(c, req);
	n = snprintf(body, sizeof body, "status %llu", code);
	mc_httpd_resp_init(&r, (int)code);
	if (code == 204 || code == 304) {
		enum mc_httpd_next next = MC_HTTPD_CLOSE;

		if (mc_httpd_send_head(c, req, &r, -1, 0) == 0 && mc_httpd_flush(c, 0) == 0)
			next = MC_HTTPD_KEEP;
		mc_httpd_resp_release(&r);
		return next;
	}
	mc_httpd_resp_set(&r, "Content-Type", "text/plain");
	return finish(c, req, &r, body, (size_t)n);
}

/* /fault/retry-after/SECS: 429 with Retry-After: SECS. */
static enum mc_httpd_next fault_retry_after(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					    const char *arg)
{
	struct mc_httpd_resp r;
	unsigned long long secs;
	char value[32], body[64];
	int n;

	if (parse_num(arg, MAX_SECS, &secs) < 0)
		return bad_arg(c, req);
	snprintf(value, sizeof value, "%llu", secs);
	n = snprintf(body, sizeof body, "retry-after %llu", secs);
	mc_httpd_resp_init(&r, 429);
	mc_httpd_resp_set(&r, "Content-Type", "text/plain");
	mc_httpd_resp_set(&r, "Retry-After", value);
	return finish(c, req, &r, body, (size_t)n);
}

/* /fault/retry-after-date/SECS: 503 with Retry-After as an HTTP-date. */
static enum mc_httpd_next fault_retry_after_date(struct mc_httpd_conn *c,
						 struct mc_httpd_req *req, const char *arg)
{
	struct mc_httpd_resp r;
	unsigned long long secs;
	char value[64], body[64];
	struct tm tm;
	time_t now, when;
	int n;

	if (parse_num(arg, MAX_SECS, &secs) < 0)
		return bad_arg(c, req);
	/* Date comes from the same clock reading, so Retry-After - Date is
	 * exactly SECS. */
	now = time(NULL);
	mc_httpd_resp_init(&r, 503);
	gmtime_r(&now, &tm);
	strftime(value, sizeof value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	mc_httpd_resp_set(&r, "Date", value);
	when = now + (time_t)secs;
	gmtime_r(&when, &tm);
	strftime(value, sizeof value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	n = snprintf(body, sizeof body, "retry-after-date %llu", secs);
	mc_httpd_resp_set(&r, "Content-Type", "text/plain");
	mc_httpd_resp_set(&r, "Retry-After", value);
	return finish(c, req, &r, body, (size_t)n);
}

/* The attempt number of this request for its exact URL (1, 2, ...). */
static unsigned long long flaky_attempt(struct mc_httpd *srv, const char *url)
{
	struct mc_httpd_flaky *f;
	unsigned long long count;

	pthread_mutex_lock(&srv->lock);
	for (f = srv->flaky; f; f = f->next)
		if (strcmp(f->url, url) == 0)
			break;
	if (!f) {
		f = mc_httpd_xcalloc(1, sizeof *f);
		f->url = mc_httpd_xstrdup(url);
		f->next = srv->flaky;
		srv->flaky = f;
	}
	count = ++f->count;
	pthread_mutex_unlock(&srv->lock);
	return count;
}

/* /fault/flaky/N/REST: 503 for the first N requests of this URL, then the
 * file ROOT/REST. */
static enum mc_httpd_next fault_flaky(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				      const char *arg)
{
	const char *slash = arg ? strchr(arg, '/') : NULL;
	char *num;
	unsigned long long n, attempt;
	int rc;

	if (!arg)
		return bad_arg(c, req);
	num = mc_httpd_xasprintf("%.*s", slash ? (int)(slash - arg) : (int)strlen(arg), arg);
	rc = parse_num(num, MAX_SECS, &n);
	free(num);
	if (rc < 0)
		return bad_arg(c, req);
	attempt = flaky_attempt(c->srv, req->target);
	if (attempt <= n) {
		struct mc_httpd_resp r;
		char body[64];
		int len = snprintf(body, sizeof body, "flaky %llu/%llu", attempt, n);

		mc_httpd_resp_init(&r, 503);
		mc_httpd_resp_set(&r, "Content-Type", "text/plain");
		return finish(c, req, &r, body, (size_t)len);
	}
	return mc_httpd_serve_file(c, req, slash ? slash : "/");
}

/* /fault/stall-headers/MS: wait MS milliseconds, then a normal page. */
static enum mc_httpd_next fault_stall_headers(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					      const char *arg)
{
	struct mc_httpd_resp r;
	unsigned long long ms;
	char *body;
	enum mc_httpd_next next;

	if (parse_num(arg, MAX_MS, &ms) < 0)
		return bad_arg(c, req);
	body = page("stall-headers", "");
	mc_httpd_log(c, req, 200, (long long)strlen(body));
	if (mc_httpd_pause(c->srv, (long)ms) < 0) {
		free(body);
		return MC_HTTPD_CLOSE;
	}
	mc_httpd_resp_init(&r, 200);
	mc_httpd_resp_set(&r, "Content-Type", "text/html");
	next = finish(c, req, &r, body, strlen(body));
	free(body);
	return next;
}

/* /fault/stall-body/MS: headers and half the body, wait MS, the rest. */
static enum mc_httpd_next fault_stall_body(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					   const char *arg)
{
	struct mc_httpd_resp r;
	unsigned long long ms;
	char *body = NULL;
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	if (parse_num(arg, MAX_MS, &ms) < 0)
		return bad_arg(c, req);
	mc_httpd_resp_init(&r, 200);
	mc_httpd_resp_set(&r, "Content-Type", "text/html");
	body = filled_page("stall-body", STALL_BODY_LEN);
	if (mc_httpd_send_head(c, req, &r, STALL_BODY_LEN, STALL_BODY_LEN) < 0)
		goto out;
	if (req->head) {
		if (mc_httpd_flush(c, 0) == 0)
			next = MC_HTTPD_KEEP;
		goto out;
	}
	if (mc_httpd_write(c, body, STALL_BODY_LEN / 2) < 0 || mc_httpd_flush(c, 0) < 0)
		goto out;
	if (mc_httpd_pause(c->srv, (long)ms) < 0)
		goto out;
	if (mc_httpd_write(c, body + STALL_BODY_LEN / 2, STALL_BODY_LEN - STALL_BODY_LEN / 2) < 0 ||
	    mc_httpd_flush(c, 0) < 0)
		goto out;
	next = MC_HTTPD_KEEP;
out:
	free(body);
	mc_httpd_resp_release(&r);
	return next;
}

/* /fault/reset: no response at all, the connection is reset (RST). */
static enum mc_httpd_next fault_reset(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				      const char *arg)
{
	(void)arg;
	mc_httpd_log(c, req, 0, 0);
	return MC_HTTPD_RESET;
}

/* /fault/truncated: Content-Length 1000, 100 bytes, close. */
static enum mc_httpd_next fault_truncated(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					  const char *arg)
{
	struct mc_httpd_resp r;
	char *body = filled_page("truncated", TRUNCATED_LEN);
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	(void)arg;
	mc_httpd_resp_init(&r, 200);
	mc_httpd_resp_set(&r, "Content-Type", "text/html");
	if (!req->head)
		req->keep_alive = 0;
	if (mc_httpd_send_head(c, req, &r, TRUNCATED_LEN, TRUNCATED_SENT) < 0)
		goto out;
	if (!req->head && mc_httpd_write(c, body, TRUNCATED_SENT) < 0)
		goto out;
	if (mc_httpd_flush(c, 0) < 0)
		goto out;
	next = req->head ? MC_HTTPD_KEEP : MC_HTTPD_CLOSE;
out:
	free(body);
	mc_httpd_resp_release(&r);
	return next;
}

/* /fault/bad-chunked: one valid chunk, then the chunk size "zz", close. */
static enum mc_httpd_next fault_bad_chunked(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					    const char *arg)
{
	struct mc_httpd_resp r;
	char *chunk = page("bad-chunked", "");
	char *wire = mc_httpd_xasprintf("%zx\r\n%s\r\nzz\r\nnot a chunk size\r\n", strlen(chunk),
					chunk);
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	(void)arg;
	mc_httpd_resp_init(&r, 200);
	mc_httpd_resp_set(&r, "Content-Type", "text/html");
	mc_httpd_resp_set(&r, "Transfer-Encoding", "chunked");
	if (!req->head)
		req->keep_alive = 0;
	if (mc_httpd_send_head(c, req, &r, -1, (long long)strlen(wire)) < 0)
		goto out;
	if (!req->head && mc_httpd_write(c, wire, strlen(wire)) < 0)
		goto out;
	if (mc_httpd_flush(c, 0) < 0)
		goto out;
	next = req->head ? MC_HTTPD_KEEP : MC_HTTPD_CLOSE;
out:
	free(chunk);
	free(wire);
	mc_httpd_resp_release(&r);
	return next;
}

/* /fault/redirect-loop/N: 302 to /fault/redirect-loop/N+1. */
static enum mc_httpd_next fault_redirect_loop(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					      const char *arg)
{
	struct mc_httpd_resp r;
	unsigned long long n;
	char location[64];

	if (parse_num(arg, MAX_BYTES, &n) < 0)
		return bad_arg(c, req);
	snprintf(location, sizeof location, "/fault/redirect-loop/%llu", n + 1);
	mc_httpd_resp_init(&r, 302);
	mc_httpd_resp_set(&r, "Location", location);
	return html(c, req, &r, "redirect-loop", "");
}

/* The percent-decoded value of `name` in a query string, or NULL. */
static char *query_param(const char *query, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = query;

	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);

		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			return mc_httpd_percent_decode(p + nlen + 1, len - nlen - 1);
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

/* /fault/redirect?to=URL: 302 to the decoded URL, whatever its scheme. */
static enum mc_httpd_next fault_redirect(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					 const char *arg)
{
	struct mc_httpd_resp r;
	char *to;

	if (arg || !req->query)
		return bad_arg(c, req);
	to = query_param(req->query, "to");
	if (!to)
		return bad_arg(c, req);
	for (const char *p = to; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			free(to); /* no header injection through the Location value */
			return bad_arg(c, req);
		}
	}
	mc_httpd_resp_init(&r, 302);
	mc_httpd_resp_set(&r, "Location", to);
	free(to);
	return html(c, req, &r, "redirect", "");
}

/* /fault/endless: a chunked HTML body that never ends. */
static enum mc_httpd_next fault_endless(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					const char *arg)
{
	static const char line[] = "<p>endless</p>\n";
	static const char start[] = "<!DOCTYPE html>\n<html><head><title>mc-fault: endless</title>"
				    "</head>\n<body><p class=\"mc-fault\">endless</p>\n";
	struct mc_httpd_resp r;
	char *chunk;
	size_t lines = 1000, len = lines * (sizeof line - 1);
	enum mc_httpd_next next = MC_HTTPD_CLOSE;
	char size[32];

	(void)arg;
	mc_httpd_resp_init(&r, 200);
	mc_httpd_resp_set(&r, "Content-Type", "text/html");
	mc_httpd_resp_set(&r, "Transfer-Encoding", "chunked");
	if (mc_httpd_send_head(c, req, &r, -1, -1) < 0)
		goto out;
	if (req->head) {
		if (mc_httpd_flush(c, 0) == 0)
			next = MC_HTTPD_KEEP;
		goto out;
	}
	snprintf(size, sizeof size, "%zx\r\n", sizeof start - 1);
	if (mc_httpd_write(c, size, strlen(size)) < 0 || mc_httpd_write(c, start, sizeof start - 1) < 0 ||
	    mc_httpd_write(c, "\r\n", 2) < 0)
		goto out;
	snprintf(size, sizeof size, "%zx\r\n", len);
	chunk = mc_httpd_xmalloc(strlen(size) + len + 2);
	memcpy(chunk, size, strlen(size));
	for (size_t i = 0; i < lines; i++)
		memcpy(chunk + strlen(size) + i * (sizeof line - 1), line, sizeof line - 1);
	memcpy(chunk + strlen(size) + len, "\r\n", 2);
	/* Ends when a send fails: the client closed, or the server stops and
	 * shuts the socket down. */
	while (mc_httpd_write(c, chunk, strlen(size) + len + 2) == 0)
		continue;
	free(chunk);
out:
	mc_httpd_resp_release(&r);
	return next;
}

/* /fault/endless-trailers: a short, valid chunked HTML body, then trailer
 * fields that never end (the last chunk, then "X-Trailer-N: ..." lines). */
static enum mc_httpd_next fault_endless_trailers(struct mc_httpd_conn *c, struct mc_httpd_req *req,
						 const char *arg)
{
	static const char body[] = "<!DOCTYPE html>\n<html><head><title>mc-fault: endless-trailers</title>"
				   "</head>\n<body><p class=\"mc-fault\">endless-trailers</p></body></html>\n";
	struct mc_httpd_resp r;
	enum mc_httpd_next next = MC_HTTPD_CLOSE;
	char line[128], *block;
	size_t len = 0;

	(void)arg;
	mc_httpd_resp_init(&r, 200);
	mc_httpd_resp_set(&r, "Content-Type", "text/html");
	mc_httpd_resp_set(&r, "Transfer-Encoding", "chunked");
	mc_httpd_resp_set(&r, "Trailer", "X-Trailer");
	if (mc_httpd_send_head(c, req, &r, -1, -1) < 0)
		goto out;
	if (req->head) {
		if (mc_httpd_flush(c, 0) == 0)
			next = MC_HTTPD_KEEP;
		goto out;
	}
	snprintf(line, sizeof line, "%zx\r\n", sizeof body - 1);
	if (mc_httpd_write(c, line, strlen(line)) < 0 || mc_httpd_write(c, body, sizeof body - 1) < 0 ||
	    mc_httpd_write(c, "\r\n0\r\n", 5) < 0)
		goto out;
	block = mc_httpd_xmalloc(BLOCK);
	for (unsigned long i = 0; len + sizeof line < BLOCK; i++) {
		int n = snprintf(line, sizeof line, "X-Trailer-%lu: %064lu\r\n", i, i);
		memcpy(block + len, line, (size_t)n);
		len += (size_t)n;
	}
	/* Ends when a send fails: the client closed, or the server stops. */
	while (mc_httpd_write(c, block, len) == 0)
		continue;
	free(block);
out:
	mc_httpd_resp_release(&r);
	return next;
}

/* /fault/wrong-charset: windows-1252 bytes declared as UTF-8.  The five
 * bytes E9 E8 FB E9 80 are each invalid UTF-8 on their own. */
static enum mc_httpd_next fault_wrong_charset(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					      const char *arg)
{
	static const char body[] =
		"<!DOCTYPE html>\n<html><head><title>mc-fault: wrong-charset</title></head>\n"
		"<body><p class=\"mc-fault\">wrong-charset</p>\n"
		"<p class=\"name\">Caf\xE9 cr\xE8me br\xFBl\xE9" "e</p>\n"
		"<p class=\"price\">12,50 \x80</p>\n"
		"</body></html>\n";
	struct mc_httpd_resp r;

	(void)arg;
	mc_httpd_resp_init(&r, 200);
	mc_httpd_resp_set(&r, "Content-Type", "text/html; charset=utf-8");
	return finish(c, req, &r, body, sizeof body - 1);
}

/* /fault/invalid-utf8: UTF-8 HTML with 12 invalid bytes in six classic
 * shapes (each byte is one U+FFFD under per-byte and maximal-subpart
 * replacement alike) and one valid "é". */
static enum mc_httpd_next fault_invalid_utf8(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					     const char *arg)
{
	static const char body[] =
		"<!DOCTYPE html>\n<html><head><title>mc-fault: invalid-utf8</title></head>\n"
		"<body><p class=\"mc-fault\">invalid-utf8</p>\n"
		"<p class=\"valid\">Caf\xC3\xA9</p>\n"
		"<p class=\"lone-continuation\">A\x80" "B</p>\n"
		"<p class=\"truncated\">A\xC3</p>\n"
		"<p class=\"invalid-byte\">A\xFF" "B</p>\n"
		"<p class=\"overlong\">A\xC0\xAF" "B</p>\n"
		"<p class=\"surrogate\">A\xED\xA0\x80" "B</p>\n"
		"<p class=\"too-large\">A\xF4\x90\x80\x80" "B</p>\n"
		"</body></html>\n";
	struct mc_httpd_resp r;

	(void)arg;
	mc_httpd_resp_init(&r, 200);
	mc_httpd_resp_set(&r, "Content-Type", "text/html; charset=utf-8");
	return finish(c, req, &r, body, sizeof body - 1);
}

/* Send a streamed body of `total` bytes after the head; KEEP or CLOSE. */
static enum mc_httpd_next stream_head(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				      struct mc_httpd_resp *r, unsigned long long total)
{
	if (mc_httpd_send_head(c, req, r, (long long)total, (long long)total) < 0)
		return MC_HTTPD_CLOSE;
	if (req->head)
		return mc_httpd_flush(c, 0) < 0 ? MC_HTTPD_CLOSE : MC_HTTPD_KEEP;
	return MC_HTTPD_KEEP;
}

/* /fault/long-line/BYTES: a page of exactly BYTES bytes without a newline. */
static enum mc_httpd_next fault_long_line(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					  const char *arg)
{
	struct mc_httpd_resp r;
	unsigned long long total;
	char *prefix = filled_prefix("long-line");
	size_t overhead = strlen(prefix) + sizeof filled_suffix - 1;
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	mc_httpd_resp_init(&r, 200);
	if (parse_num(arg, MAX_BYTES, &total) < 0 || total < overhead) {
		next = bad_arg(c, req);
		goto out;
	}
	mc_httpd_resp_set(&r, "Content-Type", "text/html");
	next = stream_head(c, req, &r, total);
	if (next != MC_HTTPD_KEEP || req->head)
		goto out;
	next = MC_HTTPD_CLOSE;
	if (mc_httpd_write(c, prefix, strlen(prefix)) < 0 ||
	    write_repeat(c, "x", 1, total - overhead) < 0 ||
	    mc_httpd_write(c, filled_suffix, sizeof filled_suffix - 1) < 0 || mc_httpd_flush(c, 0) < 0)
		goto out;
	next = MC_HTTPD_KEEP;
out:
	free(prefix);
	mc_httpd_resp_release(&r);
	return next;
}

/* /fault/deep-nesting/DEPTH: DEPTH nested <div> elements. */
static enum mc_httpd_next fault_deep_nesting(struct mc_httpd_conn *c, struct mc_httpd_req *req,
					     const char *arg)
{
	static const char open_div[] = "<div>", close_div[] = "</div>";
	static const char start[] = "<!DOCTYPE html>\n<html><head><title>mc-fault: deep-nesting</title>"
				    "</head>\n<body><p class=\"mc-fault\">deep-nesting</p>\n";
	static const char middle[] = "deep";
	static const char end[] = "\n</body></html>\n";
	struct mc_httpd_resp r;
	unsigned long long depth, total;
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	mc_httpd_resp_init(&r, 200);
	if (parse_num(arg, MAX_DEPTH, &depth) < 0) {
		next = bad_arg(c, req);
		goto out;
	}
	total = sizeof start - 1 + depth * (sizeof open_div - 1 + sizeof close_div - 1) +
		sizeof middle - 1 + sizeof end - 1;
	mc_httpd_resp_set(&r, "Content-Type", "text/html");
	next = stream_head(c, req, &r, total);
	if (next != MC_HTTPD_KEEP || req->head)
		goto out;
	next = MC_HTTPD_CLOSE;
	if (mc_httpd_write(c, start, sizeof start - 1) < 0 ||
	    write_repeat(c, open_div, sizeof open_div - 1, depth) < 0 ||
	    mc_httpd_write(c, middle, sizeof middle - 1) < 0 ||
	    write_repeat(c, close_div, sizeof close_div - 1, depth) < 0 ||
	    mc_httpd_write(c, end, sizeof end - 1) < 0 || mc_httpd_flush(c, 0) < 0)
		goto out;
	next = MC_HTTPD_KEEP;
out:
	mc_httpd_resp_release(&r);
	return next;
}

/* /fault/junk/BYTES: BYTES pseudo-random bytes, the same for every request
 * (byte i is byte i%8, little-endian, of splitmix64(JUNK_SEED + i/8)). */
#define JUNK_SEED 0x6d632d6a756e6bULL /* "mc-junk" */

static enum mc_httpd_next fault_junk(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				     const char *arg)
{
	struct mc_httpd_resp r;
	unsigned long long total, sent = 0, word = 0;
	unsigned char *block = NULL;
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	mc_httpd_resp_init(&r, 200);
	if (parse_num(arg, MAX_BYTES, &total) < 0) {
		next = bad_arg(c, req);
		goto out;
	}
	mc_httpd_resp_set(&r, "Content-Type", "text/plain");
	next = stream_head(c, req, &r, total);
	if (next != MC_HTTPD_KEEP || req->head)
		goto out;
	next = MC_HTTPD_CLOSE;
	block = mc_httpd_xmalloc(BLOCK);
	while (sent < total) {
		size_t n = total - sent < BLOCK ? (size_t)(total - sent) : BLOCK;

		for (size_t i = 0; i < n; i += 8) {
			uint64_t v = splitmix64(JUNK_SEED + word++);

			for (size_t b = 0; b < 8 && i + b < n; b++)
				block[i + b] = (unsigned char)(v >> (8 * b));
		}
		if (mc_httpd_write(c, block, n) < 0)
			goto out;
		sent += n;
	}
	if (mc_httpd_flush(c, 0) < 0)
		goto out;
	next = MC_HTTPD_KEEP;
out:
	free(block);
	mc_httpd_resp_release(&r);
	return next;
}

/*
 * The fault table.  `arg` says whether the path has an argument:
 * /fault/NAME (no) or /fault/NAME/ARG (yes; ARG may contain '/').
 */
static const struct {
	const char *name;
	int arg;
	fault_fn fn;
} faults[] = {
	{"status", 1, fault_status},
	{"retry-after", 1, fault_retry_after},
	{"retry-after-date", 1, fault_retry_after_date},
	{"flaky", 1, fault_flaky},
	{"stall-headers", 1, fault_stall_headers},
	{"stall-body", 1, fault_stall_body},
	{"reset", 0, fault_reset},
	{"truncated", 0, fault_truncated},
	{"bad-chunked", 0, fault_bad_chunked},
	{"redirect-loop", 1, fault_redirect_loop},
	{"redirect", 0, fault_redirect},
	{"endless", 0, fault_endless},
	{"endless-trailers", 0, fault_endless_trailers},
	{"wrong-charset", 0, fault_wrong_charset},
	{"invalid-utf8", 0, fault_invalid_utf8},
	{"long-line", 1, fault_long_line},
	{"deep-nesting", 1, fault_deep_nesting},
	{"junk", 1, fault_junk},
};

/* --fail503: true when this request must fail (seeded, in arrival order). */
static int fail503(struct mc_httpd *srv, const struct mc_httpd_req *req)
{
	uint64_t seq;

	if (srv->fail503_pct == 0 || strcmp(req->path, "/robots.txt") == 0)
		return 0;
	seq = atomic_fetch_add(&srv->fail503_seq, 1);
	return splitmix64(srv->seed ^ splitmix64(seq)) % 100 < srv->fail503_pct;
}

enum mc_httpd_next mc_httpd_route(struct mc_httpd_conn *c, struct mc_httpd_req *req)
{
	static const char not_found[] = "404 Not Found\n";

	if (fail503(c->srv, req)) {
		static const char body[] = "fail503\n";

		return mc_httpd_respond(c, req, 503, "text/plain", body, sizeof body - 1);
	}
	if (strcmp(req->path, "/echo") == 0 || strncmp(req->path, "/echo/", 6) == 0)
		return mc_httpd_echo(c, req);
	if (strncmp(req->path, "/fault/", 7) != 0)
		return mc_httpd_serve_file(c, req, req->path);
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		const char *rest = req->path + 7;
		size_t n = strlen(faults[i].name);

		if (strncmp(rest, faults[i].name, n) != 0 || (rest[n] != '\0' && rest[n] != '/'))
			continue;
		if (faults[i].arg != (rest[n] == '/'))
			return bad_arg(c, req);
		return faults[i].fn(c, req, rest[n] == '/' ? rest + n + 1 : NULL);
	}
	return mc_httpd_respond(c, req, 404, "text/plain", not_found, sizeof not_found - 1);
}

void mc_httpd_faults_release(struct mc_httpd *srv)
{
	while (srv->flaky) {
		struct mc_httpd_flaky *next = srv->flaky->next;

		free(srv->flaky->url);
		free(srv->flaky);
		srv->flaky = next;
	}
}
