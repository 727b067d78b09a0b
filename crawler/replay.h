/*
 * Replay of saved pages for offline spider tests: a map from URL to a file
 * (tests/spiders/NAME/pages.tsv: "URL<TAB>FILE[<TAB>CONTENT-TYPE]").  The
 * engine answers requests from it instead of the network: listed URLs
 * with 200 and the file, others with 404.
 */
#ifndef MC_REPLAY_H
#define MC_REPLAY_H

#include <stddef.h>

struct mc_replay;

/* Load `tsv`; FILE paths are relative to `pages_dir`.  NULL after logging
 * the file and line of the problem. */
struct mc_replay *mc_replay_load(const char *tsv, const char *pages_dir);
void mc_replay_free(struct mc_replay *r);

/*
 * Look up `url` (normalised).  On a hit returns 0, a new buffer with the
 * file's bytes in `*body` (caller frees), its length and its content type
 * (owned by the map).  Returns -1 when the URL is not in the map or the
 * file cannot be read (logged).
 */
int mc_replay_fetch(const struct mc_replay *r, const char *url, char **body, size_t *len,
		    const char **content_type);

#endif
