-- Listings the file contained without storing an observation (unchanged,
-- conflicting) go to stg.seen_listing_set ($1 file_id) with the time each
-- was seen, in parallel arrays of up to 65,536 per marketplace (one row
-- each would cost as much as the comparison).  The ETL takes such a
-- sighting's values from the listing's latest observation at or before
-- that time in a file loaded earlier: the state it was compared with
-- (docs/model.md).  When nothing was stored that is every valid key (this
-- file); else the stored ones are left out (seen_rest.sql).
insert into stg.seen_listing_set (file_id, marketplace, region, external_ids, observed_ats)
select $1, marketplace, region, array_agg(external_id), array_agg(observed_at)
from mc_load_keys where reason is null
group by marketplace, region, line_no / 65536
