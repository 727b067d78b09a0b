-- Every listing a file contained that got no accepted observation from it
-- (unchanged), one row per listing, from the arrays of stg.seen_listing_set;
-- a sighting loaded before migration 010 has no time of its own and is
-- seen at its run's start.  For people and data tests; the ETL unnests only
-- its batch's arrays.
create or replace view stg.seen_listing as
select s.file_id, s.marketplace, s.region, e.external_id,
       coalesce(e.observed_at, f.run_started_at) as observed_at
from stg.seen_listing_set s
join stg.loaded_file f on f.file_id = s.file_id
cross join lateral unnest(s.external_ids, s.observed_ats) as e(external_id, observed_at);
