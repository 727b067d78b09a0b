-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests"):
-- first and last sightings.
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none (sql/checks/010_uniqueness.sql says more).

-- first_seen is the listing's earliest sighting, before its first range
create or replace view etl.check_054_seen_within_history as
select l.listing_id, l.first_seen, h.first_from, s.first_seen as first_by_spider
from core.listing l
join (select listing_id, min(valid_from) as first_from
      from core.price_history group by listing_id) h on h.listing_id = l.listing_id
left join (select listing_id, min(first_seen) as first_seen
           from core.listing_seen group by listing_id) s on s.listing_id = l.listing_id
where l.first_seen > h.first_from or s.first_seen is distinct from l.first_seen;

-- every listing has its last_seen, first_seen <= last_seen < delisted_at
create or replace view etl.check_055_seen_order as
select l.listing_id, l.first_seen, s.last_seen, l.delisted_at
from core.listing l
left join core.listing_last_seen s on s.listing_id = l.listing_id
where s.last_seen is null
   or s.last_seen < l.first_seen
   or l.delisted_at <= s.last_seen;

-- first_seen / last_seen per spider equal a recomputation from staging:
-- the starts of the spider's first and last processed runs that saw it.
create or replace view etl.check_056_last_seen_matches_staging as
with sighting as (
    select o.marketplace, o.region, o.external_id, f.spider, f.run_started_at
    from stg.observation o
    join stg.loaded_file f on f.file_id = o.file_id
    join etl.processed_file p on p.file_id = o.file_id
    union all
    select s.marketplace, s.region, s.external_id, f.spider, f.run_started_at
    from stg.seen_listing s
    join stg.loaded_file f on f.file_id = s.file_id
    join etl.processed_file p on p.file_id = s.file_id
), expect as (
    select marketplace, region, external_id, spider,
           min(run_started_at) as first_seen, max(run_started_at) as last_seen
    from sighting
    group by marketplace, region, external_id, spider
), have as (
    select l.marketplace, l.region, l.external_id, s.spider, s.first_seen,
           coalesce(s.seen_at, sp.seen_until) as last_seen
    from core.listing_seen s
    join core.listing l on l.listing_id = s.listing_id
    join core.spider sp on sp.spider = s.spider
)
select coalesce(e.marketplace, h.marketplace) as marketplace,
       coalesce(e.region, h.region) as region,
       coalesce(e.external_id, h.external_id) as external_id,
       coalesce(e.spider, h.spider) as spider,
       e.first_seen as expected_first, h.first_seen as stored_first,
       e.last_seen as expected_last, h.last_seen as stored_last
from expect e
full join have h on h.marketplace = e.marketplace and h.region = e.region
                and h.external_id = e.external_id and h.spider = e.spider
where (e.first_seen, e.last_seen) is distinct from (h.first_seen, h.last_seen);
