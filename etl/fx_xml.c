/*
 * The eurofxref reader (etl/fx_xml.h).  libxml2's SAX2 parser walks the
 * document once and builds no tree, so memory stays small whatever the
 * size of the historic file, and each start tag comes with its exact line
 * (the streaming reader's nodes lose theirs past line 65535, and the
 * historic file has some 200 000).  The structure is taken by element
 * names and attributes, as the ECB's files use them: the root is an
 * Envelope, a Cube with a time attribute opens a date, a Cube with
 * currency and rate inside it is one rate; other elements
 * (gesmes:subject, gesmes:Sender) are ignored.
 *
 * It must never fetch anything, expand an entity or load a DTD (no
 * XML_PARSE_NOENT, XML_PARSE_DTDLOAD): the file comes from outside.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>

#include "etl/fx_xml.h"

/* libxml2 2.12 made the error passed to structured handlers const. */
#if LIBXML_VERSION >= 21200
#define XML_ERROR_ARG const xmlError *
#else
#define XML_ERROR_ARG xmlErrorPtr
#endif

#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOWARNING)

struct xml_error {
	char msg[300];
	int line;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* YYYY-MM-DD naming a day of the Gregorian calendar. */
static bool valid_date(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, last;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return false;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1 || m < 1 || m > 12)
		return false;
	last = days[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		last = 29;
	return d >= 1 && d <= last;
}

/* Three upper-case letters, not the base currency itself. */
static bool valid_currency(const char *s)
{
	if (strlen(s) != 3 || strcmp(s, "EUR") == 0)
		return false;
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

/* A positive decimal: 1 to 12 digits, optionally a point and 1 to 12 more. */
static bool valid_rate(const char *s)
{
	size_t i = 0, int_digits = 0, frac_digits = 0;
	bool nonzero = false;

	for (; is_digit(s[i]); i++, int_digits++)
		nonzero |= s[i] != '0';
	if (s[i] == '.')
		for (i++; is_digit(s[i]); i++, frac_digits++)
			nonzero |= s[i] != '0';
	return s[i] == '\0' && int_digits >= 1 && int_digits <= 12 && frac_digits <= 12 &&
	       (frac_digits >= 1 || s[int_digits] == '\0') && nonzero;
}

__attribute__((format(printf, 3, 4)))
static long fail(struct mc_err *err, int line, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (line > 0)
		mc_err_set(err, "line %d: %s", line, what);
	else
		mc_err_set(err, "%s", what);
	return -1;
}

/* The parse's state, the SAX callbacks' user data. */
struct fx_parse {
	xmlParserCtxtPtr ctxt;
	mc_fx_rate_fn fn;
	void *fn_ctx;
	struct mc_err *err;
	struct xml_error xml;  /* libxml2's first error */
	int depth;             /* of the element being opened; the root is 0 */
	int day_depth;         /* of the open dated Cube; -1: none */
	char day[11];          /* its date */
	long rates;
	bool failed;           /* err is set; the parser was stopped */
};

/* Keep the first error libxml2 reports, with its line. */
static void on_xml_error(void *arg, XML_ERROR_ARG e)
{
	struct xml_error *x = &((struct fx_parse *)arg)->xml;
	size_t n;

	if (x->msg[0] != '\0' || e == NULL)
		return;
	snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "not well-formed");
	n = strlen(x->msg);
	while (n > 0 && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
		x->msg[--n] = '\0';
	x->line = e->line;
}

/* Stop the parse after a failure already in p->err. */
static void stop(struct fx_parse *p)
{
	p->failed = true;
	xmlStopParser(p->ctxt);
}

/* The value of attribute `name` (SAX2's five pointers per attribute:
 * local name, prefix, URI, value, end of value) copied into `out`, or
 * false when absent.  A value too long for `out` is cut, which the checks
 * that follow then refuse. */
static bool attribute(const xmlChar **attrs, int n, const char *name, char *out, size_t size)
{
	for (int i = 0; i < n; i++) {
		const xmlChar **a = attrs + 5 * i;
		if (strcmp((const char *)a[0], name) != 0 || a[2] != NULL)
			continue;
		size_t len = (size_t)(a[4] - a[3]);
		if (len >= size)
			len = size - 1;
		memcpy(out, a[3], len);
		out[len] = '\0';
		return true;
	}
	return false;
}

/* Hand a checked rate to the callback. */
static void add_rate(struct fx_parse *p, const char *currency, const char *rate, int line)
{
	struct mc_fx_rate fx;

	memset(&fx, 0, sizeof fx);
	memcpy(fx.date, p->day, sizeof fx.date);
	memcpy(fx.currency, currency, sizeof fx.currency);
	memcpy(fx.rate, rate, strlen(rate) + 1);
	fx.line = line;
	p->rates++;
	if (p->fn(p->fn_ctx, &fx, p->err) != 0)
		stop(p);
}

/* One Cube carrying a rate, at `line`. */
static void rate_cube(struct fx_parse *p, const xmlChar **attrs, int n, int line)
{
	char currency[24], rate[64];
	bool has_currency = attribute(attrs, n, "currency", currency, sizeof currency);
	bool has_rate = attribute(attrs, n, "rate", rate, sizeof rate);

	if (p->day_depth < 0)
		fail(p->err, line, "a rate (currency '%s') outside a Cube with a time",
		     has_currency ? currency : "");
	else if (!has_currency || !has_rate)
		fail(p->err, line, "a Cube on %s without %s", p->day,
		     has_currency ? "a rate" : "a currency");
	else if (!valid_currency(currency))
		fail(p->err, line, "bad currency '%s' on %s (three upper-case letters, not EUR)",
		     currency, p->day);
	else if (!valid_rate(rate))
		fail(p->err, line, "bad rate '%s' for %s on %s (a positive decimal)", rate, currency,
		     p->day);
	else {
		add_rate(p, currency, rate, line);
		return;
	}
	stop(p);
}

static void on_start(void *ud, const xmlChar *localname, const xmlChar *prefix,
		     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
		     int nb_attributes, int nb_defaulted, const xmlChar **attrs)
{
	struct fx_parse *p = ud;
	const char *name = (const char *)localname;
	int depth = p->depth++, line = xmlSAX2GetLineNumber(p->ctxt);
	char time[24];

	(void)prefix, (void)uri, (void)nb_namespaces, (void)namespaces, (void)nb_defaulted;
	if (p->failed)
		return;
	if (depth == 0 && strcmp(name, "Envelope") != 0) {
		fail(p->err, line, "not an ECB eurofxref file: the root element is <%.60s>, not"
		     " <gesmes:Envelope>", name);
		stop(p);
	} else if (strcmp(name, "Cube") != 0 || nb_attributes == 0) {
		return;
	} else if (!attribute(attrs, nb_attributes, "time", time, sizeof time)) {
		rate_cube(p, attrs, nb_attributes, line);
	} else if (p->day_depth >= 0) {
		fail(p->err, line, "a Cube with a time inside the Cube of %s", p->day);
		stop(p);
	} else if (!valid_date(time)) {
		fail(p->err, line, "bad date '%s' (YYYY-MM-DD, a calendar day)", time);
		stop(p);
	} else {
		memcpy(p->day, time, sizeof p->day);
		p->day_depth = depth;
	}
}

static void on_end(void *ud, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	struct fx_parse *p = ud;

	(void)localname, (void)prefix, (void)uri;
	if (--p->depth == p->day_depth)
		p->day_depth = -1;
}

long mc_fx_parse(const char *xml, size_t len, mc_fx_rate_fn fn, void *ctx, struct mc_err *err)
{
	struct fx_parse p = {.fn = fn, .fn_ctx = ctx, .err = err, .day_depth = -1};
	xmlSAXHandler sax;
	int well_formed;

	if (len == 0)
		return fail(err, 0, "empty file");
	if (len > INT_MAX)
		return fail(err, 0, "larger than %d bytes", INT_MAX);
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.serror = on_xml_error;
	p.ctxt = xmlCreatePushParserCtxt(&sax, &p, NULL, 0, NULL);
	if (!p.ctxt)
		return fail(err, 0, "cannot create an XML parser");
	xmlCtxtUseOptions(p.ctxt, PARSE_OPTIONS);
	xmlParseChunk(p.ctxt, xml, (int)len, 1);
	well_formed = p.ctxt->wellFormed;
	xmlFreeParserCtxt(p.ctxt);
	if (p.failed)
		return -1;
	if (!well_formed)
		return fail(err, p.xml.line, "malformed XML: %s",
			    p.xml.msg[0] ? p.xml.msg : "not well-formed");
	if (p.rates == 0)
		return fail(err, 0, "no rates (no Cube with a currency and a rate inside a Cube"
			    " with a time)");
	return p.rates;
}
