/*
 * Tests for crawler/seen.c: SipHash-2-4 against the reference vectors, the
 * set semantics (new / seen, requests with methods and bodies), and the
 * memory requirement: 1,000,000 distinct URLs in under 32 MiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/seen.h"
#include "testlib.h"

#define MIB (1024 * 1024)
#define N_URLS 1000000

/* Key 00 01 .. 0f and messages 00 01 .. (n-1), from the SipHash paper's
 * reference implementation (vectors.h, first bytes read little-endian). */
static void siphash_vectors(void)
{
	unsigned char key[16], msg[64];

	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	CHECK(mc_siphash24(msg, 0, key) == 0x726fdb47dd0e0e31ULL, "SipHash-2-4 of empty input");
	CHECK(mc_siphash24(msg, 15, key) == 0xa129ca6149be45e5ULL, "SipHash-2-4 of 15 bytes (paper)");
	CHECK(mc_siphash24(msg, 8, key) == 0x93f5f5799a932462ULL, "SipHash-2-4 of 8 bytes");
	CHECK(mc_siphash24(msg, 63, key) == 0x958a324ceb064572ULL, "SipHash-2-4 of 63 bytes");
}

static void basics(void)
{
	struct mc_seen *s = mc_seen_new();

	CHECK_INT(mc_seen_count(s), 0, "new filter is empty");
	CHECK(mc_seen_add(s, "https://a.example/", 18), "first add is new");
	CHECK(!mc_seen_add(s, "https://a.example/", 18), "second add is seen");
	CHECK(mc_seen_contains(s, "https://a.example/", 18), "contains an added key");
	CHECK(!mc_seen_contains(s, "https://a.example/x", 19), "does not contain another key");
	CHECK(mc_seen_add(s, "https://a.example/", 17), "a prefix is another key");
	CHECK(mc_seen_add(s, "", 0), "the empty key can be added");
	CHECK(!mc_seen_add(s, "", 0), "and is seen after");
	CHECK_INT(mc_seen_count(s), 3, "count of distinct keys");

	CHECK(mc_seen_add_request(s, NULL, "https://a.example/p", NULL, 0), "GET request new");
	CHECK(!mc_seen_add_request(s, "get", "https://a.example/p", NULL, 0),
	      "method case-insensitive, NULL is GET");
	CHECK(mc_seen_add_request(s, "POST", "https://a.example/p", NULL, 0),
	      "POST to the same URL is another request");
	CHECK(mc_seen_add_request(s, "POST", "https://a.example/p", "q=1", 3), "POST with a body");
	CHECK(!mc_seen_add_request(s, "POST", "https://a.example/p", "q=1", 3), "same body is seen");
	CHECK(mc_seen_add_request(s, "POST", "https://a.example/p", "q=2", 3),
	      "another body is new");
	CHECK(mc_seen_add_request(s, "POST", "https://a.example/pq=1", NULL, 0),
	      "URL+body is not confused with a longer URL");
	CHECK_INT(mc_seen_count(s), 8, "count after requests");
	mc_seen_free(s);
	mc_seen_free(NULL);
}

/* Two filters with different keys give the same answers (the key changes
 * only where keys land, never what is seen). */
static void keyed(void)
{
	unsigned char k1[16] = {1}, k2[16] = {2};
	struct mc_seen *a = mc_seen_new_keyed(k1), *b = mc_seen_new_keyed(k2);
	int same = 1;
	char url[64];

	for (int i = 0; i < 5000; i++) {
		int n = snprintf(url, sizeof url, "https://k.example/%d", i % 3000);
		if (mc_seen_add(a, url, (size_t)n) != mc_seen_add(b, url, (size_t)n))
			same = 0;
	}
	CHECK(same, "filters with different keys agree on every add");
	CHECK_INT(mc_seen_count(a), 3000, "3000 distinct of 5000 adds");
	mc_seen_free(a);
	mc_seen_free(b);
}

static int make_url(char *buf, size_t size, int i)
{
	return snprintf(buf, size, "https://shop.example/category/%d/item-%d?page=%d&sort=price",
			i % 97, i, i % 13);
}

static void million(void)
{
	unsigned char key[16] = "marketcrawl-test";
	struct mc_seen *s = mc_seen_new_keyed(key);
	size_t added = 0, readded = 0;
	char url[128];

	for (int i = 0; i < N_URLS; i++) {
		int n = make_url(url, sizeof url, i);
		added += mc_seen_add(s, url, (size_t)n);
	}
	for (int i = 0; i < N_URLS; i++) {
		int n = make_url(url, sizeof url, i);
		readded += mc_seen_add(s, url, (size_t)n);
	}
	CHECK_INT(added, N_URLS, "1,000,000 distinct URLs are all new");
	CHECK_INT(mc_seen_count(s), N_URLS, "count is 1,000,000");
	CHECK_INT(readded, 0, "re-adding each of them returns false");
	CHECK(mc_seen_memory(s) < 32 * MIB, "memory %zu bytes < 32 MiB", mc_seen_memory(s));
	NOTE("seen: %d URLs held in %zu bytes (%.1f bytes per URL)", N_URLS, mc_seen_memory(s),
	     (double)mc_seen_memory(s) / N_URLS);
	mc_seen_free(s);
}

int main(void)
{
	siphash_vectors();
	basics();
	keyed();
	million();
	return tl_exit_status();
}
