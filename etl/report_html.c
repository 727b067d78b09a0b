/*
 * `marketcrawl report --html FILE`: one self-contained, printable HTML page
 * built from the rpt.* views.  The page is a list of sections (below): each
 * is a heading, a paragraph, the rows of one query as a table and
 * optionally a chart above it; adding a view's rows to the page is one
 * entry.  After the sections comes the price history of every product the
 * tables name (id="product-N", linked from their titles).
 *
 * Bounded: every table has a row limit and says when rows are left out;
 * at most MAX_PRODUCTS product histories.  Self-contained: inline CSS and
 * SVG only, no scripts, and a Content-Security-Policy that lets the
 * browser fetch nothing.  It never writes to the database.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/atomic_file.h"
#include "etl/report.h"
#include "etl/report_html.h"

#define MAX_PRODUCTS 30

struct section {
	const char *id;     /* the anchor: id="drops" */
	const char *title;  /* the heading */
	const char *intro;  /* HTML written as is: what the rows are */
	const char *sql;    /* the table's rows; $1 is the limit + 1 (one more tells that
			     * more exist); a product_id column links rows to products */
	long limit;         /* rows shown */
	const char *all;    /* the command that lists them all */
	const char *chart_sql; /* drawn above the table by chart(), or NULL */
	void (*chart)(FILE *out, const PGresult *rows);
};

/* The daily chart's rows (mc_html_daily_chart): the 60 most recent days,
 * oldest first, with day and marketplace indexes. */
static const char daily_chart_sql[] =
	"with d as (select * from rpt.daily_price_moves"
	"           where day > (select max(day) from mart.daily_price_move) - 60),"
	" days as (select day, row_number() over (order by day) - 1 as i from d group by day),"
	" mps as (select marketplace, row_number() over (order by marketplace) - 1 as j"
	"         from d group by marketplace)"
	" select d.day, d.marketplace, d.largest_drop_pct, d.largest_increase_pct,"
	"        d.avg_change_pct, days.i, mps.j, (select count(*) from days),"
	"        (select count(*) from mps)"
	" from d join days using (day) join mps using (marketplace)"
	" order by d.day, d.marketplace";

static const struct section sections[] = {
	{"alerts", "Alerts",
	 "The newest price alerts of the watches and run-health notifications, with when each"
	 " fired and where it was delivered (empty: still pending).",
	 "select a.fired_at, a.kind, l.title, a.message, a.event_at, a.delivered_at, a.channel,"
	 "       l.product_id"
	 " from core.alert a left join core.listing l using (listing_id)"
	 " order by a.fired_at desc, a.alert_id desc limit $1",
	 30, "marketcrawl alerts --all", NULL, NULL},
	{"daily", "Daily moves",
	 "Per day (UTC) and store over the last 60 days: the largest drop and the largest"
	 " increase in percent, and the average change of the day's price changes. The table"
	 " has the figures of the most recent days.",
	 "select * from rpt.daily_price_moves order by day desc, marketplace limit $1", 30,
	 "marketcrawl report daily-moves --limit 0", daily_chart_sql, mc_html_daily_chart},
	{"drops", "Recent price drops", "The most recent price drops, newest first.",
	 "select c.*, l.product_id from rpt.recent_price_drops c"
	 " join core.listing l using (marketplace, region, external_id)"
	 " order by c.changed_at desc, c.marketplace, c.region, c.external_id limit $1",
	 20, "marketcrawl report price-drops --limit 0", NULL, NULL},
	{"increases", "Recent price increases", "The most recent price increases, newest first.",
	 "select c.*, l.product_id from rpt.recent_price_increases c"
	 " join core.listing l using (marketplace, region, external_id)"
	 " order by c.changed_at desc, c.marketplace, c.region, c.external_id limit $1",
	 20, "marketcrawl report price-increases --limit 0", NULL, NULL},
	{"lows", "Historic lows",
	 "Listings whose price dropped recently (one of the 200 most recent drops) and is now at"
	 " its all-time low or within 5&nbsp;% of it, the most recent drop first; with the"
	 " lowest prices over all time, the last 365 and the last 90 days.",
	 "select h.marketplace, h.region, h.external_id, h.title, h.currency, h.current_price,"
	 "       h.alltime_low, h.low_365d, h.low_90d, h.at_alltime_low, l.product_id"
	 " from (select marketplace, region, external_id, max(changed_at) as changed_at"
	 "       from (select marketplace, region, external_id, changed_at"
	 "             from rpt.recent_price_drops"
	 "             order by changed_at desc, marketplace, region, external_id limit 200) d"
	 "       group by marketplace, region, external_id) d"
	 " join rpt.historic_low h using (marketplace, region, external_id)"
	 " join core.listing l using (marketplace, region, external_id)"
	 " where h.within_5pct_of_low"
	 " order by d.changed_at desc, h.marketplace, h.region, h.external_id limit $1",
	 20, "marketcrawl report historic-lows --limit 0", NULL, NULL},
	{"cheapest", "Cheapest offers",
	 "Products sold by more than one store: per currency, the cheapest offer on sale now,"
	 " how many offers there are in that currency and the highest of their prices.",
	 "select c.product_key, c.title, c.currency, c.price, c.marketplace, c.region,"
	 "       c.external_id, c.offers, c.highest_price, c.product_id"
	 " from rpt.cheapest_offer c"
	 " where c.product_key is not null"
	 "   and (select count(*) from core.listing l"
	 "        where l.product_id = c.product_id and l.delisted_at is null) > 1"
	 " order by c.product_key, c.product_id, c.currency limit $1",
	 20, "marketcrawl report cheapest --limit 0", NULL, NULL},
};

