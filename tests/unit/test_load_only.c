/*
 * A program that only loads: it migrates a private database, writes one
 * small staging file and loads it with the loader (etl/loader.h), twice,
 * on the PostgreSQL tests/run.sh started (PG* environment).  Linked like
 * every unit test from the layer archives, it carries base/, staging/ and
 * etl/ only: tests/integration/layers.sh checks that no symbol of the
 * engine, the spiders or the command line is in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "etl/db.h"
#include "etl/loader.h"
#include "testlib.h"

#define DB "mc_load_only"

static int exec_admin(const char *sql)
{
	PGconn *conn = mc_db_connect(NULL, NULL);
	int rc = conn ? mc_db_exec(conn, sql, sql, NULL) : -1;

	PQfinish(conn);
	return rc;
}

static char *write_staging(const char *dir)
{
	char *path = mc_asprintf("%s/shop-r1.jsonl", dir);
	FILE *f = fopen(path, "w");

	if (!f)
		return path;
	fputs("{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"shop\",\"run_id\":\"r1\","
	      "\"started_at\":\"2026-11-22T10:00:00Z\"}\n", f);
	for (int i = 1; i <= 2; i++)
		fprintf(f, "{\"marketplace\":\"shop\",\"external_id\":\"p%d\",\"url\":\"http://shop.test/p%d\","
			   "\"title\":\"Game %d\",\"price\":\"%d.99\",\"list_price\":null,\"currency\":\"EUR\","
			   "\"availability\":\"in_stock\",\"observed_at\":\"2026-11-22T10:00:0%dZ\","
			   "\"product_key\":null,\"attrs\":{}}\n", i, i, i, i, i);
	fputs("{\"run\":{\"spider\":\"shop\",\"run_id\":\"r1\",\"started_at\":\"2026-11-22T10:00:00Z\","
	      "\"finished_at\":\"2026-11-22T10:01:00Z\",\"status\":\"complete\",\"pages\":1,\"items\":2,"
	      "\"errors\":0,\"stats\":{}}}\n", f);
	fclose(f);
	return path;
}

int main(void)
{
	char dir[] = "/tmp/mc-load-only.XXXXXX";
	struct mc_load_options opt = {.archive_dir = NULL, .keep = true};
	struct mc_load_result res;
	struct mc_err err = {""};
	struct mc_loader *l;
	PGconn *conn;
	char *path;

	exec_admin("drop database if exists " DB);
	if (exec_admin("create database " DB) != 0 || !mkdtemp(dir)) {
		CHECK(0, "a private database and directory");
		return tl_exit_status();
	}
	conn = mc_db_connect("dbname=" DB, &err);
	CHECK(conn && mc_db_migrate(conn, true, &err) == 0, "migrated");
	if (err.msg[0])
		printf("# %s\n", err.msg);
	path = write_staging(dir);
	l = mc_loader_new(conn, &opt, &err);
	CHECK_INT(mc_loader_load_file(l, path, &res), MC_LOAD_LOADED, "the file is loaded");
	CHECK_INT(res.accepted, 2, "both observations accepted");
	CHECK_INT(mc_loader_load_file(l, path, &res), MC_LOAD_DUPLICATE, "loading it again is a duplicate");
	mc_loader_free(l);
	PQfinish(conn);
	unlink(path);
	rmdir(dir);
	free(path);
	exec_admin("drop database " DB);
	return tl_exit_status();
}
