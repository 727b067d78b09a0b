/*
 * The per-thread page arena (page_arena.h): a list of chunks, bump
 * allocation with a 16-byte header holding the block size (for realloc),
 * everything dropped at once at the end of a page.  At the end of a page
 * that needed several chunks they are replaced by one chunk as large as
 * all of them (at most KEEP_MAX), so a run of similar pages settles on
 * one chunk: no malloc per page, and mc_page_arena_owns tests one range.
 * A freed block of at most SMALL_MAX bytes goes on a free list of its
 * size class and is handed out again, so the temporaries an XPath
 * evaluation makes and drops per node (strings, objects) cost the page
 * what is alive at once, not what was ever made; larger freed blocks stay
 * until the end of the page.  The page's budget is a per-thread tally of
 * the bytes charged to it: here, the bytes carved from chunks.
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
#define SMALL_MAX 1024 /* freed blocks up to this size are reused */
#define CLASSES (SMALL_MAX / 16)

struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the struct */
	size_t used;
	unsigned char *last; /* the latest block (header) in this chunk */
	_Alignas(16) unsigned char data[];
};

static _Thread_local struct chunk *chunks; /* newest first */
static _Thread_local bool in_page; /* between begin and end */
static _Thread_local bool paused;
static _Thread_local size_t charged; /* bytes charged to the page */
static _Thread_local size_t budget = MC_PAGE_MEMORY_MAX; /* the page's */
/* Freed small blocks by size class (16, 32, ... SMALL_MAX bytes), linked
 * through their first bytes. */
static _Thread_local void *free_lists[CLASSES];

void mc_page_arena_begin(size_t page_budget)
{
	in_page = true;
	paused = false;
	charged = 0;
	budget = page_budget;
}

bool mc_page_arena_active(void)
{
	return ARENA_ENABLED && in_page && !paused;
}

bool mc_page_arena_pause(void)
{
	bool was = !paused;

	paused = true;
	return was;
}

void mc_page_arena_resume(bool was_active)
{
	paused = !was_active;
}

void mc_page_arena_charge(size_t n)
{
	if (in_page && !paused)
		charged = n > SIZE_MAX - charged ? SIZE_MAX : charged + n;
}

size_t mc_page_arena_charged(void)
{
	return charged;
}

bool mc_page_arena_over(void)
{
	return charged > budget;
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

	in_page = false;
	paused = false;
	memset(free_lists, 0, sizeof free_lists);
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
	memset(free_lists, 0, sizeof free_lists);
	in_page = false;
	paused = false;
}

static size_t round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/* The free list of blocks of `n` bytes, or NULL when they are not reused. */
static void **free_list(size_t n)
{
	size_t r = round16(n ? n : 1);

	return r <= SMALL_MAX ? &free_lists[r / 16 - 1] : NULL;
}

void *mc_page_arena_alloc(size_t n)
{
	size_t need = HEADER + round16(n ? n : 1);
	struct chunk *c = chunks;
	void **list = free_list(n);

	if (list && *list) {
		unsigned char *p = *list;
		memcpy(list, p, sizeof *list);
		memcpy(p - HEADER, &n, sizeof n);
		return p;
	}
	mc_page_arena_charge(need);
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

void mc_page_arena_free(void *p)
{
	size_t n;
	void **list;

	if (!in_page)
		return; /* a stale block: its chunk may already serve the next page */
	memcpy(&n, (unsigned char *)p - HEADER, sizeof n);
	list = free_list(n);
	if (!list)
		return;
	memcpy(p, list, sizeof *list);
	*list = p;
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
			if (end > c->used)
				mc_page_arena_charge(end - c->used);
			c->used = end;
			memcpy(h, &n, sizeof n);
			return p;
		}
	}
	void *q = mc_page_arena_alloc(n);
	memcpy(q, p, old < n ? old : n);
	mc_page_arena_free(p);
	return q;
}
