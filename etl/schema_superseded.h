/*
 * Checksums of migration texts that a later edit replaced without changing
 * what the migration does to a database (etl/schema_superseded.c), so that
 * a database migrated with the old text is taken as up to date.
 */
#ifndef MC_SCHEMA_SUPERSEDED_H
#define MC_SCHEMA_SUPERSEDED_H

#include <stdbool.h>

/* Whether `sum` (hex SHA-256) is an earlier text of migration `version`. */
bool mc_schema_superseded(int version, const char *sum);

#endif
