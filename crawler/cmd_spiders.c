/*
 * `marketcrawl spiders`: the compiled-in spiders, their scope (does a run
 * see the whole catalogue?) and their start URLs.
 */
#include <stdio.h>
#include <string.h>

#include "marketcrawl/commands.h"
#include "marketcrawl/exitcode.h"
#include "marketcrawl/registry.h"

int mc_cmd_spiders(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: marketcrawl spiders\n\n"
		     "List the compiled-in spiders: name, marketplace, scope and start URLs.\n"
		     "Scope `full`: a run reads the whole catalogue, so a complete run may\n"
		     "delist what it did not see; `partial`: part of it (deals, given pages).\n"
		     "A spider is spiders/NAME.c; `make` adds it to this list.");
		return MC_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "marketcrawl spiders: unexpected argument '%s'\n", argv[1]);
		return MC_EXIT_USAGE;
	}
	for (const struct mc_spider *const *s = mc_spiders; *s; s++) {
		printf("%-16s %-16s %-7s", (*s)->name, (*s)->marketplace ? (*s)->marketplace : "-",
		       (*s)->scope == MC_SCOPE_FULL ? "full" : "partial");
		for (const char *const *u = (*s)->start_urls; u && *u; u++)
			printf(" %s", *u);
		putchar('\n');
	}
	return MC_EXIT_OK;
}
