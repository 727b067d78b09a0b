-- mart.daily_price_move: per UTC day and marketplace, recomputed only for the
-- days whose price changes the batch may have altered.
-- Reads price_touched (range starts whose change 050 altered), core.price_history,
-- core.listing.  Writes mart.daily_price_move.
-- A change is a price range whose previous range (same listing) had another
-- price in the same currency, dated at the new range's start; the same
-- definition as the view rpt.price_change.  Re-run safety: nothing touched,
-- nothing recomputed; recomputing a day twice gives the same row.
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
    select t.day, t.marketplace, l.listing_id, l.external_id, l.region, cur.valid_from,
           cur.price - prev.price as delta,
           round((cur.price - prev.price) * 100 / nullif(prev.price, 0), 2) as pct
    from touched_day t
    join core.price_history cur
      on cur.valid_from >= t.day::timestamp at time zone 'UTC'
     and cur.valid_from < (t.day + 1)::timestamp at time zone 'UTC'
    join core.listing l on l.listing_id = cur.listing_id and l.marketplace = t.marketplace
    cross join lateral (
        select p.price, p.currency
        from core.price_history p
        where p.listing_id = cur.listing_id and p.valid_from < cur.valid_from
        order by p.valid_from desc
        limit 1
    ) prev
    where prev.currency = cur.currency and prev.price <> cur.price
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
