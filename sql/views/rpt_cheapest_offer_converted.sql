-- `report cheapest --currency C` (docs/reports.md): per product, its
-- cheapest listing on sale now across marketplaces, regions and currencies,
-- every price converted into `currency` at the rate of the day the listing
-- was last seen with that price (core.listing_last_seen, in UTC:
-- observed_on; core.fx_cross_rate: that day's rate or the nearest earlier
-- one, never a later one), beside the price and currency as offered.  One set of rows per currency one can convert into (EUR and
-- every currency with a rate): select with `where currency = 'EUR'`.
-- A listing whose price has no rate at or before its day is left out of
-- the comparison and counted in not_converted; a product none of whose
-- listings converts has no row.
create or replace view rpt.cheapest_offer_converted as
select t.currency,
       p.product_id,
       p.product_key,
       round(o.converted, coalesce(t.minor_units, 2))     as price,
       o.marketplace,
       o.region,
       o.external_id,
       o.title,
       o.original_price,
       o.original_currency,
       trim_scale(round(o.rate, 8))                       as rate,
       o.rate_date,
       o.observed_on,
       o.offers,
       round(o.highest_converted, coalesce(t.minor_units, 2)) as highest_price,
       o.not_converted
from (select c.currency, c.minor_units
      from core.currency c
      where c.currency = 'EUR'
         or exists (select 1 from core.fx_rate r where r.currency = c.currency)) t
cross join core.product p
cross join lateral (
    select l.marketplace, l.region, l.external_id, l.title,
           ph.price as original_price,
           ph.currency as original_currency,
           d.observed_on,
           ph.price * x.rate as converted,
           x.rate,
           x.rate_date,
           count(x.rate) over w as offers,
           count(*) over w - count(x.rate) over w as not_converted,
           max(ph.price * x.rate) over w as highest_converted,
           row_number() over (order by ph.price * x.rate nulls last,
                                       l.marketplace, l.region, l.external_id) as rank
    from core.listing l
    join core.price_history ph on ph.listing_id = l.listing_id and ph.valid_to is null
    join core.listing_last_seen ls on ls.listing_id = l.listing_id
    cross join lateral (select (ls.last_seen at time zone 'UTC')::date as observed_on) d
    left join lateral core.fx_cross_rate(ph.currency, t.currency, d.observed_on) x on true
    where l.product_id = p.product_id and l.delisted_at is null
    window w as ()
) o
where o.rank = 1 and o.converted is not null;
