/*
 * The loader (etl/loader.h, rules in docs/loader.md).
 *
 * One file = one transaction, in three steps:
 *   1. first pass: every line is validated (staging/staging_line.c) and only
 *      its key, observed_at and state digest (etl/state_digest.c) - or,
 *      for a bad line, the reject - are COPYed (binary format,
 *      etl/copy_binary.c) into the session temp table mc_load_keys, the
 *      lines parsed in batches on a pool of threads (etl/key_pool.c) and
 *      taken back in line order, while another thread hashes the file
 *      (etl/line_reader.c);
 *   2. holding the loader's transaction advisory lock (loaders never
 *      interleave their change detection; ids grow in commit order), the
 *      hash is looked up in stg.loaded_file and set-based SQL classifies
 *      every key against stg.listing_state, records the unchanged ones and
 *      moves listing_state on; the verdicts of the lines to store come
 *      back as a 2-bit map (unless every valid line is stored, none late:
 *      then the first pass's map of valid lines is it).  A file none of
 *      whose keys is known yet skips the classification: its keys go into
 *      listing_state as they are;
 *   3. second pass, only when something is to be stored: the file is read
 *      again and those lines are COPYed straight into stg.observation (and,
 *      rarely, conflicting lines into stg.rejected_line); the file must
 *      hash as in the first pass.
 * Most lines of a re-crawl are unchanged: they cost one narrow row.  A file
 * whose sampled keys are all new is tried in one pass instead (inside a
 * savepoint, under the loader lock from the start): its lines go straight
 * into stg.observation as they are parsed, their states and rejects to
 * temporary files COPYed after them; a unique violation (a listing known
 * after all, or twice in the file), or anything that would refuse the
 * file, rolls back to the savepoint and the file goes the two-pass way.
 * Any failure rolls everything back; the file is archived only after
 * COMMIT.
 * The SQL of these steps is the files of sql/loader, run here by name.
 *
 * Memory is bounded whatever the file size: the mapped file's pages are
 * given back as they are passed, a COPY buffer is flushed every 256 KiB
 * (one pass's states and rejects wait in temporary files, not memory),
 * one copy of the run record is kept, the verdict map takes 2 bits per
 * line, and a table of listing fingerprints capped at 32 MiB only decides
 * whether the in-file duplicate collapse can be skipped, or a one-pass
 * attempt stopped early (a false "maybe" costs speed, never correctness).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "etl/db.h"
#include "etl/loader.h"
#include "base/log.h"
#include "etl/sqlfiles.h"
#include "staging/staging.h"
#include "etl/state_digest.h"

#include "etl/copy_binary.h"
#include "etl/copy_rows.h"
#include "etl/copy_sender.h"
#include "etl/copy_text.h"
#include "etl/key_pool.h"
#include "etl/line_reader.h"
#include "etl/load_archive.h"

#define COPY_FLUSH (256u * 1024)
#define FP_MAX_BITS 22 /* 4M slots * 8 bytes = 32 MiB */

/* Verdicts in the map the second pass reads (2 bits per line;
 * sql/loader/verdicts.sql). */
enum { V_SKIP, V_STORE, V_STORE_LATE, V_CONFLICT };

/* The loader's statements: sql/loader/NAME.sql, embedded.  Every one is
 * looked up when the loader is made (mc_loader_new fails if the binary
 * lacks one), so loader_sql() never returns NULL. */
static const char *const statements[] = {
	"analyze_keys", "analyze_settings", "any_known", "classify", "collapse", "copy_conflicts",
	"copy_keys", "copy_observations", "copy_states", "create_keys", "create_verdicts",
	"find_loaded", "insert_file", "lock", "record_counts", "rejects", "reserve_ids",
	"run_loaded", "sample_known", "seen_all", "seen_rest", "state_change", "state_new",
	"state_new_keys", "temp_buffers", "verdicts",
};

/* The statement of sql/loader/NAME.sql without the file's opening comment
 * lines, so that pg_stat_activity (which keeps the first 1 KiB) shows the
 * statement itself, as load_robust.sh watches for its COPYs. */
static const char *loader_sql(const char *name)
{
	char path[64];
	const char *s;

	snprintf(path, sizeof path, "loader/%s.sql", name);
	s = mc_sql_text(path);
	while (s && strncmp(s, "--", 2) == 0) {
		s = strchr(s, '\n');
		s = s ? s + 1 : "";
	}
	return s;
}

struct mc_loader {
	PGconn *conn;
	struct mc_load_options opt;
	struct mc_staging_parser parser;
	struct mc_buf copy;      /* COPY data waiting to be sent */
	struct mc_copy_sender *sender;  /* sends `copy` blocks during a COPY */
	struct mc_buf run_line;  /* the last run-record line seen */
	uint64_t *fp;            /* listing fingerprints (open addressing, 0 = empty) */
	size_t fp_bits, fp_used;
	uint64_t fp_pending;     /* noted by fp_add, not yet in fp (0: none) */
	bool maybe_dup;          /* a listing may be in the file twice */
	bool dup_seen;           /* ... because its fingerprint was seen twice */
	FILE *states, *rejects;  /* one pass: the rows sent after the observations (temporary files) */
	char sqlstate[6];        /* the server's error of the last COPY that failed, "" if none */
	unsigned char *verdict;  /* 2 bits per line number; NULL when nothing is sent again */
	size_t verdict_size;     /* bytes allocated at verdict */
	long lines;              /* line numbers seen in the first pass */
	long keys;               /* valid keys in mc_load_keys, duplicates collapsed */
	struct mc_key_counts counts; /* of the valid lines, for the run's health (docs/model.md) */
	double classified_at;    /* when the verdicts were in (seconds()) */
};

/* ---- fingerprints of listings (in-file duplicate hint) ----------------------- */

static void fp_reset(struct mc_loader *l)
{
	free(l->fp);
	l->fp_bits = 12;
	l->fp = mc_calloc((size_t)1 << l->fp_bits, sizeof *l->fp);
	l->fp_used = 0;
	l->fp_pending = 0;
	l->maybe_dup = false;
	l->dup_seen = false;
}

static bool fp_insert_slot(uint64_t *t, size_t bits, uint64_t h)
{
	size_t mask = ((size_t)1 << bits) - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		if (t[i] == h)
			return false;
		if (t[i] == 0) {
			t[i] = h;
			return true;
		}
	}
}

/* Note a listing's fingerprint; sets maybe_dup when it may have been seen
 * before (or the table is full and can no longer tell). */
static void fp_note(struct mc_loader *l, uint64_t h)
{
	if (l->maybe_dup)
		return;
	if ((l->fp_used + 1) * 2 > (size_t)1 << l->fp_bits) {
		if (l->fp_bits >= FP_MAX_BITS) {
			l->maybe_dup = true;
			return;
		}
		size_t bits = l->fp_bits + 1;
		uint64_t *t = mc_calloc((size_t)1 << bits, sizeof *t);
		for (size_t i = 0; i < (size_t)1 << l->fp_bits; i++)
			if (l->fp[i])
				fp_insert_slot(t, bits, l->fp[i]);
		free(l->fp);
		l->fp = t;
		l->fp_bits = bits;
	}
	if (fp_insert_slot(l->fp, l->fp_bits, h))
		l->fp_used++;
	else
		l->maybe_dup = l->dup_seen = true;
}

