/*
 * The price parser against (1) every vector of Zyte price-parser's test
 * suite (tests/conformance/prices.tsv, scored in three groups and printed
 * as a "# conformance:" line), (2) a hand-written table of the price texts
 * our marketplaces show, (3) the ISO 4217 table, and (4) a deterministic
 * storm of random and truncated byte strings, each in a heap buffer of
 * its exact size so that the sanitizer build catches any read past NUL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "marketcrawl/price.h"
#include "testlib.h"

#define TSV_PATH "tests/conformance/prices.tsv"
#define MAX_FAIL_LINES 40

/* Compare two non-negative decimal strings by value: leading zeros of the
 * integer part and trailing zeros of the fraction do not count. */
static void decimal_norm(const char *s, const char **ip, size_t *il, const char **fp,
			 size_t *fl)
{
	const char *dot = strchr(s, '.');
	size_t ilen = dot ? (size_t)(dot - s) : strlen(s);

	while (ilen > 0 && *s == '0') {
		s++;
		ilen--;
	}
	*ip = s;
	*il = ilen;
	*fp = dot ? dot + 1 : "";
	*fl = strlen(*fp);
	while (*fl > 0 && (*fp)[*fl - 1] == '0')
		(*fl)--;
}

static bool decimal_equal(const char *a, const char *b)
{
	const char *ai, *af, *bi, *bf;
	size_t ail, afl, bil, bfl;

	decimal_norm(a, &ai, &ail, &af, &afl);
	decimal_norm(b, &bi, &bil, &bf, &bfl);
	return ail == bil && afl == bfl && memcmp(ai, bi, ail) == 0 &&
	       memcmp(af, bf, afl) == 0;
}

/* ---- conformance ---------------------------------------------------- */

enum { F_INPUT, F_HINT, F_DEC, F_AMOUNT, F_CURRENCY, F_AMOUNT_TEXT, F_IS_NONE,
       F_GROUP, F_XFAIL, F_CHECKS, F_LINE, N_FIELDS };

