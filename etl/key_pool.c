/*
 * The first pass's per-line work, on a pool of threads (etl/key_pool.h):
 * validation, the rows (etl/copy_rows.h), the fingerprint and the counts of each
 * line of a batch.  A ring of batches, one mutex and two condition
 * variables; nothing else is shared.
 */
#include "etl/key_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "etl/copy_rows.h"
#include "etl/loader.h"
#include "staging/staging.h"

#define MAX_THREADS MC_LOAD_THREADS_MAX

enum { B_FREE, B_QUEUED, B_WORKING, B_DONE };

struct mc_key_pool {
	long long started_us;
	bool one_pass;
	struct mc_key_one_pass ids;      /* when one_pass */
	int n_threads;
	pthread_t threads[MAX_THREADS];
	struct mc_staging_parser parser; /* inline parsing (no threads) */
	size_t n_batches;
	struct mc_key_batch *batches;    /* a ring, indexed by seq % n_batches */
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	unsigned long filled, claimed, taken; /* batches handed out, begun by a worker, taken back */
	bool closing;
};

uint64_t mc_key_fingerprint(const char *a, size_t an, const char *b, size_t bn)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ an;

	for (size_t i = 0; i < an; i++)
		h = (h ^ (unsigned char)a[i]) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (size_t i = 0; i < bn; i++)
		h = (h ^ (unsigned char)b[i]) * 0x100000001b3ULL;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

static void count_valid(struct mc_key_counts *c, const struct mc_staging_obs *o)
{
	if (c->valid == 0 || o->observed_us < c->first_us)
		c->first_us = o->observed_us;
	if (c->valid == 0 || o->observed_us > c->last_us)
		c->last_us = o->observed_us;
	c->valid++;
	c->list_price += o->list_price.p != NULL;
	c->availability += !(o->availability.n == 7 && memcmp(o->availability.p, "unknown", 7) == 0);
	c->product_key += o->product_key.p != NULL;
}

/* Parse every line of `b` (stopping at a line after the run record). */
static void parse_batch(const struct mc_key_pool *p, struct mc_staging_parser *parser,
			struct mc_key_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct mc_key_line *ln = &b->lines[i];
		long line_no = b->first_line + (long)i;
		struct mc_staging_obs obs;
		enum mc_staging_kind kind;

		if (b->run_line_no) {
			b->after_run = line_no;
			return;
		}
		kind = ln->too_long ? MC_STAGING_REJECT
				    : mc_staging_parse_line(parser, ln->p, ln->len, &obs);
		/* An observation belongs to its run: none is older than its start. */
		if (kind == MC_STAGING_OBS && obs.observed_us < p->started_us) {
			kind = MC_STAGING_REJECT;
			parser->reason = MC_STAGING_R_OBSERVED_BEFORE_RUN;
		}
		if (kind == MC_STAGING_RUN) {
			b->run_line_no = line_no;
			mc_buf_add(&b->run_line, ln->p, ln->len);
			continue;
		}
		b->read++;
		if (kind == MC_STAGING_OBS && p->one_pass) {
			mc_row_observation(&b->rows, p->ids.id_base + line_no, p->ids.file_id, line_no,
					   &obs, false);
			mc_row_state(&b->states, p->ids.id_base + line_no, &obs);
		} else if (kind == MC_STAGING_OBS) {
			mc_row_key(&b->rows, line_no, &obs);
		}
		if (kind == MC_STAGING_OBS) {
			b->fps[b->n_fps++] = mc_key_fingerprint(obs.marketplace.p, obs.marketplace.n,
								obs.external_id.p, obs.external_id.n);
			count_valid(&b->counts, &obs);
			b->valid[i / 64] |= (uint64_t)1 << (i % 64);
		} else {
			b->rejected++;
			mc_row_reject(p->one_pass ? &b->rejects : &b->rows, line_no,
				      ln->too_long ? MC_STAGING_R_TOO_LONG_LINE : parser->reason,
				      ln->p, ln->len);
		}
	}
}

