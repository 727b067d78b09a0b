/*
 * The one line a command prints after a usage error it has already named
 * (a mistyped option, a missing argument): where the options are
 * described, instead of the whole usage text scrolling the error away.
 */
#include <stdio.h>

#include "cli/commands.h"
#include "cli/exitcode.h"

int mc_usage_hint(const char *cmd)
{
	fprintf(stderr, "Try 'marketcrawl %s --help' for the options.\n", cmd);
	return MC_EXIT_USAGE;
}
