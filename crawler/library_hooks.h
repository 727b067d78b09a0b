/*
 * Route libxml2's, jansson's and libcurl's allocations through base/alloc.h's
 * policy and failure switch, and libxml2's and jansson's through the page
 * arena while a page is parsed (crawler/page_arena.h).  Call once, first
 * thing in main(), before any of those libraries allocates.
 */
#ifndef MC_LIBRARY_HOOKS_H
#define MC_LIBRARY_HOOKS_H

void mc_library_hooks_install(void);

#endif
