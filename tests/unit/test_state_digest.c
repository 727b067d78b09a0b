/*
 * The loader's state digest: prices printed the way numeric(18,6) prints
 * them, and digests of known canonical texts (docs/loader.md) (expected values from Python's
 * hashlib).  Agreement with the SQL function stg.state_digest() is checked
 * against PostgreSQL by tests/integration/load_hostile.sh.
 */
#include <stdio.h>
#include <string.h>

#include "etl/state_digest.h"
#include "testlib.h"

static struct mc_span span(const char *s)
{
	struct mc_span v = {s, s ? strlen(s) : 0};
	return v;
}

static void digest_hex(const struct mc_staging_obs *o, char hex[33])
{
	unsigned char d[MC_STATE_DIGEST_LEN];

	mc_state_digest(o, d);
	for (int i = 0; i < MC_STATE_DIGEST_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int main(void)
{
	static const struct {
		const char *in, *want;
	} prices[] = {
		{"0", "0.000000"},
		{"000", "0.000000"},
		{"0.5", "0.500000"},
		{"000.5", "0.500000"},
		{"007", "7.000000"},
		{"10", "10.000000"},
		{"100.000000", "100.000000"},
		{"12.345678", "12.345678"},
		{"999999999999.999999", "999999999999.999999"},
		{"0001000", "1000.000000"},
	};
	char out[MC_STATE_PRICE_MAX], hex[33];

	for (size_t i = 0; i < sizeof prices / sizeof prices[0]; i++) {
		size_t n = mc_state_price_canonical(span(prices[i].in), out);
		CHECK_STR(out, prices[i].want, "price \"%s\" prints as numeric(18,6)", prices[i].in);
		CHECK_INT(n, strlen(prices[i].want), "price \"%s\": length", prices[i].in);
	}

	struct mc_staging_obs o = {0};
	o.price = span("7.5");
	o.currency = span("EUR");
	o.availability = span("in_stock");
	o.url = span("https://shop.test/x");
	o.title = span("Title");
	digest_hex(&o, hex);
	CHECK_STR(hex, "30a33b59426967e0a79e12970875c673",
		  "digest of 7.500000||EUR|in_stock|19:https://shop.test/x|-|Title");

	o.price = span("0");
	o.list_price = span("10");
	o.currency = span("USD");
	o.availability = span("preorder");
	o.url = span("https://shop.test/a|b");
	o.product_key = span("key|one");
	o.title = span("a|b");
	digest_hex(&o, hex);
	CHECK_STR(hex, "5d9d08e3a76216e90467804ac8ac7d3a",
		  "digest with a list price, a product key and '|' in url, key and title");

	o.price = span("1");
	o.list_price = span(NULL);
	o.availability = span("unknown");
	o.currency = span("EUR");
	o.url = span("https://x.test/\xc3\xa9");
	o.product_key = span(NULL);
	o.title = span("T");
	digest_hex(&o, hex);
	CHECK_STR(hex, "48bf124c5eefe1e05103e077107b0512", "the URL's length counts bytes, not characters");
	return tl_exit_status();
}
