/*
 * COPY data sent from a second thread (copy_sender.h).  One block is in
 * flight while the caller fills the next: a two-buffer handoff under a
 * mutex, no queue to grow.
 */
#include "etl/copy_sender.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/alloc.h"

struct mc_copy_sender {
	PGconn *conn;
	pthread_t thread;
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct mc_buf block;  /* being sent, or sent and empty */
	bool pending;         /* block holds data not sent yet */
	bool closing;
	bool failed;
};

static int send_block(PGconn *conn, struct mc_buf *b)
{
	int rc = 0;

	if (b->len > 0 && PQputCopyData(conn, b->data, (int)b->len) != 1)
		rc = -1;
	mc_buf_reset(b);
	return rc;
}

static void *sender_main(void *arg)
{
	struct mc_copy_sender *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->pending && !s->closing)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->pending)
			break;
		pthread_mutex_unlock(&s->mu);
		int rc = s->failed ? 0 : send_block(s->conn, &s->block);
		pthread_mutex_lock(&s->mu);
		if (rc != 0)
			s->failed = true;
		mc_buf_reset(&s->block);
		s->pending = false;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct mc_copy_sender *mc_copy_sender_start(PGconn *conn)
{
	struct mc_copy_sender *s = mc_calloc(1, sizeof *s);

	s->conn = conn;
	mc_buf_init(&s->block, 0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->threaded = pthread_create(&s->thread, NULL, sender_main, s) == 0;
	return s;
}

int mc_copy_sender_put(struct mc_copy_sender *s, struct mc_buf *data)
{
	struct mc_buf tmp;
	bool failed;

	if (!s->threaded) {
		if (!s->failed && send_block(s->conn, data) != 0)
			s->failed = true;
		mc_buf_reset(data);
		return s->failed ? -1 : 0;
	}
	pthread_mutex_lock(&s->mu);
	while (s->pending)
		pthread_cond_wait(&s->cv, &s->mu);
	failed = s->failed;
	if (!failed) {
		tmp = s->block;
		s->block = *data;
		*data = tmp;
		s->pending = true;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	mc_buf_reset(data);
	return failed ? -1 : 0;
}

int mc_copy_sender_finish(struct mc_copy_sender *s)
{
	int rc;

	if (s->threaded) {
		pthread_mutex_lock(&s->mu);
		s->closing = true;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	rc = s->failed ? -1 : 0;
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	mc_buf_release(&s->block);
	free(s);
	return rc;
}
