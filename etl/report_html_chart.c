/*
 * The HTML report's inline SVG charts: the daily moves (bars per day and
 * marketplace, a line of the average change) and the price history of a
 * product (a step line per listing).  Both have labelled axes with ticks
 * and an HTML legend, so a printed page says what the hover titles say.
 * Coordinates are doubles; every number in the page's text is printed
 * from the database's exact text or formatted here.
 *
 * The element classes are a small contract with the tests
 * (tests/integration/report_html.sh, report_browser.sh): svg.daily with
 * rect.bar-drop / rect.bar-increase per day and marketplace, text.mp-label
 * under them, circle.avg per average and polyline.avg-line per
 * marketplace; svg.history with path.step per run of adjacent price ranges
 * and circle.pt per range; g.y-axis / g.x-axis holding text.tick labels;
 * ul.legend beside each chart.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "etl/report_html.h"

/* ---- axes ------------------------------------------------------------------ */

/* A round step (1, 2 or 5 times a power of ten) cutting `span` into about
 * `parts` parts. */
static double nice_step(double span, int parts)
{
	double raw = span / parts, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* Decimals that show `step` exactly (0.5 -> 1, 0.05 -> 2, 20 -> 0). */
static int step_decimals(double step)
{
	int d = (int)ceil(-log10(step) - 1e-9);

	return d < 0 ? 0 : d > 4 ? 4 : d;
}

struct plot {
	double x0, x1, y0, y1; /* the plot area */
	double lo, hi;         /* the value axis */
};

static double plot_y(const struct plot *p, double v)
{
	return p->y0 + (p->hi - v) / (p->hi - p->lo) * (p->y1 - p->y0);
}

/* Grid lines and labels of the value axis; `pct` labels "+20 %". */
static void value_axis(FILE *out, const struct plot *p, double step, bool pct, const char *title,
		       const char *title2)
{
	int dec = step_decimals(step);

	fputs("<g class=\"y-axis\" font-size=\"11\" fill=\"#444\">\n", out);
	for (double v = p->lo; v <= p->hi + step / 2; v += step) {
		double y = plot_y(p, v), shown = fabs(v) < step / 2 ? 0 : v;
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
			p->x0, y, p->x1, y, shown == 0 ? "#555" : "#e3e3e3");
		fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
			p->x0 - 6, y + 4);
		if (pct)
			fprintf(out, shown > 0 ? "+%.*f %%" : "%.*f %%", dec, shown);
		else
			fprintf(out, "%.*f", dec, shown);
		fputs("</text>\n", out);
	}
	fprintf(out, "<text class=\"axis-title\" transform=\"translate(14 %.1f) rotate(-90)\""
		     " text-anchor=\"middle\">", (p->y0 + p->y1) / 2);
	mc_html_text(out, title);
	mc_html_text(out, title2);
	fputs("</text>\n</g>\n", out);
}

static void legend_swatch(FILE *out, const char *color, bool dot)
{
	if (dot)
		fprintf(out, "<svg width=\"14\" height=\"14\" aria-hidden=\"true\"><circle cx=\"7\""
			     " cy=\"7\" r=\"4.5\" fill=\"%s\" stroke=\"#222\" stroke-width=\"1.5\"/>"
			     "</svg> ", color);
	else
		fprintf(out, "<svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect x=\"1\""
			     " y=\"1\" width=\"12\" height=\"12\" fill=\"%s\"/></svg> ", color);
}

/* ---- daily moves -------------------------------------------------------------- */

#define DAILY_W 860.0
#define DAILY_H 320.0
#define BAR_MAX 56.0

enum { D_DAY, D_MP, D_DROP, D_INC, D_AVG, D_DI, D_MJ, D_DAYS, D_MPS };

static void daily_bar(FILE *out, const PGresult *r, int i, const struct plot *p, double x,
		      double bw, bool drop)
{
	int col = drop ? D_DROP : D_INC;
	double v = mc_html_num(r, i, col), top = drop ? plot_y(p, 0) : plot_y(p, v);
	double h = fabs(plot_y(p, v) - plot_y(p, 0));

	fprintf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
		     " fill=\"%s\"><title>", drop ? "bar-drop" : "bar-increase", x + bw * 0.1, top,
		bw * 0.8, h < 0.5 ? 0.5 : h, mc_html_color((int)mc_html_num(r, i, D_MJ)));
	mc_html_text(out, PQgetvalue(r, i, D_MP));
	fputs(", ", out);
	mc_html_text(out, PQgetvalue(r, i, D_DAY));
	fprintf(out, ": largest %s ", drop ? "drop" : "increase");
	mc_html_text(out, PQgetvalue(r, i, col));
	fputs(" %</title></rect>\n", out);
	if (bw >= 40) {
		fprintf(out, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\""
			     " text-anchor=\"middle\">", x + bw / 2,
			drop ? plot_y(p, v) + 12 : plot_y(p, v) - 4);
		mc_html_text(out, PQgetvalue(r, i, col));
		fputs(" %</text>\n", out);
	}
}

