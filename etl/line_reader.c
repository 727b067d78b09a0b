/*
 * Block-wise line reading with hashing (etl/line_reader.h): the loader
 * reads every staging file through this, once per pass.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "line_reader.h"

void mc_line_reader_init(struct mc_line_reader *r, int fd, char *buf)
{
	r->fd = fd;
	r->buf = buf;
	r->pos = r->len = 0;
	r->eof = false;
	mc_sha256_init(&r->sha);
}

int mc_line_reader_rewind(struct mc_line_reader *r)
{
	if (lseek(r->fd, 0, SEEK_SET) != 0)
		return -1;
	mc_line_reader_init(r, r->fd, r->buf);
	return 0;
}

/* Bytes asked of one read(): small enough that the bytes just read are
 * still in the CPU cache when they are hashed and parsed (a whole-buffer
 * read costs a third more CPU); the buffer is large only for long lines. */
#define READ_CHUNK (256u * 1024)

/* read() into buf at `at`, hashing what arrived: bytes read, 0 at the end, -1. */
static ssize_t fill(struct mc_line_reader *r, size_t at)
{
	size_t room = MC_LINE_READER_BUF - at;

	for (;;) {
		ssize_t got = read(r->fd, r->buf + at, room < READ_CHUNK ? room : READ_CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got > 0)
			mc_sha256_update(&r->sha, r->buf + at, (size_t)got);
		return got;
	}
}

/* Skip the rest of a too-long line, up to and including its "\n". */
static int skip_long_line(struct mc_line_reader *r)
{
	r->pos = r->len = 0;
	for (;;) {
		ssize_t got = fill(r, 0);
		if (got < 0)
			return -1;
		if (got == 0) {
			r->eof = true;
			return 1;
		}
		char *nl = memchr(r->buf, '\n', (size_t)got);
		if (nl) {
			r->pos = (size_t)(nl - r->buf) + 1;
			r->len = (size_t)got;
			return 1;
		}
	}
}

int mc_line_reader_next(struct mc_line_reader *r, const char **line, size_t *n, bool *too_long)
{
	size_t scanned = 0;

	*too_long = false;
	for (;;) {
		char *nl = memchr(r->buf + r->pos + scanned, '\n', r->len - r->pos - scanned);
		if (nl) {
			*line = r->buf + r->pos;
			*n = (size_t)(nl - *line);
			r->pos += *n + 1;
			if (*n > MC_STAGING_MAX_LINE) {
				*too_long = true;
				memcpy(r->longbuf, *line, sizeof r->longbuf);
				*line = r->longbuf;
				*n = sizeof r->longbuf;
			}
			return 1;
		}
		scanned = r->len - r->pos;
		if (scanned > MC_STAGING_MAX_LINE)
			break;
		if (r->eof) {
			if (scanned == 0)
				return 0;
			*line = r->buf + r->pos;
			*n = scanned;
			r->pos = r->len;
			return 1;
		}
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, scanned);
			r->len = scanned;
			r->pos = 0;
		}
		ssize_t got = fill(r, r->len);
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = true;
		r->len += (size_t)got;
	}

	/* Too long: keep its start, skip the rest up to the next "\n". */
	*too_long = true;
	*n = sizeof r->longbuf;
	memcpy(r->longbuf, r->buf + r->pos, *n);
	*line = r->longbuf;
	return skip_long_line(r);
}

int mc_line_reader_skip_rest(struct mc_line_reader *r)
{
	for (;;) {
		ssize_t got = fill(r, 0);
		if (got <= 0)
			return (int)got;
	}
}

void mc_line_reader_sha256(struct mc_line_reader *r, char hex[65])
{
	mc_sha256_final_hex(&r->sha, hex);
}
