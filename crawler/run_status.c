/*
 * How a run ended (engine.h, docs/crawling.md "Run status"): the status of
 * a finished run (aborted > failed > partial > complete; the health check
 * in run.c may make a complete run suspect), the one-line reasons a run is
 * partial or failed, and the run record that ends its staging file.  The
 * record's member, status and scope names are staging/format.h's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crawler/engine_internal.h"
#include "staging/format.h"

const char *mc_run_status_name(enum mc_run_status status)
{
	static const enum mc_staging_status in_record[] = {
		[MC_RUN_COMPLETE] = MC_STAGING_RUN_COMPLETE, [MC_RUN_PARTIAL] = MC_STAGING_RUN_PARTIAL,
		[MC_RUN_ABORTED] = MC_STAGING_RUN_ABORTED, [MC_RUN_SUSPECT] = MC_STAGING_RUN_SUSPECT,
	};

	/* A failed run writes no run record: its name is ours alone. */
	return status == MC_RUN_FAILED ? "failed" : mc_staging_status_names[in_record[status]];
}

const char *mc_run_scope_name(enum mc_scope scope)
{
	return mc_staging_scope_names[scope == MC_SCOPE_FULL ? MC_STAGING_SCOPE_FULL :
							       MC_STAGING_SCOPE_PARTIAL];
}

#define NAME(key) (mc_staging_fields[key].name)

json_t *mc_engine_run_record(const struct mc_crawl_opts *o, const struct mc_crawl_result *r,
			     const char *started_at)
{
	char finished[40];
	json_t *rec, *rest;

	mc_engine_utc_now(finished, sizeof finished, false);
	/* The region, when the run has one, right after the spider. */
	rec = json_pack("{s:s}", NAME(MC_KEY_SPIDER), o->spider->name);
	if (o->region)
		json_object_set_new(rec, NAME(MC_KEY_REGION), json_string(o->region->code));
	rest = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", NAME(MC_KEY_RUN_ID), r->run_id,
			 NAME(MC_KEY_STARTED_AT), started_at, NAME(MC_KEY_FINISHED_AT), finished,
			 NAME(MC_KEY_STATUS), mc_run_status_name(r->status), NAME(MC_KEY_SCOPE),
			 mc_run_scope_name(o->spider->scope), NAME(MC_KEY_PAGES),
			 (json_int_t)r->stats.responses, NAME(MC_KEY_ITEMS), (json_int_t)r->stats.items,
			 NAME(MC_KEY_ERRORS), (json_int_t)mc_named_total(&r->stats.errors));
	json_object_update(rec, rest);
	json_decref(rest);
	if (r->status == MC_RUN_PARTIAL)
		json_object_set_new(rec, "partial_reason", json_string(r->reason));
	else if (r->status == MC_RUN_SUSPECT)
		json_object_set_new(rec, "suspect_reason", json_string(r->reason));
	json_object_set_new(rec, NAME(MC_KEY_STATS), mc_stats_json(&r->stats));
	return rec;
}

/* Page requests still waiting when the loop ended (it stopped early). */
long mc_engine_requests_waiting(const struct engine *e)
{
	long n = e->queued;

	for (size_t i = 0; i < e->delayed.n; i++)
		n += !e->delayed.v[i]->is_robots;
	return n;
}

/* Append to r->reason, "; " between parts, cut to fit. */
void mc_engine_add_reason(struct mc_crawl_result *r, const char *fmt, ...)
{
	size_t len = strlen(r->reason);
	va_list ap;

	if (len)
		len += (size_t)snprintf(r->reason + len, sizeof r->reason - len, "; ");
	if (len + 1 >= sizeof r->reason)
		return;
	va_start(ap, fmt);
	vsnprintf(r->reason + len, sizeof r->reason - len, fmt, ap);
	va_end(ap);
}

static bool given(const char *const *urls)
{
	return urls && *urls;
}

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

/* A host rule's max-pages left pages undone: name the first such host. */
static void host_limit_reason(const struct engine *e, struct mc_crawl_result *r)
{
	const struct mc_host *first = NULL;
	int others = 0;

	if (e->stats->host_limited == 0)
		return;
	for (const struct mc_host *h = e->hosts.list; h; h = h->next_in_list) {
		if (!h->not_made)
			continue;
		others += first != NULL;
		first = h;
	}
	mc_engine_add_reason(r, "max-pages %d of host rule '%s' reached for %s with %ld request%s not made%s",
			     first->max_pages, first->rule->text, first->origin, first->not_made,
			     plural(first->not_made), others ? " (and other hosts)" : "");
}