#define NSECTIONS (sizeof sections / sizeof sections[0])

static const char style[] =
	"body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:1.5em auto;max-width:1100px;"
	"padding:0 1em;color:#222;line-height:1.4}\n"
	"h1{margin:0 0 .2em}h2{margin-top:1.6em;border-bottom:2px solid #ddd}\n"
	"nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1.2em}\n"
	"table{border-collapse:collapse;margin:.5em 0 1em;font-size:13px}\n"
	"th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}\n"
	"th{background:#f0f0f0}\n"
	"th.num,td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"td.time{white-space:nowrap}\n"
	".note,.more,.empty{color:#555;font-size:13px}\n"
	"svg{max-width:100%;height:auto}svg text{font-family:inherit}\n"
	"figure{margin:.5em 1.5em 1em 0;display:inline-block;vertical-align:top}\n"
	".legend{list-style:none;padding:0;margin:.2em 0;display:flex;flex-wrap:wrap;"
	"gap:.2em 1.2em;font-size:13px}\n"
	".legend svg{vertical-align:middle}\n"
	"section.product{border-top:1px solid #ddd;margin-top:1em}\n"
	".key{font-weight:normal;color:#555;font-size:14px}\n"
	"@media print{body{margin:0;max-width:none;font-size:11pt}nav{display:none}"
	"a{color:inherit;text-decoration:none}tr,figure{break-inside:avoid}"
	"h2,h3{break-after:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Add the products of the first `rows` rows of `r` to `ids` (distinct, in
 * order, at most MAX_PRODUCTS); count the ones left out in `*more`. */
static void collect_products(const PGresult *r, int rows, long long *ids, size_t *n, size_t *more,
			     long long *seen, size_t *nseen)
{
	int col = PQfnumber(r, "product_id");
	struct mc_html_links all = {seen, *nseen};

	for (int i = 0; col >= 0 && i < rows && i < PQntuples(r); i++) {
		if (PQgetisnull(r, i, col))
			continue;
		long long id = strtoll(PQgetvalue(r, i, col), NULL, 10);
		all.n = *nseen;
		if (mc_html_linked(&all, id))
			continue;
		seen[(*nseen)++] = id;
		if (*n < MAX_PRODUCTS)
			ids[(*n)++] = id;
		else
			(*more)++;
	}
}

