/*
 * /echo (and /echo/ANYTHING) for the fixture server: the request as JSON,
 * so a test asserts exactly what a client sent instead of trusting it:
 *
 *     {"method":"POST","target":"/echo?x=1",
 *      "headers":[["Host","127.0.0.1:8080"],...],   in order, as sent
 *      "cookies":[["sid","abc"],...],               from every Cookie header
 *      "body":"...","body_bytes":12}
 *
 * Strings are JSON-escaped; a byte that is not part of valid UTF-8 is
 * written as \u00XX, so the answer is always valid JSON.  HEAD gets the
 * headers only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpd.h"

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 1024;
		while (o->len + n + 1 > cap)
			cap *= 2;
		char *p = mc_httpd_xmalloc(cap);
		if (o->p)
			memcpy(p, o->p, o->len);
		free(o->p);
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		need = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 3;
		lo = s[0] == 0xE0 ? 0xA0 : 0x80;
		hi = s[0] == 0xED ? 0x9F : 0xBF;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 4;
		lo = s[0] == 0xF0 ? 0x90 : 0x80;
		hi = s[0] == 0xF4 ? 0x8F : 0xBF;
	} else
		return 0;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return need;
}

/* A JSON string of n bytes at s. */
static void put_string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	put_str(o, "\"");
	for (size_t i = 0; i < n;) {
		size_t k = utf8_len(p + i, n - i);
		if (k > 1 || (k == 1 && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\' && p[i] != 0x7f)) {
			put(o, s + i, k);
			i += k;
			continue;
		}
		if (p[i] == '"' || p[i] == '\\') {
			char esc[2] = {'\\', (char)p[i]};
			put(o, esc, 2);
		} else {
			char esc[6] = {'\\', 'u', '0', '0', hex[p[i] >> 4], hex[p[i] & 15]};
			put(o, esc, 6);
		}
		i++;
	}
	put_str(o, "\"");
}

static void put_pair(struct out *o, const char *a, size_t an, const char *b, size_t bn)
{
	put_str(o, "[");
	put_string(o, a, an);
	put_str(o, ",");
	put_string(o, b, bn);
	put_str(o, "]");
}

/* The name=value pairs of every Cookie header, in order. */
static void put_cookies(struct out *o, const struct mc_httpd_req *req)
{
	int first = 1;

	for (size_t i = 0;; i++) {
		const char *v = mc_httpd_req_header(req, "Cookie", i);
		if (!v)
			break;
		for (const char *p = v; *p;) {
			size_t n, eq;
			p += strspn(p, " ;");
			n = strcspn(p, ";");
			while (n > 0 && p[n - 1] == ' ')
				n--;
			if (n > 0) {
				eq = strcspn(p, "=");
				if (eq > n)
					eq = n;
				put_str(o, first ? "" : ",");
				first = 0;
				put_pair(o, p, eq, eq < n ? p + eq + 1 : "", eq < n ? n - eq - 1 : 0);
			}
			p += strcspn(p, ";");
		}
	}
}

enum mc_httpd_next mc_httpd_echo(struct mc_httpd_conn *c, struct mc_httpd_req *req)
{
	struct out o = {0};
	char num[32];
	enum mc_httpd_next next;

	put_str(&o, "{\"method\":");
	put_string(&o, req->method, strlen(req->method));
	put_str(&o, ",\"target\":");
	put_string(&o, req->target, strlen(req->target));
	put_str(&o, ",\"headers\":[");
	for (size_t i = 0; i < req->nhdr; i++) {
		put_str(&o, i ? "," : "");
		put_pair(&o, req->hname[i], strlen(req->hname[i]), req->hvalue[i], strlen(req->hvalue[i]));
	}
	put_str(&o, "],\"cookies\":[");
	put_cookies(&o, req);
	put_str(&o, "],\"body\":");
	put_string(&o, req->body ? req->body : "", req->body_len);
	snprintf(num, sizeof num, ",\"body_bytes\":%zu}\n", req->body_len);
	put_str(&o, num);
	next = mc_httpd_respond(c, req, 200, "application/json", o.p, o.len);
	free(o.p);
	return next;
}
