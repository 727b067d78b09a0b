/*
 * Exit statuses of the marketcrawl command, shared by every subcommand so
 * cron wrappers can tell outcomes apart.  Documented in docs/exit-codes.md.
 */
#ifndef MC_EXITCODE_H
#define MC_EXITCODE_H

enum mc_exit {
	MC_EXIT_OK = 0,       /* success */
	MC_EXIT_FAIL = 1,     /* error: nothing (more) was done */
	MC_EXIT_USAGE = 2,    /* bad command line */
	MC_EXIT_REJECTS = 3,  /* load: done, but some lines were rejected */
	MC_EXIT_SUSPECT = 4,  /* crawl: complete, but the run looks suspect */
	MC_EXIT_ABORTED = 5,  /* crawl: interrupted, aborted file written */
	MC_EXIT_LOCKED = 6,   /* etl/load: another run holds the lock */
	MC_EXIT_CHECK = 7,    /* etl --check: a data test failed */
	MC_EXIT_PARTIAL = 8,  /* crawl: a file was written, but the run did not see its
			       * whole frontier (limit, failed pages, start URLs given) */
};

/* The exit status of a crawl that ended with `status` (crawler/engine.h). */
enum mc_run_status;
int mc_exit_for_run(enum mc_run_status status);

#endif
