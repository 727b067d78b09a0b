/*
 * The crawl engine's event loop (engine.h; the parts are listed in
 * engine_internal.h).  One thread owns the libcurl multi handle, the
 * frontier (per-host queues plus a delayed-retry heap), the duplicate
 * filter, the statistics and the staging file.  Spider callbacks run either
 * on that thread or on the parser pool (parse_pool.c); either way their
 * output — links and item lines collected in the response — is applied
 * here, so nothing else needs a lock.
 *
 * Shape of the loop (curl's 10-at-a-time.c): schedule → multi_perform →
 * drain info_read → apply parsed responses → multi_poll.  Politeness is
 * decided by our scheduler (frontier.c), never by queueing inside libcurl,
 * so queued time never counts against libcurl's timeouts.  A signal or
 * --max-time stops scheduling; transfers in flight get the stop grace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "crawler/engine_internal.h"
#include "base/log.h"

#define POLL_MAX_MS 100

volatile sig_atomic_t mc_engine_signals_seen;

void mc_engine_on_signal(int sig)
{
	if (mc_engine_signals_seen++)
		_exit(128 + sig);
}

double mc_engine_rand01(struct engine *e)
{
	return (double)rand_r(&e->rng) / ((double)RAND_MAX + 1.0);
}

void mc_engine_utc_now(char *out, size_t outsz, bool compact)
{
	struct timespec ts;
	struct tm tm;
	char base[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (compact) {
		strftime(out, outsz, "%Y%m%dT%H%M%SZ", &tm);
		return;
	}
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, outsz, "%s.%03dZ", base, (int)(ts.tv_nsec / 1000000) % 1000);
}

/* Stop scheduling (once; the first cause is the one reported). */
void mc_engine_stop(struct engine *e, enum stop_cause why)
{
	if (!e->stop_scheduling)
		e->stopped_by = why;
	e->stop_scheduling = true;
}

/* A request's name in messages (mc_request_label). */
const char *mc_engine_label(const struct mc_request *r, char buf[LABEL_MAX])
{
	return mc_request_label(r->url, r->spec, buf, LABEL_MAX);
}

static bool work_left(struct engine *e)
{
	if (e->active || e->parsing)
		return true;
	if (e->stop_scheduling)
		return false;
	if (e->delayed.n)
		return true;
	for (struct mc_host *h = e->hosts.list; h; h = h->next_in_list)
		if (h->queue.count || h->robots_req)
			return true;
	return false;
}

static int poll_timeout_ms(struct engine *e)
{
	double now = mc_now(), wake = now + POLL_MAX_MS / 1000.0;
	struct mc_request *d = mc_heap_peek(&e->delayed);

	if (d && d->not_before < wake)
		wake = d->not_before;
	/* With every slot taken only a finished transfer or parse (which
	 * wakes the poll) can let work start: no need to look at hosts. */
	if (e->active + e->parsing >= e->o->policy.concurrency)
		return wake <= now ? 0 : (int)((wake - now) * 1000.0) + 1;
	for (struct mc_host *h = e->hosts.list; h; h = h->next_in_list)
		if ((h->queue.count || h->robots_req) && h->active < h->per_host && h->next_ok < wake)
			wake = h->next_ok;
	if (e->proxies.n) {
		double ready = mc_proxy_next_ready(&e->proxies, now);
		if (ready > 0 && ready < wake)
			wake = ready;
	}
	return wake <= now ? 0 : (int)((wake - now) * 1000.0) + 1;
}

static void progress(struct engine *e, bool final)
{
	double now = mc_now();

	if (!e->o->out.progress)
		return;
	if (!final && now - e->last_progress < 0.5)
		return;
	e->last_progress = now;
	double el = now - e->stats->started;
	fprintf(stderr, "\r%s: %ld pages, %ld items, %ld queued, %d active, %.0f pages/s   %s",
		e->o->spider->name, e->stats->responses, e->stats->items, e->queued, e->active,
		el > 0 ? e->stats->responses / el : 0.0, final ? "\n" : "");
}

/* --max-time: the whole run's time is up. */
static bool time_up(const struct engine *e)
{
	return e->o->policy.max_time_s > 0 && mc_now() - e->stats->started >= e->o->policy.max_time_s;
}

void mc_engine_run_loop(struct engine *e)
{
	double stop_deadline = 0;

	while (work_left(e)) {
		int running;
		CURLMsg *m;
		int left;

		/* A signal or the time limit: stop scheduling, then give the
		 * transfers in flight the stop grace. */
		if (!stop_deadline && (mc_engine_signals_seen || time_up(e))) {
			mc_engine_stop(e, mc_engine_signals_seen ? STOP_SIGNAL : STOP_TIME);
			stop_deadline = mc_now() + e->o->policy.stop_grace_ms / 1000.0;
			if (mc_engine_signals_seen)
				mc_warn("stopping: finishing %d transfer(s) in flight", e->active);
			else
				mc_warn("--max-time %d s reached: finishing %d transfer(s) in flight",
					e->o->policy.max_time_s, e->active);
		}
		if (stop_deadline && mc_now() > stop_deadline && e->active) {
			mc_engine_abort_in_flight(e);
		}
		if (e->write_failed)
			mc_engine_stop(e, STOP_WRITE);
		mc_engine_schedule(e);
		curl_multi_perform(e->multi, &running);
		for (m = curl_multi_info_read(e->multi, &left); m; m = curl_multi_info_read(e->multi, &left))
			if (m->msg == CURLMSG_DONE)
				mc_engine_transfer_done(e, m->easy_handle, m->data.result);
		mc_engine_drain_pool(e);
		progress(e, false);
		if (!work_left(e))
			break;
		mc_engine_schedule(e);
		if (e->active)
			curl_multi_poll(e->multi, NULL, 0, poll_timeout_ms(e), NULL);
		else if (e->parsing)
			mc_parse_pool_wait(e->pool, poll_timeout_ms(e));
		else {
			int ms = poll_timeout_ms(e);
			if (ms > 0)
				usleep((useconds_t)ms * 1000);
		}
	}
	progress(e, true);
}