/* Note a listing (its fingerprint, mc_key_fingerprint()) one line late: its
 * slot is fetched into the cache now and written while the next is noted
 * (the table outgrows the cache, and waiting for memory here was a tenth
 * of the first pass). */
static void fp_add(struct mc_loader *l, uint64_t h)
{
	__builtin_prefetch(&l->fp[h & (((size_t)1 << l->fp_bits) - 1)]);
	if (l->fp_pending)
		fp_note(l, l->fp_pending);
	l->fp_pending = h;
}

/* Note the listing fp_add() still holds. */
static void fp_flush(struct mc_loader *l)
{
	if (l->fp_pending)
		fp_note(l, l->fp_pending);
	l->fp_pending = 0;
}

/* ---- the verdict map ---------------------------------------------------------- */

static void verdict_set(struct mc_loader *l, long line_no, int v)
{
	l->verdict[line_no / 4] |= (unsigned char)(v << (line_no % 4 * 2));
}

/* A fresh, empty map for line numbers up to `lines`. */
static void verdict_reset(struct mc_loader *l, long lines)
{
	free(l->verdict);
	l->verdict_size = (size_t)lines / 4 + 1;
	l->verdict = mc_calloc(l->verdict_size, 1);
}

/* First pass: mark a valid line V_STORE, growing the map as lines come.
 * When every valid line turns out to be stored, not late (all new, or all
 * changed), this is the second pass's map and the verdicts are not read. */
static void verdict_mark_valid(struct mc_loader *l, long line_no)
{
	size_t need = (size_t)line_no / 4 + 1;

	if (need > l->verdict_size) {
		size_t size = l->verdict_size ? l->verdict_size : 4096;
		while (size < need)
			size *= 2;
		l->verdict = mc_realloc(l->verdict, size);
		memset(l->verdict + l->verdict_size, 0, size - l->verdict_size);
		l->verdict_size = size;
	}
	verdict_set(l, line_no, V_STORE);
}

static int verdict_of(const struct mc_loader *l, long line_no)
{
	if (line_no > l->lines || (size_t)line_no / 4 >= l->verdict_size)
		return V_SKIP;
	return l->verdict[line_no / 4] >> (line_no % 4 * 2) & 3;
}

/* ---- COPY rows -------------------------------------------------------------------- */

/* Second pass: a conflicting line (sql/loader/copy_conflicts.sql's columns). */
static void put_conflict(struct mc_buf *b, const char *file_id, const char *path, long line_no,
			 const char *line, size_t n)
{
	static const char reason[] = "conflicting_observation";
	char raw[MC_STAGING_RAW_KEEP];
	size_t raw_n = mc_staging_clean_raw(line, n, raw);

	mc_buf_adds(b, file_id);
	mc_buf_addc(b, '\t');
	mc_copy_text(b, path, strlen(path), '\t');
	mc_copy_int(b, line_no, '\t');
	mc_copy_text(b, reason, sizeof reason - 1, '\t');
	mc_copy_text(b, raw, raw_n, '\n');
}

/* ---- database helpers ----------------------------------------------------------- */

/* Say what happened in res->message (cut to fit). */
__attribute__((format(printf, 2, 3)))
static void set_msg(struct mc_load_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->message, sizeof res->message, fmt, ap);
	va_end(ap);
}

static void set_db_error(struct mc_load_result *res, PGconn *conn, PGresult *r, const char *what)
{
	const char *msg = r ? PQresultErrorMessage(r) : NULL;

	struct mc_err err;

	if (!msg || !*msg)
		msg = PQerrorMessage(conn);
	mc_err_set(&err, "%s: %s", what, msg && *msg ? msg : "failed"); /* as one line */
	set_msg(res, "%s", err.msg);
}

/* Run a parameterised statement; returns the result (caller clears) or NULL
 * after filling res->message. */
static PGresult *query(PGconn *conn, struct mc_load_result *res, const char *what,
		       const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	set_db_error(res, conn, r, what);
	PQclear(r);
	return NULL;
}

/* Run a statement whose result is not needed, with `n` parameters.  0 or
 * -1 (message set). */
static int simple_n(PGconn *conn, struct mc_load_result *res, const char *what, const char *sql,
		    int n, const char *const *params)
{
	PGresult *r = query(conn, res, what, sql, n, params);

	PQclear(r);
	return r ? 0 : -1;
}

/* The same with one parameter or none (NULL). */
static int simple1(PGconn *conn, struct mc_load_result *res, const char *what, const char *sql,
		   const char *param)
{
	return simple_n(conn, res, what, sql, param ? 1 : 0, &param);
}

static int simple(PGconn *conn, struct mc_load_result *res, const char *what, const char *sql)
{
	return simple1(conn, res, what, sql, NULL);
}

static long long cell_ll(PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* Start `sql` (a COPY FROM STDIN) and its sender thread.  0 or -1 (message set). */
static int copy_begin(struct mc_loader *l, const char *sql, struct mc_load_result *res)
{
	PGresult *r = PQexec(l->conn, sql);

	if (PQresultStatus(r) != PGRES_COPY_IN) {
		set_db_error(res, l->conn, r, "COPY");
		PQclear(r);
		return -1;
	}
	PQclear(r);
	mc_buf_reset(&l->copy);
	l->sender = mc_copy_sender_start(l->conn);
	return 0;
}

/* Hand the COPY block to the sender thread.  On a failed send the message
 * is set by copy_end(). */
static int flush_copy(struct mc_loader *l)
{
	if (l->copy.len == 0)
		return 0;
	return mc_copy_sender_put(l->sender, &l->copy);
}

/*
 * End the COPY begun by copy_begin().  `complete` false (the rows are not
 * all there) makes the server fail it on purpose.  Returns 0 when the rows
 * are in, -1 when it was failed on purpose (the caller's message stands),
 * -2 when sending or the server failed (message set; l->sqlstate says
 * the server's error, if it sent one).
 */
static int copy_end(struct mc_loader *l, bool complete, struct mc_load_result *res)
{
	int sent = complete ? flush_copy(l) : 0;
	PGresult *r;
	int rc;

	if (mc_copy_sender_finish(l->sender) != 0)
		sent = -1;
	l->sender = NULL;
	if (sent != 0) {
		set_db_error(res, l->conn, NULL, "COPY");
		complete = false;
	}
	rc = complete ? 0 : sent ? -2 : -1;
	if (PQputCopyEnd(l->conn, complete ? NULL : "load abandoned by the loader") != 1 && rc == 0) {
		set_db_error(res, l->conn, NULL, "COPY");
		rc = -2;
	}
	l->sqlstate[0] = '\0';
	for (r = PQgetResult(l->conn); r; r = PQgetResult(l->conn)) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) {
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			snprintf(l->sqlstate, sizeof l->sqlstate, "%s", state ? state : "");
			set_db_error(res, l->conn, r, "COPY");
			rc = -2;
		}
		PQclear(r);
	}
	return rc;
}

