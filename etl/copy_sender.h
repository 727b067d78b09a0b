/*
 * Sends COPY data from a second thread, so the loader validates and encodes
 * the next block of a staging file while PostgreSQL consumes the previous
 * one (a blocking PQputCopyData otherwise leaves one side idle).
 */
#ifndef MC_COPY_SENDER_H
#define MC_COPY_SENDER_H

#include <libpq-fe.h>

#include "base/buf.h"

struct mc_copy_sender;

/* Start sending on `conn`, which must be in COPY IN state and is used only
 * by the sender until mc_copy_sender_finish().  Never NULL: without a
 * thread the data is sent inline. */
struct mc_copy_sender *mc_copy_sender_start(PGconn *conn);

/* Queue the contents of `data` (taken over: `data` is left empty, its
 * memory swapped with a buffer the sender is done with).  Waits while the
 * previous block is still being sent.  Returns 0, or -1 when a send failed
 * (then nothing more is sent; the connection's error message says why). */
int mc_copy_sender_put(struct mc_copy_sender *s, struct mc_buf *data);

/* Wait until everything queued was sent, stop the thread and free `s`.
 * Returns 0, or -1 when a send failed. */
int mc_copy_sender_finish(struct mc_copy_sender *s);

#endif
