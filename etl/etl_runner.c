/*
 * The ETL runner (etl/etl.h): lock, log, run the embedded
 * sql/etl jobs in one transaction, log again; and the data tests behind
 * `etl --check`.  It owns the run protocol only: what the jobs do lives in
 * the sql/etl job files, and it never interprets their SQL.
 *
 * Protocol of one run:
 *   1. session advisory lock MC_ETL_LOCK_KEY (wait, or try and give up);
 *   2. rows of earlier runs still 'running' are marked 'abandoned' (we hold
 *      the lock, so their process is gone); a new etl.run row is committed;
 *   3. BEGIN ISOLATION LEVEL REPEATABLE READ, set etl.run_id, run each job
 *      (a file may hold several statements; rows affected is the sum over
 *      its INSERT / UPDATE / DELETE statements);
 *   4. success: job rows and the finished run row are written inside the
 *      transaction, then COMMIT; failure: ROLLBACK, then the same rows are
 *      written in autocommit, so the log of a failed run survives it;
 *   5. unlock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "etl/alerts.h"
#include "etl/etl.h"
#include "base/log.h"
#include "etl/sqlfiles.h"

struct job_log {
	const char *path;       /* "etl/010_batch.sql", borrowed from mc_sql_files */
	char started[48];       /* RFC 3339 UTC with microseconds */
	char finished[48];
	double ms;
	long long rows;
	char *error;            /* NULL when the job succeeded */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void wall_clock(char *out, size_t outsz)
{
	struct timespec ts;
	struct tm tm;
	char base[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, outsz, "%s.%06dZ", base, (int)(ts.tv_nsec / 1000 % 1000000));
}

/* The primary message of a failed result on one line, in `out`. */
static void one_line_error(PGconn *conn, const PGresult *res, char *out, size_t outsz)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (!msg || !*msg)
		msg = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
							: PQerrorMessage(conn);
	snprintf(out, outsz, "%s", msg);
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	size_t n = strlen(out);
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
}

/* Run a statement that returns at most one value; copies it to `val` when
 * given.  Returns 0 or -1 with the reason in `err`. */
static int query_value(PGconn *conn, const char *sql, int nparams, const char *const *params,
		       char *val, size_t valsz, char *err, size_t errsz)
{
	PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
		one_line_error(conn, res, err, errsz);
		rc = -1;
	} else if (val) {
		snprintf(val, valsz, "%s",
			 PQntuples(res) > 0 && PQnfields(res) > 0 ? PQgetvalue(res, 0, 0) : "");
	}
	PQclear(res);
	return rc;
}

/*
 * Send one job file and drain every result.  Returns 0, or -1 with the
 * first error in `job->error`.
 */
static int run_job(PGconn *conn, struct job_log *job, const char *text)
{
	PGresult *res;
	char err[1024];
	double t0 = now_ms();

	wall_clock(job->started, sizeof job->started);
	if (!PQsendQuery(conn, text)) {
		one_line_error(conn, NULL, err, sizeof err);
		job->error = mc_strdup(err);
		goto done;
	}
	for (;;) {
		res = PQgetResult(conn);
		if (!res)
			break;
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			const char *verb = PQcmdStatus(res);
			if (strncmp(verb, "INSERT", 6) == 0 || strncmp(verb, "UPDATE", 6) == 0 ||
			    strncmp(verb, "DELETE", 6) == 0 || strncmp(verb, "MERGE", 5) == 0)
				job->rows += strtoll(PQcmdTuples(res), NULL, 10);
		} else if (!job->error) {
			one_line_error(conn, res, err, sizeof err);
			job->error = mc_strdup(err);
		}
		PQclear(res);
	}
done:
	job->ms = now_ms() - t0;
	wall_clock(job->finished, sizeof job->finished);
	return job->error ? -1 : 0;
}

static const char *job_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Write the job rows and finish the run row.  Returns 0 or -1 (err set). */
static int write_log(PGconn *conn, long long run_id, const struct job_log *jobs, int njobs,
		     const char *status, long long files, const char *error, char *err,
		     size_t errsz)
{
	char id[32], seq[16], ms[32], rows[32], nfiles[32];

	snprintf(id, sizeof id, "%lld", run_id);
	for (int i = 0; i < njobs; i++) {
		snprintf(seq, sizeof seq, "%d", i + 1);
		snprintf(ms, sizeof ms, "%.3f", jobs[i].ms);
		snprintf(rows, sizeof rows, "%lld", jobs[i].rows);
		const char *p[9] = {id, seq, jobs[i].path, jobs[i].started, jobs[i].finished, ms,
				    rows, jobs[i].error ? "failed" : "ok", jobs[i].error};
		if (query_value(conn,
				"insert into etl.job_run (run_id, job_seq, job, started_at, finished_at,"
				" duration_ms, rows_affected, status, error_text)"
				" values ($1, $2, $3, $4, greatest($5::timestamptz, $4::timestamptz),"
				" $6, $7, $8, $9)",
				9, p, NULL, 0, err, errsz) != 0)
			return -1;
	}
	snprintf(nfiles, sizeof nfiles, "%lld", files);
	const char *p[4] = {id, status, nfiles, error};
	return query_value(conn,
			   "update etl.run set status = $2, files_processed = $3,"
			   " error_text = $4, finished_at = greatest(clock_timestamp(), started_at)"
			   " where run_id = $1",
			   4, p, NULL, 0, err, errsz);
}

