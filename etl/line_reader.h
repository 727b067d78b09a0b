/*
 * Reads a staging file line by line through a read-only memory mapping,
 * hashing every byte exactly once (the file's content SHA-256 is its
 * identity).  No copy of the file is made (read() into a buffer cost the
 * loader a quarter of its CPU in the kernel's copy), and the pages already
 * passed are released as it goes, so the loader's memory does not grow with
 * the file.  Lines longer than MC_STAGING_MAX_LINE are cut to their start.
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

#include "marketcrawl/sha256.h"
#include "marketcrawl/staging.h"

struct mc_line_reader {
	const char *map;   /* NULL for an empty file */
	size_t size;       /* bytes mapped */
	size_t pos;        /* start of the next line */
	size_t hashed;     /* bytes hashed so far */
	size_t released;   /* bytes whose pages were given back */
	struct mc_sha256 sha;
	char longbuf[2 * MC_STAGING_RAW_KEEP]; /* the start of a too-long line */
};

/* Map the regular file `fd` (borrowed; it may be closed afterwards) of
 * `size` bytes.  Returns 0, or -1 with errno set. */
int mc_line_reader_open(struct mc_line_reader *r, int fd, size_t size);

/* Unmap.  Safe on a reader that was never opened (all zero). */
void mc_line_reader_close(struct mc_line_reader *r);

/* Start over at the first line, hash included. */
void mc_line_reader_rewind(struct mc_line_reader *r);

/* The next line without its "\n": 1 (`*too_long` set when it passed
 * MC_STAGING_MAX_LINE; then only its start is returned), 0 at the end.
 * `*line` stays valid until the next call. */
int mc_line_reader_next(struct mc_line_reader *r, const char **line, size_t *n, bool *too_long);

/* Hash the rest of the file without splitting it into lines. */
void mc_line_reader_skip_rest(struct mc_line_reader *r);

/* Finish the hash of everything passed: 64 hex digits plus NUL. */
void mc_line_reader_sha256(struct mc_line_reader *r, char hex[65]);

#endif
