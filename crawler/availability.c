/*
 * mc_availability_parse (spider.h): what a store's availability text or
 * schema.org value means, so spiders stop writing their own mapper.  Pure
 * and table-driven: the words are matched on a squeezed form of the text
 * (ASCII letters only, lower case), negative phrases before positive ones,
 * so "Unavailable" and "Not in stock" are never read as "available" or "in
 * stock".  Anything it does not know is MC_AVAIL_UNKNOWN, never a guess.
 */
#include <string.h>

#include "marketcrawl/spider.h"

/* Longest text looked at; availability phrases are short. */
#define SQUEEZED_MAX 128

struct phrase {
	const char *letters; /* squeezed form, matched anywhere in the text */
	enum mc_availability means;
};

/* Tried in order, the first match decides: negative phrases before the
 * positive ones they contain ("unavailable", "not in stock"). */
static const struct phrase phrases[] = {
	{"outofstock", MC_AVAIL_OUT_OF_STOCK},
	{"notinstock", MC_AVAIL_OUT_OF_STOCK},
	{"soldout", MC_AVAIL_OUT_OF_STOCK},
	{"unavailable", MC_AVAIL_OUT_OF_STOCK},
	{"notavailable", MC_AVAIL_OUT_OF_STOCK},
	{"nolongeravailable", MC_AVAIL_OUT_OF_STOCK},
	{"discontinued", MC_AVAIL_OUT_OF_STOCK},
	{"preorder", MC_AVAIL_PREORDER},
	{"prepurchase", MC_AVAIL_PREORDER},
	{"presale", MC_AVAIL_PREORDER},
	{"instock", MC_AVAIL_IN_STOCK},
	{"instoreonly", MC_AVAIL_IN_STOCK},
	{"onlineonly", MC_AVAIL_IN_STOCK},
	{"limitedavailability", MC_AVAIL_IN_STOCK},
	{"available", MC_AVAIL_IN_STOCK},
};

/* Drop a URL ("https://schema.org/InStock") or "schema:" prefix. */
static const char *value_of(const char *text)
{
	const char *slash = strrchr(text, '/');

	if (strstr(text, "://") && slash)
		return slash + 1;
	if (strncmp(text, "schema:", 7) == 0)
		return text + 7;
	return text;
}

enum mc_availability mc_availability_parse(const char *text)
{
	char s[SQUEEZED_MAX + 1];
	size_t n = 0;

	if (!text)
		return MC_AVAIL_UNKNOWN;
	for (const char *p = value_of(text); *p && n < SQUEEZED_MAX; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c >= 'a' && c <= 'z')
			s[n++] = c;
	}
	s[n] = '\0';
	if (n == 0)
		return MC_AVAIL_UNKNOWN;
	for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		if (strstr(s, phrases[i].letters))
			return phrases[i].means;
	return MC_AVAIL_UNKNOWN;
}
