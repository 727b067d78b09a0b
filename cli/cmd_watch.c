/*
 * `marketcrawl watch add|list|remove|schedule`: the watches that fire price
 * and stock alerts, and how often each spider is expected to complete a run
 * (docs/alerts.md).  Options, their checks and output only;
 * the rows are etl/alerts.c, the rules sql/etl/090_alerts.sql.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "cli/commands.h"
#include "cli/db_session.h"
#include "cli/exitcode.h"
#include "cli/watch_rule.h"
#include "etl/alerts.h"
#include "etl/report.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: marketcrawl watch add TARGET RULE [--label TEXT] [--since TIME] [--db CONNINFO]\n"
		"       marketcrawl watch list [--format table|csv|json] [--db CONNINFO]\n"
		"       marketcrawl watch remove ID... [--db CONNINFO]\n"
		"       marketcrawl watch schedule [SPIDER INTERVAL|default] [--db CONNINFO]\n"
		"\n"
		"A watch fires an alert (`marketcrawl alerts`) for every price or stock change\n"
		"of its target that meets its rule, once, from when it was added on.\n"
		"\n"
		"TARGET, one of:\n"
		"  --product KEY             a product (its product_key) in every store and region\n"
		"  --listing M[/REGION]:ID   the listing of marketplace M with external id ID (in\n"
		"                            every region, or in REGION only)\n"
		"  --url URL                 the listing with that URL\n"
		"  --marketplace M[/REGION]  every listing of a marketplace (of one region)\n"
		"RULE, one of:\n"
		"  --below 'AMOUNT CUR'      the price drops to AMOUNT or less, in currency CUR\n"
		"  --drop PCT                the price drops by at least PCT %%\n"
		"  --low all|365|90          the price drops to the lowest of all time, or of the\n"
		"                            last 365 or 90 days; --within PCT: to at most PCT %%\n"
		"                            above it\n"
		"  --in-stock                out of stock, then back in stock\n"
		"\n"
		"schedule: a spider without a complete run for INTERVAL (a PostgreSQL interval,\n"
		"e.g. '6 hours'; default 2 days) is a 'stale' notification; no argument lists them.\n"
		"\n"
		"  --label TEXT     shown with the watch's alerts\n"
		"  --since TIME     changes from TIME on fire (a PostgreSQL timestamp); default:\n"
		"                   now, so a new watch does not fire for the whole history\n"
		"  --format F       list: table (default), csv or json\n"
		"  --db CONNINFO    libpq connection string or URI; default: the PG* environment\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "marketcrawl watch: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return mc_usage_hint("watch");
}

/* "M[/REGION]" into marketplace and region (NULL: every region);
 * `spec` is modified in place. */
static void split_place(char *spec, const char **marketplace, const char **region)
{
	char *slash = strchr(spec, '/');

	if (slash)
		*slash = '\0';
	*marketplace = spec;
	*region = slash ? slash + 1 : NULL;
}