void mc_html_daily_chart(FILE *out, const PGresult *r)
{
	int rows = PQntuples(r);
	struct plot p = {64, DAILY_W - 16, 18, DAILY_H - 76, 0, 0};

	if (rows == 0) {
		fputs("<p class=\"empty\">No price changes yet.</p>\n", out);
		return;
	}
	for (int i = 0; i < rows; i++) {
		for (int c = D_DROP; c <= D_AVG; c++) {
			double v = mc_html_num(r, i, c);
			p.lo = v < p.lo ? v : p.lo;
			p.hi = v > p.hi ? v : p.hi;
		}
	}
	if (p.hi - p.lo < 1)
		p.hi = p.lo + 1;
	double step = nice_step(p.hi - p.lo, 5);
	p.lo = floor(p.lo / step) * step;
	p.hi = ceil(p.hi / step) * step;
	int days = (int)mc_html_num(r, 0, D_DAYS), mps = (int)mc_html_num(r, 0, D_MPS);
	double slot = (p.x1 - p.x0) / days, bw = slot * 0.8 / mps;
	bw = bw > BAR_MAX ? BAR_MAX : bw;
	int every = (int)ceil(56 / slot); /* a day label every `every` days */

	fprintf(out, "<svg class=\"daily\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\""
		     " height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\""
		     " aria-label=\"largest drop, largest increase and average change per day and"
		     " marketplace, in percent\">\n", DAILY_W, DAILY_H, DAILY_W, DAILY_H);
	value_axis(out, &p, step, true, "Change in %", "");
	fputs("<g class=\"x-axis\" font-size=\"11\" fill=\"#444\">\n", out);
	for (int i = 0; i < rows; i++) {
		int di = (int)mc_html_num(r, i, D_DI), mj = (int)mc_html_num(r, i, D_MJ);
		double x = p.x0 + di * slot + (slot - bw * mps) / 2 + mj * bw;
		const char *mp = PQgetvalue(r, i, D_MP);
		/* the marketplace under its bars, where it fits */
		if (bw >= 6.5 * (double)strlen(mp)) {
			fprintf(out, "<text class=\"mp-label\" x=\"%.1f\" y=\"%.1f\""
				     " text-anchor=\"middle\">", x + bw / 2, p.y1 + 28);
			mc_html_text(out, mp);
			fputs("</text>\n", out);
		}
	}
	for (int i = 0; i < rows; i++) {
		int di = (int)mc_html_num(r, i, D_DI);
		if ((i > 0 && (int)mc_html_num(r, i - 1, D_DI) == di) || di % every != 0)
			continue;
		struct tm tm = {0};
		char label[32];
		if (sscanf(PQgetvalue(r, i, D_DAY), "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
			   &tm.tm_mday) != 3)
			continue;
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
			     "%s</text>\n", p.x0 + (di + 0.5) * slot, p.y1 + 44,
			mc_html_strftime(label, sizeof label, "%d %b", (double)timegm(&tm)));
	}
	fprintf(out, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		     "Day (UTC)</text>\n</g>\n", (p.x0 + p.x1) / 2, DAILY_H - 6);
	for (int i = 0; i < rows; i++) {
		int di = (int)mc_html_num(r, i, D_DI), mj = (int)mc_html_num(r, i, D_MJ);
		double x = p.x0 + di * slot + (slot - bw * mps) / 2 + mj * bw;
		if (!PQgetisnull(r, i, D_DROP))
			daily_bar(out, r, i, &p, x, bw, true);
		if (!PQgetisnull(r, i, D_INC))
			daily_bar(out, r, i, &p, x, bw, false);
	}
	/* the average change: a dashed line per marketplace through its days */
	for (int j = 0; j < mps; j++) {
		int points = 0;
		for (int i = 0; i < rows; i++) {
			if ((int)mc_html_num(r, i, D_MJ) != j || PQgetisnull(r, i, D_AVG))
				continue;
			double x = p.x0 + mc_html_num(r, i, D_DI) * slot + (slot - bw * mps) / 2 +
				   (j + 0.5) * bw;
			fprintf(out, "%s%.1f,%.1f",
				points ? " " : "<polyline class=\"avg-line\" points=\"", x,
				plot_y(&p, mc_html_num(r, i, D_AVG)));
			points++;
		}
		if (points)
			fprintf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\""
				     " stroke-dasharray=\"4 3\"/>\n", mc_html_color(j));
		for (int i = 0; i < rows; i++) {
			if ((int)mc_html_num(r, i, D_MJ) != j || PQgetisnull(r, i, D_AVG))
				continue;
			fprintf(out, "<circle class=\"avg\" cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\""
				     " stroke=\"#222\" stroke-width=\"1.5\"><title>",
				p.x0 + mc_html_num(r, i, D_DI) * slot + (slot - bw * mps) / 2 +
					(j + 0.5) * bw,
				plot_y(&p, mc_html_num(r, i, D_AVG)), mc_html_color(j));
			mc_html_text(out, PQgetvalue(r, i, D_MP));
			fputs(", ", out);
			mc_html_text(out, PQgetvalue(r, i, D_DAY));
			fputs(": average change ", out);
			mc_html_text(out, PQgetvalue(r, i, D_AVG));
			fputs(" %</title></circle>\n", out);
		}
	}
	fputs("</svg>\n<ul class=\"legend\">\n", out);
	for (int j = 0; j < mps; j++) {
		for (int i = 0; i < rows; i++) {
			if ((int)mc_html_num(r, i, D_MJ) != j)
				continue;
			fputs("<li>", out);
			legend_swatch(out, mc_html_color(j), false);
			mc_html_text(out, PQgetvalue(r, i, D_MP));
			fputs("</li>\n", out);
			break;
		}
	}
	fputs("<li>", out);
	legend_swatch(out, "#bbb", true);
	fputs("average change (dashed line)</li>\n<li>bars up: largest increase; bars down:"
	      " largest drop</li>\n</ul>\n", out);
}

