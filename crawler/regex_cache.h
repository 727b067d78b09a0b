/*
 * Compiled-once PCRE2 patterns for spiders: a pattern is compiled on first
 * use, kept for the whole run keyed by its text, and shared by all worker
 * threads (compiled code is read-only; match data is per call).
 */
#ifndef MC_REGEX_CACHE_H
#define MC_REGEX_CACHE_H

/*
 * Capture `group` (0 = whole match) of the first match of `pattern` in
 * `subject`: a new string the caller frees, or NULL (no match, group
 * unset, invalid pattern — logged once per pattern).
 */
char *mc_regex_capture(const char *pattern, const char *subject, int group);

/* Free every cached pattern (end of run; no matching may run concurrently). */
void mc_regex_cache_clear(void);

#endif
