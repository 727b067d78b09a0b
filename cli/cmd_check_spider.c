/*
 * `marketcrawl check-spider NAME`: the spider contract test.  Replays the
 * saved pages of tests/spiders/NAME/ through the real engine (one request
 * at a time, breadth-first, so the order is fixed), and compares every
 * emitted item, field by field and in order, with expected.jsonl.
 * observed_at is the only field left out: it is the time of the run.
 * Saved pages are matched on method, URL and body (replay.h), so a spider
 * that POSTs to an API is tested like one that GETs pages.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawler/engine.h"
#include "base/alloc.h"
#include "cli/commands.h"
#include "cli/exitcode.h"
#include "base/log.h"
#include "marketcrawl/registry.h"
#include "crawler/replay.h"

struct lines {
	char **v;
	size_t n;
};

static void lines_release(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* An item line in canonical form: compact, key order kept, no observed_at. */
static char *canonical(const char *line, const char *file, size_t lineno)
{
	json_error_t err;
	json_t *o = json_loads(line, 0, &err);
	char *out;

	if (!json_is_object(o)) {
		fprintf(stderr, "%s:%zu: not a JSON object: %s\n", file, lineno, err.text);
		json_decref(o);
		return NULL;
	}
	json_object_del(o, "observed_at");
	out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return out;
}

/* Read JSON lines from `f` in canonical form; -1 on a bad line. */
static int read_items(FILE *f, const char *name, struct lines *out)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;

	for (;;) {
		len = getline(&line, &cap, f);
		if (len < 0)
			break;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		char *c = canonical(line, name, lineno);
		if (!c) {
			rc = -1;
			break;
		}
		out->v = mc_realloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = c;
	}
	free(line);
	return rc;
}

/* Print which fields of two item lines differ. */
static void field_diff(const char *want, const char *got)
{
	json_t *w = json_loads(want, 0, NULL), *g = json_loads(got, 0, NULL);
	const char *key;
	json_t *v;

	json_object_foreach(w, key, v) {
		json_t *gv = json_object_get(g, key);
		if (!json_equal(v, gv)) {
			char *a = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER);
			char *b = gv ? json_dumps(gv, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER) :
				       mc_strdup("(missing)");
			printf("    %s: expected %s, got %s\n", key, a, b);
			free(a);
			free(b);
		}
	}
	json_object_foreach(g, key, v) {
		if (!json_object_get(w, key))
			printf("    %s: not expected, got it\n", key);
	}
	json_decref(w);
	json_decref(g);
}

static int compare(const struct lines *want, const struct lines *got, const char *name)
{
	size_t n = want->n > got->n ? want->n : got->n;
	int diffs = 0;

	for (size_t i = 0; i < n; i++) {
		const char *w = i < want->n ? want->v[i] : NULL;
		const char *g = i < got->n ? got->v[i] : NULL;
		if (w && g && strcmp(w, g) == 0)
			continue;
		diffs++;
		printf("item %zu differs:\n", i + 1);
		if (w)
			printf("  - %s\n", w);
		if (g)
			printf("  + %s\n", g);
		if (w && g)
			field_diff(w, g);
	}
	if (diffs)
		printf("%s: %d of %zu item(s) differ (expected %zu, got %zu)\n", name, diffs, n,
		       want->n, got->n);
	else
		printf("%s: all %zu items match\n", name, got->n);
	return diffs;
}

static char **read_start_urls(const char *path)
{
	FILE *f = fopen(path, "r");
	char **urls = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	ssize_t len;

	if (!f)
		return NULL;
	for (;;) {
		len = getline(&line, &cap, f);
		if (len < 0)
			break;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		urls = mc_realloc(urls, (n + 2) * sizeof *urls);
		urls[n++] = mc_strdup(line);
		urls[n] = NULL;
	}
	free(line);
	fclose(f);
	return urls;
}

/* BASE/NAME.CODE.EXT when region CODE is asked for and has such a file of
 * its own, else BASE/NAME.EXT (the default region's).  Caller frees. */
static char *region_file(const char *base, const char *name, const char *code, const char *ext)
{
	if (code) {
		char *own = mc_asprintf("%s/%s.%s%s", base, name, code, ext);

		if (access(own, F_OK) == 0)
			return own;
		free(own);
	}
	return mc_asprintf("%s/%s%s", base, name, ext);
}

