/*
 * Tests for etl/fx_xml.c, the eurofxref reader, as a table (document,
 * expected rates or message): the ECB's shape with either quote, empty and
 * nested dated Cubes, every rule on dates, currencies and rates, malformed
 * XML and other documents, an entity that must not be expanded, line
 * numbers past 65535, and a callback that stops the parse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "etl/fx_xml.h"
#include "testlib.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\"" \
	" xmlns=\"http://www.ecb.int/vocabulary/2002-08-01/eurofxref\">\n" \
	"<gesmes:subject>Reference rates</gesmes:subject>\n<Cube>\n"
#define TAIL "</Cube>\n</gesmes:Envelope>\n"
#define DAY(d, body) "<Cube time='" d "'>\n" body "</Cube>\n"
#define RATE(c, r) "<Cube currency='" c "' rate='" r "'/>\n"

/* Collects the rates as "DATE CUR RATE @LINE;" */
static int collect(void *ctx, const struct mc_fx_rate *r, struct mc_err *err)
{
	(void)err;
	return mc_buf_printf(ctx, "%s %s %s @%d;", r->date, r->currency, r->rate, r->line);
}

static int stop_at_second(void *ctx, const struct mc_fx_rate *r, struct mc_err *err)
{
	int *n = ctx;

	(void)r;
	return ++*n == 2 ? mc_err_set(err, "stopped by the callback") : 0;
}

struct tcase {
	const char *name, *xml;
	const char *want; /* the rates collected, or the message */
	long rc;
};

