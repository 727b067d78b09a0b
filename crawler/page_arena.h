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
 *
 * It also keeps the page's memory budget: the library allocations made
 * between begin and end (arena or not, so the sanitizer build counts
 * too), every string the response keeps for the spider and the page's
 * XPath index (xpath_index.c) are charged to the page, and a page charged more than its budget (MC_PAGE_MEMORY_MAX
 * unless the run says otherwise) is cut: the HTML parse stops, the
 * selector helpers return nothing from then on and the engine drops the
 * page (docs/crawling.md, "Caps on what a server sends").  In the arena the
 * charge is the bytes carved from its chunks (what it holds); without it
 * (the sanitizer build), the usable size of every block allocated, frees
 * giving nothing back: a stricter figure, so the cap holds there too.
 */
#ifndef MC_PAGE_ARENA_H
#define MC_PAGE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* The default memory budget of one page: library allocations and kept
 * strings while the page is read (decoded, parsed, run by its callback). */
#define MC_PAGE_MEMORY_MAX ((size_t)256 * 1024 * 1024)

/* Start routing library allocations of this thread into its arena, and
 * start the page's charge at zero against a budget of `budget` bytes. */
void mc_page_arena_begin(size_t budget);
/* Stop, and release everything allocated since begin (memory for the
 * next page is kept, at most 4 MiB). */
void mc_page_arena_end(void);
/* Whether this thread routes into its arena: between begin and end, not
 * paused, and not a sanitizer build. */
bool mc_page_arena_active(void);
/* Stop routing allocations into the arena, and charging them, for
 * something that must outlive the page (a compiled XPath expression kept
 * for the run) or that is freed at once; what the arena holds stays
 * valid.  Returns whether it was routing. */
bool mc_page_arena_pause(void);
/* Route again if `was_active`, the value mc_page_arena_pause returned. */
void mc_page_arena_resume(bool was_active);
/* `n` bytes, 16-byte aligned, from the active arena; never NULL (OOM
 * policy of alloc.h).  Only valid while active. */
void *mc_page_arena_alloc(size_t n);
/* Charge `n` bytes to the page being read on this thread; nothing outside
 * a page or while paused.  The arena charges the bytes it carves itself. */
void mc_page_arena_charge(size_t n);
/* Bytes charged to the page since begin (kept after end, until the next
 * begin, so the caller can still report them). */
size_t mc_page_arena_charged(void);
/* Whether the page went over its budget (still true after end, until
 * the next begin). */
bool mc_page_arena_over(void);
/* Whether `p` lies in memory of this thread's arena (active or not). */
bool mc_page_arena_owns(const void *p);
/* Free an arena block: a small one (up to 1 KiB) is handed out again by a
 * later alloc of its size class, a larger one stays until end. */
void mc_page_arena_free(void *p);
/* Grow or shrink an arena block (copying when it is not the last one). */
void *mc_page_arena_realloc(void *p, size_t n);
/* Free the kept chunk of this thread (at thread exit). */
void mc_page_arena_release(void);

#endif
