/*
 * The definitions re-applied after the migrations (etl/db_definitions.c):
 * sql/functions, sql/views, sql/checks and sql/data, in that order.
 * Internal to etl/db.c.
 */
#ifndef MC_DB_DEFINITIONS_H
#define MC_DB_DEFINITIONS_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "base/error.h"

/* The hex SHA-256 of a file's text, as etl.schema_version and
 * etl.definition_file record it. */
void mc_db_checksum(const char *text, char hex[65]);

/*
 * Apply every embedded definition file in one transaction and record their
 * checksums in etl.definition_file: always when `always`, else only when
 * one of them differs from what is recorded (so an up-to-date database is
 * only read).  The caller holds the migration lock.  Returns 1 when the
 * recorded files differed (applied), 0 when they did not (applied only if
 * `always`), -1 with `err` naming the failing file.
 */
int mc_db_apply_definitions(PGconn *conn, bool always, struct mc_err *err);

/*
 * Run the definition files a migration names on lines "-- requires: PATH"
 * (e.g. a function its backfill calls), inside the migration's
 * transaction, before it.  Returns 0, or -1 with `err` set.
 */
int mc_db_apply_required(PGconn *conn, const char *migration_path, const char *text,
			 struct mc_err *err);

#endif
