/*
 * `marketcrawl report`: print one of the rpt.* reports as a table, CSV or
 * JSON, list them, or write the HTML page.  Options and output only; the
 * catalogue and the formats are etl/report.c, the page etl/report_html.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/log.h"
#include "cli/commands.h"
#include "cli/db_session.h"
#include "cli/exitcode.h"
#include "etl/report.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: marketcrawl report NAME [--format table|csv|json] [--limit N]\n"
		"                          [--listing MARKETPLACE[/REGION]:EXTERNAL_ID] [--currency CUR]\n"
		"                          [--db CONNINFO]\n"
		"       marketcrawl report --list\n"
		"       marketcrawl report --html FILE [--db CONNINFO]\n"
		"\n"
		"  NAME            a report name (see --list) or its view, e.g. rpt.current_price\n"
		"  --format F      table (aligned like psql, default), csv (RFC 4180) or json\n"
		"                  (an array of objects; decimals as exact strings)\n"
		"  --limit N       at most N rows (0: all); each report has its own default\n"
		"  --listing M:ID  only the listing with marketplace M and external id ID\n"
		"                  (M/R:ID: of region R)\n"
		"  --currency CUR  cheapest only: every price converted into CUR (EUR, or a\n"
		"                  currency with rates from `marketcrawl fx load`) at the rate\n"
		"                  of the day its listing was last seen, beside the original\n"
		"                  price and currency\n"
		"  --list          one line per report: name, view, what it shows\n"
		"  --html FILE     one self-contained HTML page with charts (FILE - is stdout)\n"
		"  --db CONNINFO   libpq connection string or URI; default: the PG* environment\n");
}

static void list_reports(void)
{
	for (const struct mc_report *r = mc_reports; r->name; r++)
		printf("%-16s %-28s %s\n", r->name, r->view, r->summary);
}

static bool is_currency_code(const char *s)
{
	return strlen(s) == 3 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 3;
}

static int parse_limit(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < 0 ? -1 : 0;
}

int mc_cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		MC_OPT_DB,
		{"format", required_argument, NULL, 'f'},
		{"limit", required_argument, NULL, 'n'},
		{"listing", required_argument, NULL, 'l'},
		{"currency", required_argument, NULL, 'c'},
		{"list", no_argument, NULL, 'L'},
		{"html", required_argument, NULL, 'H'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	const char *conninfo = NULL, *html = NULL, *listing = NULL;
	struct mc_err err = {""};
	enum mc_report_format fmt = MC_REPORT_TABLE;
	struct mc_report_query q = {.limit = -1};
	char *marketplace = NULL;
	PGconn *conn = NULL;
	PGresult *res;
	int c, rc = MC_EXIT_USAGE;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "h", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'd': conninfo = optarg; break;
		case 'H': html = optarg; break;
		case 'l': listing = optarg; break;
		case 'c':
			if (!is_currency_code(optarg)) {
				fprintf(stderr, "marketcrawl report: --currency wants a currency code of"
						" three upper-case letters, e.g. EUR, not '%s'\n", optarg);
				return MC_EXIT_USAGE;
			}
			q.currency = optarg;
			break;
		case 'L': list_reports(); return MC_EXIT_OK;
		case 'h': usage(stdout); return MC_EXIT_OK;
		case 'f':
			if (mc_report_parse_format(optarg, &fmt) != 0) {
				fprintf(stderr, "marketcrawl report: unknown format '%s'"
						" (table, csv or json)\n", optarg);
				return MC_EXIT_USAGE;
			}
			break;
		case 'n':
			if (parse_limit(optarg, &q.limit) != 0) {
				fprintf(stderr, "marketcrawl report: --limit wants a number >= 0,"
						" not '%s'\n", optarg);
				return MC_EXIT_USAGE;
			}
			break;
		default: return mc_usage_hint("report");
		}
	}
	if (html ? optind != argc : optind != argc - 1) {
		usage(stderr);
		return MC_EXIT_USAGE;
	}
	if (!html) {
		q.report = mc_report_find(argv[optind]);
		if (!q.report) {
			fprintf(stderr, "marketcrawl report: unknown report '%s'; `marketcrawl report"
					" --list` shows them\n", argv[optind]);
			return MC_EXIT_USAGE;
		}
		if (listing) {
			const char *colon = strchr(listing, ':');
			if (!colon || colon == listing || !colon[1]) {
				fprintf(stderr, "marketcrawl report: --listing wants"
						" MARKETPLACE[/REGION]:EXTERNAL_ID, not '%s'\n", listing);
				return MC_EXIT_USAGE;
			}
			if (!q.report->by_listing) {
				fprintf(stderr, "marketcrawl report: %s is not per listing;"
						" --listing does not apply\n", q.report->name);
				return MC_EXIT_USAGE;
			}
			marketplace = mc_strndup(listing, (size_t)(colon - listing));
			char *slash = strchr(marketplace, '/');
			if (slash)
				*slash = '\0';
			q.marketplace = marketplace;
			q.region = slash ? slash + 1 : "";
			q.external_id = colon + 1;
		} else if (q.report->needs_listing) {
			fprintf(stderr, "marketcrawl report: %s needs --listing"
					" MARKETPLACE[/REGION]:EXTERNAL_ID\n", q.report->name);
			return MC_EXIT_USAGE;
		}
		if (q.currency) {
			const struct mc_report *in = mc_report_in_currency(q.report);
			if (!in) {
				fprintf(stderr, "marketcrawl report: %s has no --currency"
						" (only cheapest has)\n", q.report->name);
				return MC_EXIT_USAGE;
			}
			q.report = in;
		}
	} else if (q.currency) {
		fprintf(stderr, "marketcrawl report: --currency does not apply to --html\n");
		return MC_EXIT_USAGE;
	}
	rc = MC_EXIT_FAIL;
	conn = mc_cli_db_open(conninfo, false);
	if (!conn)
		goto out;
	if (mc_report_session(conn, &err) != 0)
		goto failed;
	if (html) {
		if (mc_report_html(conn, html, &err) != 0)
			goto failed;
		rc = MC_EXIT_OK;
		goto out;
	}
	if (q.currency) {
		int checked = mc_report_check_currency(conn, q.currency, &err);
		if (checked < 0)
			goto failed;
		if (checked > 0) {
			fprintf(stderr, "marketcrawl report: %s\n", err.msg);
			rc = MC_EXIT_USAGE;
			goto out;
		}
	}
	res = mc_report_run(conn, &q, &err);
	if (!res)
		goto failed;
	long limit = mc_report_limit(&q);
	mc_report_write(res, fmt, limit, stdout);
	if (limit > 0 && PQntuples(res) > limit)
		fprintf(stderr, "marketcrawl report: %s: the first %ld rows shown; more exist "
				"(--limit N shows N, --limit 0 all)\n", q.report->name, limit);
	PQclear(res);
	rc = fflush(stdout) == 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
	goto out;
failed:
	mc_error("%s", err.msg);
out:
	free(marketplace);
	if (conn)
		PQfinish(conn);
	return rc;
}
