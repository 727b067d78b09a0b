/*
 * PostgreSQL access shared by load, etl, report and db
 * (etl/db.h): connecting the libpq way, describing a
 * connection for people, and applying the embedded migrations.
 *
 * It must never print a password: what a failed connection says is
 * decided by etl/db_redact.c.
 *
 * Migrations: every embedded sql/schema/NNN_name.sql not yet recorded in
 * etl.schema_version is applied in NNN order, each in its own transaction,
 * while a session advisory lock keeps a second migrate (or a load starting
 * at the same moment) waiting instead of racing on CREATE ... IF NOT EXISTS.
 * A recorded checksum of an earlier text of the same migration
 * (etl/schema_superseded.c) is brought up to date silently; any other
 * difference is warned about.  Then the definitions (functions, views, data
 * tests, reference data: etl/db_definitions.c) are applied again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/db_definitions.h"
#include "etl/schema_superseded.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "etl/db.h"
#include "etl/db_redact.h"
#include "base/log.h"
#include "etl/sqlfiles.h"

/* pg_advisory_lock key of migrations: "mcmigr" in ASCII. */
#define MIGRATE_LOCK_KEY "109099109105103114"

/* ---- connecting --------------------------------------------------------- */

static const char *or_default(const char *s)
{
	return s && *s ? s : "(default)";
}

void mc_db_describe(PGconn *conn, char *out, size_t outsz)
{
	snprintf(out, outsz, "host=%s port=%s dbname=%s user=%s", or_default(PQhost(conn)),
		 or_default(PQport(conn)), or_default(PQdb(conn)), or_default(PQuser(conn)));
}

