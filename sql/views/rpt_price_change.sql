-- Every price change (core.price_change) with its listing, for people
-- (the rpt schema: sql/schema/004_rpt.sql).
create or replace view rpt.price_change as
select c.changed_at,
       l.marketplace,
       l.region,
       l.external_id,
       l.title,
       c.currency,
       c.old_price,
       c.new_price,
       c.delta,
       c.delta_pct
from core.price_change c
join core.listing l on l.listing_id = c.listing_id;

-- Drops and increases, most recent first (the report shows 20 by default).
create or replace view rpt.recent_price_drops as
select * from rpt.price_change where delta < 0;

create or replace view rpt.recent_price_increases as
select * from rpt.price_change where delta > 0;
