/*
 * What a failed connection may say about its connection string: never the
 * password, nor anything libpq quotes from a string it could not parse (a
 * malformed URI's token may be the password itself), nor the fields libpq
 * made of an ambiguous URI (an unencoded '/' or '@' in a password moves
 * the rest of it into the port, database or host).  etl/db.c's
 * mc_db_connect is the one caller, so every command that connects (load,
 * etl, report, db, metrics, run and whatever comes) says the same.
 */
#ifndef MC_DB_REDACT_H
#define MC_DB_REDACT_H

#include <libpq-fe.h>

#include "base/error.h"

/*
 * Parse `conninfo` (NULL: none, the environment only) as libpq will before
 * connecting.  Returns 0 when it parses, else -1 with `err` set to
 * "cannot connect: malformed connection string: REASON", libpq's reason
 * with everything it quoted replaced by "...".
 */
int mc_db_conninfo_check(const char *conninfo, struct mc_err *err);

/*
 * Set `err` to "cannot connect to host=... port=... dbname=... user=...:
 * <libpq's message>" for `conn`, which failed to connect with
 * `conninfo` (borrowed, both): libpq's message on one line, the password
 * (of `conninfo` or PGPASSWORD) masked in it and in the fields; for an
 * ambiguous URI neither the fields nor libpq's message, only why.
 */
void mc_db_connect_failure(PGconn *conn, const char *conninfo, struct mc_err *err);

#endif
