/*
 * Static files for the fixture server: ROOT/path (a directory means its
 * index.html), a Content-Type from the extension, the optional sidecar
 * FILE.headers that sets the status and adds or overrides headers (this is
 * how a test makes robots.txt answer 500, serves a pre-gzipped body,
 * declares a charset or sets cookies), and the optional FILE.rules that
 * refuses requests without what they must carry (rules.c).  GET, HEAD and
 * POST all get the file.  Bodies go out with sendfile(2), so large
 * fixtures cost no copies.  Never serves a sidecar itself, never follows a
 * ".." segment (http.c refuses those before we get here).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpd.h"

/* A sidecar is a handful of lines; anything bigger is a mistake. */
#define SIDECAR_MAX (16 * 1024)

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{".html", "text/html"},
	{".htm", "text/html"},
	{".json", "application/json"},
	{".jsonl", "application/x-ndjson"},
	{".xml", "application/xml"},
	{".txt", "text/plain"},
	{".csv", "text/csv"},
	{".css", "text/css"},
	{".js", "text/javascript"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"},
	{".gif", "image/gif"},
	{".webp", "image/webp"},
	{".ico", "image/x-icon"},
	{".pdf", "application/pdf"},
	{".gz", "application/octet-stream"},
};

static const char *mime_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash ? slash : name, '.');

	if (dot) {
		for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
			if (strcasecmp(dot, mime_types[i].ext) == 0)
				return mime_types[i].type;
	}
	return "application/octet-stream";
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void trim(char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Apply one sidecar line "Name: value" to r.  0, or -1 with err set. */
static int sidecar_line(char *line, size_t n, struct mc_httpd_resp *r, char *err, size_t errsz)
{
	char *colon = memchr(line, ':', n);
	char *name = line, *value;
	size_t name_len, value_len;

	if (!colon) {
		snprintf(err, errsz, "line \"%.*s\" has no ':'", (int)n, line);
		return -1;
	}
	name_len = (size_t)(colon - line);
	value = colon + 1;
	value_len = n - name_len - 1;
	trim(&name, &name_len);
	trim(&value, &value_len);
	name[name_len] = '\0';
	value[value_len] = '\0';
	if (name_len == 0 || strpbrk(name, " \t")) {
		snprintf(err, errsz, "bad header name \"%s\"", name);
		return -1;
	}
	if (strcasecmp(name, "Status") == 0) {
		char *end;
		unsigned long code = strtoul(value, &end, 10);

		if (value_len != 3 || *end != '\0' || code < 200) {
			snprintf(err, errsz, "bad status \"%s\" (want 200..999)", value);
			return -1;
		}
		r->status = (int)code;
		return 0;
	}
	if (strcasecmp(name, "Content-Length") == 0 || strcasecmp(name, "Connection") == 0 ||
	    strcasecmp(name, "Transfer-Encoding") == 0) {
		snprintf(err, errsz, "%s is set by the server, not by a sidecar", name);
		return -1;
	}
	/* Each Set-Cookie line is one more cookie, never a replacement. */
	if ((strcasecmp(name, "Set-Cookie") == 0 ? mc_httpd_resp_add(r, name, value) :
						    mc_httpd_resp_set(r, name, value)) < 0) {
		snprintf(err, errsz, "more than %d headers", MC_HTTPD_MAX_HEADERS);
		return -1;
	}
	return 0;
}

/* Read `path` (FILE.headers) if it exists and apply it to r.  0 when
 * absent or applied; -1 with err set when unreadable or malformed. */
static int apply_sidecar(const char *path, struct mc_httpd_resp *r, char *err, size_t errsz)
{
	char *text = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = -1;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(err, errsz, "cannot open: %s", strerror(errno));
		return -1;
	}
	text = mc_httpd_xmalloc(SIDECAR_MAX + 1);
	for (;;) {
		ssize_t n = read(fd, text + len, SIDECAR_MAX + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errsz, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > SIDECAR_MAX) {
			snprintf(err, errsz, "larger than %d bytes", SIDECAR_MAX);
			goto out;
		}
	}
	text[len] = '\0';
	for (char *p = text; p < text + len;) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		char *next = nl ? nl + 1 : text + len;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		p[n] = '\0';
		if (n > 0 && p[0] != '#' && sidecar_line(p, n, r, err, errsz) < 0)
			goto out;
		p = next;
	}
	rc = 0;
