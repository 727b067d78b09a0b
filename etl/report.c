/*
 * The report catalogue and the three text formats (include/marketcrawl/
 * report.h).  It owns how a report is queried (view, order, limit, listing
 * filter) and how rows are printed; what a report means lives in the rpt.*
 * views (sql/schema/004_rpt.sql).  It never writes to the database.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "etl/report.h"

const struct mc_report mc_reports[] = {
	{"price-changes", "rpt.price_change", "changed_at desc, marketplace, region, external_id",
	 100, true, false, "every price change: previous and new price, delta, percent"},
	{"daily-moves", "rpt.daily_price_moves", "day desc, marketplace", 30, false, false,
	 "per day and marketplace: largest drop, largest increase, average change"},
	{"price-drops", "rpt.recent_price_drops", "changed_at desc, marketplace, region, external_id",
	 20, true, false, "the most recent price drops"},
	{"price-increases", "rpt.recent_price_increases",
	 "changed_at desc, marketplace, region, external_id", 20, true, false,
	 "the most recent price increases"},
	{"current-prices", "rpt.current_price", "marketplace, region, external_id", 100, true, false,
	 "listings on sale now with price and availability"},
	{"historic-lows", "rpt.historic_low", "marketplace, region, external_id", 100, true, false,
	 "all-time, 365-day and 90-day lows, and whether today's price is the low"},
	{"cheapest", "rpt.cheapest_offer", "product_key, product_id, currency", 100, true, false,
	 "per product and currency, the cheapest listing on sale across marketplaces"
	 " (--currency CUR: across currencies, converted)"},
	{"history", "rpt.price_history", "valid_from", 0, true, true,
	 "the price history of one listing (needs --listing)"},
	{"runs", "rpt.run_health", "started_at desc, spider, run_id", 30, false, false,
	 "every crawl run: status, health, items, fields filled, why suspect or partial"},
	{"fx-rates", "rpt.fx_rate", "currency", 0, false, false,
	 "per currency, the ECB exchange rates loaded: first and last date, last rate"},
	{NULL, NULL, NULL, 0, false, false, NULL},
};

/* The reports --currency applies to, by name: the view that shows them
 * converted into one currency (its column `currency` is that currency). */
static const struct mc_report converted[] = {
	{"cheapest", "rpt.cheapest_offer_converted", "product_key, product_id", 100, true, false,
	 "per product, the cheapest listing on sale in one currency, converted"},
	{NULL, NULL, NULL, 0, false, false, NULL},
};

const struct mc_report *mc_report_in_currency(const struct mc_report *r)
{
	for (const struct mc_report *c = converted; c->name; c++)
		if (strcmp(c->name, r->name) == 0)
			return c;
	return NULL;
}

int mc_report_check_currency(PGconn *conn, const char *currency, struct mc_err *err)
{
	const char *sql = "select exists (select 1 from core.currency where currency = $1),"
			  " $1 = 'EUR' or exists (select 1 from core.fx_rate where currency = $1)";
	PGresult *res = PQexecParams(conn, sql, 1, NULL, &currency, NULL, NULL, 0);
	int rc = 1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = mc_err_set(err, "checking the currency %s: %s", currency, PQerrorMessage(conn));
	else if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		mc_err_set(err, "--currency %s: unknown currency (not in core.currency)", currency);
	else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		mc_err_set(err, "--currency %s: no exchange rates for it; `marketcrawl fx load`"
			   " loads them", currency);
	else
		rc = 0;
	PQclear(res);
	return rc;
}

const struct mc_report *mc_report_find(const char *name)
{
	for (const struct mc_report *r = mc_reports; r->name; r++)
		if (strcmp(r->name, name) == 0 || strcmp(r->view, name) == 0)
			return r;
	return NULL;
}

int mc_report_parse_format(const char *name, enum mc_report_format *out)
{
	static const char *const names[] = {"table", "csv", "json"};

	for (int i = 0; i < 3; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum mc_report_format)i;
			return 0;
		}
	}
	return -1;
}

