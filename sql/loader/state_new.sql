-- The loader lock makes "new" really new: new listings get a plain INSERT
-- into listing_state, changes an UPDATE (state_change.sql; cheaper than
-- INSERT ... ON CONFLICT at a million rows).  $1: the id base
-- (reserve_ids.sql).
insert into stg.listing_state (marketplace, region, external_id, observed_at, obs_id, digest)
select marketplace, region, external_id, observed_at, $1::bigint + line_no, digest
from mc_load_verdicts where verdict = 'new'
