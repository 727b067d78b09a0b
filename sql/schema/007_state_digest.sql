-- stg.listing_state keeps a digest of the compared fields instead of the
-- fields (docs/loader.md, "How a file is loaded").  The loader's first pass
-- sends each line's key, observed_at and this digest only; the full rows
-- of the lines that turn out new or changed follow in a second pass,
-- straight into stg.observation.  The loader computes the same digest in C
-- (etl/state_digest.c); the function below is the definition both follow.
create function stg.state_digest(price numeric, list_price numeric, currency text,
                                 availability text, title text)
returns uuid
language sql immutable parallel safe
return encode(substr(sha256(convert_to(
           price::numeric(18, 6)::text || '|' ||
           coalesce(list_price::numeric(18, 6)::text, '') || '|' ||
           currency || '|' || availability || '|' || title, 'UTF8')), 1, 16), 'hex')::uuid;

alter table stg.listing_state add column digest uuid;
update stg.listing_state
set digest = stg.state_digest(price, list_price, currency, availability, title);
alter table stg.listing_state
    alter column digest set not null,
    drop column price,
    drop column list_price,
    drop column currency,
    drop column availability,
    drop column title;
comment on column stg.listing_state.digest is
    'stg.state_digest() of the observation obs_id: what a new line is compared with';
