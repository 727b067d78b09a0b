-- The listings seen without a stored observation when some were stored
-- (seen_all.sql says what and why): every valid key without a verdict
-- other than 'conflict'.
insert into stg.seen_listing_set (file_id, marketplace, region, external_ids, observed_ats)
select $1, marketplace, region, array_agg(external_id), array_agg(observed_at)
from mc_load_keys r
where reason is null and not exists (
    select 1 from mc_load_verdicts v where v.line_no = r.line_no and v.verdict <> 'conflict')
group by marketplace, region, line_no / 65536
