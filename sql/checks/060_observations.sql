-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests"):
-- every accepted observation and every sighting is in the history.
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none (sql/checks/010_uniqueness.sql says more).

-- every accepted observation is a sighting: the listing is listed at its
-- time with its price, list price, currency and availability
create or replace view etl.check_060_observations_in_price_history as
select o.obs_id, o.marketplace, o.region, o.external_id, o.observed_at, o.price, o.currency
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
join core.listing l on l.marketplace = o.marketplace and l.region = o.region
                   and l.external_id = o.external_id
where not exists (select 1 from core.price_history h
                  where h.listing_id = l.listing_id
                    and h.valid_from <= o.observed_at
                    and (h.valid_to is null or h.valid_to > o.observed_at)
                    and h.price = o.price
                    and h.list_price is not distinct from o.list_price
                    and h.currency = o.currency);

create or replace view etl.check_061_observations_in_availability_history as
select o.obs_id, o.marketplace, o.region, o.external_id, o.observed_at, o.availability
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
join core.listing l on l.marketplace = o.marketplace and l.region = o.region
                   and l.external_id = o.external_id
where not exists (select 1 from core.availability_history h
                  where h.listing_id = l.listing_id
                    and h.valid_from <= o.observed_at
                    and (h.valid_to is null or h.valid_to > o.observed_at)
                    and h.availability = o.availability);

-- every unchanged sighting falls in a listed period too: none is before
-- the listing's first range, in a gap between ranges, or after the end of
-- its last one (the gaps are few; probing the ranges per sighting is not)
create or replace view etl.check_062_sightings_are_listed as
with gap as (
    select listing_id, tstzrange(prev_to, valid_from) as unlisted
    from (select listing_id, valid_from,
                 lag(valid_to) over w as prev_to, row_number() over w as n
          from core.price_history
          window w as (partition by listing_id order by valid_from)) x
    where n = 1 or prev_to < valid_from
    union all
    select listing_id, tstzrange(valid_to, null)
    from (select distinct on (listing_id) listing_id, valid_to
          from core.price_history
          order by listing_id, valid_from desc) last
    where valid_to is not null
)
select s.file_id, s.marketplace, s.region, s.external_id, s.observed_at
from stg.seen_listing s
join etl.processed_file f on f.file_id = s.file_id
join core.listing l on l.marketplace = s.marketplace and l.region = s.region
                   and l.external_id = s.external_id
join gap g on g.listing_id = l.listing_id and g.unlisted @> s.observed_at;

-- url and title are those of the newest sighting: its own observation, or
-- for an unchanged sighting the latest observation at or before it in a
-- file loaded earlier (the one it was compared with).
create or replace view etl.check_063_listing_is_newest_sighting as
with sighting as (
    select o.marketplace, o.region, o.external_id, o.file_id, o.observed_at, o.obs_id
    from stg.observation o
    join etl.processed_file p on p.file_id = o.file_id
    union all
    select s.marketplace, s.region, s.external_id, s.file_id, s.observed_at, null
    from stg.seen_listing s
    join etl.processed_file p on p.file_id = s.file_id
), newest as (
    select distinct on (marketplace, region, external_id) *
    from sighting
    order by marketplace, region, external_id, observed_at desc, file_id desc
)
select l.listing_id, l.marketplace, l.region, l.external_id, l.title, o.title as newest_title
from core.listing l
join newest n on n.marketplace = l.marketplace and n.region = l.region
             and n.external_id = l.external_id
cross join lateral (
    select x.url, x.title
    from stg.observation x
    where x.marketplace = n.marketplace and x.region = n.region
      and x.external_id = n.external_id
      and case when n.obs_id is not null then x.obs_id = n.obs_id
               else x.observed_at <= n.observed_at and x.file_id < n.file_id end
    order by x.observed_at desc
    limit 1
) o
where l.url <> o.url or l.title <> o.title;