/* ---- the loader ------------------------------------------------------------------- */

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct mc_loader *mc_loader_new(PGconn *conn, const struct mc_load_options *opt,
				struct mc_err *err)
{
	struct mc_loader *l = mc_calloc(1, sizeof *l);
	PGresult *r;

	l->conn = conn;
	l->opt = *opt;
	if (l->opt.threads <= 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		l->opt.threads = cpus < 1 ? 1 : cpus > MC_LOAD_THREADS_DEFAULT_MAX
						? MC_LOAD_THREADS_DEFAULT_MAX : (int)cpus;
	}
	if (l->opt.threads > MC_LOAD_THREADS_MAX)
		l->opt.threads = MC_LOAD_THREADS_MAX;
	mc_staging_parser_init(&l->parser);
	mc_buf_init(&l->copy, 0);
	mc_buf_init(&l->run_line, 0);
	for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
		if (!loader_sql(statements[i])) {
			mc_err_set(err, "this binary lacks sql/loader/%s.sql", statements[i]);
			mc_loader_free(l);
			return NULL;
		}
	}
	/* A failure is harmless (sql/loader/temp_buffers.sql). */
	r = PQexec(conn, loader_sql("temp_buffers"));
	PQclear(r);
	if (mc_db_exec(conn, loader_sql("create_keys"), "creating the loader's temp tables", err) != 0 ||
	    mc_db_exec(conn, loader_sql("create_verdicts"), "creating the loader's temp tables", err) != 0) {
		mc_loader_free(l);
		return NULL;
	}
	return l;
}

void mc_loader_free(struct mc_loader *l)
{
	if (!l)
		return;
	mc_staging_parser_release(&l->parser);
	mc_buf_release(&l->copy);
	mc_buf_release(&l->run_line);
	free(l->fp);
	free(l->verdict);
	if (l->states)
		fclose(l->states);
	if (l->rejects)
		fclose(l->rejects);
	free(l);
}

struct file_state {
	const char *path;
	long long size;
	long long started_us;    /* the header's started_at */
	char abspath[PATH_MAX];
	struct mc_staging_header header;
	char spider[128], run_id[256];
	struct mc_staging_run run;
	char file_id[24];
};

/* Check the run record (the file's last line) against the header. */
static enum mc_load_outcome check_run(struct mc_loader *l, struct file_state *fs,
				      long line_no, long run_line_no, struct mc_load_result *res)
{
	if (!run_line_no) {
		set_msg(res, "%s: line %ld: no run record as the last line (truncated or not a finished "
			 "staging file)", fs->path, line_no);
		return MC_LOAD_REFUSED;
	}
	if (mc_staging_parse_run(&l->parser, l->run_line.data, l->run_line.len, &fs->run) != 0) {
		set_msg(res, "%s: line %ld: bad run record: %s",
			 fs->path, run_line_no, l->parser.error);
		return MC_LOAD_REFUSED;
	}
	if (fs->run.spider.n != strlen(fs->spider) ||
	    memcmp(fs->run.spider.p, fs->spider, fs->run.spider.n) != 0 ||
	    fs->run.run_id.n != strlen(fs->run_id) ||
	    memcmp(fs->run.run_id.p, fs->run_id, fs->run.run_id.n) != 0) {
		set_msg(res, "%s: line %ld: the run record's spider/run_id differ from the header's",
			 fs->path, run_line_no);
		return MC_LOAD_REFUSED;
	}
	return MC_LOAD_LOADED;
}

/* Add a parsed batch's counts to the file's. */
static void add_counts(struct mc_key_counts *to, const struct mc_key_counts *c)
{
	if (c->valid == 0)
		return;
	if (to->valid == 0 || c->first_us < to->first_us)
		to->first_us = c->first_us;
	if (to->valid == 0 || c->last_us > to->last_us)
		to->last_us = c->last_us;
	to->valid += c->valid;
	to->list_price += c->list_price;
	to->availability += c->availability;
	to->product_key += c->product_key;
}

/* Append `rows` to the temporary file `f`; a failed write shows at
 * spools_written(). */
static void spool_add(FILE *f, const struct mc_buf *rows)
{
	if (rows->len > 0)
		fwrite(rows->data, 1, rows->len, f);
}

/* Take in a parsed batch, in line order: its rows go to the COPY (in one
 * pass, its states and rejects to their temporary files), its valid lines
 * to the map (two passes only: one pass sends every valid line), its
 * listings to the fingerprints.  *run_line_no is the run
 * record's line once seen.  LOADED, or REFUSED (message set) when a line
 * follows the run record or, in one pass, a listing may be in the file
 * twice (the file then goes the two-pass way). */
static enum mc_load_outcome take_batch(struct mc_loader *l, const struct mc_key_batch *b,
				       bool one_pass, long *run_line_no, struct file_state *fs,
				       struct mc_load_result *res)
{
	if (*run_line_no || b->after_run) {
		set_msg(res, "%s: line %ld: the run record is not the last line (line %ld follows it)",
			fs->path, *run_line_no ? *run_line_no : b->run_line_no,
			*run_line_no ? b->first_line : b->after_run);
		return MC_LOAD_REFUSED;
	}
	mc_buf_add(&l->copy, b->rows.data, b->rows.len);
	if (one_pass) {
		spool_add(l->states, &b->states);
		spool_add(l->rejects, &b->rejects);
	}
	for (size_t i = 0; i < b->n_fps; i++)
		fp_add(l, b->fps[i]);
	if (one_pass && l->dup_seen) {
		set_msg(res, "%s: a listing twice before line %ld", fs->path, b->first_line + (long)b->n);
		return MC_LOAD_REFUSED;
	}
	for (size_t i = 0; i < b->n && !one_pass; i++)
		if (b->valid[i / 64] >> (i % 64) & 1)
			verdict_mark_valid(l, b->first_line + (long)i);
	add_counts(&l->counts, &b->counts);
	res->read += b->read;
	res->rejected += b->rejected;
	if (b->run_line_no) {
		*run_line_no = b->run_line_no;
		mc_buf_reset(&l->run_line);
		mc_buf_add(&l->run_line, b->run_line.data, b->run_line.len);
	}
	return MC_LOAD_LOADED;
}

/* Take back the oldest batch in the pool (if any) and pass it on to the
 * COPY; the reader may give back the pages of its lines.  LOADED, REFUSED
 * or FAILED (message set). */
static enum mc_load_outcome drain_one(struct mc_loader *l, struct mc_key_pool *pool,
				      bool one_pass, struct mc_line_reader *rd, long *run_line_no,
				      struct file_state *fs, struct mc_load_result *res)
{
	struct mc_key_batch *b = mc_key_pool_take(pool);
	enum mc_load_outcome out;

	if (!b)
		return MC_LOAD_LOADED;
	mc_line_reader_hold(rd, b->tag);
	out = take_batch(l, b, one_pass, run_line_no, fs, res);
	if (out == MC_LOAD_LOADED && l->copy.len >= COPY_FLUSH && flush_copy(l) != 0)
		out = MC_LOAD_FAILED;
	return out;
}

