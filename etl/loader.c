/*
 * The loader (include/marketcrawl/loader.h, rules in docs/loader.md).
 *
 * One file = one transaction: stream the file once (hashing every byte
 * read), validate each line with etl/staging_line.c, COPY valid rows and
 * rejects alike into the session temp table mc_load_rows, then - holding
 * the loader's transaction advisory lock, so loaders never interleave their
 * change detection and ids grow in commit order - check the content hash
 * against stg.loaded_file and run the set-based statements below.  Any
 * failure rolls everything back; the file is moved to the archive only
 * after COMMIT.
 *
 * Memory is bounded whatever the file size: a 4 MiB read buffer, a COPY
 * buffer flushed every 256 KiB, one copy of the run record, and a table of
 * listing fingerprints capped at 32 MiB that only decides whether the
 * in-file duplicate collapse can be skipped (a false "maybe" costs speed,
 * never correctness).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "marketcrawl/alloc.h"
#include "marketcrawl/buf.h"
#include "marketcrawl/db.h"
#include "marketcrawl/dirs.h"
#include "marketcrawl/loader.h"
#include "marketcrawl/log.h"
#include "marketcrawl/sha256.h"
#include "marketcrawl/staging.h"

#include "copy_sender.h"

#define READ_BUF (4u * 1024 * 1024)
#define COPY_FLUSH (256u * 1024)
#define FP_MAX_BITS 22 /* 4M slots * 8 bytes = 32 MiB */

/* pg_advisory_xact_lock key of the loader: "mcload" in ASCII. */
#define LOAD_LOCK_KEY "109099108111097100"

static const char create_rows_sql[] =
	"create temp table if not exists mc_load_rows ("
	" line_no integer not null,"
	" reason text,"         /* null: a valid observation */
	" raw_line text,"       /* rejects only */
	" marketplace text, external_id text, url text, title text,"
	" price numeric(18,6), list_price numeric(18,6), currency char(3), availability text,"
	" observed_at timestamptz, product_key text, attrs text"
	") on commit delete rows";

/* Keep one row per listing: the latest observed_at, then the highest line. */
static const char collapse_sql[] =
	"delete from mc_load_rows r using ("
	"  select ctid from ("
	"    select ctid, row_number() over (partition by marketplace, external_id"
	"                                    order by observed_at desc, line_no desc) as rn"
	"    from mc_load_rows where reason is null) x"
	"  where rn > 1) d "
	"where r.ctid = d.ctid";

/*
 * Change detection ($1 file_id, $2 path).  Each row is compared with the
 * state current at its observed_at: for rows newer than stg.listing_state
 * that is listing_state itself (found by its primary key); for older rows
 * (rare: out-of-order files) the latest accepted observation at or before
 * it, found by the (marketplace, external_id, observed_at) unique index.
 * Verdicts: new, change (accepted, listing_state moves on), late (accepted
 * with is_late, listing_state untouched), same (unchanged), conflict (a
 * different observation of the listing at the very same instant exists).
 * All of it runs under the loader lock, so "new" really is new: new
 * listings get a plain INSERT into listing_state, changes an UPDATE
 * (cheaper than INSERT ... ON CONFLICT at a million rows).  Listings seen
 * without an accepted observation (same, conflict) go to stg.seen_listing.
 */