PGconn *mc_db_connect(const char *conninfo, struct mc_err *err)
{
	char where[512];
	PGconn *conn;

	if (mc_db_conninfo_check(conninfo, err) != 0)
		return NULL;
	conn = PQconnectdb(conninfo ? conninfo : "");
	if (!conn) {
		mc_err_set(err, "cannot connect: out of memory in libpq");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		mc_db_connect_failure(conn, conninfo, err);
		PQfinish(conn);
		return NULL;
	}
	if (PQsetClientEncoding(conn, "UTF8") != 0 ||
	    mc_db_exec(conn, "set client_min_messages = warning", "session setup", NULL) != 0) {
		mc_db_describe(conn, where, sizeof where);
		mc_err_set(err, "cannot set up the session on %s", where);
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* ---- statements ----------------------------------------------------------- */

/* Set `err` to "WHAT: the server's message" for a failed statement; -1. */
static int result_error(PGconn *conn, PGresult *res, const char *what, struct mc_err *err)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	char *copy;
	size_t n;

	if (!msg || !*msg)
		msg = PQerrorMessage(conn);
	copy = mc_strdup(msg && *msg ? msg : "unknown error");
	n = strlen(copy);
	while (n && (copy[n - 1] == '\n' || copy[n - 1] == ' '))
		copy[--n] = '\0';
	mc_err_set(err, "%s: %s", what, copy);
	free(copy);
	return -1;
}

int mc_db_exec(PGconn *conn, const char *sql, const char *what, struct mc_err *err)
{
	PGresult *res = PQexec(conn, sql);
	int rc = 0;

	if (!res || (PQresultStatus(res) != PGRES_COMMAND_OK &&
		     PQresultStatus(res) != PGRES_TUPLES_OK &&
		     PQresultStatus(res) != PGRES_EMPTY_QUERY))
		rc = result_error(conn, res, what, err);
	PQclear(res);
	return rc;
}

/* ---- migrations ----------------------------------------------------------- */

/* An embedded migration: "schema/NNN_name.sql" -> version NNN, name "NNN_name.sql". */
static int migration_version(const char *path, const char **name)
{
	const char *base = path + strlen("schema/");
	int v = 0;

	if (strncmp(path, "schema/", 7) != 0 || strchr(base, '/'))
		return -1;
	for (int i = 0; i < 3; i++) {
		if (base[i] < '0' || base[i] > '9')
			return -1;
		v = v * 10 + (base[i] - '0');
	}
	if (base[3] != '_')
		return -1;
	*name = base;
	return v;
}

/* Create etl.schema_version unless it exists (checked first, so a role
 * without CREATE on the database can still run load on a migrated one). */
static int ensure_version_table(PGconn *conn, struct mc_err *err)
{
	PGresult *res = PQexec(conn, "select to_regclass('etl.schema_version') is not null");
	int exists = PQresultStatus(res) == PGRES_TUPLES_OK && strcmp(PQgetvalue(res, 0, 0), "t") == 0;

	PQclear(res);
	if (exists)
		return 0;
	return mc_db_exec(conn,
			  "create schema if not exists etl;"
			  "create table if not exists etl.schema_version ("
			  " version integer primary key,"
			  " name text not null,"
			  " checksum text not null,"
			  " applied_at timestamptz not null default now())",
			  "creating etl.schema_version", err);
}

/* The checksum recorded for `version`, or NULL (new string or NULL). */
static char *applied_checksum(PGconn *conn, int version, bool *failed, struct mc_err *err)
{
	char v[16];
	const char *params[1] = {v};
	PGresult *res;
	char *sum = NULL;

	snprintf(v, sizeof v, "%d", version);
	res = PQexecParams(conn, "select checksum from etl.schema_version where version = $1", 1,
			   NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		*failed = result_error(conn, res, "reading etl.schema_version", err) != 0;
	} else if (PQntuples(res) == 1) {
		sum = mc_strdup(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return sum;
}

/* A migration applied with an earlier text of the same effect: record the
 * current text's checksum (docs/database.md, "Superseded checksums"). */
static int record_checksum(PGconn *conn, int version, const char *sum, struct mc_err *err)
{
	char v[16];
	const char *params[2] = {v, sum};
	PGresult *res;
	int rc = 0;

	snprintf(v, sizeof v, "%d", version);
	res = PQexecParams(conn, "update etl.schema_version set checksum = $2 where version = $1", 2,
			   NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = result_error(conn, res, "updating etl.schema_version", err);
	PQclear(res);
	return rc;
}

static int apply_one(PGconn *conn, int version, const char *name, const char *path,
		     const char *text, const char *sum, struct mc_err *err)
{
	char v[16], what[256];
	const char *params[3] = {v, name, sum};
	PGresult *res;

	snprintf(v, sizeof v, "%d", version);
	snprintf(what, sizeof what, "migration %s", path);
	if (mc_db_exec(conn, "begin", what, err) != 0)
		return -1;
	if (mc_db_apply_required(conn, path, text, err) != 0 || mc_db_exec(conn, text, what, err) != 0)
		goto fail;
	res = PQexecParams(conn,
			   "insert into etl.schema_version (version, name, checksum) values ($1, $2, $3)",
			   3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		result_error(conn, res, what, err);
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (mc_db_exec(conn, "commit", what, err) != 0)
		goto fail;
	return 0;
fail:
	mc_db_exec(conn, "rollback", "rollback", NULL);
	return -1;
}

int mc_db_migrate(PGconn *conn, bool quiet, struct mc_err *err)
{
	int rc = -1, last = -1, applied = 0, changed;

	if (mc_db_exec(conn, "select pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "migration lock", err) != 0)
		return -1;
	if (ensure_version_table(conn, err) != 0)
		goto out;
	for (const struct mc_sql_file *f = mc_sql_files; f->path; f++) {
		const char *name;
		int version = migration_version(f->path, &name);
		bool failed = false;
		char sum[65];

		if (version < 0)
			continue;
		if (version == last) {
			mc_err_set(err, "two migrations numbered %03d (%s)", version, f->path);
			goto out;
		}
		last = version;
		mc_db_checksum(f->text, sum);
		char *old = applied_checksum(conn, version, &failed, err);
		if (failed)
			goto out;
		if (old) {
			int brc = 0;
			if (strcmp(old, sum) != 0 && mc_schema_superseded(version, old))
				brc = record_checksum(conn, version, sum, err);
			else if (strcmp(old, sum) != 0)
				mc_warn("migration %s changed after it was applied (checksum differs); "
					"it is not applied again", f->path);
			free(old);
			if (brc != 0)
				goto out;
			continue;
		}
		if (apply_one(conn, version, name, f->path, f->text, sum, err) != 0)
			goto out;
		applied++;
		if (!quiet)
			printf("applied %s\n", f->path);
	}
	changed = mc_db_apply_definitions(conn, !quiet || applied > 0, err);
	if (changed < 0)
		goto out;
	if (!quiet && changed)
		printf("applied definitions: sql/functions, sql/views, sql/checks, sql/data\n");
	if (!quiet && applied == 0 && !changed)
		printf("schema is up to date\n");
	rc = 0;
out:
	mc_db_exec(conn, "select pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", "migration unlock", NULL);
	return rc;
}

int mc_db_schema_status(PGconn *conn, int *version, int *pending, struct mc_err *err)
{
	PGresult *res;
	bool failed = false;
	int exists;

	*version = 0;
	*pending = 0;
	res = PQexec(conn, "select to_regclass('etl.schema_version') is not null");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		result_error(conn, res, "reading the schema version", err);
		PQclear(res);
		return -1;
	}
	exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (exists) {
		res = PQexec(conn, "select coalesce(max(version), 0) from etl.schema_version");
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			result_error(conn, res, "reading the schema version", err);
			PQclear(res);
			return -1;
		}
		*version = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	for (const struct mc_sql_file *f = mc_sql_files; f->path; f++) {
		const char *name;
		int v = migration_version(f->path, &name);
		if (v < 0)
			continue;
		char *sum = exists ? applied_checksum(conn, v, &failed, err) : NULL;
		if (failed)
			return -1;
		*pending += sum == NULL;
		free(sum);
	}
	return 0;
}
