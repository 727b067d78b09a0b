/*
 * The error idiom's one function (base/error.h): formatting a failure into
 * the caller's struct, as one line.  Libraries' messages (PostgreSQL's
 * above all) span lines and indent with tabs; the log would show those as
 * literal "\n" and "\t", so every run of white space holding a line break
 * or a tab becomes one space, and trailing space is dropped.  A message
 * longer than the struct is cut.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

/* Collapse each run of white space that holds anything but plain spaces
 * into one space, in place; drop trailing white space. */
static void one_line(char *s)
{
	char *out = s;

	for (const char *p = s; *p;) {
		if (!is_space(*p)) {
			*out++ = *p++;
			continue;
		}
		const char *run = p;
		bool plain = true;
		while (is_space(*p))
			plain &= *p++ == ' ';
		if (plain) {
			memmove(out, run, (size_t)(p - run));
			out += p - run;
		} else {
			*out++ = ' ';
		}
	}
	while (out > s && out[-1] == ' ')
		out--;
	*out = '\0';
}

int mc_err_set(struct mc_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	one_line(err->msg);
	return -1;
}
