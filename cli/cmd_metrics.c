/*
 * `marketcrawl metrics`: print the figures of rpt.metrics in the Prometheus
 * text format, on stdout or into a file replaced atomically (FILE.tmp, then
 * rename), as node_exporter's textfile collector requires.  Options and
 * output only; the format is etl/metrics.c.
 */
#include <getopt.h>
#include <stdio.h>

#include "base/atomic_file.h"
#include "base/buf.h"
#include "base/log.h"
#include "cli/commands.h"
#include "cli/db_session.h"
#include "cli/exitcode.h"
#include "etl/metrics.h"
#include "etl/report.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: marketcrawl metrics [--out FILE] [--db CONNINFO]\n"
		"\n"
		"Print the last crawl run of every spider, the loader's totals and the\n"
		"last ETL run in the Prometheus text format (metrics named marketcrawl_*).\n"
		"\n"
		"  --out FILE      write FILE (through FILE.tmp and a rename, as\n"
		"                  node_exporter's textfile collector wants); default: stdout\n"
		"  --db CONNINFO   libpq connection string or URI; default: the PG* environment\n");
}

/* Write `text` to `path` through `path`.tmp and a rename. */
static int write_atomically(const char *path, const struct mc_buf *text, struct mc_err *err)
{
	struct mc_atomic_file a;
	int rc = 0;

	if (mc_atomic_open(&a, path, err) != 0)
		return -1;
	if (text->len && fwrite(text->data, 1, text->len, a.f) != text->len)
		rc = mc_err_set(err, "writing %s: %m", a.tmp);
	return mc_atomic_finish(&a, rc, err);
}

int mc_cmd_metrics(int argc, char **argv)
{
	static const struct option longopts[] = {
		MC_OPT_DB,
		{"out", required_argument, NULL, 'o'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	const char *conninfo = NULL, *path = NULL;
	struct mc_err err = {""};
	struct mc_buf text;
	PGconn *conn;
	int c, rc = MC_EXIT_FAIL;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "h", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'd': conninfo = optarg; break;
		case 'o': path = optarg; break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("metrics");
		}
	}
	if (optind != argc) {
		fprintf(stderr, "marketcrawl metrics: unexpected argument '%s'\n", argv[optind]);
		return mc_usage_hint("metrics");
	}
	conn = mc_cli_db_open(conninfo, false);
	if (!conn)
		return MC_EXIT_FAIL;
	mc_buf_init(&text, 0);
	if (mc_report_session(conn, &err) != 0 || mc_metrics_collect(conn, &text, &err) != 0)
		goto failed;
	if (path) {
		if (write_atomically(path, &text, &err) != 0)
			goto failed;
	} else if ((text.len && fwrite(text.data, 1, text.len, stdout) != text.len) ||
		   fflush(stdout) != 0) {
		mc_err_set(&err, "writing the metrics: %m");
		goto failed;
	}
	rc = MC_EXIT_OK;
	goto out;
failed:
	mc_error("%s", err.msg);
out:
	mc_buf_release(&text);
	PQfinish(conn);
	return rc;
}
