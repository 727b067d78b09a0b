/*
 * Watches and alerts in the database (docs/alerts.md): adding, listing and
 * removing watches (core.watch), listing alerts (rpt.alert), collecting the
 * run-health notifications, and delivering the pending alerts exactly once
 * through a sender the caller gives (the senders, stdout, a command and a
 * webhook, are the command line's: cli/alert_send.c).  The rules that fire
 * are SQL: sql/etl/090_alerts.sql and sql/functions/alert.sql.
 */
#ifndef MC_ALERTS_H
#define MC_ALERTS_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "base/error.h"

/* A watch to add.  Every string is borrowed; NULL: not set (the table's
 * checks refuse a combination that makes no sense, and the message says
 * which). */
struct mc_watch {
	const char *product_key;  /* a product across stores and regions, or */
	const char *marketplace;  /* a marketplace (a whole one without external_id) */
	const char *region;       /* with marketplace; NULL: every region */
	const char *external_id;  /* with marketplace: one listing */
	const char *rule;         /* "below", "drop", "low" or "in_stock" */
	const char *amount;       /* below: the price, a decimal */
	const char *currency;     /* below: ISO 4217 */
	const char *pct;          /* drop: at least; low: within (default 0) */
	const char *low_days;     /* low: "90" or "365"; NULL: all time */
	const char *label;        /* free text shown with its alerts */
	const char *since;        /* changes from then fire; NULL: now */
};

/* Insert `w`; its id goes to *id.  Returns 0, or -1 with `err` set. */
int mc_watch_add(PGconn *conn, const struct mc_watch *w, long long *id, struct mc_err *err);

/* Resolve a listing's URL to its marketplace, region and external id
 * (strings the caller frees).  Returns 0, 1 when no listing has that URL,
 * or -1 with `err` set. */
int mc_watch_resolve_url(PGconn *conn, const char *url, char **marketplace, char **region,
			 char **external_id, struct mc_err *err);

/* Delete watch `id` and its alerts.  Returns 0, 1 when there is no such
 * watch, or -1 with `err` set. */
int mc_watch_remove(PGconn *conn, long long id, struct mc_err *err);

/* Expect a complete run of `spider` every `interval` (a PostgreSQL
 * interval, e.g. "6 hours"), or, with `interval` NULL, every 2 days again
 * (core.spider_schedule).  Returns 0, or -1 with `err` set. */
int mc_watch_schedule(PGconn *conn, const char *spider, const char *interval, struct mc_err *err);

/* The spiders' intervals (rpt.alert_schedule) by spider; the caller
 * PQclear()s.  NULL with `err` set on failure. */
PGresult *mc_watch_schedules(PGconn *conn, struct mc_err *err);

/* The watches (rpt.alert_watch) by id; the caller PQclear()s.  NULL with
 * `err` set on failure. */
PGresult *mc_watch_list(PGconn *conn, struct mc_err *err);

/* The alerts (rpt.alert) in firing order: the pending ones, or all.  The
 * caller PQclear()s; NULL with `err` set on failure. */
PGresult *mc_alerts_list(PGconn *conn, bool all, struct mc_err *err);

/* Add the run-health notifications that are due (etl.alert_run_health):
 * the number added goes to *added.  Returns 0, or -1 with `err` set. */
int mc_alerts_collect(PGconn *conn, long long *added, struct mc_err *err);

/* Record that data test `test` (its name without "check_") failed with
 * `rows` offending rows (etl.alert_data_test: once per test and ETL run).
 * Returns 0, or -1 with `err` set. */
int mc_alerts_data_test(PGconn *conn, const char *test, const char *rows, struct mc_err *err);

/* One pending alert as a sender sees it; the strings live until the
 * sender returns. */
struct mc_alert_msg {
	const char *id;       /* core.alert.alert_id */
	const char *kind;
	const char *message;  /* one line for people */
	const char *json;     /* the whole alert as one JSON object (etl.alert_payload) */
};

/* Send one alert; return 0 when it was delivered, else -1 with `err` set. */
typedef int (*mc_alert_sender)(void *ctx, const struct mc_alert_msg *a, struct mc_err *err);

struct mc_alerts_outcome {
	long long delivered, failed;
	struct mc_err first_failure; /* the first failed delivery's reason, "" when none */
};

/*
 * Deliver every pending alert, oldest first, each in its own transaction:
 * the row is locked (FOR UPDATE SKIP LOCKED, so two deliverers never send
 * the same alert), `send` is called, and only when it succeeded is the
 * alert marked delivered (delivered_at, `channel`: "stdout", "exec" or
 * "webhook").  A failed alert stays pending for the next call; the others
 * are still tried.  Returns 0 (see `out` for failed deliveries), or -1
 * with `err` set when the database failed.
 */
int mc_alerts_deliver(PGconn *conn, const char *channel, mc_alert_sender send, void *ctx,
		      struct mc_alerts_outcome *out, struct mc_err *err);

#endif
