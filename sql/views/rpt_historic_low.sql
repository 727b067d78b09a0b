-- For every listing on sale: the lowest price ever, over the last 365 and
-- the last 90 days (in the current currency), each with the start of the
-- most recent range at that price, and whether today's price is the
-- all-time low or within 5% of it.
create or replace view rpt.historic_low as
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
