/*
 * The staging format (docs/staging-format.md) defined once: every member a
 * staging line may carry (observation fields, header and run record) with
 * its type, limit, allowed characters or values, reject reasons and the
 * SQL columns that store it; the limits of a line; the availability, run
 * status and scope names.  The reader (staging/staging_line.c) and the
 * writer (crawler/item.c, crawler/staging_writer.c) take every rule from
 * here, and tests/integration/staging_contract.sh probes the SQL columns
 * named here with values built from these rules, so a limit or a reason
 * is written once.  Constant data and pure functions; thread-safe.
 */
#ifndef MC_STAGING_FORMAT_H
#define MC_STAGING_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

/* Limits (bytes unless said otherwise; lengths of text fields count
 * characters, i.e. Unicode code points after JSON unescaping). */
#define MC_STAGING_MAX_LINE (1024 * 1024)   /* longer lines: too_long_line */
#define MC_STAGING_MAX_ATTRS (64 * 1024)    /* attrs as JSON text: too_long_attrs */
#define MC_STAGING_MAX_DEPTH 32             /* deeper nesting: invalid_json */
#define MC_STAGING_RAW_KEEP 4096            /* rejected_line.raw_line, after cleaning */
#define MC_STAGING_MAX_REGION 20            /* region: [a-z0-9_-], longer: too_long_region */
#define MC_STAGING_MAX_TIMESTAMP 64         /* longer timestamps are bad */
#define MC_STAGING_PRICE_DIGITS 12          /* significant digits before the point */
#define MC_STAGING_PRICE_SCALE 6            /* digits after the point */
#define MC_STAGING_MAX_PRICE_TEXT 40        /* a longer price string is bad */

/* Line 1 names the format and its version. */
#define MC_STAGING_FORMAT_NAME "marketcrawl-staging"
#define MC_STAGING_VERSION 1

/* Reject reasons of a whole line, before any field is looked at (the
 * field reasons are in mc_staging_fields). */
#define MC_STAGING_R_TOO_LONG_LINE "too_long_line"
#define MC_STAGING_R_NUL_BYTE "nul_byte"
#define MC_STAGING_R_INVALID_UTF8 "invalid_utf8"
#define MC_STAGING_R_INVALID_JSON "invalid_json"
#define MC_STAGING_R_NOT_AN_OBJECT "not_an_object"
#define MC_STAGING_R_OBSERVED_BEFORE_RUN "observed_before_run"

/* What a member holds. */
enum mc_staging_type {
	MC_STAGING_TEXT,      /* a string: max characters, from `charset` when set */
	MC_STAGING_URL,       /* an absolute http(s) URL of at most max characters */
	MC_STAGING_DECIMAL,   /* an exact decimal string (mc_staging_decimal) */
	MC_STAGING_CURRENCY,  /* three upper-case letters (mc_staging_currency_ok) */
	MC_STAGING_NAME,      /* one of `names` (at most max characters) */
	MC_STAGING_TIMESTAMP, /* RFC 3339, at most max characters */
	MC_STAGING_OBJECT,    /* a JSON object, at most max bytes of JSON text (0: any) */
	MC_STAGING_INTEGER,   /* a non-negative JSON integer */
	MC_STAGING_LITERAL,   /* the header's format and version: exact values */
};

/* Every member name the format knows.  The observation's fields come
 * first, in the order the writer writes them and the reader checks them;
 * region is also a run-record member. */
