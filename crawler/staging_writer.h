/*
 * Writes a staging file (docs/staging-format.md) atomically: header and
 * items go to DIR/RUN_ID.part; finishing appends the run record, fsyncs,
 * renames to DIR/RUN_ID.jsonl and fsyncs the directory.  A crash at any
 * point leaves at most a .part, which the loader never reads.
 */
#ifndef MC_STAGING_WRITER_H
#define MC_STAGING_WRITER_H

#include <stddef.h>

#include <jansson.h>

#include "base/error.h"

struct mc_staging_writer;

/*
 * Create DIR (and parents) and DIR/RUN_ID.part with the header line.
 * Returns a new writer, or NULL with `err` saying why.
 */
struct mc_staging_writer *mc_staging_open(const char *dir, const char *spider,
					  const char *run_id, const char *started_at,
					  struct mc_err *err);
/* Append complete "\n"-terminated lines.  Returns 0, or -1 with `err`
 * saying why. */
int mc_staging_write(struct mc_staging_writer *w, const char *lines, size_t len,
		     struct mc_err *err);
/*
 * Append {"run": run} (borrowed), fsync, rename, fsync the directory, free
 * the writer.  On success returns 0 and, if `final_path` is not NULL, a
 * new string with the .jsonl path (caller frees).  On failure returns -1
 * with `err` saying why, and leaves the .part.  A directory that cannot be
 * fsynced after the rename is only a warning (logged): the file is there.
 */
int mc_staging_finish(struct mc_staging_writer *w, json_t *run, char **final_path,
		      struct mc_err *err);
/* Close and free without finishing: only the .part remains. */
void mc_staging_abandon(struct mc_staging_writer *w);
/* Close, remove the .part and free: a run that produced nothing leaves no
 * file at all (a .part that cannot be removed is logged).  NULL is allowed. */
void mc_staging_discard(struct mc_staging_writer *w);

#endif