int mc_report_session(PGconn *conn, struct mc_err *err)
{
	PGresult *res = PQexec(conn, "set timezone = 'UTC'; set datestyle = 'ISO, YMD';"
				     " set intervalstyle = 'iso_8601'");
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc != 0)
		mc_err_set(err, "preparing the report session: %s", PQerrorMessage(conn));
	PQclear(res);
	return rc;
}

long mc_report_limit(const struct mc_report_query *q)
{
	return q->limit < 0 ? q->report->default_limit : q->limit;
}

PGresult *mc_report_run(PGconn *conn, const struct mc_report_query *q, struct mc_err *err)
{
	const struct mc_report *r = q->report;
	long limit = mc_report_limit(q);
	const char *params[4], *sep = " where ";
	int n = 0;
	struct mc_buf sql;
	PGresult *res;

	mc_buf_init(&sql, 0);
	mc_buf_printf(&sql, "select * from %s", r->view);
	if (q->marketplace) {
		mc_buf_printf(&sql, "%smarketplace = $1 and region = $2 and external_id = $3", sep);
		sep = " and ";
		params[n++] = q->marketplace;
		params[n++] = q->region;
		params[n++] = q->external_id;
	}
	if (q->currency) {
		params[n++] = q->currency;
		mc_buf_printf(&sql, "%scurrency = $%d", sep, n);
	}
	mc_buf_printf(&sql, " order by %s", r->order_by);
	if (limit > 0) /* one more row tells whether more exist */
		mc_buf_printf(&sql, " limit %ld", limit + 1);
	res = PQexecParams(conn, sql.data, n, NULL, n ? params : NULL, NULL, NULL, 0);
	mc_buf_release(&sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		mc_err_set(err, "report %s (%s): %s", r->name, r->view, PQerrorMessage(conn));
		PQclear(res);
		return NULL;
	}
	return res;
}

/* ---- value kinds ----------------------------------------------------------- */

/* PostgreSQL type OIDs (pg_type.dat): fixed since forever. */
enum {
	OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_OID = 26,
	OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_TIMESTAMPTZ = 1184, OID_NUMERIC = 1700,
};

static bool is_integer_type(Oid t)
{
	return t == OID_INT2 || t == OID_INT4 || t == OID_INT8 || t == OID_OID;
}

static bool is_number_type(Oid t)
{
	return is_integer_type(t) || t == OID_NUMERIC || t == OID_FLOAT4 || t == OID_FLOAT8;
}

/* ---- display width --------------------------------------------------------- */

/* Decode one UTF-8 sequence at `s`; returns its length (1 for a bad byte,
 * decoded as U+FFFD). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2;
		*cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3;
		*cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4;
		*cp = s[0] & 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	return n;
}

static int cp_width(uint32_t c)
{
	if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
	    (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	    (c >= 0x20D0 && c <= 0x20FF))
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
	    (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
	    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
	    (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD))
		return 2;
	return 1;
}

size_t mc_report_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t cp;
		p += utf8_decode(p, &cp);
		w += (size_t)cp_width(cp);
	}
	return w;
}

/* ---- table ----------------------------------------------------------------- */

/* A cell as shown in a table: control characters become spaces. */
static char *table_cell(const PGresult *res, int row, int col)
{
	char *s = mc_strdup(PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));

	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return s;
}

static void pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

