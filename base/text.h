/*
 * Small text primitives shared by the parsers of outside input (prices,
 * currencies, robots.txt, URLs), so each rule is written once.  Pure
 * functions, thread-safe.
 */
#ifndef MC_TEXT_H
#define MC_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode one UTF-8 sequence at `s` (which must not point at the
 * terminating NUL).  Stores the code point in *cp and returns its length;
 * a malformed byte gives U+FFFD and length 1.  A byte that is not a
 * continuation byte is never stepped over, so a NUL inside a truncated
 * sequence is never passed.
 */
size_t mc_utf8_next(const unsigned char *s, uint32_t *cp);

/* The value of a hex digit, or -1. */
int mc_hexval(unsigned char c);

#endif
