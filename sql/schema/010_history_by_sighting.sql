-- The history as a function of the set of loaded files (docs/history-rules.md).
--
-- Until now the ETL's answer depended on the order files were loaded and
-- processed in: an unchanged sighting was only "seen", so a sighting
-- between two others loaded late was lost, a run processed after a later
-- one never delisted, and every complete run was taken as the whole
-- catalogue.  Now:
-- * every sighting keeps its time: stg.seen_listing_set.observed_ats,
--   parallel to external_ids; the values of an unchanged sighting are those
--   of the observation it was compared with (the listing's latest
--   observation at or before it, in a file loaded before its own);
-- * the state digest covers url and product_key too, so an unchanged
--   sighting shares every value the model keeps except attrs;
-- * runs carry their scope (full or partial catalogue) and the loader's
--   counts of filled fields; the ETL judges each run's health
--   (core.crawl_run.health, delists) against the spider's earlier runs;
-- * core.listing_seen is per listing and spider: when that spider first
--   and last saw the listing (run starts), which also says which full
--   runs cover the listing;
-- * late observations are no longer ignored inside delisted periods:
--   a sighting means the listing was there (etl.ignored_observation goes).
-- The core model is rebuilt from staging under these rules: every file is
-- marked unprocessed and the next `marketcrawl etl` builds it again (as
-- long as a first load takes).

-- ---- stg ----------------------------------------------------------------

alter table stg.loaded_file
    drop constraint loaded_file_run_status_check,
    add constraint loaded_file_run_status_check
        check (run_status in ('complete', 'partial', 'aborted', 'suspect')),
    add column run_scope text not null default 'full' check (run_scope in ('full', 'partial')),
    add column rows_valid integer check (rows_valid >= 0),
    add column filled_list_price integer check (filled_list_price >= 0),
    add column filled_availability integer check (filled_availability >= 0),
    add column filled_product_key integer check (filled_product_key >= 0),
    add column first_observed_at timestamptz,
    add column last_observed_at timestamptz;
comment on column stg.loaded_file.rows_valid is 'valid observation lines (duplicates of a listing included)';
comment on column stg.loaded_file.first_observed_at is 'earliest observed_at of a valid line';
comment on column stg.loaded_file.last_observed_at is 'latest observed_at of a valid line';

-- Files loaded before: what can be recovered from staging.
update stg.loaded_file f
set rows_valid = greatest(f.rows_read - (select count(*) from stg.rejected_line r
                                         where r.file_id = f.file_id
                                           and r.reason <> 'conflicting_observation'), 0),
    first_observed_at = least(f.run_started_at, (select min(o.observed_at) from stg.observation o
                                                 where o.file_id = f.file_id)),
    last_observed_at = greatest(f.run_finished_at, (select max(o.observed_at) from stg.observation o
                                                    where o.file_id = f.file_id));

alter table stg.seen_listing_set add column observed_ats timestamptz[];
comment on column stg.seen_listing_set.observed_ats is
    'observed_at of each external_ids element; null for files loaded before 010 (seen at the run start)';
do $$
begin
    if exists (select from pg_settings
               where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
        alter table stg.seen_listing_set alter column observed_ats set compression lz4;
    end if;
end
$$;

drop view if exists etl.check_056_last_seen_matches_staging;
drop view if exists stg.seen_listing;

-- The digest covers url and product_key (include/marketcrawl/state_digest.h):
-- the new stg.state_digest (sql/functions/stg_state_digest.sql, applied
-- first by the line below) replaces the old one.
-- requires: functions/stg_state_digest.sql
drop function stg.state_digest(numeric, numeric, text, text, text);
update stg.listing_state s
set digest = stg.state_digest(o.price, o.list_price, o.currency, o.availability, o.title,
                              o.url, o.product_key)
from stg.observation o
where o.obs_id = s.obs_id;

-- ---- the core model, emptied to be rebuilt under the rules -----------------

drop view if exists rpt.current_price;
drop view if exists etl.check_020_required_values;
drop view if exists etl.check_040_accepted_values;
drop view if exists etl.check_054_seen_within_history;
drop view if exists etl.check_055_seen_order;
drop view if exists etl.check_060_observations_in_price_history;
drop view if exists etl.check_061_observations_in_availability_history;
drop view if exists etl.check_062_ignored_observations_are_outside_history;
drop view if exists etl.check_063_listing_is_newest_observation;
drop view if exists core.listing_last_seen;
drop function if exists core.last_seen(timestamptz, boolean, timestamptz);
drop table core.listing_seen;
drop table etl.ignored_observation;

truncate mart.daily_price_move, core.listing_platform, core.listing_genre, core.platform,
         core.genre, core.price_history, core.availability_history, core.listing,
         core.product, core.crawl_run, core.spider, etl.processed_file;
delete from core.marketplace;
delete from core.currency where name is null;

alter table core.spider
    add column observed_until timestamptz;
comment on column core.spider.seen_until is
    'start of the newest run of this spider the ETL processed (any status)';
comment on column core.spider.observed_until is
    'latest observed_at or finish of any run of this spider the ETL processed';

alter table core.crawl_run
    drop constraint crawl_run_status_check,
    add constraint crawl_run_status_check
        check (status in ('complete', 'partial', 'aborted', 'suspect')),
    add column scope text not null check (scope in ('full', 'partial')),
    add column observations integer not null check (observations >= 0),
    add column produced integer not null check (produced >= observations),
    add column filled_title integer not null check (filled_title between 0 and produced),
    add column filled_price integer not null check (filled_price between 0 and produced),
    add column filled_list_price integer check (filled_list_price between 0 and observations),
    add column filled_availability integer check (filled_availability between 0 and observations),
    add column filled_product_key integer check (filled_product_key between 0 and observations),
    add column crawler_reason text,
    add column health text not null check (health in ('complete', 'partial', 'aborted', 'suspect')),
    add column health_reason text,
    add column delists boolean not null,
    add check (delists = (health = 'complete' and scope = 'full')),
    add check ((health = 'complete') = (health_reason is null));
comment on column core.listing.first_seen is 'start of the first run that saw it';
comment on column core.crawl_run.status is 'what the crawler said (the run record)';
comment on column core.crawl_run.health is 'what the ETL judged (docs/history-rules.md, "Health")';
comment on column core.crawl_run.observations is 'valid observation lines of the file';
comment on column core.crawl_run.crawler_reason is 'the run record''s partial_reason or suspect_reason';
comment on column core.crawl_run.produced is
    'observations + lines the loader rejected + items the crawler dropped';

-- When each spider first and last saw each listing (run starts).  A row
-- whose seen_at is null "follows" its spider: it was seen in the spider's
-- newest run, so its last sighting is core.spider.seen_until, and a run
-- that sees it again writes nothing here.
create table core.listing_seen (
    listing_id bigint not null references core.listing,
    spider     text not null references core.spider,
    first_seen timestamptz not null,  -- start of the spider's first run that saw it
    seen_at    timestamptz,           -- start of the spider's last run that saw it; null: its newest
    primary key (listing_id, spider),
    check (seen_at >= first_seen)
);
create index listing_seen_spider_idx on core.listing_seen (spider);

-- Listings whose newest sighting does not have the state the loader now
-- compares new lines with (stg.listing_state): after files were loaded out
-- of order.  A new sighting of such a listing cannot be taken as "the same
-- as before" without looking; it is rare and usually empty.
create table etl.listing_disorder (
    listing_id bigint primary key references core.listing
);
