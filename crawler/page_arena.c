/*
 * The per-thread page arena (page_arena.h): a list of chunks, bump
 * allocation with a 16-byte header holding the block size (for realloc),
 * everything dropped at once at the end of a page.  At the end of a page
 * that needed several chunks they are replaced by one chunk as large as
 * all of them (at most KEEP_MAX), so a run of similar pages settles on
 * one chunk: no malloc per page, and mc_page_arena_owns tests one range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "crawler/page_arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ENABLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ENABLED 0
#endif
#endif
#ifndef ARENA_ENABLED
#define ARENA_ENABLED 1
#endif

#define FIRST_CHUNK (256 * 1024)
#define KEEP_MAX (4 * 1024 * 1024) /* the chunk kept between pages never exceeds this */
#define HEADER 16

struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the struct */
	size_t used;
	unsigned char *last; /* the latest block (header) in this chunk */
	_Alignas(16) unsigned char data[];
};

static _Thread_local struct chunk *chunks; /* newest first */
static _Thread_local bool active;

void mc_page_arena_begin(void)
{
	active = ARENA_ENABLED;
}

bool mc_page_arena_active(void)
{
	return active;
}

bool mc_page_arena_pause(void)
{
	bool was = active;

	active = false;
	return was;
}

void mc_page_arena_resume(bool was_active)
{
	active = was_active;
}

static struct chunk *new_chunk(size_t size)
{
	struct chunk *c = mc_malloc(sizeof *c + size);

	c->size = size;
	c->used = 0;
	c->last = NULL;
	c->next = NULL;
	return c;
}

void mc_page_arena_end(void)
{
	size_t total = 0;

	active = false;
	if (!chunks)
		return;
	if (!chunks->next && chunks->size <= KEEP_MAX) {
		chunks->used = 0;
		chunks->last = NULL;
		return;
	}
	while (chunks) {
		struct chunk *next = chunks->next;
		total += chunks->size;
		free(chunks);
		chunks = next;
	}
	chunks = new_chunk(total < KEEP_MAX ? total : KEEP_MAX);
}

void mc_page_arena_release(void)
{
	while (chunks) {
		struct chunk *next = chunks->next;
		free(chunks);
		chunks = next;
	}
	active = false;
}

static size_t round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

void *mc_page_arena_alloc(size_t n)
{
	size_t need = HEADER + round16(n ? n : 1);
	struct chunk *c = chunks;

	if (!c || c->size - c->used < need) {
		size_t size = c ? c->size * 2 : FIRST_CHUNK;
		while (size < need)
			size *= 2;
		c = new_chunk(size);
		c->next = chunks;
		chunks = c;
	}
	unsigned char *h = c->data + c->used;
	memcpy(h, &n, sizeof n);
	c->used += need;
	c->last = h;
	return h + HEADER;
}

bool mc_page_arena_owns(const void *p)
{
	const unsigned char *q = p;

	for (struct chunk *c = chunks; c; c = c->next)
		if (q >= c->data && q < c->data + c->size)
			return true;
	return false;
}

void *mc_page_arena_realloc(void *p, size_t n)
{
	unsigned char *h = (unsigned char *)p - HEADER;
	struct chunk *c = chunks;
	size_t old;

	memcpy(&old, h, sizeof old);
	/* The newest block of the newest chunk grows (or shrinks) in place. */
	if (c && h == c->last) {
		size_t end = (size_t)(h - c->data) + HEADER + round16(n ? n : 1);
		if (end <= c->size) {
			c->used = end;
			memcpy(h, &n, sizeof n);
			return p;
		}
	}
	void *q = mc_page_arena_alloc(n);
	memcpy(q, p, old < n ? old : n);
	return q;
}
