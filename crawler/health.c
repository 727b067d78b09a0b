/*
 * Spider-health state (health.h).  One small text file per spider, written
 * atomically (tmp + rename): "run_id items dropped scope".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawler/health.h"
#include "base/alloc.h"
#include "base/dirs.h"
#include "crawler/engine.h"

static char *state_path(const char *dir, const char *spider)
{
	return mc_asprintf("%s/%s.last", dir, spider);
}

int mc_health_judge(const char *state_dir, const char *spider, enum mc_scope scope, long items,
		    long dropped, double min_item_ratio, double max_drop_ratio, char *reason,
		    size_t reasonsz)
{
	char *path = state_path(state_dir, spider);
	FILE *f = fopen(path, "r");
	char run[64], prev_scope[16] = "full"; /* a reference without one is full */
	long prev_items = 0, prev_dropped = 0;
	int suspect = 0, fields = 0;

	reason[0] = '\0';
	if (f)
		fields = fscanf(f, "%63s %ld %ld %15s", run, &prev_items, &prev_dropped, prev_scope);
	if (fields >= 3 && strcmp(prev_scope, mc_run_scope_name(scope)) == 0 && prev_items > 0 &&
	    (double)items < min_item_ratio * (double)prev_items) {
		snprintf(reason, reasonsz, "%ld items, below %.0f%% of the previous complete run %s (%ld)",
			 items, min_item_ratio * 100, run, prev_items);
		suspect = 1;
	}
	if (!suspect && dropped > 0 && (double)dropped > max_drop_ratio * (double)(items + dropped)) {
		snprintf(reason, reasonsz, "%ld of %ld items invalid (more than %.0f%%)", dropped,
			 items + dropped, max_drop_ratio * 100);
		suspect = 1;
	}
	if (f)
		fclose(f);
	free(path);
	return suspect;
}

int mc_health_prepare(const char *state_dir, const char *spider, enum mc_scope scope,
		      const char *run_id, long items, long dropped, struct mc_health_note *note,
		      struct mc_err *err)
{
	FILE *f;

	note->path = state_path(state_dir, spider);
	note->tmp = mc_asprintf("%s.tmp", note->path);
	mc_make_dirs(state_dir);
	f = fopen(note->tmp, "w");
	if (!f || fprintf(f, "%s %ld %ld %s\n", run_id, items, dropped, mc_run_scope_name(scope)) < 0 || fclose(f) != 0) {
		mc_err_set(err, "cannot write %s: %s", note->tmp, strerror(errno));
		if (f)
			fclose(f);
		mc_health_discard(note);
		return -1;
	}
	return 0;
}

int mc_health_commit(struct mc_health_note *note, struct mc_err *err)
{
	int rc = 0;

	if (note->tmp && rename(note->tmp, note->path) != 0)
		rc = mc_err_set(err, "cannot write %s: %s", note->path, strerror(errno));
	free(note->tmp);
	free(note->path);
	note->tmp = note->path = NULL;
	return rc;
}

void mc_health_discard(struct mc_health_note *note)
{
	if (note->tmp)
		unlink(note->tmp);
	free(note->tmp);
	free(note->path);
	note->tmp = note->path = NULL;
}
