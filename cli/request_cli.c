/*
 * Request options of `fetch` and `parse` (request_cli.h).  Checked here
 * with the engine's own rules (mc_request_spec_from), so a bad header is a
 * usage error before anything is sent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "crawler/request.h"
#include "cli/request_cli.h"

void mc_request_cli_help(FILE *out)
{
	fputs("request options (how the page is asked for):\n"
	      "  --method M              GET (default), POST or HEAD\n"
	      "  --request-body TEXT     the POST body, or @FILE for a file's bytes (implies POST)\n"
	      "  --content-type TYPE     of the body (default application/x-www-form-urlencoded)\n"
	      "  -H, --header 'N: v'     an extra request header (repeatable)\n"
	      "  --cookie 'name=value'   a cookie to send (repeatable)\n"
	      "  --data TEXT             what mc_response_data gives the callback\n"
	      "Bodies and cookie values are never printed or logged.\n\n",
	      out);
}

static const char **push(const char **list, const char *s)
{
	size_t n = 0;

	while (list && list[n])
		n++;
	list = mc_realloc(list, (n + 2) * sizeof *list);
	list[n] = s;
	list[n + 1] = NULL;
	return list;
}

/* The bytes of `path` into rc->body; -1 after a message. */
static int read_body(struct mc_request_cli *rc, const char *path, const char *cmd)
{
	FILE *f = fopen(path, "rb");
	struct mc_buf b;
	char chunk[65536];
	size_t n;

	if (!f) {
		fprintf(stderr, "marketcrawl %s: --request-body: cannot read %s: %s\n", cmd, path,
			strerror(errno));
		return -1;
	}
	mc_buf_init(&b, 0);
	for (n = fread(chunk, 1, sizeof chunk, f); n > 0; n = fread(chunk, 1, sizeof chunk, f))
		mc_buf_add(&b, chunk, n);
	fclose(f);
	free(rc->body);
	rc->body = mc_buf_detach(&b, &rc->opts.body_len);
	if (!rc->body)
		rc->body = mc_strdup("");
	rc->opts.body = rc->body;
	return 0;
}

static int method_of(const char *v, enum mc_method *m)
{
	if (strcmp(v, "GET") == 0)
		*m = MC_GET;
	else if (strcmp(v, "POST") == 0)
		*m = MC_POST;
	else if (strcmp(v, "HEAD") == 0)
		*m = MC_HEAD;
	else
		return -1;
	return 0;
}

int mc_request_cli_take(struct mc_request_cli *rc, int *argc, char **argv, const char *cmd)
{
	bool method_given = false;
	struct mc_request_spec *spec;
	char why[256];
	int w = 0;

	memset(rc, 0, sizeof *rc);
	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i];
		bool known = strcmp(a, "--method") == 0 || strcmp(a, "--request-body") == 0 ||
			     strcmp(a, "--content-type") == 0 || strcmp(a, "-H") == 0 ||
			     strcmp(a, "--header") == 0 || strcmp(a, "--cookie") == 0 ||
			     strcmp(a, "--data") == 0;
		if (!known) {
			argv[w++] = argv[i];
			continue;
		}
		if (i + 1 >= *argc) {
			fprintf(stderr, "marketcrawl %s: %s needs an argument\n", cmd, a);
			return -1;
		}
		const char *v = argv[++i];
		if (strcmp(a, "--method") == 0) {
			if (method_of(v, &rc->opts.method) != 0) {
				fprintf(stderr, "marketcrawl %s: --method is GET, POST or HEAD, not '%s'\n",
					cmd, v);
				return -1;
			}
			method_given = true;
		} else if (strcmp(a, "--request-body") == 0) {
			if (v[0] == '@') {
				if (read_body(rc, v + 1, cmd) != 0)
					return -1;
			} else {
				rc->opts.body = v;
				rc->opts.body_len = strlen(v);
			}
		} else if (strcmp(a, "--content-type") == 0) {
			rc->opts.content_type = v;
		} else if (strcmp(a, "--cookie") == 0) {
			rc->cookies = push(rc->cookies, v);
		} else if (strcmp(a, "--data") == 0) {
			rc->opts.data = v;
		} else {
			rc->headers = push(rc->headers, v);
		}
	}
	*argc = w;
	if (rc->opts.body && !method_given)
		rc->opts.method = MC_POST;
	rc->opts.headers = rc->headers;
	rc->opts.cookies = rc->cookies;
	if (mc_request_spec_from(&rc->opts, &spec, why, sizeof why) != 0) {
		fprintf(stderr, "marketcrawl %s: %s\n", cmd, why);
		return -1;
	}
	mc_request_spec_free(spec);
	return 0;
}

void mc_request_cli_release(struct mc_request_cli *rc)
{
	free(rc->headers);
	free(rc->cookies);
	free(rc->body);
	memset(rc, 0, sizeof *rc);
}