static const char merge_sql[] =
	"with c as ("
	"  select r.line_no, r.marketplace, r.external_id, r.url, r.title, r.price, r.list_price,"
	"    r.currency, r.availability, r.observed_at, r.product_key, r.attrs, case"
	"    when s.observed_at is null then 'new'"
	"    when r.observed_at > s.observed_at then case when"
	"      (r.price, r.list_price, r.currency, r.availability, r.title) is distinct from"
	"      (s.price, s.list_price, s.currency, s.availability, s.title) then 'change' else 'same' end"
	/* Out of order: only these rows run the index lookup (CASE is lazy). */
	"    else coalesce(("
	"      select case"
	"        when not ((r.price, r.list_price, r.currency, r.availability, r.title)"
	"          is distinct from (o.price, o.list_price, o.currency, o.availability, o.title))"
	"          then 'same'"
	"        when o.observed_at = r.observed_at then 'conflict'"
	"        else 'late' end"
	"      from stg.observation o"
	"      where o.marketplace = r.marketplace and o.external_id = r.external_id"
	"        and o.observed_at <= r.observed_at"
	"      order by o.observed_at desc limit 1), 'late') end as verdict"
	"  from mc_load_rows r"
	"  left join stg.listing_state s"
	"    on s.marketplace = r.marketplace and s.external_id = r.external_id"
	"  where r.reason is null"
	"  offset 0" /* keeps c a subquery: its verdict is computed once per row */
	"), v as ("
	/* Unchanged rows (usually most of them) keep only their key in v. */
	"  select line_no, marketplace, external_id, verdict, observed_at,"
	"    case when verdict <> 'same' then url end as url,"
	"    case when verdict <> 'same' then title end as title,"
	"    case when verdict <> 'same' then price end as price,"
	"    case when verdict <> 'same' then list_price end as list_price,"
	"    case when verdict <> 'same' then currency end as currency,"
	"    case when verdict <> 'same' then availability end as availability,"
	"    case when verdict <> 'same' then product_key end as product_key,"
	"    case when verdict <> 'same' then attrs end as attrs"
	"  from c"
	"), ins_new as ("
	"  insert into stg.observation (file_id, line_no, marketplace, external_id, url, title,"
	"    price, list_price, currency, availability, observed_at, product_key, attrs, is_late)"
	"  select $1, line_no, marketplace, external_id, url, title, price, list_price, currency,"
	"    availability, observed_at, product_key, attrs::jsonb, false"
	"  from v where verdict = 'new'"
	"  returning obs_id, marketplace, external_id, price, list_price, currency, availability,"
	"    title, observed_at"
	"), ins_old as ("
	"  insert into stg.observation (file_id, line_no, marketplace, external_id, url, title,"
	"    price, list_price, currency, availability, observed_at, product_key, attrs, is_late)"
	"  select $1, line_no, marketplace, external_id, url, title, price, list_price, currency,"
	"    availability, observed_at, product_key, attrs::jsonb, verdict = 'late'"
	"  from v where verdict in ('change', 'late')"
	"  returning obs_id, marketplace, external_id, price, list_price, currency, availability,"
	"    title, observed_at, is_late"
	"), st_new as ("
	"  insert into stg.listing_state (marketplace, external_id, price, list_price, currency,"
	"    availability, title, observed_at, obs_id)"
	"  select marketplace, external_id, price, list_price, currency, availability, title,"
	"    observed_at, obs_id"
	"  from ins_new"
	"), st_change as ("
	"  update stg.listing_state s set"
	"    price = i.price, list_price = i.list_price, currency = i.currency,"
	"    availability = i.availability, title = i.title, observed_at = i.observed_at,"
	"    obs_id = i.obs_id"
	"  from ins_old i"
	"  where not i.is_late and s.marketplace = i.marketplace and s.external_id = i.external_id"
	"    and i.observed_at > s.observed_at"
	"), seen as ("
	"  insert into stg.seen_listing (file_id, marketplace, external_id)"
	"  select $1, marketplace, external_id from v where verdict in ('same', 'conflict')"
"), conflicts as ("
	"  insert into stg.rejected_line (file_id, path, line_no, reason, raw_line)"
	"  select $1, $2, line_no, 'conflicting_observation',"
	"    left(json_build_object('marketplace', marketplace, 'external_id', external_id,"
	"      'url', url, 'title', title, 'price', price::text, 'list_price', list_price::text,"
	"      'currency', currency, 'availability', availability, 'observed_at', observed_at,"
	"      'product_key', product_key, 'attrs', attrs::jsonb)::text, 4096)"
	"  from v where verdict = 'conflict'"
	"  returning 1"
	") "
	"select (select count(*) from ins_new) + (select count(*) from ins_old),"
	"  (select count(*) from ins_old where is_late),"
	"  (select count(*) from conflicts)";

