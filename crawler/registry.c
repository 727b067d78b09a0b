/*
 * Lookup in the generated spider table (build/gen/spider_registry.c).
 */
#include <string.h>

#include "marketcrawl/registry.h"

const struct mc_spider *mc_spider_find(const char *name)
{
	for (const struct mc_spider *const *s = mc_spiders; *s; s++)
		if (strcmp((*s)->name, name) == 0)
			return *s;
	return NULL;
}
