/*
 * The checks of `marketcrawl watch add`'s rule options (cli/watch_rule.c)
 * and the --exec channel of `marketcrawl alerts --deliver`
 * (cli/alert_send.c): what a command gets on stdin, and that only exit
 * status 0 counts as delivered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/alert_send.h"
#include "cli/watch_rule.h"
#include "testlib.h"

static void price(const char *in, bool ok, const char *amount, const char *cur)
{
	char a[32] = "", c[4] = "";
	bool got = mc_watch_parse_price(in, a, sizeof a, c);

	CHECK_INT(got, ok, "price '%s': %s", in, ok ? "accepted" : "refused");
	if (ok && got) {
		CHECK_STR(a, amount, "price '%s': amount", in);
		CHECK_STR(c, cur, "price '%s': currency", in);
	}
}

static void pct(const char *in, double lo, bool ok)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%s", in);
	CHECK_INT(mc_watch_parse_pct(buf, lo), ok, "pct '%s' (from %g): %s", in, lo,
		  ok ? "accepted" : "refused");
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

int main(void)
{
	price("14.99 EUR", true, "14.99", "EUR");
	price("15eur", true, "15", "EUR");
	price("0.5 gbp", true, "0.5", "GBP");
	price("15", false, NULL, NULL);
	price("EUR 15", false, NULL, NULL);
	price("0 EUR", false, NULL, NULL);
	price("1.2.3 EUR", false, NULL, NULL);
	price(". EUR", false, NULL, NULL);
	price("15 EURO", false, NULL, NULL);
	price("15 E1R", false, NULL, NULL);
	price("-5 EUR", false, NULL, NULL);
	price("123456789012345678901 EUR", false, NULL, NULL);

	pct("20", 0, true);
	pct("20%", 0, true);
	pct("0", 0, true);
	pct("99.5", 0, true);
	pct("100", 0, false);
	pct("-1", 0, false);
	pct("abc", 0, false);
	pct("", 0, false);
	pct("5", 10, false);

	char dir[] = "/tmp/mc-watch-rule.XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "a temporary folder");
	char cmd[512], path[200];
	snprintf(path, sizeof path, "%s/got", dir);
	snprintf(cmd, sizeof cmd, "cat >'%s'; echo \" $MARKETCRAWL_ALERT_ID $MARKETCRAWL_ALERT_KIND\" >>'%s'",
		 path, path);
	struct mc_alert_msg a = {"42", "drop", "a message", "{\"alert_id\":42}"};
	struct mc_err err = {""};
	CHECK_INT(mc_alert_send_exec(cmd, &a, &err), 0, "exec: a command exiting 0 delivers");
	CHECK_STR(slurp(path), "{\"alert_id\":42}\n 42 drop\n",
		  "exec: the JSON and a newline on stdin, id and kind in the environment");
	CHECK_INT(mc_alert_send_exec("exit 3", &a, &err), -1, "exec: exit 3 does not deliver");
	CHECK_STR(err.msg, "--exec 'exit 3' exited with status 3", "exec: the reason names the status");
	CHECK_INT(mc_alert_send_exec("true", &a, &err), 0,
		  "exec: a command that does not read its stdin still delivers on exit 0");
	CHECK_INT(mc_alert_send_exec("kill -TERM $$", &a, &err), -1, "exec: a killed command does not");
	CHECK_STR(err.msg, "--exec 'kill -TERM $$' was killed by signal 15", "exec: ... and says so");
	unlink(path);
	rmdir(dir);
	return tl_exit_status();
}
