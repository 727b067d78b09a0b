/*
 * Directory creation shared by the staging writer, the spider-health state
 * and the loader's archive, so "mkdir -p" is written once.
 */
#ifndef MC_DIRS_H
#define MC_DIRS_H

/* Create `path` and every missing parent (mode 0755), like `mkdir -p`.
 * Returns 0 when the directory exists afterwards, else -1 with errno set. */
int mc_make_dirs(const char *path);

#endif