static int split_tabs(char *line, char *fields[N_FIELDS])
{
	int n = 0;
	char *p = line, *tab;

	for (;;) {
		if (n == N_FIELDS)
			return -1;
		fields[n++] = p;
		tab = strchr(p, '\t');
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

/* The currency check of one row: ISO codes when the expected symbol names
 * one currency, else the raw symbol (any dollar sign for "$"). */
static bool currency_ok(const struct mc_price *p, const char *want)
{
	const char *iso;

	if (!*want)
		return p->currency_raw[0] == '\0';
	iso = mc_currency_iso(want);
	if (iso)
		return strcmp(p->currency, iso) == 0;
	if (strcmp(want, "$") == 0)
		return strchr(p->currency_raw, '$') != NULL;
	return strcmp(p->currency_raw, want) == 0;
}

struct score {
	int pass, total;
};

static void run_conformance(void)
{
	FILE *f = fopen(TSV_PATH, "r");
	char line[4096];
	char *fld[N_FIELDS];
	struct score up = {0, 0}, xf = {0, 0}, ao = {0, 0};
	int fail_lines = 0, lineno = 0;
	/* PRICE_SHOW_XFAIL=1 also lists the xfail rows that fail. */
	bool show_xfail = getenv("PRICE_SHOW_XFAIL") != NULL;

	CHECK(f != NULL, "open %s (cwd must be the repo root)", TSV_PATH);
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		struct mc_price p;
		struct score *sc;
		bool amount_only, ok;
		char dec;
		size_t len = strlen(line);

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (lineno == 1)
			continue;
		if (split_tabs(line, fld) != N_FIELDS) {
			CHECK(0, "%s:%d has %d fields", TSV_PATH, lineno, N_FIELDS);
			continue;
		}
		amount_only = strcmp(fld[F_CHECKS], "amount") == 0;
		sc = strcmp(fld[F_XFAIL], "true") == 0 ? &xf : amount_only ? &ao : &up;
		/* A '€' decimal hint has no char form: it is left to the guess. */
		dec = (strcmp(fld[F_DEC], ".") == 0 || strcmp(fld[F_DEC], ",") == 0)
			      ? fld[F_DEC][0] : 0;
		mc_price_parse(strcmp(fld[F_IS_NONE], "true") == 0 ? NULL : fld[F_INPUT],
			       *fld[F_HINT] ? fld[F_HINT] : NULL, dec, &p);
		if (*fld[F_AMOUNT])
			ok = p.has_amount && decimal_equal(p.amount, fld[F_AMOUNT]);
		else
			ok = !p.has_amount;
		if (!amount_only)
			ok = ok && currency_ok(&p, fld[F_CURRENCY]);
		sc->total++;
		if (ok) {
			sc->pass++;
		} else if ((sc != &xf || show_xfail) &&
			   (fail_lines < MAX_FAIL_LINES || show_xfail)) {
			fail_lines++;
			printf("# FAIL input=\"%s\" hint=\"%s\" dec=\"%s\" got=%s %s/%s want=%s %s (line %s)\n",
			       fld[F_INPUT], fld[F_HINT], fld[F_DEC],
			       p.has_amount ? p.amount : "(none)", p.currency_raw, p.currency,
			       *fld[F_AMOUNT] ? fld[F_AMOUNT] : "(none)", fld[F_CURRENCY],
			       fld[F_LINE]);
		}
	}
	fclose(f);
	NOTE("conformance: prices %d upstream-passing %d/%d (%.1f%%), xfail group %d/%d, amount-only %d/%d",
	     up.total, up.pass, up.total, up.total ? 100.0 * up.pass / up.total : 0.0,
	     xf.pass, xf.total, ao.pass, ao.total);
	CHECK_INT(up.total, 1051, "conformance: upstream-passing rows read");
	CHECK_INT(xf.total, 134, "conformance: xfail rows read");
	CHECK_INT(ao.total, 6, "conformance: amount-only rows read");
	CHECK(up.pass * 100 >= up.total * 95, "conformance: >= 95%% of upstream-passing rows (%d/%d)",
	      up.pass, up.total);
	CHECK_INT(ao.pass, ao.total, "conformance: every amount-only row");
}

/* ---- marketplace strings ---------------------------------------------- */

struct case_row {
	const char *text;
	const char *hint;
	char dec;
	const char *amount; /* NULL: no amount */
	const char *raw;
	const char *iso;
};

static const struct case_row cases[] = {
	{"$1,299.99", NULL, 0, "1299.99", "$", ""},
	{"$1,299.99", "USD", 0, "1299.99", "$", "USD"},
	{"$5", "EUR", 0, "5", "$", ""},
	{"1.299,99 €", NULL, 0, "1299.99", "€", "EUR"},
	{"£4.99", NULL, 0, "4.99", "£", "GBP"},
	{"Free", NULL, 0, "0", "", ""},
	{"Free", "EUR", 0, "0", "EUR", "EUR"},
	{"Free to Play", "usd", 0, "0", "USD", "USD"},
	{"¥ 1,200", NULL, 0, "1200", "¥", ""},
	{"¥ 1,200", "JPY", 0, "1200", "¥", "JPY"},
	{"￥1,200", NULL, 0, "1200", "￥", ""},
	{"１，２００円", NULL, 0, "1200", "円", "JPY"},
	{"R$ 10,00", NULL, 0, "10", "R$", "BRL"},
	/* Steam */
	{"CDN$ 19.99", "CAD", 0, "19.99", "CDN$", "CAD"},
	{"CDN$ 19.99", NULL, 0, "19.99", "CDN$", "CAD"},
	{"4,19€", NULL, 0, "4.19", "€", "EUR"},
	{"0,--€", NULL, 0, "0", "€", "EUR"},
	{"19,99€", NULL, 0, "19.99", "€", "EUR"},
	{"Free", "EUR", 0, "0", "EUR", "EUR"},
	/* GOG */
	{"SEK\u00a0292.00", NULL, 0, "292", "SEK", "SEK"},
	{"SEK 292.00", NULL, 0, "292", "SEK", "SEK"},
	{"1\u202f299,00\u00a0€", NULL, 0, "1299", "€", "EUR"},
	/* PlayStation Store (Korea) */
	{"79,800원", NULL, 0, "79800", "원", "KRW"},
	{"₩79,800", NULL, 0, "79800", "₩", "KRW"},
	{"무료", NULL, 0, "0", "", ""},
	{"무료", "KRW", 0, "0", "KRW", "KRW"},
	{"Gratis", NULL, 0, "0", "", ""},
	/* books */
	{"£51.77", NULL, 0, "51.77", "£", "GBP"},
	{"₹ 1,23,456.00", NULL, 0, "123456", "₹", "INR"},
	{"US$12.99", NULL, 0, "12.99", "US$", "USD"},
	{"NZD $12", NULL, 0, "12", "NZD", "NZD"},
	{"12,50 руб.", NULL, 0, "12.5", "руб.", "RUB"},
	{"99 zł", NULL, 0, "99", "zł", "PLN"},
	{"1 299 Kč", NULL, 0, "1299", "Kč", "CZK"},
	{"99 kr", NULL, 0, "99", "kr", ""},
	{"99 kr", "SEK", 0, "99", "kr", "SEK"},
	{"99 kr", "€", 0, "99", "€", "EUR"},
	{"£5", "€", 0, "5", "£", "GBP"},
	{"C$ 12", "CAD", 0, "12", "C$", "CAD"},
	{"CAN$1.23", NULL, 0, "1.23", "CAN$", "CAD"},
	{"35€99", NULL, 0, "35.99", "€", "EUR"},
	{"35 € 99", NULL, 0, "35.99", "€", "EUR"},
	{"1250€600", NULL, 0, "1250.6", "€", "EUR"},
	{"€0.00", NULL, 0, "0", "€", "EUR"},
	{".75 €", NULL, 0, "0.75", "€", "EUR"},
	{"12.345,67", NULL, 0, "12345.67", "", ""},
	{"1,234", NULL, 0, "1234", "", ""},
	{"1,23", NULL, 0, "1.23", "", ""},
	{"140.000", NULL, 0, "140000", "", ""},
	{"140.000", NULL, '.', "140", "", ""},
	{"140.000", NULL, ',', "140000", "", ""},
	{"1.5", NULL, ',', "15", "", ""},
	{"CHF 1'049.95", NULL, 0, "1049.95", "CHF", "CHF"},
	{"Fr. 1’049.–", NULL, 0, "1049", "Fr.", "CHF"},
	{"Price: 12.99 USD", NULL, 0, "12.99", "USD", "USD"},
	{"50% off", NULL, 0, NULL, "", ""},
	{"Out of stock", NULL, 0, NULL, "", ""},
	{"", NULL, 0, NULL, "", ""},
	{NULL, "EUR", 0, NULL, "EUR", "EUR"},
	{"1.11000000000000009770", NULL, 0, "1.1100000000000000977", "", ""},
	{"0012.50", NULL, 0, "12.5", "", ""},
	{"١٢٫٥ ر.س.\u200f", NULL, 0, "12.5", "ر.س.\u200f", "SAR"},
};

static void run_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct case_row *c = &cases[i];
		struct mc_price p;
		bool got = mc_price_parse(c->text, c->hint, c->dec, &p);
		bool ok = got == (c->amount != NULL) && p.has_amount == got &&
			  (!c->amount || strcmp(p.amount, c->amount) == 0) &&
			  strcmp(p.currency_raw, c->raw) == 0 && strcmp(p.currency, c->iso) == 0;

		if (!ok)
			printf("# got amount=%s raw=\"%s\" iso=\"%s\"\n", got ? p.amount : "(none)",
			       p.currency_raw, p.currency);
		CHECK(ok, "parse \"%s\" hint=%s dec=%c -> %s %s/%s", c->text ? c->text : "(null)",
		      c->hint ? c->hint : "(none)", c->dec ? c->dec : '-',
		      c->amount ? c->amount : "(none)", c->raw, c->iso);
	}
}

