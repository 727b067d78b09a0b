-- last_seen leaves core.listing (docs/model.md, "last_seen: written when
-- it stops moving with the spider").  It is the one fact about a listing
-- that changes on every run that sees it, and rewriting it for every
-- listing made an incremental ETL cost as much as the whole catalogue.
-- Now a listing seen in the newest run of its spider "follows" that spider:
-- its last_seen is the run's start (core.spider.seen_until), and only the
-- listings whose sightings differ from that are written (the observed,
-- the missing, the returning ones).  core.listing_last_seen gives the value.
-- The cross-table rules that were check constraints of core.listing
-- (last_seen >= first_seen, delisted_at > last_seen) are data tests now:
-- etl.check_055_seen_order.
alter table core.spider add column seen_until timestamptz;
comment on column core.spider.seen_until is
    'start of the newest run of this spider the ETL processed';
update core.spider sp
set seen_until = (select max(r.started_at) from core.crawl_run r where r.spider = sp.spider);

create table core.listing_seen (
    listing_id     bigint primary key references core.listing,
    seen_at        timestamptz not null,  -- its latest sighting not implied by following
    follows_spider boolean not null       -- seen in the newest run of its spider
);

insert into core.listing_seen (listing_id, seen_at, follows_spider)
select listing_id, last_seen, false from core.listing;

-- The rule in one place: a listing that follows its spider was last seen at
-- its own latest sighting or the spider's newest run start, whichever is
-- later.  A plain SQL expression, so the planner inlines it.
create function core.last_seen(seen_at timestamptz, follows_spider boolean,
                               seen_until timestamptz)
returns timestamptz language sql immutable parallel safe as $$
    select case when follows_spider then greatest(seen_at, seen_until) else seen_at end
$$;

-- A listing's last sighting.
create view core.listing_last_seen as
select s.listing_id, core.last_seen(s.seen_at, s.follows_spider, sp.seen_until) as last_seen
from core.listing_seen s
join core.listing l on l.listing_id = s.listing_id
join core.spider sp on sp.spider = l.spider;

drop view rpt.current_price;
drop view etl.check_020_required_values;
drop view etl.check_054_seen_within_history;
alter table core.listing drop column last_seen;
alter table core.listing set (fillfactor = 90);  -- its rows rarely change now

-- Listings on sale now (not delisted) with their current price and
-- availability.
create view rpt.current_price as
select l.marketplace,
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

-- not null / non-empty
create view etl.check_020_required_values as
select 'listing' as tbl, listing_id::text as id
from core.listing
where url is null or title is null or title = '' or first_seen is null
   or product_id is null or spider is null
union all
select 'price_history', listing_id::text || '@' || valid_from::text
from core.price_history where price is null or currency is null
union all
select 'crawl_run', crawl_run_id::text
from core.crawl_run where started_at is null or finished_at is null or status is null;

create view etl.check_054_seen_within_history as
select l.listing_id, l.first_seen, s.last_seen, h.first_from, h.last_from
from core.listing l
join core.listing_last_seen s on s.listing_id = l.listing_id
join (select listing_id, min(valid_from) as first_from, max(valid_from) as last_from
      from core.price_history group by listing_id) h on h.listing_id = l.listing_id
where l.first_seen > h.first_from or s.last_seen < h.last_from;

-- every listing has its last_seen, first_seen <= last_seen < delisted_at
create view etl.check_055_seen_order as
select l.listing_id, l.first_seen, s.last_seen, l.delisted_at
from core.listing l
left join core.listing_last_seen s on s.listing_id = l.listing_id
where s.listing_id is null
   or s.last_seen < l.first_seen
   or l.delisted_at <= s.last_seen;

-- last_seen equals the latest sighting recomputed from staging: the first
-- observation of the listing in a processed file, or that file's run start
-- when the file saw it unchanged.
create view etl.check_056_last_seen_matches_staging as
with sighting as (
    select o.marketplace, o.external_id, min(o.observed_at) as seen_at
    from stg.observation o
    join etl.processed_file p on p.file_id = o.file_id
    group by o.marketplace, o.external_id, o.file_id
    union all
    select s.marketplace, s.external_id, f.run_started_at
    from stg.seen_listing s
    join stg.loaded_file f on f.file_id = s.file_id
    join etl.processed_file p on p.file_id = s.file_id
), latest as (
    select marketplace, external_id, max(seen_at) as last_seen
    from sighting
    group by marketplace, external_id
)
select l.listing_id, s.last_seen, x.last_seen as from_staging
from core.listing l
join core.listing_last_seen s on s.listing_id = l.listing_id
left join latest x on x.marketplace = l.marketplace and x.external_id = l.external_id
where s.last_seen is distinct from x.last_seen;
