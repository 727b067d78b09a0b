/*
 * `marketcrawl load [PATH...]`: find complete staging files (*.jsonl, never
 * *.part; directories are walked, default <data-dir>/staging), load each in
 * name order with etl/loader.c, print one line per file and a total, and
 * turn the outcomes into one exit status (docs/loader.md):
 *   0 all loaded cleanly (or already loaded / nothing to do),
 *   3 loaded, but some lines were rejected,
 *   1 some file was refused or failed (the others were still loaded).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/alloc.h"
#include "cli/commands.h"
#include "cli/db_session.h"
#include "cli/exitcode.h"
#include "etl/loader.h"
#include "base/log.h"

struct path_list {
	char **v;
	size_t n, cap;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: marketcrawl load [--db CONNINFO] [--data-dir DIR] [--archive-dir DIR]\n"
		"                        [--keep] [--threads N] [PATH...]\n"
		"\n"
		"Load complete staging files (*.jsonl; *.part is never read) into PostgreSQL,\n"
		"each exactly once (by content hash) and in its own transaction.  PATHs may be\n"
		"files or directories (walked); default: every file under DATA_DIR/staging.\n"
		"The schema is migrated first if needed.\n"
		"\n"
		"  --db CONNINFO      libpq connection string or URI; default: PG* environment\n"
		"  --data-dir DIR     default $MARKETCRAWL_HOME, else ./var\n"
		"  --archive-dir DIR  where loaded files go, as DIR/<spider>/ (default DATA_DIR/archive)\n"
		"  --keep             leave loaded files where they are\n"
		"  --threads N        threads validating a file's lines, 1 to 16 (default: one\n"
		"                     per CPU, up to 4); the result does not depend on it\n"
		"\n"
		"exit status: 0 loaded (or nothing new), 3 loaded with rejected lines,\n"
		"             1 a file was refused or failed (the others were still loaded)\n");
}

static void add_path(struct path_list *l, const char *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = mc_realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = mc_strdup(p);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Collect *.jsonl files under dir (symlinked directories are not followed). */
static int walk(const char *dir, struct path_list *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		mc_error("cannot read directory %s: %s", dir, strerror(errno));
		return -1;
	}
	for (;;) {
		errno = 0;
		e = readdir(d);
		if (!e)
			break;
		if (e->d_name[0] == '.')
			continue;
		char *p = mc_asprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rc |= walk(p, out);
		else if (ends_with(e->d_name, ".jsonl"))
			add_path(out, p);
		free(p);
	}
	if (errno != 0) {
		mc_error("cannot read directory %s: %s", dir, strerror(errno));
		rc = -1;
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --threads N: 1 to MC_LOAD_THREADS_MAX.  0, or -1 (said). */
static int threads_arg(const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end || n < 1 || n > MC_LOAD_THREADS_MAX) {
		fprintf(stderr, "marketcrawl load: --threads needs a number from 1 to %d, not '%s'\n",
			MC_LOAD_THREADS_MAX, v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int mc_cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		MC_OPT_DB,
		MC_OPT_DATA_DIR,
		{"archive-dir", required_argument, NULL, 'a'},
		{"keep", no_argument, NULL, 'k'},
		{"threads", required_argument, NULL, 't'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	struct mc_load_args a = {0};
	int c;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "h", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'd': a.conninfo = optarg; break;
		case 'D': a.data_dir = optarg; break;
		case 'a': a.archive_dir = optarg; break;
		case 'k': a.keep = true; break;
		case 't':
			if (threads_arg(optarg, &a.threads) != 0)
				return mc_usage_hint("load");
			break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("load");
		}
	}
	a.paths = (const char *const *)argv + optind;
	a.npaths = argc - optind;
	return mc_load_command(&a);
}

int mc_load_command(const struct mc_load_args *a)
{
	struct mc_load_options opt = {NULL, a->keep, a->threads};
	struct mc_err err = {""};
	struct path_list files = {0};
	struct mc_loader *loader = NULL;
	PGconn *conn = NULL;
	char *archive_dir = NULL;
	int rc = MC_EXIT_OK;
	long n_loaded = 0, n_dup = 0, n_bad = 0, n_rej = 0, rows_acc = 0, rows_rej = 0;
	bool failed = false, rejects = false;

	const char *data_dir = mc_data_dir(a->data_dir);
	archive_dir = a->archive_dir ? mc_strdup(a->archive_dir) : mc_asprintf("%s/archive", data_dir);
	opt.archive_dir = archive_dir;

	if (a->npaths == 0) {
		char *staging = mc_asprintf("%s/staging", data_dir);
		struct stat st;
		if (stat(staging, &st) == 0 && walk(staging, &files) != 0)
			failed = true;
		free(staging);
	}
	for (int i = 0; i < a->npaths; i++) {
		const char *path = a->paths[i];
		struct stat st;
		if (stat(path, &st) != 0) {
			mc_error("%s: %s", path, strerror(errno));
			failed = true;
		} else if (S_ISDIR(st.st_mode)) {
			failed |= walk(path, &files) != 0;
		} else if (ends_with(path, ".part")) {
			mc_error("%s: a .part file is an unfinished crawl; it is never loaded", path);
			failed = true;
		} else {
			add_path(&files, path);
		}
	}
	if (files.n == 0) {
		printf("nothing to load\n");
		goto out;
	}
	qsort(files.v, files.n, sizeof *files.v, cmp_str);

	conn = mc_cli_db_open(a->conninfo, true);
	if (!conn) {
		failed = true;
		goto out;
	}
	loader = mc_loader_new(conn, &opt, &err);
	if (!loader) {
		mc_error("%s", err.msg);
		failed = true;
		goto out;
	}
	for (size_t i = 0; i < files.n; i++) {
		struct mc_load_result res;
		enum mc_load_outcome o = mc_loader_load_file(loader, files.v[i], &res);

		switch (o) {
		case MC_LOAD_LOADED:
			n_loaded++;
			rows_acc += res.accepted;
			rows_rej += res.rejected;
			n_rej += res.rejected > 0;
			rejects |= res.rejected > 0;
			printf("loaded %s: %ld read, %ld accepted (%ld late), %ld unchanged, %ld rejected"
			       " (file %lld; ", files.v[i], res.read, res.accepted, res.late,
			       res.unchanged, res.rejected, res.file_id);
			if (res.one_pass)
				printf("one pass: %.2f s reading ahead, %.2f s store)", res.first_pass_s,
				       res.store_s);
			else
				printf("%.2f s first pass, %.2f s classify, %.2f s store)",
				       res.first_pass_s, res.classify_s, res.store_s);
			printf("%s%s\n", opt.keep ? "" : "; ", opt.keep ? "" : res.message);
			break;
		case MC_LOAD_DUPLICATE:
			n_dup++;
			printf("skipped %s: already loaded, nothing inserted (%s)\n", files.v[i],
			       res.message);
			break;
		case MC_LOAD_VANISHED:
			printf("skipped %s: gone (archived by another loader?)\n", files.v[i]);
			break;
		case MC_LOAD_REFUSED:
			n_bad++;
			failed = true;
			mc_error("refused %s", res.message);
			break;
		case MC_LOAD_FAILED:
			n_bad++;
			failed = true;
			mc_error("failed %s: %s", files.v[i], res.message);
			break;
		}
		fflush(stdout);
		if (o == MC_LOAD_FAILED && PQstatus(conn) != CONNECTION_OK) {
			mc_error("lost the database connection; stopping (nothing of %s was kept)",
				 files.v[i]);
			break;
		}
	}
	printf("%ld file(s) loaded, %ld already loaded, %ld refused or failed; "
	       "%ld rows accepted, %ld rejected\n", n_loaded, n_dup, n_bad, rows_acc, rows_rej);
out:
	if (failed) {
		rc = MC_EXIT_FAIL;
	} else if (rejects) {
		rc = MC_EXIT_REJECTS;
		mc_error("%ld line(s) rejected in %ld file(s); the rest loaded "
			 "(reasons and line numbers in stg.rejected_line)", rows_rej, n_rej);
	}
	mc_loader_free(loader);
	if (conn)
		PQfinish(conn);
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	free(archive_dir);
	return rc;
}
