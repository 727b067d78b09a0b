/*
 * A tiny in-tree test runner for unit tests: each check prints one TAP-like
 * line ("ok - ..." / "not ok - ... (file:line)"), which tests/run.sh counts
 * into the final "N passed, N failed".  A test program exits non-zero when
 * any check failed.
 */
#ifndef MC_TESTLIB_H
#define MC_TESTLIB_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tl_failed;

#define CHECK(cond, ...) tl_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define CHECK_STR(got, want, ...)                                              \
	do {                                                                   \
		const char *tl_g = (got), *tl_w = (want);                      \
		int tl_ok = (tl_g == NULL && tl_w == NULL) ||                  \
			    (tl_g && tl_w && strcmp(tl_g, tl_w) == 0);         \
		if (!tl_ok)                                                    \
			fprintf(stdout, "# got \"%s\", want \"%s\"\n",          \
				tl_g ? tl_g : "(null)", tl_w ? tl_w : "(null)");  \
		tl_check(tl_ok, __FILE__, __LINE__, __VA_ARGS__);              \
	} while (0)

#define CHECK_INT(got, want, ...)                                              \
	do {                                                                   \
		long long tl_g = (long long)(got), tl_w = (long long)(want);   \
		if (tl_g != tl_w)                                              \
			fprintf(stdout, "# got %lld, want %lld\n", tl_g, tl_w);  \
		tl_check(tl_g == tl_w, __FILE__, __LINE__, __VA_ARGS__);       \
	} while (0)

__attribute__((format(printf, 4, 5)))
static void tl_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok - " : "not ok - ", stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	if (!ok) {
		fprintf(stdout, " (%s:%d)", file, line);
		tl_failed++;
	}
	fputc('\n', stdout);
	fflush(stdout);
}

/* Print an informational line that is not a check (e.g. a pass count). */
#define NOTE(...) (fputs("# ", stdout), printf(__VA_ARGS__), fputc('\n', stdout))

static inline int tl_exit_status(void)
{
	return tl_failed ? 1 : 0;
}

#endif
