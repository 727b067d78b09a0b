/*
 * The request options of `fetch` and `parse` (--method, --request-body,
 * --content-type, --header, --cookie, --data): one parser, so the start
 * request of either command is shaped the same way a spider shapes one
 * with struct mc_follow_opts.
 */
#ifndef MC_REQUEST_CLI_H
#define MC_REQUEST_CLI_H

#include <stdio.h>

#include "marketcrawl/spider.h"

struct mc_request_cli {
	struct mc_follow_opts opts; /* its strings point into argv and below */
	const char **headers;       /* NULL-terminated, strings from argv (array owned) */
	const char **cookies;       /* the same */
	char *body;                 /* the bytes of --request-body @FILE (owned) */
};

/*
 * Take the request options out of argv (the others stay, in order, and
 * *argc shrinks) into `rc`.  --request-body without --method means POST.
 * Returns 0, or -1 after printing the problem (usage error), never with a
 * header or cookie value.  Release with mc_request_cli_release either way.
 */
int mc_request_cli_take(struct mc_request_cli *rc, int *argc, char **argv, const char *cmd);
void mc_request_cli_release(struct mc_request_cli *rc);
/* The help lines of these options. */
void mc_request_cli_help(FILE *out);

#endif
