/*
 * The engine's allocation hooks: libxml2's, jansson's and libcurl's
 * allocations go through base/alloc.c's out-of-memory policy and its
 * MC_FAIL_ALLOC counter, and libxml2's and jansson's go to the page arena
 * while a page is parsed.  They belong to the engine, not to base, because
 * the page arena does: a program that only loads never installs them.
 */
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
 * event loop, outside any page. */
static void *hook_malloc(size_t n)
{
	if (!mc_page_arena_active())
		return mc_malloc(n);
	if (mc_alloc_injected_failure())
		mc_alloc_die();
	return mc_page_arena_alloc(n);
}

static void *hook_realloc(void *p, size_t n)
{
	if (p && mc_page_arena_owns(p)) {
		if (mc_alloc_injected_failure())
			mc_alloc_die();
		return mc_page_arena_realloc(p, n);
	}
	if (!p)
		return hook_malloc(n);
	return mc_realloc(p, n);
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
	if (p && mc_page_arena_owns(p))
		return; /* dropped with the arena */
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
