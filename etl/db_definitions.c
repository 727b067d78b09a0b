/*
 * The definitions re-applied after the migrations (docs/database.md,
 * "Definitions"): the functions, views, data tests and generated reference
 * data of sql/functions, sql/views, sql/checks and sql/data.  Tables stay
 * in the numbered migrations, applied once each; these files say what an
 * object is now (create or replace, on conflict do update), so changing a
 * view is editing its file, and every migrate brings the database to them.
 *
 * Order: the folders in the order below (functions before the views that
 * call them, views before the data tests that read them, data last), the
 * files of a folder by name; all of them in one transaction, recorded in
 * etl.definition_file (path, checksum).
 */
#include <stdio.h>
#include <string.h>

#include "etl/db_definitions.h"
#include "etl/db.h"
#include "base/sha256.h"
#include "etl/sqlfiles.h"

static const char *const folders[] = {"functions/", "views/", "checks/", "data/"};
#define N_FOLDERS (sizeof folders / sizeof folders[0])

void mc_db_checksum(const char *text, char hex[65])
{
	struct mc_sha256 s;

	mc_sha256_init(&s);
	mc_sha256_update(&s, text, strlen(text));
	mc_sha256_final_hex(&s, hex);
}

static bool in_folder(const char *path, const char *folder)
{
	return strncmp(path, folder, strlen(folder)) == 0 && !strchr(path + strlen(folder), '/');
}

static bool is_definition(const char *path)
{
	for (size_t i = 0; i < N_FOLDERS; i++)
		if (in_folder(path, folders[i]))
			return true;
	return false;
}

/* Whether every embedded definition is recorded with its checksum, and
 * nothing else is: 1 yes, 0 no, -1 error (`err` set). */
static int recorded_match(PGconn *conn, struct mc_err *err)
{
	PGresult *res = PQexec(conn, "select path, checksum from etl.definition_file");
	int n = 0, match = 1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		mc_err_set(err, "reading etl.definition_file: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	for (const struct mc_sql_file *f = mc_sql_files; match && f->path; f++) {
		char sum[65];
		int found = 0;

		if (!is_definition(f->path))
			continue;
		n++;
		mc_db_checksum(f->text, sum);
		for (int i = 0; !found && i < PQntuples(res); i++)
			found = strcmp(PQgetvalue(res, i, 0), f->path) == 0 &&
				strcmp(PQgetvalue(res, i, 1), sum) == 0;
		match = found;
	}
	if (match && PQntuples(res) != n)
		match = 0;
	PQclear(res);
	return match;
}

static int record(PGconn *conn, const char *path, const char *text, struct mc_err *err)
{
	char sum[65];
	const char *params[2] = {path, sum};
	PGresult *res;
	int rc = 0;

	mc_db_checksum(text, sum);
	res = PQexecParams(conn, "insert into etl.definition_file (path, checksum) values ($1, $2)",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = mc_err_set(err, "recording %s: %s", path, PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

static int apply_all(PGconn *conn, struct mc_err *err)
{
	if (mc_db_exec(conn, "delete from etl.definition_file", "clearing etl.definition_file", err) != 0)
		return -1;
	for (size_t i = 0; i < N_FOLDERS; i++) {
		for (const struct mc_sql_file *f = mc_sql_files; f->path; f++) {
			char what[256];

			if (!in_folder(f->path, folders[i]))
				continue;
			snprintf(what, sizeof what, "definition %s", f->path);
			if (mc_db_exec(conn, f->text, what, err) != 0 || record(conn, f->path, f->text, err) != 0)
				return -1;
		}
	}
	return 0;
}

int mc_db_apply_definitions(PGconn *conn, bool always, struct mc_err *err)
{
	int match = recorded_match(conn, err);

	if (match < 0)
		return -1;
	if (match && !always)
		return 0;
	if (mc_db_exec(conn, "begin", "applying definitions", err) != 0)
		return -1;
	if (apply_all(conn, err) != 0 || mc_db_exec(conn, "commit", "applying definitions", err) != 0) {
		mc_db_exec(conn, "rollback", "rollback", NULL);
		return -1;
	}
	return !match;
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : NULL;
}

int mc_db_apply_required(PGconn *conn, const char *migration_path, const char *text,
			 struct mc_err *err)
{
	static const char tag[] = "-- requires: ";

	for (const char *line = text; line; line = next_line(line)) {
		char path[256], what[512];
		const char *body;
		size_t n;

		if (strncmp(line, tag, strlen(tag)) != 0)
			continue;
		line += strlen(tag);
		n = strcspn(line, " \r\n");
		if (n == 0 || n >= sizeof path) {
			return mc_err_set(err, "migration %s: a \"-- requires:\" line without a file",
					  migration_path);
		}
		memcpy(path, line, n);
		path[n] = '\0';
		body = mc_sql_text(path);
		if (!body || !is_definition(path)) {
			return mc_err_set(err, "migration %s requires %s, which is no embedded definition file",
					  migration_path, path);
		}
		snprintf(what, sizeof what, "migration %s: %s", migration_path, path);
		if (mc_db_exec(conn, body, what, err) != 0)
			return -1;
	}
	return 0;
}
