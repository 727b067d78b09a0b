/*
 * Line reading over a memory mapping, with hashing (etl/line_reader.h):
 * the loader reads every staging file through this, once per pass.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "line_reader.h"

/* Hash in steps small enough that the bytes just parsed are still in the
 * CPU cache; give pages back in larger steps. */
#define HASH_STEP (256u * 1024)
#define RELEASE_STEP (4u * 1024 * 1024)

int mc_line_reader_open(struct mc_line_reader *r, int fd, size_t size)
{
	memset(r, 0, sizeof *r);
	mc_sha256_init(&r->sha);
	if (size == 0)
		return 0;
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	madvise(map, size, MADV_SEQUENTIAL);
	r->map = map;
	r->size = size;
	return 0;
}

void mc_line_reader_close(struct mc_line_reader *r)
{
	if (r->map)
		munmap((void *)r->map, r->size);
	r->map = NULL;
}

void mc_line_reader_rewind(struct mc_line_reader *r)
{
	r->pos = r->hashed = r->released = 0;
	mc_sha256_init(&r->sha);
}

/* Hash up to `upto`; give back the pages before `keep` (rounded down). */
static void advance(struct mc_line_reader *r, size_t upto, size_t keep)
{
	if (upto > r->hashed) {
		mc_sha256_update(&r->sha, r->map + r->hashed, upto - r->hashed);
		r->hashed = upto;
	}
	if (keep - r->released >= RELEASE_STEP) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		size_t end = keep / page * page;
		madvise((void *)(r->map + r->released), end - r->released, MADV_DONTNEED);
		r->released = end;
	}
}

int mc_line_reader_next(struct mc_line_reader *r, const char **line, size_t *n, bool *too_long)
{
	size_t start = r->pos;

	if (start >= r->size) {
		advance(r, r->size, start);
		return 0;
	}
	const char *p = r->map + start;
	const char *nl = memchr(p, '\n', r->size - start);
	size_t len = nl ? (size_t)(nl - p) : r->size - start;

	r->pos = start + len + (nl ? 1 : 0);
	if (r->pos - r->hashed >= HASH_STEP)
		advance(r, r->pos, start);
	*too_long = len > MC_STAGING_MAX_LINE;
	if (*too_long) {
		memcpy(r->longbuf, p, sizeof r->longbuf);
		p = r->longbuf;
		len = sizeof r->longbuf;
	}
	*line = p;
	*n = len;
	return 1;
}

void mc_line_reader_skip_rest(struct mc_line_reader *r)
{
	r->pos = r->size;
	advance(r, r->size, r->hashed);
}

void mc_line_reader_sha256(struct mc_line_reader *r, char hex[65])
{
	advance(r, r->pos, r->hashed);
	mc_sha256_final_hex(&r->sha, hex);
}
