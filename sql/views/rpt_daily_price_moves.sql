-- Per UTC day and marketplace, the price changes of that day
-- (mart.daily_price_move) with the listings of the largest drop and
-- increase named.
create or replace view rpt.daily_price_moves as
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
