/*
 * The first pass's parsing pool (etl/key_pool.c): a file of some thousand
 * lines, rejects of every kind spread across batch boundaries (a too-long
 * line, a NUL byte, an observation older than the run among them), parsed
 * by one thread and by four gives byte for byte the same key and reject
 * rows, counts, fingerprints, valid lines and run record, taken back in
 * line order; and the rows name the lines they come from.  A run record
 * followed by more lines is reported at the same line whatever the threads.
 * In one pass (observation and listing state rows instead of keys) the
 * same holds, a row of each per valid line, the rejects apart.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "etl/key_pool.h"
#include "staging/staging.h"
#include "testlib.h"

#define LINES 5000
#define STARTED_US 1795341600000000LL /* 2026-11-22T10:00:00Z */

static char *longline;

/* Line i (from 2, after the header) of the test file; `run_at` is where the
 * run record goes (and more lines follow it when it is not the last). */
static const char *line_of(long i, long run_at, struct mc_buf *b)
{
	mc_buf_reset(b);
	if (i == run_at) {
		mc_buf_adds(b, "{\"run\":{\"spider\":\"demo\",\"run_id\":\"r\","
			       "\"started_at\":\"2026-11-22T10:00:00Z\",\"status\":\"complete\"}}");
		return b->data;
	}
	if (i % 97 == 0 || i == 1024 || i == 1025 || i == 2049)
		mc_buf_adds(b, "{\"marketplace\":");
	else if (i % 211 == 0) {
		mc_buf_adds(b, "{\"title\":\"x");
		mc_buf_addc(b, '\0');
		mc_buf_adds(b, "y\"}");
	}
	else if (i == 3000)
		return longline;
	else
		mc_buf_printf(b, "{\"marketplace\":\"m\",\"external_id\":\"e%ld\",\"url\":\"http://m.test/%ld\","
			      "\"title\":\"T %ld\",\"price\":\"%ld.5\",\"list_price\":%s,\"currency\":\"EUR\","
			      "\"availability\":\"%s\",\"observed_at\":\"2026-11-22T%s:00:00Z\"}",
			      i % 1500, i, i, i % 300, i % 3 ? "null" : "\"999\"",
			      i % 5 ? "in_stock" : "unknown", i % 389 == 0 ? "09" : "11");
	return b->data;
}

struct result {
	struct mc_buf rows, states, rejects;
	long read, rejected, n_batches;
	struct mc_key_counts counts;
	struct mc_buf fps, valid; /* the fingerprints, the valid lines' numbers */
	long run_line_no, after_run;
	struct mc_buf run_line;
	long first_bad;           /* first batch out of line order, 0 if none */
};

/* Add a batch taken back to the result. */
static void absorb(struct result *r, const struct mc_key_batch *t, long *next_line)
{
	if (t->first_line != *next_line && !r->first_bad)
		r->first_bad = t->first_line;
	*next_line = t->first_line + (long)t->n;
	r->n_batches++;
	mc_buf_add(&r->rows, t->rows.data, t->rows.len);
	mc_buf_add(&r->states, t->states.data, t->states.len);
	mc_buf_add(&r->rejects, t->rejects.data, t->rejects.len);
	r->read += t->read;
	r->rejected += t->rejected;
	if (t->counts.valid) {
		if (!r->counts.valid || t->counts.first_us < r->counts.first_us)
			r->counts.first_us = t->counts.first_us;
		if (!r->counts.valid || t->counts.last_us > r->counts.last_us)
			r->counts.last_us = t->counts.last_us;
	}
	r->counts.valid += t->counts.valid;
	r->counts.list_price += t->counts.list_price;
	r->counts.availability += t->counts.availability;
	r->counts.product_key += t->counts.product_key;
	mc_buf_add(&r->fps, t->fps, t->n_fps * sizeof t->fps[0]);
	for (size_t k = 0; k < t->n; k++)
		if (t->valid[k / 64] >> (k % 64) & 1)
			mc_buf_printf(&r->valid, "%ld ", t->first_line + (long)k);
	if (t->run_line_no && !r->run_line_no) {
		r->run_line_no = t->run_line_no;
		mc_buf_add(&r->run_line, t->run_line.data, t->run_line.len);
	}
	if (t->after_run && !r->after_run)
		r->after_run = t->after_run;
}

/* Parse lines 2 .. last with `threads` threads, as the loader does: fill,
 * submit, take back the oldest when no batch is free, then the rest.  The
 * lines stay where they are until taken back, as in the loader's mapping.
 * `one_pass`: observation rows instead of keys (NULL: keys). */
static void run(int threads, long run_at, long last, const struct mc_key_one_pass *one_pass,
		struct result *r)
{
	struct mc_key_pool *p = mc_key_pool_start(threads, STARTED_US, one_pass);
	struct mc_key_batch *b = NULL, *t;
	struct mc_buf line, file;
	size_t *at = calloc((size_t)last + 2, sizeof *at), *len = calloc((size_t)last + 2, sizeof *len);
	long next_line = 2;

