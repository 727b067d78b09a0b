/*
 * The channels `marketcrawl alerts --deliver` sends through (docs/alerts.md):
 * stdout (one line per alert, so cron mails them), a command (--exec: the
 * alert as one JSON object on its stdin; delivered = exit status 0) and a
 * webhook (--webhook: a JSON POST through libcurl, delivered = a 2xx
 * answer within the timeout).  Each is an mc_alert_sender (etl/alerts.h)
 * over a context the caller owns.
 */
#ifndef MC_ALERT_SEND_H
#define MC_ALERT_SEND_H

#include "base/error.h"
#include "etl/alerts.h"

/* stdout: "[KIND] MESSAGE" a line; ctx is unused. */
int mc_alert_send_stdout(void *ctx, const struct mc_alert_msg *a, struct mc_err *err);

/* --exec: ctx is the command (a const char *), run by /bin/sh -c with the
 * JSON on stdin and MARKETCRAWL_ALERT_ID / MARKETCRAWL_ALERT_KIND set. */
int mc_alert_send_exec(void *ctx, const struct mc_alert_msg *a, struct mc_err *err);

/* --webhook: ctx is a struct mc_webhook, set up by mc_webhook_open and
 * released by mc_webhook_close. */
struct mc_webhook {
	char origin[256];  /* scheme://host[:port] of the URL, for messages */
	long timeout_s;    /* the whole request, connection included */
	void *curl;        /* CURL *, owned */
	void *headers;     /* struct curl_slist *, owned */
};
int mc_webhook_open(struct mc_webhook *w, const char *url, long timeout_s, struct mc_err *err);
int mc_alert_send_webhook(void *ctx, const struct mc_alert_msg *a, struct mc_err *err);
void mc_webhook_close(struct mc_webhook *w);

#endif
