/*
 * Outcomes to exit statuses: library code reports what happened, the
 * command line alone decides the status cron sees (docs/exit-codes.md).
 */
#include "cli/exitcode.h"
#include "crawler/engine.h"

int mc_exit_for_run(enum mc_run_status status)
{
	switch (status) {
	case MC_RUN_COMPLETE: return MC_EXIT_OK;
	case MC_RUN_PARTIAL: return MC_EXIT_PARTIAL;
	case MC_RUN_ABORTED: return MC_EXIT_ABORTED;
	case MC_RUN_SUSPECT: return MC_EXIT_SUSPECT;
	case MC_RUN_FAILED: break;
	}
	return MC_EXIT_FAIL;
}
