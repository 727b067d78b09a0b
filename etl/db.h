/*
 * PostgreSQL connection and migrations, shared by load, etl, report and db.
 * Connection follows libpq: `conninfo` (URI or key=value) or, when NULL,
 * the PG* environment / PGSERVICE / ~/.pgpass.  Error messages name host,
 * port and database but never the password.
 */
#ifndef MC_DB_H
#define MC_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"

/*
 * Connect; on failure return NULL with `err` set to "cannot connect to
 * host=... port=... dbname=...: <libpq error>".  The caller PQfinish()es.
 * Sets client_encoding UTF8 and a quiet client_min_messages.
 */
PGconn *mc_db_connect(const char *conninfo, struct mc_err *err);

/* A description "host=H port=P dbname=D user=U" of a live connection,
 * without the password, in `out`. */
void mc_db_describe(PGconn *conn, char *out, size_t outsz);

/* Execute SQL whose rows are not read; on error return -1 with `err` set
 * to "WHAT: the server's message" (`err` may be NULL: a cleanup step). */
int mc_db_exec(PGconn *conn, const char *sql, const char *what, struct mc_err *err);

/*
 * Apply every embedded sql/schema/NNN_*.sql not yet recorded in
 * etl.schema_version, in order, each in its own transaction, under an
 * advisory lock; then the definitions (sql/functions, sql/views,
 * sql/checks, sql/data) in one transaction: always for `db migrate`
 * (!quiet), and for the quiet migrate of load and etl when a migration was
 * applied or a definition file changed since it was last applied (so a
 * role without CREATE can load into an up-to-date database).  Prints one
 * line per applied migration, and one for the definitions when they
 * changed, unless `quiet`.  Returns 0, or -1 with `err` naming the
 * failing file and the error.
 */
int mc_db_migrate(PGconn *conn, bool quiet, struct mc_err *err);

/* Print the schema of stg, etl, core, mart and rpt (tables with their
 * constraints, indexes and comments, views, functions) as SQL to `out`, in
 * a fixed order (docs/database.md, "db schema").  0, or -1 with `err` set. */
int mc_db_print_schema(PGconn *conn, FILE *out, struct mc_err *err);

/* Current schema version (highest applied), 0 if none; pending count.
 * 0, or -1 with `err` set. */
int mc_db_schema_status(PGconn *conn, int *version, int *pending, struct mc_err *err);

#endif
