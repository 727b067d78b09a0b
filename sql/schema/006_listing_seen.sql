-- last_seen leaves core.listing (docs/model.md, "last_seen: written when
-- it stops moving with the spider").  It is the one fact about a listing
-- that changes on every run that sees it, and rewriting it for every
-- listing made an incremental ETL cost as much as the whole catalogue.
-- Now a listing seen in the newest run of its spider "follows" that spider:
-- its last_seen is the run's start (core.spider.seen_until), and only the
-- listings whose sightings differ from that are written (the observed,
-- the missing, the returning ones).  Migration 010 replaced this scheme
-- (core.listing_last_seen, sql/views/, gives the value now).
-- The cross-table rules that were check constraints of core.listing
-- (last_seen >= first_seen, delisted_at > last_seen) are data tests now:
-- etl.check_055_seen_order (sql/checks/).  The views that read
-- core.listing.last_seen go before it does; sql/views/ and sql/checks/
-- create them again after the migrations.
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

drop view if exists rpt.current_price;
drop view if exists etl.check_020_required_values;
drop view if exists etl.check_054_seen_within_history;
alter table core.listing drop column last_seen;
alter table core.listing set (fillfactor = 90);  -- its rows rarely change now
