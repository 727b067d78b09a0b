/*
 * The request model end to end over real sockets: the engine, driven with
 * a spider written for the test, against the fixture server
 * (build/tests/httpd, started here), whose /echo answers with what it
 * received and whose FILE.rules refuse what lacks a header, cookie or
 * body.  Checked: a POST's JSON body byte for byte with its content type,
 * a form body, HEAD, spider and region headers and cookies and their
 * per-request overrides, the Set-Cookie jar across transfers and parser
 * threads (--workers 2), duplicate filtering on method and body, a 303
 * after a POST, a bad header refused, that a debug log of the run
 * holds neither a body nor a cookie value, and the spider's `proxy`
 * setting (the server acting as a proxy) and what replaces it.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "crawler/engine.h"
#include "base/alloc.h"
#include "crawler/library_hooks.h"
#include "base/buf.h"
#include "base/log.h"
#include "testlib.h"

static char dir[] = "/tmp/mc-requests-XXXXXX";
static pid_t httpd_pid;

/* What the callbacks saw: one malloc'd string per response, in any order
 * (parser threads), guarded by `lock`. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *seen[64];
static int nseen;

static const char json_body[] = "{\"query\":\"query Q($id: ID!) { p(id: $id) }\","
				"\"variables\":{\"id\":\"caf\xc3\xa9 \\\"42\\\"\"}}";
static const char json_body2[] = "{\"query\":\"other\"}";

static void write_file(const char *name, const char *text)
{
	char *path = mc_asprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	free(path);
}

static void keep(const char *what)
{
	pthread_mutex_lock(&lock);
	if (nseen < (int)(sizeof seen / sizeof seen[0]))
		seen[nseen++] = strdup(what);
	pthread_mutex_unlock(&lock);
}

/* /echo answers: keep the JSON text (the response's, copied). */
static void echo_cb(struct mc_response *res)
{
	size_t len;
	const char *body = mc_response_body(res, &len);

	keep(len ? body : "(empty)");
}

static void head_cb(struct mc_response *res)
{
	size_t len;

	mc_response_body(res, &len);
	keep(len == 0 ? "HEAD: empty body" : "HEAD: a body");
}

static void api_cb(struct mc_response *res)
{
	json_t *j = mc_response_json(res);

	keep(json_is_object(j) && json_object_get(j, "items") ? "api: JSON read" : "api: no JSON");
}

static void start(struct mc_response *res)
{
	static const char *const req_headers[] = {"X-Req: 1", NULL};
	static const char *const req_cookies[] = {"req_c=req-cookie-value-77", NULL};
	static const char *const override_headers[] = {"Accept-Language: fr", NULL};
	static const char *const override_cookies[] = {"lang=fr", NULL};
	static const char *const bad_headers[] = {"X-Bad: a\r\nInjected: 1", NULL};
	static const struct mc_param form[] = {{"q", "red shoes"}, {"page", "2"}, {"skip", NULL},
					       {NULL, NULL}};
	struct mc_follow_opts post = {.method = MC_POST, .body = json_body,
				      .content_type = "application/json", .headers = req_headers,
				      .cookies = req_cookies};
	struct mc_follow_opts post2 = {.method = MC_POST, .body = json_body2,
				       .content_type = "application/json"};
	struct mc_follow_opts form_post = {.method = MC_POST, .body = mc_form_body(res, form)};
	struct mc_follow_opts head = {.method = MC_HEAD};
	struct mc_follow_opts override = {.headers = override_headers, .cookies = override_cookies};
	struct mc_follow_opts bad = {.headers = bad_headers};
	struct mc_follow_opts body_on_get = {.body = "x"};
	struct mc_follow_opts api = {.method = MC_POST, .body = "{\"want\":\"items\"}",
				     .content_type = "application/json"};
	struct mc_follow_opts bare_post = {.method = MC_POST, .body = "a=1"};

	mc_follow(res, "/echo/json", echo_cb, &post);
	mc_follow(res, "/echo/json", echo_cb, &post2);
	mc_follow(res, "/echo/json", echo_cb, &post);      /* same method, URL, body: duplicate */
	mc_follow(res, "/echo/form", echo_cb, &form_post);
	mc_follow(res, "/echo/plain", echo_cb, NULL);
	mc_follow(res, "/echo/plain", echo_cb, NULL);      /* duplicate */
	mc_follow(res, "/echo/plain", echo_cb, &head);     /* HEAD is another request */
	mc_follow(res, "/echo/head", head_cb, &head);
	mc_follow(res, "/echo/override", echo_cb, &override);
	mc_follow(res, "/echo/bad", echo_cb, &bad);        /* refused: CR/LF in a header */
	mc_follow(res, "/echo/bad2", echo_cb, &body_on_get); /* refused: a body needs POST */
	mc_follow(res, "/see-other.html", echo_cb, &bare_post); /* 303 → GET /echo/after303 */
	mc_follow(res, "/api.json", api_cb, &api);
}

