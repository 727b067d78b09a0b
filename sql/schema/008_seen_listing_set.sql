-- The unchanged listings of a file as arrays (docs/loader.md, "Speed").
-- A re-crawl is mostly unchanged listings, and one row per listing made
-- recording them cost as much as the change detection itself; one row per
-- file, marketplace and block of up to 65,536 listings costs a third.
-- stg.seen_listing stays, as a view with the same rows as before
-- (sql/views/stg_seen_listing.sql), for people and data tests; the ETL
-- unnests only its batch's arrays.
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

drop view if exists etl.check_056_last_seen_matches_staging;
drop table stg.seen_listing;
