/*
 * The one out-of-memory policy (see base/alloc.h): report and exit(1).
 * Also the allocation-failure switch MC_FAIL_ALLOC=N, which makes the Nth
 * allocation (ours or, once the engine hooks them, libxml2's, jansson's
 * and libcurl's: crawler/library_hooks.c) fail, so tests can prove every
 * failure path exits cleanly.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"

static atomic_long fail_at = -1; /* -1: not read yet, 0: off */
static atomic_long count;

void mc_alloc_die(void)
{
	static const char msg[] = "marketcrawl: out of memory\n";

	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(1);
	_exit(1);
}

bool mc_alloc_injected_failure(void)
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
	void *p = mc_alloc_injected_failure() ? NULL : malloc(n ? n : 1);

	if (!p)
		mc_alloc_die();
	return p;
}

void *mc_calloc(size_t count_, size_t size)
{
	void *p = mc_alloc_injected_failure() ? NULL : calloc(count_ ? count_ : 1, size ? size : 1);

	if (!p)
		mc_alloc_die();
	return p;
}

void *mc_realloc(void *p, size_t n)
{
	void *q = mc_alloc_injected_failure() ? NULL : realloc(p, n ? n : 1);

	if (!q)
		mc_alloc_die();
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
		mc_alloc_die();
	char *p = mc_malloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}
