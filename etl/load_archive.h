/*
 * Moving a committed staging file into the archive (docs/loader.md,
 * "Archive"): never overwriting, durable before the original goes.
 */
#ifndef MC_LOAD_ARCHIVE_H
#define MC_LOAD_ARCHIVE_H

#include <stddef.h>

/*
 * Move `path` into ARCHIVE_DIR/<spider>/ under its own name; a name already
 * taken gets ".<file_id>" before ".jsonl".  Returns 0 with "archived to
 * DST" in `msg`, or -1 with the reason in `msg`.
 */
int mc_load_archive(const char *archive_dir, const char *spider, const char *path,
		    long long file_id, char *msg, size_t msg_size);

#endif
