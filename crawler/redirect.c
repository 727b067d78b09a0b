/*
 * Redirects of pages and sitemaps (engine_internal.h).  libcurl follows
 * none of them (robots.txt excepted, transfer.c): the target is a new
 * request, so the offsite, robots.txt and duplicate rules apply to it, at
 * most MAX_REDIRECTS hops from the first URL.
 */
#include <stdlib.h>
#include <string.h>

#include "crawler/engine_internal.h"
#include "base/log.h"
#include "crawler/url.h"

#define MAX_REDIRECTS 10

/* A 3xx with Location: queue the target as a new request of the same kind
 * (a POST answered 301, 302 or 303 becomes a GET; to another origin the
 * request's own headers and cookies stay behind: mc_request_spec_redirect). */
void mc_engine_follow_redirect(struct engine *e, struct mc_request *r, const char *effective,
			       CURL *easy, long status)
{
	char *loc = NULL;
	char *target;
	char label[LABEL_MAX];
	const char *what = mc_engine_label(r, label);

	curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &loc);
	if (!loc) {
		mc_stats_error(e->stats, what, "bad_redirect", 0, MC_END_REFUSED);
		mc_request_free(r);
		return;
	}
	target = mc_url_normalize(loc, effective);
	if (!target) {
		mc_stats_error(e->stats, what, "bad_redirect", 0, MC_END_REFUSED);
		mc_warn("refused redirect from %s to %s (not http/https)", what, loc);
		mc_request_free(r);
		return;
	}
	if (r->redirects >= MAX_REDIRECTS) {
		mc_stats_error(e->stats, what, "redirect_limit", 0, MC_END_FAILED);
		mc_warn("too many redirects from %s", what);
		free(target);
		mc_request_free(r);
		return;
	}
	e->stats->redirects++;
	if (r->is_sitemap) {
		mc_engine_add_sitemap(e, target, r->depth);
	} else {
		char *from = mc_url_origin(effective), *to = mc_url_origin(target);
		bool same = from && to && strcmp(from, to) == 0;
		struct mc_request_spec *spec = mc_request_spec_redirect(r->spec, status, same);

		free(from);
		free(to);
		r->spec = NULL;
		mc_engine_add_request(e, target, r->cb, r->data, spec, r->referer, r->depth, r->priority,
				      r->dont_filter, r->redirects + 1);
	}
	mc_request_free(r);
}