/* ---- ISO 4217 ---------------------------------------------------------- */

static void run_iso(void)
{
	static const struct {
		const char *symbol, *iso;
	} syms[] = {
		{"€", "EUR"}, {"£", "GBP"}, {"원", "KRW"}, {"₩", "KRW"}, {"руб.", "RUB"},
		{"R$", "BRL"}, {"US$", "USD"}, {"zł", "PLN"}, {"Kč", "CZK"}, {"EUR", "EUR"},
		{" € ", "EUR"}, {"CHF", "CHF"}, {"円", "JPY"}, {"₹", "INR"}, {"SEK", "SEK"},
		{"$", NULL}, {"kr", NULL}, {"¥", NULL}, {"C$", NULL}, {"تومان", NULL},
		{"XXX", NULL}, {"", NULL}, {"usd", NULL}, {"dollar", NULL},
	};
	static const struct {
		const char *iso;
		int minor;
	} units[] = {
		{"EUR", 2}, {"USD", 2}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3}, {"BHD", 3},
		{"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"CLF", 4}, {"CLP", 0}, {"ISK", 0},
		{"VND", 0}, {"AED", 2}, {"ZWL", 2}, {"HUF", 2}, {"XAU", -1}, {"XYZ", -1}, {"eur", -1}, {"EURO", -1}, {"", -1},
	};

	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++)
		CHECK_STR(mc_currency_iso(syms[i].symbol), syms[i].iso, "iso of \"%s\"",
			  syms[i].symbol);
	CHECK(mc_currency_iso(NULL) == NULL, "iso of NULL");
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		CHECK_INT(mc_currency_minor_units(units[i].iso), units[i].minor,
			  "minor units of \"%s\"", units[i].iso);
	CHECK_INT(mc_currency_minor_units(NULL), -1, "minor units of NULL");
}

