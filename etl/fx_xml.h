/*
 * Reading the European Central Bank's euro reference rates in its
 * eurofxref XML format (docs/fx.md): gesmes:Envelope / Cube / Cube
 * time="YYYY-MM-DD" / Cube currency="USD" rate="1.0823", as in its daily,
 * 90-day and historic files.  The XML is streamed with libxml2's reader;
 * each rate is checked for shape (a calendar date, three upper-case
 * letters other than EUR, a positive decimal) and handed to a callback.
 * Whether a currency exists and whether a date is new is the loader's
 * business (etl/fx_load.h).  Never touches the network, a DTD or an
 * entity: the file is outside input.
 */
#ifndef MC_FX_XML_H
#define MC_FX_XML_H

#include <stddef.h>

#include "base/error.h"

/* The longest rate accepted, as written: 12 digits, a point, 12 digits. */
#define MC_FX_RATE_MAX 25

/* One rate: `rate` units of `currency` per euro on `date`. */
struct mc_fx_rate {
	char date[11];                 /* YYYY-MM-DD */
	char currency[4];              /* e.g. "USD" */
	char rate[MC_FX_RATE_MAX + 1]; /* as written, e.g. "1.0823" */
	int line;                      /* of its Cube element in the file */
};

/* Called for each rate in file order; `r` is valid during the call only.
 * A non-zero return stops the parse, which then returns -1 with `err` as
 * the callback left it. */
typedef int (*mc_fx_rate_fn)(void *ctx, const struct mc_fx_rate *r, struct mc_err *err);

/*
 * Parse the `len` bytes of eurofxref XML at `xml`, calling `fn` for every
 * rate.  Returns the number of rates (at least one), or -1 with `err` set
 * to one line, "line N: why" when the place is known (malformed XML, not
 * an eurofxref document, a bad date, currency or rate, a rate outside a
 * dated Cube, no rate at all).
 */
long mc_fx_parse(const char *xml, size_t len, mc_fx_rate_fn fn, void *ctx, struct mc_err *err);

#endif
