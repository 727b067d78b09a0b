-- What a price change is, defined here only (rpt.price_change shows it to
-- people, sql/etl/070_daily_moves.sql sums it per day into
-- mart.daily_price_move): a price range whose previous range of the same
-- listing (adjacent or after a delisted gap) had another price in the same
-- currency, dated at the new range's start.  A currency switch is not a
-- price change.  A plain view, so a filter on changed_at reaches the index
-- on core.price_history.valid_from.
create or replace view core.price_change as
select cur.listing_id,
       cur.valid_from                     as changed_at,
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
where prev.currency = cur.currency and prev.price <> cur.price;
