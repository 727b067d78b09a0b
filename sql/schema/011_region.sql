-- Regions (docs/model.md, "Regions"): a spider run for a region (`crawl
-- steam --region de`) writes `"region":"de"` into its items and run record.
-- The region is part of a listing's identity: (marketplace, region,
-- external_id).  Steam's app 440 in Germany and in the US are two listings
-- with separate histories in their own currencies, one product through
-- their product_key.  A listing of a spider without regions has region ''
-- (never null: a null in a unique key would make every row distinct).
-- Existing rows get '' and keep their identity.

alter table stg.loaded_file
    add column run_region text not null default '' check (run_region ~ '^[a-z0-9_-]{0,20}$');

alter table stg.observation
    add column region text not null default '' check (region ~ '^[a-z0-9_-]{0,20}$'),
    drop constraint observation_marketplace_external_id_observed_at_key,
    add constraint observation_key unique (marketplace, region, external_id, observed_at);

alter table stg.listing_state
    add column region text not null default '',
    drop constraint listing_state_pkey,
    add primary key (marketplace, region, external_id);

alter table stg.seen_listing_set
    add column region text not null default '';

alter table core.listing
    add column region text not null default '' check (region ~ '^[a-z0-9_-]{0,20}$'),
    drop constraint listing_marketplace_external_id_key,
    add constraint listing_key unique (marketplace, region, external_id);

alter table core.crawl_run
    add column region text not null default '';
update core.crawl_run r set region = f.run_region
from stg.loaded_file f where f.file_id = r.crawl_run_id;

-- ---- views: the region next to the marketplace ------------------------------

drop view etl.check_010_listing_key_unique;
drop view etl.check_030_observed_listings_exist;
drop view etl.check_056_last_seen_matches_staging;
drop view etl.check_060_observations_in_price_history;
drop view etl.check_061_observations_in_availability_history;
drop view etl.check_062_sightings_are_listed;
drop view etl.check_063_listing_is_newest_sighting;
drop view etl.check_070_daily_moves_match_changes;
drop view rpt.recent_price_drops;
drop view rpt.recent_price_increases;
drop view rpt.price_change;
drop view rpt.current_price;
drop view rpt.historic_low;
drop view rpt.cheapest_offer;
drop view rpt.price_history;
drop view rpt.run_health;
drop view stg.seen_listing;

create view stg.seen_listing as
select s.file_id, s.marketplace, s.region, e.external_id,
       coalesce(e.observed_at, f.run_started_at) as observed_at
from stg.seen_listing_set s
join stg.loaded_file f on f.file_id = s.file_id
cross join lateral unnest(s.external_ids, s.observed_ats) as e(external_id, observed_at);

-- Every price change: a price range whose previous range (of the same
-- listing, adjacent or after a delisted gap) had another price in the same
-- currency.  A currency switch is not a price change.
create view rpt.price_change as
select cur.valid_from                     as changed_at,
       l.marketplace,
       l.region,
       l.external_id,
       l.title,
       cur.currency,
       prev.price                         as old_price,
       cur.price                          as new_price,
       cur.price - prev.price             as delta,
       round((cur.price - prev.price) * 100 / nullif(prev.price, 0), 2) as delta_pct
from core.price_history cur
cross join lateral (
    select p.price, p.currency
    from core.price_history p
    where p.listing_id = cur.listing_id and p.valid_from < cur.valid_from
    order by p.valid_from desc
    limit 1
) prev
join core.listing l on l.listing_id = cur.listing_id
where prev.currency = cur.currency and prev.price <> cur.price;

-- Drops and increases, most recent first (the report shows 20 by default).
create view rpt.recent_price_drops as
select * from rpt.price_change where delta < 0;

create view rpt.recent_price_increases as
select * from rpt.price_change where delta > 0;

-- Listings on sale now (not delisted) with their current price and
-- availability.
create view rpt.current_price as
select l.marketplace,
       l.region,
       l.external_id,
       l.title,
       p.price,
       p.list_price,
       p.currency,
       a.availability,
       p.valid_from as price_since,
       s.last_seen,
       l.url
from core.listing l
join core.listing_last_seen s on s.listing_id = l.listing_id
join core.price_history p on p.listing_id = l.listing_id and p.valid_to is null
join core.availability_history a on a.listing_id = l.listing_id and a.valid_to is null
where l.delisted_at is null;

-- For every listing on sale: the lowest price ever, over the last 365 and
-- the last 90 days (in the current currency), each with the start of the
-- most recent range at that price, and whether today's price is the
-- all-time low or within 5% of it.
create view rpt.historic_low as
select l.marketplace,
       l.region,
       l.external_id,
       l.title,
       cur.currency,
       cur.price                  as current_price,
       lo.price                   as alltime_low,
       lo.valid_from              as alltime_low_at,
       lo365.price                as low_365d,
       lo365.valid_from           as low_365d_at,
       lo90.price                 as low_90d,
       lo90.valid_from            as low_90d_at,
       cur.price <= lo.price      as at_alltime_low,
       cur.price <= lo.price * 1.05 as within_5pct_of_low
