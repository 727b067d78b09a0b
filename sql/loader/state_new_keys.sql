-- Every valid key of the file is new (any_known.sql found none of them in
-- listing_state, and the file holds each listing once): all of them go into
-- listing_state straight from mc_load_keys, no verdict rows in between
-- (state_new.sql otherwise).  $1: the id base (reserve_ids.sql).
insert into stg.listing_state (marketplace, region, external_id, observed_at, obs_id, digest)
select marketplace, region, external_id, observed_at, $1::bigint + line_no, digest
from mc_load_keys where reason is null
