/*
 * Opening the database for a command (cli/db_session.h): connect, then
 * migrate on first use, so load, etl, report and db behave alike.
 */
#include "base/log.h"
#include "cli/db_session.h"
#include "etl/db.h"

PGconn *mc_cli_db_open(const char *conninfo, bool migrate)
{
	struct mc_err err = {""};
	PGconn *conn = mc_db_connect(conninfo, &err);

	if (conn && migrate && mc_db_migrate(conn, true, &err) != 0) {
		PQfinish(conn);
		conn = NULL;
	}
	if (!conn)
		mc_error("%s", err.msg);
	return conn;
}