/* First pass: stream every line's rows into the COPY begun, the lines
 * parsed in batches by l->opt.threads threads (etl/key_pool.h) and taken
 * back in line order: keys and rejects for mc_load_keys, or with
 * `one_pass` observations for stg.observation (their states and the
 * rejects to l->states and l->rejects).  Returns MC_LOAD_LOADED when every
 * line went out and the run record checks, else REFUSED or FAILED
 * (res->message set). */
static enum mc_load_outcome send_lines(struct mc_loader *l, struct mc_line_reader *rd,
				       struct file_state *fs, const struct mc_key_one_pass *one_pass,
				       struct mc_load_result *res)
{
	struct mc_key_pool *pool = mc_key_pool_start(l->opt.threads, fs->started_us, one_pass);
	struct mc_key_batch *b = NULL;
	enum mc_load_outcome out = MC_LOAD_LOADED;
	const char *line;
	size_t n;
	bool too_long;
	long line_no = 1, run_line_no = 0;

	/* The batches' lines are read by the workers until taken back. */
	mc_line_reader_hold(rd, rd->pos);
	while (out == MC_LOAD_LOADED && mc_line_reader_next(rd, &line, &n, &too_long) == 1) {
		if (++line_no == INT32_MAX)
			break;
		while (!b) {
			b = mc_key_pool_free_batch(pool);
			if (!b)
				out = drain_one(l, pool, one_pass != NULL, rd, &run_line_no, fs, res);
			if (out != MC_LOAD_LOADED)
				break;
		}
		if (out != MC_LOAD_LOADED)
			break;
		mc_key_batch_add(b, line_no, line, n, too_long);
		if (b->n == MC_KEY_BATCH_LINES) {
			b->tag = rd->pos;
			mc_key_pool_submit(pool, b);
			b = NULL;
		}
	}
	if (out == MC_LOAD_LOADED && b && b->n > 0) {
		b->tag = rd->pos;
		mc_key_pool_submit(pool, b);
	}
	/* Every batch in line order: an error in an earlier line is the one said. */
	while (out == MC_LOAD_LOADED && mc_key_pool_pending(pool) > 0)
		out = drain_one(l, pool, one_pass != NULL, rd, &run_line_no, fs, res);
	mc_key_pool_stop(pool);
	mc_line_reader_hold(rd, SIZE_MAX);
	if (out != MC_LOAD_LOADED)
		return out;
	if (line_no == INT32_MAX) {
		set_msg(res, "%s: more than %ld lines", fs->path, line_no - 1);
		return MC_LOAD_REFUSED;
	}
	fp_flush(l);
	l->lines = line_no;
	return check_run(l, fs, line_no, run_line_no, res);
}

/*
 * Second pass: read the file again and send the lines whose verdict is
 * `want` (V_STORE, which includes V_STORE_LATE, or V_CONFLICT); a stored
 * line N becomes observation `id_base` + N, as sql/loader/reserve_ids.sql numbered it.
 * The file must not have changed since the first pass.  0 or -1 (message
 * set).
 */
static int resend(struct mc_loader *l, struct mc_line_reader *rd, struct file_state *fs,
		  int want, long long id_base, struct mc_load_result *res)
{
	const char *line;
	size_t n;
	bool too_long;
	long line_no = 0;
	int rc = 0;
	char sha[65];

	mc_line_reader_rewind(rd);
	const char *copy = want == V_CONFLICT ? "copy_conflicts" : "copy_observations";
	if (copy_begin(l, loader_sql(copy), res) != 0)
		return -1;
	if (want != V_CONFLICT)
		mc_copyb_header(&l->copy);
	while (rc == 0 && mc_line_reader_next(rd, &line, &n, &too_long) == 1) {
		struct mc_staging_obs obs;
		int v = verdict_of(l, ++line_no);

		if (v == V_SKIP || (want == V_CONFLICT) != (v == V_CONFLICT))
			continue;
		if (v == V_CONFLICT) {
			put_conflict(&l->copy, fs->file_id, fs->abspath, line_no, line, n);
		} else if (too_long || mc_staging_parse_line(&l->parser, line, n, &obs) != MC_STAGING_OBS) {
			set_msg(res, "%s: line %ld: the file changed while it was being loaded",
				fs->path, line_no);
			rc = -1;
			break;
		} else {
			mc_row_observation(&l->copy, id_base + line_no, res->file_id, line_no, &obs,
					v == V_STORE_LATE);
		}
		if (l->copy.len >= COPY_FLUSH)
			rc = flush_copy(l);
	}
	if (rc == 0) {
		mc_line_reader_skip_rest(rd);
		mc_line_reader_sha256(rd, sha);
		if (strcmp(sha, res->sha256) != 0) {
			set_msg(res, "%s: the file changed while it was being loaded", fs->path);
			rc = -1;
		}
	}
	if (rc == 0 && want != V_CONFLICT)
		mc_copyb_trailer(&l->copy);
	return copy_end(l, rc == 0, res) == 0 ? 0 : -1;
}

/* Fetch the verdicts of the lines to send again into l->verdict.  0 or -1. */
static int fetch_verdicts(struct mc_loader *l, struct mc_load_result *res)
{
	PGresult *r = PQexec(l->conn, loader_sql("verdicts"));
	char *row;
	int n;

	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		set_db_error(res, l->conn, r, "reading the verdicts");
		PQclear(r);
		return -1;
	}
	PQclear(r);
	verdict_reset(l, l->lines);
	for (n = PQgetCopyData(l->conn, &row, 0); n > 0; n = PQgetCopyData(l->conn, &row, 0)) {
		char *tab;
		long line_no = strtol(row, &tab, 10);
		if (*tab == '\t' && line_no > 0 && line_no <= l->lines)
			verdict_set(l, line_no, tab[1] - '0');
		PQfreemem(row);
	}
	r = PQgetResult(l->conn);
	n = n == -1 && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (n != 0)
		set_db_error(res, l->conn, r, "reading the verdicts");
	PQclear(r);
	for (r = PQgetResult(l->conn); r; r = PQgetResult(l->conn))
		PQclear(r);
	return n;
}

/* 1 when a file of the same spider and run id was loaded before, 0 when
 * not, -1 on a database error (message set). */
static int run_loaded(struct mc_loader *l, struct file_state *fs, struct mc_load_result *res)
{
	const char *params[2] = {fs->spider, fs->run_id};
	PGresult *r = query(l->conn, res, "looking up the run",
			    loader_sql("run_loaded"), 2, params);
	int found;

	if (!r)
		return -1;
	found = PQntuples(r) > 0;
	PQclear(r);
	return found;
}

/* Look res->sha256 up in stg.loaded_file: DUPLICATE (message set), LOADED
 * meaning "not loaded yet", or FAILED. */
static enum mc_load_outcome find_loaded(struct mc_loader *l, struct mc_load_result *res)
{
	const char *params[1] = {res->sha256};
	PGresult *r = query(l->conn, res, "looking up the file hash",
			    loader_sql("find_loaded"), 1, params);