enum mc_staging_key {
	MC_KEY_MARKETPLACE, MC_KEY_REGION, MC_KEY_EXTERNAL_ID, MC_KEY_URL, MC_KEY_TITLE,
	MC_KEY_PRICE, MC_KEY_LIST_PRICE, MC_KEY_CURRENCY, MC_KEY_AVAILABILITY,
	MC_KEY_OBSERVED_AT, MC_KEY_PRODUCT_KEY, MC_KEY_ATTRS,
	MC_KEY_RUN, MC_KEY_FORMAT, MC_KEY_VERSION, MC_KEY_SPIDER, MC_KEY_RUN_ID,
	MC_KEY_STARTED_AT, MC_KEY_FINISHED_AT, MC_KEY_STATUS, MC_KEY_SCOPE, MC_KEY_PAGES,
	MC_KEY_ITEMS, MC_KEY_ERRORS, MC_KEY_STATS,
	MC_STAGING_NKEYS
};
#define MC_STAGING_NOBS (MC_KEY_ATTRS + 1) /* observation fields: keys [0, NOBS) */

/* The lines a member belongs to (a bit set). */
#define MC_LINE_HEADER 1
#define MC_LINE_OBS 2
#define MC_LINE_RUN 4

/* A column that stores a member.  `exact`: its constraints refuse what the
 * format refuses; otherwise they need only take everything it accepts. */
struct mc_staging_column {
	const char *name; /* "schema.table.column" */
	bool exact;
};

struct mc_staging_field {
	const char *name;          /* the JSON member name */
	enum mc_staging_type type;
	int lines;                 /* MC_LINE_* where it appears */
	bool required;             /* in every line of those kinds */
	size_t max;                /* see enum mc_staging_type; 0: no limit */
	const char *charset;       /* TEXT: the allowed characters; NULL: any */
	const char *const *names;  /* NAME: the allowed values, NULL-ended */
	/* Observation reject reasons; NULL where the rule cannot be broken. */
	const char *missing;       /* absent or null */
	const char *bad;           /* wrong type, empty or against the rule */
	const char *too_long;
	const char *duplicate;
	const char *negative, *absurd; /* DECIMAL: below zero, too many digits */
	const struct mc_staging_column *sql; /* ended by a NULL name */
};

extern const struct mc_staging_field mc_staging_fields[MC_STAGING_NKEYS];

/* Availability names, indexed like this enum (the spider API's
 * enum mc_availability is mapped onto it by the item builder). */
enum mc_staging_availability {
	MC_STAGING_IN_STOCK, MC_STAGING_OUT_OF_STOCK, MC_STAGING_PREORDER, MC_STAGING_UNKNOWN,
};
extern const char *const mc_staging_availability_names[];
/* Run statuses and scopes as the run record names them, indexed like
 * these enums (a failed run writes no run record: it has no name here). */
enum mc_staging_status {
	MC_STAGING_RUN_COMPLETE, MC_STAGING_RUN_PARTIAL, MC_STAGING_RUN_ABORTED,
	MC_STAGING_RUN_SUSPECT,
};
enum mc_staging_scope { MC_STAGING_SCOPE_FULL, MC_STAGING_SCOPE_PARTIAL };
extern const char *const mc_staging_status_names[];
extern const char *const mc_staging_scope_names[];

/* True when s[0..n) is one of `names` (NULL-ended). */
bool mc_staging_name_in(const char *const *names, const char *s, size_t n);

/* The names as prose ("a, b or c") into out (always NUL-terminated). */
void mc_staging_names_text(const char *const *names, char *out, size_t size);

/* True when s[0..n) is three upper-case ASCII letters. */
bool mc_staging_currency_ok(const char *s, size_t n);

enum mc_staging_decimal {
	MC_DECIMAL_OK,       /* fits numeric(18,6), not below zero ("-0" is zero) */
	MC_DECIMAL_BAD,      /* not -?[0-9]+(.[0-9]{1,6})?, or longer than MAX_PRICE_TEXT */
	MC_DECIMAL_NEGATIVE, /* below zero */
	MC_DECIMAL_ABSURD,   /* 10^12 or more */
};
/* The verdict on a price string s[0..n). */
enum mc_staging_decimal mc_staging_decimal(const char *s, size_t n);
/* The reason a DECIMAL field `key` gives for `verdict` (NULL for OK). */
const char *mc_staging_decimal_reason(enum mc_staging_key key, enum mc_staging_decimal verdict);

#endif
