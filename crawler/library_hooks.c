/*
 * The engine's allocation hooks: libxml2's, jansson's and libcurl's
 * allocations go through base/alloc.c's out-of-memory policy and its
 * MC_FAIL_ALLOC counter, and libxml2's and jansson's go to the page arena
 * while a page is parsed, charged to the page's memory budget
 * (page_arena.h).  They belong to the engine, not to base, because
 * the page arena does: a program that only loads never installs them.
 */
#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/xmlmemory.h>

#include "base/alloc.h"
#include "crawler/library_hooks.h"
#include "crawler/page_arena.h"

/* A block is recognised as the arena's by its address, not by the arena
 * being active, so a block the arena handed out stays the arena's while it
 * is paused.  libcurl never allocates from the arena: it lives on the
 * event loop, outside any page.  What a page's reading allocates outside
 * the arena (the sanitizer build) is charged to its memory budget by
 * usable size, frees giving nothing back; the arena charges its own
 * (page_arena.h). */
static void *hook_malloc(size_t n)
{
	void *p;

	if (mc_page_arena_active()) {
		if (mc_alloc_injected_failure())
			mc_alloc_die();
		return mc_page_arena_alloc(n);
	}
	p = mc_malloc(n);
	mc_page_arena_charge(malloc_usable_size(p));
	return p;
}

static void *hook_realloc(void *p, size_t n)
{
	void *q;

	if (!p)
		return hook_malloc(n);
	if (mc_page_arena_owns(p)) {
		if (mc_alloc_injected_failure())
			mc_alloc_die();
		return mc_page_arena_realloc(p, n);
	}
	q = mc_realloc(p, n);
	mc_page_arena_charge(malloc_usable_size(q));
	return q;
}

static char *hook_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = hook_malloc(n);

	memcpy(p, s, n);
	return p;
}

static void hook_free(void *p)
{
	if (!p)
		return;
	if (mc_page_arena_owns(p)) {
		mc_page_arena_free(p);
		return;
	}
	free(p);
}

static void *curl_malloc(size_t n) { return mc_malloc(n); }
static void *curl_realloc(void *p, size_t n) { return mc_realloc(p, n); }
static char *curl_strdup(const char *s) { return mc_strdup(s); }
static void *curl_calloc(size_t a, size_t b) { return mc_calloc(a, b); }

void mc_library_hooks_install(void)
{
	xmlMemSetup(hook_free, hook_malloc, hook_realloc, hook_strdup);
	json_set_alloc_funcs(hook_malloc, hook_free);
	curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_malloc, free, curl_realloc, curl_strdup,
			     curl_calloc);
}
