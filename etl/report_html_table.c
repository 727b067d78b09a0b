/*
 * A query's rows as an HTML table, for any rpt view: readable headers,
 * numbers right-aligned in tabular figures, times as people write them, and
 * the product_id column turned into a link to the product's history.  A new
 * section of the page is its SQL; this file needs no change for it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "etl/report_html.h"

/* PostgreSQL type OIDs (pg_type.dat): fixed since forever. */
enum {
	OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_FLOAT4 = 700,
	OID_FLOAT8 = 701, OID_DATE = 1082, OID_TIMESTAMP = 1114, OID_TIMESTAMPTZ = 1184,
	OID_NUMERIC = 1700,
};

/* The rpt views' column names and what a reader calls them. */
static const char *const labels[][2] = {
	{"changed_at", "Changed"},
	{"marketplace", "Store"},
	{"region", "Region"},
	{"external_id", "Listing id"},
	{"title", "Title"},
	{"currency", "Currency"},
	{"old_price", "Old price"},
	{"new_price", "New price"},
	{"delta", "Change"},
	{"delta_pct", "Change %"},
	{"day", "Day"},
	{"changes", "Changes"},
	{"drops", "Drops"},
	{"increases", "Increases"},
	{"largest_drop_pct", "Largest drop %"},
	{"largest_drop_listing", "Its listing"},
	{"largest_increase_pct", "Largest increase %"},
	{"largest_increase_listing", "Its listing"},
	{"avg_change_pct", "Average change %"},
	{"current_price", "Price now"},
	{"alltime_low", "All-time low"},
	{"alltime_low_at", "All-time low since"},
	{"low_365d", "365-day low"},
	{"low_365d_at", "365-day low since"},
	{"low_90d", "90-day low"},
	{"low_90d_at", "90-day low since"},
	{"at_alltime_low", "At all-time low"},
	{"within_5pct_of_low", "Within 5 % of low"},
	{"product_key", "Product key"},
	{"price", "Price"},
	{"list_price", "List price"},
	{"offers", "Offers"},
	{"highest_price", "Highest price"},
	{"valid_from", "From"},
	{"valid_to", "To"},
	{"fired_at", "Fired"},
	{"kind", "Kind"},
	{"message", "Message"},
	{"event_at", "Happened"},
	{"delivered_at", "Delivered"},
	{"channel", "Sent to"},
};

/* A column's header: its label, else its name made readable
 * ("price_limit_pct" -> "Price limit %"). */
static void header(FILE *out, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (strcmp(labels[i][0], name) == 0) {
			mc_html_text(out, labels[i][1]);
			return;
		}
	}
	if (len > 4 && strcmp(name + len - 4, "_pct") == 0)
		len -= 4;
	for (size_t i = 0; i < len; i++) {
		char c[2] = {name[i] == '_' ? ' ' : name[i], '\0'};
		if (i == 0)
			c[0] = (char)toupper((unsigned char)c[0]);
		mc_html_text(out, c);
	}
	if (len != strlen(name))
		fputs(" %", out);
}

static bool is_number(Oid t)
{
	return t == OID_INT2 || t == OID_INT4 || t == OID_INT8 || t == OID_NUMERIC ||
	       t == OID_FLOAT4 || t == OID_FLOAT8;
}

bool mc_html_linked(const struct mc_html_links *links, long long id)
{
	for (size_t i = 0; links && i < links->n; i++)
		if (links->ids[i] == id)
			return true;
	return false;
}

/* Whether column `c` is left out: product_id, or a region empty in every row. */
static bool hidden(const PGresult *r, int rows, int c)
{
	if (strcmp(PQfname(r, c), "product_id") == 0)
		return true;
	if (strcmp(PQfname(r, c), "region") != 0)
		return false;
	for (int i = 0; i < rows; i++)
		if (PQgetvalue(r, i, c)[0] != '\0')
			return false;
	return true;
}

static void cell(FILE *out, const PGresult *r, int i, int c, int link_col, long long product)
{
	Oid t = PQftype(r, c);
	const char *v = PQgetvalue(r, i, c);

	if (is_number(t)) {
		fputs("<td class=\"num\">", out);
		mc_html_text(out, v);
	} else if (t == OID_TIMESTAMPTZ || t == OID_TIMESTAMP || t == OID_DATE) {
		fputs("<td class=\"time\">", out);
		mc_html_time(out, v);
	} else if (t == OID_BOOL) {
		fputs("<td>", out);
		fputs(PQgetisnull(r, i, c) ? "" : v[0] == 't' ? "yes" : "no", out);
	} else if (c == link_col && product > 0) {
		fprintf(out, "<td><a href=\"#product-%lld\">", product);
		mc_html_text(out, v);
		fputs("</a>", out);
	} else {
		fputs("<td>", out);
		mc_html_text(out, v);
	}
	fputs("</td>", out);
}

void mc_html_table(FILE *out, const PGresult *r, int rows, const struct mc_html_links *links)
{
	int cols = PQnfields(r);
	int pid = PQfnumber(r, "product_id"), link_col = PQfnumber(r, "title");
	bool *skip;

	if (link_col < 0)
		link_col = PQfnumber(r, "product_key");
	if (rows > PQntuples(r))
		rows = PQntuples(r);
	skip = mc_calloc((size_t)cols + 1, sizeof *skip);
	fputs("<table>\n<thead><tr>", out);
	for (int c = 0; c < cols; c++) {
		skip[c] = hidden(r, rows, c);
		if (skip[c])
			continue;
		fputs(is_number(PQftype(r, c)) ? "<th class=\"num\">" : "<th>", out);
		header(out, PQfname(r, c));
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (int i = 0; i < rows; i++) {
		long long product = 0;
		if (pid >= 0 && !PQgetisnull(r, i, pid))
			product = strtoll(PQgetvalue(r, i, pid), NULL, 10);
		if (!mc_html_linked(links, product))
			product = 0;
		fputs("<tr>", out);
		for (int c = 0; c < cols; c++)
			if (!skip[c])
				cell(out, r, i, c, link_col, product);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
	free(skip);
}
