/*
 * Loading the ECB's euro reference rates (an eurofxref XML file, read by
 * etl/fx_xml.h) into core.fx_day and core.fx_rate, exactly once per date:
 * a date already in the database is kept as it is, so reloading a file or
 * loading an overlapping 90-day file adds nothing and changes nothing.
 * One transaction per file: a file with any bad rate loads nothing.  The
 * one writer of core outside the ETL (docs/fx.md says why).
 */
#ifndef MC_FX_LOAD_H
#define MC_FX_LOAD_H

#include <libpq-fe.h>

#include "base/error.h"

/* The largest file read: the historic file is about 6 MB. */
#define MC_FX_FILE_MAX (256u * 1024 * 1024)

struct mc_fx_load_result {
	long dates_new, dates_present;  /* dates added / already in the database */
	long rates_new, rates_present;  /* their rates */
};

/*
 * Load the eurofxref file at `path` over `conn` (no transaction open).
 * Fills `res` and returns 0, or -1 with `err` set to one line naming the
 * file (and the line, when the problem has one): unreadable, malformed,
 * a bad date, rate or currency, an unknown currency, a currency twice on
 * one date, a database error.  After -1 nothing of the file is stored.
 */
int mc_fx_load_file(PGconn *conn, const char *path, struct mc_fx_load_result *res,
		    struct mc_err *err);

#endif