static int take_lock(PGconn *conn, bool wait, bool *got, char *err, size_t errsz)
{
	char val[8];

	if (query_value(conn,
			wait ? "select pg_advisory_lock(" MC_ETL_LOCK_KEY ") is null"
			     : "select pg_try_advisory_lock(" MC_ETL_LOCK_KEY ")",
			0, NULL, val, sizeof val, err, errsz) != 0)
		return -1;
	*got = wait || strcmp(val, "t") == 0;
	return 0;
}

static void release_lock(PGconn *conn)
{
	char err[256];

	if (query_value(conn, "select pg_advisory_unlock(" MC_ETL_LOCK_KEY ")", 0, NULL, NULL, 0,
			err, sizeof err) != 0)
		mc_warn("releasing the ETL lock: %s", err);
}

static void log_refusal(PGconn *conn, struct mc_etl_result *res)
{
	char id[32], err[256];

	if (query_value(conn,
			"insert into etl.run (status, finished_at, error_text)"
			" values ('locked', clock_timestamp(), 'another ETL run held the lock')"
			" returning run_id",
			0, NULL, id, sizeof id, err, sizeof err) != 0)
		mc_warn("logging the refused run: %s", err);
	else
		res->run_id = strtoll(id, NULL, 10);
}

enum mc_etl_status mc_etl_run(PGconn *conn, bool wait, FILE *out, struct mc_etl_result *res)
{
	enum mc_etl_status rc = MC_ETL_FAILED;
	struct job_log *jobs = NULL;
	int njobs = 0, cap = 0;
	bool locked = false, in_tx = false;
	char id[32], files[32], err[1024] = "";
	double t0 = now_ms();

	memset(res, 0, sizeof *res);
	if (take_lock(conn, wait, &locked, err, sizeof err) != 0)
		goto out;
	if (!locked) {
		snprintf(res->error, sizeof res->error,
			 "another ETL run is in progress (advisory lock %s is held)", MC_ETL_LOCK_KEY);
		log_refusal(conn, res);
		rc = MC_ETL_LOCKED;
		goto out;
	}
	if (query_value(conn,
			"update etl.run set status = 'abandoned', finished_at = clock_timestamp(),"
			" error_text = 'its process ended before the run finished'"
			" where status = 'running'",
			0, NULL, NULL, 0, err, sizeof err) != 0 ||
	    query_value(conn, "insert into etl.run (status) values ('running') returning run_id", 0,
			NULL, id, sizeof id, err, sizeof err) != 0)
		goto out;
	res->run_id = strtoll(id, NULL, 10);

	const char *p_id[1] = {id};
	if (query_value(conn, "begin isolation level repeatable read", 0, NULL, NULL, 0, err,
			sizeof err) != 0)
		goto fail;
	in_tx = true;
	if (query_value(conn, "select set_config('etl.run_id', $1, true)", 1, p_id, NULL, 0, err,
			sizeof err) != 0)
		goto fail;
	/* JIT compiles every large statement anew, about a second each, for
	 * set-based SQL that runs once per job: pure overhead here. */
	if (query_value(conn, "set local jit = off", 0, NULL, NULL, 0, err, sizeof err) != 0)
		goto fail;

