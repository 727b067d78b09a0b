/*
 * Lookups in a spider's own tables (registry.h): callbacks by name and
 * back, for `marketcrawl parse` and its follow list, and regions by code,
 * for --region, with the rule a code follows.  Reads the constant spider
 * structs only.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "marketcrawl/registry.h"

/* The name the callbacks table gives `fn`, or NULL. */
static const char *table_name(const struct mc_spider *spider, mc_parse_fn fn)
{
	for (const struct mc_callback *c = spider->callbacks; c && c->name; c++)
		if (c->fn == fn)
			return c->name;
	return NULL;
}

mc_parse_fn mc_spider_callback(const struct mc_spider *spider, const char *name)
{
	for (const struct mc_callback *c = spider->callbacks; c && c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c->fn;
	if (strcmp(name, "parse") == 0)
		return spider->parse;
	if (strcmp(name, "sitemap_parse") == 0)
		return spider->sitemap_parse;
	return NULL;
}

const char *mc_spider_callback_name(const struct mc_spider *spider, mc_parse_fn fn)
{
	const char *name = fn ? table_name(spider, fn) : NULL;

	if (name)
		return name;
	if (fn && fn == spider->parse)
		return "parse";
	if (fn && fn == spider->sitemap_parse)
		return "sitemap_parse";
	return NULL;
}

/* Append `name` to the ", "-separated list in out, cut to fit. */
static void add_name(char *out, size_t outsz, const char *name)
{
	size_t len = strlen(out);

	if (len + 1 < outsz)
		snprintf(out + len, outsz - len, "%s%s", len ? ", " : "", name);
}

void mc_spider_callback_names(const struct mc_spider *spider, char *out, size_t outsz)
{
	if (!outsz)
		return;
	out[0] = '\0';
	for (const struct mc_callback *c = spider->callbacks; c && c->name; c++)
		add_name(out, outsz, c->name);
	if (spider->parse && !table_name(spider, spider->parse))
		add_name(out, outsz, "parse");
	if (spider->sitemap_parse && !table_name(spider, spider->sitemap_parse))
		add_name(out, outsz, "sitemap_parse");
}

const struct mc_region *mc_spider_region(const struct mc_spider *spider, const char *code)
{
	for (const struct mc_region *r = spider->regions; r && r->code; r++)
		if (strcmp(r->code, code) == 0)
			return r;
	return NULL;
}

bool mc_region_code_ok(const char *code)
{
	size_t n = code ? strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_-") : 0;

	return n >= 1 && n <= 20 && code[n] == '\0';
}

void mc_spider_region_codes(const struct mc_spider *spider, char *out, size_t outsz)
{
	if (!outsz)
		return;
	out[0] = '\0';
	for (const struct mc_region *r = spider->regions; r && r->code; r++)
		add_name(out, outsz, r->code);
}
