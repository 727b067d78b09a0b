/*
 * Saved-page replay (replay.h): a small map from (method, URL, body digest)
 * to a file, read from a TSV.  Bodies are compared by SHA-256, so a row can
 * name a large GraphQL body by its digest and the map never holds bodies.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/sha256.h"
#include "crawler/url.h"
#include "crawler/replay.h"

#define MAX_COLUMNS 5

struct page {
	char *url;
	char *path;
	char *content_type;
	char method[8];
	char body_sha[65]; /* hex digest of the body the row answers ("" body included) */
};

struct mc_replay {
	struct page *pages;
	size_t n;
};

void mc_replay_free(struct mc_replay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->pages[i].url);
		free(r->pages[i].path);
		free(r->pages[i].content_type);
	}
	free(r->pages);
	free(r);
}

static void digest(const void *p, size_t n, char hex[65])
{
	struct mc_sha256 h;

	mc_sha256_init(&h);
	mc_sha256_update(&h, p, n);
	mc_sha256_final_hex(&h, hex);
}

/* The whole file at `path` into a new buffer; -1 with errno when it
 * cannot be opened. */
static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct mc_buf b;
	char chunk[65536];
	size_t n;

	if (!f)
		return -1;
	mc_buf_init(&b, 0);
	for (n = fread(chunk, 1, sizeof chunk, f); n > 0; n = fread(chunk, 1, sizeof chunk, f))
		mc_buf_add(&b, chunk, n);
	fclose(f);
	*out = mc_buf_detach(&b, len);
	if (!*out)
		*out = mc_strdup("");
	return 0;
}

static bool unset(const char *col)
{
	return !col || !*col || strcmp(col, "-") == 0;
}

/* The BODY column as a digest: "sha256:HEX", a file's bytes, or none. */
static int body_digest(const char *col, const char *pages_dir, char hex[65], char *why,
		       size_t whysz)
{
	if (unset(col)) {
		digest("", 0, hex);
		return 0;
	}
	if (strncmp(col, "sha256:", 7) == 0) {
		const char *h = col + 7;
		if (strlen(h) != 64 || strspn(h, "0123456789abcdef") != 64) {
			snprintf(why, whysz, "body digest is not sha256:<64 lower-case hex digits>");
			return -1;
		}
		memcpy(hex, h, 65);
		return 0;
	}
	char *path = mc_asprintf("%s/%s", pages_dir, col), *bytes;
	size_t len;
	int rc = read_file(path, &bytes, &len);
	if (rc != 0)
		snprintf(why, whysz, "cannot read the body file %s: %s", col, strerror(errno));
	free(path);
	if (rc != 0)
		return -1;
	digest(bytes, len, hex);
	free(bytes);
	return 0;
}

/* Split `line` at tabs into at most MAX_COLUMNS columns; returns the count. */
static int split(char *line, char *col[MAX_COLUMNS])
{
	int n = 0;

	for (char *p = line; p && n < MAX_COLUMNS; n++) {
		char *tab = strchr(p, '\t');
		col[n] = p;
		if (tab)
			*tab = '\0';
		p = tab ? tab + 1 : NULL;
	}
	return n;
}

struct mc_replay *mc_replay_load(const char *tsv, const char *pages_dir, struct mc_err *err)
{
	FILE *f = fopen(tsv, "r");
	struct mc_replay *r;
	char *line = NULL, why[256];
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;

	if (!f) {
		mc_err_set(err, "cannot open %s: %s", tsv, strerror(errno));
		return NULL;
	}
	r = mc_calloc(1, sizeof *r);
	for (;;) {
		char *col[MAX_COLUMNS] = {NULL};
		len = getline(&line, &cap, f);
		if (len < 0)
			break;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (split(line, col) < 2) {
			mc_err_set(err, "%s:%d: expected URL<TAB>FILE[<TAB>TYPE[<TAB>METHOD[<TAB>BODY]]]",
				   tsv, lineno);
			goto fail;
		}
		const char *method = unset(col[3]) ? "GET" : col[3];
		if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0 &&
		    strcmp(method, "HEAD") != 0) {
			mc_err_set(err, "%s:%d: method must be GET, POST or HEAD, not %s", tsv, lineno,
				   method);
			goto fail;
		}
		char *url = mc_url_normalize(col[0], NULL);
		if (!url) {
			mc_err_set(err, "%s:%d: not an http(s) URL: %s", tsv, lineno, col[0]);
			goto fail;
		}
		r->pages = mc_realloc(r->pages, (r->n + 1) * sizeof *r->pages);
		struct page *pg = &r->pages[r->n];
		memset(pg, 0, sizeof *pg);
		pg->url = url;
		pg->path = mc_asprintf("%s/%s", pages_dir, col[1]);
		pg->content_type = mc_strdup(unset(col[2]) ? "text/html" : col[2]);
		snprintf(pg->method, sizeof pg->method, "%s", method);
		r->n++;
		if (body_digest(col[4], pages_dir, pg->body_sha, why, sizeof why) != 0) {
			mc_err_set(err, "%s:%d: %s", tsv, lineno, why);
			goto fail;
		}
	}
	free(line);
	fclose(f);
	return r;
fail:
	free(line);
	fclose(f);
	mc_replay_free(r);
	return NULL;
}

int mc_replay_fetch(const struct mc_replay *r, const char *method, const char *url,
		    const void *req_body, size_t req_len, char **body, size_t *len,
		    const char **content_type, struct mc_err *err)
{
	char hex[65];

	digest(req_body ? req_body : "", req_body ? req_len : 0, hex);
	for (size_t i = 0; i < r->n; i++) {
		const struct page *pg = &r->pages[i];
		if (strcmp(pg->url, url) != 0 || strcmp(pg->method, method) != 0 ||
		    strcmp(pg->body_sha, hex) != 0)
			continue;
		if (read_file(pg->path, body, len) != 0)
			return mc_err_set(err, "cannot open saved page %s: %s", pg->path,
					  strerror(errno));
		*content_type = pg->content_type;
		return 0;
	}
	return mc_err_set(err, "not in the saved pages");
}