static const char rejects_sql[] =
	"insert into stg.rejected_line (file_id, path, line_no, reason, raw_line) "
	"select $1, $2, line_no, reason, raw_line from mc_load_rows where reason is not null";

struct mc_loader {
	PGconn *conn;
	struct mc_load_options opt;
	struct mc_staging_parser parser;
	char *readbuf;
	struct mc_buf copy;      /* COPY data waiting to be sent */
	struct mc_copy_sender *sender;  /* sends `copy` blocks during a COPY */
	struct mc_buf run_line;  /* the last run-record line seen */
	uint64_t *fp;            /* listing fingerprints (open addressing, 0 = empty) */
	size_t fp_bits, fp_used;
	bool maybe_dup;
};

/* ---- reading lines ---------------------------------------------------------- */

struct reader {
	int fd;
	char *buf;
	size_t pos, len;
	bool eof;
	struct mc_sha256 sha;
	char longbuf[2 * MC_STAGING_RAW_KEEP]; /* the start of a too-long line */
};

/* The next line without its "\n": 1 (too_long set when it passed
 * MC_STAGING_MAX_LINE; then only its start is returned), 0 at the end, -1
 * on a read error.  Every byte read is hashed exactly once. */
static int next_line(struct reader *r, const char **line, size_t *n, bool *too_long)
{
	size_t scanned = 0;

	*too_long = false;
	for (;;) {
		char *nl = memchr(r->buf + r->pos + scanned, '\n', r->len - r->pos - scanned);
		if (nl) {
			*line = r->buf + r->pos;
			*n = (size_t)(nl - *line);
			r->pos += *n + 1;
			if (*n > MC_STAGING_MAX_LINE) {
				*too_long = true;
				memcpy(r->longbuf, *line, sizeof r->longbuf);
				*line = r->longbuf;
				*n = sizeof r->longbuf;
			}
			return 1;
		}
		scanned = r->len - r->pos;
		if (scanned > MC_STAGING_MAX_LINE)
			break;
		if (r->eof) {
			if (scanned == 0)
				return 0;
			*line = r->buf + r->pos;
			*n = scanned;
			r->pos = r->len;
			return 1;
		}
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, scanned);
			r->len = scanned;
			r->pos = 0;
		}
		ssize_t got = read(r->fd, r->buf + r->len, READ_BUF - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = true;
		mc_sha256_update(&r->sha, r->buf + r->len, (size_t)got);
		r->len += (size_t)got;
	}

	/* Too long: keep its start, skip the rest up to the next "\n". */
	*too_long = true;
	*n = sizeof r->longbuf;
	memcpy(r->longbuf, r->buf + r->pos, *n);
	*line = r->longbuf;
	r->pos = r->len = 0;
	for (;;) {
		ssize_t got = read(r->fd, r->buf, READ_BUF);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0) {
			r->eof = true;
			return 1;
		}
		mc_sha256_update(&r->sha, r->buf, (size_t)got);
		char *nl = memchr(r->buf, '\n', (size_t)got);
		if (nl) {
			r->pos = (size_t)(nl - r->buf) + 1;
			r->len = (size_t)got;
			return 1;
		}
	}
}

/* ---- fingerprints of listings (in-file duplicate hint) ----------------------- */

static uint64_t fingerprint(struct mc_span a, struct mc_span b)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ a.n;

	for (size_t i = 0; i < a.n; i++)
		h = (h ^ (unsigned char)a.p[i]) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (size_t i = 0; i < b.n; i++)
		h = (h ^ (unsigned char)b.p[i]) * 0x100000001b3ULL;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

