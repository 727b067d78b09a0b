/*
 * The ETL runner: applies the embedded sql/etl/NNN_*.sql jobs, in order, in
 * one REPEATABLE READ transaction under a session advisory lock, and logs
 * every run in etl.run / etl.job_run (docs/model.md).  Also runs the data
 * tests (the etl.check_* views) for `marketcrawl etl --check`.
 *
 * The lock is taken before the transaction starts, so the snapshot the jobs
 * read always includes the previous run's commit.  A failed run is rolled
 * back whole; its log rows are written after the rollback, so they survive.
 */
#ifndef MC_ETL_H
#define MC_ETL_H

#include <stdbool.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "base/error.h"

/* pg_advisory_lock key of the ETL: "mcetl" in ASCII. */
#define MC_ETL_LOCK_KEY "109099101116108"

enum mc_etl_status {
	MC_ETL_OK = 0,
	MC_ETL_LOCKED, /* `wait` was false and another run holds the lock */
	MC_ETL_FAILED, /* a job or the database failed; nothing was changed */
};

struct mc_etl_result {
	long long run_id;     /* etl.run.run_id, 0 if none could be written */
	long long files;      /* staging files processed by this run */
	double seconds;       /* wall time of the whole run */
	char failed_job[64];  /* the job that failed, "" when none */
	char error[1024];     /* one-line reason when not MC_ETL_OK */
};

/*
 * Run the ETL on `conn` (borrowed; the schema must be migrated).  `wait`:
 * block until another run releases the lock, else return MC_ETL_LOCKED at
 * once (the refusal is logged as an etl.run row with status 'locked').
 * `out` (may be NULL) receives one line per job: name, rows affected,
 * milliseconds.  Fills `res` in every case.
 */
enum mc_etl_status mc_etl_run(PGconn *conn, bool wait, FILE *out, struct mc_etl_result *res);

/*
 * Run every data test (views etl.check_* in name order) in one read-only
 * snapshot and print "PASS name" or "FAIL name (N rows)" plus up to three
 * offending rows to `out`, then a summary line.  Returns the number of
 * failed tests, or -1 when the tests could not run (`err` says why).
 */
int mc_etl_check(PGconn *conn, FILE *out, struct mc_err *err);

#endif