static void write_table(const PGresult *res, int rows, FILE *out)
{
	int cols = PQnfields(res);
	size_t *width = mc_calloc((size_t)cols ? (size_t)cols : 1, sizeof *width);

	for (int c = 0; c < cols; c++) {
		width[c] = mc_report_text_width(PQfname(res, c));
		for (int r = 0; r < rows; r++) {
			char *cell = table_cell(res, r, c);
			size_t w = mc_report_text_width(cell);
			if (w > width[c])
				width[c] = w;
			free(cell);
		}
	}
	for (int c = 0; c < cols; c++) {
		size_t w = mc_report_text_width(PQfname(res, c)), left = (width[c] - w) / 2;
		fputs(c ? "| " : " ", out);
		pad(out, left);
		fputs(PQfname(res, c), out);
		pad(out, width[c] - w - left + 1);
	}
	fputc('\n', out);
	for (int c = 0; c < cols; c++) {
		if (c)
			fputc('+', out);
		for (size_t i = 0; i < width[c] + 2; i++)
			fputc('-', out);
	}
	fputc('\n', out);
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			char *cell = table_cell(res, r, c);
			size_t w = mc_report_text_width(cell);
			bool last = c == cols - 1;
			fputs(c ? "| " : " ", out);
			if (is_number_type(PQftype(res, c))) {
				pad(out, width[c] - w);
				fputs(cell, out);
				if (!last)
					fputc(' ', out);
			} else {
				fputs(cell, out);
				if (!last)
					pad(out, width[c] - w + 1);
			}
			free(cell);
		}
		fputc('\n', out);
	}
	fprintf(out, "(%d row%s)\n", rows, rows == 1 ? "" : "s");
	free(width);
}

/* ---- csv ------------------------------------------------------------------- */

static void csv_field(const char *s, FILE *out)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

static void write_csv(const PGresult *res, int rows, FILE *out)
{
	int cols = PQnfields(res);

	for (int c = 0; c < cols; c++) {
		if (c)
			fputc(',', out);
		csv_field(PQfname(res, c), out);
	}
	fputs("\r\n", out);
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			if (c)
				fputc(',', out);
			if (!PQgetisnull(res, r, c))
				csv_field(PQgetvalue(res, r, c), out);
		}
		fputs("\r\n", out);
	}
}

/* ---- json ------------------------------------------------------------------ */

/* "2026-01-02 10:00:00.5+00" (UTC session) -> "2026-01-02T10:00:00.5Z". */
static json_t *json_timestamp(const char *v)
{
	size_t n = strlen(v);
	char *s = mc_strdup(v);
	json_t *j;

	if (n > 10 && s[10] == ' ')
		s[10] = 'T';
	if (n > 3 && strcmp(s + n - 3, "+00") == 0) {
		s[n - 3] = 'Z';
		s[n - 2] = '\0';
	}
	j = json_string(s);
	free(s);
	return j;
}

static json_t *json_cell(const PGresult *res, int r, int c)
{
	const char *v = PQgetvalue(res, r, c);
	Oid t = PQftype(res, c);

	if (PQgetisnull(res, r, c))
		return json_null();
	if (t == OID_BOOL)
		return json_boolean(v[0] == 't');
	if (is_integer_type(t))
		return json_integer(strtoll(v, NULL, 10));
	if (t == OID_TIMESTAMPTZ)
		return json_timestamp(v);
	/* numeric and everything else: the exact text, never a binary float */
	json_t *j = json_string(v);
	return j ? j : json_string("\xEF\xBF\xBD");
}

static void write_json(const PGresult *res, int rows, FILE *out)
{
	int cols = PQnfields(res);

	fputc('[', out);
	for (int r = 0; r < rows; r++) {
		json_t *obj = json_object();
		for (int c = 0; c < cols; c++)
			json_object_set_new(obj, PQfname(res, c), json_cell(res, r, c));
		fputs(r ? ",\n  " : "\n  ", out);
		json_dumpf(obj, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(obj);
	}
	fputs(rows ? "\n]\n" : "]\n", out);
}

void mc_report_write(const PGresult *res, enum mc_report_format fmt, long max_rows, FILE *out)
{
	int rows = PQntuples(res);

	if (max_rows > 0 && rows > max_rows)
		rows = (int)max_rows;
	switch (fmt) {
	case MC_REPORT_TABLE: write_table(res, rows, out); break;
	case MC_REPORT_CSV: write_csv(res, rows, out); break;
	case MC_REPORT_JSON: write_json(res, rows, out); break;
	}
}
