/*
 * The loader: one complete staging file into stg.* exactly once, in one
 * transaction, with change detection done set-based in SQL
 * (docs/loader.md has the rules).  It streams the file (memory does not grow
 * with file size), hashes the bytes it reads, COPYs each line's key and
 * state digest into a session temp table, decides in a few statements what
 * is new, changed, unchanged, late or rejected, and reads the file a second
 * time only to COPY the lines to store.  A file whose listings are all new
 * is stored in one pass instead, its lines COPYed as they are read.  It
 * never moves a file before its transaction committed.
 */
#ifndef MC_LOADER_H
#define MC_LOADER_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "base/error.h"

struct mc_loader;

struct mc_load_options {
	const char *archive_dir; /* loaded files go to ARCHIVE_DIR/<spider>/; borrowed */
	bool keep;               /* leave loaded files where they are */
	int threads;             /* parsing threads of the first pass; <= 0: one per
				  * CPU, up to MC_LOAD_THREADS_DEFAULT_MAX */
};

#define MC_LOAD_THREADS_MAX 16
#define MC_LOAD_THREADS_DEFAULT_MAX 4

enum mc_load_outcome {
	MC_LOAD_LOADED,    /* committed (possibly with rejected lines) */
	MC_LOAD_DUPLICATE, /* same content already loaded: nothing inserted */
	MC_LOAD_VANISHED,  /* gone before it could be opened (another loader archived it) */
	MC_LOAD_REFUSED,   /* not a complete staging file: nothing inserted */
	MC_LOAD_FAILED,    /* I/O or database error: nothing inserted */
};

struct mc_load_result {
	long long file_id;      /* stg.loaded_file.file_id (LOADED, DUPLICATE) */
	long read, accepted, late, unchanged, rejected;
	/* Seconds (LOADED).  Two passes: the first pass (validation and COPY
	 * of the keys), classification (from waiting for the loader lock to
	 * the verdicts), then storing (second pass and COMMIT).  One pass:
	 * reading ahead (the sampled keys looked up, the file read through for
	 * its lines, hash and run record) in first_pass_s, no classify_s, and
	 * the pass with the COMMIT in store_s. */
	double first_pass_s, classify_s, store_s;
	bool one_pass;          /* loaded in one pass (all new, docs/loader.md) */
	char sha256[65];
	char message[600];      /* why (REFUSED, FAILED), what (DUPLICATE), where archived */
};

/*
 * Prepare `conn` (borrowed, must outlive the loader) for loading: creates
 * the session's temp tables.  Returns NULL with `err` set.
 */
struct mc_loader *mc_loader_new(PGconn *conn, const struct mc_load_options *opt,
				struct mc_err *err);
void mc_loader_free(struct mc_loader *l);

/* Load one file; fills `res` and returns the outcome.  After
 * MC_LOAD_FAILED the connection may be broken (check PQstatus). */
enum mc_load_outcome mc_loader_load_file(struct mc_loader *l, const char *path,
					 struct mc_load_result *res);

#endif
