/*
 * `marketcrawl spiders`: the compiled-in spiders, their scope (does a run
 * see the whole catalogue?), their regions and their start URLs.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/exitcode.h"
#include "crawler/engine.h"
#include "marketcrawl/registry.h"

/* "us,gb,de" (the default first), or "-" for a spider without regions. */
static void print_regions(const struct mc_region *r)
{
	if (!r || !r->code) {
		putchar('-');
		return;
	}
	for (; r->code; r++)
		printf("%s%s", r->code, r[1].code ? "," : "");
}

/* What a run without --region starts from: the default region's start
 * URLs when it has its own, else the spider's. */
static const char *const *start_urls(const struct mc_spider *s)
{
	if (s->regions && s->regions[0].code && s->regions[0].start_urls)
		return s->regions[0].start_urls;
	return s->start_urls;
}

int mc_cmd_spiders(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: marketcrawl spiders\n\n"
		     "List the compiled-in spiders: name, marketplace, scope, regions and\n"
		     "start URLs.  Scope `full`: a run reads the whole catalogue, so a\n"
		     "complete run may delist what it did not see; `partial`: part of it\n"
		     "(deals, given pages).  Regions: the codes `crawl --region` takes, the\n"
		     "default first (`-`: none); the start URLs shown are the default's.\n"
		     "A spider is spiders/NAME.c; `make` adds it to this list.");
		return MC_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "marketcrawl spiders: unexpected argument '%s'\n", argv[1]);
		return MC_EXIT_USAGE;
	}
	for (const struct mc_spider *const *s = mc_spiders; *s; s++) {
		printf("%-16s %-16s %-7s ", (*s)->name, (*s)->marketplace ? (*s)->marketplace : "-",
		       mc_run_scope_name((*s)->scope));
		print_regions((*s)->regions);
		for (const char *const *u = start_urls(*s); u && *u; u++)
			printf(" %s", *u);
		putchar('\n');
	}
	return MC_EXIT_OK;
}