static const struct tcase cases[] = {
	{"the ECB's shape", HEAD DAY("2024-03-08", RATE("USD", "1.0900") RATE("JPY", "160.00")) TAIL,
	 "2024-03-08 USD 1.0900 @6;2024-03-08 JPY 160.00 @7;", 2},
	{"two dates, double quotes, no namespace",
	 "<Envelope><Cube><Cube time=\"2024-03-08\"><Cube currency=\"GBP\" rate=\"0.85\"/></Cube>"
	 "<Cube time=\"2024-03-07\"><Cube rate=\"1.1\" currency=\"USD\"/></Cube></Cube></Envelope>",
	 "2024-03-08 GBP 0.85 @1;2024-03-07 USD 1.1 @1;", 2},
	{"an empty dated Cube is skipped",
	 HEAD "<Cube time='2024-03-09'/>\n" DAY("2024-03-08", RATE("USD", "1")) TAIL,
	 "2024-03-08 USD 1 @7;", 1},
	{"a leap day", HEAD DAY("2024-02-29", RATE("USD", "1.08")) DAY("2000-02-29", RATE("USD", "1")) TAIL,
	 "2024-02-29 USD 1.08 @6;2000-02-29 USD 1 @9;", 2},
	{"29 February of a common year", HEAD DAY("2023-02-29", RATE("USD", "1.08")) TAIL,
	 "line 5: bad date '2023-02-29' (YYYY-MM-DD, a calendar day)", -1},
	{"29 February 1900", HEAD DAY("1900-02-29", RATE("USD", "1.08")) TAIL,
	 "line 5: bad date '1900-02-29' (YYYY-MM-DD, a calendar day)", -1},
	{"month 13", HEAD DAY("2024-13-01", RATE("USD", "1.08")) TAIL,
	 "line 5: bad date '2024-13-01' (YYYY-MM-DD, a calendar day)", -1},
	{"a date with a time", HEAD DAY("2024-03-08T00:00", RATE("USD", "1.08")) TAIL,
	 "line 5: bad date '2024-03-08T00:00' (YYYY-MM-DD, a calendar day)", -1},
	{"a dated Cube inside another", HEAD DAY("2024-03-08", DAY("2024-03-07", RATE("USD", "1"))) TAIL,
	 "line 6: a Cube with a time inside the Cube of 2024-03-08", -1},
	{"a rate outside a dated Cube", HEAD RATE("USD", "1.08") TAIL,
	 "line 5: a rate (currency 'USD') outside a Cube with a time", -1},
	{"a rate without currency", HEAD DAY("2024-03-08", "<Cube rate='1'/>\n") TAIL,
	 "line 6: a Cube on 2024-03-08 without a currency", -1},
	{"a currency without rate", HEAD DAY("2024-03-08", "<Cube currency='USD'/>\n") TAIL,
	 "line 6: a Cube on 2024-03-08 without a rate", -1},
	{"EUR against itself", HEAD DAY("2024-03-08", RATE("EUR", "1")) TAIL,
	 "line 6: bad currency 'EUR' on 2024-03-08 (three upper-case letters, not EUR)", -1},
	{"a lower-case currency", HEAD DAY("2024-03-08", RATE("usd", "1")) TAIL,
	 "line 6: bad currency 'usd' on 2024-03-08 (three upper-case letters, not EUR)", -1},
	{"a four-letter currency", HEAD DAY("2024-03-08", RATE("USDX", "1")) TAIL,
	 "line 6: bad currency 'USDX' on 2024-03-08 (three upper-case letters, not EUR)", -1},
	{"a zero rate", HEAD DAY("2024-03-08", RATE("USD", "0.000")) TAIL,
	 "line 6: bad rate '0.000' for USD on 2024-03-08 (a positive decimal)", -1},
	{"a negative rate", HEAD DAY("2024-03-08", RATE("USD", "-1.2")) TAIL,
	 "line 6: bad rate '-1.2' for USD on 2024-03-08 (a positive decimal)", -1},
	{"a rate with an exponent", HEAD DAY("2024-03-08", RATE("USD", "1e3")) TAIL,
	 "line 6: bad rate '1e3' for USD on 2024-03-08 (a positive decimal)", -1},
	{"a rate ending in a point", HEAD DAY("2024-03-08", RATE("USD", "1.")) TAIL,
	 "line 6: bad rate '1.' for USD on 2024-03-08 (a positive decimal)", -1},
	{"a rate starting with a point", HEAD DAY("2024-03-08", RATE("USD", ".5")) TAIL,
	 "line 6: bad rate '.5' for USD on 2024-03-08 (a positive decimal)", -1},
	{"a decimal comma", HEAD DAY("2024-03-08", RATE("USD", "1,09")) TAIL,
	 "line 6: bad rate '1,09' for USD on 2024-03-08 (a positive decimal)", -1},
	{"a rate with spaces", HEAD DAY("2024-03-08", RATE("USD", " 1.09")) TAIL,
	 "line 6: bad rate ' 1.09' for USD on 2024-03-08 (a positive decimal)", -1},
	{"13 integer digits", HEAD DAY("2024-03-08", RATE("IDR", "1234567890123")) TAIL,
	 "line 6: bad rate '1234567890123' for IDR on 2024-03-08 (a positive decimal)", -1},
	{"12 integer and 12 fraction digits",
	 HEAD DAY("2024-03-08", RATE("IDR", "123456789012.123456789012")) TAIL,
	 "2024-03-08 IDR 123456789012.123456789012 @6;", 1},
	{"not well-formed", HEAD DAY("2024-03-08", "<Cube currency='USD' rate='1'>\n") TAIL,
	 "line 9: malformed XML: Opening and ending tag mismatch: Cube line 4 and gesmes:Envelope", -1},
	{"an entity is not expanded",
	 "<!DOCTYPE Envelope [<!ENTITY r SYSTEM \"/etc/hostname\">]>\n"
	 "<Envelope><Cube><Cube time='2024-03-08'><Cube currency='USD' rate='&r;'/></Cube></Cube>"
	 "</Envelope>",
	 "line 2: malformed XML: Entity 'r' not defined", -1},
	{"an HTML page", "<html><body>Service Unavailable</body></html>",
	 "line 1: not an ECB eurofxref file: the root element is <html>, not <gesmes:Envelope>", -1},
	{"no rates", HEAD TAIL,
	 "no rates (no Cube with a currency and a rate inside a Cube with a time)", -1},
	{"an empty file", "", "empty file", -1},
	{"plain text", "USD 1.09\n", "line 1: malformed XML: Document is empty", -1},
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *t = &cases[i];
		struct mc_buf got;
		struct mc_err err = {""};
		long rc;

		mc_buf_init(&got, 0);
		rc = mc_fx_parse(t->xml, strlen(t->xml), collect, &got, &err);
		CHECK_INT(rc, t->rc, "%s: returns %ld", t->name, t->rc);
		CHECK_STR(rc >= 0 ? (got.data ? got.data : "") : err.msg, t->want, "%s", t->name);
		mc_buf_release(&got);
	}

	/* Line numbers past 65535 (the historic file has ~ 200 000 lines). */
	struct mc_buf big, got;
	struct mc_err err = {""};
	mc_buf_init(&big, 0);
	mc_buf_init(&got, 0);
	mc_buf_adds(&big, HEAD "<Cube time='2024-03-08'>\n");
	for (int i = 0; i < 70000; i++)
		mc_buf_adds(&big, RATE("USD", "1"));
	mc_buf_adds(&big, RATE("USD", "x") "</Cube>\n" TAIL);
	CHECK_INT(mc_fx_parse(big.data, big.len, collect, &got, &err), -1, "a bad rate on line 70006");
	CHECK_STR(err.msg, "line 70006: bad rate 'x' for USD on 2024-03-08 (a positive decimal)",
		  "its line is counted past 65535");

	int n = 0;
	const char *three = HEAD DAY("2024-03-08", RATE("USD", "1") RATE("GBP", "1") RATE("JPY", "1")) TAIL;
	CHECK_INT(mc_fx_parse(three, strlen(three), stop_at_second, &n, &err), -1,
		  "a callback's failure stops the parse");
	CHECK_INT(n, 2, "no rate after the one that failed");
	CHECK_STR(err.msg, "stopped by the callback", "the callback's message stands");
	mc_buf_release(&big);
	mc_buf_release(&got);
	return tl_exit_status();
}
