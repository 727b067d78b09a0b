/*
 * Table test of the private-address rule (crawler/address.h): which IP
 * addresses and URL hosts a crawl refuses unless allowed explicitly.
 */
#include "crawler/address.h"
#include "testlib.h"

int main(void)
{
	static const struct {
		const char *ip;
		bool is_private;
	} cases[] = {
		{"127.0.0.1", true},       {"127.255.255.254", true}, {"10.1.2.3", true},
		{"172.16.0.1", true},      {"172.31.255.255", true},  {"172.32.0.1", false},
		{"192.168.1.1", true},     {"169.254.169.254", true}, {"0.0.0.0", true},
		{"100.64.0.1", true},      {"100.128.0.1", false},    {"198.18.0.1", true},
		{"224.0.0.1", true},       {"255.255.255.255", true}, {"192.0.2.1", true},
		{"8.8.8.8", false},        {"93.184.216.34", false},  {"1.1.1.1", false},
		{"::1", true},             {"::", true},              {"fe80::1", true},
		{"fc00::1", true},         {"fd12:3456::1", true},    {"ff02::1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:169.254.169.254", true},
		{"::ffff:8.8.8.8", false}, {"64:ff9b::a00:1", true},  {"2001:db8::1", true},
		{"2606:4700::1111", false}, {"localhost", false},     {"not an address", false},
		{"", false},               {NULL, false},
	};
	int ok = 0;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (mc_address_is_private(cases[i].ip) == cases[i].is_private)
			ok++;
		else
			NOTE("%s: want %s", cases[i].ip ? cases[i].ip : "(null)",
			     cases[i].is_private ? "private" : "not private");
	}
	CHECK_INT(ok, sizeof cases / sizeof cases[0], "mc_address_is_private: every row of the table");
	CHECK(mc_host_is_private_literal("[::1]"), "a bracketed IPv6 host is judged by its address");
	CHECK(mc_host_is_private_literal("169.254.169.254"), "an IPv4 host is judged by its address");
	CHECK(!mc_host_is_private_literal("[2606:4700::1111]"), "a public IPv6 host is not private");
	CHECK(!mc_host_is_private_literal("shop.example"), "a name is judged when resolved, not here");
	CHECK(!mc_host_is_private_literal("[::1"), "a broken literal is not an address");
	return tl_exit_status();
}
