/*
 * The delivery channels of `marketcrawl alerts --deliver` (cli/alert_send.h):
 * stdout, a command fed the JSON on stdin, and a webhook POST through
 * libcurl.  Each says "delivered" only when it knows: the line was flushed,
 * the command exited 0, the receiver answered 2xx.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cli/alert_send.h"

int mc_alert_send_stdout(void *ctx, const struct mc_alert_msg *a, struct mc_err *err)
{
	(void)ctx;
	if (printf("[%s] %s\n", a->kind, a->message) < 0 || fflush(stdout) != 0)
		return mc_err_set(err, "writing to stdout: %m");
	return 0;
}

/* Write all of `s` to `fd`; a reader that went away (EPIPE) is not an
 * error here: the command's exit status decides. */
static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

int mc_alert_send_exec(void *ctx, const struct mc_alert_msg *a, struct mc_err *err)
{
	const char *cmd = ctx;
	void (*old_pipe)(int);
	int fds[2], status;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) != 0)
		return mc_err_set(err, "--exec '%s': pipe: %m", cmd);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return mc_err_set(err, "--exec '%s': fork: %m", cmd);
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		setenv("MARKETCRAWL_ALERT_ID", a->id, 1);
		setenv("MARKETCRAWL_ALERT_KIND", a->kind, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	old_pipe = signal(SIGPIPE, SIG_IGN);
	write_all(fds[1], a->json, strlen(a->json));
	write_all(fds[1], "\n", 1);
	close(fds[1]);
	signal(SIGPIPE, old_pipe);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return mc_err_set(err, "--exec '%s': waitpid: %m", cmd);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return mc_err_set(err, "--exec '%s' exited with status %d", cmd, WEXITSTATUS(status));
	return mc_err_set(err, "--exec '%s' was killed by signal %d", cmd,
			  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* The receiver's answer is not needed: read and drop it. */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* The scheme and host of `url`, without user, password, path or query:
 * a webhook's URL is its secret (Slack's and Discord's carry a token), so
 * messages name only where it goes. */
static void url_origin(const char *url, char *out, size_t outsz)
{
	const char *host = strstr(url, "://");
	size_t scheme = host ? (size_t)(host - url) + 3 : 0;
	const char *end, *at;

	host = url + scheme;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	snprintf(out, outsz, "%.*s%.*s", (int)scheme, url, (int)(end - host), host);
}

int mc_webhook_open(struct mc_webhook *w, const char *url, long timeout_s, struct mc_err *err)
{
	struct curl_slist *h = NULL;
	CURL *c;

	*w = (struct mc_webhook){"", timeout_s, NULL, NULL};
	url_origin(url, w->origin, sizeof w->origin);
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
		return mc_err_set(err, "--webhook %s: not an http or https URL", w->origin);
	c = curl_easy_init();
	if (!c)
		return mc_err_set(err, "--webhook %s: cannot set up libcurl", w->origin);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (!h || curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
		curl_slist_free_all(h);
		curl_easy_cleanup(c);
		return mc_err_set(err, "--webhook %s: libcurl refuses the URL", w->origin);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "marketcrawl-alerts");
	w->curl = c;
	w->headers = h;
	return 0;
}

int mc_alert_send_webhook(void *ctx, const struct mc_alert_msg *a, struct mc_err *err)
{
	struct mc_webhook *w = ctx;
	char why[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;

	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(a->json));
	curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, a->json);
	rc = curl_easy_perform(w->curl);
	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK)
		return mc_err_set(err, "--webhook %s: %s", w->origin,
				  why[0] ? why : curl_easy_strerror(rc));
	curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299)
		return mc_err_set(err, "--webhook %s answered HTTP %ld", w->origin, code);
	return 0;
}

void mc_webhook_close(struct mc_webhook *w)
{
	curl_slist_free_all(w->headers);
	curl_easy_cleanup(w->curl);
	w->curl = w->headers = NULL;
}
