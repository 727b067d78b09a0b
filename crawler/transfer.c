/*
 * Transfers (engine_internal.h): a request becomes a libcurl easy handle
 * on the run's multi handle (http/https only, size and speed limits, TLS
 * settings, its headers, cookies and body, the run's cookie jar, our
 * proxy or none), or, in a replay, an answer from the saved pages
 * (replay.h).  When libcurl is done the outcome is routed: a proxy that
 * failed the transfer is benched and the request sent through another;
 * errors and retry codes go to the retry policy (retry.c); robots.txt,
 * redirects and sitemaps to their files; 2xx pages to the callbacks
 * (deliver.c).  Log lines name a request by mc_request_label: never its
 * body, never a cookie; a proxy is only ever named by its masked form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/engine_internal.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/sha256.h"
#include "crawler/address.h"
#include "crawler/replay.h"
#include "crawler/url.h"

#define ROBOTS_MAX_BYTES MC_ROBOTS_MAX_BYTES

struct transfer {
	struct transfer *prev, *next; /* the engine's in-flight list */
	struct engine *e;
	CURL *easy;
	struct mc_request *req;
	struct mc_buf body;
	struct mc_buf headers;
	long max_bytes;
	bool too_large;
	char private_addr[64];  /* the private address it was refused at, or "" */
	size_t header_bytes;    /* every header and trailer line received, redirects included */
	size_t max_header_bytes; /* the run's caps.header_bytes */
	bool headers_too_large; /* over max_header_bytes: aborted */
	double started;
	char error[CURL_ERROR_SIZE]; /* libcurl's detail of a failure ("SSL certificate problem: ...") */
	/* A request with a spec: its own header list and cookies (owned); NULL
	 * means the run's defaults. */
	struct curl_slist *send_headers;
	char *send_cookies;
	struct mc_proxy *proxy; /* the run's proxy it goes through, or NULL */
};

static size_t on_body(char *p, size_t size, size_t n, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * n;

	if (t->body.len + len > (size_t)t->max_bytes) {
		if (t->req->is_robots) {
			/* RFC 9309: parse what fits in the cap.  One byte past it
			 * tells the parser the last line was cut (it drops it). */
			size_t room = (size_t)t->max_bytes + 1 - t->body.len;
			mc_buf_add(&t->body, p, room < len ? room : len);
			return len;
		}
		t->too_large = true;
		return 0;
	}
	mc_buf_add(&t->body, p, len);
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * n;

	/* Headers and trailers (libcurl hands both here) are capped per
	 * transfer: a server that never ends them must not grow memory until
	 * --timeout.  Returning less than was given aborts the transfer. */
	t->header_bytes += len;
	if (t->header_bytes > t->max_header_bytes) {
		t->headers_too_large = true;
		return 0;
	}
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
		mc_buf_reset(&t->headers); /* a new response (redirect, 100) */
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len) {
		mc_buf_add(&t->headers, p, len);
		mc_buf_addc(&t->headers, '\n');
	}
	return size * n;
}

/*
 * Connected, before the request is sent (for each request, robots.txt
 * redirects libcurl follows included): a private, loopback or link-local
 * address the URL is not allowed to reach aborts the transfer, so a name
 * that resolves to one is refused as its literal address is by the
 * frontier.  Through a proxy the connected address is the proxy's, and
 * the name is resolved by the proxy: only a literal address in the URL
 * can be judged (the frontier did for the URLs it queued; this catches the
 * redirects libcurl follows itself).
 */
static int on_connected(void *userp, char *primary_ip, char *local_ip, int primary_port,
			int local_port)
{
	struct transfer *t = userp;
	struct engine *e = t->e;
	char *url = NULL;
	char host[sizeof t->private_addr]; /* an address literal fits; a longer host is a name */
	const char *addr = primary_ip;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &url);
	if (t->proxy || (e->env_proxy && !e->proxies.n)) {
		if (!url || !mc_url_host(url, host, sizeof host) || !mc_host_is_private_literal(host))
			return CURL_PREREQFUNC_OK;
		addr = host;
	} else if (!mc_address_is_private(primary_ip)) {
		return CURL_PREREQFUNC_OK;
	}
	if (mc_engine_private_allowed(e, url ? url : t->req->url))
		return CURL_PREREQFUNC_OK;
	snprintf(t->private_addr, sizeof t->private_addr, "%s", addr);
	return CURL_PREREQFUNC_ABORT;
}

/* Free a transfer and what it owns, except its request and easy handle. */
static void transfer_free(struct transfer *t)
{
	mc_buf_release(&t->body);
	mc_buf_release(&t->headers);
	curl_slist_free_all(t->send_headers);
	free(t->send_cookies);
	free(t);
}

