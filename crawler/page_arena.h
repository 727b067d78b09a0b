/*
 * A per-thread bump arena for the allocations libxml2 and jansson make
 * while one page is decoded, parsed and read by a spider.  A parsed HTML
 * page is thousands of small nodes; allocating them from a bump arena and
 * dropping the arena when the callback returns replaces as many malloc/free
 * pairs with nothing (the nginx pool idea, STYLE.md "Names and lifetimes").
 * Only the library allocation hooks in alloc.c use it, and only between
 * begin and end on the same thread; nothing allocated there may outlive end
 * (the XPath cache pauses it to compile what must).
 * Disabled under AddressSanitizer, so the sanitizer still sees every block.
 */
#ifndef MC_PAGE_ARENA_H
#define MC_PAGE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* Start routing library allocations of this thread into its arena. */
void mc_page_arena_begin(void);
/* Stop, and release everything allocated since begin (memory for the
 * next page is kept, at most 4 MiB).  Library frees of arena blocks are
 * no-ops. */
void mc_page_arena_end(void);
/* Whether this thread is between begin and end (and not paused). */
bool mc_page_arena_active(void);
/* Stop routing allocations into the arena, for something that must
 * outlive the page (a compiled XPath expression kept for the run); what
 * the arena holds stays valid.  Returns whether it was routing. */
bool mc_page_arena_pause(void);
/* Route again if `was_active`, the value mc_page_arena_pause returned. */
void mc_page_arena_resume(bool was_active);
/* `n` bytes, 16-byte aligned, from the active arena; never NULL (OOM
 * policy of alloc.h).  Only valid while active. */
void *mc_page_arena_alloc(size_t n);
/* Whether `p` lies in memory of this thread's arena (active or not). */
bool mc_page_arena_owns(const void *p);
/* Grow or shrink an arena block (copying when it is not the last one). */
void *mc_page_arena_realloc(void *p, size_t n);
/* Free the kept chunk of this thread (at thread exit). */
void mc_page_arena_release(void);

#endif