static const char *const spider_headers[] = {"X-Api-Key: k1", "Accept-Language: en", NULL};
static const char *const spider_cookies[] = {"birthtime=0", "lang=en", NULL};
static const char *const de_headers[] = {"Accept-Language: de", NULL};
static const char *const de_cookies[] = {"lang=de", NULL};
static const struct mc_region regions[] = {
	{.code = "de", .headers = de_headers, .cookies = de_cookies, .currency = "EUR"},
	{.code = NULL},
};
/* A GraphQL-like store whose start POST names the country: region se's
 * start requests carry se's body, not the spider's. */
static const struct mc_follow_opts spider_start = {.method = MC_POST, .body = "{\"country\":\"US\"}",
						   .content_type = "application/json"};
static const struct mc_follow_opts se_start = {.method = MC_POST, .body = "{\"country\":\"SE\"}",
					       .content_type = "application/json"};
static const struct mc_region post_regions[] = {
	{.code = "us"},
	{.code = "se", .start_opts = &se_start},
	{.code = NULL},
};
static const struct mc_spider post_spider = {
	.name = "posts",
	.marketplace = "posts",
	.parse = echo_cb,
	.start_opts = &spider_start,
	.regions = post_regions,
};

static const struct mc_spider spider = {
	.name = "requests",
	.marketplace = "requests",
	.parse = start,
	.headers = spider_headers,
	.cookies = spider_cookies,
	.regions = regions,
};

