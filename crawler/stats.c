/*
 * Crawl statistics (stats.h): counting, the printed summary and the JSON
 * for the run record.
 */
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "crawler/stats.h"

double mc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void mc_stats_init(struct mc_stats *s)
{
	memset(s, 0, sizeof *s);
	s->started = mc_now();
}

void mc_named_add(struct mc_named *list, const char *name, long n)
{
	for (int i = 0; i < list->n; i++) {
		if (strcmp(list->v[i].name, name) == 0) {
			list->v[i].count += n;
			return;
		}
	}
	if (list->n < MC_STATS_NAMED_MAX) {
		list->v[list->n].name = name;
		list->v[list->n].count = n;
		list->n++;
	}
}

long mc_named_get(const struct mc_named *list, const char *name)
{
	for (int i = 0; i < list->n; i++)
		if (strcmp(list->v[i].name, name) == 0)
			return list->v[i].count;
	return 0;
}

long mc_named_total(const struct mc_named *list)
{
	long t = 0;

	for (int i = 0; i < list->n; i++)
		t += list->v[i].count;
	return t;
}

static void note_where(char *out, const char *url, const char *cause, long status)
{
	if (status > 0)
		snprintf(out, MC_STATS_WHERE_MAX, "%s: %s (HTTP %ld)", url, cause, status);
	else
		snprintf(out, MC_STATS_WHERE_MAX, "%s: %s", url, cause);
}

void mc_stats_error(struct mc_stats *s, const char *url, const char *cause, long status,
		    enum mc_end end)
{
	mc_named_add(&s->errors, cause, 1);
	if (!s->first_error[0])
		note_where(s->first_error, url, cause, status);
	switch (end) {
	case MC_END_FAILED:
		s->failed++;
		if (!s->first_failure[0])
			note_where(s->first_failure, url, cause, status);
		break;
	case MC_END_GONE:
		s->gone++;
		break;
	case MC_END_REFUSED:
	case MC_END_STOPPED:
		break;
	}
}

void mc_stats_finish(struct mc_stats *s)
{
	struct rusage ru;

	s->elapsed = mc_now() - s->started;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		s->peak_rss_kib = ru.ru_maxrss;
}

static json_t *named_json(const struct mc_named *list)
{
	json_t *o = json_object();

	for (int i = 0; i < list->n; i++)
		json_object_set_new(o, list->v[i].name, json_integer(list->v[i].count));
	return o;
}

static json_t *proxies_json(const struct mc_stats *s)
{
	json_t *a = json_array();

	for (int i = 0; i < s->nproxies; i++) {
		const struct mc_stats_proxy *p = &s->proxies[i];
		json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I}", "proxy", p->shown, "requests",
						   (json_int_t)p->requests, "failures",
						   (json_int_t)p->failures, "benched",
						   (json_int_t)p->benched));
	}
	return a;
}

static json_t *hosts_json(const struct mc_stats *s)
{
	json_t *a = json_array();

	for (int i = 0; i < s->nhosts; i++) {
		const struct mc_stats_host *h = &s->hosts[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:I}", "host",
						   h->origin, "rule", h->rule, "delay_ms", h->delay_ms,
						   "concurrency", h->concurrency, "max_pages",
						   h->max_pages, "pages", (json_int_t)h->pages,
						   "not_made", (json_int_t)h->not_made));
	}
	return a;
}

json_t *mc_stats_json(const struct mc_stats *s)
{
	json_t *o = json_object();
	json_t *by_status = json_object();
	char key[8];

	for (int i = 0; i < 600; i++) {
		if (s->status[i]) {
			snprintf(key, sizeof key, "%d", i);
			json_object_set_new(by_status, key, json_integer(s->status[i]));
		}
	}
	json_object_set_new(o, "requests", json_integer(s->requests));
	json_object_set_new(o, "responses", json_integer(s->responses));
	json_object_set_new(o, "responses_by_status", by_status);
	json_object_set_new(o, "retries", json_integer(s->retries));
	json_object_set_new(o, "retries_exhausted", json_integer(s->retries_exhausted));
	json_object_set_new(o, "robots_fetched", json_integer(s->robots_fetched));
	json_object_set_new(o, "robots_denied", json_integer(s->robots_denied));
	json_object_set_new(o, "offsite", json_integer(s->offsite));
	json_object_set_new(o, "duplicates", json_integer(s->duplicates));
	json_object_set_new(o, "depth_limited", json_integer(s->depth_limited));
	json_object_set_new(o, "redirects", json_integer(s->redirects));
	json_object_set_new(o, "sitemaps", json_integer(s->sitemaps));
	json_object_set_new(o, "sitemap_urls", json_integer(s->sitemap_urls));
	json_object_set_new(o, "sitemaps_capped", json_integer(s->sitemaps_capped));
	json_object_set_new(o, "sitemap_urls_capped", json_integer(s->sitemap_urls_capped));
	json_object_set_new(o, "bad_links", json_integer(s->bad_links));
	json_object_set_new(o, "links_capped", json_integer(s->links_capped));
	json_object_set_new(o, "private_refused", json_integer(s->private_refused));
	json_object_set_new(o, "bytes", json_integer(s->bytes));
	json_object_set_new(o, "items", json_integer(s->items));
	json_object_set_new(o, "items_dropped", named_json(&s->dropped));
	json_object_set_new(o, "errors", named_json(&s->errors));
	json_object_set_new(o, "failed", json_integer(s->failed));
	if (s->first_failure[0])
		json_object_set_new(o, "first_failure", json_string(s->first_failure));
	json_object_set_new(o, "gone", json_integer(s->gone));
	json_object_set_new(o, "not_made", json_integer(s->not_made));
	json_object_set_new(o, "depth_limited_by_option", json_integer(s->depth_limited_by_option));
	json_object_set_new(o, "invalid_utf8", json_integer(s->invalid_utf8));
	json_object_set_new(o, "html_fast", json_integer(s->html_fast));
	json_object_set_new(o, "html_libxml2", json_integer(s->html_libxml2));
	if (s->nproxies) {
		json_object_set_new(o, "proxy_failures", json_integer(s->proxy_failures));
		json_object_set_new(o, "proxies", proxies_json(s));
	}
	if (s->nhosts) {
		json_object_set_new(o, "host_limited", json_integer(s->host_limited));
		json_object_set_new(o, "hosts", hosts_json(s));
	}
	json_object_set_new(o, "max_host_delay_ms", json_integer(s->max_delay_ms));
	json_object_set_new(o, "elapsed_s", json_real(s->elapsed));
	json_object_set_new(o, "pages_per_s",
			    json_real(s->elapsed > 0 ? (double)s->responses / s->elapsed : 0));
	json_object_set_new(o, "peak_rss_kib", json_integer(s->peak_rss_kib));
	return o;
}

