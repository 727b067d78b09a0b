/*
 * One product's section of the HTML report (id="product-N", the target of
 * the tables' links): its price history across stores and regions, as a
 * step chart per currency (prices in different currencies share no axis)
 * and as a table of the price ranges.  At most HISTORY_ROWS ranges, the
 * newest; the page says when older ones are left out.
 */
#include <string.h>

#include "etl/report_html.h"

#define HISTORY_ROWS 200

/* Columns: enum mc_html_hist_col (total: all the product's ranges).  The
 * newest ranges ($2 of them), in chart order: currency, listing, time. */
static const char history_sql[] =
	"select marketplace, region, external_id, title, currency, from_epoch, to_epoch, price,"
	"       valid_from, valid_to, adjacent, product_key, total"
	" from (select l.marketplace, l.region, l.external_id, l.title, h.currency,"
	"              extract(epoch from h.valid_from) as from_epoch,"
	"              extract(epoch from coalesce(h.valid_to, now())) as to_epoch,"
	"              h.price, h.valid_from, h.valid_to,"
	"              h.valid_to is not null and h.valid_to = lead(h.valid_from)"
	"                  over (partition by h.listing_id order by h.valid_from) as adjacent,"
	"              p.product_key, count(*) over () as total"
	"       from core.listing l"
	"       join core.price_history h on h.listing_id = l.listing_id"
	"       join core.product p on p.product_id = l.product_id"
	"       where l.product_id = $1"
	"       order by h.valid_from desc limit $2) newest"
	" order by currency, marketplace, region, external_id, valid_from";

/* The same rows as a table, for print and for reading exact values. */
static const char ranges_sql[] =
	"select marketplace, region, external_id, valid_from, valid_to, price, list_price, currency"
	" from (select l.marketplace, l.region, l.external_id, h.valid_from, h.valid_to, h.price,"
	"              h.list_price, h.currency"
	"       from core.listing l join core.price_history h on h.listing_id = l.listing_id"
	"       where l.product_id = $1"
	"       order by h.valid_from desc limit $2) newest"
	" order by marketplace, region, external_id, valid_from";

int mc_html_product(PGconn *conn, FILE *out, long long id, struct mc_err *err)
{
	char idtext[24], limit[24];
	const char *params[2] = {idtext, limit};
	PGresult *h, *t;
	int rows;

	snprintf(idtext, sizeof idtext, "%lld", id);
	snprintf(limit, sizeof limit, "%d", HISTORY_ROWS);
	h = mc_html_query(conn, history_sql, 2, params, err);
	if (!h)
		return -1;
	t = mc_html_query(conn, ranges_sql, 2, params, err);
	if (!t) {
		PQclear(h);
		return -1;
	}
	rows = PQntuples(h);
	fprintf(out, "<section class=\"product\" id=\"product-%lld\">\n<h3>", id);
	if (rows == 0) {
		fputs("Product ", out);
		mc_html_text(out, idtext);
		fputs("</h3>\n<p class=\"empty\">No price history.</p>\n</section>\n", out);
		goto out;
	}
	mc_html_text(out, PQgetvalue(h, 0, MC_HIST_TITLE));
	if (!PQgetisnull(h, 0, MC_HIST_PRODUCT_KEY)) {
		fputs(" <span class=\"key\">(product key ", out);
		mc_html_text(out, PQgetvalue(h, 0, MC_HIST_PRODUCT_KEY));
		fputs(")</span>", out);
	}
	fputs("</h3>\n", out);
	if (mc_html_num(h, 0, MC_HIST_TOTAL) > HISTORY_ROWS)
		fprintf(out, "<p class=\"more\">The newest %d of its %s price ranges are shown"
			     " (<code>marketcrawl report history --listing ...</code> lists them"
			     " all).</p>\n", HISTORY_ROWS, PQgetvalue(h, 0, MC_HIST_TOTAL));
	for (int s = 0; s < rows;) {
		int e = s + 1;
		while (e < rows && strcmp(PQgetvalue(h, e, MC_HIST_CURRENCY),
					  PQgetvalue(h, s, MC_HIST_CURRENCY)) == 0)
			e++;
		mc_html_history_chart(out, h, s, e);
		s = e;
	}
	mc_html_table(out, t, HISTORY_ROWS, NULL);
	fputs("</section>\n", out);
out:
	PQclear(h);
	PQclear(t);
	return 0;
}
