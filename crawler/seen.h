/*
 * The crawler's duplicate-request filter: the set of requests already
 * scheduled in this run, so a link met on a hundred pages is fetched once.
 *
 * Keys are stored as 64-bit keyed hashes (SipHash-2-4 with a random key per
 * run), not as strings, in a table of 8-byte slots kept 3/8 to 3/4 full:
 * 11 to 22 bytes per request, a million requests in 16 MiB (24 MiB for the
 * moment the table doubles).  The price is a
 * false positive, a new request taken for a seen one, with probability
 * about n^2 / 2^65 over a whole run of n requests (3e-8 for a million); the
 * random key keeps a site from crafting such collisions.
 *
 * Not thread-safe: the event loop owns the filter and is its only user.
 * Callers pass normalised keys (mc_url_normalize, mc_seen_add_request):
 * the filter compares bytes and knows nothing about URLs.
 */
#ifndef MC_SEEN_H
#define MC_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_seen;

/* A new, empty filter with a random key (getrandom); free with
 * mc_seen_free.  Never fails (allocation failure exits, see alloc.h). */
struct mc_seen *mc_seen_new(void);
/* The same with a fixed 16-byte key, for reproducible tests. */
struct mc_seen *mc_seen_new_keyed(const unsigned char key[16]);
void mc_seen_free(struct mc_seen *s);

/* Add the `len` bytes at `key`; true when they were not in the set yet
 * (the request should be scheduled), false when seen before. */
bool mc_seen_add(struct mc_seen *s, const void *key, size_t len);
/* Whether `key` is in the set, without adding it. */
bool mc_seen_contains(const struct mc_seen *s, const void *key, size_t len);

/*
 * mc_seen_add for a request: the key is the method (upper-cased; NULL means
 * "GET"), the URL (already normalised by the caller) and, when `body_len`
 * is not 0, the body, joined unambiguously.  So a GET and a POST to one URL,
 * or two POSTs with different bodies, are different requests.
 */
bool mc_seen_add_request(struct mc_seen *s, const char *method, const char *url,
			 const void *body, size_t body_len);

/* Number of distinct keys added. */
size_t mc_seen_count(const struct mc_seen *s);
/* Bytes of heap the filter holds (struct and table). */
size_t mc_seen_memory(const struct mc_seen *s);

/* SipHash-2-4 of `len` bytes under a 16-byte key; exported for tests (the
 * reference vectors) and for any module that needs a keyed hash. */
uint64_t mc_siphash24(const void *data, size_t len, const unsigned char key[16]);

#endif
