/*
 * `marketcrawl report --html FILE`: one self-contained HTML page (no
 * scripts, no external assets) built from the rpt.* views: the daily moves
 * as an inline SVG bar-and-line chart, the recent drops and increases as
 * tables, and an SVG step chart of the price history of the top movers.
 * Chart coordinates are computed with doubles; prices are always printed
 * from the database's exact text.  It never writes to the database.
 *
 * The element classes are a small contract used by the test
 * (tests/integration/report_html.sh): rect.bar-drop / rect.bar-increase per
 * day and marketplace, circle.avg per average point, and per mover an
 * svg.history holding one circle.pt per price range and path.step lines.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/atomic_file.h"
#include "etl/report.h"

#define CHART_W 860.0
#define CHART_H 260.0
#define MARGIN 48.0
#define MOVERS 5

static const char *const palette[] = {"#1f77b4", "#9467bd", "#8c564b", "#e377c2", "#17becf",
				      "#bcbd22"};

static void html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static PGresult *query(PGconn *conn, const char *sql, int n, const char *const *params,
		       struct mc_err *err)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		mc_err_set(err, "HTML report: %s", PQerrorMessage(conn));
		PQclear(res);
		return NULL;
	}
	return res;
}

static double num(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0.0 : strtod(PQgetvalue(r, row, col), NULL);
}

/* ---- daily moves ------------------------------------------------------- */

/* rows: day, marketplace, largest_drop_pct, largest_increase_pct,
 * avg_change_pct, day index (0..), marketplace index (0..), days,
 * marketplaces; the 60 most recent days, oldest first. */
static const char daily_sql[] =
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

static void daily_chart(FILE *out, const PGresult *r)
{
	int rows = PQntuples(r);
	double lo = 0, hi = 0;

	if (rows == 0) {
		fputs("<p class=\"empty\">No price changes yet.</p>\n", out);
		return;
	}
	for (int i = 0; i < rows; i++) {
		for (int c = 2; c <= 4; c++) {
			double v = num(r, i, c);
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	}
	if (hi - lo < 1)
		hi = lo + 1;
	int days = (int)num(r, 0, 7), mps = (int)num(r, 0, 8);
	double plot_w = CHART_W - 2 * MARGIN, plot_h = CHART_H - 2 * MARGIN;
	double slot = plot_w / days, bar = slot / (2.0 * mps + 1.0);
#define Y(v) (MARGIN + (hi - (v)) / (hi - lo) * plot_h)

	fprintf(out, "<svg class=\"daily\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\""
		     " height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\""
		     " aria-label=\"daily price moves\">\n",
		CHART_W, CHART_H, CHART_W, CHART_H);
	fprintf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
		     " stroke=\"#444\"/>\n", MARGIN, Y(0), CHART_W - MARGIN, Y(0));
	fprintf(out, "<text x=\"4\" y=\"%.1f\" font-size=\"11\">%+.0f%%</text>\n", Y(hi) + 4, hi);
	fprintf(out, "<text x=\"4\" y=\"%.1f\" font-size=\"11\">%+.0f%%</text>\n", Y(lo) + 4, lo);
	for (int i = 0; i < rows; i++) {
		int di = (int)num(r, i, 5), mj = (int)num(r, i, 6);
		double x = MARGIN + di * slot + bar * (0.5 + 2 * mj);
		const char *mp = PQgetvalue(r, i, 1);
		if (mj == 0) {
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">",
				MARGIN + di * slot, CHART_H - MARGIN + 14);
			html_text(out, PQgetvalue(r, i, 0) + 5);
			fputs("</text>\n", out);
		}
		if (!PQgetisnull(r, i, 2)) {
			fprintf(out, "<rect class=\"bar-drop\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
				     " height=\"%.1f\" fill=\"#d62728\"><title>",
				x, Y(0), bar, Y(num(r, i, 2)) - Y(0));
			html_text(out, mp);
			fprintf(out, " %s: largest drop %s%%</title></rect>\n", PQgetvalue(r, i, 0),
				PQgetvalue(r, i, 2));
		}
		if (!PQgetisnull(r, i, 3)) {
			fprintf(out, "<rect class=\"bar-increase\" x=\"%.1f\" y=\"%.1f\""
				     " width=\"%.1f\" height=\"%.1f\" fill=\"#2ca02c\"><title>",
				x + bar, Y(num(r, i, 3)), bar, Y(0) - Y(num(r, i, 3)));
			html_text(out, mp);
			fprintf(out, " %s: largest increase %s%%</title></rect>\n",
				PQgetvalue(r, i, 0), PQgetvalue(r, i, 3));
		}
	}
	/* one line of average change per marketplace */
	for (int j = 0; j < mps; j++) {
		int points = 0;
		const char *name = NULL;
		for (int i = 0; i < rows; i++) {
			if ((int)num(r, i, 6) != j || PQgetisnull(r, i, 4))
				continue;
			double x = MARGIN + num(r, i, 5) * slot + slot / 2;
			fprintf(out, "%s%.1f,%.1f", points ? " " : "<polyline class=\"avg-line\" points=\"",
				x, Y(num(r, i, 4)));
			points++;
			name = PQgetvalue(r, i, 1);
		}
		if (points)
			fprintf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
				palette[j % 6]);
		for (int i = 0; i < rows; i++) {
			if ((int)num(r, i, 6) != j || PQgetisnull(r, i, 4))
				continue;
			fprintf(out, "<circle class=\"avg\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\""
				     " fill=\"%s\"><title>",
				MARGIN + num(r, i, 5) * slot + slot / 2, Y(num(r, i, 4)),
				palette[j % 6]);
			html_text(out, PQgetvalue(r, i, 1));
			fprintf(out, " %s: average %s%%</title></circle>\n", PQgetvalue(r, i, 0),
				PQgetvalue(r, i, 4));
		}
		if (name) {
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\">",
				CHART_W - MARGIN - 120, MARGIN - 8 - 12.0 * (mps - 1 - j),
				palette[j % 6]);
			html_text(out, name);
			fputs("</text>\n", out);
		}
	}
