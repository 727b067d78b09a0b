-- The unchanged listings of a file as arrays (docs/loader.md, "Speed").
-- A re-crawl is mostly unchanged listings, and one row per listing made
-- recording them cost as much as the change detection itself; one row per
-- file, marketplace and block of up to 65,536 listings costs a third.
-- stg.seen_listing stays, as a view with the same rows as before, for
-- people and data tests; the ETL unnests only its batch's arrays.
create table stg.seen_listing_set (
    file_id      bigint not null,  -- stg.loaded_file (see 001's integrity note)
    marketplace  text not null,
    external_ids text[] not null
);
-- BRIN, as for stg.observation: loaders are serialised, file_id only grows.
create index seen_listing_set_file_idx on stg.seen_listing_set using brin (file_id);

insert into stg.seen_listing_set (file_id, marketplace, external_ids)
select file_id, marketplace, array_agg(external_id)
from (select file_id, marketplace, external_id,
             (row_number() over (partition by file_id, marketplace) - 1) / 65536 as block
      from stg.seen_listing) s
group by file_id, marketplace, block;

drop view etl.check_056_last_seen_matches_staging;
drop table stg.seen_listing;

create view stg.seen_listing as
select s.file_id, s.marketplace, e.external_id
from stg.seen_listing_set s
cross join lateral unnest(s.external_ids) as e(external_id);

-- As in 006, reading the view.
create view etl.check_056_last_seen_matches_staging as
with sighting as (
    select o.marketplace, o.external_id, min(o.observed_at) as seen_at
    from stg.observation o
    join etl.processed_file p on p.file_id = o.file_id
    group by o.marketplace, o.external_id, o.file_id
    union all
    select s.marketplace, s.external_id, f.run_started_at
    from stg.seen_listing s
    join stg.loaded_file f on f.file_id = s.file_id
    join etl.processed_file p on p.file_id = s.file_id
), latest as (
    select marketplace, external_id, max(seen_at) as last_seen
    from sighting
    group by marketplace, external_id
)
select l.listing_id, s.last_seen, x.last_seen as from_staging
from core.listing l
join core.listing_last_seen s on s.listing_id = l.listing_id
left join latest x on x.marketplace = l.marketplace and x.external_id = l.external_id
where s.last_seen is distinct from x.last_seen;