	if (!r)
		return MC_LOAD_FAILED;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return MC_LOAD_LOADED;
	}
	res->file_id = cell_ll(r, 0, 0);
	set_msg(res, "same content as file %lld (%s), loaded %s UTC", res->file_id,
		PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2));
	PQclear(r);
	return MC_LOAD_DUPLICATE;
}

/* Insert the stg.loaded_file row; sets res->file_id and fs->file_id.  0 or -1. */
static int insert_file(struct mc_loader *l, struct file_state *fs, struct mc_load_result *res)
{
	char status[16], scope[16], region[MC_STAGING_MAX_REGION + 1];
	char *record = mc_strndup(fs->run.record.p, fs->run.record.n);
	char *started = mc_strndup(fs->run.started_at.p, fs->run.started_at.n);
	char *finished = mc_strndup(fs->run.finished_at.p, fs->run.finished_at.n);
	const char *params[10] = {res->sha256, fs->abspath, fs->spider, fs->run_id, status,
				  started, finished, record, scope, region};
	PGresult *r;

	snprintf(status, sizeof status, "%.*s", (int)fs->run.status.n, fs->run.status.p);
	snprintf(scope, sizeof scope, "%.*s", (int)fs->run.scope.n, fs->run.scope.p);
	snprintf(region, sizeof region, "%.*s", (int)fs->run.region.n, fs->run.region.p);
	r = query(l->conn, res, "recording the file", loader_sql("insert_file"), 10, params);
	free(record);
	free(started);
	free(finished);
	if (!r)
		return -1;
	res->file_id = cell_ll(r, 0, 0);
	snprintf(fs->file_id, sizeof fs->file_id, "%lld", res->file_id);
	PQclear(r);
	return 0;
}

/* Rejected lines, the in-file duplicate collapse, statistics and settings:
 * everything before the classification.  0 or -1. */