#undef Y
	fputs("</svg>\n", out);
}

/* ---- tables ------------------------------------------------------------- */

static void html_table(FILE *out, const PGresult *r, const char *cls)
{
	fprintf(out, "<table class=\"%s\">\n<tr>", cls);
	for (int c = 0; c < PQnfields(r); c++) {
		fputs("<th>", out);
		html_text(out, PQfname(r, c));
		fputs("</th>", out);
	}
	fputs("</tr>\n", out);
	for (int i = 0; i < PQntuples(r); i++) {
		fputs("<tr>", out);
		for (int c = 0; c < PQnfields(r); c++) {
			fputs("<td>", out);
			html_text(out, PQgetvalue(r, i, c));
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* ---- price history of one listing ---------------------------------------- */

/* rows: valid_from epoch, valid_to epoch (or now), price, currency,
 * valid_from text, adjacent to the next range (bool). */
static const char history_sql[] =
	"select extract(epoch from valid_from), extract(epoch from coalesce(valid_to, now())),"
	"       price, currency, valid_from,"
	"       valid_to is not null and valid_to = lead(valid_from) over (order by valid_from)"
	" from rpt.price_history where marketplace = $1 and region = $2 and external_id = $3"
	" order by valid_from";

static void history_chart(FILE *out, const PGresult *r, const char *mp, const char *id,
			  const char *title)
{
	int rows = PQntuples(r);
	double t0 = num(r, 0, 0), t1 = num(r, rows - 1, 1), lo = num(r, 0, 2), hi = lo;
	double w = 420, h = 180, m = 36;

	for (int i = 0; i < rows; i++) {
		double p = num(r, i, 2);
		lo = p < lo ? p : lo;
		hi = p > hi ? p : hi;
	}
	lo = lo * 0.9;
	hi = hi * 1.1 + (hi == 0 ? 1 : 0);
	if (t1 <= t0)
		t1 = t0 + 1;
#define X(t) (m + ((t) - t0) / (t1 - t0) * (w - 2 * m))
#define Y(p) (m + (hi - (p)) / (hi - lo) * (h - 2 * m))
	fputs("<figure class=\"mover\"><figcaption>", out);
	html_text(out, mp);
	fputc(':', out);
	html_text(out, id);
	fputs(" &mdash; ", out);
	html_text(out, title);
	fprintf(out, "</figcaption>\n<svg class=\"history\" xmlns=\"http://www.w3.org/2000/svg\""
		     " width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n", w, h, w, h);
	fprintf(out, "<text x=\"2\" y=\"%.1f\" font-size=\"10\">%s</text>\n", Y(hi) + 10,
		PQgetvalue(r, 0, 3));
	/* one path per run of adjacent ranges (a delisted gap breaks the line) */
	bool open = false;
	for (int i = 0; i < rows; i++) {
		double p = num(r, i, 2);
		if (!open) {
			fprintf(out, "<path class=\"step\" fill=\"none\" stroke=\"#1f77b4\""
				     " stroke-width=\"2\" d=\"M%.1f,%.1f", X(num(r, i, 0)), Y(p));
			open = true;
		} else {
			fprintf(out, " L%.1f,%.1f", X(num(r, i, 0)), Y(p));
		}
		fprintf(out, " L%.1f,%.1f", X(num(r, i, 1)), Y(p));
		if (PQgetvalue(r, i, 5)[0] != 't') {
			fputs("\"/>\n", out);
			open = false;
		}
	}
	for (int i = 0; i < rows; i++) {
		fprintf(out, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\">"
			     "<title>%s %s since %s</title></circle>\n",
			X(num(r, i, 0)), Y(num(r, i, 2)), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
			PQgetvalue(r, i, 4));
	}
#undef X
#undef Y
	fputs("</svg></figure>\n", out);
}

/* The top movers: the listings with the largest absolute percent change
 * among the recent drops and increases. */
static const char movers_sql[] =
	"select marketplace, region, external_id, max(title), max(abs(delta_pct)) as move from ("
	"  (select * from rpt.recent_price_drops order by changed_at desc, marketplace,"
	"   region, external_id limit 20)"
	"  union all"
	"  (select * from rpt.recent_price_increases order by changed_at desc, marketplace,"
	"   region, external_id limit 20)) c"
	" group by marketplace, region, external_id"
	" order by move desc nulls last, marketplace, region, external_id limit 5";

static int write_page(PGconn *conn, FILE *out, struct mc_err *err)
{
	PGresult *daily = NULL, *drops = NULL, *ups = NULL, *movers = NULL;
	int rc = -1;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	daily = query(conn, daily_sql, 0, NULL, err);
	drops = daily ? query(conn, "select * from rpt.recent_price_drops"
				    " order by changed_at desc, marketplace, region, external_id limit 20",
			      0, NULL, err) : NULL;
	ups = drops ? query(conn, "select * from rpt.recent_price_increases"
				  " order by changed_at desc, marketplace, region, external_id limit 20",
			    0, NULL, err) : NULL;
	movers = ups ? query(conn, movers_sql, 0, NULL, err) : NULL;
	if (!movers)
		goto out;

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		     "<title>marketcrawl price report</title>\n<style>\n"
		     "body{font-family:sans-serif;margin:2em;color:#222}\n"
		     "table{border-collapse:collapse;margin-bottom:1.5em;font-size:13px}\n"
		     "th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}\n"
		     "th{background:#f0f0f0}\nfigure{display:inline-block;margin:0 1em 1em 0}\n"
		     "figcaption{font-size:13px}\n</style></head><body>\n"
		     "<h1>marketcrawl price report</h1>\n<p>Generated %s.</p>\n", when);
	fputs("<h2>Daily moves</h2>\n<p>Per day and marketplace: largest drop (red), largest"
	      " increase (green) in percent; the line is the average change.</p>\n", out);
	daily_chart(out, daily);
	fputs("<h2>Recent price drops</h2>\n", out);
	html_table(out, drops, "drops");
	fputs("<h2>Recent price increases</h2>\n", out);
	html_table(out, ups, "increases");
	fputs("<h2>Top movers</h2>\n", out);
	for (int i = 0; i < PQntuples(movers) && i < MOVERS; i++) {
		const char *p[3] = {PQgetvalue(movers, i, 0), PQgetvalue(movers, i, 1),
				    PQgetvalue(movers, i, 2)};
		PGresult *h = query(conn, history_sql, 3, p, err);
		if (!h)
			goto out;
		if (PQntuples(h) > 0)
			history_chart(out, h, p[0], p[2], PQgetvalue(movers, i, 3));
		PQclear(h);
	}
	if (PQntuples(movers) == 0)
		fputs("<p class=\"empty\">No recent changes.</p>\n", out);
	fputs("</body></html>\n", out);
	rc = 0;
out:
	PQclear(daily);
	PQclear(drops);
	PQclear(ups);
	PQclear(movers);
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
