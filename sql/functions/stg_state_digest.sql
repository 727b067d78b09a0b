-- The state digest of an observation's compared fields (docs/loader.md,
-- "How a file is loaded"): what stg.listing_state keeps and a new line is
-- compared with.  The loader computes the same digest in C
-- (etl/state_digest.c, etl/state_digest.h); this function
-- is the definition both follow.  Migration 010 requires it for its
-- backfill, so its signature stays.
create or replace function stg.state_digest(price numeric, list_price numeric, currency text,
                                            availability text, title text, url text,
                                            product_key text)
returns uuid
language sql immutable parallel safe
return encode(substr(sha256(convert_to(
           price::numeric(18, 6)::text || '|' ||
           coalesce(list_price::numeric(18, 6)::text, '') || '|' ||
           currency || '|' || availability || '|' ||
           octet_length(convert_to(url, 'UTF8')) || ':' || url || '|' ||
           coalesce(octet_length(convert_to(product_key, 'UTF8')) || ':' || product_key, '-') || '|' ||
           title, 'UTF8')), 1, 16), 'hex')::uuid;
