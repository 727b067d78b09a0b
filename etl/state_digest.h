/*
 * The state digest: 128 bits standing for what change detection compares
 * (price, list price, currency, availability, url, product key, title), so
 * the loader's first pass sends 16 bytes per line instead of the fields,
 * and stg.listing_state keeps the digest instead of a copy of them.  A line
 * equal to its listing's state in all of these is "unchanged" and stored
 * only as a sighting (docs/loader.md); attrs are not compared.
 *
 * The same value is computed in SQL by stg.state_digest()
 * (sql/schema/010_history_by_sighting.sql).  Both hash, with SHA-256 cut
 * to its first 16 bytes, the canonical text
 *     PRICE|LIST_PRICE|CURRENCY|AVAILABILITY|N:URL|KEY|TITLE
 * where prices are printed the way PostgreSQL prints numeric(18,6)
 * ("7.500000", "0.000000"), a missing list price is empty, N is the URL's
 * length in bytes, KEY is "-" without a product key and "N:KEY" with one.
 * The fields before the URL cannot contain '|', the counted ones carry
 * their length and the title comes last, so the text is unambiguous.
 */
#ifndef MC_STATE_DIGEST_H
#define MC_STATE_DIGEST_H

#include <stddef.h>

#include "staging/staging.h"

/* Longest canonical price: 12 integer digits, '.', 6 decimals, NUL. */
#define MC_STATE_PRICE_MAX 20

/*
 * A validated staging price (staging.h: -?[0-9]+(.[0-9]{1,6})?, at most 12
 * significant integer digits, "-0" already unsigned) as numeric(18,6)
 * prints it, into `out`; returns the length.
 */
size_t mc_state_price_canonical(struct mc_span price, char out[MC_STATE_PRICE_MAX]);

#define MC_STATE_DIGEST_LEN 16

/* The digest of a valid observation: 16 bytes, the binary form of the
 * uuid stg.state_digest() returns. */
void mc_state_digest(const struct mc_staging_obs *o, unsigned char out[MC_STATE_DIGEST_LEN]);

#endif