static CURL *make_easy(struct engine *e, struct transfer *t)
{
	const struct mc_crawl_opts *o = e->o;
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, t->req->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, t);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->error);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_connected);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, t);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, o->policy.user_agent);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->policy.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->policy.timeout_ms);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, o->policy.low_speed_bytes);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->policy.low_speed_secs);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)(t->req->is_robots ? 0 : o->policy.max_bytes));
	if (o->policy.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (o->policy.ca_file) {
		curl_easy_setopt(c, CURLOPT_CAINFO, o->policy.ca_file);
	}
	if (t->req->referer)
		curl_easy_setopt(c, CURLOPT_REFERER, &t->req->referer->s[0]);
	/* Our proxies: the one chosen, or "" (none, whatever the environment
	 * says) for a host no_proxy names; NOPROXY "" because that choice is
	 * made already.  Without proxies of ours nothing is set, so libcurl
	 * reads http_proxy, https_proxy and no_proxy itself. */
	if (e->proxies.n) {
		curl_easy_setopt(c, CURLOPT_PROXY, t->proxy ? t->proxy->url : "");
		curl_easy_setopt(c, CURLOPT_NOPROXY, "");
	} else if (o->policy.no_proxy) {
		curl_easy_setopt(c, CURLOPT_NOPROXY, o->policy.no_proxy);
	}
	/* The run's cookie jar: Set-Cookie is kept for every later transfer;
	 * "" enables the engine without reading any file, and none is written. */
	curl_easy_setopt(c, CURLOPT_SHARE, e->share);
	curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");
	if (t->send_headers || e->base_headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->send_headers ? t->send_headers : e->base_headers);
	if (t->send_cookies || e->base_cookies)
		curl_easy_setopt(c, CURLOPT_COOKIE, t->send_cookies ? t->send_cookies : e->base_cookies);
	if (t->req->spec && t->req->spec->method == MC_POST) {
		/* Not copied by libcurl: the request owns the body until the
		 * transfer is done. */
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->req->spec->body_len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, t->req->spec->body ? t->req->spec->body : "");
	} else if (t->req->spec && t->req->spec->method == MC_HEAD) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	/* Pages: redirects are ours (offsite, robots and dedup apply to the
	 * target).  robots.txt: RFC 9309 asks to follow at least five. */
	if (t->req->is_robots) {
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	}
	return c;
}

/* A request answered from the saved pages (replay.h) instead of the network. */
static void replay_transfer(struct engine *e, struct mc_request *r)
{
	const struct mc_request_spec *sp = r->spec;
	enum mc_method method = sp ? sp->method : MC_GET;
	char *body = NULL, *hdr;
	size_t len = 0;
	const char *ctype = NULL;
	char label[LABEL_MAX];
	struct mc_err err;

	r->host->active--;
	if (mc_replay_fetch(e->o->hooks.replay, mc_method_name(method), r->url, sp ? sp->body : NULL,
			    sp ? sp->body_len : 0, &body, &len, &ctype, &err) != 0) {
		const char *what = mc_engine_label(r, label);
		e->stats->status[404]++;
		mc_stats_error(e->stats, what, "http_4xx", 404, MC_END_GONE);
		if (sp && sp->body_len) {
			/* The digest a pages.tsv row needs to match this body
			 * (saved pages are test data; the body itself is not shown). */
			struct mc_sha256 h;
			char hex[65];
			mc_sha256_init(&h);
			mc_sha256_update(&h, sp->body, sp->body_len);
			mc_sha256_final_hex(&h, hex);
			mc_warn("%s (404): %s, body sha256:%s", err.msg, what, hex);
		} else {
			mc_warn("%s (404): %s", err.msg, what);
		}
		mc_request_free(r);
		return;
	}
	if (method == MC_HEAD) { /* headers only, as a live HEAD: an empty body */
		len = 0;
		body[0] = '\0';
	}
	e->stats->status[200]++;
	if (r->is_sitemap) {
		mc_engine_sitemap_done(e, r, body, len);
		free(body);
		mc_request_free(r);
		return;
	}
	hdr = mc_asprintf("Content-Type: %s\n", ctype);
	mc_engine_deliver(e, r, 200, r->url, hdr, body, len, ctype);
}

