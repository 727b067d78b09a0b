-- Per product and currency: the cheapest listing on sale now (across
-- marketplaces and regions), how many listings offer it in that currency,
-- and the highest of their prices.
create or replace view rpt.cheapest_offer as
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