/* ---- price history ------------------------------------------------------------- */

#define HIST_W 520.0
#define HIST_H 250.0

/* Time ticks: a round step in seconds, or whole months. */
static const double time_steps[] = {1,     2,     5,     10,     15,     30,     60,
				    120,   300,   600,   900,    1800,   3600,   7200,
				    10800, 21600, 43200, 86400,  172800, 604800, 1209600};
static const int month_steps[] = {1, 3, 6, 12, 24, 60, 120};

static void time_tick(FILE *out, const struct plot *p, double t0, double t1, double t,
		      const char *fmt)
{
	char label[48];
	double x = p->x0 + (t - t0) / (t1 - t0) * (p->x1 - p->x0);

	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>",
		x, p->y0, x, p->y1);
	fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
		x, p->y1 + 15, mc_html_strftime(label, sizeof label, fmt, t));
}

static void time_axis(FILE *out, const struct plot *p, double t0, double t1)
{
	double span = t1 - t0, step = 0;
	char from[48];

	fputs("<g class=\"x-axis\" font-size=\"11\" fill=\"#444\">\n", out);
	for (size_t i = 0; i < sizeof time_steps / sizeof time_steps[0] && step == 0; i++)
		if (span / time_steps[i] <= 6)
			step = time_steps[i];
	if (step > 0 && ceil(t0 / step) * step + step > t1) {
		/* under two round ticks (a history of seconds): its two ends */
		time_tick(out, p, t0, t1, t0, "%H:%M:%S");
		time_tick(out, p, t0, t1, t1, "%H:%M:%S");
	} else if (step > 0) {
		const char *fmt = step < 60 ? "%H:%M:%S" : step < 86400 ? "%H:%M" : "%d %b";
		for (double t = ceil(t0 / step) * step; t <= t1; t += step)
			time_tick(out, p, t0, t1, t, fmt);
	} else {
		int k = month_steps[sizeof month_steps / sizeof month_steps[0] - 1];
		for (size_t i = 0; i < sizeof month_steps / sizeof month_steps[0]; i++) {
			if (span / (month_steps[i] * 30.44 * 86400) <= 6) {
				k = month_steps[i];
				break;
			}
		}
		time_t s = (time_t)t0;
		struct tm tm;
		gmtime_r(&s, &tm);
		int m = (tm.tm_year * 12 + tm.tm_mon) / k * k + k; /* months since 1900 */
		for (;; m += k) {
			struct tm first = {.tm_year = m / 12, .tm_mon = m % 12, .tm_mday = 1};
			double t = (double)timegm(&first);
			if (t > t1)
				break;
			time_tick(out, p, t0, t1, t, "%b %Y");
		}
	}
	fprintf(out, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		     "%s %s</text>\n</g>\n", (p->x0 + p->x1) / 2, HIST_H - 6,
		step > 0 && step < 86400 ? "Time (UTC) from" : "Date (UTC) from",
		mc_html_strftime(from, sizeof from, "%d %b %Y %H:%M", t0));
}

static bool same_listing(const PGresult *r, int a, int b)
{
	return strcmp(PQgetvalue(r, a, MC_HIST_MARKETPLACE), PQgetvalue(r, b, MC_HIST_MARKETPLACE)) ==
		       0 &&
	       strcmp(PQgetvalue(r, a, MC_HIST_REGION), PQgetvalue(r, b, MC_HIST_REGION)) == 0 &&
	       strcmp(PQgetvalue(r, a, MC_HIST_EXTERNAL_ID), PQgetvalue(r, b, MC_HIST_EXTERNAL_ID)) ==
		       0;
}

