/*
 * The one out-of-memory policy (see include/marketcrawl/alloc.h): report and
 * exit(1).  Also the allocation-failure switch MC_FAIL_ALLOC=N, which makes
 * the Nth allocation (ours or, once hooked, libxml2's, jansson's and
 * libcurl's) fail, so tests can prove every failure path exits cleanly.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/xmlmemory.h>

#include "marketcrawl/alloc.h"
#include "page_arena.h"

static atomic_long fail_at = -1; /* -1: not read yet, 0: off */
static atomic_long count;

static void die_oom(void)
{
	static const char msg[] = "marketcrawl: out of memory\n";

	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(1);
	_exit(1);
}

/* True when this allocation must fail (MC_FAIL_ALLOC). */
static int injected_failure(void)
{
	long at = atomic_load(&fail_at);

	if (at < 0) {
		const char *env = getenv("MC_FAIL_ALLOC");
		at = env ? strtol(env, NULL, 10) : 0;
		if (at < 0)
			at = 0;
		atomic_store(&fail_at, at);
	}
	return at > 0 && atomic_fetch_add(&count, 1) + 1 == at;
}

void *mc_malloc(size_t n)
{
	void *p = injected_failure() ? NULL : malloc(n ? n : 1);

	if (!p)
		die_oom();
	return p;
}

void *mc_calloc(size_t count_, size_t size)
{
	void *p = injected_failure() ? NULL : calloc(count_ ? count_ : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *mc_realloc(void *p, size_t n)
{
	void *q = injected_failure() ? NULL : realloc(p, n ? n : 1);

	if (!q)
		die_oom();
	return q;
}

char *mc_strdup(const char *s)
{
	return mc_strndup(s, strlen(s));
}

char *mc_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = mc_malloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *mc_asprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom();
	char *p = mc_malloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

/*
 * Library hooks: same counter, same policy.  libxml2 and jansson allocate
 * from the page arena while a page is being parsed (page_arena.h); libcurl
 * never does (it lives on the event loop, outside any page).  A block is
 * recognised as the arena's by its address, not by the arena being active,
 * so a block the arena handed out stays the arena's while it is paused.
 */
static void *hook_malloc(size_t n)
{
	if (!mc_page_arena_active())
		return mc_malloc(n);
	if (injected_failure())
		die_oom();
	return mc_page_arena_alloc(n);
}

static void *hook_realloc(void *p, size_t n)
{
	if (p && mc_page_arena_owns(p)) {
		if (injected_failure())
			die_oom();
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

void mc_alloc_install_library_hooks(void)
{
	xmlMemSetup(hook_free, hook_malloc, hook_realloc, hook_strdup);
	json_set_alloc_funcs(hook_malloc, hook_free);
	curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_malloc, free, curl_realloc, curl_strdup,
			     curl_calloc);
}
