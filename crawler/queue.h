/*
 * A host's queue of waiting requests, packed: each request is stored as one
 * small record (URL, data, a referer reference and a few numbers) in 64 KiB
 * blocks, one first-in-first-out list per priority.  A big store puts
 * hundreds of thousands of links in the queue; packed, a waiting request
 * costs about its URL plus 40 bytes instead of three heap objects, so
 * memory follows the frontier, not the allocator.  Requests become
 * `struct mc_request` again only when they leave the queue.
 * Used only from the event-loop thread.
 */
#ifndef MC_QUEUE_H
#define MC_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crawler/request.h"

struct mc_fifo;

struct mc_queue {
	struct mc_fifo *fifos; /* sorted by priority, highest first */
	size_t nfifos;
	size_t count;          /* requests waiting */
};

/* Store `r` (its fields are copied; `r` is freed). */
void mc_queue_push(struct mc_queue *q, struct mc_request *r);
/* The next request (highest priority, then oldest), rebuilt as a new
 * struct mc_request the caller owns; its `host` is left NULL.  NULL when
 * empty. */
struct mc_request *mc_queue_pop(struct mc_queue *q);
/* Priority and seq of the next request; false when empty. */
bool mc_queue_peek(const struct mc_queue *q, int *priority, uint64_t *seq);
/* Bytes held by the queue's blocks. */
size_t mc_queue_memory(const struct mc_queue *q);
/* Drop every waiting request and free the storage. */
void mc_queue_release(struct mc_queue *q);

#endif