/* Why the run did not see its whole frontier (docs/crawling.md, "Run
 * status"); r->reason stays empty when it did. */
static void partial_reasons(const struct engine *e, struct mc_crawl_result *r)
{
	const struct mc_crawl_opts *o = e->o;
	const struct mc_stats *s = e->stats;
	/* URLs given by the caller change what a spider with URLs of its own
	 * walks; a spider without any (schemaorg) is meant to be given them. */
	bool own = given(mc_engine_own_start_urls(o)) || given(o->spider->sitemap_urls),
	     starts = own && given(o->start_urls), sitemaps = own && given(o->sitemap_urls);

	long cut = s->not_made - s->host_limited; /* not made for a run-wide reason */

	if (cut > 0 && e->stopped_by == STOP_PAGES) {
		if (o->policy.max_pages == o->spider->settings.max_pages)
			mc_engine_add_reason(r, "the spider's max_pages %d reached with %ld request%s not made",
					     o->policy.max_pages, cut, plural(cut));
		else
			mc_engine_add_reason(r, "--max-pages %d reached with %ld request%s not made",
					     o->policy.max_pages, cut, plural(cut));
	}
	if (cut > 0 && e->stopped_by == STOP_TIME)
		mc_engine_add_reason(r, "--max-time %d reached with %ld request%s not made",
				     o->policy.max_time_s, cut, plural(cut));
	host_limit_reason(e, r);
	if (starts || sitemaps)
		mc_engine_add_reason(r, "%s given on the command line",
				     starts && sitemaps ? "start and sitemap URLs" :
				     starts ? "start URLs" : "sitemap URLs");
	if (s->depth_limited_by_option > 0)
		mc_engine_add_reason(r, "--max-depth %d dropped %ld link%s the spider would follow",
				     o->policy.max_depth, s->depth_limited_by_option,
				     plural(s->depth_limited_by_option));
	if (s->failed > 0)
		mc_engine_add_reason(r, "%ld request%s failed for good (first: %s)", s->failed,
				     plural(s->failed), s->first_failure);
	/* What the caps on what a server sends left out (docs/crawling.md). */
	if (s->links_capped > 0)
		mc_engine_add_reason(r, "%ld link%s past the cap of %d a page dropped", s->links_capped,
				     plural(s->links_capped), o->policy.caps.follows_per_page);
	if (s->sitemaps_capped > 0 || s->sitemap_urls_capped > 0)
		mc_engine_add_reason(r, "the sitemap caps dropped %ld sitemap%s and %ld URL%s",
				     s->sitemaps_capped, plural(s->sitemaps_capped),
				     s->sitemap_urls_capped, plural(s->sitemap_urls_capped));
}

/* A run that reached no spider callback: say what stood in the way. */
static void failed_reason(const struct engine *e, struct mc_crawl_result *r)
{
	const struct mc_stats *s = e->stats;

	if (s->first_error[0])
		mc_engine_add_reason(r, "nothing could be fetched (first failure: %s)", s->first_error);
	else if (s->robots_denied > 0)
		mc_engine_add_reason(r, "nothing could be fetched (robots.txt denied all %ld page%s)",
				     s->robots_denied, plural(s->robots_denied));
	else if (s->requests == 0 && s->offsite > 0)
		mc_engine_add_reason(r, "nothing could be fetched (every start URL is offsite: "
					"--allow-domain adds a domain)");
	else if (s->requests == 0)
		mc_engine_add_reason(r, "nothing could be fetched (no valid start URL)");
	else
		mc_engine_add_reason(r, "nothing could be fetched (no page reached the spider)");
}

/* The status of a finished run, before the health check:
 * aborted > failed > partial > complete. */
void mc_engine_decide_status(const struct engine *e, struct mc_crawl_result *r)
{
	if (e->write_failed) {
		r->status = MC_RUN_FAILED;
		mc_engine_add_reason(r, "the staging file could not be written");
	} else if (mc_engine_signals_seen) {
		r->status = MC_RUN_ABORTED;
	} else if (e->stats->responses == 0) {
		r->status = MC_RUN_FAILED;
		failed_reason(e, r);
	} else {
		partial_reasons(e, r);
		r->status = r->reason[0] ? MC_RUN_PARTIAL : MC_RUN_COMPLETE;
	}
}
