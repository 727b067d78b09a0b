/*
 * The values of `marketcrawl watch add`'s rule options, checked before
 * anything reaches the database, so a mistyped amount or percentage is a
 * usage error naming it (core.watch's checks stay the last word for psql
 * users).  Pure functions, unit-tested in tests/unit/test_watch_rule.c.
 */
#ifndef MC_WATCH_RULE_H
#define MC_WATCH_RULE_H

#include <stdbool.h>
#include <stddef.h>

/* "AMOUNT CUR" or "AMOUNTCUR" (14.99 EUR, 15eur): a decimal above 0 with at
 * most 20 digits, and three letters.  Fills `amount` (asz bytes) and
 * `cur` (upper case, 4 bytes); returns false for anything else. */
bool mc_watch_parse_price(const char *s, char *amount, size_t asz, char cur[4]);

/* "20" or "20%": a decimal in [lo, 100).  Drops the "%" from `s` in place;
 * returns false for anything else. */
bool mc_watch_parse_pct(char *s, double lo);

#endif
