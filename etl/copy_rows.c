/*
 * The loader's COPY rows (etl/copy_rows.h): the column order of each is
 * the one its sql/loader statement names.
 */
#include "etl/copy_rows.h"

#include <string.h>

#include "etl/copy_binary.h"
#include "etl/state_digest.h"

enum { KEY_COLUMNS = 8, OBS_COLUMNS = 16, STATE_COLUMNS = 6 };

void mc_row_key(struct mc_buf *b, long line_no, const struct mc_staging_obs *o)
{
	unsigned char digest[MC_STATE_DIGEST_LEN];

	mc_state_digest(o, digest);
	mc_copyb_row(b, KEY_COLUMNS);
	mc_copyb_int4(b, (int32_t)line_no);
	mc_copyb_null(b);
	mc_copyb_null(b);
	mc_copyb_bytes(b, o->marketplace.p, o->marketplace.n);
	mc_copyb_bytes(b, o->region.p, o->region.n);
	mc_copyb_bytes(b, o->external_id.p, o->external_id.n);
	mc_copyb_timestamptz(b, o->observed_us);
	mc_copyb_bytes(b, digest, sizeof digest);
}

void mc_row_reject(struct mc_buf *b, long line_no, const char *reason, const char *line,
		   size_t n)
{
	char raw[MC_STAGING_RAW_KEEP];
	size_t raw_n = mc_staging_clean_raw(line, n, raw);

	mc_copyb_row(b, KEY_COLUMNS);
	mc_copyb_int4(b, (int32_t)line_no);
	mc_copyb_bytes(b, reason, strlen(reason));
	mc_copyb_bytes(b, raw, raw_n);
	for (int i = 0; i < 5; i++)
		mc_copyb_null(b);
}

void mc_row_observation(struct mc_buf *b, long long obs_id, long long file_id, long line_no,
			const struct mc_staging_obs *o, bool late)
{
	mc_copyb_row(b, OBS_COLUMNS);
	mc_copyb_int8(b, obs_id);
	mc_copyb_int8(b, file_id);
	mc_copyb_int4(b, (int32_t)line_no);
	mc_copyb_bytes(b, o->marketplace.p, o->marketplace.n);
	mc_copyb_bytes(b, o->region.p, o->region.n);
	mc_copyb_bytes(b, o->external_id.p, o->external_id.n);
	mc_copyb_bytes(b, o->url.p, o->url.n);
	mc_copyb_bytes(b, o->title.p, o->title.n);
	mc_copyb_numeric(b, o->price.p, o->price.n);
	if (o->list_price.p)
		mc_copyb_numeric(b, o->list_price.p, o->list_price.n);
	else
		mc_copyb_null(b);
	mc_copyb_bytes(b, o->currency.p, o->currency.n);
	mc_copyb_bytes(b, o->availability.p, o->availability.n);
	mc_copyb_timestamptz(b, o->observed_us);
	if (o->product_key.p)
		mc_copyb_bytes(b, o->product_key.p, o->product_key.n);
	else
		mc_copyb_null(b);
	mc_copyb_jsonb(b, o->attrs.p, o->attrs.n);
	mc_copyb_bool(b, late);
}

void mc_row_state(struct mc_buf *b, long long obs_id, const struct mc_staging_obs *o)
{
	unsigned char digest[MC_STATE_DIGEST_LEN];

	mc_state_digest(o, digest);
	mc_copyb_row(b, STATE_COLUMNS);
	mc_copyb_bytes(b, o->marketplace.p, o->marketplace.n);
	mc_copyb_bytes(b, o->region.p, o->region.n);
	mc_copyb_bytes(b, o->external_id.p, o->external_id.n);
	mc_copyb_timestamptz(b, o->observed_us);
	mc_copyb_int8(b, obs_id);
	mc_copyb_bytes(b, digest, sizeof digest);
}
