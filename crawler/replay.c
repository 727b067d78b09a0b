/*
 * Saved-page replay (replay.h): a small URL → file map read from a TSV.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/alloc.h"
#include "marketcrawl/buf.h"
#include "marketcrawl/log.h"
#include "marketcrawl/url.h"
#include "replay.h"

struct page {
	char *url;
	char *path;
	char *content_type;
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

struct mc_replay *mc_replay_load(const char *tsv, const char *pages_dir)
{
	FILE *f = fopen(tsv, "r");
	struct mc_replay *r;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;

	if (!f) {
		mc_error("cannot open %s: %s", tsv, strerror(errno));
		return NULL;
	}
	r = mc_calloc(1, sizeof *r);
	for (;;) {
		len = getline(&line, &cap, f);
		if (len < 0)
			break;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab) {
			mc_error("%s:%d: expected URL<TAB>FILE", tsv, lineno);
			goto fail;
		}
		*tab = '\0';
		char *file = tab + 1;
		char *tab2 = strchr(file, '\t');
		if (tab2)
			*tab2 = '\0';
		char *url = mc_url_normalize(line, NULL);
		if (!url) {
			mc_error("%s:%d: not an http(s) URL: %s", tsv, lineno, line);
			goto fail;
		}
		r->pages = mc_realloc(r->pages, (r->n + 1) * sizeof *r->pages);
		r->pages[r->n].url = url;
		r->pages[r->n].path = mc_asprintf("%s/%s", pages_dir, file);
		r->pages[r->n].content_type = mc_strdup(tab2 ? tab2 + 1 : "text/html");
		r->n++;
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

int mc_replay_fetch(const struct mc_replay *r, const char *url, char **body, size_t *len,
		    const char **content_type)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->pages[i].url, url) != 0)
			continue;
		FILE *f = fopen(r->pages[i].path, "rb");
		struct mc_buf b;
		char chunk[65536];
		size_t n;
		if (!f) {
			mc_error("cannot open saved page %s: %s", r->pages[i].path, strerror(errno));
			return -1;
		}
		mc_buf_init(&b, 0);
		for (n = fread(chunk, 1, sizeof chunk, f); n > 0; n = fread(chunk, 1, sizeof chunk, f))
			mc_buf_add(&b, chunk, n);
		fclose(f);
		*body = mc_buf_detach(&b, len);
		*content_type = r->pages[i].content_type;
		return 0;
	}
	return -1;
}
