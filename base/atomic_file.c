/*
 * Writing a file through PATH.tmp and a rename (base/atomic_file.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "base/atomic_file.h"

int mc_atomic_open(struct mc_atomic_file *a, const char *path, struct mc_err *err)
{
	a->tmp = mc_asprintf("%s.tmp", path);
	a->f = fopen(a->tmp, "w");
	if (!a->f) {
		mc_err_set(err, "cannot write %s: %m", a->tmp);
		free(a->tmp);
		a->tmp = NULL;
		return -1;
	}
	a->path = mc_strdup(path);
	return 0;
}

int mc_atomic_finish(struct mc_atomic_file *a, int rc, struct mc_err *err)
{
	if (fclose(a->f) != 0 && rc == 0)
		rc = mc_err_set(err, "writing %s: %m", a->tmp);
	if (rc == 0 && rename(a->tmp, a->path) != 0)
		rc = mc_err_set(err, "renaming %s to %s: %m", a->tmp, a->path);
	if (rc != 0)
		remove(a->tmp);
	free(a->tmp);
	free(a->path);
	a->f = NULL;
	a->tmp = a->path = NULL;
	return rc;
}
