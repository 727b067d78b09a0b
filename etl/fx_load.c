/*
 * The rates loader (etl/fx_load.h): read the whole file (a few MB at
 * most), parse it into COPY text rows, then in one transaction: take the
 * fx lock, COPY the rows into a temp table, look for what only the
 * database can judge (an unknown currency, a currency twice on a date)
 * and insert the dates that are new (sql/fx/: lock, stage, problem, insert).  Parsing first means a
 * malformed file never opens a transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "etl/db.h"
#include "etl/fx_load.h"
#include "etl/fx_xml.h"
#include "etl/sqlfiles.h"

/* COPY data goes to the server in blocks of this size. */
#define COPY_BLOCK (256 * 1024)

/* Read `path` whole into `out`.  0, or -1 with `err` set. */
static int read_file(const char *path, struct mc_buf *out, struct mc_err *err)
{
	char chunk[64 * 1024];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	if (!f)
		return mc_err_set(err, "%s: %s", path, strerror(errno));
	for (;;) {
		n = fread(chunk, 1, sizeof chunk, f);
		if (n == 0)
			break;
		if (mc_buf_add(out, chunk, n) != 0) {
			rc = mc_err_set(err, "%s: larger than %u bytes", path, MC_FX_FILE_MAX);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = mc_err_set(err, "%s: %s", path, strerror(errno));
	fclose(f);
	return rc;
}

/* One COPY text row per rate: every field was checked, none needs escaping. */
static int add_row(void *ctx, const struct mc_fx_rate *r, struct mc_err *err)
{
	struct mc_buf *rows = ctx;

	if (mc_buf_printf(rows, "%s\t%s\t%s\t%d\n", r->date, r->currency, r->rate, r->line) != 0)
		return mc_err_set(err, "more rates than fit in memory");
	return 0;
}

/* The embedded statement sql/fx/NAME.sql, or NULL (message set). */
static const char *fx_sql(const char *name, struct mc_err *err)
{
	char path[64];
	const char *s;

	snprintf(path, sizeof path, "fx/%s.sql", name);
	s = mc_sql_text(path);
	if (!s)
		mc_err_set(err, "this binary carries no sql/%s", path);
	return s;
}

static int exec_fx(PGconn *conn, const char *name, struct mc_err *err)
{
	const char *sql = fx_sql(name, err);

	return sql ? mc_db_exec(conn, sql, name, err) : -1;
}

/* COPY `rows` into fx_in.  0, or -1 with `err` set. */
static int copy_rows(PGconn *conn, const struct mc_buf *rows, struct mc_err *err)
{
	PGresult *r = PQexec(conn, "copy fx_in (rate_date, currency, rate, line) from stdin");
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = mc_err_set(err, "COPY: %s", PQerrorMessage(conn));
		PQclear(r);
		return rc;
	}
	PQclear(r);
	for (size_t off = 0; off < rows->len && rc == 0; off += COPY_BLOCK) {
		size_t n = rows->len - off < COPY_BLOCK ? rows->len - off : COPY_BLOCK;
		if (PQputCopyData(conn, rows->data + off, (int)n) != 1)
			rc = -1;
	}
	if (PQputCopyEnd(conn, rc == 0 ? NULL : "send failed") != 1)
		rc = -1;
	for (r = PQgetResult(conn); r; r = PQgetResult(conn)) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = -1;
		PQclear(r);
	}
	if (rc != 0)
		mc_err_set(err, "COPY: %s", PQerrorMessage(conn));
	return rc;
}

/* The first unknown or repeated currency, as "line N: ..."; 0 when none. */
static int find_problem(PGconn *conn, struct mc_err *err)
{
	const char *sql = fx_sql("problem", err);
	PGresult *r;
	int rc = 0;

	if (!sql)
		return -1;
	r = PQexec(conn, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = mc_err_set(err, "problem: %s", PQerrorMessage(conn));
	else if (PQntuples(r) > 0 && strcmp(PQgetvalue(r, 0, 1), "twice") == 0)
		rc = mc_err_set(err, "line %s: %s given twice for %s", PQgetvalue(r, 0, 0),
				PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3));
	else if (PQntuples(r) > 0)
		rc = mc_err_set(err, "line %s: unknown currency '%s' (not in core.currency)",
				PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 2));
	PQclear(r);
	return rc;
}

/* Insert the new dates; fills `res`.  0, or -1 with `err` set. */
static int insert_new(PGconn *conn, const char *source, struct mc_fx_load_result *res,
		      struct mc_err *err)
{
	const char *sql = fx_sql("insert", err);
	PGresult *r;
	int rc = 0;

	if (!sql)
		return -1;
	r = PQexecParams(conn, sql, 1, NULL, &source, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		rc = mc_err_set(err, "insert: %s", PQerrorMessage(conn));
	} else {
		res->dates_new = strtol(PQgetvalue(r, 0, 0), NULL, 10);
		res->dates_present = strtol(PQgetvalue(r, 0, 1), NULL, 10);
		res->rates_new = strtol(PQgetvalue(r, 0, 2), NULL, 10);
		res->rates_present = strtol(PQgetvalue(r, 0, 3), NULL, 10);
	}
	PQclear(r);
	return rc;
}

int mc_fx_load_file(PGconn *conn, const char *path, struct mc_fx_load_result *res,
		    struct mc_err *err)
{
	const char *slash = strrchr(path, '/');
	const char *source = slash && slash[1] ? slash + 1 : path;
	struct mc_buf xml, rows;
	struct mc_err why = {""};
	int rc = -1;

	memset(res, 0, sizeof *res);
	mc_buf_init(&xml, MC_FX_FILE_MAX);
	mc_buf_init(&rows, 0);
	if (read_file(path, &xml, err) != 0)
		goto out;
	if (mc_fx_parse(xml.data, xml.len, add_row, &rows, &why) < 0) {
		mc_err_set(err, "%s: %s", path, why.msg);
		goto out;
	}
	if (mc_db_exec(conn, "begin", "begin", &why) != 0)
		goto failed;
	if (exec_fx(conn, "lock", &why) != 0 || exec_fx(conn, "stage", &why) != 0 ||
	    copy_rows(conn, &rows, &why) != 0 || find_problem(conn, &why) != 0 ||
	    insert_new(conn, source, res, &why) != 0 ||
	    mc_db_exec(conn, "commit", "commit", &why) != 0) {
		mc_db_exec(conn, "rollback", "rollback", NULL);
		goto failed;
	}
	rc = 0;
	goto out;
failed:
	memset(res, 0, sizeof *res);
	mc_err_set(err, "%s: %s", path, why.msg);
out:
	mc_buf_release(&xml);
	mc_buf_release(&rows);
	return rc;
}
