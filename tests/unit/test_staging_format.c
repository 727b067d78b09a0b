/*
 * The staging format's one definition (staging/format.h) against the
 * reader that enforces it: every observation field's limit, allowed
 * characters and names give the table's reasons, and the name lists and
 * decimal rule say what the table says.  With --sql-probes it prints
 * instead the probes tests/integration/staging_contract.sh runs against
 * the SQL columns each member names ("column<TAB>value<TAB>accept|reject"),
 * so the SQL constraints are tested against the same table.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "staging/staging.h"
#include "testlib.h"

#define F(key) (&mc_staging_fields[key])

/* A valid observation's value of each required field (JSON text). */
static const char *const good[MC_STAGING_NOBS] = {
	[MC_KEY_MARKETPLACE] = "\"m\"",
	[MC_KEY_EXTERNAL_ID] = "\"e\"",
	[MC_KEY_URL] = "\"http://m.test/x\"",
	[MC_KEY_TITLE] = "\"T\"",
	[MC_KEY_PRICE] = "\"1\"",
	[MC_KEY_CURRENCY] = "\"EUR\"",
	[MC_KEY_AVAILABILITY] = "\"in_stock\"",
	[MC_KEY_OBSERVED_AT] = "\"2026-11-22T10:00:00Z\"",
};

/* `n` characters for a TEXT or URL field: its allowed characters in turn,
 * or "é" (two bytes, one character) where any is allowed, after
 * "https://" for a URL. */
static char *text_of(const struct mc_staging_field *f, size_t n)
{
	struct mc_buf b;

	mc_buf_init(&b, 0);
	if (f->type == MC_STAGING_URL && n >= 8) {
		mc_buf_adds(&b, "https://");
		n -= 8;
	}
	for (size_t i = 0; i < n; i++) {
		if (f->charset)
			mc_buf_addc(&b, f->charset[i % strlen(f->charset)]);
		else
			mc_buf_add(&b, "\xc3\xa9", 2);
	}
	return mc_buf_detach(&b, NULL);
}

/* The reader's verdict on a good observation whose `key` is `json`. */
static const char *verdict(enum mc_staging_key key, const char *json)
{
	static struct mc_staging_parser p;
	struct mc_staging_obs o;
	struct mc_buf line;
	const char *why;

	mc_buf_init(&line, 0);
	mc_buf_addc(&line, '{');
	for (int k = 0; k < MC_STAGING_NOBS; k++) {
		const char *v = k == (int)key ? json : good[k];
		if (!v)
			continue;
		if (line.len > 1)
			mc_buf_addc(&line, ',');
		mc_buf_printf(&line, "\"%s\":%s", F(k)->name, v);
	}
	mc_buf_addc(&line, '}');
	why = mc_staging_parse_line(&p, line.data, line.len, &o) == MC_STAGING_OBS ? "accepted"
										   : p.reason;
	mc_buf_release(&line);
	return why;
}

static char *quoted(const char *s)
{
	return mc_asprintf("\"%s\"", s);
}

static void check_text_limits(void)
{
	for (int k = 0; k < MC_STAGING_NOBS; k++) {
		const struct mc_staging_field *f = F(k);
		if ((f->type != MC_STAGING_TEXT && f->type != MC_STAGING_URL) || !f->max)
			continue;
		char *at = text_of(f, f->max), *over = text_of(f, f->max + 1);
		char *json_at, *json_over;
		json_at = quoted(at);
		json_over = quoted(over);
		CHECK_STR(verdict(k, json_at), "accepted", "%s: %zu characters are taken", f->name,
			  f->max);
		CHECK_STR(verdict(k, json_over), f->too_long, "%s: %zu characters are %s", f->name,
			  f->max + 1, f->too_long);
		CHECK_STR(verdict(k, "null"), f->required ? f->missing : "accepted",
			  "%s: null is %s", f->name, f->required ? f->missing : "none");
		CHECK_STR(verdict(k, "7"), f->bad, "%s: a number is %s", f->name, f->bad);
		if (f->charset)
			CHECK_STR(verdict(k, "\"a/\""), f->bad, "%s: a character outside %s is %s",
				  f->name, f->charset, f->bad);
		free(at);
		free(over);
		free(json_at);
		free(json_over);
	}
}