/* "demo-a g0001" or "steam/de 440" */
static void listing_name(FILE *out, const PGresult *r, int i)
{
	mc_html_text(out, PQgetvalue(r, i, MC_HIST_MARKETPLACE));
	if (PQgetvalue(r, i, MC_HIST_REGION)[0]) {
		fputc('/', out);
		mc_html_text(out, PQgetvalue(r, i, MC_HIST_REGION));
	}
	fputc(' ', out);
	mc_html_text(out, PQgetvalue(r, i, MC_HIST_EXTERNAL_ID));
}

void mc_html_history_chart(FILE *out, const PGresult *r, int first, int end)
{
	struct plot p = {64, HIST_W - 24, 12, HIST_H - 48, 0, 0};
	double t0 = mc_html_num(r, first, MC_HIST_FROM_EPOCH), t1 = t0;
	const char *currency = PQgetvalue(r, first, MC_HIST_CURRENCY);

	for (int i = first; i < end; i++) {
		double a = mc_html_num(r, i, MC_HIST_FROM_EPOCH), b = mc_html_num(r, i, MC_HIST_TO_EPOCH);
		double v = mc_html_num(r, i, MC_HIST_PRICE);
		t0 = a < t0 ? a : t0;
		t1 = b > t1 ? b : t1;
		p.hi = v > p.hi ? v : p.hi;
	}
	if (t1 <= t0)
		t1 = t0 + 1;
	if (p.hi <= 0)
		p.hi = 1;
	double step = nice_step(p.hi, 4);
	p.hi = ceil(p.hi / step) * step;
#define X(t) (p.x0 + ((t) - t0) / (t1 - t0) * (p.x1 - p.x0))
	fprintf(out, "<figure class=\"history\">\n<svg class=\"history\""
		     " xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
		     " viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"price history in ",
		HIST_W, HIST_H, HIST_W, HIST_H);
	mc_html_text(out, currency);
	fputs("\">\n", out);
	value_axis(out, &p, step, false, "Price in ", currency);
	time_axis(out, &p, t0, t1);
	/* per listing (k-th colour): one path per run of adjacent ranges (a
	 * delisted gap breaks the line), one point per range */
	int k = 0;
	for (int s = first; s < end; k++) {
		int e = s + 1;
		while (e < end && same_listing(r, s, e))
			e++;
		bool open = false;
		for (int i = s; i < e; i++) {
			double y = plot_y(&p, mc_html_num(r, i, MC_HIST_PRICE));
			if (!open)
				fprintf(out, "<path class=\"step\" fill=\"none\" stroke=\"%s\""
					     " stroke-width=\"2\" d=\"M%.1f,%.1f", mc_html_color(k),
					X(mc_html_num(r, i, MC_HIST_FROM_EPOCH)), y);
			else
				fprintf(out, " L%.1f,%.1f", X(mc_html_num(r, i, MC_HIST_FROM_EPOCH)), y);
			open = true;
			fprintf(out, " L%.1f,%.1f", X(mc_html_num(r, i, MC_HIST_TO_EPOCH)), y);
			if (i + 1 == e || PQgetvalue(r, i, MC_HIST_ADJACENT)[0] != 't') {
				fputs("\"/>\n", out);
				open = false;
			}
		}
		for (int i = s; i < e; i++) {
			char when[48];
			fprintf(out, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
				     "<title>", X(mc_html_num(r, i, MC_HIST_FROM_EPOCH)),
				plot_y(&p, mc_html_num(r, i, MC_HIST_PRICE)), mc_html_color(k));
			listing_name(out, r, i);
			fputs(": ", out);
			mc_html_text(out, PQgetvalue(r, i, MC_HIST_PRICE));
			fputc(' ', out);
			mc_html_text(out, currency);
			fprintf(out, " from %s UTC</title></circle>\n",
				mc_html_strftime(when, sizeof when, "%d %b %Y %H:%M",
						 mc_html_num(r, i, MC_HIST_FROM_EPOCH)));
		}
		s = e;
	}
#undef X
	fputs("</svg>\n<ul class=\"legend\">\n", out);
	k = 0;
	for (int s = first; s < end; k++) {
		fputs("<li>", out);
		legend_swatch(out, mc_html_color(k), false);
		listing_name(out, r, s);
		fputs(" &mdash; ", out);
		mc_html_text(out, PQgetvalue(r, s, MC_HIST_TITLE));
		fputs("</li>\n", out);
		while (++s < end && same_listing(r, s - 1, s))
			;
	}
	fputs("</ul></figure>\n", out);
}
