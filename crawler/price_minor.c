/*
 * mc_price_minor (spider.h): a price a store gives in minor units with a
 * number of decimals (Epic's {"originalPrice":1999,"decimals":2}, Steam's
 * data-price-final="6999") as the exact decimal string of the staging
 * format.  Pure digit shuffling, never floating point; the result has the
 * price parser's canonical form, so the two compare as strings.
 */
#include <string.h>

#include "marketcrawl/price.h"
#include "crawler/response_internal.h"

#define MINOR_DECIMALS_MAX 18

/* The canonical decimal of `digits` (n of them) with `decimals` of them
 * after the point, into `out` (room for n + 3 bytes). */
static void shift_point(const char *digits, size_t n, int decimals, char *out)
{
	size_t d = (size_t)decimals, w = 0, frac_end;
	char padded[MC_PRICE_AMOUNT_MAX + MINOR_DECIMALS_MAX + 2];
	size_t len = 0;

	/* Left-pad with zeros so there is at least one digit before the point. */
	while (len + n < d + 1)
		padded[len++] = '0';
	memcpy(padded + len, digits, n);
	len += n;
	size_t point = len - d;
	size_t lead = 0;
	while (lead + 1 < point && padded[lead] == '0')
		lead++;
	memcpy(out, padded + lead, point - lead);
	w = point - lead;
	frac_end = len;
	while (frac_end > point && padded[frac_end - 1] == '0')
		frac_end--;
	if (frac_end > point) {
		out[w++] = '.';
		memcpy(out + w, padded + point, frac_end - point);
		w += frac_end - point;
	}
	out[w] = '\0';
}

const char *mc_price_minor(struct mc_response *res, const char *minor, int decimals)
{
	char out[MC_PRICE_AMOUNT_MAX + MINOR_DECIMALS_MAX + 3];
	const char *p = minor;
	size_t n;

	if (!minor || decimals < 0 || decimals > MINOR_DECIMALS_MAX)
		return NULL;
	p += strspn(p, " \t\r\n");
	n = strspn(p, "0123456789");
	if (n == 0 || n >= MC_PRICE_AMOUNT_MAX || p[n + strspn(p + n, " \t\r\n")] != '\0')
		return NULL;
	shift_point(p, n, decimals, out);
	return mc_response_keep(res, out, strlen(out));
}