static void *worker_main(void *arg)
{
	struct mc_key_pool *p = arg;
	struct mc_staging_parser parser;

	mc_staging_parser_init(&parser);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->closing && p->claimed == p->filled)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->closing)
			break;
		struct mc_key_batch *b = &p->batches[p->claimed % p->n_batches];
		p->claimed++;
		b->state = B_WORKING;
		pthread_mutex_unlock(&p->mu);
		parse_batch(p, &parser, b);
		pthread_mutex_lock(&p->mu);
		b->state = B_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	mc_staging_parser_release(&parser);
	return NULL;
}

struct mc_key_pool *mc_key_pool_start(int threads, long long started_us,
				      const struct mc_key_one_pass *one_pass)
{
	struct mc_key_pool *p = mc_calloc(1, sizeof *p);

	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	p->started_us = started_us;
	p->one_pass = one_pass != NULL;
	if (one_pass)
		p->ids = *one_pass;
	mc_staging_parser_init(&p->parser);
	/* Two batches per worker keep each busy while the caller fills and
	 * takes back the others. */
	p->n_batches = threads > 1 ? 2 * (size_t)threads + 2 : 1;
	p->batches = mc_calloc(p->n_batches, sizeof *p->batches);
	for (size_t i = 0; i < p->n_batches; i++) {
		mc_buf_init(&p->batches[i].longs, 0);
		mc_buf_init(&p->batches[i].rows, 0);
		mc_buf_init(&p->batches[i].states, 0);
		mc_buf_init(&p->batches[i].rejects, 0);
		mc_buf_init(&p->batches[i].run_line, 0);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (int i = 0; threads > 1 && i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0)
			break;
		p->n_threads++;
	}
	return p;
}

void mc_key_pool_stop(struct mc_key_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->closing = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	for (size_t i = 0; i < p->n_batches; i++) {
		mc_buf_release(&p->batches[i].longs);
		mc_buf_release(&p->batches[i].rows);
		mc_buf_release(&p->batches[i].states);
		mc_buf_release(&p->batches[i].rejects);
		mc_buf_release(&p->batches[i].run_line);
	}
	free(p->batches);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	mc_staging_parser_release(&p->parser);
	free(p);
}

struct mc_key_batch *mc_key_pool_free_batch(struct mc_key_pool *p)
{
	struct mc_key_batch *b;

	if (p->filled - p->taken >= p->n_batches)
		return NULL;
	b = &p->batches[p->filled % p->n_batches];
	b->first_line = 0;
	b->n = 0;
	mc_buf_reset(&b->longs);
	mc_buf_reset(&b->rows);
	mc_buf_reset(&b->states);
	mc_buf_reset(&b->rejects);
	b->read = b->rejected = 0;
	memset(&b->counts, 0, sizeof b->counts);
	b->n_fps = 0;
	memset(b->valid, 0, sizeof b->valid);
	b->run_line_no = 0;
	mc_buf_reset(&b->run_line);
	b->after_run = 0;
	b->state = B_FREE;
	return b;
}

void mc_key_batch_add(struct mc_key_batch *b, long line_no, const char *line, size_t len,
		      bool too_long)
{
	struct mc_key_line *ln = &b->lines[b->n];

	if (b->n == 0)
		b->first_line = line_no;
	ln->too_long = too_long;
	ln->len = len;
	ln->p = line;
	if (too_long) {
		/* `longs` may move as it grows: pointed at when submitted. */
		ln->long_at = b->longs.len;
		mc_buf_add(&b->longs, line, len);
	}
	b->n++;
}

void mc_key_pool_submit(struct mc_key_pool *p, struct mc_key_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->lines[i].too_long)
			b->lines[i].p = b->longs.data + b->lines[i].long_at;
	if (p->n_threads == 0) {
		parse_batch(p, &p->parser, b);
		b->state = B_DONE;
		p->filled++;
		return;
	}
	pthread_mutex_lock(&p->mu);
	b->state = B_QUEUED;
	p->filled++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

struct mc_key_batch *mc_key_pool_take(struct mc_key_pool *p)
{
	struct mc_key_batch *b;

	if (p->taken == p->filled)
		return NULL;
	b = &p->batches[p->taken % p->n_batches];
	pthread_mutex_lock(&p->mu);
	while (b->state != B_DONE)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	p->taken++;
	return b;
}

unsigned long mc_key_pool_pending(const struct mc_key_pool *p)
{
	return p->filled - p->taken;
}