static int start_httpd(int *port)
{
	const char *bin = getenv("MC_HTTPD") ? getenv("MC_HTTPD") : "build/tests/httpd";
	char *portfile = mc_asprintf("%s.port", dir), *log = mc_asprintf("%s.log", dir);
	FILE *f = NULL;

	httpd_pid = fork();
	if (httpd_pid == 0) {
		execl(bin, bin, "-r", dir, "-p", portfile, "-l", log, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && !f; i++) {
		f = fopen(portfile, "r");
		if (!f)
			usleep(20000);
	}
	*port = 0;
	if (f) {
		if (fscanf(f, "%d", port) != 1)
			*port = 0;
		fclose(f);
	}
	free(portfile);
	free(log);
	return *port > 0 ? 0 : -1;
}

/* The whole of a small file, or "" (caller frees). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct mc_buf b;
	char chunk[4096];
	size_t n;

	mc_buf_init(&b, 0);
	mc_buf_adds(&b, "");
	for (n = f ? fread(chunk, 1, sizeof chunk, f) : 0; n > 0; n = fread(chunk, 1, sizeof chunk, f))
		mc_buf_add(&b, chunk, n);
	if (f)
		fclose(f);
	return mc_buf_detach(&b, NULL);
}

/* The echo record whose target is `target`, parsed (caller decrefs), and
 * how many there were. */
static json_t *record(const char *target, int *count)
{
	json_t *found = NULL;

	*count = 0;
	for (int i = 0; i < nseen; i++) {
		json_t *j = json_loads(seen[i], 0, NULL);
		const char *t = json_string_value(json_object_get(j, "target"));
		if (t && strcmp(t, target) == 0) {
			(*count)++;
			if (!found) {
				found = j;
				continue;
			}
		}
		json_decref(j);
	}
	return found;
}

/* Every value of header `name` in an echo record, joined by '|'. */
static char *header(json_t *rec, const char *name, char *out, size_t outsz)
{
	size_t i;
	json_t *pair;

	out[0] = '\0';
	json_array_foreach(json_object_get(rec, "headers"), i, pair) {
		if (strcasecmp(json_string_value(json_array_get(pair, 0)), name) != 0)
			continue;
		size_t len = strlen(out);
		snprintf(out + len, outsz - len, "%s%s", len ? "|" : "",
			 json_string_value(json_array_get(pair, 1)));
	}
	return out;
}

/* The cookies of an echo record as "a=1; b=2", sorted by name. */
static char *cookies(json_t *rec, char *out, size_t outsz)
{
	json_t *list = json_object_get(rec, "cookies");
	size_t n = json_array_size(list);
	const char *names[16];

	out[0] = '\0';
	for (size_t i = 0; i < n && i < 16; i++)
		names[i] = json_string_value(json_array_get(json_array_get(list, i), 0));
	for (size_t i = 0; i < n && i < 16; i++) {
		size_t best = 0;
		for (size_t k = 0; k < n && k < 16; k++)
			if (names[k] && (!names[best] || strcmp(names[k], names[best]) < 0))
				best = k;
		size_t len = strlen(out);
		snprintf(out + len, outsz - len, "%s%s=%s", len ? "; " : "", names[best],
			 json_string_value(json_array_get(json_array_get(list, best), 1)));
		names[best] = NULL;
	}
	return out;
}

/* Crawl `url` with post_spider for region `code`; the start request's echo. */
static json_t *region_start(const char *url, const char *code)
{
	const char *starts[] = {url, NULL};
	struct mc_crawl_opts o;
	struct mc_crawl_result r;
	int n;
	json_t *rec;

	nseen = 0;
	mc_crawl_opts_defaults(&o, &post_spider);
	o.region = &post_regions[strcmp(code, "se") == 0];
	o.start_urls = starts;
	o.out.items_out = tmpfile();
	o.policy.delay_ms = 0;
	o.policy.max_retries = 0;
	mc_crawl_run(&o, &r);
	fclose(o.out.items_out);
	mc_crawl_result_release(&r);
	rec = record("/echo/region", &n);
	CHECK_INT(n, 1, "one start request");
	for (int i = 0; i < nseen; i++)
		free(seen[i]);
	nseen = 0;
	return rec;
}

/*
 * The spider's `proxy` setting, against the fixture server acting as a
 * proxy: a host that does not resolve is reached through it, with the
 * proxy's credentials; the caller's proxies replace the spider's.
 */
static void test_spider_proxy(int port)
{
	static const char *const starts[] = {"http://shop.unreachable.test/echo/spider-proxy", NULL};
	static const char *const direct_starts[] = {"http://shop.unreachable.test/echo/option-proxy",
						   NULL};
	char *own = mc_asprintf("http://u:pw@127.0.0.1:%d", port);
	char *given = mc_asprintf("http://127.0.0.1:%d/", port);
	const char *const given_list[] = {given, NULL};
	struct mc_spider sp = {.name = "proxytest", .marketplace = "proxytest",
			       .start_urls = starts, .parse = echo_cb};
	struct mc_crawl_opts o;
	struct mc_crawl_result r;
	char buf[256];
	json_t *rec;
	int n;

	sp.settings.proxy = own;
	mc_crawl_opts_defaults(&o, &sp);
	o.out.items_out = tmpfile();
	o.policy.delay_ms = 0;
	o.policy.max_retries = 0;
	mc_crawl_run(&o, &r);
	rec = record("http://shop.unreachable.test/echo/spider-proxy", &n);
	CHECK_INT(n, 1, "the spider's proxy reached a host that does not resolve");
	CHECK_STR(header(rec, "Proxy-Authorization", buf, sizeof buf), "Basic dTpwdw==",
		  "with the credentials of the spider's proxy URL");
	snprintf(buf, sizeof buf, "http://***@127.0.0.1:%d", port);
	CHECK(r.stats.nproxies == 1 && strcmp(r.stats.proxies[0].shown, buf) == 0,
	      "the stats name it masked: %s", r.stats.proxies[0].shown);
	json_decref(rec);
	mc_crawl_result_release(&r);
	fclose(o.out.items_out);

	o.out.items_out = tmpfile();
	o.start_urls = direct_starts;
	o.policy.proxies = given_list;
	mc_crawl_run(&o, &r);
	rec = record("http://shop.unreachable.test/echo/option-proxy", &n);
	CHECK_INT(n, 1, "a caller's proxy list replaces the spider's proxy");
	CHECK_STR(header(rec, "Proxy-Authorization", buf, sizeof buf), "",
		  "so the spider's credentials are not sent");
	json_decref(rec);
	mc_crawl_result_release(&r);
	fclose(o.out.items_out);
	free(own);
	free(given);
}

int main(void)
{
	struct mc_crawl_opts o;
	struct mc_crawl_result r;
	char url[128], buf[512];
	int port, n, saved_err;
	json_t *rec;

	mc_library_hooks_install();
	xmlInitParser();
	CHECK(mkdtemp(dir) != NULL, "temp dir");
	write_file("robots.txt", "User-agent: *\nAllow: /\n");
	write_file("start.html", "<html><body>start</body></html>");
	write_file("start.html.headers", "Set-Cookie: session=s3cr3t-session; Path=/\n");
	write_file("see-other.html", "see other");
	write_file("see-other.html.headers", "Status: 303\nLocation: /echo/after303\n");
	write_file("api.json", "{\"items\":[]}");
	write_file("api.json.rules", "Method: POST\nHeader: X-Api-Key: k1\nCookie: birthtime=0\n"
				     "Cookie: session=s3cr3t-session\nHeader: Content-Type: application/json\n"
				     "Body: {\"want\":\"items\"}\n");
	CHECK_INT(start_httpd(&port), 0, "fixture server started");
	snprintf(url, sizeof url, "http://127.0.0.1:%d/start.html", port);
	const char *starts[] = {url, NULL};

	mc_crawl_opts_defaults(&o, &spider);
	CHECK_STR(o.region ? o.region->code : NULL, "de", "a spider with regions runs its first by default");
	o.start_urls = starts;
	o.out.items_out = tmpfile();
	o.policy.delay_ms = 0;
	o.policy.jitter_pct = 0;
	o.policy.concurrency = 4;
	o.policy.per_host = 4;
	o.policy.workers = 2;
	o.policy.max_retries = 0;
	/* The run's whole stderr, at debug level, into a file. */
	char *errlog = mc_asprintf("%s.stderr", dir);
	fflush(stderr);
	saved_err = dup(2);
	int fd = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	mc_log_set_level(MC_LOG_DEBUG);
	mc_crawl_run(&o, &r);
	mc_log_set_level(MC_LOG_INFO);
	fflush(stderr);
	dup2(saved_err, 2);
	close(saved_err);
	fclose(o.out.items_out);

	CHECK_INT(r.stats.responses, 10, "ten responses reached callbacks");
	CHECK_INT(r.stats.duplicates, 2, "the same POST body and the same GET: two duplicates");
	CHECK_INT(r.stats.bad_links, 2, "a header with CR/LF and a body on a GET: refused");

	rec = record("/echo/json", &n);
	CHECK_INT(n, 2, "two POSTs to one URL with different bodies are two requests");
	json_decref(rec);
	int matched = 0;
	for (int i = 0; i < nseen; i++) {
		json_t *j = json_loads(seen[i], 0, NULL);
		const char *b = json_string_value(json_object_get(j, "body"));
		if (b && strcmp(json_string_value(json_object_get(j, "target")), "/echo/json") == 0 &&
		    strstr(b, "query Q")) {
			matched++;
			CHECK_STR(b, json_body, "the JSON body reached the server byte for byte");
			CHECK_STR(header(j, "Content-Type", buf, sizeof buf), "application/json",
				  "with its content type, once");
			CHECK_STR(header(j, "X-Req", buf, sizeof buf), "1", "the request's own header");
			CHECK_STR(header(j, "Expect", buf, sizeof buf), "", "no Expect: 100-continue");
			CHECK_STR(cookies(j, buf, sizeof buf),
				  "birthtime=0; lang=de; req_c=req-cookie-value-77; session=s3cr3t-session",
				  "spider, region, request and jar cookies");
		}
		json_decref(j);
	}
	CHECK_INT(matched, 1, "the first POST's echo found");
	rec = record("/echo/form", &n);
	CHECK_STR(json_string_value(json_object_get(rec, "body")), "q=red+shoes&page=2",
		  "mc_form_body: encoded, NULL values left out");
	CHECK_STR(header(rec, "Content-Type", buf, sizeof buf), "application/x-www-form-urlencoded",
		  "a body without a content type is a form");
	json_decref(rec);
	rec = record("/echo/plain", &n);
	CHECK_INT(n, 1, "the same GET twice is one request");
	CHECK_STR(json_string_value(json_object_get(rec, "method")), "GET", "a plain GET");
	CHECK_STR(header(rec, "X-Api-Key", buf, sizeof buf), "k1", "the spider's header");
	CHECK_STR(header(rec, "Accept-Language", buf, sizeof buf), "de",
		  "the region's header replaces the spider's of the same name");
	CHECK_STR(cookies(rec, buf, sizeof buf), "birthtime=0; lang=de; session=s3cr3t-session",
		  "Set-Cookie of the start page sent with a later transfer (parser threads)");
	json_decref(rec);
	rec = record("/echo/override", &n);
	CHECK_STR(header(rec, "Accept-Language", buf, sizeof buf), "fr",
		  "a request header replaces the defaults of the same name");
	CHECK_STR(cookies(rec, buf, sizeof buf), "birthtime=0; lang=fr; session=s3cr3t-session",
		  "a request cookie replaces the defaults of the same name");
	json_decref(rec);
	rec = record("/echo/after303", &n);
	CHECK(rec && strcmp(json_string_value(json_object_get(rec, "method")), "GET") == 0 &&
		      json_integer_value(json_object_get(rec, "body_bytes")) == 0,
	      "a POST answered 303 is followed with a GET without body");
	json_decref(rec);
	int heads = 0, api = 0;
	for (int i = 0; i < nseen; i++) {
		heads += strcmp(seen[i], "HEAD: empty body") == 0;
		api += strcmp(seen[i], "api: JSON read") == 0;
	}
	CHECK_INT(heads, 1, "HEAD: the callback sees an empty body");
	CHECK_INT(api, 1, "rules of the API (method, header, cookies, content type, body) all met; "
			  "mc_response_json read the answer");

	char *srvlog_path = mc_asprintf("%s.log", dir);
	char *srvlog = slurp(srvlog_path);
	CHECK(strstr(srvlog, "HEAD /echo/plain 200 0\n") && strstr(srvlog, "HEAD /echo/head 200 0\n"),
	      "the server saw the HEAD requests");
	CHECK(strstr(srvlog, "POST /see-other.html 303") && !strstr(srvlog, "/echo/bad"),
	      "the server saw the 303; refused requests were never sent");
	char *log = slurp(errlog);
	snprintf(buf, sizeof buf, "fetch POST http://127.0.0.1:%d/echo/json (%zu-byte body)", port,
		 strlen(json_body));
	CHECK(strstr(log, buf) != NULL, "the debug log names a POST by method, URL and body size");
	CHECK(strstr(log, "s3cr3t") == NULL && strstr(log, "req-cookie-value") == NULL &&
		      strstr(log, "birthtime=") == NULL,
	      "no cookie value in the debug log");
	CHECK(strstr(log, "query Q") == NULL && strstr(log, "red+shoes") == NULL &&
		      strstr(log, "want") == NULL,
	      "no request body in the debug log");
	CHECK(strstr(log, "header X-Bad has a control character") != NULL && strstr(log, "Injected") == NULL,
	      "a refused header is named, its value is not shown");
	free(log);
	free(srvlog);
	free(srvlog_path);
	free(errlog);
	mc_crawl_result_release(&r);
	for (int i = 0; i < nseen; i++)
		free(seen[i]);
	nseen = 0;

	snprintf(url, sizeof url, "http://127.0.0.1:%d/echo/region", port);
	rec = region_start(url, "se");
	CHECK_STR(json_string_value(json_object_get(rec, "body")), "{\"country\":\"SE\"}",
		  "a region's start_opts: its own start POST body");
	json_decref(rec);
	rec = region_start(url, "us");
	CHECK_STR(json_string_value(json_object_get(rec, "body")), "{\"country\":\"US\"}",
		  "a region without start_opts: the spider's");
	json_decref(rec);
	test_spider_proxy(port);

	kill(httpd_pid, SIGTERM);
	int status = 0;
	waitpid(httpd_pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fixture server stopped cleanly");
	char *cmd = mc_asprintf("rm -rf '%s' '%s'.*", dir, dir);
	CHECK_INT(system(cmd), 0, "cleanup");
	free(cmd);
	return tl_exit_status();
}
