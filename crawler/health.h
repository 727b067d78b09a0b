/*
 * Spider health between runs: the item count and drop ratio of the last
 * complete run of each spider, kept in STATE_DIR/SPIDER.last, so a run that
 * yields far fewer items (a site changed its layout) is marked suspect.
 * Only complete runs are judged or recorded (the engine decides that):
 * a partial run is not comparable with a whole one.  The reference keeps
 * the spider's scope; a run is compared only with a reference of the same
 * scope (a reference without one is `full`, as before scopes existed).
 */
#ifndef MC_HEALTH_H
#define MC_HEALTH_H

#include <stddef.h>

#include "base/error.h"
#include "marketcrawl/spider.h"

/*
 * Decide whether a finished complete run is suspect.  Returns 1 (suspect,
 * with a one-line reason in `reason`), or 0.  `items` accepted, `dropped`
 * invalid.
 */
int mc_health_judge(const char *state_dir, const char *spider, enum mc_scope scope, long items,
		    long dropped, double min_item_ratio, double max_drop_ratio, char *reason,
		    size_t reasonsz);
/*
 * Recording a complete, healthy run as the new reference happens in two
 * steps around the staging file's rename, so that nothing after the rename
 * can fail: mc_health_prepare writes the new state to a temporary file
 * (returns 0, or -1 with `err` saying why and nothing to commit), and
 * mc_health_commit renames it into place (0, or -1 with `err` saying why:
 * the old reference stays) or mc_health_discard drops it.  Commit and
 * discard free the note's strings (a failed prepare has freed them);
 * committing an empty note does nothing.
 */
struct mc_health_note {
	char *tmp;
	char *path;
};

int mc_health_prepare(const char *state_dir, const char *spider, enum mc_scope scope,
		      const char *run_id, long items, long dropped, struct mc_health_note *note,
		      struct mc_err *err);
int mc_health_commit(struct mc_health_note *note, struct mc_err *err);
void mc_health_discard(struct mc_health_note *note);

#endif
