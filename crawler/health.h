/*
 * Spider health between runs: the item count and drop ratio of the last
 * complete run of each spider, kept in STATE_DIR/SPIDER.last, so a run that
 * yields far fewer items (a site changed its layout) is marked suspect.
 */
#ifndef MC_HEALTH_H
#define MC_HEALTH_H

#include <stddef.h>

/*
 * Decide whether a finished run is suspect.  Returns 1 (suspect, with a
 * one-line reason in `reason`), or 0.  `items` accepted, `dropped` invalid.
 */
int mc_health_judge(const char *state_dir, const char *spider, long items, long dropped,
		    double min_item_ratio, double max_drop_ratio, char *reason, size_t reasonsz);
/* Record a complete, healthy run as the new reference.  Returns 0 or -1. */
int mc_health_record(const char *state_dir, const char *spider, const char *run_id, long items,
		     long dropped);

#endif
