-- Changed listings move listing_state on (state_new.sql says why an
-- UPDATE).  $1: the id base (reserve_ids.sql).
update stg.listing_state s
set observed_at = d.observed_at, obs_id = $1::bigint + d.line_no, digest = d.digest
from mc_load_verdicts d
where d.verdict = 'change' and s.marketplace = d.marketplace and s.region = d.region
  and s.external_id = d.external_id
