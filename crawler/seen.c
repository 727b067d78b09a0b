/*
 * The duplicate-request filter (crawler/seen.h): a set of 64-bit
 * SipHash-2-4 values in an open-addressing table with linear probing, kept
 * at most 3/4 full and doubled when it would pass that.  Hash value 0 marks
 * an empty slot, so a key hashing to 0 is stored as 1 (one more way to
 * collide, among 2^64).  It owns only its table; it never stores or frees
 * the caller's keys and never logs them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/log.h"
#include "crawler/seen.h"

#define INITIAL_SLOTS 1024

struct mc_seen {
	unsigned char key[16];
	uint64_t *slots; /* `cap` hashes, 0 = empty */
	size_t cap;      /* a power of two */
	size_t count;
};

/* ---- SipHash-2-4 (Aumasson and Bernstein, 2012) ------------------------ */

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);      \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                         \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                         \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);      \
	} while (0)

uint64_t mc_siphash24(const void *data, size_t len, const unsigned char key[16])
{
	const unsigned char *in = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t m, b = (uint64_t)len << 56;
	size_t whole = len - len % 8;

	for (size_t i = 0; i < whole; i += 8) {
		m = load_le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t i = whole; i < len; i++)
		b |= (uint64_t)in[i] << (8 * (i - whole));
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- the table --------------------------------------------------------- */

struct mc_seen *mc_seen_new_keyed(const unsigned char key[16])
{
	struct mc_seen *s = mc_calloc(1, sizeof *s);

	memcpy(s->key, key, sizeof s->key);
	s->cap = INITIAL_SLOTS;
	s->slots = mc_calloc(s->cap, sizeof s->slots[0]);
	return s;
}

/* A key nobody outside this process can predict.  getrandom() only fails on
 * kernels older than 3.17; then a clock-and-pid key still keeps runs apart,
 * though it is guessable, which is logged. */
static void random_key(unsigned char key[16])
{
	size_t got = 0;

	while (got < 16) {
		ssize_t n = getrandom(key + got, 16 - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == 16)
		return;
	mc_warn("getrandom failed (%s): duplicate filter uses a guessable key",
		strerror(errno));
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t a = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec;
	uint64_t b = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)key;
	memcpy(key, &a, 8);
	memcpy(key + 8, &b, 8);
}

struct mc_seen *mc_seen_new(void)
{
	unsigned char key[16];

	random_key(key);
	return mc_seen_new_keyed(key);
}

void mc_seen_free(struct mc_seen *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s);
}

static uint64_t hash_key(const struct mc_seen *s, const void *key, size_t len)
{
	uint64_t h = mc_siphash24(key, len, s->key);

	return h ? h : 1;
}

/* The slot holding `h`, or the empty slot where it belongs. */
static size_t find_slot(const uint64_t *slots, size_t cap, uint64_t h)
{
	size_t mask = cap - 1, i = (size_t)h & mask;

	while (slots[i] != 0 && slots[i] != h)
		i = (i + 1) & mask;
	return i;
}

static void grow(struct mc_seen *s)
{
	size_t cap = s->cap * 2;
	uint64_t *slots = mc_calloc(cap, sizeof slots[0]);

	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i] != 0)
			slots[find_slot(slots, cap, s->slots[i])] = s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
}

bool mc_seen_add(struct mc_seen *s, const void *key, size_t len)
{
	uint64_t h = hash_key(s, key, len);
	size_t i = find_slot(s->slots, s->cap, h);

	if (s->slots[i] == h)
		return false;
	if ((s->count + 1) * 4 > s->cap * 3) {
		grow(s);
		i = find_slot(s->slots, s->cap, h);
	}
	s->slots[i] = h;
	s->count++;
	return true;
}

bool mc_seen_contains(const struct mc_seen *s, const void *key, size_t len)
{
	uint64_t h = hash_key(s, key, len);

	return s->slots[find_slot(s->slots, s->cap, h)] == h;
}

bool mc_seen_add_request(struct mc_seen *s, const char *method, const char *url,
			 const void *body, size_t body_len)
{
	struct mc_buf key;
	bool added;

	/* "METHOD url" cannot be confused with another method and URL: the
	 * method has no space and comes first.  The body follows a NUL, which
	 * no URL contains, prefixed with its length. */
	mc_buf_init(&key, 0);
	for (const char *m = method ? method : "GET"; *m != '\0'; m++)
		mc_buf_addc(&key, (char)(*m >= 'a' && *m <= 'z' ? *m - 'a' + 'A' : *m));
	mc_buf_addc(&key, ' ');
	mc_buf_adds(&key, url);
	if (body_len > 0) {
		mc_buf_addc(&key, '\0');
		mc_buf_printf(&key, "%zu:", body_len);
		mc_buf_add(&key, body, body_len);
	}
	added = mc_seen_add(s, key.data, key.len);
	mc_buf_release(&key);
	return added;
}

size_t mc_seen_count(const struct mc_seen *s)
{
	return s->count;
}

size_t mc_seen_memory(const struct mc_seen *s)
{
	return sizeof *s + s->cap * sizeof s->slots[0];
}
