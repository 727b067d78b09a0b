/*
 * SHA-256 (FIPS 180-4), streaming.  The loader identifies staging files by
 * the hash of their content, so a copied or renamed file is still loaded
 * exactly once.  No allocation; thread-safe per context.
 */
#ifndef MC_SHA256_H
#define MC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct mc_sha256 {
	uint32_t state[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

void mc_sha256_init(struct mc_sha256 *s);
void mc_sha256_update(struct mc_sha256 *s, const void *data, size_t len);
/* Finish and write the 32-byte digest into `out`. */
void mc_sha256_final(struct mc_sha256 *s, unsigned char out[32]);

/* Finish and write 64 lower-case hex digits plus NUL into `hex`. */
void mc_sha256_final_hex(struct mc_sha256 *s, char hex[65]);

#endif
