-- Listings on sale now (not delisted) with their current price and
-- availability.
create or replace view rpt.current_price as
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
