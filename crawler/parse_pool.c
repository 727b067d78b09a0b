/*
 * Parser threads (parse_pool.h): two FIFO lists under one mutex.  Jobs are
 * coarse (a whole page), so one lock is not a bottleneck.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "base/alloc.h"
#include "crawler/page_arena.h"
#include "crawler/parse_pool.h"
#include "crawler/response_internal.h"

struct job {
	struct mc_response *res;
	mc_parse_fn cb;
	struct job *next;
};

struct fifo {
	struct job *head, *tail;
};

struct mc_parse_pool {
	pthread_mutex_t lock;
	pthread_cond_t work_ready;
	pthread_cond_t result_ready;
	struct fifo todo, done;
	bool stopping;
	int nthreads;
	pthread_t *threads;
	CURLM *wake;
};

static void fifo_push(struct fifo *f, struct job *j)
{
	j->next = NULL;
	if (f->tail)
		f->tail->next = j;
	else
		f->head = j;
	f->tail = j;
}

static struct job *fifo_pop(struct fifo *f)
{
	struct job *j = f->head;

	if (j) {
		f->head = j->next;
		if (!f->head)
			f->tail = NULL;
	}
	return j;
}

static void *worker(void *arg)
{
	struct mc_parse_pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct job *j = fifo_pop(&p->todo);
		if (!j) {
			if (p->stopping)
				break;
			pthread_cond_wait(&p->work_ready, &p->lock);
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		mc_response_run(j->res, j->cb);
		mc_response_release_parse(j->res);
		pthread_mutex_lock(&p->lock);
		fifo_push(&p->done, j);
		pthread_cond_signal(&p->result_ready);
		if (p->wake)
			curl_multi_wakeup(p->wake);
	}
	pthread_mutex_unlock(&p->lock);
	mc_page_arena_release();
	return NULL;
}

struct mc_parse_pool *mc_parse_pool_new(int threads, CURLM *wake)
{
	struct mc_parse_pool *p = mc_calloc(1, sizeof *p);

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_ready, NULL);
	pthread_cond_init(&p->result_ready, NULL);
	p->wake = wake;
	p->threads = mc_calloc((size_t)threads, sizeof *p->threads);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	return p;
}

void mc_parse_pool_submit(struct mc_parse_pool *p, struct mc_response *res, mc_parse_fn cb)
{
	struct job *j = mc_malloc(sizeof *j);

	j->res = res;
	j->cb = cb;
	pthread_mutex_lock(&p->lock);
	fifo_push(&p->todo, j);
	pthread_cond_signal(&p->work_ready);
	pthread_mutex_unlock(&p->lock);
}

struct mc_response *mc_parse_pool_take(struct mc_parse_pool *p)
{
	struct mc_response *res = NULL;
	struct job *j;

	pthread_mutex_lock(&p->lock);
	j = fifo_pop(&p->done);
	pthread_mutex_unlock(&p->lock);
	if (j) {
		res = j->res;
		free(j);
	}
	return res;
}

void mc_parse_pool_wait(struct mc_parse_pool *p, int timeout_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->lock);
	while (!p->done.head) {
		if (pthread_cond_timedwait(&p->result_ready, &p->lock, &ts) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&p->lock);
}

void mc_parse_pool_free(struct mc_parse_pool *p)
{
	struct job *j;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work_ready);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (j = fifo_pop(&p->done); j; j = fifo_pop(&p->done)) {
		mc_response_release(j->res);
		free(j->res);
		free(j);
	}
	free(p->threads);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work_ready);
	pthread_cond_destroy(&p->result_ready);
	free(p);
}
