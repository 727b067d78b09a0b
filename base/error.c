/*
 * The error idiom's one function (base/error.h): formatting a failure into
 * the caller's struct.  A message longer than the struct is cut.
 */
#include <stdarg.h>
#include <stdio.h>

#include "base/error.h"

int mc_err_set(struct mc_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}
