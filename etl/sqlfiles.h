/*
 * The SQL of sql/ (migrations, ETL jobs), embedded into the binary at build
 * time by tools/embed_sql so an installed marketcrawl needs no source tree.
 */
#ifndef MC_SQLFILES_H
#define MC_SQLFILES_H

struct mc_sql_file {
	const char *path; /* relative to sql/, e.g. "schema/001_etl.sql" */
	const char *text;
};

/* Sorted by path; ends with an entry whose path is NULL. */
extern const struct mc_sql_file mc_sql_files[];

#endif