static void fp_reset(struct mc_loader *l)
{
	free(l->fp);
	l->fp_bits = 12;
	l->fp = mc_calloc((size_t)1 << l->fp_bits, sizeof *l->fp);
	l->fp_used = 0;
	l->maybe_dup = false;
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

/* Note a listing; sets maybe_dup when it may have been seen before (or the
 * table is full and can no longer tell). */
static void fp_add(struct mc_loader *l, struct mc_span a, struct mc_span b)
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
	if (fp_insert_slot(l->fp, l->fp_bits, fingerprint(a, b)))
		l->fp_used++;
	else
		l->maybe_dup = true;
}

/* ---- COPY text format --------------------------------------------------------- */

/* Append a field escaped for COPY text format: backslash, tab, newline and
 * carriage return are the bytes that format gives a meaning to. */
static void put_text(struct mc_buf *b, const char *p, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *esc;
		switch (p[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		mc_buf_add(b, p + start, i - start);
		mc_buf_add(b, esc, 2);
		start = i + 1;
	}
	mc_buf_add(b, p + start, n - start);
}

static void put_span(struct mc_buf *b, struct mc_span s, char sep)
{
	if (s.p)
		put_text(b, s.p, s.n);
	else
		mc_buf_add(b, "\\N", 2);
	mc_buf_addc(b, sep);
}

static void put_line_no(struct mc_buf *b, long line_no)
{
	char digits[24];
	int i = (int)sizeof digits;

	digits[--i] = '\t';
	do {
		digits[--i] = (char)('0' + line_no % 10);
		line_no /= 10;
	} while (line_no);
	mc_buf_add(b, digits + i, sizeof digits - (size_t)i);
}

static void put_observation(struct mc_buf *b, long line_no, const struct mc_staging_obs *o)
{
	put_line_no(b, line_no);
	mc_buf_add(b, "\\N\t\\N\t", 6);
	put_span(b, o->marketplace, '\t');
	put_span(b, o->external_id, '\t');
	put_span(b, o->url, '\t');
	put_span(b, o->title, '\t');
	put_span(b, o->price, '\t');
	put_span(b, o->list_price, '\t');
	put_span(b, o->currency, '\t');
	put_span(b, o->availability, '\t');
	put_span(b, o->observed_at, '\t');
	put_span(b, o->product_key, '\t');
	put_span(b, o->attrs, '\n');
}

static void put_reject(struct mc_buf *b, long line_no, const char *reason, const char *line,
		       size_t n)
{
	char raw[MC_STAGING_RAW_KEEP];
	size_t raw_n = mc_staging_clean_raw(line, n, raw);

	put_line_no(b, line_no);
	put_text(b, reason, strlen(reason));
	mc_buf_addc(b, '\t');
	put_text(b, raw, raw_n);
	mc_buf_add(b, "\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n", 34);
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

	if (!msg || !*msg)
		msg = PQerrorMessage(conn);
	set_msg(res, "%s: %s", what, msg && *msg ? msg : "failed");
	size_t n = strlen(res->message);
	while (n && (res->message[n - 1] == '\n' || res->message[n - 1] == ' '))
		res->message[--n] = '\0';
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

static int simple(PGconn *conn, struct mc_load_result *res, const char *what, const char *sql)
{
	PGresult *r = query(conn, res, what, sql, 0, NULL);

	PQclear(r);
	return r ? 0 : -1;
}

/* Hand the COPY block to the sender thread.  On a failed send the message
 * is set once the sender has stopped (mc_loader_load_file). */
static int flush_copy(struct mc_loader *l)
{
	if (l->copy.len == 0)
		return 0;
	return mc_copy_sender_put(l->sender, &l->copy);
}

/* ---- the loader ------------------------------------------------------------------- */

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct mc_loader *mc_loader_new(PGconn *conn, const struct mc_load_options *opt)
{
	struct mc_loader *l = mc_calloc(1, sizeof *l);
	PGresult *r;

	l->conn = conn;
	l->opt = *opt;
	mc_staging_parser_init(&l->parser);
	mc_buf_init(&l->copy, 0);
	mc_buf_init(&l->run_line, 0);
	l->readbuf = mc_malloc(READ_BUF);
	/* Temp buffers sized for big files; only settable before the session's
	 * first use of a temp table, so a failure here is harmless. */
	r = PQexec(conn, "set temp_buffers = '256MB'");
	PQclear(r);
	if (mc_db_exec(conn, create_rows_sql, "creating the loader's temp table") != 0) {
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
	free(l->readbuf);
	free(l->fp);
	free(l);
}

struct file_state {
	const char *path;
	long long size;
	char abspath[PATH_MAX];
	struct mc_staging_header header;
	char spider[128], run_id[256];
	struct mc_staging_run run;
};

/* Stream the file into COPY.  Returns MC_LOAD_LOADED when every line went
 * out and the run record checks, else REFUSED or FAILED (res->message set). */
static enum mc_load_outcome stream_file(struct mc_loader *l, struct reader *rd,
					struct file_state *fs, struct mc_load_result *res)
{
	const char *line;
	size_t n;
	bool too_long, have_run = false;
	long line_no = 1, run_line_no = 0;
	int got;

	for (;;) {
		struct mc_staging_obs obs;
		enum mc_staging_kind kind;

		got = next_line(rd, &line, &n, &too_long);
		if (got != 1)
			break;
		line_no++;
		if (have_run) {
			set_msg(res, "%s: line %ld: the run record is not the last line (line %ld follows it)",
				 fs->path, run_line_no, line_no);
			return MC_LOAD_REFUSED;
		}
		kind = too_long ? MC_STAGING_REJECT : mc_staging_parse_line(&l->parser, line, n, &obs);
		if (kind == MC_STAGING_RUN) {
			have_run = true;
			run_line_no = line_no;
			mc_buf_reset(&l->run_line);
			mc_buf_add(&l->run_line, line, n);
			continue;
		}
		res->read++;
		if (kind == MC_STAGING_OBS) {
			put_observation(&l->copy, line_no, &obs);
			fp_add(l, obs.marketplace, obs.external_id);
		} else {
			res->rejected++;
			put_reject(&l->copy, line_no, too_long ? "too_long_line" : l->parser.reason, line, n);
		}
		if (l->copy.len >= COPY_FLUSH && flush_copy(l) != 0)
			return MC_LOAD_FAILED;
	}
	if (got < 0) {
		set_msg(res, "%s: read error: %s", fs->path,
			 strerror(errno));
		return MC_LOAD_FAILED;
	}
	if (!have_run) {
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
	return flush_copy(l) == 0 ? MC_LOAD_LOADED : MC_LOAD_FAILED;
}

/* End the COPY; `abort_msg` non-NULL makes the server fail it on purpose.
 * Returns 0 when the COPY succeeded. */
static int end_copy(struct mc_loader *l, const char *abort_msg, struct mc_load_result *res)
{
	PGresult *r;
	int rc = 0;

	if (PQputCopyEnd(l->conn, abort_msg) != 1) {
		if (!abort_msg)
			set_db_error(res, l->conn, NULL, "COPY");
		rc = -1;
	}
	for (;;) {
		r = PQgetResult(l->conn);
		if (!r)
			break;
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			if (!abort_msg && rc == 0)
				set_db_error(res, l->conn, r, "COPY");
			rc = -1;
		}
		PQclear(r);
	}
	return rc;
}

static long long cell_ll(PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* 1 when a file of the same spider and run id was loaded before, 0 when
 * not, -1 on a database error (message set). */
static int run_loaded(struct mc_loader *l, struct file_state *fs, struct mc_load_result *res)
{
	const char *params[2] = {fs->spider, fs->run_id};
	PGresult *r = query(l->conn, res, "looking up the run",
			    "select 1 from stg.loaded_file where spider = $1 and run_id = $2 limit 1",
			    2, params);
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
			    "select file_id, path, to_char(loaded_at at time zone 'UTC',"
			    " 'YYYY-MM-DD HH24:MI:SS') from stg.loaded_file where content_sha256 = $1",
			    1, params);

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

/* Hash the rest of the file, then find_loaded(). */
static enum mc_load_outcome quick_duplicate(struct mc_loader *l, struct reader *rd,
					    struct mc_load_result *res)
{
	for (;;) {
		ssize_t got = read(rd->fd, rd->buf, READ_BUF);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			set_msg(res, "read error: %s", strerror(errno));
			return MC_LOAD_FAILED;
		}
		if (got == 0)
			break;
		mc_sha256_update(&rd->sha, rd->buf, (size_t)got);
	}
	mc_sha256_final_hex(&rd->sha, res->sha256);
	return find_loaded(l, res);
}

/* Everything after the COPY, inside the transaction. */
static enum mc_load_outcome record_file(struct mc_loader *l, struct file_state *fs,
					struct mc_load_result *res)
{
	PGconn *c = l->conn;
	PGresult *r;
	char file_id[24], nums[4][24], status[16];
	char *record = mc_strndup(fs->run.record.p, fs->run.record.n);
	char *started = mc_strndup(fs->run.started_at.p, fs->run.started_at.n);
	char *finished = mc_strndup(fs->run.finished_at.p, fs->run.finished_at.n);
	enum mc_load_outcome out = MC_LOAD_FAILED;

	snprintf(status, sizeof status, "%.*s", (int)fs->run.status.n, fs->run.status.p);

	/* Serialise with other loaders, then look for the same content. */
	if (simple(c, res, "taking the loader lock",
		   "select pg_advisory_xact_lock(" LOAD_LOCK_KEY ")") != 0)
		goto out;
	out = find_loaded(l, res);
	if (out != MC_LOAD_LOADED)
		goto out;
	out = MC_LOAD_FAILED;

	const char *p_file[8] = {res->sha256, fs->abspath, fs->spider, fs->run_id, status, started,
				 finished, record};
	r = query(c, res, "recording the file",
		  "insert into stg.loaded_file (content_sha256, path, spider, run_id, run_status,"
		  " run_started_at, run_finished_at, run_record)"
		  " values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) returning file_id", 8, p_file);
	if (!r)
		goto out;
	res->file_id = cell_ll(r, 0, 0);
	snprintf(file_id, sizeof file_id, "%lld", res->file_id);
	PQclear(r);

	const char *p_fp[2] = {file_id, fs->abspath};
	if (res->rejected > 0) {
		r = query(c, res, "recording rejected lines", rejects_sql, 2, p_fp);
		if (!r)
			goto out;
		PQclear(r);
	}
	if (l->maybe_dup) {
		r = query(c, res, "collapsing duplicate listings", collapse_sql, 0, NULL);
		if (!r)
			goto out;
		PQclear(r);
	}
	/* Statistics for the temp table, or the planner guesses a few thousand
	 * rows and probes listing_state once per row instead of hashing it. */
	if (simple(c, res, "analysing the file's rows", "analyze mc_load_rows") != 0)
		goto out;
	/* Room for the classified rows in memory: about twice the file, within
	 * 64 MiB .. 1 GiB, for this transaction only.  No JIT: the lazy
	 * out-of-order lookup makes the plan look expensive, and compiling it
	 * would cost more than running it. */
	long long mem_mb = fs->size / (512 * 1024);
	char set_mem[64];
	snprintf(set_mem, sizeof set_mem, "set local work_mem = '%lldMB'",
		 mem_mb < 64 ? 64 : mem_mb > 1024 ? 1024 : mem_mb);
	if (simple(c, res, "session memory", set_mem) != 0 ||
	    simple(c, res, "session settings", "set local jit = off") != 0)
		goto out;
	r = query(c, res, "change detection", merge_sql, 2, p_fp);
	if (!r)
		goto out;
	res->accepted = (long)cell_ll(r, 0, 0);
	res->late = (long)cell_ll(r, 0, 1);
	res->rejected += (long)cell_ll(r, 0, 2);
	res->unchanged = res->read - res->accepted - res->rejected;
	PQclear(r);

	snprintf(nums[0], sizeof nums[0], "%ld", res->read);
	snprintf(nums[1], sizeof nums[1], "%ld", res->accepted);
	snprintf(nums[2], sizeof nums[2], "%ld", res->unchanged);
	snprintf(nums[3], sizeof nums[3], "%ld", res->rejected);
	const char *p_counts[5] = {file_id, nums[0], nums[1], nums[2], nums[3]};
	r = query(c, res, "recording the counts",
		  "update stg.loaded_file set rows_read = $2, rows_accepted = $3,"
		  " rows_unchanged = $4, rows_rejected = $5 where file_id = $1", 5, p_counts);
	if (!r)
		goto out;
	PQclear(r);
	out = MC_LOAD_LOADED;
out:
	free(record);
	free(started);
	free(finished);
	return out;
}

/* Copy src to dst (a new file) and fsync it: rename's fallback across filesystems. */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	char *buf = NULL;

	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0)
		goto done;
	buf = mc_malloc(1 << 20);
	for (;;) {
		ssize_t got = read(in, buf, 1 << 20);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto done;
		if (got == 0)
			break;
		for (ssize_t off = 0; off < got;) {
			ssize_t w = write(out, buf + off, (size_t)(got - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto done;
			off += w;
		}
	}
	rc = fsync(out);
done:
	free(buf);
	if (out >= 0 && close(out) != 0)
		rc = -1;
	if (rc != 0 && out >= 0)
		unlink(dst);
	close(in);
	return rc;
}

/* Move a committed file into ARCHIVE/<spider>/, never overwriting: a name
 * already taken gets ".<file_id>" before ".jsonl".  Returns 0 or -1 (message set). */
static int archive(struct mc_loader *l, struct file_state *fs, struct mc_load_result *res)
{
	char dir[PATH_MAX], dst[PATH_MAX], base[PATH_MAX];
	int n;

	n = snprintf(dir, sizeof dir, "%s/%s", l->opt.archive_dir, fs->spider);
	if (n < 0 || (size_t)n >= sizeof dir || mc_make_dirs(dir) != 0)
		goto fail;
	snprintf(base, sizeof base, "%s", fs->abspath);
	const char *name = basename(base);
	n = snprintf(dst, sizeof dst, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof dst)
		goto fail;
	if (link(fs->abspath, dst) != 0 && errno == EEXIST) {
		size_t stem = strlen(name);
		if (stem > 6 && strcmp(name + stem - 6, ".jsonl") == 0)
			stem -= 6;
		n = snprintf(dst, sizeof dst, "%s/%.*s.%lld.jsonl", dir, (int)stem, name, res->file_id);
		if (n < 0 || (size_t)n >= sizeof dst || (link(fs->abspath, dst) != 0 && errno == EEXIST))
			goto fail;
	}
	if (access(dst, F_OK) != 0 && copy_file(fs->abspath, dst) != 0)
		goto fail;
	if (unlink(fs->abspath) != 0)
		goto fail;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	set_msg(res, "archived to %s", dst);
	return 0;
fail:
	set_msg(res, "loaded, but could not archive it to %s: %s",
		 dir, strerror(errno));
	return -1;
}

enum mc_load_outcome mc_loader_load_file(struct mc_loader *l, const char *path,
					 struct mc_load_result *res)
{
	struct reader *rd = mc_calloc(1, sizeof *rd);
	struct file_state *fs = mc_calloc(1, sizeof *fs);
	enum mc_load_outcome out = MC_LOAD_FAILED;
	const char *line;
	size_t n;
	bool too_long, in_tx = false, copying = false;
	struct stat st;

	memset(res, 0, sizeof *res);
	fs->path = path;
	rd->buf = l->readbuf;
	mc_sha256_init(&rd->sha);
	rd->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (rd->fd < 0) {
		out = errno == ENOENT ? MC_LOAD_VANISHED : MC_LOAD_FAILED;
		set_msg(res, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(rd->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		set_msg(res, "%s: not a regular file", path);
		goto out;
	}
	fs->size = (long long)st.st_size;
	if (!realpath(path, fs->abspath))
		snprintf(fs->abspath, sizeof fs->abspath, "%s", path);

	/* Line 1 decides whether this is a staging file at all. */
	int got = next_line(rd, &line, &n, &too_long);
	if (got < 0) {
		set_msg(res, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	if (got == 0 || too_long ||
	    mc_staging_parse_header(&l->parser, line, n, &fs->header) != 0) {
		out = MC_LOAD_REFUSED;
		set_msg(res, "%s: line 1: not a marketcrawl staging file (%s)", path,
			 got == 0 ? "empty file" : too_long ? "line too long" : l->parser.error);
		goto out;
	}
	snprintf(fs->spider, sizeof fs->spider, "%.*s", (int)fs->header.spider.n, fs->header.spider.p);
	snprintf(fs->run_id, sizeof fs->run_id, "%.*s", (int)fs->header.run_id.n, fs->header.run_id.p);

	/* A file of a run already loaded is probably the same file again (a
	 * copy, an archived file): settle that by hash before sending it. */
	int seen = run_loaded(l, fs, res);
	if (seen < 0)
		goto out;
	if (seen > 0) {
		out = quick_duplicate(l, rd, res);
		if (out != MC_LOAD_LOADED)
			goto out;
		out = MC_LOAD_FAILED;
		if (lseek(rd->fd, 0, SEEK_SET) != 0) {
			set_msg(res, "%s: %s", path, strerror(errno));
			goto out;
		}
		rd->pos = rd->len = 0;
		rd->eof = false;
		mc_sha256_init(&rd->sha);
		if (next_line(rd, &line, &n, &too_long) != 1) {
			set_msg(res, "%s: read error: %s", path, strerror(errno));
			goto out;
		}
	}

	if (simple(l->conn, res, "begin", "begin") != 0)
		goto out;
	in_tx = true;
	PGresult *r = PQexec(l->conn, "copy mc_load_rows from stdin");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		set_db_error(res, l->conn, r, "COPY");
		PQclear(r);
		goto out;
	}
	PQclear(r);
	copying = true;
	double t0 = seconds();
	fp_reset(l);
	mc_buf_reset(&l->copy);

	l->sender = mc_copy_sender_start(l->conn);
	out = stream_file(l, rd, fs, res);
	int unsent = mc_copy_sender_finish(l->sender);
	l->sender = NULL;
	copying = false;
	if (unsent != 0) {
		out = MC_LOAD_FAILED;
		set_db_error(res, l->conn, NULL, "COPY");
		end_copy(l, "loader error", res);
		goto out;
	}
	if (out != MC_LOAD_LOADED) {
		end_copy(l, "file refused by the loader", res);
		goto out;
	}
	out = MC_LOAD_FAILED;
	if (end_copy(l, NULL, res) != 0)
		goto out;
	mc_sha256_final_hex(&rd->sha, res->sha256);
	double t1 = seconds();
	res->copy_s = t1 - t0;

	out = record_file(l, fs, res);
	if (out != MC_LOAD_LOADED)
		goto out;
	if (simple(l->conn, res, "commit", "commit") != 0) {
		out = MC_LOAD_FAILED;
		goto out;
	}
	res->detect_s = seconds() - t1;
	in_tx = false;
	if (!l->opt.keep && archive(l, fs, res) != 0)
		mc_warn("%s: %s", path, res->message);
out:
	if (copying)
		end_copy(l, "loader error", res);
	if (in_tx && PQstatus(l->conn) == CONNECTION_OK) {
		PGresult *rb = PQexec(l->conn, "rollback");
		PQclear(rb);
	}
	if (rd->fd >= 0)
		close(rd->fd);
	free(rd);
	free(fs);
	return out;
}
