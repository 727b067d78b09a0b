/*
 * Looking up an embedded SQL file by name (etl/sqlfiles.h),
 * so that C code names the statement it runs ("loader/classify.sql") and
 * the statement itself lives in sql/.
 */
#include <string.h>

#include "etl/sqlfiles.h"

const char *mc_sql_text(const char *path)
{
	for (const struct mc_sql_file *f = mc_sql_files; f->path; f++)
		if (strcmp(f->path, path) == 0)
			return f->text;
	return NULL;
}
