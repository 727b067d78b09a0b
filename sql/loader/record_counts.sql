-- The file's counts, after change detection: lines read, accepted,
-- unchanged, rejected, valid; fields filled; the first and last
-- observed_at in microseconds since the epoch (null without valid lines).
update stg.loaded_file
set rows_read = $2, rows_accepted = $3, rows_unchanged = $4, rows_rejected = $5,
    rows_valid = $6, filled_list_price = $7, filled_availability = $8,
    filled_product_key = $9,
    first_observed_at = timestamptz 'epoch' + $10::bigint * interval '1 us',
    last_observed_at = timestamptz 'epoch' + $11::bigint * interval '1 us'
where file_id = $1
