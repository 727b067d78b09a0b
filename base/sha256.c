/*
 * SHA-256 (FIPS 180-4) for the loader, which names every staging file by
 * the hash of its content (base/sha256.h).  Plain C, no
 * allocation, no global state; on x86-64 CPUs with the SHA extensions the
 * compression function uses them (chosen once at run time), because the
 * loader hashes every byte it loads and the hash must not be what limits
 * the load rate.  Both paths are checked against the FIPS vectors.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MC_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress_c(uint32_t st[8], const unsigned char *p, size_t nblocks)
{
	uint32_t w[64];

	for (; nblocks; nblocks--, p += 64) {
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
		uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
		for (int i = 0; i < 64; i++) {
			uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
			uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
			h = g;
			g = f;
			f = e;
			e = d + t1;
			d = c;
			c = b;
			b = a;
			a = t1 + t2;
		}
		st[0] += a;
		st[1] += b;
		st[2] += c;
		st[3] += d;
		st[4] += e;
		st[5] += f;
		st[6] += g;
		st[7] += h;
	}
}

#ifdef MC_SHA256_X86
/* Four rounds with the SHA extensions: message words `m`, round constants from K[i]. */
#define MC_SHA_ROUNDS4(m, i)                                                      \
	do {                                                                      \
		__m128i k_ = _mm_add_epi32((m), _mm_loadu_si128((const __m128i *)&K[i])); \
		s1 = _mm_sha256rnds2_epu32(s1, s0, k_);                           \
		s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(k_, 0x0e));  \
	} while (0)

__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t st[8], const unsigned char *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i t = _mm_loadu_si128((const __m128i *)&st[0]); /* a b c d */
	__m128i s1 = _mm_loadu_si128((const __m128i *)&st[4]); /* e f g h */

	/* The instructions want ABEF and CDGH. */
	t = _mm_shuffle_epi32(t, 0xb1);
	s1 = _mm_shuffle_epi32(s1, 0x1b);
	__m128i s0 = _mm_alignr_epi8(t, s1, 8);
	s1 = _mm_blend_epi16(s1, t, 0xf0);

	for (; nblocks; nblocks--, p += 64) {
		__m128i save0 = s0, save1 = s1;
		__m128i m[4];

		for (int j = 0; j < 4; j++)
			m[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * j)), bswap);
		for (int i = 0; i < 64; i += 4) {
			__m128i *cur = &m[(i / 4) & 3];
			if (i >= 16) {
				__m128i a = m[(i / 4 + 0) & 3], b = m[(i / 4 + 1) & 3];
				__m128i c = m[(i / 4 + 2) & 3], d = m[(i / 4 + 3) & 3];
				/* W[i..i+3] from W[i-16..i-1]: a=i-16, b=i-12, c=i-8, d=i-4 */
				__m128i x = _mm_sha256msg1_epu32(a, b);
				x = _mm_add_epi32(x, _mm_alignr_epi8(d, c, 4));
				*cur = _mm_sha256msg2_epu32(x, d);
			}
			MC_SHA_ROUNDS4(*cur, i);
		}
		s0 = _mm_add_epi32(s0, save0);
		s1 = _mm_add_epi32(s1, save1);
	}
	t = _mm_shuffle_epi32(s0, 0x1b);
	s1 = _mm_shuffle_epi32(s1, 0xb1);
	s0 = _mm_blend_epi16(t, s1, 0xf0);
	s1 = _mm_alignr_epi8(s1, t, 8);
	_mm_storeu_si128((__m128i *)&st[0], s0);
	_mm_storeu_si128((__m128i *)&st[4], s1);
}
#endif

/* 1 when the SHA extensions are used; decided by the first mc_sha256_init
 * (CPUID traps to the hypervisor in a VM: far too slow to ask per hash).
 * MC_SHA256_PORTABLE=1 forces the plain C path (the unit test checks both). */
static atomic_int use_shani = -1;

static void choose_implementation(void)
{
	const char *env = getenv("MC_SHA256_PORTABLE");
	int fast = 0;

#ifdef MC_SHA256_X86
	/* CPUID directly: clang 14 does not know __builtin_cpu_supports("sha").
	 * Leaf 1 ECX: SSSE3 bit 9, SSE4.1 bit 19; leaf 7 EBX: SHA bit 29. */
	unsigned int a, b, c, d;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19)) &&
	    __get_cpuid_count(7, 0, &a, &b, &c, &d))
		fast = (b >> 29) & 1;
#endif
	if (env && strcmp(env, "1") == 0)
		fast = 0;
	atomic_store(&use_shani, fast);
}

static void compress(uint32_t st[8], const unsigned char *p, size_t nblocks)
{
#ifdef MC_SHA256_X86
	if (atomic_load_explicit(&use_shani, memory_order_relaxed) == 1) {
		compress_shani(st, p, nblocks);
		return;
	}
#endif
	compress_c(st, p, nblocks);
}

void mc_sha256_init(struct mc_sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	if (atomic_load_explicit(&use_shani, memory_order_relaxed) < 0)
		choose_implementation();
	memcpy(s->state, iv, sizeof iv);
	s->bytes = 0;
	s->used = 0;
}

void mc_sha256_update(struct mc_sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->bytes += len;
	if (s->used) {
		size_t take = 64 - s->used < len ? 64 - s->used : len;
		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		len -= take;
		if (s->used < 64)
			return;
		compress(s->state, s->block, 1);
		s->used = 0;
	}
	if (len >= 64) {
		compress(s->state, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(s->block, p, len);
	s->used = len;
}

void mc_sha256_final(struct mc_sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->bytes * 8;
	unsigned char pad[72] = {0x80};
	size_t padlen = (s->used < 56 ? 56 : 120) - s->used;

	for (int i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	mc_sha256_update(s, pad, padlen + 8);
	for (int i = 0; i < 32; i++)
		out[i] = (unsigned char)(s->state[i / 4] >> (24 - 8 * (i % 4)));
}

void mc_sha256_final_hex(struct mc_sha256 *s, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[32];

	mc_sha256_final(s, raw);
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[64] = '\0';
}