	memset(r, 0, sizeof *r);
	mc_buf_init(&r->rows, 0);
	mc_buf_init(&r->states, 0);
	mc_buf_init(&r->rejects, 0);
	mc_buf_init(&r->fps, 0);
	mc_buf_init(&r->valid, 0);
	mc_buf_init(&r->run_line, 0);
	mc_buf_init(&line, 0);
	mc_buf_init(&file, 0);
	for (long i = 2; i <= last; i++) {
		const char *s = line_of(i, run_at, &line);
		at[i] = file.len;
		len[i] = s == longline ? 0 : line.len;
		mc_buf_add(&file, s, len[i]);
	}
	for (long i = 2; i <= last; i++) {
		for (b = b ? b : mc_key_pool_free_batch(p); !b; b = mc_key_pool_free_batch(p))
			absorb(r, mc_key_pool_take(p), &next_line);
		/* The loader hands a too-long line's start only, as the line reader does. */
		if (i == 3000)
			mc_key_batch_add(b, i, longline, 2 * MC_STAGING_RAW_KEEP, true);
		else
			mc_key_batch_add(b, i, file.data + at[i], len[i], false);
		if (b->n == MC_KEY_BATCH_LINES) {
			mc_key_pool_submit(p, b);
			b = NULL;
		}
	}
	if (b && b->n > 0)
		mc_key_pool_submit(p, b);
	for (t = mc_key_pool_take(p); t; t = mc_key_pool_take(p))
		absorb(r, t, &next_line);
	mc_key_pool_stop(p);
	mc_buf_release(&line);
	mc_buf_release(&file);
	free(at);
	free(len);
}

