-- The price history of listings (filter on marketplace, region and
-- external_id).
create or replace view rpt.price_history as
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
