/*
 * What requests send besides their URL (engine_internal.h): the spider's
 * and the region's headers and cookies, merged once per run; a request's
 * own headers and cookies over them (request.h), and for a POST its content
 * type; and the run's one cookie jar, a libcurl share with lock callbacks
 * that serves every transfer.  Header and cookie values are never logged.
 */
#include <stdlib.h>

#include "crawler/engine_internal.h"
#include "base/alloc.h"
#include "base/buf.h"

#define FORM_TYPE "application/x-www-form-urlencoded"

static size_t list_len(const char *const *l)
{
	size_t n = 0;

	while (l && l[n])
		n++;
	return n;
}

/*
 * The entries of `base` not named again in `over`, then those of `over`:
 * the later list wins by name (headers: `sep` ':' and case-insensitive;
 * cookies: '=').  A new NULL-terminated array of borrowed strings.
 */
static const char **overlay(const char *const *base, const char *const *over, char sep, bool ci)
{
	const char **out = mc_calloc(list_len(base) + list_len(over) + 1, sizeof *out);
	size_t n = 0;

	for (const char *const *b = base; b && *b; b++) {
		bool replaced = false;
		for (const char *const *o = over; o && *o && !replaced; o++)
			replaced = mc_request_same_name(*b, *o, sep, ci);
		if (!replaced)
			out[n++] = *b;
	}
	for (const char *const *o = over; o && *o; o++)
		out[n++] = *o;
	return out;
}

/* "a=1; b=2" of a cookie list, or NULL when it is empty. */
static char *cookie_line(const char *const *cookies)
{
	struct mc_buf b;

	if (!cookies || !*cookies)
		return NULL;
	mc_buf_init(&b, 0);
	for (const char *const *c = cookies; *c; c++) {
		if (c != cookies)
			mc_buf_adds(&b, "; ");
		mc_buf_adds(&b, *c);
	}
	return mc_buf_detach(&b, NULL);
}

/* The header list of a request with a spec: the defaults, its own headers
 * over them, and for a POST its content type and no "Expect: 100-continue"
 * round trip. */
struct curl_slist *mc_engine_spec_headers(const struct engine *e, const struct mc_request_spec *spec)
{
	const char **all = overlay(e->default_headers, (const char *const *)spec->headers, ':', true);
	struct curl_slist *list = NULL;
	bool typed = false;

	for (const char **h = all; *h; h++) {
		bool is_type = mc_request_same_name(*h, "Content-Type:", ':', true);
		if (is_type && spec->content_type)
			continue; /* the body's own type wins */
		typed |= is_type;
		list = curl_slist_append(list, *h);
	}
	free(all);
	if (spec->method == MC_POST) {
		if (!typed) {
			char *ct = mc_asprintf("Content-Type: %s",
					       spec->content_type ? spec->content_type : FORM_TYPE);
			list = curl_slist_append(list, ct);
			free(ct);
		}
		list = curl_slist_append(list, "Expect:");
	}
	return list;
}

char *mc_engine_spec_cookies(const struct engine *e, const struct mc_request_spec *spec)
{
	const char **all = overlay(e->default_cookies, (const char *const *)spec->cookies, '=', false);
	char *line = cookie_line(all);

	free(all);
	return line;
}

/* libcurl's share lock callbacks: one mutex per kind of data.  Transfers
 * run on the loop thread only, but the jar stays correct whichever thread
 * a transfer runs on. */
static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userp)
{
	struct engine *e = userp;

	(void)handle;
	(void)access;
	pthread_mutex_lock(&e->share_locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userp)
{
	struct engine *e = userp;

	(void)handle;
	pthread_mutex_unlock(&e->share_locks[data]);
}

/* The run's headers and cookies (spider, then region) and its cookie jar. */
void mc_engine_setup_requests(struct engine *e)
{
	const struct mc_region *rg = e->o->region;

	e->default_headers = overlay(e->o->spider->headers, rg ? rg->headers : NULL, ':', true);
	e->default_cookies = overlay(e->o->spider->cookies, rg ? rg->cookies : NULL, '=', false);
	for (const char **h = e->default_headers; *h; h++)
		e->base_headers = curl_slist_append(e->base_headers, *h);
	e->base_cookies = cookie_line(e->default_cookies);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&e->share_locks[i], NULL);
	e->requests_ready = true;
	if (e->o->hooks.replay)
		return;
	e->share = curl_share_init();
	curl_share_setopt(e->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(e->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(e->share, CURLSHOPT_USERDATA, e);
	curl_share_setopt(e->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
}
