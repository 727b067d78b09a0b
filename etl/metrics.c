/*
 * The Prometheus text exposition format (version 0.0.4) of rpt.metrics:
 * HELP and TYPE once per metric, label values escaped, one sample a line.
 * See etl/metrics.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "etl/metrics.h"

static int escape(struct mc_buf *out, const char *s, bool quote)
{
	for (; *s; s++) {
		int rc;
		if (*s == '\\')
			rc = mc_buf_adds(out, "\\\\");
		else if (*s == '\n')
			rc = mc_buf_adds(out, "\\n");
		else if (quote && *s == '"')
			rc = mc_buf_adds(out, "\\\"");
		else
			rc = mc_buf_addc(out, *s);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int mc_metrics_escape_label(struct mc_buf *out, const char *s)
{
	return escape(out, s, true);
}

int mc_metrics_escape_help(struct mc_buf *out, const char *s)
{
	return escape(out, s, false);
}

static int add_label(struct mc_buf *out, const char *name, const char *value, bool *first)
{
	if (!value)
		return 0;
	if (mc_buf_printf(out, "%s%s=\"", *first ? "{" : ",", name) != 0 ||
	    mc_metrics_escape_label(out, value) != 0 || mc_buf_addc(out, '"') != 0)
		return -1;
	*first = false;
	return 0;
}

static int format_one(struct mc_buf *out, const struct mc_metric_sample *s, bool header)
{
	bool first = true;

	if (header &&
	    (mc_buf_printf(out, "# HELP %s%s ", MC_METRICS_PREFIX, s->metric) != 0 ||
	     mc_metrics_escape_help(out, s->help) != 0 ||
	     mc_buf_printf(out, "\n# TYPE %s%s %s\n", MC_METRICS_PREFIX, s->metric, s->type) != 0))
		return -1;
	if (mc_buf_printf(out, "%s%s", MC_METRICS_PREFIX, s->metric) != 0 ||
	    add_label(out, "spider", s->spider, &first) != 0 ||
	    add_label(out, "region", s->region, &first) != 0 ||
	    add_label(out, "status", s->status, &first) != 0 ||
	    add_label(out, "kind", s->kind, &first) != 0 ||
	    (!first && mc_buf_addc(out, '}') != 0))
		return -1;
	return mc_buf_printf(out, " %s\n", s->value);
}

int mc_metrics_format(struct mc_buf *out, const struct mc_metric_sample *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool header = i == 0 || strcmp(s[i].metric, s[i - 1].metric) != 0;
		if (format_one(out, &s[i], header) != 0)
			return -1;
	}
	return 0;
}

static const char *field(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int mc_metrics_collect(PGconn *conn, struct mc_buf *out, struct mc_err *err)
{
	PGresult *res = PQexec(conn, "select metric, type, help, spider, region, status, value, kind"
				     " from rpt.metrics order by ord, spider, region, status, kind");
	struct mc_metric_sample *s;
	int n, rc;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		mc_err_set(err, "reading rpt.metrics: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	s = mc_calloc((size_t)n + 1, sizeof *s);
	for (int i = 0; i < n; i++)
		s[i] = (struct mc_metric_sample){field(res, i, 0), field(res, i, 1), field(res, i, 2),
						 field(res, i, 3), field(res, i, 4), field(res, i, 5),
						 field(res, i, 6), field(res, i, 7)};
	rc = mc_metrics_format(out, s, (size_t)n);
	if (rc != 0)
		mc_err_set(err, "formatting the metrics: output too large");
	free(s);
	PQclear(res);
	return rc;
}
