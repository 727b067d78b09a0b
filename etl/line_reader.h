/*
 * Reads a staging file line by line in large blocks, hashing every byte
 * exactly once (the file's content SHA-256 is its identity), without ever
 * holding more than one block: the loader's memory does not grow with the
 * file.  Lines longer than MC_STAGING_MAX_LINE are cut to their start.
 */
#ifndef MC_LINE_READER_H
#define MC_LINE_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "marketcrawl/sha256.h"
#include "marketcrawl/staging.h"

#define MC_LINE_READER_BUF (4u * 1024 * 1024)

struct mc_line_reader {
	int fd;            /* borrowed: the caller opens and closes it */
	char *buf;         /* borrowed, MC_LINE_READER_BUF bytes */
	size_t pos, len;
	bool eof;
	struct mc_sha256 sha;
	char longbuf[2 * MC_STAGING_RAW_KEEP]; /* the start of a too-long line */
};

/* Start reading `fd` from its current offset into `buf`. */
void mc_line_reader_init(struct mc_line_reader *r, int fd, char *buf);

/* Seek back to the start of the file and start over (hash included).
 * Returns 0 or -1 (errno set). */
int mc_line_reader_rewind(struct mc_line_reader *r);

/* The next line without its "\n": 1 (`*too_long` set when it passed
 * MC_STAGING_MAX_LINE; then only its start is returned), 0 at the end, -1
 * on a read error (errno set).  `*line` stays valid until the next call. */
int mc_line_reader_next(struct mc_line_reader *r, const char **line, size_t *n, bool *too_long);

/* Hash the rest of the file without splitting it into lines.  0 or -1. */
int mc_line_reader_skip_rest(struct mc_line_reader *r);

/* Finish the hash of everything read: 64 hex digits plus NUL. */
void mc_line_reader_sha256(struct mc_line_reader *r, char hex[65]);

#endif
