/*
 * `marketcrawl alerts`: list the pending alerts and run-health
 * notifications, or deliver them once each, to stdout (cron mails it), a
 * command or a webhook (docs/alerts.md).  Options and output only; the
 * ledger and the delivery protocol are etl/alerts.c, the channels
 * cli/alert_send.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/alert_send.h"
#include "cli/commands.h"
#include "cli/db_session.h"
#include "cli/exitcode.h"
#include "etl/alerts.h"
#include "etl/report.h"

#define DEFAULT_TIMEOUT_S 10L

static void usage(FILE *out)
{
	fprintf(out,
		"usage: marketcrawl alerts [--all] [--format table|csv|json] [--db CONNINFO]\n"
		"       marketcrawl alerts --deliver [--exec CMD | --webhook URL|--webhook-file FILE\n"
		"                          [--timeout SECS]]\n"
		"                          [--db CONNINFO]\n"
		"\n"
		"List the pending alerts (watches that fired, see `marketcrawl watch`) and\n"
		"run-health notifications, or deliver each of them once.  A delivery that\n"
		"fails leaves the alert pending for the next call (exit status 1).\n"
		"\n"
		"  --all           list delivered alerts too\n"
		"  --format F      table (default), csv or json\n"
		"  --deliver       deliver the pending alerts: one line each on stdout (for\n"
		"                  cron's mail), unless --exec or --webhook says otherwise\n"
		"  --exec CMD      run CMD (/bin/sh -c) once per alert with the alert as one JSON\n"
		"                  object on stdin; delivered when CMD exits 0\n"
		"  --webhook URL   POST the alert as JSON (with \"text\" and \"content\" for Slack\n"
		"                  and Discord); delivered on a 2xx answer\n"
		"  --webhook-file FILE  the same, the URL read from FILE's first line (so that\n"
		"                  it is not on a command line, where `ps` shows it)\n"
		"  --timeout SECS  the webhook's time limit per alert (default %ld)\n"
		"  --db CONNINFO   libpq connection string or URI; default: the PG* environment\n",
		DEFAULT_TIMEOUT_S);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "marketcrawl alerts: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return mc_usage_hint("alerts");
}

/* The first line of `path` (a webhook's URL, kept out of the command line
 * and so out of `ps`), without its line end.  Prints why and returns -1
 * when it cannot. */
static int read_url(const char *path, char *url, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t len;

	if (!f) {
		fprintf(stderr, "marketcrawl alerts: --webhook-file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!fgets(url, (int)n, f))
		url[0] = '\0';
	fclose(f);
	len = strcspn(url, "\r\n");
	if (url[len] == '\0' && len == n - 1) {
		fprintf(stderr, "marketcrawl alerts: --webhook-file %s: line 1 is too long\n", path);
		return -1;
	}
	url[len] = '\0';
	if (len == 0) {
		fprintf(stderr, "marketcrawl alerts: --webhook-file %s: line 1 holds no URL\n", path);
		return -1;
	}
	return 0;
}

static int list(PGconn *conn, bool all, enum mc_report_format fmt, struct mc_err *err)
{
	PGresult *res;

	if (mc_report_session(conn, err) != 0)
		return -1;
	res = mc_alerts_list(conn, all, err);
	if (!res)
		return -1;
	mc_report_write(res, fmt, 0, stdout);
	PQclear(res);
	if (fflush(stdout) != 0)
		return mc_err_set(err, "writing to stdout: %m");
	return 0;
}

static int deliver(PGconn *conn, const char *exec, const char *webhook, long timeout_s,
		   struct mc_err *err)
{
	struct mc_alerts_outcome out;
	struct mc_webhook hook = {0};
	int rc;

	if (webhook && mc_webhook_open(&hook, webhook, timeout_s, err) != 0)
		return MC_EXIT_USAGE;
	if (webhook)
		rc = mc_alerts_deliver(conn, "webhook", mc_alert_send_webhook, &hook, &out, err);
	else if (exec)
		rc = mc_alerts_deliver(conn, "exec", mc_alert_send_exec, (void *)exec, &out, err);
	else
		rc = mc_alerts_deliver(conn, "stdout", mc_alert_send_stdout, NULL, &out, err);
	if (webhook)
		mc_webhook_close(&hook);
	if (rc != 0)
		return MC_EXIT_FAIL;
	if (out.failed == 0)
		return MC_EXIT_OK;
	fprintf(stderr, "marketcrawl alerts: %lld delivered, %lld failed and kept for the next"
			" call; first failure: %s\n", out.delivered, out.failed,
		out.first_failure.msg);
	return MC_EXIT_FAIL;
}

int mc_cmd_alerts(int argc, char **argv)
{
	static const struct option longopts[] = {
		MC_OPT_DB,
		{"all", no_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"deliver", no_argument, NULL, 'D'},
		{"exec", required_argument, NULL, 'e'},
		{"webhook", required_argument, NULL, 'w'},
		{"webhook-file", required_argument, NULL, 'W'},
		{"timeout", required_argument, NULL, 't'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	const char *conninfo = NULL, *exec = NULL, *webhook = NULL, *webhook_file = NULL;
	char url[2048];
	enum mc_report_format fmt = MC_REPORT_TABLE;
	bool all = false, do_deliver = false;
	long timeout_s = DEFAULT_TIMEOUT_S;
	struct mc_err err = {""};
	long long added;
	PGconn *conn;
	char *end;
	int c, rc;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "h", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'd': conninfo = optarg; break;
		case 'a': all = true; break;
		case 'D': do_deliver = true; break;
		case 'e': exec = optarg; break;
		case 'w': webhook = optarg; break;
		case 'W': webhook_file = optarg; break;
		case 'f':
			if (mc_report_parse_format(optarg, &fmt) != 0)
				return usage_error("unknown format '%s' (table, csv or json)", optarg);
			break;
		case 't':
			errno = 0;
			timeout_s = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || timeout_s < 1 || timeout_s > 3600)
				return usage_error("--timeout wants seconds from 1 to 3600, not '%s'",
						   optarg);
			break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("alerts");
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (webhook_file) {
		if (webhook)
			return usage_error("%s", "--webhook or --webhook-file, not both");
		if (read_url(webhook_file, url, sizeof url) != 0)
			return MC_EXIT_FAIL;
		webhook = url;
	}
	if ((exec || webhook) && !do_deliver)
		return usage_error("%s", "--exec and --webhook go with --deliver");
	if (exec && webhook)
		return usage_error("%s", "--exec or --webhook, not both");
	if (do_deliver && all)
		return usage_error("%s", "--all lists; --deliver sends the pending alerts only");
	conn = mc_cli_db_open(conninfo, true);
	if (!conn)
		return MC_EXIT_FAIL;
	if (mc_alerts_collect(conn, &added, &err) != 0)
		rc = MC_EXIT_FAIL;
	else if (do_deliver)
		rc = deliver(conn, exec, webhook, timeout_s, &err);
	else
		rc = list(conn, all, fmt, &err) == 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
	if (rc != MC_EXIT_OK && err.msg[0])
		fprintf(stderr, "marketcrawl alerts: %s\n", err.msg);
	PQfinish(conn);
	return rc;
}
