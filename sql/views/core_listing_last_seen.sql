-- A listing's last sighting: the latest over the spiders that saw it (a
-- core.listing_seen row whose seen_at is null follows its spider: it was
-- seen in the spider's newest run, core.spider.seen_until).
create or replace view core.listing_last_seen as
select l.listing_id, x.last_seen
from core.listing l
cross join lateral (
    select max(coalesce(s.seen_at, sp.seen_until)) as last_seen
    from core.listing_seen s
    join core.spider sp on sp.spider = s.spider
    where s.listing_id = l.listing_id) x;
