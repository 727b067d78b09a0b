/*
 * Watches and alerts in the database, and the exactly-once delivery loop
 * (etl/alerts.h).  The SQL decides what fires; this file only reads and
 * writes rows and keeps the delivery protocol: lock, send, mark, commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "etl/alerts.h"
#include "etl/db.h"

/* Set `err` from a failed result (PQclear()s it); returns -1. */
static int failed(PGresult *res, const char *what, struct mc_err *err)
{
	mc_err_set(err, "%s: %s", what, PQresultErrorMessage(res));
	PQclear(res);
	return -1;
}

int mc_watch_add(PGconn *conn, const struct mc_watch *w, long long *id, struct mc_err *err)
{
	const char *p[11] = {w->product_key, w->marketplace, w->region, w->external_id, w->rule,
			     w->amount, w->currency, w->pct, w->low_days, w->label, w->since};
	PGresult *res = PQexecParams(
		conn,
		"insert into core.watch (product_key, marketplace, region, external_id, rule,"
		" amount, currency, pct, low_days, label, since)"
		" values ($1, $2, $3, $4, $5, $6::numeric, upper($7), $8::numeric, $9::integer, $10,"
		" coalesce($11::timestamptz, now()))"
		" returning watch_id",
		11, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return failed(res, "adding the watch", err);
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int mc_watch_resolve_url(PGconn *conn, const char *url, char **marketplace, char **region,
			 char **external_id, struct mc_err *err)
{
	const char *p[1] = {url};
	PGresult *res = PQexecParams(conn,
				     "select marketplace, region, external_id from core.listing"
				     " where url = $1 order by listing_id desc limit 1",
				     1, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return failed(res, "looking up the listing's URL", err);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 1;
	}
	*marketplace = mc_strdup(PQgetvalue(res, 0, 0));
	*region = mc_strdup(PQgetvalue(res, 0, 1));
	*external_id = mc_strdup(PQgetvalue(res, 0, 2));
	PQclear(res);
	return 0;
}

int mc_watch_remove(PGconn *conn, long long id, struct mc_err *err)
{
	char text[32];
	const char *p[1] = {text};
	PGresult *res;
	int rc;

	snprintf(text, sizeof text, "%lld", id);
	res = PQexecParams(conn, "delete from core.watch where watch_id = $1", 1, NULL, p, NULL,
			   NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return failed(res, "removing the watch", err);
	rc = strcmp(PQcmdTuples(res), "0") == 0 ? 1 : 0;
	PQclear(res);
	return rc;
}

int mc_watch_schedule(PGconn *conn, const char *spider, const char *interval, struct mc_err *err)
{
	const char *p[2] = {spider, interval};
	PGresult *res = PQexecParams(
		conn,
		interval ? "insert into core.spider_schedule (spider, stale_after)"
			   " values ($1, $2::interval)"
			   " on conflict (spider) do update set stale_after = excluded.stale_after"
			 : "delete from core.spider_schedule where spider = $1",
		interval ? 2 : 1, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return failed(res, "setting the spider's interval", err);
	PQclear(res);
	return 0;
}

/* Run a query that returns rows; NULL with `err` set on failure. */
static PGresult *rows(PGconn *conn, const char *sql, const char *what, struct mc_err *err)
{
	PGresult *res = PQexec(conn, sql);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		failed(res, what, err);
		return NULL;
	}
	return res;
}

PGresult *mc_watch_list(PGconn *conn, struct mc_err *err)
{
	return rows(conn, "select * from rpt.alert_watch order by watch_id", "listing the watches",
		    err);
}

PGresult *mc_watch_schedules(PGconn *conn, struct mc_err *err)
{
	return rows(conn, "select * from rpt.alert_schedule order by spider",
		    "listing the spiders' intervals", err);
}

PGresult *mc_alerts_list(PGconn *conn, bool all, struct mc_err *err)
{
	return rows(conn,
		    all ? "select * from rpt.alert order by alert_id"
			: "select alert_id, kind, event_at, message, fired_at from rpt.alert"
			  " where delivered_at is null order by alert_id",
		    "listing the alerts", err);
}

int mc_alerts_collect(PGconn *conn, long long *added, struct mc_err *err)
{
	PGresult *res = rows(conn, "select etl.alert_run_health()",
			     "collecting the run-health notifications", err);

	if (!res)
		return -1;
	*added = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int mc_alerts_data_test(PGconn *conn, const char *test, const char *rows, struct mc_err *err)
{
	const char *p[2] = {test, rows};
	PGresult *res = PQexecParams(conn, "select etl.alert_data_test($1, $2::bigint)", 2, NULL, p,
				     NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return failed(res, "recording the failed data test", err);
	PQclear(res);
	return 0;
}

/* Lock the oldest pending alert after `after` that no other deliverer
 * holds, inside the open transaction.  Returns its row (PQntuples 0: none
 * left), or NULL with `err` set. */
static PGresult *claim_next(PGconn *conn, const char *after, struct mc_err *err)
{
	const char *p[1] = {after};
	PGresult *res = PQexecParams(conn,
				     "select a.alert_id, a.kind, a.message, etl.alert_payload(a)::text"
				     " from core.alert a"
				     " where a.delivered_at is null and a.alert_id > $1"
				     " order by a.alert_id limit 1 for update skip locked",
				     1, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		failed(res, "reading the pending alerts", err);
		return NULL;
	}
	return res;
}

static int mark_delivered(PGconn *conn, const char *id, const char *channel, struct mc_err *err)
{
	const char *p[2] = {id, channel};
	PGresult *res = PQexecParams(conn,
				     "update core.alert set delivered_at = clock_timestamp(), channel = $2"
				     " where alert_id = $1",
				     2, NULL, p, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return failed(res, "recording the delivery", err);
	PQclear(res);
	return 0;
}

int mc_alerts_deliver(PGconn *conn, const char *channel, mc_alert_sender send, void *ctx,
		      struct mc_alerts_outcome *out, struct mc_err *err)
{
	char after[32] = "0";

	*out = (struct mc_alerts_outcome){0};
	for (;;) {
		struct mc_err why = {""};
		PGresult *res;
		int sent;

		if (mc_db_exec(conn, "begin", "starting a delivery", err) != 0)
			return -1;
		res = claim_next(conn, after, err);
		if (!res) {
			mc_db_exec(conn, "rollback", "ending the deliveries", NULL);
			return -1;
		}
		if (PQntuples(res) == 0) {
			PQclear(res);
			return mc_db_exec(conn, "rollback", "ending the deliveries", err);
		}
		snprintf(after, sizeof after, "%s", PQgetvalue(res, 0, 0));
		struct mc_alert_msg msg = {PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
					   PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3)};
		sent = send(ctx, &msg, &why);
		PQclear(res);
		if (sent != 0) {
			out->failed++;
			if (!out->first_failure.msg[0])
				mc_err_set(&out->first_failure, "alert %s: %s", after, why.msg);
			if (mc_db_exec(conn, "rollback", "keeping the alert pending", err) != 0)
				return -1;
			continue;
		}
		if (mark_delivered(conn, after, channel, err) != 0 ||
		    mc_db_exec(conn, "commit", "recording the delivery", err) != 0) {
			mc_db_exec(conn, "rollback", "ending the deliveries", NULL);
			return -1;
		}
		out->delivered++;
	}
}
