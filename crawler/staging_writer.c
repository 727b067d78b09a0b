/*
 * Atomic staging files (staging_writer.h).  The rename is the commit point:
 * the loader only ever sees complete .jsonl files.  The header's and the
 * run record's member names are staging/format.h's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/dirs.h"
#include "base/log.h"
#include "crawler/staging_writer.h"
#include "staging/format.h"

struct mc_staging_writer {
	FILE *f;
	char *dir;
	char *part;
	char *final;
};

struct mc_staging_writer *mc_staging_open(const char *dir, const char *spider, const char *run_id,
					  const char *started_at, struct mc_err *err)
{
	struct mc_staging_writer *w;
	json_t *hdr;
	char *line;

	if (mc_make_dirs(dir) != 0) {
		mc_err_set(err, "cannot create directory %s: %s", dir, strerror(errno));
		return NULL;
	}
	w = mc_calloc(1, sizeof *w);
	w->dir = mc_strdup(dir);
	w->part = mc_asprintf("%s/%s.part", dir, run_id);
	w->final = mc_asprintf("%s/%s.jsonl", dir, run_id);
	if (access(w->final, F_OK) == 0) {
		mc_err_set(err, "staging file %s already exists", w->final);
		goto fail;
	}
	w->f = fopen(w->part, "wx");
	if (!w->f) {
		mc_err_set(err, "cannot create staging file %s: %s", w->part, strerror(errno));
		goto fail;
	}
	setvbuf(w->f, NULL, _IOFBF, 1 << 16);
	hdr = json_pack("{s:s, s:i, s:s, s:s, s:s}", mc_staging_fields[MC_KEY_FORMAT].name,
			MC_STAGING_FORMAT_NAME, mc_staging_fields[MC_KEY_VERSION].name,
			MC_STAGING_VERSION, mc_staging_fields[MC_KEY_SPIDER].name, spider,
			mc_staging_fields[MC_KEY_RUN_ID].name, run_id,
			mc_staging_fields[MC_KEY_STARTED_AT].name, started_at);
	line = json_dumps(hdr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(hdr);
	int rc = fprintf(w->f, "%s\n", line);
	free(line);
	if (rc < 0) {
		mc_err_set(err, "cannot write %s: %s", w->part, strerror(errno));
		goto fail;
	}
	return w;
fail:
	mc_staging_abandon(w);
	return NULL;
}

int mc_staging_write(struct mc_staging_writer *w, const char *lines, size_t len,
		     struct mc_err *err)
{
	if (len && fwrite(lines, 1, len, w->f) != len)
		return mc_err_set(err, "cannot write %s: %s", w->part, strerror(errno));
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int mc_staging_finish(struct mc_staging_writer *w, json_t *run, char **final_path,
		      struct mc_err *err)
{
	json_t *wrap = json_pack("{s:O}", mc_staging_fields[MC_KEY_RUN].name, run);
	char *line = json_dumps(wrap, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc = -1;

	json_decref(wrap);
	if (fprintf(w->f, "%s\n", line) < 0 || fflush(w->f) != 0 || fsync(fileno(w->f)) != 0) {
		mc_err_set(err, "cannot write %s: %s", w->part, strerror(errno));
		goto out;
	}
	if (fclose(w->f) != 0) {
		w->f = NULL;
		mc_err_set(err, "cannot close %s: %s", w->part, strerror(errno));
		goto out;
	}
	w->f = NULL;
	/* The copy is made first: nothing may fail after the rename. */
	if (final_path)
		*final_path = mc_strdup(w->final);
	if (rename(w->part, w->final) != 0) {
		mc_err_set(err, "cannot rename %s: %s", w->part, strerror(errno));
		if (final_path) {
			free(*final_path);
			*final_path = NULL;
		}
		goto out;
	}
	if (fsync_dir(w->dir) != 0)
		mc_warn("cannot fsync directory %s: %s", w->dir, strerror(errno));
	rc = 0;
out:
	free(line);
	mc_staging_abandon(w);
	return rc;
}

void mc_staging_abandon(struct mc_staging_writer *w)
{
	if (!w)
		return;
	if (w->f)
		fclose(w->f);
	free(w->dir);
	free(w->part);
	free(w->final);
	free(w);
}

void mc_staging_discard(struct mc_staging_writer *w)
{
	if (!w)
		return;
	if (w->f)
		fclose(w->f);
	w->f = NULL;
	if (unlink(w->part) != 0)
		mc_warn("cannot remove %s: %s", w->part, strerror(errno));
	mc_staging_abandon(w);
}
