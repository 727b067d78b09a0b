/*
 * Replays saved inputs through the fuzz targets' own entry points
 * (tests/fuzz/fuzz_NAME.c, compiled here without libFuzzer): every file in
 * tests/fuzz/regressions/NAME/ (inputs that once crashed or broke an
 * invariant) and every seed in tests/fuzz/corpus/NAME/.  An invariant
 * broken by a file is one failed check naming the file; a crash is caught
 * by the sanitizer build (make SANITIZE=address,undefined check).  So a
 * fuzz finding, once fixed, stays fixed, and every seed is checked by the
 * normal test run even where nobody has clang.
 */
#define MC_FUZZ_REGRESSION 1

#include <dirent.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#include "../fuzz/fuzz_charset.c"
#include "../fuzz/fuzz_fx_xml.c"
#include "../fuzz/fuzz_html_fast.c"
#include "../fuzz/fuzz_price.c"
#include "../fuzz/fuzz_robots.c"
#include "../fuzz/fuzz_sitemap.c"
#include "../fuzz/fuzz_spider.c"
#include "../fuzz/fuzz_staging_line.c"
#include "../fuzz/fuzz_url.c"

#include "base/log.h"

struct target {
	const char *name;
	int (*one)(const uint8_t *data, size_t size);
};

static const struct target targets[] = {
	{"charset", fuzz_charset_one},     {"fx_xml", fuzz_fx_xml_one},
	{"html_fast", fuzz_html_fast_one},  {"price", fuzz_price_one},
	{"robots", fuzz_robots_one},       {"sitemap", fuzz_sitemap_one},
	{"spider", fuzz_spider_one},       {"staging_line", fuzz_staging_line_one},
	{"url", fuzz_url_one},
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read a whole file into a new exact-size buffer (so ASan sees overreads).
 * Returns 0, or -1 when it cannot be read. */
static int slurp(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	int rc = -1;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0)
		goto out;
	n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = mc_malloc((size_t)n ? (size_t)n : 1);
	if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto out;
	*data = buf;
	*size = (size_t)n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* Run every file of DIR through `t`; one check per file that breaks an
 * invariant (or cannot be read), one summary check.  Returns files run. */
static size_t replay(const struct target *t, const char *dir, const char *kind)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, bad = 0;

	if (!d) {
		NOTE("%s: no %s directory (%s)", t->name, kind, dir);
		return 0;
	}
	for (e = readdir(d); e; e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = mc_realloc(names, cap * sizeof *names);
		}
		names[n++] = mc_strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		char *path = mc_asprintf("%s/%s", dir, names[i]);
		uint8_t *data = NULL;
		size_t size = 0;
		int before = fuzz_failures;

		if (slurp(path, &data, &size) != 0) {
			CHECK(0, "%s: cannot read %s", t->name, path);
			bad++;
		} else {
			t->one(data, size);
			if (fuzz_failures != before) {
				CHECK(0, "%s: %s keeps every invariant", t->name, path);
				bad++;
			}
		}
		free(data);
		free(path);
		free(names[i]);
	}
	free(names);
	CHECK(bad == 0, "%s: %zu %s file(s) replayed, %zu broke an invariant", t->name, n, kind, bad);
	return n;
}

int main(void)
{
	const char *root = getenv("MC_ROOT");
	size_t total = 0;

	mc_library_hooks_install(); /* as main() does, before libxml2 allocates */
	xmlInitParser();
	mc_log_set_level(MC_LOG_ERROR);   /* spiders log every dropped item */
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		char *reg = mc_asprintf("%s/tests/fuzz/regressions/%s", root ? root : ".", targets[i].name);
		char *corpus = mc_asprintf("%s/tests/fuzz/corpus/%s", root ? root : ".", targets[i].name);

		total += replay(&targets[i], reg, "regression");
		total += replay(&targets[i], corpus, "seed");
		free(reg);
		free(corpus);
	}
	CHECK(total > 0, "%zu saved inputs replayed in all", total);
	return tl_exit_status();
}
