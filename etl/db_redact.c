/*
 * Connection failures told without the password (etl/db_redact.h).
 *
 * libpq never prints a password it parsed as one, but it quotes the
 * strings it cannot parse ("invalid percent-encoded token: "pa%zz"") and
 * reports the fields it made of them: in "postgresql://u:pa/ss@h/db" the
 * unencoded '/' ends the host part, so "pa" is the port and "ss@h/db" the
 * database; in "postgresql://u:p@ss@h/db" the host is "ss@h".  So: a
 * string that does not parse is reported with libpq's quotes emptied; a
 * URI whose '@' is not the single one of its host part is reported
 * without libpq's message or the fields; otherwise the password (parsed,
 * or PGPASSWORD) is masked wherever it appears.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "etl/db_redact.h"

/* libpq's message as one line, trailing blanks cut (new string). */
static char *one_line(const char *msg)
{
	char *s = mc_strdup(msg && *msg ? msg : "unknown error");
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *nl = strchr(s, '\n'); nl; nl = strchr(nl, '\n'))
		*nl = ' ';
	return s;
}

/* `s` with what libpq quoted from the string emptied: everything from the
 * first quote that does not open one of its own one-character quotes
 * ("=", "]", ":", "/") to the last quote becomes "..." (a quote inside the
 * password cannot make part of it look unquoted).  New string. */
static char *hide_quoted(const char *s)
{
	const char *p = strchr(s, '"');

	while (p && p[1] && strchr("=]:/", p[1]) && p[2] == '"')
		p = strchr(p + 3, '"');
	if (!p)
		return mc_strdup(s);
	const char *last = strrchr(s, '"');
	return mc_asprintf("%.*s\"...\"%s", (int)(p - s), s, last > p ? last + 1 : "");
}

int mc_db_conninfo_check(const char *conninfo, struct mc_err *err)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo ? conninfo : "", &perr);

	if (opts) {
		PQconninfoFree(opts);
		return 0;
	}
	char *line = one_line(perr ? perr : "out of memory in libpq");
	char *msg = hide_quoted(line);
	if (perr)
		PQfreemem(perr);
	free(line);
	mc_err_set(err, "cannot connect: malformed connection string: %s (what libpq quoted is "
		   "not shown: it could be the password; percent-encode '%%', '/' and '@' in a "
		   "URI's password as %%25, %%2F, %%40)", msg);
	free(msg);
	return -1;
}

/* Replace every occurrence of `secret` in `s` (in place) with '*'. */
static void mask_secret(char *s, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;

	if (n == 0)
		return;
	for (char *hit = strstr(s, secret); hit; hit = strstr(hit + n, secret))
		memset(hit, '*', n);
}

/* Mask "password=VALUE" and the password of "scheme://user:PASSWORD@host"
 * wherever they appear in s. */
static void mask_password_syntax(char *s)
{
	char *p;

	for (p = strstr(s, "password="); p; p = strstr(p + 1, "password=")) {
		char *v = p + strlen("password=");
		while (*v && *v != ' ' && *v != '&' && *v != '"' && *v != '\'')
			*v++ = '*';
	}
	for (p = strstr(s, "://"); p; p = strstr(p + 3, "://")) {
		char *at = strpbrk(p + 3, "@/ \"");
		if (!at || *at != '@')
			continue;
		char *colon = memchr(p + 3, ':', (size_t)(at - (p + 3)));
		if (colon)
			memset(colon + 1, '*', (size_t)(at - colon - 1));
	}
}

/* The password `conninfo` carries, if any (new string). */
static char *conninfo_password(const char *conninfo)
{
	PQconninfoOption *opts, *o;
	char *perr = NULL, *pw = NULL;

	opts = PQconninfoParse(conninfo ? conninfo : "", &perr);
	if (perr)
		PQfreemem(perr);
	for (o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			pw = mc_strdup(o->val);
	if (opts)
		PQconninfoFree(opts);
	return pw;
}

/* A URI whose host part (up to the first '/', where libpq ends it) does
 * not hold exactly the '@' of the whole string, when it has any: a '/' or
 * '@' in the password was not percent-encoded, and libpq's fields and
 * messages may hold pieces of it. */
static bool ambiguous_uri(const char *conninfo)
{
	const char *rest;

	if (!conninfo)
		return false;
	if (strncmp(conninfo, "postgresql://", 13) == 0)
		rest = conninfo + 13;
	else if (strncmp(conninfo, "postgres://", 11) == 0)
		rest = conninfo + 11;
	else
		return false;
	const char *end = strchr(rest, '/');
	const char *at = strchr(rest, '@');
	if (!end)
		end = rest + strlen(rest);
	if (!at)
		return false;
	return at > end || memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL;
}

/* A field of the connection for the message: "(default)" when unset,
 * "(hidden)" when a secret is in it. */
static const char *field(const char *v, const char *pw, const char *env_pw)
{
	if (!v || !*v)
		return "(default)";
	if ((pw && strstr(v, pw)) || (env_pw && *env_pw && strstr(v, env_pw)))
		return "(hidden)";
	return v;
}

void mc_db_connect_failure(PGconn *conn, const char *conninfo, struct mc_err *err)
{
	if (ambiguous_uri(conninfo)) {
		mc_err_set(err, "cannot connect: the connection URI has an '@' after its host part or "
			   "more than one (percent-encode '/', '@' and '%%' in a password as %%2F, "
			   "%%40, %%25); libpq's message is not shown, as it could hold part of the "
			   "password");
		return;
	}
	char *pw = conninfo_password(conninfo);
	const char *env_pw = getenv("PGPASSWORD");
	char *msg = one_line(PQerrorMessage(conn));

	mask_secret(msg, pw);
	mask_secret(msg, env_pw);
	mask_password_syntax(msg);
	mc_err_set(err, "cannot connect to host=%s port=%s dbname=%s user=%s: %s",
		   field(PQhost(conn), pw, env_pw), field(PQport(conn), pw, env_pw),
		   field(PQdb(conn), pw, env_pw), field(PQuser(conn), pw, env_pw), msg);
	free(msg);
	free(pw);
}