void mc_engine_start_transfer(struct engine *e, struct mc_request *r, struct mc_proxy *px)
{
	struct transfer *t;
	char label[LABEL_MAX];

	e->stats->requests++;
	r->host->active++;
	if (px) {
		mc_proxy_start(&e->proxies, px, mc_now());
		mc_debug("fetch %s via proxy %s", mc_engine_label(r, label), px->shown);
	} else {
		mc_debug("fetch %s", mc_engine_label(r, label));
	}
	if (e->o->hooks.replay) {
		replay_transfer(e, r);
		return;
	}
	t = mc_calloc(1, sizeof *t);
	t->e = e;
	t->req = r;
	t->proxy = px;
	t->max_bytes = r->is_robots ? ROBOTS_MAX_BYTES : e->o->policy.max_bytes;
	t->max_header_bytes = (size_t)e->o->policy.caps.header_bytes;
	t->started = mc_now();
	mc_buf_init(&t->body, 0);
	mc_buf_init(&t->headers, 64 * 1024);
	if (r->spec) {
		t->send_headers = mc_engine_spec_headers(e, r->spec);
		t->send_cookies = mc_engine_spec_cookies(e, r->spec);
	}
	t->easy = make_easy(e, t);
	if (!t->easy || curl_multi_add_handle(e->multi, t->easy) != CURLM_OK) {
		const char *what = mc_engine_label(r, label);
		mc_error("cannot start a transfer for %s", what);
		mc_stats_error(e->stats, what, "internal", 0, MC_END_FAILED);
		r->host->active--;
		if (px)
			mc_proxy_cancel(px);
		if (t->easy)
			curl_easy_cleanup(t->easy);
		mc_request_free(r);
		transfer_free(t);
		return;
	}
	t->next = e->in_flight;
	if (t->next)
		t->next->prev = t;
	e->in_flight = t;
	e->active++;
}

static void unlink_transfer(struct engine *e, struct transfer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		e->in_flight = t->next;
	if (t->next)
		t->next->prev = t->prev;
}

void mc_engine_abort_in_flight(struct engine *e)
{
	while (e->in_flight) {
		struct transfer *t = e->in_flight;
		unlink_transfer(e, t);
		curl_multi_remove_handle(e->multi, t->easy);
		curl_easy_cleanup(t->easy);
		t->req->host->active--;
		if (t->proxy)
			mc_proxy_cancel(t->proxy);
		char label[LABEL_MAX];
		mc_stats_error(e->stats, mc_engine_label(t->req, label), "aborted", 0, MC_END_STOPPED);
		e->stats->not_made += !t->req->is_robots;
		mc_request_free(t->req);
		transfer_free(t);
	}
	e->active = 0;
}

/* Resends of one request through other proxies, free of --retries. */
#define PROXY_RESENDS 3

/* Why the proxy of a transfer failed it (a cause name), or NULL when it
 * did not: it could not be reached, or it answered 407 (credentials), 502
 * or 503 (for https, to the CONNECT).  Through a proxy a plain-http 502 or
 * 503 cannot be told from the site's own, so it counts against the proxy
 * too (docs/crawling.md, "Proxies"). */
static const char *proxy_cause(CURLcode rc, long status, long connect_code)
{
	long code = connect_code ? connect_code : rc == CURLE_OK ? status : 0;

	if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_PROXY)
		return "proxy_connect_failed";
#if LIBCURL_VERSION_NUM >= 0x074900
	if (rc == CURLE_PROXY)
		return "proxy_connect_failed";
#endif
	if (code == 407)
		return "proxy_auth_required";
	if (code == 502 || code == 503)
		return "proxy_http_5xx";
	return NULL;
}

/* The request of a transfer its proxy failed: sent again at once through
 * another proxy without counting as a retry while one is usable (at most
 * PROXY_RESENDS times and once per proxy of the list), else retried or
 * given up like any failure.
 * Logs and error stats name the proxy, masked. */
static void proxy_failed(struct engine *e, struct transfer *t, const char *cause, long status,
			 double bench)
{
	struct mc_request *r = t->req;
	char label[LABEL_MAX], what[LABEL_MAX + MC_PROXY_SHOWN_MAX + 16];
	double now = mc_now();

	e->stats->proxy_failures++;
	snprintf(what, sizeof what, "%s via proxy %s", mc_engine_label(r, label), t->proxy->shown);
	if (bench > 0)
		mc_warn("proxy %s failed (%s%s%s): benched for %.0f s", t->proxy->shown, cause,
			t->error[0] ? ": " : "", t->error, bench);
	if (!e->stop_scheduling && r->proxy_fails < PROXY_RESENDS &&
	    r->proxy_fails < (int)e->proxies.n &&
	    mc_proxy_pick(&e->proxies, now)) {
		r->proxy_fails++;
		r->not_before = now;
		mc_info("%s: %s, sending it through another proxy", what, cause);
		mc_heap_push(&e->delayed, r);
		return;
	}
	mc_engine_retry_or_fail(e, r, cause, status, -1, what);
}