	for (const struct mc_sql_file *f = mc_sql_files; f->path; f++) {
		if (strncmp(f->path, "etl/", 4) != 0)
			continue;
		if (njobs == cap) {
			cap = cap ? cap * 2 : 16;
			jobs = mc_realloc(jobs, (size_t)cap * sizeof *jobs);
		}
		struct job_log *job = &jobs[njobs++];
		memset(job, 0, sizeof *job);
		job->path = f->path;
		int jrc = run_job(conn, job, f->text);
		if (out)
			fprintf(out, "  %-28s %10lld rows %10.1f ms%s\n", job_name(job->path),
				job->rows, job->ms, jrc ? "  FAILED" : "");
		if (jrc != 0) {
			snprintf(res->failed_job, sizeof res->failed_job, "%s", job_name(job->path));
			snprintf(err, sizeof err, "%s: %s", job_name(job->path), job->error);
			goto fail;
		}
	}
	if (query_value(conn, "select count(*) from batch_file", 0, NULL, files, sizeof files, err,
			sizeof err) != 0)
		goto fail;
	res->files = strtoll(files, NULL, 10);
	res->seconds = (now_ms() - t0) / 1000.0;
	if (write_log(conn, res->run_id, jobs, njobs, "ok", res->files, NULL, err, sizeof err) != 0 ||
	    query_value(conn, "commit", 0, NULL, NULL, 0, err, sizeof err) != 0)
		goto fail;
	in_tx = false;
	rc = MC_ETL_OK;
	goto out;

fail:
	if (in_tx) {
		char rb[256];
		if (query_value(conn, "rollback", 0, NULL, NULL, 0, rb, sizeof rb) != 0)
			mc_warn("rollback: %s", rb);
	}
	snprintf(res->error, sizeof res->error, "%s", err);
	{
		char lerr[512];
		if (write_log(conn, res->run_id, jobs, njobs, "failed", 0, res->error, lerr,
			      sizeof lerr) != 0)
			mc_warn("could not log the failed run %lld: %s", res->run_id, lerr);
	}
out:
	if (rc == MC_ETL_FAILED && !res->error[0])
		snprintf(res->error, sizeof res->error, "%s", err);
	res->seconds = (now_ms() - t0) / 1000.0;
	if (locked)
		release_lock(conn);
	for (int i = 0; i < njobs; i++)
		free(jobs[i].error);
	free(jobs);
	return rc;
}

/* Print up to `max` rows of `r` as "name=value, ..." lines. */
static void print_sample(FILE *out, const PGresult *r, int max)
{
	for (int i = 0; i < PQntuples(r) && i < max; i++) {
		fprintf(out, "       ");
		for (int j = 0; j < PQnfields(r); j++)
			fprintf(out, "%s%s=%s", j ? ", " : "", PQfname(r, j),
				PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
		fprintf(out, "\n");
	}
}

/* Each failed test becomes a run-health notification (etl/alerts.h),
 * written after the read-only snapshot ends; `failures` holds "NAME COUNT"
 * pairs.  A failure to record is a warning: the tests' outcome stands. */
static void notify_failures(PGconn *conn, char **failures, int n)
{
	for (int i = 0; i < n; i++) {
		struct mc_err err = {""};
		char *count = strchr(failures[i], ' ');

		*count++ = '\0';
		if (mc_alerts_data_test(conn, failures[i], count, &err) != 0)
			mc_warn("%s", err.msg);
	}
}

int mc_etl_check(PGconn *conn, FILE *out, struct mc_err *e)
{
	PGresult *list = NULL;
	int failed = -1, passed = 0, nfail = 0;
	char err[1024], **failures = NULL;

	if (query_value(conn, "begin isolation level repeatable read read only", 0, NULL, NULL, 0,
			err, sizeof err) != 0)
		return mc_err_set(e, "starting the data tests: %s", err);
	list = PQexec(conn, "select table_name from information_schema.views"
			    " where table_schema = 'etl' and table_name like 'check\\_%'"
			    " order by table_name");
	if (PQresultStatus(list) != PGRES_TUPLES_OK) {
		one_line_error(conn, list, err, sizeof err);
		mc_err_set(e, "listing the data tests: %s", err);
		goto out;
	}
	failed = 0;
	for (int i = 0; i < PQntuples(list); i++) {
		const char *name = PQgetvalue(list, i, 0);
		char *sql = mc_asprintf("select count(*) from etl.%s", name);
		char count[32];
		int qrc = query_value(conn, sql, 0, NULL, count, sizeof count, err, sizeof err);

		free(sql);
		if (qrc != 0) {
			failed = mc_err_set(e, "data test %s: %s", name, err);
			goto out;
		}
		if (strcmp(count, "0") == 0) {
			fprintf(out, "PASS %s\n", name + strlen("check_"));
			passed++;
			continue;
		}
		fprintf(out, "FAIL %s (%s rows)\n", name + strlen("check_"), count);
		failed++;
		failures = mc_realloc(failures, (size_t)(nfail + 1) * sizeof *failures);
		failures[nfail++] = mc_asprintf("%s %s", name + strlen("check_"), count);
		sql = mc_asprintf("select * from etl.%s limit 3", name);
		PGresult *r = PQexec(conn, sql);
		free(sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			print_sample(out, r, 3);
		PQclear(r);
	}
	fprintf(out, "%d data tests: %d passed, %d failed\n", passed + failed, passed, failed);
out:
	PQclear(list);
	if (query_value(conn, "rollback", 0, NULL, NULL, 0, err, sizeof err) != 0)
		mc_warn("ending the data tests: %s", err);
	else
		notify_failures(conn, failures, nfail);
	for (int i = 0; i < nfail; i++)
		free(failures[i]);
	free(failures);
	return failed;
}