static int watch_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		MC_OPT_DB,
		{"product", required_argument, NULL, 'p'},
		{"listing", required_argument, NULL, 'l'},
		{"url", required_argument, NULL, 'u'},
		{"marketplace", required_argument, NULL, 'm'},
		{"below", required_argument, NULL, 'b'},
		{"drop", required_argument, NULL, 'r'},
		{"low", required_argument, NULL, 'L'},
		{"within", required_argument, NULL, 'w'},
		{"in-stock", no_argument, NULL, 'i'},
		{"label", required_argument, NULL, 'x'},
		{"since", required_argument, NULL, 's'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	struct mc_watch w = {0};
	const char *conninfo = NULL, *url = NULL, *within = NULL;
	char amount[32], cur[4], *mp = NULL, *reg = NULL, *ext = NULL;
	struct mc_err err = {""};
	int targets = 0, rules = 0, c, rc = MC_EXIT_USAGE;
	long long id;
	PGconn *conn;

	optind = 1;
	for (;;) {
		c = getopt_long(argc, argv, "h", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'd': conninfo = optarg; break;
		case 'p': w.product_key = optarg; targets++; break;
		case 'u': url = optarg; targets++; break;
		case 'x': w.label = optarg; break;
		case 's': w.since = optarg; break;
		case 'i': w.rule = "in_stock"; rules++; break;
		case 'l': {
			char *colon = strchr(optarg, ':');
			if (!colon || colon == optarg || !colon[1])
				return usage_error("--listing wants MARKETPLACE[/REGION]:EXTERNAL_ID,"
						   " not '%s'", optarg);
			*colon = '\0';
			split_place(optarg, &w.marketplace, &w.region);
			w.external_id = colon + 1;
			targets++;
			break;
		}
		case 'm':
			split_place(optarg, &w.marketplace, &w.region);
			targets++;
			break;
		case 'b':
			if (!mc_watch_parse_price(optarg, amount, sizeof amount, cur))
				return usage_error("--below wants an amount and a currency,"
						   " e.g. '14.99 EUR', not '%s'", optarg);
			w.rule = "below";
			w.amount = amount;
			w.currency = cur;
			rules++;
			break;
		case 'r':
			if (!mc_watch_parse_pct(optarg, 0) || strtod(optarg, NULL) <= 0)
				return usage_error("--drop wants a percentage above 0 and below 100,"
						   " not '%s'", optarg);
			w.rule = "drop";
			w.pct = optarg;
			rules++;
			break;
		case 'L':
			if (strcmp(optarg, "all") != 0 && strcmp(optarg, "365") != 0 &&
			    strcmp(optarg, "90") != 0)
				return usage_error("--low wants all, 365 or 90 (days), not '%s'", optarg);
			w.rule = "low";
			w.low_days = strcmp(optarg, "all") == 0 ? NULL : optarg;
			rules++;
			break;
		case 'w':
			if (!mc_watch_parse_pct(optarg, 0))
				return usage_error("--within wants a percentage from 0 to below 100,"
						   " not '%s'", optarg);
			within = optarg;
			break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("watch");
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (targets != 1)
		return usage_error("%s", "watch add wants one target: --product, --listing, --url"
					 " or --marketplace");
	if (rules != 1)
		return usage_error("%s", "watch add wants one rule: --below, --drop, --low or"
					 " --in-stock");
	if (within && strcmp(w.rule, "low") != 0)
		return usage_error("%s", "--within goes with --low");
	if (strcmp(w.rule, "low") == 0)
		w.pct = within ? within : "0";
	rc = MC_EXIT_FAIL;
	conn = mc_cli_db_open(conninfo, true);
	if (!conn)
		return MC_EXIT_FAIL;
	if (url) {
		int found = mc_watch_resolve_url(conn, url, &mp, &reg, &ext, &err);
		if (found < 0)
			goto failed;
		if (found > 0) {
			fprintf(stderr, "marketcrawl watch: no listing has the URL %s"
					" (`marketcrawl report current-prices` shows them)\n", url);
			goto out;
		}
		w.marketplace = mp;
		w.region = reg;
		w.external_id = ext;
	}
	if (mc_watch_add(conn, &w, &id, &err) != 0)
		goto failed;
	printf("added watch %lld\n", id);
	rc = MC_EXIT_OK;
	goto out;
failed:
	fprintf(stderr, "marketcrawl watch: %s\n", err.msg);
out:
	free(mp);
	free(reg);
	free(ext);
	PQfinish(conn);
	return rc;
}

/* The options of list, remove and schedule: --db, --help and, when
 * `fmt` is given, --format.  Returns -1 to go on, else the exit status. */
static int db_options(int argc, char **argv, const char **conninfo, enum mc_report_format *fmt)
{
	static const struct option with_format[] = {
		MC_OPT_DB,
		{"format", required_argument, NULL, 'f'},
		MC_OPT_HELP,
		MC_OPT_END,
	};
	static const struct option without[] = {MC_OPT_DB, MC_OPT_HELP, MC_OPT_END};
	const struct option *opts = fmt ? with_format : without;

	optind = 1;
	for (int c = getopt_long(argc, argv, "h", opts, NULL); c != -1;
	     c = getopt_long(argc, argv, "h", opts, NULL)) {
		switch (c) {
		case 'd': *conninfo = optarg; break;
		case 'f':
			if (mc_report_parse_format(optarg, fmt) != 0)
				return usage_error("unknown format '%s' (table, csv or json)", optarg);
			break;
		case 'h': usage(stdout); return MC_EXIT_OK;
		default: return mc_usage_hint("watch");
		}
	}
	return -1;
}

/* Prints the rows `query` returns in `fmt`; the exit status. */
static int print_rows(PGconn *conn, PGresult *(*query)(PGconn *, struct mc_err *),
		      enum mc_report_format fmt, struct mc_err *err)
{
	PGresult *res = mc_report_session(conn, err) == 0 ? query(conn, err) : NULL;

	if (!res)
		return MC_EXIT_FAIL;
	mc_report_write(res, fmt, 0, stdout);
	PQclear(res);
	return fflush(stdout) == 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
}

static int watch_list(int argc, char **argv)
{
	enum mc_report_format fmt = MC_REPORT_TABLE;
	const char *conninfo = NULL;
	struct mc_err err = {""};
	PGconn *conn;
	int rc = db_options(argc, argv, &conninfo, &fmt);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	conn = mc_cli_db_open(conninfo, true);
	if (!conn)
		return MC_EXIT_FAIL;
	rc = print_rows(conn, mc_watch_list, fmt, &err);
	if (err.msg[0])
		fprintf(stderr, "marketcrawl watch: %s\n", err.msg);
	PQfinish(conn);
	return rc;
}

static int watch_remove(int argc, char **argv)
{
	const char *conninfo = NULL;
	struct mc_err err = {""};
	PGconn *conn;
	int rc = db_options(argc, argv, &conninfo, NULL);

	if (rc >= 0)
		return rc;
	rc = MC_EXIT_OK;
	if (optind == argc)
		return usage_error("%s", "watch remove wants the ids of the watches (watch list)");
	for (int i = optind; i < argc; i++) {
		char *end;
		errno = 0;
		long long id = strtoll(argv[i], &end, 10);
		if (errno || end == argv[i] || *end || id <= 0)
			return usage_error("a watch id is a number, not '%s'", argv[i]);
	}
	conn = mc_cli_db_open(conninfo, true);
	if (!conn)
		return MC_EXIT_FAIL;
	for (int i = optind; i < argc && rc == MC_EXIT_OK; i++) {
		int r = mc_watch_remove(conn, strtoll(argv[i], NULL, 10), &err);
		if (r < 0) {
			fprintf(stderr, "marketcrawl watch: %s\n", err.msg);
			rc = MC_EXIT_FAIL;
		} else if (r > 0) {
			fprintf(stderr, "marketcrawl watch: no watch %s\n", argv[i]);
			rc = MC_EXIT_FAIL;
		} else {
			printf("removed watch %s\n", argv[i]);
		}
	}
	PQfinish(conn);
	return rc;
}

static int watch_schedule(int argc, char **argv)
{
	enum mc_report_format fmt = MC_REPORT_TABLE;
	const char *conninfo = NULL, *interval = NULL;
	struct mc_err err = {""};
	PGconn *conn;
	int rc = db_options(argc, argv, &conninfo, &fmt);

	if (rc >= 0)
		return rc;
	rc = MC_EXIT_FAIL;
	if (argc - optind != 0 && argc - optind != 2)
		return usage_error("%s", "watch schedule wants SPIDER INTERVAL (or SPIDER default),"
					 " or nothing to list");
	if (argc - optind == 2)
		interval = strcmp(argv[optind + 1], "default") == 0 ? NULL : argv[optind + 1];
	conn = mc_cli_db_open(conninfo, true);
	if (!conn)
		return MC_EXIT_FAIL;
	if (argc - optind == 2) {
		if (mc_watch_schedule(conn, argv[optind], interval, &err) == 0) {
			printf("spider %s: a complete run expected every %s\n", argv[optind],
			       interval ? interval : "2 days (the default)");
			rc = MC_EXIT_OK;
		}
	} else {
		rc = print_rows(conn, mc_watch_schedules, fmt, &err);
	}
	if (err.msg[0])
		fprintf(stderr, "marketcrawl watch: %s\n", err.msg);
	PQfinish(conn);
	return rc;
}

/* Runs subcommand `fn` on argv[1...], named "marketcrawl watch SUB" in
 * getopt's messages. */
static int subcommand(int (*fn)(int, char **), int argc, char **argv)
{
	char name[64];

	snprintf(name, sizeof name, "marketcrawl watch %s", argv[1]);
	argv[1] = name;
	return fn(argc - 1, argv + 1);
}

int mc_cmd_watch(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = {
		{"add", watch_add},
		{"list", watch_list},
		{"remove", watch_remove},
		{"schedule", watch_schedule},
	};

	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subcommand(subs[i].fn, argc, argv);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return MC_EXIT_OK;
	}
	if (argc >= 2)
		return usage_error("unknown subcommand '%s' (add, list, remove or schedule)", argv[1]);
	return usage_error("%s", "add, list, remove or schedule?");
}
