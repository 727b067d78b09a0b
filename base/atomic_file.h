/*
 * A file written whole or not at all: the writer writes PATH.tmp, and only
 * a complete write is renamed over PATH (readers such as node_exporter's
 * textfile collector, or a browser reloading a report, never see half a
 * file).  Used by the HTML report and `marketcrawl metrics`.
 */
#ifndef MC_ATOMIC_FILE_H
#define MC_ATOMIC_FILE_H

#include <stdio.h>

#include "base/error.h"

struct mc_atomic_file {
	FILE *f;    /* write here */
	char *tmp;  /* PATH.tmp (owned) */
	char *path; /* PATH (owned) */
};

/* Open PATH.tmp for writing.  0, or -1 with `err` set (nothing to finish). */
int mc_atomic_open(struct mc_atomic_file *a, const char *path, struct mc_err *err);

/*
 * Close the file; when `rc` (the writer's own verdict) is 0 and the close
 * succeeds, rename it over PATH, else remove PATH.tmp.  Frees what `a`
 * owns.  Returns 0, or -1 with `err` set (or `rc`'s failure kept).
 */
int mc_atomic_finish(struct mc_atomic_file *a, int rc, struct mc_err *err);

#endif
