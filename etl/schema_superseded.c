/*
 * Superseded migration checksums (etl/schema_superseded.h).  Issue 17 moved
 * the views, functions and data tests out of the numbered migrations into
 * sql/functions, sql/views and sql/checks (re-applied by every migrate);
 * the migrations that held them were shortened.  A database migrated with
 * the old texts recorded their checksums: these, computed from the texts
 * of commit 1ab693c, are replaced by the current ones without a warning.
 * Only an edit that leaves what the migration does to tables unchanged may
 * add a line here.
 */
#include <string.h>

#include "etl/schema_superseded.h"

static const struct {
	int version;
	const char *sum;
} superseded[] = {
	{2, "b83e3bd517f1fd367eae789c408a26387ae346f140a351db871db5f3e878ef17"}, /* 002_etl.sql */
	{4, "56ab5ddbc9af718cea89ab0db3056e84cd156f9e5df9c5f01077e248cb627dd1"}, /* 004_rpt.sql */
	{5, "d9d6398afc248679b3dcbc258939a0d8f4cdd64b147b080d986fe7d5fa8fc894"}, /* 005_checks.sql */
	{6, "1173012f13f84d9dc5d221722f60b8baacc752ca8ba38e50c3d59137324c0b7c"}, /* 006_listing_seen.sql */
	{8, "c64171c11b7c2d4f3e5a46d7a3cf474b6003c5a21ff4288913e325fc87e113fa"}, /* 008_seen_listing_set.sql */
	{10, "4a69392be3efc62b43cdd10ba3241caf901cecac2caea8791e29667109a8790b"}, /* 010_history */
	{11, "e799fdc51d19f462db944e4acb816c4b8892cd57043744276c68a7848aea0590"}, /* 011_region */
};

bool mc_schema_superseded(int version, const char *sum)
{
	for (size_t i = 0; i < sizeof superseded / sizeof superseded[0]; i++)
		if (superseded[i].version == version && strcmp(superseded[i].sum, sum) == 0)
			return true;
	return false;
}
