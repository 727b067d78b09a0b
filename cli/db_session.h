/*
 * The database plumbing every database command shares, written once: the
 * connection (--db CONNINFO, else the PG* environment) and the migrations
 * applied on first use.
 */
#ifndef MC_DB_SESSION_H
#define MC_DB_SESSION_H

#include <stdbool.h>

#include <libpq-fe.h>

/*
 * Connect with `conninfo` (NULL: libpq's environment) and, when `migrate`,
 * apply pending migrations quietly.  Returns the connection (the caller
 * PQfinish()es) or NULL after printing why: the one place a database
 * command's connection failure is printed.
 */
PGconn *mc_cli_db_open(const char *conninfo, bool migrate);

#endif
