/*
 * Small text primitives shared by the parsers of outside input (robots.txt,
 * URLs), so each rule is written once; UTF-8 has its own module
 * (base/utf8.h).  Pure functions, thread-safe.
 */
#ifndef MC_TEXT_H
#define MC_TEXT_H

/* The value of a hex digit, or -1. */
int mc_hexval(unsigned char c);

#endif