/* ---- arbitrary bytes --------------------------------------------------- */

static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Output invariants: a canonical decimal, a 3-letter code or "", and a
 * raw symbol that fits its buffer. */
static bool well_formed(const struct mc_price *p)
{
	size_t i, n = strnlen(p->amount, sizeof p->amount);
	size_t c = strnlen(p->currency, sizeof p->currency);
	bool dot = false;

	if (strnlen(p->currency_raw, sizeof p->currency_raw) >= sizeof p->currency_raw)
		return false;
	if (c != 0 && c != 3)
		return false;
	for (i = 0; i < c; i++)
		if (p->currency[i] < 'A' || p->currency[i] > 'Z')
			return false;
	if (!p->has_amount)
		return n == 0;
	if (n == 0 || n >= sizeof p->amount || p->amount[n - 1] == '.')
		return false;
	if (n > 1 && p->amount[0] == '0' && p->amount[1] != '.')
		return false;
	for (i = 0; i < n; i++) {
		if (p->amount[i] == '.') {
			if (dot)
				return false;
			dot = true;
		} else if (p->amount[i] < '0' || p->amount[i] > '9') {
			return false;
		}
	}
	return !dot || p->amount[n - 1] != '0';
}

static void run_fuzz(void)
{
	static const char *const pieces[] = {
		"0", "1", "9", "42", ".", ",", " ", "\u00a0", "\u202f", "%", "$", "€", "£",
		"¥", "kr", "NZD", "USD", "SGD$", "руб.", "원", "Free", "-", "'", "٣", "５",
		"\xe2\x82", "\xe2", "\x80", "\xff", "\xc3", "\xf0\x9f\x98", "\xed\xa0\x80",
		"ر.س.\u200f", " تومان", "x", "A",
	};
	const size_t npieces = sizeof pieces / sizeof pieces[0];
	int bad = 0, runs = 0;
	char buf[256];

	for (int iter = 0; iter < 30000; iter++) {
		size_t len = 0, parts = rng() % 12;

		for (size_t i = 0; i < parts; i++) {
			const char *piece = pieces[rng() % npieces];
			size_t pl = strlen(piece);

			if (len + pl >= sizeof buf)
				break;
			memcpy(buf + len, piece, pl);
			len += pl;
		}
		/* Sometimes cut the string anywhere, even inside a sequence. */
		if (len && rng() % 3 == 0)
			len = rng() % len;
		for (int pass = 0; pass < 2; pass++) {
			char *text = mc_malloc(len + 1);
			struct mc_price p;

			memcpy(text, buf, len);
			text[len] = '\0';
			if (pass == 1)
				for (size_t i = 0; i < len; i++)
					text[i] = (char)(rng() & 0xff ? rng() : 1);
			mc_price_parse(text, pass ? text : NULL, "\0.,"[rng() % 3], &p);
			runs++;
			if (!well_formed(&p) && bad++ < 5)
				printf("# malformed result for fuzz input %d: amount=\"%.48s\"\n",
				       iter, p.amount);
			free(text);
		}
	}
	CHECK_INT(bad, 0, "%d random and truncated inputs give well-formed results", runs);
}

/* A megabyte of digits is not an amount, and a long text is still read to
 * its end for the number and the currency. */
static void run_long(void)
{
	size_t n = 1 << 20;
	char *text = mc_malloc(n + 16);
	struct mc_price p;

	memset(text, '7', n);
	text[n] = '\0';
	CHECK(!mc_price_parse(text, NULL, 0, &p) && well_formed(&p),
	      "1 MiB of digits gives no amount");
	memset(text, ' ', n);
	memcpy(text + n, "12,50 €", sizeof "12,50 €");
	CHECK(mc_price_parse(text, NULL, 0, &p) && strcmp(p.amount, "12.5") == 0 &&
		      strcmp(p.currency, "EUR") == 0,
	      "a price after 1 MiB of spaces is found");
	free(text);
}

int main(void)
{
	run_conformance();
	run_cases();
	run_iso();
	run_fuzz();
	run_long();
	return tl_exit_status();
}