static void release(struct result *r)
{
	mc_buf_release(&r->rows);
	mc_buf_release(&r->states);
	mc_buf_release(&r->rejects);
	mc_buf_release(&r->fps);
	mc_buf_release(&r->valid);
	mc_buf_release(&r->run_line);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The rows' line numbers in order ("2 3 ..."), and the rejects' as
 * "LINE:reason ..." (COPY binary rows: a field count, then per field a
 * length, -1 for NULL, and the bytes). */
static void decode(const struct mc_buf *rows, struct mc_buf *lines, struct mc_buf *rejects)
{
	const unsigned char *p = (const unsigned char *)rows->data;
	const unsigned char *end = p + rows->len;

	while (p + 2 <= end) {
		int fields = p[0] << 8 | p[1];
		long line_no = 0;
		p += 2;
		for (int f = 0; f < fields && p + 4 <= end; f++) {
			int32_t n = (int32_t)be32(p);
			p += 4;
			if (f == 0)
				line_no = (long)be32(p);
			if (f == 1 && n > 0)
				mc_buf_printf(rejects, "%ld:%.*s ", line_no, (int)n, (const char *)p);
			if (n > 0)
				p += n;
		}
		mc_buf_printf(lines, "%ld ", line_no);
	}
}

/* How many COPY binary rows `rows` holds. */
static long count_rows(const struct mc_buf *rows)
{
	const unsigned char *p = (const unsigned char *)rows->data;
	const unsigned char *end = p + rows->len;
	long n = 0;

	while (p + 2 <= end) {
		int fields = p[0] << 8 | p[1];
		p += 2;
		for (int f = 0; f < fields && p + 4 <= end; f++) {
			int32_t len = (int32_t)be32(p);
			p += 4 + (len > 0 ? len : 0);
		}
		n++;
	}
	return n;
}

/* The first row's first field, an int8. */
static long first_int8(const struct mc_buf *rows)
{
	const unsigned char *p = (const unsigned char *)rows->data;

	if (rows->len < 14 || be32(p + 2) != 8)
		return -1;
	return (long)((uint64_t)be32(p + 6) << 32 | be32(p + 10));
}

/* The expected rejects of lines 2 .. last (the run record aside). */
static void expected_rejects(long run_at, long last, struct mc_buf *out)
{
	for (long i = 2; i <= last; i++) {
		if (i == run_at)
			continue;
		if (i % 97 == 0 || i == 1024 || i == 1025 || i == 2049)
			mc_buf_printf(out, "%ld:invalid_json ", i);
		else if (i % 211 == 0)
			mc_buf_printf(out, "%ld:nul_byte ", i);
		else if (i == 3000)
			mc_buf_printf(out, "%ld:too_long_line ", i);
		else if (i % 389 == 0)
			mc_buf_printf(out, "%ld:observed_before_run ", i);
	}
}

static void same(const struct result *a, const struct result *b, const char *what)
{
	CHECK(a->rows.len == b->rows.len && memcmp(a->rows.data, b->rows.data, a->rows.len) == 0,
	      "%s: the same key and reject rows, byte for byte (%zu bytes)", what, a->rows.len);
	CHECK(a->states.len == b->states.len &&
	      memcmp(a->states.data, b->states.data, a->states.len) == 0,
	      "%s: the same state rows, byte for byte (%zu bytes)", what, a->states.len);
	CHECK(a->rejects.len == b->rejects.len &&
	      memcmp(a->rejects.data, b->rejects.data, a->rejects.len) == 0,
	      "%s: the same reject rows apart, byte for byte (%zu bytes)", what, a->rejects.len);
	CHECK_INT(b->read, a->read, "%s: lines read", what);
	CHECK_INT(b->rejected, a->rejected, "%s: lines rejected", what);
	CHECK(memcmp(&a->counts, &b->counts, sizeof a->counts) == 0, "%s: the same counts", what);
	CHECK(a->fps.len == b->fps.len && memcmp(a->fps.data, b->fps.data, a->fps.len) == 0,
	      "%s: the same fingerprints in the same order", what);
	CHECK_STR(b->valid.data, a->valid.data, "%s: the same valid lines", what);
	CHECK_INT(b->run_line_no, a->run_line_no, "%s: the run record's line", what);
	CHECK_STR(b->run_line.data, a->run_line.data, "%s: the run record", what);
	CHECK_INT(b->after_run, a->after_run, "%s: the line after the run record", what);
}

int main(void)
{
	struct result one, four;
	struct mc_buf lines, rejects, want, want_lines;

	longline = malloc(MC_STAGING_MAX_LINE + 10);
	memset(longline, 'x', MC_STAGING_MAX_LINE + 10);
	mc_buf_init(&lines, 0);
	mc_buf_init(&rejects, 0);
	mc_buf_init(&want, 0);
	mc_buf_init(&want_lines, 0);

	/* A whole file: the run record last. */
	run(1, LINES, LINES, NULL, &one);
	run(4, LINES, LINES, NULL, &four);
	same(&one, &four, "1 vs 4 threads");
	CHECK_INT(four.first_bad, 0, "batches taken back in line order");
	CHECK(four.n_batches > 4, "the file spans several batches (%ld)", four.n_batches);
	decode(&four.rows, &lines, &rejects);
	expected_rejects(LINES, LINES, &want);
	CHECK_STR(rejects.data, want.data, "each reject names its line and reason");
	for (long i = 2; i < LINES; i++)
		mc_buf_printf(&want_lines, "%ld ", i);
	CHECK_STR(lines.data, want_lines.data, "one row per line, in line order");
	CHECK_INT(four.read, LINES - 2, "every line but the header and the run record read");
	CHECK_INT(four.counts.valid, four.read - four.rejected, "valid lines counted");
	CHECK_INT(four.counts.first_us, STARTED_US + 3600000000LL, "earliest observation");
	CHECK_INT((long)(four.fps.len / sizeof(uint64_t)), four.counts.valid,
		  "a fingerprint per valid line");
	CHECK_INT(four.run_line_no, LINES, "the run record found on the last line");
	CHECK_INT(four.after_run, 0, "nothing after the run record");
	CHECK_INT((long)four.states.len, 0, "no state rows with keys");
	CHECK_INT((long)four.rejects.len, 0, "rejects among the key rows");
	release(&one);
	release(&four);

	/* One pass: observations and states, the rejects apart. */
	const struct mc_key_one_pass ids = {.file_id = 7, .id_base = 1000};
	run(1, LINES, LINES, &ids, &one);
	run(4, LINES, LINES, &ids, &four);
	same(&one, &four, "one pass, 1 vs 4 threads");
	CHECK_INT(count_rows(&four.rows), four.counts.valid, "one pass: an observation per valid line");
	CHECK_INT(count_rows(&four.states), four.counts.valid, "one pass: a state per valid line");
	CHECK_INT(first_int8(&four.rows), 1000 + 2, "one pass: line 2 is observation id_base + 2");
	mc_buf_reset(&lines);
	mc_buf_reset(&rejects);
	decode(&four.rejects, &lines, &rejects);
	CHECK_STR(rejects.data, want.data, "one pass: each reject names its line and reason");
	release(&one);
	release(&four);

	/* The run record in the middle of a batch, and lines after it. */
	run(1, 2500, LINES, NULL, &one);
	run(4, 2500, LINES, NULL, &four);
	same(&one, &four, "run record at line 2500");
	CHECK_INT(four.run_line_no, 2500, "run record at line 2500 found");
	CHECK_INT(four.after_run, 2501, "the line after it reported");
	release(&one);
	release(&four);

	/* ... and as a batch's last line, the next batch holding the line after. */
	run(1, MC_KEY_BATCH_LINES + 1, LINES, NULL, &one);
	run(3, MC_KEY_BATCH_LINES + 1, LINES, NULL, &four);
	same(&one, &four, "run record ending a batch");
	CHECK_INT(four.run_line_no, MC_KEY_BATCH_LINES + 1, "run record ending a batch found");
	CHECK_INT(four.after_run, 0, "the line after it is the next batch's: the caller's to see");
	release(&one);
	release(&four);

	mc_buf_release(&lines);
	mc_buf_release(&rejects);
	mc_buf_release(&want);
	mc_buf_release(&want_lines);
	free(longline);
	return tl_exit_status();
}
