-- mart.daily_price_move: per UTC day and marketplace, recomputed only for the
-- days whose price changes the batch may have altered.
-- Reads price_touched (range starts whose change 050 altered),
-- core.price_change (what a price change is: sql/views/core_price_change.sql,
-- also behind rpt.price_change), core.listing.  Writes mart.daily_price_move.
-- Re-run safety: nothing touched, nothing recomputed; recomputing a day
-- twice gives the same row.
create temp table touched_day on commit drop as
select distinct l.marketplace, (x.valid_from at time zone 'UTC')::date as day
from price_touched x
join core.listing l on l.listing_id = x.listing_id;
analyze touched_day;

delete from mart.daily_price_move d
using touched_day t
where d.marketplace = t.marketplace and d.day = t.day;

insert into mart.daily_price_move (day, marketplace, changes, drops, increases,
                                   largest_drop_pct, largest_drop_listing_id,
                                   largest_increase_pct, largest_increase_listing_id,
                                   avg_change_pct)
with change as (
    select t.day, t.marketplace, l.listing_id, l.external_id, l.region,
           c.changed_at as valid_from, c.delta, c.delta_pct as pct
    from touched_day t
    join core.price_change c
      on c.changed_at >= t.day::timestamp at time zone 'UTC'
     and c.changed_at < (t.day + 1)::timestamp at time zone 'UTC'
    join core.listing l on l.listing_id = c.listing_id and l.marketplace = t.marketplace
)
select day, marketplace,
       count(*),
       count(*) filter (where delta < 0),
       count(*) filter (where delta > 0),
       min(pct) filter (where delta < 0),
       (array_agg(listing_id order by pct, valid_from, external_id, region)
            filter (where delta < 0 and pct is not null))[1],
       max(pct) filter (where delta > 0),
       (array_agg(listing_id order by pct desc, valid_from, external_id, region)
            filter (where delta > 0 and pct is not null))[1],
       round(avg(pct), 2)
from change
group by day, marketplace;