static void check_names(void)
{
	const struct mc_staging_field *f = F(MC_KEY_AVAILABILITY);
	char text[128];

	for (const char *const *n = f->names; *n; n++) {
		char *json = quoted(*n);
		CHECK_STR(verdict(MC_KEY_AVAILABILITY, json), "accepted", "availability %s", *n);
		free(json);
	}
	CHECK_STR(verdict(MC_KEY_AVAILABILITY, "\"maybe\""), f->bad, "availability maybe is %s",
		  f->bad);
	mc_staging_names_text(mc_staging_status_names, text, sizeof text);
	CHECK_STR(text, "complete, partial, aborted or suspect", "status names as prose");
	mc_staging_names_text(mc_staging_scope_names, text, sizeof text);
	CHECK_STR(text, "full or partial", "scope names as prose");
	CHECK_STR(F(MC_KEY_STATUS)->names[0], "complete", "the status table is the run's");
}

static void check_decimals(void)
{
	static const struct {
		const char *text;
		enum mc_staging_decimal want;
	} cases[] = {
		{"0", MC_DECIMAL_OK}, {"-0", MC_DECIMAL_OK}, {"999999999999.999999", MC_DECIMAL_OK},
		{"0000000000000001", MC_DECIMAL_OK}, {"1000000000000", MC_DECIMAL_ABSURD},
		{"-0.01", MC_DECIMAL_NEGATIVE}, {"1.1234567", MC_DECIMAL_BAD}, {"1.", MC_DECIMAL_BAD},
		{"", MC_DECIMAL_BAD}, {"+1", MC_DECIMAL_BAD},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_INT(mc_staging_decimal(cases[i].text, strlen(cases[i].text)), cases[i].want,
			  "decimal \"%s\"", cases[i].text);
	CHECK_STR(verdict(MC_KEY_LIST_PRICE, "\"-1\""), F(MC_KEY_LIST_PRICE)->negative,
		  "a negative list price is %s", F(MC_KEY_LIST_PRICE)->negative);
	CHECK_STR(verdict(MC_KEY_PRICE, "\"1000000000000\""), F(MC_KEY_PRICE)->absurd,
		  "a price of 10^12 is %s", F(MC_KEY_PRICE)->absurd);
}

/* ---- probes of the SQL columns --------------------------------------- */

static void probe(const struct mc_staging_field *f, const char *value, bool accept)
{
	for (const struct mc_staging_column *c = f->sql; c && c->name; c++)
		if (accept || c->exact)
			printf("%s\t%s\t%s\n", c->name, value, accept ? "accept" : "reject");
}

/* Fixed probes per type: values the format accepts, then ("!" first) values
 * it refuses. */
static const char *const fixed_probes[][6] = {
	[MC_STAGING_DECIMAL] = {"0", "0.000001", "999999999999.999999", "!-0.000001",
				"!1000000000000"},
	[MC_STAGING_CURRENCY] = {"AAA", "ZZZ", "!EURO", "!eur"},
	[MC_STAGING_TIMESTAMP] = {"1970-01-01 00:00:00.000000+00", "9999-12-31 23:59:59.999999+00"},
	[MC_STAGING_OBJECT] = {"{}", "{\"k\":[1,{\"n\":null}]}", "![1]"},
	[MC_STAGING_INTEGER] = {"0", "1000000", "!-1"},
	[MC_STAGING_LITERAL] = {NULL}, /* not stored */
};

/* TEXT and URL: at and past the limit, every allowed character, one that
 * is not, and "" where the field is required. */
static void probe_text(const struct mc_staging_field *f)
{
	char *s = text_of(f, f->max);

	probe(f, s, true);
	free(s);
	if (f->type == MC_STAGING_URL)
		return;
	s = text_of(f, f->max + 1);
	probe(f, s, false);
	free(s);
	for (size_t i = 0; f->charset && i < strlen(f->charset); i += f->max) {
		s = mc_strndup(f->charset + i, f->max);
		probe(f, s, true);
		free(s);
	}
	if (f->charset)
		probe(f, "A/", false);
	if (f->required)
		probe(f, "", false);
}

static void print_probes(void)
{
	for (int k = 0; k < MC_STAGING_NKEYS; k++) {
		const struct mc_staging_field *f = F(k);

		if (f->type == MC_STAGING_TEXT || f->type == MC_STAGING_URL) {
			probe_text(f);
		} else if (f->type == MC_STAGING_NAME) {
			for (const char *const *n = f->names; *n; n++)
				probe(f, *n, true);
			probe(f, "bogus", false);
		} else {
			for (const char *const *v = fixed_probes[f->type]; *v; v++)
				probe(f, *v + (**v == '!'), **v != '!');
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--sql-probes") == 0) {
		print_probes();
		return 0;
	}
	check_text_limits();
	check_names();
	check_decimals();
	return tl_exit_status();
}
