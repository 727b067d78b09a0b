/*
 * What every fuzz target in tests/fuzz/ shares: the assertion that turns a
 * broken invariant into a crash libFuzzer can save (or, in the regression
 * replay of tests/unit/test_fuzz_regressions.c, into a counted failure),
 * an independent strict UTF-8 validator (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), and input splitting.  Each target
 * #includes this file; the guard lets the regression test include several
 * targets into one program.  Not part of marketcrawl: never linked into it.
 */
#ifndef MC_FUZZ_COMMON_C
#define MC_FUZZ_COMMON_C

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

#ifdef MC_FUZZ_REGRESSION
/* Replay mode: count and report, keep going (the unit test checks it). */
static int fuzz_failures;
#define FUZZ_ASSERT(c)                                                                   \
	do {                                                                             \
		if (!(c)) {                                                              \
			printf("# invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #c); \
			fuzz_failures++;                                                 \
		}                                                                        \
	} while (0)
#else
/* Fuzzing: abort, so libFuzzer saves the input as a crash. */
#define FUZZ_ASSERT(c)                                                                   \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                         \
		}                                                                        \
	} while (0)
#endif

/* Whether s[0..n) is UTF-8 (NUL bytes count as valid characters). */
static inline bool fuzz_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
			min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
			min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

/* A NUL-terminated copy of data[0..n) (caller frees). */
static inline char *fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = mc_malloc(n + 1);

	if (n)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Split the input at its first '\n': *a gets the part before (a new
 * string), *b the rest (a new string, "" when there is no '\n'). */
static inline void fuzz_split(const uint8_t *data, size_t n, char **a, char **b)
{
	const uint8_t *nl = n ? memchr(data, '\n', n) : NULL;
	size_t alen = nl ? (size_t)(nl - data) : n;

	*a = fuzz_strndup(data, alen);
	*b = nl ? fuzz_strndup(nl + 1, n - alen - 1) : fuzz_strndup(data, 0);
}

#endif
