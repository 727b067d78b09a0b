/*
 * Price parsing: from the text a marketplace shows ("$1,299.99",
 * "1.299,99 €", "Free", "79,800원") to an exact decimal amount and an
 * ISO 4217 currency.  Never uses binary floating point for the amount.
 * Pure functions, no allocation, safe on any thread; inputs may be any
 * bytes (invalid UTF-8 included) and are never read past their NUL.
 * The rules and the ISO mapping policy are in docs/prices.md.
 */
#ifndef MC_PRICE_H
#define MC_PRICE_H

#include <stdbool.h>

#define MC_PRICE_AMOUNT_MAX 48   /* room for the amount text incl. NUL */
#define MC_PRICE_CURRENCY_MAX 16 /* room for a raw symbol such as "руб." */

struct mc_price {
	bool has_amount;
	/* Canonical decimal, "" when !has_amount: digits, then '.' and
	 * digits only when the fraction is not zero; no leading zeros, no
	 * trailing fractional zeros, no thousands separators, no exponent,
	 * never a sign ("1299.99", "0", "1200", "0.75", "4.9" for "4.90"). */
	char amount[MC_PRICE_AMOUNT_MAX];
	/* ISO 4217 code when the currency is known and unambiguous (or an
	 * ambiguous symbol such as "$" or "kr" that the hint resolves), else "". */
	char currency[4];
	/* The currency text found in the input (or the hint), e.g. "€",
	 * "US$", "руб.", "" when none: what Zyte's price-parser returns as
	 * `currency`, whitespace-trimmed. */
	char currency_raw[MC_PRICE_CURRENCY_MAX];
};

/*
 * Parse `text` (may be NULL: then only the hint is looked at).
 * `currency_hint` (may be NULL) is text that may name the currency, such
 * as a separate currency element or an ISO code.  Search order, as in
 * price-parser: a dollar code ("NZD", "SGD$") in the text, then in the
 * hint; a distinctive symbol ("€", "US$", "zł") in the text, then in the
 * hint; an abbreviation or ISO code ("kr", "SEK") in the text, then in
 * the hint.  So a "€" hint beats "kr" in the text, but not "£".  When the
 * symbol found is ambiguous ("$", "kr", "¥"), a hint naming one of its
 * currencies ("USD", "SEK", "JPY") sets `currency`.
 * `decimal_hint` is '.' or ',' to say which one is the decimal point;
 * anything else means "guess".  Words meaning free ("Free", "Gratis",
 * "무료") yield "0" when the text has no number.  Always fills `out`;
 * returns true when an amount was found.
 */
bool mc_price_parse(const char *text, const char *currency_hint, char decimal_hint,
		    struct mc_price *out);

/* The ISO 4217 code for a currency symbol or code ("€" → "EUR", "kr" →
 * NULL as ambiguous), or NULL.  The result is a static string. */
const char *mc_currency_iso(const char *symbol);

/*
 * The currency named in `text`, else in `currency_hint` (either may be
 * NULL), searched the way mc_price_parse does.  Fills `raw` with the
 * symbol or code as found, whitespace-trimmed ("" when none) and `iso`
 * with its ISO 4217 code, or "" when the symbol is unknown or ambiguous
 * and the hint does not pick one of its currencies.  A hint that is only
 * an ISO code in any case ("usd") counts when nothing else is found.
 * Returns true when a currency text was found.
 */
bool mc_currency_find(const char *text, const char *currency_hint,
		      char raw[MC_PRICE_CURRENCY_MAX], char iso[4]);

/* Minor units of an ISO 4217 currency (EUR 2, JPY 0, KWD 3), -1 if unknown. */
int mc_currency_minor_units(const char *iso);

#endif
