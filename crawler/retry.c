/*
 * The engine's retry policy (engine_internal.h, docs/crawling.md): which
 * failures deserve another attempt (the run's retry codes, the libcurl
 * errors that are transient), what a failure is called in the stats
 * (curl and HTTP causes), how long a retry waits (exponential back-off
 * with jitter, or the server's Retry-After up to a cap), and when it comes
 * back into its host queue.  A request that used its retries, or one whose
 * run is stopping, is given up and counted; an unreachable robots.txt
 * means disallow all (RFC 9309).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crawler/engine_internal.h"
#include "base/log.h"

#define BACKOFF_BASE_S 0.5
#define BACKOFF_MAX_S 60.0

bool mc_engine_is_retry_code(const struct mc_crawl_opts *o, long status)
{
	for (int i = 0; i < o->policy.n_retry_codes; i++)
		if (o->policy.retry_codes[i] == status)
			return true;
	return false;
}

/* Seconds from a Retry-After header value (delta or HTTP-date), or -1. */
double mc_engine_retry_after_s(const char *headers)
{
	const char *p = headers;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		if (strncasecmp(p, "Retry-After:", 12) == 0) {
			char val[128];
			size_t len = (size_t)((eol ? eol : p + strlen(p)) - (p + 12));
			if (len >= sizeof val)
				return -1;
			memcpy(val, p + 12, len);
			val[len] = '\0';
			char *v = val;
			while (*v == ' ' || *v == '\t')
				v++;
			char *end;
			long secs = strtol(v, &end, 10);
			if (end != v && (*end == '\0' || *end == ' '))
				return secs < 0 ? 0 : (double)secs;
			time_t when = curl_getdate(v, NULL);
			if (when < 0)
				return -1;
			double d = difftime(when, time(NULL));
			return d < 0 ? 0 : d;
		}
		p = eol ? eol + 1 : NULL;
	}
	return -1;
}

/* The error cause of a final HTTP status that is not 2xx or 3xx. */
const char *mc_engine_http_cause(long status)
{
	if (status == 429)
		return "http_429";
	return status >= 500 ? "http_5xx" : "http_4xx";
}

const char *mc_engine_curl_cause(CURLcode rc, bool too_large, bool *retryable)
{
	*retryable = false;
	if (too_large || rc == CURLE_FILESIZE_EXCEEDED)
		return "too_large";
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		*retryable = true;
		return "timeout";
	case CURLE_COULDNT_CONNECT:
		*retryable = true;
		return "connect_failed";
	case CURLE_COULDNT_RESOLVE_HOST:
		*retryable = true;
		return "dns_failed";
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		*retryable = true;
		return "connection_error";
	case CURLE_GOT_NOTHING:
		*retryable = true;
		return "empty_reply";
	case CURLE_PARTIAL_FILE:
		*retryable = true;
		return "truncated";
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		*retryable = true;
		return "http2_error";
	case CURLE_BAD_CONTENT_ENCODING:
		return "bad_encoding";
	case CURLE_UNSUPPORTED_PROTOCOL:
		return "bad_protocol";
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirect_limit";
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return "tls_error";
	default:
		return "other_error";
	}
}

/* Retry `r` later, or give up and count it.  `status` is the HTTP status
 * of the attempt, 0 for none.  Takes ownership of `r`. */
void mc_engine_retry_or_fail(struct engine *e, struct mc_request *r, const char *cause, long status,
			     double retry_after, const char *named)
{
	struct mc_host *h = r->host;
	char label[LABEL_MAX];
	const char *what = named ? named : mc_engine_label(r, label);

	if (r->attempts < e->o->policy.max_retries && e->stop_scheduling) {
		/* Not a failure of the page: the run stopped before its retry. */
		mc_stats_error(e->stats, what, cause, status, MC_END_STOPPED);
		e->stats->not_made += !r->is_robots;
		mc_info("not retrying %s (%s): the run is stopping", what, cause);
		mc_request_free(r);
		return;
	}
	if (r->attempts < e->o->policy.max_retries) {
		double wait = BACKOFF_BASE_S * (double)(1 << (r->attempts < 10 ? r->attempts : 10));
		wait *= 0.5 + mc_engine_rand01(e);
		if (wait > BACKOFF_MAX_S)
			wait = BACKOFF_MAX_S;
		if (retry_after >= 0)
			wait = retry_after < e->o->policy.max_retry_after_ms / 1000.0 ?
				       retry_after :
				       e->o->policy.max_retry_after_ms / 1000.0;
		r->attempts++;
		r->not_before = mc_now() + wait;
		e->stats->retries++;
		mc_debug("retry %d of %s in %.2fs (%s)", r->attempts, what, wait, cause);
		mc_heap_push(&e->delayed, r);
		return;
	}
	e->stats->retries_exhausted += r->attempts > 0;
	mc_stats_error(e->stats, what, cause, status, MC_END_FAILED);
	mc_warn("giving up on %s after %d attempt%s: %s", what, r->attempts + 1,
		r->attempts ? "s" : "", cause);
	if (r->is_robots) {
		/* RFC 9309 2.3.1.4: unreachable robots.txt means disallow all. */
		h->robots = mc_robots_disallow_all();
		h->robots_state = MC_ROBOTS_READY;
	}
	mc_request_free(r);
}

void mc_engine_promote_due_retries(struct engine *e, double now)
{
	struct mc_request *r;

	for (r = mc_heap_peek(&e->delayed); r && r->not_before <= now; r = mc_heap_peek(&e->delayed)) {
		mc_heap_pop(&e->delayed);
		if (r->is_robots) {
			r->host->robots_req = r;
			r->host->robots_state = MC_ROBOTS_NEEDED;
		} else {
			mc_engine_queue_push(e, r->host, r);
			e->queued++;
		}
	}
}

int mc_crawl_parse_retry_codes(struct mc_crawl_policy *policy, const char *list)
{
	const char *p = list;

	policy->n_retry_codes = 0;
	while (*p) {
		char *end;
		long code = strtol(p, &end, 10);
		if (end == p || code < 100 || code > 599 || policy->n_retry_codes >= MC_RETRY_CODES_MAX)
			return -1;
		policy->retry_codes[policy->n_retry_codes++] = (int)code;
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return 0;
}
