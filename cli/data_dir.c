/*
 * Where runtime data lives: --data-dir, else $MARKETCRAWL_HOME, else ./var.
 */
#include <stdlib.h>

#include "cli/commands.h"

const char *mc_data_dir(const char *opt)
{
	const char *env = getenv("MARKETCRAWL_HOME");

	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return "var";
}
