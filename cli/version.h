/*
 * What `marketcrawl --version` prints: the program's version, the git
 * commit it was built from (the Makefile passes it in; "unknown" when built
 * outside a git checkout, e.g. from a tarball) and the versions of the
 * libraries actually loaded at run time, which can differ from the headers
 * it was compiled against.  When a bug report says "it broke", this is the
 * first thing to ask for.
 */
#ifndef MC_VERSION_H
#define MC_VERSION_H

#include <stdio.h>

#define MC_VERSION "0.1"

/* Write the lines to `out`, one "NAME VERSION" per line: marketcrawl,
 * commit, libcurl, libxml2, libpq, jansson, PCRE2.  Returns 0, or -1 when
 * `out` could not be written. */
int mc_version_print(FILE *out);

#endif
