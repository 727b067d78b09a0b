/*
 * `marketcrawl metrics`: the figures of the view rpt.metrics
 * (sql/views/rpt_metrics.sql) in the Prometheus text exposition format, so
 * node_exporter's textfile collector or any scraper can read them.  The
 * figures are chosen in SQL; this module only escapes and formats.
 */
#ifndef MC_METRICS_H
#define MC_METRICS_H

#include <stddef.h>

#include <libpq-fe.h>

#include "base/buf.h"
#include "base/error.h"

/* Every metric name starts with this. */
#define MC_METRICS_PREFIX "marketcrawl_"

/* One sample, as rpt.metrics gives it; the strings are the caller's. */
struct mc_metric_sample {
	const char *metric;  /* name without MC_METRICS_PREFIX */
	const char *type;    /* "gauge" or "counter" */
	const char *help;    /* one line of text */
	const char *spider;  /* label values; NULL: no such label */
	const char *region;
	const char *status;
	const char *value;   /* the number as text */
	const char *kind;    /* label value after the others; NULL: none */
};

/* Append `s` to `out` escaped as a label value: backslash, double quote
 * and line feed as \\, \" and \n.  Returns 0, or -1 when `out` is full. */
int mc_metrics_escape_label(struct mc_buf *out, const char *s);

/* Append `s` escaped as HELP text: backslash and line feed only. */
int mc_metrics_escape_help(struct mc_buf *out, const char *s);

/* Append the samples (those of one metric next to each other) to `out`:
 * a # HELP and a # TYPE line before the first sample of each metric, then
 * `marketcrawl_NAME{label="value",...} VALUE`.  Returns 0 or -1 (full). */
int mc_metrics_format(struct mc_buf *out, const struct mc_metric_sample *s, size_t n);

/* Read rpt.metrics over `conn` and append its samples formatted to `out`.
 * Returns 0, or -1 with `err` set. */
int mc_metrics_collect(PGconn *conn, struct mc_buf *out, struct mc_err *err);

#endif