void mc_engine_transfer_done(struct engine *e, CURL *easy, CURLcode rc)
{
	struct transfer *t = NULL;
	struct mc_request *r;
	long status = 0;
	char *eff = NULL;
	char *ctype = NULL;
	bool retryable;
	char label[LABEL_MAX];

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
	mc_mask_credentials(t->error); /* libcurl may quote a proxy URL */
	curl_multi_remove_handle(e->multi, easy);
	unlink_transfer(e, t);
	e->active--;
	r = t->req;
	r->host->active--;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &eff);
	curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ctype);
	mc_engine_autothrottle(e, r->host, mc_now() - t->started, status);
	if (t->proxy) {
		long connect_code = 0;
		curl_easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
		const char *pc = proxy_cause(rc, status, connect_code);
		double bench = mc_proxy_done(t->proxy, pc != NULL, mc_now());
		if (pc) {
			if (status > 0 && status < 600)
				e->stats->status[status]++;
			proxy_failed(e, t, pc, connect_code ? connect_code : status, bench);
			goto out;
		}
	}

	if (t->private_addr[0]) {
		/* Policy, like an offsite link: counted, not a lost page.  A
		 * robots.txt that redirects there is as none (allow all). */
		const char *what = mc_engine_label(r, label);
		char *url = NULL;
		curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &url);
		mc_engine_private_refused(e, url ? url : what, t->private_addr);
		mc_stats_error(e->stats, what, "private_address", 0, MC_END_REFUSED);
		if (r->is_robots) {
			r->host->robots = mc_robots_allow_all();
			r->host->robots_state = MC_ROBOTS_READY;
		}
		mc_request_free(r);
		goto out;
	}
	if (rc != CURLE_OK) {
		const char *cause = t->headers_too_large ?
					    "headers_too_large" :
					    mc_engine_curl_cause(rc, t->too_large, &retryable);
		if (t->headers_too_large) {
			retryable = false;
			if (t->max_header_bytes % 1024 == 0)
				snprintf(t->error, sizeof t->error,
					 "the response's header and trailer lines passed %zu KiB, the cap per "
					 "response", t->max_header_bytes / 1024);
			else
				snprintf(t->error, sizeof t->error,
					 "the response's header and trailer lines passed %zu bytes, the cap "
					 "per response", t->max_header_bytes);
		}
		if (retryable)
			mc_engine_retry_or_fail(e, r, cause, 0, -1, NULL);
		else {
			/* Oversize robots.txt cannot happen (we cut it); others fail. */
			const char *what = mc_engine_label(r, label);
			mc_stats_error(e->stats, what, cause, 0, MC_END_FAILED);
			mc_warn("%s: %s (%s)", what, cause,
				t->error[0] ? t->error : curl_easy_strerror(rc));
			if (r->is_robots) {
				r->host->robots = mc_robots_disallow_all();
				r->host->robots_state = MC_ROBOTS_READY;
			}
			mc_request_free(r);
		}
		goto out;
	}
	e->stats->bytes += (long)t->body.len;
	/* robots.txt: 4xx means allow all, except 429, which like 5xx means
	 * "unreachable" (retried, then disallow all). */
	if (mc_engine_is_retry_code(e->o, status) && !(r->is_robots && status < 500 && status != 429)) {
		e->stats->status[status]++;
		mc_engine_retry_or_fail(e, r, r->is_robots ? "robots_5xx" : mc_engine_http_cause(status), status,
					mc_engine_retry_after_s(t->headers.data), NULL);
		goto out;
	}
	if (status > 0 && status < 600)
		e->stats->status[status]++;
	if (r->is_robots) {
		if (status >= 500) {
			mc_engine_retry_or_fail(e, r, "robots_5xx", status, mc_engine_retry_after_s(t->headers.data), NULL);
			goto out;
		}
		mc_engine_robots_done(e, r, status, t->body.data ? t->body.data : "", t->body.len);
		goto out;
	}
	if (status >= 300 && status < 400) {
		mc_engine_follow_redirect(e, r, eff, easy, status);
		goto out;
	}
	if (r->is_sitemap && status >= 200 && status < 300) {
		mc_engine_sitemap_done(e, r, t->body.data ? t->body.data : "", t->body.len);
		mc_request_free(r);
		goto out;
	}
	if (status < 200 || status >= 300) {
		/* 404 and 410 are answers ("the page is gone"); the rest lost a page. */
		const char *what = mc_engine_label(r, label);
		mc_stats_error(e->stats, what, mc_engine_http_cause(status), status,
			       status == 404 || status == 410 ? MC_END_GONE : MC_END_FAILED);
		mc_info("HTTP %ld: %s", status, what);
		mc_request_free(r);
		goto out;
	}
	size_t len = t->body.len;
	char *body = mc_buf_detach(&t->body, NULL);
	mc_engine_deliver(e, r, status, eff ? eff : r->url, mc_buf_detach(&t->headers, NULL), body, len, ctype);
out:
	curl_easy_cleanup(easy);
	transfer_free(t);
}
