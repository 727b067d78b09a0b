/*
 * The cache behind mc_regex(): patterns compiled once (UTF mode), looked up
 * by text under a mutex.  Invalid patterns are cached too, as failures, so
 * they are reported once, not once per page.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "base/alloc.h"
#include "base/log.h"
#include "crawler/regex_cache.h"

struct entry {
	char *pattern;
	pcre2_code *code; /* NULL: the pattern did not compile */
	struct entry *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *entries;

static pcre2_code *lookup(const char *pattern)
{
	struct entry *e;
	int err;
	PCRE2_SIZE off;

	pthread_mutex_lock(&lock);
	for (e = entries; e; e = e->next)
		if (strcmp(e->pattern, pattern) == 0)
			goto out;
	e = mc_calloc(1, sizeof *e);
	e->pattern = mc_strdup(pattern);
	e->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
				&err, &off, NULL);
	if (!e->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		mc_warn("invalid regex at offset %zu: %s: %s", (size_t)off, (char *)msg, pattern);
	} else {
		pcre2_jit_compile(e->code, PCRE2_JIT_COMPLETE);
	}
	e->next = entries;
	entries = e;
out:
	pthread_mutex_unlock(&lock);
	return e->code;
}

char *mc_regex_capture(const char *pattern, const char *subject, int group)
{
	pcre2_code *code = lookup(pattern);
	pcre2_match_data *md;
	char *out = NULL;
	int rc;

	if (!code || group < 0)
		return NULL;
	md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!md)
		return NULL;
	rc = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md,
			 NULL);
	if (rc > group) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (ov[2 * group] != PCRE2_UNSET)
			out = mc_strndup(subject + ov[2 * group], ov[2 * group + 1] - ov[2 * group]);
	}
	pcre2_match_data_free(md);
	return out;
}

void mc_regex_cache_clear(void)
{
	pthread_mutex_lock(&lock);
	while (entries) {
		struct entry *e = entries;
		entries = e->next;
		pcre2_code_free(e->code);
		free(e->pattern);
		free(e);
	}
	pthread_mutex_unlock(&lock);
}