static void write_section(FILE *out, const struct section *s, const PGresult *chart,
			  const PGresult *rows, const struct mc_html_links *links)
{
	fprintf(out, "<section id=\"%s\">\n<h2>%s</h2>\n<p class=\"note\">%s</p>\n", s->id,
		s->title, s->intro);
	if (chart)
		s->chart(out, chart);
	if (PQntuples(rows) == 0) {
		fputs("<p class=\"empty\">No rows.</p>\n</section>\n", out);
		return;
	}
	mc_html_table(out, rows, (int)s->limit, links);
	if (PQntuples(rows) > s->limit)
		fprintf(out, "<p class=\"more\">The first %ld rows are shown; more exist"
			     " (<code>%s</code> lists them all).</p>\n",
			s->limit, s->all);
	fputs("</section>\n", out);
}

static int write_page(PGconn *conn, FILE *out, struct mc_err *err)
{
	PGresult *charts[NSECTIONS] = {NULL}, *rows[NSECTIONS] = {NULL};
	size_t cap = 0, n = 0, nseen = 0, more = 0;
	long long *ids, *seen;
	int rc = -1;
	char when[48];

	for (size_t i = 0; i < NSECTIONS; i++)
		cap += (size_t)sections[i].limit;
	ids = mc_calloc(cap + 1, sizeof *ids);
	seen = mc_calloc(cap + 1, sizeof *seen);
	for (size_t i = 0; i < NSECTIONS; i++) {
		const struct section *s = &sections[i];
		char limit[24];
		const char *params[1] = {limit};
		snprintf(limit, sizeof limit, "%ld", s->limit + 1);
		if (s->chart_sql) {
			charts[i] = mc_html_query(conn, s->chart_sql, 0, NULL, err);
			if (!charts[i])
				goto out;
		}
		rows[i] = mc_html_query(conn, s->sql, 1, params, err);
		if (!rows[i])
			goto out;
		collect_products(rows[i], (int)s->limit, ids, &n, &more, seen, &nseen);
	}

	struct mc_html_links links = {ids, n};
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
		     " style-src 'unsafe-inline'\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		     "<title>marketcrawl price report</title>\n<style>\n%s</style></head><body>\n"
		     "<header><h1>marketcrawl price report</h1>\n<p class=\"note\">Generated %s UTC."
		     " Prices are in the currency of each offer; times are UTC.</p>\n"
		     "<nav><ul>\n", style,
		mc_html_strftime(when, sizeof when, "%d %b %Y %H:%M", (double)time(NULL)));
	for (size_t i = 0; i < NSECTIONS; i++)
		fprintf(out, "<li><a href=\"#%s\">%s</a></li>\n", sections[i].id, sections[i].title);
	fputs("<li><a href=\"#products\">Price history by product</a></li>\n</ul></nav>"
	      "</header>\n<main>\n", out);
	for (size_t i = 0; i < NSECTIONS; i++)
		write_section(out, &sections[i], charts[i], rows[i], &links);

	fputs("<section id=\"products\">\n<h2>Price history by product</h2>\n<p class=\"note\">"
	      "The whole price history, across stores and regions, of each product the tables"
	      " above name (their titles link here), in the order they first appear: a chart per"
	      " currency and every price range (an empty <em>To</em> is the current price).</p>\n",
	      out);
	if (more)
		fprintf(out, "<p class=\"more\">The first %d products are shown; %zu more named above"
			     " are left out (their titles have no link).</p>\n", MAX_PRODUCTS, more);
	if (n == 0)
		fputs("<p class=\"empty\">No products named above.</p>\n", out);
	for (size_t i = 0; i < n; i++)
		if (mc_html_product(conn, out, ids[i], err) != 0)
			goto out;
	fputs("</section>\n</main>\n</body></html>\n", out);
	rc = 0;
out:
	for (size_t i = 0; i < NSECTIONS; i++) {
		PQclear(charts[i]);
		PQclear(rows[i]);
	}
	free(ids);
	free(seen);
	return rc;
}

int mc_report_html(PGconn *conn, const char *path, struct mc_err *err)
{
	bool to_stdout = strcmp(path, "-") == 0;
	struct mc_atomic_file a;
	int rc;

	if (to_stdout) {
		rc = write_page(conn, stdout, err);
		if (rc == 0 && fflush(stdout) != 0)
			rc = mc_err_set(err, "writing the HTML report: %m");
		return rc;
	}
	if (mc_atomic_open(&a, path, err) != 0)
		return -1;
	return mc_atomic_finish(&a, write_page(conn, a.f, err), err);
}
