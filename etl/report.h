/*
 * Reports: the named rpt.* views behind `marketcrawl report`, their query
 * (order, default limit, --listing filter) and the output formats: a
 * psql-like aligned table, RFC 4180 CSV and JSON (an array of objects,
 * decimals as exact strings, timestamps as RFC 3339 UTC).  Plus one
 * self-contained HTML page (etl/report_html*.c).  docs/reports.md shows each
 * report.  Nothing here writes to the database.
 */
#ifndef MC_REPORT_H
#define MC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "base/error.h"

struct mc_report {
	const char *name;      /* command-line name, e.g. "price-drops" */
	const char *view;      /* e.g. "rpt.recent_price_drops" */
	const char *order_by;  /* the report's order (SQL) */
	long default_limit;    /* rows shown without --limit; 0 = all */
	bool by_listing;       /* the view has marketplace, region and external_id */
	bool needs_listing;    /* --listing is required */
	const char *summary;   /* one line for `report --list` */
};

/* Every report, ending with an entry whose name is NULL. */
extern const struct mc_report mc_reports[];

/* The report called `name` (or whose view is `name`), or NULL. */
const struct mc_report *mc_report_find(const char *name);

/* The variant of `r` that shows its prices converted into one currency
 * (`report cheapest --currency EUR`), or NULL when `r` has none.  Its view
 * has a column `currency`, the currency converted into; static. */
const struct mc_report *mc_report_in_currency(const struct mc_report *r);

/*
 * Check that `currency` is in core.currency and can be converted into
 * (EUR, or a currency with rates in core.fx_rate).  Returns 0; 1 when it
 * is not, -1 when the query failed, both with `err` set to one line.
 */
int mc_report_check_currency(PGconn *conn, const char *currency, struct mc_err *err);

enum mc_report_format { MC_REPORT_TABLE, MC_REPORT_CSV, MC_REPORT_JSON };

/* "table" | "csv" | "json"; returns -1 when unknown. */
int mc_report_parse_format(const char *name, enum mc_report_format *out);

struct mc_report_query {
	const struct mc_report *report;
	long limit;               /* < 0: the report's default; 0: all rows */
	const char *marketplace;  /* --listing MARKETPLACE[/REGION]:EXTERNAL_ID, or NULL */
	const char *region;       /* "" when none was given */
	const char *external_id;
	const char *currency;     /* only rows whose `currency` is this, or NULL */
};

/*
 * Prepare `conn` for reports: UTC time zone and ISO dates, so times print
 * the same everywhere.  Returns 0, or -1 with `err` set.
 */
int mc_report_session(PGconn *conn, struct mc_err *err);

/* The number of rows `q` shows: --limit, else the report's default (0: all). */
long mc_report_limit(const struct mc_report_query *q);

/*
 * Run `q` and return its result (the caller PQclear()s), or NULL with
 * `err` set.  Requires mc_report_session() on `conn`.  With a limit, the
 * result holds one row more when more exist: show at most the limit.
 */
PGresult *mc_report_run(PGconn *conn, const struct mc_report_query *q, struct mc_err *err);

/* Write the first `max_rows` rows of a result (0: all) in `fmt` to `out`. */
void mc_report_write(const PGresult *res, enum mc_report_format fmt, long max_rows, FILE *out);

/*
 * Write the HTML page (etl/report_html.c: daily moves, recent drops and
 * increases, historic lows, cheapest offers, the price history of each
 * product they name) to `path`; "-" is stdout.
 * Returns 0, or -1 with `err` set (a file is written whole or not at all).
 */
int mc_report_html(PGconn *conn, const char *path, struct mc_err *err);

/* Display width of UTF-8 text in terminal columns (wide CJK = 2,
 * combining marks = 0); used to align tables. */
size_t mc_report_text_width(const char *s);

#endif
