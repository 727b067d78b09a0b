/*
 * Memory allocation with one out-of-memory policy for the whole program:
 * print "marketcrawl: out of memory" and exit with status 1 (a CLI run by
 * cron has nothing better to do; the staging file is left as .part and is
 * never loaded).  Callers therefore never check for NULL.
 *
 * MC_FAIL_ALLOC=N in the environment makes the Nth allocation fail, so
 * tests can walk the failure path of every allocation site.
 */
#ifndef MC_ALLOC_H
#define MC_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *mc_malloc(size_t n);
void *mc_calloc(size_t count, size_t size);
void *mc_realloc(void *p, size_t n);
char *mc_strdup(const char *s);
char *mc_strndup(const char *s, size_t n);
/* A new string formatted like printf. */
char *mc_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For allocators built on this policy (crawler/library_hooks.c): whether
 * this allocation must fail (MC_FAIL_ALLOC counts it), and the exit taken
 * when one does. */
bool mc_alloc_injected_failure(void);
_Noreturn void mc_alloc_die(void);

#endif
