/*
 * The hashing thread of the line reader (step_hasher.h).  One mutex and one
 * condition variable: the owner signals a new mark, the thread signals
 * progress; the hashing itself runs outside the lock.
 */
#include "etl/step_hasher.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "base/sha256.h"

struct mc_step_hasher {
	const char *base;
	struct mc_sha256 sha;  /* the thread's while hashed < mark */
	size_t mark;           /* hash up to here */
	size_t hashed;         /* hashed up to here */
	bool threaded;
	bool stopping;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *hasher_main(void *arg)
{
	struct mc_step_hasher *h = arg;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->hashed == h->mark && !h->stopping)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->hashed == h->mark)
			break;
		size_t from = h->hashed, to = h->mark;
		pthread_mutex_unlock(&h->mu);
		mc_sha256_update(&h->sha, h->base + from, to - from);
		pthread_mutex_lock(&h->mu);
		h->hashed = to;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

struct mc_step_hasher *mc_step_hasher_start(const char *base)
{
	struct mc_step_hasher *h = mc_calloc(1, sizeof *h);

	h->base = base;
	mc_sha256_init(&h->sha);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->threaded = pthread_create(&h->thread, NULL, hasher_main, h) == 0;
	return h;
}

void mc_step_hasher_advance(struct mc_step_hasher *h, size_t mark)
{
	if (!h->threaded) {
		mc_sha256_update(&h->sha, h->base + h->hashed, mark - h->hashed);
		h->hashed = h->mark = mark;
		return;
	}
	pthread_mutex_lock(&h->mu);
	h->mark = mark;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

/* Wait for the thread to reach the mark; returns with the lock held. */
static void lock_idle(struct mc_step_hasher *h)
{
	pthread_mutex_lock(&h->mu);
	while (h->hashed < h->mark)
		pthread_cond_wait(&h->cv, &h->mu);
}

void mc_step_hasher_advance_wait(struct mc_step_hasher *h, size_t mark)
{
	mc_step_hasher_advance(h, mark);
	lock_idle(h);
	pthread_mutex_unlock(&h->mu);
}

size_t mc_step_hasher_hashed(struct mc_step_hasher *h)
{
	pthread_mutex_lock(&h->mu);
	size_t hashed = h->hashed;
	pthread_mutex_unlock(&h->mu);
	return hashed;
}

void mc_step_hasher_final_hex(struct mc_step_hasher *h, char hex[65])
{
	lock_idle(h);
	mc_sha256_final_hex(&h->sha, hex);
	mc_sha256_init(&h->sha);
	h->hashed = h->mark = 0;
	pthread_mutex_unlock(&h->mu);
}

void mc_step_hasher_restart(struct mc_step_hasher *h)
{
	lock_idle(h);
	mc_sha256_init(&h->sha);
	h->hashed = h->mark = 0;
	pthread_mutex_unlock(&h->mu);
}

void mc_step_hasher_stop(struct mc_step_hasher *h)
{
	if (!h)
		return;
	if (h->threaded) {
		pthread_mutex_lock(&h->mu);
		h->stopping = true;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->thread, NULL);
	}
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
