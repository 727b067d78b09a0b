/*
 * A per-thread bump arena for the allocations libxml2 and jansson make
 * while one page is decoded, parsed and read by a spider.  A parsed HTML
 * page is thousands of small nodes; allocating them from a bump arena and
 * dropping the arena when the callback returns replaces as many malloc/free
 * pairs with nothing (the nginx pool idea, STYLE.md "Names and lifetimes").
 * Only the library allocation hooks in alloc.c use it, and only between
 * begin and end on the same thread; nothing allocated there may outlive end.
 * Disabled under AddressSanitizer, so the sanitizer still sees every block.
 */
#ifndef MC_PAGE_ARENA_H
#define MC_PAGE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* Start routing library allocations of this thread into its arena. */
void mc_page_arena_begin(void);
/* Stop, and release everything allocated since begin (the first chunk is
 * kept for the next page).  Library frees of arena blocks are no-ops. */
void mc_page_arena_end(void);
/* Whether this thread is between begin and end. */
bool mc_page_arena_active(void);
/* `n` bytes, 16-byte aligned, from the active arena; never NULL (OOM
 * policy of alloc.h).  Only valid while active. */
void *mc_page_arena_alloc(size_t n);
/* Whether `p` came from this thread's active arena. */
bool mc_page_arena_owns(const void *p);
/* Grow or shrink an arena block (copying when it is not the last one). */
void *mc_page_arena_realloc(void *p, size_t n);
/* Free the kept chunk of this thread (at thread exit). */
void mc_page_arena_release(void);

#endif