static void usage(FILE *out)
{
	fputs("usage: marketcrawl check-spider NAME [--dir DIR] [--print] [--region CODE]\n\n"
	      "Replay the saved pages of DIR/NAME (default DIR: tests/spiders) through the\n"
	      "engine and compare the items with DIR/NAME/expected.jsonl, every field in\n"
	      "order (observed_at excepted).  Files: pages.tsv\n"
	      "(URL<TAB>FILE[<TAB>TYPE[<TAB>METHOD[<TAB>BODY]]], BODY = sha256:HEX or a\n"
	      "file under pages/ holding the exact request body), pages/, start_urls,\n"
	      "expected.jsonl.  --print writes the items instead of comparing (check each\n"
	      "one against the page before you save it).  --region CODE replays one of the\n"
	      "spider's regions (default: its first, if it has regions), from\n"
	      "start_urls.CODE and against expected.CODE.jsonl where they exist.\n"
	      "Exit status: 0 all items match, 1 a difference or an error, 2 usage.\n",
	      out);
}

int mc_cmd_check_spider(int argc, char **argv)
{
	static const struct option opts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"print", no_argument, NULL, 'p'},
		{"region", required_argument, NULL, 'r'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	const char *dir = "tests/spiders", *region = NULL;
	bool print = false;
	int ch, rc = MC_EXIT_FAIL;
	char *base = NULL, *tsv = NULL, *pages = NULL, *starts = NULL, *expected = NULL;
	char **start_urls = NULL;
	struct mc_replay *replay = NULL;
	struct mc_err err = {""};
	struct lines want = {0}, got = {0};
	FILE *out = NULL, *ef = NULL;

	optind = 1;
	for (ch = getopt_long(argc, argv, "h", opts, NULL); ch != -1;
	     ch = getopt_long(argc, argv, "h", opts, NULL)) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'p': print = true; break;
		case 'r': region = optarg; break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("check-spider");
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return MC_EXIT_USAGE;
	}
	const struct mc_spider *spider = mc_spider_find(argv[optind]);
	if (!spider) {
		fprintf(stderr, "marketcrawl check-spider: no spider named '%s'\n", argv[optind]);
		return MC_EXIT_USAGE;
	}
	const struct mc_region *rg = region ? mc_spider_region(spider, region) : NULL;
	if (region && !rg) {
		char codes[512];
		mc_spider_region_codes(spider, codes, sizeof codes);
		fprintf(stderr, "marketcrawl check-spider: spider '%s' has no region '%s'%s%s%s\n",
			spider->name, region, codes[0] ? " (its regions: " : "", codes,
			codes[0] ? ")" : "");
		return MC_EXIT_USAGE;
	}
	base = mc_asprintf("%s/%s", dir, spider->name);
	tsv = mc_asprintf("%s/pages.tsv", base);
	pages = mc_asprintf("%s/pages", base);
	starts = region_file(base, "start_urls", region, "");
	expected = region_file(base, "expected", region, ".jsonl");
	replay = mc_replay_load(tsv, pages, &err);
	if (!replay) {
		mc_error("%s", err.msg);
		goto out;
	}
	start_urls = read_start_urls(starts);
	if (!start_urls) {
		fprintf(stderr, "marketcrawl check-spider: cannot read %s: %s\n", starts, strerror(errno));
		goto out;
	}
	out = tmpfile();
	if (!out) {
		fprintf(stderr, "marketcrawl check-spider: no temporary file: %s\n", strerror(errno));
		goto out;
	}

	struct mc_crawl_opts o;
	struct mc_crawl_result res;
	mc_crawl_opts_replay(&o, spider, replay);
	if (rg)
		o.region = rg;
	o.start_urls = (const char *const *)start_urls;
	o.out.items_out = out;
	mc_crawl_run(&o, &res);
	mc_crawl_result_release(&res);
	rewind(out);
	if (read_items(out, "(emitted items)", &got) != 0)
		goto out;
	if (print) {
		for (size_t i = 0; i < got.n; i++)
			puts(got.v[i]);
		rc = MC_EXIT_OK;
		goto out;
	}
	ef = fopen(expected, "r");
	if (!ef) {
		fprintf(stderr, "marketcrawl check-spider: cannot read %s: %s\n", expected, strerror(errno));
		goto out;
	}
	if (read_items(ef, expected, &want) != 0)
		goto out;
	rc = compare(&want, &got, spider->name) ? MC_EXIT_FAIL : MC_EXIT_OK;
out:
	if (out)
		fclose(out);
	if (ef)
		fclose(ef);
	lines_release(&want);
	lines_release(&got);
	for (char **p = start_urls; p && *p; p++)
		free(*p);
	free(start_urls);
	mc_replay_free(replay);
	free(base);
	free(tsv);
	free(pages);
	free(starts);
	free(expected);
	return rc;
}
