/*
 * Replay of saved pages for offline spider tests: a map from requests to
 * files, read from tests/spiders/NAME/pages.tsv, one row per request:
 *
 *     URL<TAB>FILE[<TAB>CONTENT-TYPE[<TAB>METHOD[<TAB>BODY]]]
 *
 * CONTENT-TYPE empty or "-" means text/html; METHOD is GET (the default,
 * also for "" or "-"), POST or HEAD; BODY is the exact request body a row
 * answers: "sha256:HEX" (its digest) or the name of a file under the pages
 * directory holding it ("" or "-": no body).  Rows of three columns are
 * what the format always was.  The engine answers requests from the map
 * instead of the network: a request that matches a row's method, URL and
 * body gets 200 and the file, any other 404.
 */
#ifndef MC_REPLAY_H
#define MC_REPLAY_H

#include <stddef.h>

#include "base/error.h"

struct mc_replay;

/* Load `tsv`; FILE and body-file paths are relative to `pages_dir`.  NULL
 * with `err` naming the file and line of the problem. */
struct mc_replay *mc_replay_load(const char *tsv, const char *pages_dir, struct mc_err *err);
void mc_replay_free(struct mc_replay *r);

/*
 * Look up the request `method` ("GET", "POST", "HEAD") `url` (normalised)
 * with `req_len` bytes of body at `req_body` (NULL/0: none).  On a hit
 * returns 0, a new buffer with the file's bytes in `*body` (caller frees),
 * its length and its content type (owned by the map).  Returns -1 with
 * `err` saying "not in the saved pages" when no row matches, or why the
 * row's file cannot be read.
 */
int mc_replay_fetch(const struct mc_replay *r, const char *method, const char *url,
		    const void *req_body, size_t req_len, char **body, size_t *len,
		    const char **content_type, struct mc_err *err);

#endif
