/*
 * Parsing and validating ONE line of a staging file (docs/staging-format.md),
 * the loader's only view of outside input.  The parser never allocates per
 * line once warm, never reads past `len`, and never trusts the bytes: it
 * either returns a fully checked value that PostgreSQL is guaranteed to
 * accept, or a stable reject reason (staging/format.h defines them,
 * docs/loader.md lists them).
 *
 * Ownership: every span a parse function fills points into the line passed
 * in or into the parser's scratch memory, and stays valid until the next
 * call on the same parser (or its release).  Not thread-safe per parser.
 */
#ifndef MC_STAGING_H
#define MC_STAGING_H

#include <stdbool.h>
#include <stddef.h>

#include "staging/format.h" /* the rules: fields, limits, reasons */

/* A byte range; `p` is NULL for an absent or JSON-null optional value. */
struct mc_span {
	const char *p;
	size_t n;
};

/*
 * A valid observation, every field ready to store: text fields are
 * unescaped UTF-8 without NUL; `price`/`list_price` are plain decimals
 * ("-0" becomes "0"); `observed_at` is rewritten in UTC as
 * "YYYY-MM-DD HH:MM:SS.ffffff+00", and `observed_us` is the same instant in
 * microseconds since 1970-01-01 UTC; `attrs` is the object's JSON text as
 * it appeared in the line ("{}" when absent or null).
 */
struct mc_staging_obs {
	struct mc_span marketplace;
	struct mc_span region;            /* "" (n 0, p non-NULL): none */
	struct mc_span external_id, url, title;
	struct mc_span price, list_price; /* list_price.p NULL: none */
	struct mc_span currency, availability, observed_at;
	long long observed_us;
	struct mc_span product_key;       /* NULL: none ("" counts as none) */
	struct mc_span attrs;
};

/* Line 1 of a staging file. */
struct mc_staging_header {
	struct mc_span spider;     /* [a-z0-9_], 1-100 chars */
	struct mc_span run_id;     /* 1-200 chars, no '/' */
	struct mc_span started_at; /* normalised like observed_at */
	long long started_us;      /* the same instant in microseconds since 1970 UTC */
};

/* The last line: {"run":{...}}. */
struct mc_staging_run {
	struct mc_span spider, run_id;
	struct mc_span status;                  /* complete|partial|aborted|suspect */
	struct mc_span scope;                   /* full|partial ("full" when absent) */
	struct mc_span region;                  /* the run's region; "" when none */
	struct mc_span started_at, finished_at; /* normalised like observed_at */
	struct mc_span record;                  /* JSON text of the inner object */
};

enum mc_staging_kind {
	MC_STAGING_OBS,    /* a valid observation */
	MC_STAGING_RUN,    /* an object with a "run" member and no "marketplace" */
	MC_STAGING_REJECT, /* a bad observation line; see `reason` */
};

struct mc_staging_parser {
	/* After MC_STAGING_REJECT: a stable reason name (static string). */
	const char *reason;
	/* After a failed header or run-record parse: what is wrong, for people. */
	char error[256];
	/* private */
	char *scratch;
	size_t scratch_cap, scratch_used;
	struct mc_staging_member {
		const char *raw; /* the value's JSON text */
		size_t len;
		char type;       /* 's' 'n' 'o' 'a' 't' 'f' 'z'(null); 0 = absent */
		bool escaped;    /* string with backslash escapes */
		bool unsafe;     /* holds a number PostgreSQL's numeric rejects */
		bool dup;        /* the key appeared more than once */
	} members[MC_STAGING_NKEYS]; /* one per known member name */
};

void mc_staging_parser_init(struct mc_staging_parser *p);
void mc_staging_parser_release(struct mc_staging_parser *p);

/*
 * Classify and validate one line (`line`, `len` bytes, without its "\n";
 * it may contain NUL bytes).  On MC_STAGING_OBS fills `obs`; on
 * MC_STAGING_REJECT sets p->reason; MC_STAGING_RUN only says what the line
 * is (check it with mc_staging_parse_run).  Lines longer than
 * MC_STAGING_MAX_LINE are the caller's to reject as "too_long_line".
 */
enum mc_staging_kind mc_staging_parse_line(struct mc_staging_parser *p, const char *line,
					   size_t len, struct mc_staging_obs *obs);

/* Parse line 1.  Returns 0, or -1 with p->error set. */
int mc_staging_parse_header(struct mc_staging_parser *p, const char *line, size_t len,
			    struct mc_staging_header *h);

/* Parse a run record.  Returns 0, or -1 with p->error set. */
int mc_staging_parse_run(struct mc_staging_parser *p, const char *line, size_t len,
			 struct mc_staging_run *r);

/*
 * The raw_line stored for a rejected line: NUL bytes removed, invalid UTF-8
 * replaced by U+FFFD, cut at a character boundary to at most
 * MC_STAGING_RAW_KEEP bytes.  Writes into `out` (size >= MC_STAGING_RAW_KEEP)
 * and returns the length.
 */
size_t mc_staging_clean_raw(const char *line, size_t len, char *out);

#endif
