/*
 * The one error idiom of library code (docs/architecture.md, "Errors"): a
 * function that can fail returns a status (0 / -1, NULL, or an enum) and
 * says why in a `struct mc_err` its caller owns, usually on the caller's
 * stack.  Library code never prints its own failure and never exits
 * (out of memory aside, base/alloc.h): the command line decides what to
 * print and which exit status to return.
 */
#ifndef MC_ERROR_H
#define MC_ERROR_H

struct mc_err {
	char msg[600]; /* one line for people; "" until a failure is set */
};

/* Set err->msg (when `err` is not NULL) like printf, replacing what was
 * there, as one line: white space holding a line break or a tab (as in
 * PostgreSQL's messages) becomes one space.  Returns -1, so `return
 * mc_err_set(err, ...)` reads as a failure. */
int mc_err_set(struct mc_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
