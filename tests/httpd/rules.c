/*
 * FILE.rules sidecars for the fixture server: what a request for FILE must
 * carry, so a test proves the crawler sent a method, header, cookie or
 * body by the file being served at all (and a crawler bug shows up as a
 * refused request).  Read on every request, like FILE.headers.  One rule a
 * line; every rule must hold, the first that does not decides the answer:
 *
 *     Method: POST             405 unless the method is listed (GET allows HEAD)
 *     Header: X-Api-Key: k1    403 unless a header of that name has that value
 *     Cookie: birthtime=0      403 unless a Cookie header carries that pair
 *     Body: {"q":1}            400 unless the body is exactly that text
 *     Body-File: query.json    400 unless the body is exactly that file's bytes
 *
 * Blank lines and lines starting with '#' are ignored.  A malformed rules
 * file is a bug in the test: 500 with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "httpd.h"

#define RULES_MAX (16 * 1024)
#define BODY_FILE_MAX (1024 * 1024)

/* The whole file at `path` (NUL-terminated, length in *len), or NULL with
 * errno set. */
static char *slurp(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *text;

	*len = 0;
	if (fd < 0)
		return NULL;
	text = mc_httpd_xmalloc(max + 1);
	for (;;) {
		ssize_t n = read(fd, text + *len, max + 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
		if (*len > max) {
			errno = EFBIG;
			break;
		}
	}
	close(fd);
	if (*len > max) {
		free(text);
		return NULL;
	}
	text[*len] = '\0';
	return text;
}

static void trim(char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
	(*s)[*n] = '\0';
}

/* Whether the method is in the comma-separated `list` (GET allows HEAD). */
static int method_allowed(const char *method, const char *list)
{
	const char *p = list;

	while (*p) {
		size_t n;
		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n && ((strlen(method) == n && strncmp(method, p, n) == 0) ||
			  (strcmp(method, "HEAD") == 0 && n == 3 && strncmp(p, "GET", 3) == 0)))
			return 1;
		p += n;
	}
	return 0;
}

/* Whether a header `name` has exactly `value`. */
static int has_header(const struct mc_httpd_req *req, const char *name, const char *value)
{
	for (size_t i = 0;; i++) {
		const char *v = mc_httpd_req_header(req, name, i);
		if (!v)
			return 0;
		if (strcmp(v, value) == 0)
			return 1;
	}
}

/* Whether some Cookie header carries the pair `pair` ("name=value"). */
static int has_cookie(const struct mc_httpd_req *req, const char *pair)
{
	size_t plen = strlen(pair);

	for (size_t i = 0;; i++) {
		const char *v = mc_httpd_req_header(req, "Cookie", i);
		if (!v)
			return 0;
		for (const char *p = v; *p;) {
			size_t n;
			p += strspn(p, " ;");
			n = strcspn(p, ";");
			while (n > 0 && p[n - 1] == ' ')
				n--;
			if (n == plen && strncmp(p, pair, n) == 0)
				return 1;
			p += strcspn(p, ";");
		}
	}
}

static int body_is(const struct mc_httpd_req *req, const char *bytes, size_t len)
{
	return req->body_len == len && (len == 0 || memcmp(req->body, bytes, len) == 0);
}

/* Check one rule "Name: value"; fills v when it fails. */
static void check_rule(const struct mc_httpd_req *req, char *line, size_t n, const char *dir,
		       struct mc_httpd_verdict *v)
{
	char *colon = memchr(line, ':', n), *name = line, *value;
	size_t name_len, value_len;

	if (!colon) {
		v->status = 500;
		snprintf(v->reason, sizeof v->reason, "line \"%.*s\" has no ':'", (int)n, line);
		return;
	}
	name_len = (size_t)(colon - line);
	value = colon + 1;
	value_len = n - name_len - 1;
	trim(&name, &name_len);
	trim(&value, &value_len);
	if (strcasecmp(name, "Method") == 0) {
		if (!method_allowed(req->method, value)) {
			v->status = 405;
			snprintf(v->allow, sizeof v->allow, "%s", value);
			snprintf(v->reason, sizeof v->reason, "method %s, the rules allow %s", req->method,
				 value);
		}
	} else if (strcasecmp(name, "Header") == 0) {
		char *hcolon = strchr(value, ':'), *hvalue;
		size_t hn;
		if (!hcolon) {
			v->status = 500;
			snprintf(v->reason, sizeof v->reason, "Header rule \"%s\" is not Name: value", value);
			return;
		}
		*hcolon = '\0';
		hvalue = hcolon + 1;
		hn = strlen(hvalue);
		trim(&hvalue, &hn);
		if (!has_header(req, value, hvalue)) {
			v->status = 403;
			snprintf(v->reason, sizeof v->reason, "no header %s with the required value", value);
		}
	} else if (strcasecmp(name, "Cookie") == 0) {
		if (!strchr(value, '=')) {
			v->status = 500;
			snprintf(v->reason, sizeof v->reason, "Cookie rule \"%s\" is not name=value", value);
		} else if (!has_cookie(req, value)) {
			v->status = 403;
			snprintf(v->reason, sizeof v->reason, "no cookie %.*s with the required value",
				 (int)strcspn(value, "="), value);
		}
	} else if (strcasecmp(name, "Body") == 0) {
		if (!body_is(req, value, value_len)) {
			v->status = 400;
			snprintf(v->reason, sizeof v->reason, "the body (%zu bytes) is not the required one",
				 req->body_len);
		}
	} else if (strcasecmp(name, "Body-File") == 0) {
		char *path = mc_httpd_xasprintf("%s/%s", dir, value);
		size_t len;
		char *want = slurp(path, BODY_FILE_MAX, &len);
		free(path);
		if (!want) {
			v->status = 500;
			snprintf(v->reason, sizeof v->reason, "cannot read Body-File %s: %s", value,
				 strerror(errno));
		} else if (!body_is(req, want, len)) {
			v->status = 400;
			snprintf(v->reason, sizeof v->reason, "the body (%zu bytes) is not %s",
				 req->body_len, value);
		}
		free(want);
	} else {
		v->status = 500;
		snprintf(v->reason, sizeof v->reason, "unknown rule \"%s\"", name);
	}
}

void mc_httpd_check_rules(const struct mc_httpd_req *req, const char *rules_path, const char *dir,
			  struct mc_httpd_verdict *v)
{
	size_t len;
	char *text = slurp(rules_path, RULES_MAX, &len);

	memset(v, 0, sizeof *v);
	if (!text) {
		if (errno != ENOENT && errno != ENOTDIR) {
			v->status = 500;
			snprintf(v->reason, sizeof v->reason, "cannot read: %s", strerror(errno));
		}
		return;
	}
	for (char *p = text; p < text + len && v->status == 0;) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		char *next = nl ? nl + 1 : text + len;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		p[n] = '\0';
		if (n > 0 && p[0] != '#')
			check_rule(req, p, n, dir, v);
		p = next;
	}
	free(text);
}
