/*
 * The state digest (etl/state_digest.h): the loader's
 * client-side twin of the SQL function stg.state_digest() (migration 010).  The two must
 * agree byte for byte; tests/integration/load_changes.sh checks them
 * against each other on every stored listing.
 */
#include <stdio.h>
#include <string.h>

#include "base/sha256.h"
#include "etl/state_digest.h"

size_t mc_state_price_canonical(struct mc_span price, char out[MC_STATE_PRICE_MAX])
{
	size_t i = 0, n = 0, frac = 0;

	while (i + 1 < price.n && price.p[i] == '0' && price.p[i + 1] != '.')
		i++;
	while (i < price.n && price.p[i] != '.' && n < 12)
		out[n++] = price.p[i++];
	out[n++] = '.';
	if (i < price.n && price.p[i] == '.')
		for (i++; i < price.n && frac < 6; frac++)
			out[n++] = price.p[i++];
	for (; frac < 6; frac++)
		out[n++] = '0';
	out[n] = '\0';
	return n;
}

/* A field that may contain '|', as its length in bytes, ':' and its bytes. */
static void update_counted(struct mc_sha256 *s, struct mc_span v)
{
	char len[24];
	int n = snprintf(len, sizeof len, "%zu:", v.n);

	mc_sha256_update(s, len, (size_t)n);
	mc_sha256_update(s, v.p, v.n);
}

void mc_state_digest(const struct mc_staging_obs *o, unsigned char out[MC_STATE_DIGEST_LEN])
{
	char price[MC_STATE_PRICE_MAX];
	unsigned char raw[32];
	struct mc_sha256 s;

	mc_sha256_init(&s);
	mc_sha256_update(&s, price, mc_state_price_canonical(o->price, price));
	mc_sha256_update(&s, "|", 1);
	if (o->list_price.p)
		mc_sha256_update(&s, price, mc_state_price_canonical(o->list_price, price));
	mc_sha256_update(&s, "|", 1);
	mc_sha256_update(&s, o->currency.p, o->currency.n);
	mc_sha256_update(&s, "|", 1);
	mc_sha256_update(&s, o->availability.p, o->availability.n);
	mc_sha256_update(&s, "|", 1);
	update_counted(&s, o->url);
	mc_sha256_update(&s, "|", 1);
	if (o->product_key.p)
		update_counted(&s, o->product_key);
	else
		mc_sha256_update(&s, "-", 1);
	mc_sha256_update(&s, "|", 1);
	mc_sha256_update(&s, o->title.p, o->title.n);
	mc_sha256_final(&s, raw);
	memcpy(out, raw, MC_STATE_DIGEST_LEN);
}
