/*
 * Responses to callbacks and their output back (engine_internal.h): a 2xx
 * page becomes a struct mc_response run by its callback, here or on the
 * parser pool; what the callback produced (item lines, links to follow,
 * drop counts) is applied on the loop thread: items to the staging file
 * (or items_out), links into the frontier (or, for `marketcrawl parse`,
 * printed to follows_out).
 */
#include <stdio.h>
#include <stdlib.h>

#include "crawler/engine_internal.h"
#include "crawler/page_arena.h"
#include "base/alloc.h"
#include "base/log.h"
#include "marketcrawl/registry.h"
#include "crawler/response_internal.h"
#include "crawler/url.h"

/* `marketcrawl parse`: one line about a request a callback follows, after
 * the filters a crawl would apply (it then counts as seen, as in a crawl). */
static void print_follow(struct engine *e, const char *url, mc_parse_fn cb,
			 const struct mc_request_spec *spec, int depth, bool dont_filter)
{
	const char *dropped = mc_engine_filter(e, url, spec, depth, dont_filter);
	const char *name = mc_spider_callback_name(e->o->spider, cb);

	fprintf(e->o->out.follows_out, "follow %s %s %s", mc_method_name(spec ? spec->method : MC_GET),
		url, name ? name : "(unnamed callback)");
	if (spec && spec->body_len)
		fprintf(e->o->out.follows_out, " (%zu-byte body)", spec->body_len);
	if (dropped)
		fprintf(e->o->out.follows_out, " (dropped: %s)", dropped);
	fputc('\n', e->o->out.follows_out);
}

/* The items of a response into the staging file.  A failure is said once
 * and stops the run (engine.c), which then fails (run_status.c). */
static void write_items(struct engine *e, const struct mc_response *res)
{
	struct mc_err err;

	if (mc_staging_write(e->writer, res->items.data, res->items.len, &err) != 0) {
		mc_error("%s", err.msg);
		e->write_failed = true;
	}
}

/* A page that went over its memory budget (page_arena.h) is lost: what
 * its callback produced is dropped, since the helpers stopped answering
 * part-way and it may be incomplete. */
static void drop_over_memory(struct engine *e, struct mc_response *res)
{
	mc_warn("%s: page_memory (reading the page needed more than %zu MiB, the cap per page; "
		"its %ld item(s) and %d link(s) are dropped)",
		res->url, res->memory_max / (1024 * 1024), res->items_ok, res->follow_count);
	mc_stats_error(e->stats, res->url, "page_memory", 0, MC_END_FAILED);
	mc_buf_reset(&res->items);
	res->items_ok = 0;
	res->drop_kinds = 0;
	mc_response_drop_follows(res);
}

/* Apply what a parse callback produced, then free the response. */
static void finish_response(struct engine *e, struct mc_response *res)
{
	struct mc_stats *s = e->stats;

	if (res->over_memory)
		drop_over_memory(e, res);
	s->responses++;
	s->invalid_utf8 += res->invalid_utf8;
	s->html_fast += res->html_fast;
	s->html_libxml2 += res->html_libxml2;
	s->items += res->items_ok;
	s->bad_links += res->bad_links;
	s->depth_limited += res->depth_cut;
	/* As the engine's filter counts it (frontier.c): links the spider's own
	 * limit would have followed were cut by the caller's. */
	int own = e->o->spider->settings.max_depth;
	if (own <= 0 || res->depth + 1 <= own)
		s->depth_limited_by_option += res->depth_cut;
	if (res->links_capped) {
		s->links_capped += res->links_capped;
		mc_warn("%s: links_capped (%ld link(s) past the first %d of the page dropped, the cap per page)",
			res->url, res->links_capped, res->follows_max);
	}
	for (int i = 0; i < res->drop_kinds; i++)
		mc_named_add(&s->dropped, res->drops[i].reason, res->drops[i].count);
	if (res->items.len) {
		if (e->o->out.items_out)
			fwrite(res->items.data, 1, res->items.len, e->o->out.items_out);
		else if (!e->write_failed)
			write_items(e, res);
	}
	struct mc_rcstr *referer = res->follows ? mc_rcstr_new(res->url) : NULL;
	for (struct mc_followed *f = res->follows; f; f = f->next) {
		char *url = f->url;
		struct mc_request_spec *spec = f->spec;
		f->url = NULL;
		f->spec = NULL;
		if (e->o->out.follows_out) {
			print_follow(e, url, f->cb, spec, res->depth + 1, f->dont_filter);
			free(url);
			mc_request_spec_free(spec);
			continue;
		}
		mc_engine_add_request(e, url, f->cb, f->data, spec, referer, res->depth + 1, f->priority,
				      f->dont_filter, 0);
	}
	mc_rcstr_unref(referer);
	mc_response_release(res);
	free(res);
}

void mc_engine_deliver(struct engine *e, struct mc_request *r, long status, const char *url,
		       char *headers, char *body, size_t len, const char *content_type)
{
	struct mc_response *res = mc_malloc(sizeof *res);

	mc_response_init(res, e->o->spider);
	res->region = e->o->region;
	res->context = e->o->hooks.context;
	res->url = mc_url_normalize(url, NULL);
	if (!res->url)
		res->url = mc_strdup(r->url);
	res->status = status;
	res->depth = r->depth;
	/* `marketcrawl parse` prints every link with the filters' verdict. */
	res->max_follow_depth = e->o->out.follows_out ? -1 : e->o->policy.max_depth;
	res->memory_max = e->o->policy.caps.page_memory;
	res->follows_max = e->o->policy.caps.follows_per_page;
	res->data = r->data;
	r->data = NULL;
	res->headers = headers;
	res->raw = body;
	res->raw_len = len;
	res->content_type = content_type ? mc_strdup(content_type) : NULL;
	if (e->o->hooks.observed_at)
		snprintf(res->observed_at, sizeof res->observed_at, "%s", e->o->hooks.observed_at);
	else
		mc_engine_utc_now(res->observed_at, sizeof res->observed_at, false);
	mc_parse_fn cb = r->cb;
	mc_request_free(r);
	if (e->pool) {
		e->parsing++;
		mc_parse_pool_submit(e->pool, res, cb);
		return;
	}
	mc_response_run(res, cb);
	mc_response_release_parse(res);
	finish_response(e, res);
}

void mc_engine_drain_pool(struct engine *e)
{
	struct mc_response *res;

	if (!e->pool)
		return;
	for (res = mc_parse_pool_take(e->pool); res; res = mc_parse_pool_take(e->pool)) {
		e->parsing--;
		finish_response(e, res);
	}
}
