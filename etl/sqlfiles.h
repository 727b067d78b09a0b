/*
 * The SQL of sql/ (migrations, re-applied definitions, ETL jobs, the
 * loader's statements), embedded into the binary at build time by
 * tools/embed_sql so an installed marketcrawl needs no source tree.
 * The texts are static: nobody frees them.
 */
#ifndef MC_SQLFILES_H
#define MC_SQLFILES_H

struct mc_sql_file {
	const char *path; /* relative to sql/, e.g. "schema/001_etl.sql" */
	const char *text;
};

/* Sorted by path; ends with an entry whose path is NULL. */
extern const struct mc_sql_file mc_sql_files[];

/* The text of the embedded file at `path` (relative to sql/, e.g.
 * "loader/classify.sql"), or NULL when the binary carries no such file. */
const char *mc_sql_text(const char *path);

#endif
