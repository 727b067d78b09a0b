/*
 * The rows the loader COPYs in binary format (etl/copy_binary.c), one
 * function per table layout, so that the first pass's parsing threads
 * (etl/key_pool.c) and the loader's second pass (etl/loader.c) encode a
 * table's rows the same way.  Each appends one row to `b`; none can fail.
 */
#ifndef MC_COPY_ROWS_H
#define MC_COPY_ROWS_H

#include <stdbool.h>

#include "base/buf.h"
#include "staging/staging.h"

/* mc_load_keys (sql/loader/create_keys.sql): a valid line's key,
 * observed_at and state digest. */
void mc_row_key(struct mc_buf *b, long line_no, const struct mc_staging_obs *o);

/* mc_load_keys: a rejected line, its reason and its raw line (cleaned and
 * cut, mc_staging_clean_raw). */
void mc_row_reject(struct mc_buf *b, long line_no, const char *reason, const char *line,
		   size_t n);

/* stg.observation (sql/loader/copy_observations.sql's columns): line
 * `line_no` of file `file_id` stored as observation `obs_id`. */
void mc_row_observation(struct mc_buf *b, long long obs_id, long long file_id, long line_no,
			const struct mc_staging_obs *o, bool late);

/* stg.listing_state (sql/loader/copy_states.sql's columns): a new
 * listing's state, observation `obs_id`. */
void mc_row_state(struct mc_buf *b, long long obs_id, const struct mc_staging_obs *o);

#endif
