/*
 * Checking the rule options of `marketcrawl watch add` (cli/watch_rule.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli/watch_rule.h"

/* A plain decimal number (digits, at most one point); its value to *v. */
static bool is_decimal(const char *s, double *v)
{
	int digits = 0, points = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.' && points++ == 0)
			continue;
		else
			return false;
	}
	*v = strtod(s, NULL);
	return digits > 0 && digits + points <= 20;
}

bool mc_watch_parse_price(const char *s, char *amount, size_t asz, char cur[4])
{
	size_t n = strspn(s, "0123456789.");
	const char *c = s + n;
	double v;

	while (*c == ' ')
		c++;
	if (n == 0 || n >= asz || strlen(c) != 3 || !isalpha((unsigned char)c[0]) ||
	    !isalpha((unsigned char)c[1]) || !isalpha((unsigned char)c[2]))
		return false;
	memcpy(amount, s, n);
	amount[n] = '\0';
	for (int i = 0; i < 3; i++)
		cur[i] = (char)toupper((unsigned char)c[i]);
	cur[3] = '\0';
	return is_decimal(amount, &v) && v > 0;
}

bool mc_watch_parse_pct(char *s, double lo)
{
	size_t n = strlen(s);
	double v;

	if (n && s[n - 1] == '%')
		s[n - 1] = '\0';
	return is_decimal(s, &v) && v >= lo && v < 100;
}
