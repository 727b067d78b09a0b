/*
 * Opening the database for a command (cli/db_session.h): connect, then
 * migrate on first use, so load, etl, report and db behave alike.
 */
#include "cli/db_session.h"
#include "etl/db.h"

PGconn *mc_cli_db_open(const char *conninfo, bool migrate)
{
	PGconn *conn = mc_db_connect(conninfo);

	if (conn && migrate && mc_db_migrate(conn, true) != 0) {
		PQfinish(conn);
		return NULL;
	}
	return conn;
}