from core.listing l
join core.price_history cur on cur.listing_id = l.listing_id and cur.valid_to is null
cross join lateral (
    select h.price, h.valid_from from core.price_history h
    where h.listing_id = l.listing_id and h.currency = cur.currency
    order by h.price, h.valid_from desc limit 1
) lo
cross join lateral (
    select h.price, h.valid_from from core.price_history h
    where h.listing_id = l.listing_id and h.currency = cur.currency
      and (h.valid_to is null or h.valid_to > now() - interval '365 days')
    order by h.price, h.valid_from desc limit 1
) lo365
cross join lateral (
    select h.price, h.valid_from from core.price_history h
    where h.listing_id = l.listing_id and h.currency = cur.currency
      and (h.valid_to is null or h.valid_to > now() - interval '90 days')
    order by h.price, h.valid_from desc limit 1
) lo90
where l.delisted_at is null;

-- Per product and currency: the cheapest listing on sale now (across
-- marketplaces and regions), how many listings offer it in that currency,
-- and the highest of their prices.
create view rpt.cheapest_offer as
select p.product_id,
       p.product_key,
       o.currency,
       o.marketplace,
       o.region,
       o.external_id,
       o.title,
       o.price,
       o.offers,
       o.highest_price
from core.product p
cross join lateral (
    select ph.currency, l.marketplace, l.region, l.external_id, l.title, ph.price,
           count(*) over w as offers,
           max(ph.price) over w as highest_price,
           row_number() over (partition by ph.currency
                              order by ph.price, l.marketplace, l.region, l.external_id) as rank
    from core.listing l
    join core.price_history ph on ph.listing_id = l.listing_id and ph.valid_to is null
    where l.product_id = p.product_id and l.delisted_at is null
    window w as (partition by ph.currency)
) o
where o.rank = 1;

-- The price history of listings (filter on marketplace, region and
-- external_id).
create view rpt.price_history as
select l.marketplace,
       l.region,
       l.external_id,
       l.title,
       h.valid_from,
       h.valid_to,
       h.price,
       h.list_price,
       h.currency
from core.price_history h
join core.listing l on l.listing_id = h.listing_id;

-- Every run the ETL knows, newest first: what the crawler said, what the
-- ETL judged and why, and how well the fields were filled.
create view rpt.run_health as
select r.spider,
       r.run_id,
       r.region,
       r.started_at,
       r.finished_at,
       r.scope,
       r.status,
       r.health,
       r.delists,
       r.observations as items,
       r.produced,
       etl.fill_pct(r.filled_title, r.produced) as title_pct,
       etl.fill_pct(r.filled_price, r.produced) as price_pct,
       etl.fill_pct(r.filled_list_price, r.produced) as list_price_pct,
       etl.fill_pct(r.filled_availability, r.produced) as availability_pct,
       etl.fill_pct(r.filled_product_key, r.produced) as product_key_pct,
       r.health_reason as reason
from core.crawl_run r;

-- ---- data tests on the three-part key -------------------------------------------

create view etl.check_010_listing_key_unique as
select marketplace, region, external_id, count(*) as listings
from core.listing group by marketplace, region, external_id having count(*) > 1;

create view etl.check_030_observed_listings_exist as
select o.obs_id, o.marketplace, o.region, o.external_id
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
where not exists (select 1 from core.listing l
                  where l.marketplace = o.marketplace and l.region = o.region
                    and l.external_id = o.external_id);

-- first_seen / last_seen per spider equal a recomputation from staging:
-- the starts of the spider's first and last processed runs that saw it.
create view etl.check_056_last_seen_matches_staging as
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

-- every accepted observation is a sighting: the listing is listed at its
-- time with its price, list price, currency and availability
create view etl.check_060_observations_in_price_history as
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

create view etl.check_061_observations_in_availability_history as
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
create view etl.check_062_sightings_are_listed as
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
create view etl.check_063_listing_is_newest_sighting as
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

-- the summary behind rpt.daily_price_moves agrees with rpt.price_change
create view etl.check_070_daily_moves_match_changes as
with expect as (
    select (changed_at at time zone 'UTC')::date as day, marketplace,
           count(*)::integer as changes,
           (count(*) filter (where delta < 0))::integer as drops,
           (count(*) filter (where delta > 0))::integer as increases,
           min(delta_pct) filter (where delta < 0) as largest_drop_pct,
           max(delta_pct) filter (where delta > 0) as largest_increase_pct,
           round(avg(delta_pct), 2) as avg_change_pct
    from rpt.price_change
    group by 1, 2
), have as (
    select day, marketplace, changes, drops, increases, largest_drop_pct,
           largest_increase_pct, avg_change_pct
    from mart.daily_price_move
)
select coalesce(e.day, h.day) as day, coalesce(e.marketplace, h.marketplace) as marketplace,
       e.changes as expected_changes, h.changes as stored_changes
from expect e
full join have h on h.day = e.day and h.marketplace = e.marketplace
where (e.day, e.marketplace, e.changes, e.drops, e.increases, e.largest_drop_pct,
       e.largest_increase_pct, e.avg_change_pct)
      is distinct from
      (h.day, h.marketplace, h.changes, h.drops, h.increases, h.largest_drop_pct,
       h.largest_increase_pct, h.avg_change_pct);
