/*
 * Unit tests of the proxy and per-host rule modules (crawler/proxy.c,
 * crawler/host_rule.c): the syntax both accept and refuse (with the
 * message naming the problem), masking of proxy credentials, the list
 * file (FILE:LINE in errors), the pool's spreading and back-off rule, the
 * no_proxy matcher, and which host rule is the most specific.  The engine
 * side (requests through the proxies, per-host limits) is tested against
 * the fixture server in tests/integration/crawl_proxy.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawler/host_rule.h"
#include "crawler/proxy.h"
#include "testlib.h"

static void test_mask(void)
{
	char out[256];

	mc_proxy_mask("http://bob:s3cr3t@proxy.example:3128", out, sizeof out);
	CHECK_STR(out, "http://***@proxy.example:3128", "user:pass masked");
	mc_proxy_mask("socks5h://a:b@c@10.0.0.1:1080/", out, sizeof out);
	CHECK_STR(out, "socks5h://***@10.0.0.1:1080/", "a password holding '@' masked whole");
	mc_proxy_mask("bob:pw@proxy:8080", out, sizeof out);
	CHECK_STR(out, "***@proxy:8080", "no scheme: masked too");
	mc_proxy_mask("http://proxy:8080", out, sizeof out);
	CHECK_STR(out, "http://proxy:8080", "no credentials: unchanged");
	mc_proxy_mask("http://u:pa#s/s?x@proxy.example:3128", out, sizeof out);
	CHECK_STR(out, "http://***@proxy.example:3128", "a password holding '#', '/' or '?' masked whole");

	char msg[] = "Unsupported proxy syntax in 'http://user:p@ss@proxy.example:3128' and "
		     "socks5://ab@h:1 or https://u@h";
	mc_mask_credentials(msg);
	CHECK_STR(msg, "Unsupported proxy syntax in 'http://***@proxy.example:3128' and "
		       "socks5://**@h:1 or https://*@h",
		  "credentials masked in a libcurl message, however short");
}

static void test_check(void)
{
	static const char *const good[] = {
		"http://127.0.0.1:3128", "https://u:p@proxy.example:443/", "socks5h://[::1]:1080",
		"proxy.example:8080", "SOCKS5://h:1",
	};
	static const struct {
		const char *url, *why;
	} bad[] = {
		{"ftp://u:secret@h:21", "proxy 'ftp://***@h:21': the scheme is not"},
		{"http://u:secret@h:0", "proxy 'http://***@h:0': the port is not 1-65535"},
		{"http://h:99999", "the port is not 1-65535"},
		{"http://u:secret@:80", "proxy 'http://***@:80': no host"},
		{"http://h:80/path", "a proxy URL has no path"},
		{"http://h :80", "spaces or control characters"},
		{"http://u:p@ssecret@proxy.example:3128", "proxy 'http://***@proxy.example:3128': not a URL libcurl takes"},
		{"http://u:secret@my,proxy:3128", "not a URL libcurl takes"},
		{"http://u:pa#secret@proxy.example:3128", "proxy 'http://***@proxy.example:3128'"},
	};
	char why[512];

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		CHECK(mc_proxy_check(good[i], why, sizeof why), "proxy %s accepted", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		CHECK(!mc_proxy_check(bad[i].url, why, sizeof why) && strstr(why, bad[i].why) &&
			      !strstr(why, "secret"),
		      "proxy %zu refused: %s", i, why);
	}
}

static void test_list(void)
{
	char path[] = "/tmp/mc-proxy-list.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	char **list = NULL, why[1024];
	char expect[600];

	fputs("# rotation\n\n  http://a:1  \nhttp://u:pw@b:2\n", f);
	fclose(f);
	CHECK_INT(mc_proxy_list_read(path, &list, why, sizeof why), 0, "list read");
	CHECK(list && list[0] && list[1] && !list[2], "two proxies, comments and blanks skipped");
	CHECK_STR(list ? list[0] : NULL, "http://a:1", "spaces trimmed");
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
	list = NULL;

	f = fopen(path, "w");
	fputs("http://a:1\n# ok\nhttp://u:pw@b:port\n", f);
	fclose(f);
	CHECK_INT(mc_proxy_list_read(path, &list, why, sizeof why), -1, "a bad line fails the list");
	snprintf(expect, sizeof expect, "%s:3: proxy 'http://***@b:port'", path);
	CHECK(strncmp(why, expect, strlen(expect)) == 0 && !strstr(why, "pw"), "names FILE:LINE: %s",
	      why);
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
	list = NULL;

	f = fopen(path, "w");
	fputs("# nothing\n", f);
	fclose(f);
	CHECK_INT(mc_proxy_list_read(path, &list, why, sizeof why), -1, "an empty list is an error");
	unlink(path);
	CHECK_INT(mc_proxy_list_read(path, &list, why, sizeof why), -1, "a missing file is an error");
	CHECK(strstr(why, "cannot read") != NULL, "saying so: %s", why);
}

static void test_pool(void)
{
	static const char *const urls[] = {"http://a:1", "http://b:2", NULL};
	struct mc_proxy_pool p;
	struct mc_proxy *x, *y;

	mc_proxy_pool_init(&p, urls, 1, 0);
	x = mc_proxy_pick(&p, 10.0);
	CHECK(x == &p.v[0], "the first proxy first");
	mc_proxy_start(&p, x, 10.0);
	y = mc_proxy_pick(&p, 10.0);
	CHECK(y == &p.v[1], "then the other (the first is busy)");
	mc_proxy_start(&p, y, 10.0);
	CHECK(mc_proxy_pick(&p, 10.0) == NULL, "both at their concurrency: wait");
	CHECK(mc_proxy_done(x, true, 10.0) == 1.0, "a failure benches for 1 s");
	CHECK(mc_proxy_done(y, false, 10.0) == 0.0, "a success does not");
	CHECK(mc_proxy_pick(&p, 10.5) == &p.v[1], "a benched proxy is skipped");
	CHECK(mc_proxy_next_ready(&p, 10.5) == 11.0, "it is back when its bench ends");
	CHECK(mc_proxy_pick(&p, 11.0) == &p.v[0], "then the least used one goes first");
	mc_proxy_start(&p, x, 11.0);
	CHECK(mc_proxy_done(x, true, 11.0) == 2.0, "a second failure in a row: 2 s");
	mc_proxy_start(&p, x, 13.0);
	mc_proxy_start(&p, &p.v[1], 13.0);
	CHECK(mc_proxy_done(x, true, 13.0) == 4.0, "a third: 4 s");
	CHECK(mc_proxy_done(&p.v[1], true, 13.0) == 1.0, "the other's own streak: 1 s");
	CHECK(mc_proxy_pick(&p, 13.5) == NULL, "all benched: requests wait");
	CHECK_INT(p.v[0].failures, 3, "failures counted");
	CHECK_INT(p.v[0].benched, 3, "benches counted");
	mc_proxy_pool_release(&p);

	mc_proxy_pool_init(&p, urls, 2, 500);
	x = mc_proxy_pick(&p, 0);
	mc_proxy_start(&p, x, 0);
	CHECK(mc_proxy_pick(&p, 0.1) == &p.v[1], "--proxy-delay holds a proxy back");
	mc_proxy_start(&p, &p.v[1], 0.1);
	CHECK(mc_proxy_pick(&p, 0.2) == NULL, "both within their delay");
	CHECK(mc_proxy_pick(&p, 0.5) == &p.v[0], "the first past its delay");
	mc_proxy_start(&p, &p.v[0], 0.5);
	mc_proxy_start(&p, &p.v[0], 1.0);
	CHECK(mc_proxy_done(&p.v[0], true, 1.0) == 1.0, "benched");
	CHECK(mc_proxy_done(&p.v[0], true, 1.0) == 0.0,
	      "a transfer started before the bench does not lengthen it");
	CHECK_INT(p.v[0].streak, 1, "one step of the streak");
	mc_proxy_pool_release(&p);
}

static void test_no_proxy(void)
{
	CHECK(mc_no_proxy_match("example.com", "www.example.com"), "a name covers its subdomains");
	CHECK(mc_no_proxy_match(".example.com", "example.com"), "a leading dot is ignored");
	CHECK(!mc_no_proxy_match("example.com", "badexample.com"), "but not a longer name");
	CHECK(mc_no_proxy_match("localhost, 127.0.0.1", "127.0.0.1"), "lists with spaces");
	CHECK(mc_no_proxy_match("*", "anything"), "'*' is every host");
	CHECK(!mc_no_proxy_match("", "anything"), "an empty list none");
	CHECK(mc_no_proxy_match("EXAMPLE.com", "example.com"), "case-insensitive");
}

static void test_rules(void)
{
	struct mc_host_rules rs = {NULL, 0};
	const struct mc_host_rule *r;
	char why[512];

	CHECK_INT(mc_host_rules_add(&rs, ".example.com:delay=2", why, sizeof why), 0, "domain rule");
	CHECK_INT(mc_host_rules_add(&rs, "*.shop.example.com:concurrency=8,max-pages=100", why,
				    sizeof why), 0, "*. domain rule");
	CHECK_INT(mc_host_rules_add(&rs, "Slow.Example.com:delay=0.5,concurrency=1", why, sizeof why),
		  0, "exact rule, any case");
	CHECK_INT(mc_host_rules_add(&rs, "[::1]:max-pages=3", why, sizeof why), 0, "IPv6 literal");

	r = mc_host_rules_match(&rs, "www.example.com");
	CHECK(r == &rs.v[0] && r->delay_ms == 2000 && r->concurrency == 0 && r->max_pages == 0,
	      "a subdomain gets the domain rule, settings not given stay unset");
	CHECK(mc_host_rules_match(&rs, "example.com") == &rs.v[0], "the domain itself too");
	CHECK(mc_host_rules_match(&rs, "a.shop.example.com") == &rs.v[1], "the longer domain wins");
	r = mc_host_rules_match(&rs, "slow.example.com");
	CHECK(r == &rs.v[2] && r->delay_ms == 500 && r->concurrency == 1, "the exact host wins");
	CHECK(mc_host_rules_match(&rs, "xexample.com") == NULL, "no rule for a look-alike");
	CHECK(mc_host_rules_match(&rs, "[::1]") == &rs.v[3], "IPv6 host");
	CHECK_INT(mc_host_rules_add(&rs, "slow.example.com:max-pages=5", why, sizeof why), 0,
		  "a second rule for a host");
	CHECK(mc_host_rules_match(&rs, "slow.example.com") == &rs.v[4], "the later one wins");

	static const struct {
		const char *rule, *why;
	} bad[] = {
		{"example.com", "is not HOST:SETTING=VALUE"},
		{"example.com:", "is not HOST:SETTING=VALUE"},
		{"example.com:speed=3", "unknown setting 'speed' (delay, concurrency or max-pages)"},
		{"example.com:delay=-1", "delay needs seconds from 0 to 3600, not '-1'"},
		{"example.com:delay=soon", "delay needs seconds"},
		{"example.com:concurrency=0", "concurrency needs a whole number from 1 to 1000, not '0'"},
		{"example.com:max-pages=1.5", "max-pages needs a whole number"},
		{"example.com:delay", "'delay' is not NAME=VALUE"},
		{"example.com:delay=1,", "ends with a comma"},
		{"exa mple.com:delay=1", "is not a host name or domain"},
		{"*:delay=1", "is not a host name or domain"},
		{":delay=1", "is not a host name or domain"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		CHECK(mc_host_rules_add(&rs, bad[i].rule, why, sizeof why) == -1 &&
			      strstr(why, bad[i].why),
		      "'%s' refused: %s", bad[i].rule, why);
	}
	CHECK_INT(rs.n, 5, "refused rules are not added");
	mc_host_rules_release(&rs);
}

int main(void)
{
	test_mask();
	test_check();
	test_list();
	test_pool();
	test_no_proxy();
	test_rules();
	return tl_exit_status();
}
