/*
 * SHA-256 of a region of memory, computed on a thread of its own while the
 * owner reads the same region: the owner moves a mark forward as it passes
 * bytes, the thread hashes up to the mark.  The line reader uses it so that
 * hashing a staging file costs the loader's main thread nothing.  When no
 * thread can be started, the owner's calls hash in line instead.
 */
#ifndef MC_STEP_HASHER_H
#define MC_STEP_HASHER_H

#include <stddef.h>

struct mc_step_hasher;

/* Start hashing `base` (borrowed: it must stay readable until
 * mc_step_hasher_stop) from offset 0.  Never NULL. */
struct mc_step_hasher *mc_step_hasher_start(const char *base);

/* Let the hasher go up to offset `mark` (never backwards). */
void mc_step_hasher_advance(struct mc_step_hasher *h, size_t mark);

/* Let the hasher go up to `mark` and wait until it is there. */
void mc_step_hasher_advance_wait(struct mc_step_hasher *h, size_t mark);

/* Bytes hashed so far: the owner may drop the pages before this offset. */
size_t mc_step_hasher_hashed(struct mc_step_hasher *h);

/* Wait until everything up to the mark is hashed, write its SHA-256 as 64
 * lower-case hex digits plus NUL, and start over at offset 0. */
void mc_step_hasher_final_hex(struct mc_step_hasher *h, char hex[65]);

/* Wait until the hasher is idle, then start over at offset 0. */
void mc_step_hasher_restart(struct mc_step_hasher *h);

/* Stop the thread and free `h` (NULL is fine). */
void mc_step_hasher_stop(struct mc_step_hasher *h);

#endif