static void print_named(FILE *out, const char *title, const struct mc_named *list)
{
	if (list->n == 0)
		return;
	fprintf(out, "  %-18s", title);
	for (int i = 0; i < list->n; i++)
		fprintf(out, "%s%s=%ld", i ? ", " : "", list->v[i].name, list->v[i].count);
	fputc('\n', out);
}

void mc_stats_print(const struct mc_stats *s, FILE *out)
{
	fprintf(out, "crawl statistics:\n");
	fprintf(out, "  %-18s%ld\n", "requests", s->requests);
	fprintf(out, "  %-18s%ld\n", "pages", s->responses);
	fprintf(out, "  %-18s", "by status");
	int first = 1;
	for (int i = 0; i < 600; i++) {
		if (s->status[i]) {
			fprintf(out, "%s%d=%ld", first ? "" : ", ", i, s->status[i]);
			first = 0;
		}
	}
	fprintf(out, "%s\n", first ? "-" : "");
	fprintf(out, "  %-18s%ld (exhausted %ld)\n", "retries", s->retries, s->retries_exhausted);
	fprintf(out, "  %-18s%ld fetched, %ld denied\n", "robots.txt", s->robots_fetched,
		s->robots_denied);
	fprintf(out, "  %-18s%ld offsite, %ld duplicate, %ld too deep, %ld invalid\n", "links skipped",
		s->offsite, s->duplicates, s->depth_limited, s->bad_links);
	if (s->private_refused)
		fprintf(out, "  %-18s%ld\n", "private refused", s->private_refused);
	if (s->links_capped)
		fprintf(out, "  %-18s%ld past the cap per page\n", "links dropped", s->links_capped);
	fprintf(out, "  %-18s%ld\n", "redirects", s->redirects);
	if (s->sitemaps)
		fprintf(out, "  %-18s%ld read, %ld page URLs, %ld sitemaps and %ld URLs past the caps\n",
			"sitemaps", s->sitemaps, s->sitemap_urls, s->sitemaps_capped,
			s->sitemap_urls_capped);
	fprintf(out, "  %-18s%ld\n", "bytes", s->bytes);
	fprintf(out, "  %-18s%ld\n", "items", s->items);
	print_named(out, "items dropped", &s->dropped);
	print_named(out, "errors", &s->errors);
	if (s->failed || s->gone || s->not_made)
		fprintf(out, "  %-18s%ld failed for good, %ld gone (404/410), %ld not made\n", "unfinished",
			s->failed, s->gone, s->not_made);
	if (s->invalid_utf8)
		fprintf(out, "  %-18s%ld\n", "invalid utf-8", s->invalid_utf8);
	if (s->html_fast || s->html_libxml2)
		fprintf(out, "  %-18s%ld by the fast tree builder, %ld by libxml2\n", "html parsed",
			s->html_fast, s->html_libxml2);
	for (int i = 0; i < s->nproxies; i++)
		fprintf(out, "  %-18s%s: %ld requests, %ld failed, benched %ld time%s\n",
			i ? "" : "proxies", s->proxies[i].shown, s->proxies[i].requests,
			s->proxies[i].failures, s->proxies[i].benched,
			s->proxies[i].benched == 1 ? "" : "s");
	for (int i = 0; i < s->nhosts; i++)
		fprintf(out, "  %-18s%s (%s): %ld pages, %ld not made\n", i ? "" : "host rules",
			s->hosts[i].origin, s->hosts[i].rule, s->hosts[i].pages, s->hosts[i].not_made);
	fprintf(out, "  %-18s%.2f s (%.1f pages/s)\n", "elapsed", s->elapsed,
		s->elapsed > 0 ? (double)s->responses / s->elapsed : 0.0);
	fprintf(out, "  %-18s%.1f MiB\n", "peak memory", (double)s->peak_rss_kib / 1024.0);
}
