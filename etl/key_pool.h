/*
 * The loader's first pass in parallel: a pool of threads that validate
 * batches of a staging file's lines (staging/staging_line.c) and encode
 * each line's rows (COPY binary, etl/copy_rows.c): a valid line's key row
 * for mc_load_keys, or, when the file is loaded in one pass, its
 * observation and listing state rows; a bad line's reject row.  One thread
 * parsing a million JSON lines was what the server waited for during the
 * first pass (bench/results/loader-first-load.md).
 *
 * The caller reads the lines (etl/line_reader.c: hashing and the release of
 * passed pages stay on its thread), fills batches in line order, submits
 * them and takes them back finished in the same order, so whatever it
 * makes of the results (the COPY stream, the counts, the messages naming a
 * line) does not depend on how many threads parsed them: a batch's result
 * is a function of its lines alone.  With one thread (or when no thread
 * could be started) a batch is parsed in the caller's thread when
 * submitted.
 *
 * Threads share nothing but the queue, under one mutex: each has its own
 * parser; a batch belongs to the caller until submitted, to one worker
 * while parsed, to the caller again once finished.
 */
#ifndef MC_KEY_POOL_H
#define MC_KEY_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Lines per batch: small enough that the batches in flight stay in the CPU
 * caches, big enough that the handoffs cost nothing next to the parsing. */
#define MC_KEY_BATCH_LINES 1024

/* Of a batch's valid lines, for the run's health (docs/model.md). */
struct mc_key_counts {
	long valid, list_price, availability, product_key;
	long long first_us, last_us; /* earliest and latest observed_at (valid > 0) */
};

struct mc_key_batch {
	/* In: the caller's, before submitting (mc_key_batch_add). */
	long first_line;         /* the line number of the batch's first line */
	size_t n;                /* lines in the batch */
	struct mc_key_line {
		const char *p;   /* borrowed: the mapped file, or `longs` once submitted */
		size_t len;
		size_t long_at;  /* a too-long line: where its start is in `longs` */
		bool too_long;
	} lines[MC_KEY_BATCH_LINES];
	struct mc_buf longs;     /* the starts of too-long lines (their copies) */
	size_t tag;              /* the caller's, untouched (the loader: where the batch ends) */

	/* Out: the worker's, read by the caller once finished, rows in line
	 * order.  Key rows: `rows` holds the key and reject rows.  One pass:
	 * `rows` the observations, `states` their listing states, `rejects`
	 * the reject rows. */
	struct mc_buf rows, states, rejects;
	long read, rejected;     /* lines read (run record aside), rejected */
	struct mc_key_counts counts;
	uint64_t fps[MC_KEY_BATCH_LINES]; /* listing fingerprints of the valid lines, in order */
	size_t n_fps;
	uint64_t valid[MC_KEY_BATCH_LINES / 64]; /* bit i: line first_line + i is valid */
	long run_line_no;        /* the run record's line, 0 if none */
	struct mc_buf run_line;  /* ... and the line */
	long after_run;          /* the first line after the run record (an error), 0 if none */

	/* private */
	int state;
	unsigned long seq;
};

struct mc_key_pool;

/* A file loaded in one pass: line N, if valid, is observation id_base + N
 * of file file_id (sql/loader/reserve_ids.sql). */
struct mc_key_one_pass {
	long long file_id, id_base;
};

/* Start `threads` workers (at most 16; <= 1: none, batches are parsed when
 * submitted) for a file whose header says it started at `started_us`
 * (no observation may be older), encoding key rows, or with `one_pass`
 * (borrowed, copied) observation and state rows.  Never NULL. */
struct mc_key_pool *mc_key_pool_start(int threads, long long started_us,
				      const struct mc_key_one_pass *one_pass);

/* Stop the workers (a batch in hand is finished, queued ones are dropped)
 * and free the pool and its batches.  NULL is fine. */
void mc_key_pool_stop(struct mc_key_pool *p);

/* An empty batch to fill, owned by the caller until submitted; NULL when
 * every batch is submitted and not yet taken back (take one first). */
struct mc_key_batch *mc_key_pool_free_batch(struct mc_key_pool *p);

/* Add line `line_no` (`len` bytes at `line`, borrowed until the batch is
 * taken back; a too-long line's start is copied).  The batch holds
 * MC_KEY_BATCH_LINES lines; lines must follow each other. */
void mc_key_batch_add(struct mc_key_batch *b, long line_no, const char *line, size_t len,
		      bool too_long);

/* Hand a filled batch to the workers. */
void mc_key_pool_submit(struct mc_key_pool *p, struct mc_key_batch *b);

/* The oldest submitted batch, once finished (waits); NULL when none is
 * submitted.  It is the caller's until the next mc_key_pool_free_batch(),
 * which recycles it. */
struct mc_key_batch *mc_key_pool_take(struct mc_key_pool *p);

/* How many batches are submitted and not yet taken back. */
unsigned long mc_key_pool_pending(const struct mc_key_pool *p);

/* The listing fingerprint the first pass notes (the in-file duplicate hint). */
uint64_t mc_key_fingerprint(const char *a, size_t an, const char *b, size_t bn);

#endif