static int prepare_keys(struct mc_loader *l, struct file_state *fs, struct mc_load_result *res)
{
	PGconn *c = l->conn;
	const char *p_fp[2] = {fs->file_id, fs->abspath};
	PGresult *r;

	if (res->rejected > 0) {
		r = query(c, res, "recording rejected lines", loader_sql("rejects"), 2, p_fp);
		if (!r)
			return -1;
		PQclear(r);
	}
	l->keys = res->read - res->rejected;
	if (l->maybe_dup) {
		r = query(c, res, "collapsing duplicate listings", loader_sql("collapse"), 0, NULL);
		if (!r)
			return -1;
		l->keys -= strtol(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	/* Room for the keys in memory: about the file's size / 512, within
	 * 64 MiB .. 1 GiB (sql/loader/analyze_settings.sql says the rest). */
	long long mem_mb = fs->size / (512 * 1024);
	char work_mem[32];
	snprintf(work_mem, sizeof work_mem, "%lldMB", mem_mb < 64 ? 64 : mem_mb > 1024 ? 1024 : mem_mb);
	if (simple1(c, res, "session settings", loader_sql("analyze_settings"), work_mem) != 0 ||
	    simple(c, res, "analysing the file's keys", loader_sql("analyze_keys")) != 0)
		return -1;
	return 0;
}

/* Move listing_state on and record the listings seen without a stored
 * observation, from the verdicts.  0 or -1. */
static int apply_verdicts(struct mc_loader *l, const char *file_id, const char *base,
			  long new_n, long change_n, long stored, struct mc_load_result *res)
{
	PGconn *c = l->conn;

	if (new_n > 0 && simple1(c, res, "recording new listings", loader_sql("state_new"), base) != 0)
		return -1;
	if (change_n > 0 &&
	    simple1(c, res, "recording changed listings", loader_sql("state_change"), base) != 0)
		return -1;
	const char *seen = stored > 0 ? "seen_rest" : "seen_all";
	if (l->keys > stored &&
	    simple1(c, res, "recording unchanged listings", loader_sql(seen), file_id) != 0)
		return -1;
	return 0;
}

/* 1 when every valid key of the file is new (any_known.sql) and each
 * listing is in it once, 0 when classify.sql must decide, -1 on error. */
static int all_new(struct mc_loader *l, struct mc_load_result *res)
{
	PGresult *r;
	int known;

	if (l->keys == 0 || l->keys != l->counts.valid)
		return 0;
	r = query(l->conn, res, "change detection", loader_sql("any_known"), 0, NULL);
	if (!r)
		return -1;
	known = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return !known;
}

/* Classify every key (classify.sql) and move listing_state on; the lines
 * to send again are res->accepted and *conflicts.  0 or -1. */
static int classify(struct mc_loader *l, struct file_state *fs, const char *base,
		    long *conflicts, struct mc_load_result *res)
{
	PGresult *r = query(l->conn, res, "change detection", loader_sql("classify"), 0, NULL);
	long new_n, change_n;

	if (!r)
		return -1;
	new_n = (long)cell_ll(r, 0, 0);
	change_n = (long)cell_ll(r, 0, 1);
	res->late = (long)cell_ll(r, 0, 2);
	*conflicts = (long)cell_ll(r, 0, 3);
	PQclear(r);
	res->accepted = new_n + change_n + res->late;
	return apply_verdicts(l, fs->file_id, base, new_n, change_n, res->accepted, res);
}

/* Reserve observation ids for line numbers up to `lines`: line N, if
 * stored, becomes *base + N.  0 or -1. */
static int reserve_ids(struct mc_loader *l, long lines, long long *base,
		       struct mc_load_result *res)
{
	char n[24];
	const char *params[1] = {n};
	PGresult *r;

	snprintf(n, sizeof n, "%ld", lines);
	r = query(l->conn, res, "reserving observation ids", loader_sql("reserve_ids"), 1, params);
	if (!r)
		return -1;
	*base = cell_ll(r, 0, 0);
	PQclear(r);
	return 0;
}

/* Reserve ids, classify, and send the stored and conflicting lines (the
 * second pass).  0 or -1. */
static int detect_changes(struct mc_loader *l, struct mc_line_reader *rd, struct file_state *fs,
			  struct mc_load_result *res)
{
	char base[24];
	long long id_base;
	long conflicts = 0;
	int fresh;

	if (reserve_ids(l, l->lines, &id_base, res) != 0)
		return -1;
	snprintf(base, sizeof base, "%lld", id_base);

	fresh = all_new(l, res);
	if (fresh < 0)
		return -1;
	if (fresh) {
		if (simple1(l->conn, res, "recording new listings", loader_sql("state_new_keys"),
			    base) != 0)
			return -1;
		res->accepted = l->keys;
	} else if (classify(l, fs, base, &conflicts, res) != 0) {
		return -1;
	}
	l->classified_at = seconds();
	if (res->accepted + conflicts == 0)
		return 0;
	/* Every valid line stored, none late: the first pass's map says so. */
	if ((res->accepted != l->counts.valid || res->late > 0 || conflicts > 0) &&
	    fetch_verdicts(l, res) != 0)
		return -1;
	if (res->accepted > 0 && resend(l, rd, fs, V_STORE, id_base, res) != 0)
		return -1;
	if (conflicts > 0 && resend(l, rd, fs, V_CONFLICT, 0, res) != 0)
		return -1;
	res->rejected += conflicts;
	return 0;
}

/* The file's counts, once stored (sql/loader/record_counts.sql).  0 or -1. */
static int record_counts(struct mc_loader *l, struct file_state *fs, struct mc_load_result *res)
{
	char nums[10][24];
	const struct mc_key_counts *c = &l->counts;

	snprintf(nums[0], sizeof nums[0], "%ld", res->read);
	snprintf(nums[1], sizeof nums[1], "%ld", res->accepted);
	snprintf(nums[2], sizeof nums[2], "%ld", res->unchanged);
	snprintf(nums[3], sizeof nums[3], "%ld", res->rejected);
	snprintf(nums[4], sizeof nums[4], "%ld", c->valid);
	snprintf(nums[5], sizeof nums[5], "%ld", c->list_price);
	snprintf(nums[6], sizeof nums[6], "%ld", c->availability);
	snprintf(nums[7], sizeof nums[7], "%ld", c->product_key);
	snprintf(nums[8], sizeof nums[8], "%lld", c->first_us);
	snprintf(nums[9], sizeof nums[9], "%lld", c->last_us);
	const char *p_counts[11] = {fs->file_id, nums[0], nums[1], nums[2], nums[3], nums[4],
				    nums[5], nums[6], nums[7], c->valid ? nums[8] : NULL,
				    c->valid ? nums[9] : NULL};
	return simple_n(l->conn, res, "recording the counts", loader_sql("record_counts"), 11,
			p_counts);
}

/* Everything after the first pass, inside the transaction. */
static enum mc_load_outcome record_file(struct mc_loader *l, struct mc_line_reader *rd,
					struct file_state *fs, struct mc_load_result *res)
{
	enum mc_load_outcome out;

	/* Serialise with other loaders, then look for the same content. */
	if (simple(l->conn, res, "taking the loader lock", loader_sql("lock")) != 0)
		return MC_LOAD_FAILED;
	out = find_loaded(l, res);
	if (out != MC_LOAD_LOADED)
		return out;
	if (insert_file(l, fs, res) != 0 || prepare_keys(l, fs, res) != 0 ||
	    detect_changes(l, rd, fs, res) != 0)
		return MC_LOAD_FAILED;
	res->unchanged = res->read - res->accepted - res->rejected;
	return record_counts(l, fs, res) == 0 ? MC_LOAD_LOADED : MC_LOAD_FAILED;
}

/* A staging file is a regular file (or a symbolic link to one): anything
 * else - a FIFO, a device, a socket, a directory - is refused unread. */
static enum mc_load_outcome refuse_special(const struct file_state *fs, const struct stat *st,
					   struct mc_load_result *res)
{
	const char *kind = S_ISFIFO(st->st_mode) ? "a FIFO"
			   : S_ISCHR(st->st_mode) ? "a character device"
			   : S_ISBLK(st->st_mode) ? "a block device"
			   : S_ISSOCK(st->st_mode) ? "a socket"
			   : S_ISDIR(st->st_mode) ? "a directory" : "not a regular file";

	set_msg(res, "%s: %s, not a staging file; it is never read", fs->path, kind);
	return MC_LOAD_REFUSED;
}

/* Open the file and read its header (line 1).  LOADED when it is a staging
 * file, else VANISHED, REFUSED or FAILED (message set). */
static enum mc_load_outcome open_file(struct mc_loader *l, struct mc_line_reader *rd,
				      struct file_state *fs, struct mc_load_result *res)
{
	const char *line;
	size_t n;
	bool too_long;
	struct stat st;
	int fd;

	/* stat() first, so that a device is never opened at all; then open
	 * without blocking (opening a FIFO waits for a writer, forever) and
	 * check again what was opened, in case the name was replaced
	 * meanwhile.  Symbolic links to regular files are followed, as
	 * ever.  The descriptor is only mapped, never read, so O_NONBLOCK
	 * changes nothing for a regular file. */
	if (stat(fs->path, &st) == 0 && !S_ISREG(st.st_mode))
		return refuse_special(fs, &st, res);
	fd = open(fs->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		set_msg(res, "%s: %s", fs->path, strerror(errno));
		return errno == ENOENT ? MC_LOAD_VANISHED : MC_LOAD_FAILED;
	}
	if (fstat(fd, &st) != 0) {
		set_msg(res, "%s: %s", fs->path, strerror(errno));
		close(fd);
		return MC_LOAD_FAILED;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return refuse_special(fs, &st, res);
	}
	fs->size = (long long)st.st_size;
	int mapped = mc_line_reader_open(rd, fd, (size_t)st.st_size);
	close(fd);
	if (mapped != 0) {
		set_msg(res, "%s: cannot map the file: %s", fs->path, strerror(errno));
		return MC_LOAD_FAILED;
	}
	if (!realpath(fs->path, fs->abspath))
		snprintf(fs->abspath, sizeof fs->abspath, "%s", fs->path);

	int got = mc_line_reader_next(rd, &line, &n, &too_long);
	if (got == 0 || too_long ||
	    mc_staging_parse_header(&l->parser, line, n, &fs->header) != 0) {
		set_msg(res, "%s: line 1: not a marketcrawl staging file (%s)", fs->path,
			 got == 0 ? "empty file" : too_long ? "line too long" : l->parser.error);
		return MC_LOAD_REFUSED;
	}
	snprintf(fs->spider, sizeof fs->spider, "%.*s", (int)fs->header.spider.n, fs->header.spider.p);
	fs->started_us = fs->header.started_us;
	snprintf(fs->run_id, sizeof fs->run_id, "%.*s", (int)fs->header.run_id.n, fs->header.run_id.p);
	return MC_LOAD_LOADED;
}

/* A file of a run already loaded is probably the same file again (a copy,
 * an archived file): settle that by hash before sending anything.  LOADED
 * means "go on" (the reader is back after line 1). */
static enum mc_load_outcome check_duplicate(struct mc_loader *l, struct mc_line_reader *rd,
					    struct file_state *fs, struct mc_load_result *res)
{
	const char *line;
	size_t n;
	bool too_long;
	enum mc_load_outcome out;
	int seen = run_loaded(l, fs, res);

	if (seen <= 0)
		return seen < 0 ? MC_LOAD_FAILED : MC_LOAD_LOADED;
	mc_line_reader_skip_rest(rd);
	mc_line_reader_sha256(rd, res->sha256);
	out = find_loaded(l, res);
	if (out != MC_LOAD_LOADED)
		return out;
	mc_line_reader_rewind(rd);
	mc_line_reader_next(rd, &line, &n, &too_long); /* the header, checked already */
	return MC_LOAD_LOADED;
}

/* ---- one pass: a file of new listings ------------------------------------------ */

/* Keys looked up to guess whether a file is all new (sample_known.sql). */
#define SAMPLE_KEYS 64

/* Append `n` bytes at `p` to the text array literal `a` as an element. */
static void array_add(struct mc_buf *a, const char *p, size_t n)
{
	mc_buf_adds(a, a->len ? ",\"" : "{\"");
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			mc_buf_addc(a, '\\');
		mc_buf_addc(a, p[i]);
	}
	mc_buf_addc(a, '"');
}

/* 0 when none of up to SAMPLE_KEYS keys, of lines spread over the file (the
 * first observation's among them), is in stg.listing_state; 1 when one is,
 * or when no line read is an observation; -1 on a database error.  The
 * reader's position does not move, and what each read mapped in is given
 * back at once (mc_line_reader_give_back). */
static int sample_known(struct mc_loader *l, struct mc_line_reader *rd,
			struct mc_load_result *res)
{
	struct mc_buf arr[3];
	int keys = 0, known = 1;

	for (int i = 0; i < 3; i++)
		mc_buf_init(&arr[i], 0);
	for (size_t k = 0; k < SAMPLE_KEYS && rd->size > 0; k++) {
		size_t at = rd->size / SAMPLE_KEYS * k;
		const char *nl = memchr(rd->map + at, '\n', rd->size - at);
		if (!nl)
			break;
		const char *p = nl + 1, *end = rd->map + rd->size;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((eol ? eol : end) - p);
		struct mc_staging_obs o;
		if (n <= MC_STAGING_MAX_LINE &&
		    mc_staging_parse_line(&l->parser, p, n, &o) == MC_STAGING_OBS) {
			array_add(&arr[0], o.marketplace.p, o.marketplace.n);
			array_add(&arr[1], o.region.p, o.region.n);
			array_add(&arr[2], o.external_id.p, o.external_id.n);
			keys++;
		}
		mc_line_reader_give_back(rd);
	}
	if (keys > 0) {
		for (int i = 0; i < 3; i++)
			mc_buf_adds(&arr[i], "}");
		const char *params[3] = {arr[0].data, arr[1].data, arr[2].data};
		PGresult *r = query(l->conn, res, "change detection", loader_sql("sample_known"), 3,
				    params);
		known = r ? strcmp(PQgetvalue(r, 0, 0), "t") == 0 : -1;
		PQclear(r);
	}
	for (int i = 0; i < 3; i++)
		mc_buf_release(&arr[i]);
	return known;
}

/* A temporary file without a name in $TMPDIR (else /tmp), gone when
 * closed; NULL when none can be made there. */
static FILE *temp_file(void)
{
	const char *dir = getenv("TMPDIR");
	int fd = open(dir && *dir ? dir : "/tmp", O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;

	if (fd >= 0 && !f)
		close(fd);
	return f;
}

/* Empty the temporary files of one pass's states and rejects, made the
 * first time.  0, or -1 when they cannot be made. */
static int spools_ready(struct mc_loader *l)
{
	FILE **spools[2] = {&l->states, &l->rejects};

	for (int i = 0; i < 2; i++) {
		FILE **f = spools[i];
		if (!*f)
			*f = temp_file();
		if (!*f || fflush(*f) != 0 || ftruncate(fileno(*f), 0) != 0)
			return -1;
		rewind(*f);
	}
	return 0;
}

/* COPY, with `sql`, the rows written to the temporary file `f` (COPY
 * binary rows, no header).  0, or -1 (message set; l->sqlstate says the
 * server's error). */
static int copy_spool(struct mc_loader *l, FILE *f, const char *sql, struct mc_load_result *res)
{
	char chunk[64 * 1024];
	size_t got;
	int rc = 0;

	rewind(f);
	if (copy_begin(l, loader_sql(sql), res) != 0)
		return -1;
	mc_copyb_header(&l->copy);
	for (got = fread(chunk, 1, sizeof chunk, f); rc == 0 && got > 0;
	     got = fread(chunk, 1, sizeof chunk, f)) {
		mc_buf_add(&l->copy, chunk, got);
		if (l->copy.len >= COPY_FLUSH)
			rc = flush_copy(l);
	}
	bool complete = rc == 0 && !ferror(f);
	if (complete)
		mc_copyb_trailer(&l->copy);
	else if (rc == 0)
		set_msg(res, "reading a temporary file: %s", strerror(errno));
	return copy_end(l, complete, res) == 0 ? 0 : -1;
}

/* Read the file through once, unparsed, for what one pass needs before its
 * COPY: the number of lines (for the ids), the hash (res->sha256: the
 * duplicate check and the stg.loaded_file row) and the last line, the run
 * record (into l->run_line).  The reader is left after line 1.  Returns
 * the number of lines. */
static long read_ahead(struct mc_loader *l, struct mc_line_reader *rd, struct mc_load_result *res)
{
	const char *line;
	size_t n;
	bool too_long;
	long lines;

	mc_line_reader_rewind(rd);
	lines = mc_line_reader_count_rest(rd);
	mc_line_reader_sha256(rd, res->sha256);
	n = mc_line_reader_last(rd, &line);
	mc_buf_reset(&l->run_line);
	if (n <= MC_STAGING_MAX_LINE)
		mc_buf_add(&l->run_line, line, n);
	mc_line_reader_rewind(rd);
	mc_line_reader_next(rd, &line, &n, &too_long); /* the header, checked already */
	return lines;
}

/* The spools' writes in a pass (spool_add) are checked here, once. */
static bool spools_written(struct mc_loader *l)
{
	return fflush(l->states) == 0 && !ferror(l->states) &&
	       fflush(l->rejects) == 0 && !ferror(l->rejects);
}

/* A failure that the two-pass way may not meet: the unique index saying a
 * listing is known, or twice in the file (REFUSED: go the two-pass way);
 * anything else is FAILED. */
static enum mc_load_outcome one_pass_failure(const struct mc_loader *l)
{
	return strcmp(l->sqlstate, "23505") == 0 ? MC_LOAD_REFUSED : MC_LOAD_FAILED;
}

/*
 * One pass, for a file of `lines` lines whose sampled keys are all new
 * (docs/loader.md, "How a file is loaded"): under the loader lock, the
 * stg.loaded_file row and the ids first, then the observations COPYed
 * straight into stg.observation as the lines are parsed, then their states
 * into stg.listing_state and the rejects, from temporary files.  LOADED,
 * DUPLICATE or FAILED (message set), or REFUSED when the file must go the
 * two-pass way instead: a listing in it is known or in it twice (the
 * unique indexes or the fingerprints say so), or it is to be refused (the
 * two-pass way then says why).
 */
static enum mc_load_outcome load_one_pass(struct mc_loader *l, struct mc_line_reader *rd,
					  struct file_state *fs, long lines,
					  struct mc_load_result *res)
{
	const char *p_fp[2] = {fs->file_id, fs->abspath};
	struct mc_key_one_pass ids;
	enum mc_load_outcome out;
	char sha[65];

	if (simple(l->conn, res, "taking the loader lock", loader_sql("lock")) != 0)
		return MC_LOAD_FAILED;
	out = find_loaded(l, res);
	if (out != MC_LOAD_LOADED)
		return out;
	if (check_run(l, fs, lines, lines, res) != MC_LOAD_LOADED)
		return MC_LOAD_REFUSED;
	if (insert_file(l, fs, res) != 0 || reserve_ids(l, lines, &ids.id_base, res) != 0)
		return MC_LOAD_FAILED;
	ids.file_id = res->file_id;

	if (copy_begin(l, loader_sql("copy_observations"), res) != 0)
		return MC_LOAD_FAILED;
	mc_copyb_header(&l->copy);
	out = send_lines(l, rd, fs, &ids, res);
	if (out == MC_LOAD_LOADED)
		mc_copyb_trailer(&l->copy);
	int ended = copy_end(l, out == MC_LOAD_LOADED, res);
	if (ended == -2)
		return one_pass_failure(l);
	if (out != MC_LOAD_LOADED)
		return out;
	mc_line_reader_sha256(rd, sha);
	if (l->lines != lines || strcmp(sha, res->sha256) != 0) {
		set_msg(res, "%s: the file changed while it was being loaded", fs->path);
		return MC_LOAD_FAILED;
	}
	if (!spools_written(l))
		return MC_LOAD_REFUSED;
	if (copy_spool(l, l->states, "copy_states", res) != 0)
		return one_pass_failure(l);
	if (res->rejected > 0 &&
	    (copy_spool(l, l->rejects, "copy_keys", res) != 0 ||
	     simple_n(l->conn, res, "recording rejected lines", loader_sql("rejects"), 2, p_fp) != 0))
		return MC_LOAD_FAILED;
	res->accepted = l->counts.valid;
	res->unchanged = res->read - res->accepted - res->rejected;
	return record_counts(l, fs, res) == 0 ? MC_LOAD_LOADED : MC_LOAD_FAILED;
}

/* Whether to try one pass: the sampled keys all new and temporary files at
 * hand; then the file is read ahead (*lines, res->sha256, the run record).
 * 1, 0, or -1 on a database error (message set). */
static int one_pass_wanted(struct mc_loader *l, struct mc_line_reader *rd, long *lines,
			   struct mc_load_result *res)
{
	int known = sample_known(l, rd, res);

	if (known != 0)
		return known < 0 ? -1 : 0;
	if (spools_ready(l) != 0)
		return 0;
	*lines = read_ahead(l, rd, res);
	return *lines < INT32_MAX;
}

/* Start again after a one-pass attempt: back to the savepoint, the reader
 * after line 1, the result and the verdict map empty.  0 or -1. */
static int undo_one_pass(struct mc_loader *l, struct mc_line_reader *rd,
			 struct mc_load_result *res)
{
	const char *line;
	size_t n;
	bool too_long;

	memset(res, 0, sizeof *res);
	free(l->verdict);
	l->verdict = NULL;
	l->verdict_size = 0;
	mc_line_reader_rewind(rd);
	mc_line_reader_next(rd, &line, &n, &too_long); /* the header */
	return simple(l->conn, res, "going back to two passes",
		      "rollback to savepoint mc_one_pass");
}

/* The first pass and record_file().  LOADED (not committed yet), or else
 * (message set). */
static enum mc_load_outcome load_two_passes(struct mc_loader *l, struct mc_line_reader *rd,
					    struct file_state *fs, struct mc_load_result *res)
{
	enum mc_load_outcome out;
	double t0 = seconds();

	if (copy_begin(l, loader_sql("copy_keys"), res) != 0)
		return MC_LOAD_FAILED;
	mc_copyb_header(&l->copy);
	out = send_lines(l, rd, fs, NULL, res);
	if (out == MC_LOAD_LOADED)
		mc_copyb_trailer(&l->copy);
	int ended = copy_end(l, out == MC_LOAD_LOADED, res);
	if (ended == -2)
		return MC_LOAD_FAILED;
	if (out != MC_LOAD_LOADED)
		return out;
	mc_line_reader_sha256(rd, res->sha256);
	double t1 = seconds();

	out = record_file(l, rd, fs, res);
	res->first_pass_s = t1 - t0;
	res->classify_s = l->classified_at - t1;
	return out;
}

/* The transaction: one pass when the file looks all new (and the unique
 * indexes agree), else two.  LOADED once committed. */
static enum mc_load_outcome load_in_transaction(struct mc_loader *l, struct mc_line_reader *rd,
						struct file_state *fs, struct mc_load_result *res)
{
	enum mc_load_outcome out = MC_LOAD_REFUSED;
	double t0 = seconds();
	long lines = 0;
	int one_pass = one_pass_wanted(l, rd, &lines, res);

	if (one_pass < 0)
		return MC_LOAD_FAILED;
	fp_reset(l);
	memset(&l->counts, 0, sizeof l->counts);
	if (one_pass) {
		if (simple(l->conn, res, "savepoint", "savepoint mc_one_pass") != 0)
			return MC_LOAD_FAILED;
		double t1 = seconds();
		out = load_one_pass(l, rd, fs, lines, res);
		res->one_pass = true;
		res->first_pass_s = t1 - t0;
		l->classified_at = t1;
		if (out == MC_LOAD_REFUSED) {
			if (undo_one_pass(l, rd, res) != 0)
				return MC_LOAD_FAILED;
			fp_reset(l);
			memset(&l->counts, 0, sizeof l->counts);
		}
	}
	if (out == MC_LOAD_REFUSED)
		out = load_two_passes(l, rd, fs, res);
	if (out != MC_LOAD_LOADED)
		return out;
	if (simple(l->conn, res, "commit", "commit") != 0)
		return MC_LOAD_FAILED;
	res->store_s = seconds() - l->classified_at;
	return MC_LOAD_LOADED;
}

enum mc_load_outcome mc_loader_load_file(struct mc_loader *l, const char *path,
					 struct mc_load_result *res)
{
	struct mc_line_reader *rd = mc_calloc(1, sizeof *rd);
	struct file_state *fs = mc_calloc(1, sizeof *fs);
	enum mc_load_outcome out;

	memset(res, 0, sizeof *res);
	fs->path = path;
	out = open_file(l, rd, fs, res);
	if (out == MC_LOAD_LOADED)
		out = check_duplicate(l, rd, fs, res);
	if (out == MC_LOAD_LOADED && simple(l->conn, res, "begin", "begin") != 0)
		out = MC_LOAD_FAILED;
	else if (out == MC_LOAD_LOADED) {
		out = load_in_transaction(l, rd, fs, res);
		if (out != MC_LOAD_LOADED && PQstatus(l->conn) == CONNECTION_OK &&
		    PQtransactionStatus(l->conn) != PQTRANS_IDLE) {
			PGresult *rb = PQexec(l->conn, "rollback");
			PQclear(rb);
		}
	}
	if (out == MC_LOAD_LOADED && !l->opt.keep &&
	    mc_load_archive(l->opt.archive_dir, fs->spider, fs->abspath, res->file_id,
			    res->message, sizeof res->message) != 0)
		mc_warn("%s: %s", path, res->message);
	mc_line_reader_close(rd);
	free(l->verdict);
	l->verdict = NULL;
	l->verdict_size = 0;
	free(rd);
	free(fs);
	return out;
}
