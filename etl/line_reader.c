/*
 * Line reading over a memory mapping, with hashing (etl/line_reader.h):
 * the loader reads every staging file through this, once per pass.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "etl/line_reader.h"
#include "etl/step_hasher.h"

/* Hand bytes to the hasher in steps small enough that they are still in
 * the CPU cache when it hashes them; give pages back in larger steps. */
#define HASH_STEP (256u * 1024)
#define RELEASE_STEP (4u * 1024 * 1024)

int mc_line_reader_open(struct mc_line_reader *r, int fd, size_t size)
{
	memset(r, 0, sizeof *r);
	r->hold = SIZE_MAX;
	if (size > 0) {
		void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			return -1;
		madvise(map, size, MADV_SEQUENTIAL);
		r->map = map;
		r->size = size;
	}
	r->hasher = mc_step_hasher_start(r->map);
	return 0;
}

void mc_line_reader_close(struct mc_line_reader *r)
{
	mc_step_hasher_stop(r->hasher);
	r->hasher = NULL;
	if (r->map)
		munmap((void *)r->map, r->size);
	r->map = NULL;
}

void mc_line_reader_rewind(struct mc_line_reader *r)
{
	mc_step_hasher_restart(r->hasher);
	r->pos = r->passed = r->released = 0;
}

/* Pass the bytes up to `upto` to the hasher; give back the pages before
 * `keep` that the hasher is done with too (rounded down to pages). */
static void advance(struct mc_line_reader *r, size_t upto, size_t keep)
{
	if (upto > r->passed) {
		mc_step_hasher_advance(r->hasher, upto);
		r->passed = upto;
	}
	if (keep > r->hold)
		keep = r->hold;
	if (keep < r->released || keep - r->released < RELEASE_STEP)
		return;
	size_t hashed = mc_step_hasher_hashed(r->hasher);
	if (hashed < keep)
		keep = hashed;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = keep / page * page;
	if (end > r->released) {
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
	if (r->pos - r->passed >= HASH_STEP)
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

void mc_line_reader_hold(struct mc_line_reader *r, size_t from)
{
	r->hold = from;
}

/* Nothing to do meanwhile: hash a step at a time, giving pages back. */
void mc_line_reader_skip_rest(struct mc_line_reader *r)
{
	while (r->passed < r->size) {
		size_t upto = r->size - r->passed > RELEASE_STEP ? r->passed + RELEASE_STEP : r->size;
		mc_step_hasher_advance_wait(r->hasher, upto);
		advance(r, upto, upto);
	}
	r->pos = r->size;
}

long mc_line_reader_count_rest(struct mc_line_reader *r)
{
	long lines = 0;
	size_t from = r->pos;

	while (from < r->size) {
		size_t upto = r->size - from > RELEASE_STEP ? from + RELEASE_STEP : r->size;
		for (const char *p = r->map + from, *end = r->map + upto;
		     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
			lines++;
		mc_step_hasher_advance_wait(r->hasher, upto);
		advance(r, upto, upto);
		from = upto;
	}
	if (r->pos < r->size && r->map[r->size - 1] != '\n')
		lines++; /* the last line, without its "\n" */
	r->pos = r->size;
	return lines;
}

size_t mc_line_reader_last(const struct mc_line_reader *r, const char **line)
{
	size_t end = r->size;

	if (end > 0 && r->map[end - 1] == '\n')
		end--;
	const char *nl = end > 0 ? memrchr(r->map, '\n', end) : NULL;
	size_t start = nl ? (size_t)(nl - r->map) + 1 : 0;
	*line = r->map + start;
	return end - start;
}

void mc_line_reader_give_back(struct mc_line_reader *r)
{
	if (r->map)
		madvise((void *)r->map, r->size, MADV_DONTNEED);
}

void mc_line_reader_sha256(struct mc_line_reader *r, char hex[65])
{
	advance(r, r->pos, r->released);
	mc_step_hasher_final_hex(r->hasher, hex);
	r->passed = 0;
}
