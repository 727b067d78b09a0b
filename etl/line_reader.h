/*
 * Reads a staging file line by line through a read-only memory mapping,
 * hashing every byte exactly once (the file's content SHA-256 is its
 * identity).  No copy of the file is made (read() into a buffer cost the
 * loader a quarter of its CPU in the kernel's copy), and the pages already
 * passed are released as it goes, so the loader's memory does not grow with
 * the file.  Lines longer than MC_STAGING_MAX_LINE are cut to their start.
 *
 * The hashing runs on a thread of its own, a step behind the lines handed
 * out: it takes a quarter of the loader's CPU, which on the loader's
 * critical path would make the first pass a quarter slower.  It hashes the
 * same mapping, only bytes the caller has already been given.  Without a
 * thread (pthread_create failed) the reader hashes in line.
 *
 * The mapping covers the file's size when opened.  A staging file is never
 * changed in place (the crawler renames a finished .part); should someone
 * truncate it while it is loaded, the loader dies of SIGBUS and, as after
 * kill -9, nothing of the file is committed.
 */
#ifndef MC_LINE_READER_H
#define MC_LINE_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "staging/staging.h"

struct mc_step_hasher;

struct mc_line_reader {
	const char *map;   /* NULL for an empty file */
	size_t size;       /* bytes mapped */
	size_t pos;        /* start of the next line */
	size_t passed;     /* bytes handed to the hasher */
	size_t released;   /* bytes whose pages were given back */
	size_t hold;       /* bytes from here on are never given back (mc_line_reader_hold) */
	struct mc_step_hasher *hasher;  /* owned */
	char longbuf[2 * MC_STAGING_RAW_KEEP]; /* the start of a too-long line */
};

/* Map the regular file `fd` (borrowed; it may be closed afterwards) of
 * `size` bytes and start the hashing thread.  Returns 0, or -1 with errno
 * set.  Call mc_line_reader_close() in either case. */
int mc_line_reader_open(struct mc_line_reader *r, int fd, size_t size);

/* Stop the hashing thread and unmap.  Safe on a reader that was never
 * opened (all zero). */
void mc_line_reader_close(struct mc_line_reader *r);

/* Start over at the first line, hash included. */
void mc_line_reader_rewind(struct mc_line_reader *r);

/* The next line without its "\n": 1 (`*too_long` set when it passed
 * MC_STAGING_MAX_LINE; then only its start is returned), 0 at the end.
 * `*line` stays valid until the next call. */
int mc_line_reader_next(struct mc_line_reader *r, const char **line, size_t *n, bool *too_long);

/* Keep the pages from byte `from` on mapped in (SIZE_MAX: none, the
 * default): lines handed out earlier but still to be read by other
 * threads (etl/key_pool.h) must not be given back, or their pages come
 * back for good when read. */
void mc_line_reader_hold(struct mc_line_reader *r, size_t from);

/* Hash the rest of the file without splitting it into lines. */
void mc_line_reader_skip_rest(struct mc_line_reader *r);

/* Hash the rest of the file as mc_line_reader_skip_rest() does, counting
 * its lines as mc_line_reader_next() would hand them out. */
long mc_line_reader_count_rest(struct mc_line_reader *r);

/* The file's last line without its "\n" (`*line` points into the mapping;
 * its length is returned, whatever it is): the reader does not move. */
size_t mc_line_reader_last(const struct mc_line_reader *r, const char **line);

/* Give back every page of the mapping, wherever the reader is: for a
 * caller that read a line through r->map out of order.  One read there can
 * map in a megabyte (a large folio of the page cache: 64 sampled lines of a
 * 140 MB file mapped in 64 MiB, measured); the pages come back from the
 * page cache when read again. */
void mc_line_reader_give_back(struct mc_line_reader *r);

/* Finish the hash of everything passed: 64 hex digits plus NUL.  Waits
 * for the hashing thread to catch up.  Rewind before reading on. */
void mc_line_reader_sha256(struct mc_line_reader *r, char hex[65]);

#endif