out:
	free(text);
	close(fd);
	return rc;
}

static enum mc_httpd_next plain(struct mc_httpd_conn *c, struct mc_httpd_req *req, int status)
{
	char body[64];
	int n = snprintf(body, sizeof body, "%d %s\n", status, mc_httpd_reason(status));

	return mc_httpd_respond(c, req, status, "text/plain", body, (size_t)n);
}

/* Send `size` bytes of the open file `fd`.  0 or -1. */
static int send_file(struct mc_httpd_conn *c, int fd, off_t size)
{
	off_t off = 0;

	if (mc_httpd_flush(c, 1) < 0)
		return -1;
	while (off < size) {
		ssize_t n = sendfile(c->fd, fd, &off, (size_t)(size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* peer gone, or the file shrank under us */
	}
	return 0;
}

enum mc_httpd_next mc_httpd_serve_file(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				       const char *path)
{
	struct mc_httpd_resp r;
	struct mc_httpd_verdict verdict;
	struct stat st;
	char err[256];
	char *full = NULL, *sidecar = NULL, *rules = NULL, *dir = NULL;
	int fd = -1, bodyless;
	enum mc_httpd_next next = MC_HTTPD_CLOSE;

	mc_httpd_resp_init(&r, 200);
	if (ends_with(path, ".headers") || ends_with(path, ".rules")) {
		next = plain(c, req, 404);
		goto out;
	}
	full = mc_httpd_xasprintf("%s%s", c->srv->root, path);
	if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *index = mc_httpd_xasprintf("%s%sindex.html", full, ends_with(full, "/") ? "" : "/");

		free(full);
		full = index;
	}
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		next = plain(c, req, errno == EACCES ? 403 : 404);
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		next = plain(c, req, 404);
		goto out;
	}
	rules = mc_httpd_xasprintf("%s.rules", full);
	dir = mc_httpd_xasprintf("%.*s", (int)(strrchr(full, '/') - full), full);
	mc_httpd_check_rules(req, rules, dir, &verdict);
	if (verdict.status) {
		char *msg = mc_httpd_xasprintf("%d %s: %s\n", verdict.status,
					       mc_httpd_reason(verdict.status), verdict.reason);
		if (verdict.status == 500)
			fprintf(stderr, "httpd: bad rules %s: %s\n", rules, verdict.reason);
		mc_httpd_resp_set(&r, "Content-Type", "text/plain");
		r.status = verdict.status;
		if (verdict.status == 405)
			mc_httpd_resp_set(&r, "Allow", verdict.allow);
		if (mc_httpd_send_head(c, req, &r, (long long)strlen(msg), (long long)strlen(msg)) == 0 &&
		    (req->head || mc_httpd_write(c, msg, strlen(msg)) == 0) && mc_httpd_flush(c, 0) == 0)
			next = MC_HTTPD_KEEP;
		free(msg);
		goto out;
	}
	mc_httpd_resp_set(&r, "Content-Type", mime_type(full));
	sidecar = mc_httpd_xasprintf("%s.headers", full);
	if (apply_sidecar(sidecar, &r, err, sizeof err) < 0) {
		char *msg = mc_httpd_xasprintf("bad sidecar %s: %s\n", sidecar, err);

		fprintf(stderr, "httpd: %s", msg);
		next = mc_httpd_respond(c, req, 500, "text/plain", msg, strlen(msg));
		free(msg);
		goto out;
	}
	/* RFC 9110 6.4.1: 204 and 304 never carry a body. */
	bodyless = r.status == 204 || r.status == 304;
	if (mc_httpd_send_head(c, req, &r, bodyless ? -1 : (long long)st.st_size,
			       bodyless ? 0 : (long long)st.st_size) < 0)
		goto out;
	if (req->head || bodyless || st.st_size == 0) {
		if (mc_httpd_flush(c, 0) < 0)
			goto out;
	} else if (send_file(c, fd, st.st_size) < 0) {
		goto out;
	}
	next = MC_HTTPD_KEEP;
out:
	if (fd >= 0)
		close(fd);
	free(full);
	free(sidecar);
	free(rules);
	free(dir);
	mc_httpd_resp_release(&r);
	return next;
}
