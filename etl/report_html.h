/*
 * The parts of the HTML report (`marketcrawl report --html`), shared by its
 * files: report_html.c builds the page from its list of sections,
 * report_html_fmt.c escapes text and writes dates as people write them,
 * report_html_table.c writes a query's rows as a table, report_html_chart.c
 * draws the inline SVG charts and report_html_product.c the history of one
 * product across stores.  Everything written goes through mc_html_text()
 * or is a number the code formatted itself: titles come from hostile pages.
 * Nothing here writes to the database.
 */
#ifndef MC_REPORT_HTML_H
#define MC_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "base/error.h"

/* ---- report_html_fmt.c ---------------------------------------------------- */

/* Write `s` with & < > " and ' escaped: safe in text and in a quoted attribute. */
void mc_html_text(FILE *out, const char *s);

/*
 * Write a timestamp as PostgreSQL prints it in the report session
 * ("2026-12-03 14:05:09.123+00") as <time datetime="...Z">3 Dec 2026 14:05
 * UTC</time>; a date ("2026-12-03") as "3 Dec 2026"; anything else escaped
 * as it is.
 */
void mc_html_time(FILE *out, const char *ts);

/* Format a Unix time (UTC) into `buf`: `fmt` is text with %d (day, no
 * leading zero), %b (English month), %Y, %H, %M, %S.  Returns `buf`. */
const char *mc_html_strftime(char *buf, size_t size, const char *fmt, double epoch);

/* Run `sql` with `n` text parameters; the result (the caller PQclear()s),
 * or NULL with `err` set. */
PGresult *mc_html_query(PGconn *conn, const char *sql, int n, const char *const *params,
			struct mc_err *err);

/* The value at (row, col) as a double; 0 when NULL. */
double mc_html_num(const PGresult *r, int row, int col);

/* The i-th colour of the charts' palette (it repeats after 10). */
const char *mc_html_color(int i);

/* ---- report_html_table.c -------------------------------------------------- */

/* The products that have a history section on the page (id="product-N"). */
struct mc_html_links {
	const long long *ids; /* borrowed */
	size_t n;
};

bool mc_html_linked(const struct mc_html_links *links, long long id);

/*
 * Write the first `rows` rows of `r` as a table.  Headers are readable
 * names of the columns ("Change %" for delta_pct); numbers are right
 * aligned; timestamps are written by mc_html_time(); booleans are yes/no.
 * A column named product_id is not shown: it links the row's title (else
 * its product_key) to the product's section when `links` has it.  A region
 * column empty in every row is left out.
 */
void mc_html_table(FILE *out, const PGresult *r, int rows, const struct mc_html_links *links);

/* ---- report_html_chart.c -------------------------------------------------- */

/*
 * The daily-moves bar chart.  Rows of `r`: day, marketplace,
 * largest_drop_pct, largest_increase_pct, avg_change_pct, day index (0..),
 * marketplace index (0..), days, marketplaces.
 */
void mc_html_daily_chart(FILE *out, const PGresult *r);

/* Columns of the product-history rows (report_html_product.c's query). */
enum mc_html_hist_col {
	MC_HIST_MARKETPLACE, MC_HIST_REGION, MC_HIST_EXTERNAL_ID, MC_HIST_TITLE, MC_HIST_CURRENCY,
	MC_HIST_FROM_EPOCH, MC_HIST_TO_EPOCH, MC_HIST_PRICE, MC_HIST_VALID_FROM, MC_HIST_VALID_TO,
	MC_HIST_ADJACENT, MC_HIST_PRODUCT_KEY, MC_HIST_TOTAL
};

/*
 * A step chart of rows [first, end) of `r` (one currency; ordered by
 * listing, then valid_from): one line per listing with a legend, a price
 * axis in the currency and a time axis.
 */
void mc_html_history_chart(FILE *out, const PGresult *r, int first, int end);

/* ---- report_html_product.c ------------------------------------------------ */

/* The section id="product-N" of product `id`: its price history across
 * stores as charts (one per currency) and a table.  0, or -1 with `err` set. */
int mc_html_product(PGconn *conn, FILE *out, long long id, struct mc_err *err);

#endif
