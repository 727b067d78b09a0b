/*
 * The HTML report's text: escaping (titles come from hostile web pages),
 * dates and times as people write them ("3 Dec 2026 14:05 UTC", never
 * milliseconds or "+00"), the one query helper and the charts' palette.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "etl/report_html.h"

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void mc_html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

void mc_html_time(FILE *out, const char *ts)
{
	int y, mo, d, h, mi, s, n = 0;
	size_t len = strlen(ts);

	/* a date: "2026-12-03" */
	if (len == 10 && sscanf(ts, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10 && mo >= 1 &&
	    mo <= 12) {
		fprintf(out, "<time datetime=\"%04d-%02d-%02d\">%d %s %d</time>", y, mo, d, d,
			months[mo - 1], y);
		return;
	}
	/* a timestamp in the report session's UTC: "2026-12-03 14:05:09[.123]+00" */
	if (len >= 22 && sscanf(ts, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) == 6 &&
	    n == 19 && mo >= 1 && mo <= 12 && strcmp(ts + len - 3, "+00") == 0 &&
	    strspn(ts + 19, ".0123456789") == len - 22) {
		fprintf(out, "<time datetime=\"%04d-%02d-%02dT%02d:%02d:%02dZ\">%d %s %d %02d:%02d UTC"
			     "</time>", y, mo, d, h, mi, s, d, months[mo - 1], y, h, mi);
		return;
	}
	mc_html_text(out, ts);
}

const char *mc_html_strftime(char *buf, size_t size, const char *fmt, double epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	size_t o = 0;

	gmtime_r(&t, &tm);
	buf[0] = '\0';
	for (const char *f = fmt; *f && o + 1 < size; f++) {
		int n;
		if (f[0] != '%' || !f[1]) {
			buf[o++] = *f;
			buf[o] = '\0';
			continue;
		}
		switch (*++f) {
		case 'd': n = snprintf(buf + o, size - o, "%d", tm.tm_mday); break;
		case 'b': n = snprintf(buf + o, size - o, "%s", months[tm.tm_mon]); break;
		case 'Y': n = snprintf(buf + o, size - o, "%d", tm.tm_year + 1900); break;
		case 'H': n = snprintf(buf + o, size - o, "%02d", tm.tm_hour); break;
		case 'M': n = snprintf(buf + o, size - o, "%02d", tm.tm_min); break;
		case 'S': n = snprintf(buf + o, size - o, "%02d", tm.tm_sec); break;
		default: n = snprintf(buf + o, size - o, "%%%c", *f); break;
		}
		o += n > 0 ? (size_t)n : 0;
		if (o >= size)
			o = size - 1;
	}
	return buf;
}

PGresult *mc_html_query(PGconn *conn, const char *sql, int n, const char *const *params,
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

double mc_html_num(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0.0 : strtod(PQgetvalue(r, row, col), NULL);
}

const char *mc_html_color(int i)
{
	/* Tableau 10: distinct on screen and in grey print */
	static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
					      "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
					      "#9c755f", "#bab0ac"};
	return palette[(i < 0 ? -i : i) % 10];
}
