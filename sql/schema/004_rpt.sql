-- The `rpt` schema: views for people (docs/reports.md).  Their names and
-- column names are the interface used by `marketcrawl report`, psql,
-- Metabase or Grafana; they read core.* (and one summary in mart.*), never
-- stg.*.  Times are timestamptz; days are UTC days.
--
-- The `mart` schema: summaries the ETL keeps up to date so that reports over
-- all history stay fast.  Derived from core only, rebuilt per touched day by
-- sql/etl/070_daily_moves.sql, verified by `marketcrawl etl --check`.
create schema if not exists rpt;
create schema if not exists mart;

-- Per UTC day and marketplace, over the price changes of that day (see
-- rpt.price_change): how many, the largest drop and increase in percent
-- (with the listing), the average percent change.
create table mart.daily_price_move (
    day                          date not null,
    marketplace                  text not null references core.marketplace,
    changes                      integer not null check (changes > 0),
    drops                        integer not null check (drops >= 0),
    increases                    integer not null check (increases >= 0),
    largest_drop_pct             numeric,
    largest_drop_listing_id      bigint references core.listing,
    largest_increase_pct         numeric,
    largest_increase_listing_id  bigint references core.listing,
    avg_change_pct               numeric,
    primary key (day, marketplace),
    check (drops + increases = changes),
    check ((largest_drop_pct is null) = (largest_drop_listing_id is null)),
    check ((largest_increase_pct is null) = (largest_increase_listing_id is null))
);

-- Every price change: a price range whose previous range (of the same
-- listing, adjacent or after a delisted gap) had another price in the same
-- currency.  A currency switch is not a price change.
create view rpt.price_change as
select cur.valid_from                     as changed_at,
       l.marketplace,
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

create view rpt.daily_price_moves as
select d.day,
       d.marketplace,
       d.changes,
       d.drops,
       d.increases,
       d.largest_drop_pct,
       ld.external_id as largest_drop_listing,
       d.largest_increase_pct,
       li.external_id as largest_increase_listing,
       d.avg_change_pct
from mart.daily_price_move d
left join core.listing ld on ld.listing_id = d.largest_drop_listing_id
left join core.listing li on li.listing_id = d.largest_increase_listing_id;

-- Drops and increases, most recent first (the report shows 20 by default).
create view rpt.recent_price_drops as
select * from rpt.price_change where delta < 0;

create view rpt.recent_price_increases as
select * from rpt.price_change where delta > 0;

-- Listings on sale now (not delisted) with their current price and
-- availability.
create view rpt.current_price as
select l.marketplace,
       l.external_id,
       l.title,
       p.price,
       p.list_price,
       p.currency,
       a.availability,
       p.valid_from as price_since,
       l.last_seen,
       l.url
from core.listing l
join core.price_history p on p.listing_id = l.listing_id and p.valid_to is null
join core.availability_history a on a.listing_id = l.listing_id and a.valid_to is null
where l.delisted_at is null;

-- For every listing on sale: the lowest price ever, over the last 365 and
-- the last 90 days (in the current currency), each with the start of the
-- most recent range at that price, and whether today's price is the
-- all-time low or within 5% of it.
create view rpt.historic_low as
select l.marketplace,
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

-- Per product and currency: the cheapest listing on sale now, how many
-- listings offer it in that currency, and the highest of their prices.
create view rpt.cheapest_offer as
select p.product_id,
       p.product_key,
       o.currency,
       o.marketplace,
       o.external_id,
       o.title,
       o.price,
       o.offers,
       o.highest_price
from core.product p
cross join lateral (
    select ph.currency, l.marketplace, l.external_id, l.title, ph.price,
           count(*) over w as offers,
           max(ph.price) over w as highest_price,
           row_number() over (partition by ph.currency
                              order by ph.price, l.marketplace, l.external_id) as rank
    from core.listing l
    join core.price_history ph on ph.listing_id = l.listing_id and ph.valid_to is null
    where l.product_id = p.product_id and l.delisted_at is null
    window w as (partition by ph.currency)
) o
where o.rank = 1;

-- The price history of listings (filter on marketplace and external_id).
create view rpt.price_history as
select l.marketplace,
       l.external_id,
       l.title,
       h.valid_from,
       h.valid_to,
       h.price,
       h.list_price,
       h.currency
from core.price_history h
join core.listing l on l.listing_id = h.listing_id;
