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

drop view etl.check_056_last_seen_matches_staging;
drop view stg.seen_listing;
create view stg.seen_listing as
select s.file_id, s.marketplace, e.external_id, coalesce(e.observed_at, f.run_started_at) as observed_at
from stg.seen_listing_set s
join stg.loaded_file f on f.file_id = s.file_id
cross join lateral unnest(s.external_ids, s.observed_ats) as e(external_id, observed_at);

-- The digest covers url and product_key (include/marketcrawl/state_digest.h).
drop function stg.state_digest(numeric, numeric, text, text, text);
create function stg.state_digest(price numeric, list_price numeric, currency text,
                                 availability text, title text, url text, product_key text)
returns uuid
language sql immutable parallel safe
return encode(substr(sha256(convert_to(
           price::numeric(18, 6)::text || '|' ||
           coalesce(list_price::numeric(18, 6)::text, '') || '|' ||
           currency || '|' || availability || '|' ||
           octet_length(convert_to(url, 'UTF8')) || ':' || url || '|' ||
           coalesce(octet_length(convert_to(product_key, 'UTF8')) || ':' || product_key, '-') || '|' ||
           title, 'UTF8')), 1, 16), 'hex')::uuid;

update stg.listing_state s
set digest = stg.state_digest(o.price, o.list_price, o.currency, o.availability, o.title,
                              o.url, o.product_key)
from stg.observation o
where o.obs_id = s.obs_id;

-- ---- the core model, emptied to be rebuilt under the rules -----------------

drop view rpt.current_price;
drop view etl.check_020_required_values;
drop view etl.check_040_accepted_values;
drop view etl.check_054_seen_within_history;
drop view etl.check_055_seen_order;
drop view etl.check_060_observations_in_price_history;
drop view etl.check_061_observations_in_availability_history;
drop view etl.check_062_ignored_observations_are_outside_history;
drop view core.listing_last_seen;
drop function core.last_seen(timestamptz, boolean, timestamptz);
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

-- A listing's last sighting: the latest over the spiders that saw it.
create view core.listing_last_seen as
select l.listing_id, x.last_seen
from core.listing l
cross join lateral (
    select max(coalesce(s.seen_at, sp.seen_until)) as last_seen
    from core.listing_seen s
    join core.spider sp on sp.spider = s.spider
    where s.listing_id = l.listing_id) x;

-- Listings whose newest sighting does not have the state the loader now
-- compares new lines with (stg.listing_state): after files were loaded out
-- of order.  A new sighting of such a listing cannot be taken as "the same
-- as before" without looking; it is rare and usually empty.
create table etl.listing_disorder (
    listing_id bigint primary key references core.listing
);

-- The run-health rules' arithmetic (docs/history-rules.md, "Health"), in
-- exact decimals so that a recomputation elsewhere gives the same answer:
-- the share of the produced items that had a field, in percent with one
-- decimal (half away from zero); the median (the mean of the two middle
-- values of an even count); and the first field, in the order title,
-- price, list_price, availability, product_key, that the baseline filled
-- for at least half of its items (median) and this run for less than half
-- of that, as the reason for people (null when there is none).
create function etl.fill_pct(filled integer, produced integer)
returns numeric
language sql immutable parallel safe
return case when produced > 0 then round(100.0 * filled / produced, 1) else 0 end;

create function etl.median(v numeric[])
returns numeric
language sql immutable parallel safe
as $$
    select case when n = 0 then null
                when n % 2 = 1 then s[(n + 1) / 2]
                else (s[n / 2] + s[n / 2 + 1]) / 2 end
    from (select array_agg(x order by x) as s, count(x)::integer as n
          from unnest(v) as x) q
$$;

create function etl.previous_runs(runs bigint)
returns text
language sql immutable parallel safe
return case when runs = 1 then 'the previous complete run'
            else format('the %s previous complete runs', runs) end;

create function etl.coverage_collapse(runs bigint, pct numeric[], median numeric[])
returns text
language sql immutable parallel safe
as $$
    select format('%s filled for %s%% of the items, below half the median %s%% of %s',
                  (array['title', 'price', 'list_price', 'availability', 'product_key'])[i],
                  pct[i], trim_scale(median[i]), etl.previous_runs(runs))
    from generate_subscripts(pct, 1) as i
    where median[i] >= 50 and pct[i] < median[i] / 2
    order by i
    limit 1
$$;

-- ---- views over the new shapes ---------------------------------------------

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

-- Every run the ETL knows, newest first: what the crawler said, what the
-- ETL judged and why, and how well the fields were filled.
create view rpt.run_health as
select r.spider,
       r.run_id,
       r.started_at,
       r.finished_at,
       r.scope,
       r.status,
       r.health,
       r.delists,
       r.observations as items,
       r.produced,
       etl.fill_pct(r.filled_title, r.produced) as title_pct,
       etl.fill_pct(r.filled_price, r.produced) as price_pct,
       etl.fill_pct(r.filled_list_price, r.produced) as list_price_pct,
       etl.fill_pct(r.filled_availability, r.produced) as availability_pct,
       etl.fill_pct(r.filled_product_key, r.produced) as product_key_pct,
       r.health_reason as reason
from core.crawl_run r;

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
from core.crawl_run where started_at is null or finished_at is null or status is null
   or health is null;

-- accepted values
create view etl.check_040_accepted_values as
select 'availability' as rule, availability as value
from core.availability_history
where availability not in ('in_stock', 'out_of_stock', 'preorder', 'unknown')
union all
select 'crawl_run.status', status from core.crawl_run
where status not in ('complete', 'partial', 'aborted', 'suspect')
union all
select 'crawl_run.health', health from core.crawl_run
where health not in ('complete', 'partial', 'aborted', 'suspect')
   or delists <> (health = 'complete' and scope = 'full')
union all
select 'currency', currency from core.currency where currency !~ '^[A-Z]{3}$'
union all
select 'price', price::text from core.price_history where price < 0 or list_price < 0;

-- first_seen is the listing's earliest sighting, before its first range
create view etl.check_054_seen_within_history as
select l.listing_id, l.first_seen, h.first_from, s.first_seen as first_by_spider
from core.listing l
join (select listing_id, min(valid_from) as first_from
      from core.price_history group by listing_id) h on h.listing_id = l.listing_id
left join (select listing_id, min(first_seen) as first_seen
           from core.listing_seen group by listing_id) s on s.listing_id = l.listing_id
where l.first_seen > h.first_from or s.first_seen is distinct from l.first_seen;

-- every listing has its last_seen, first_seen <= last_seen < delisted_at
create view etl.check_055_seen_order as
select l.listing_id, l.first_seen, s.last_seen, l.delisted_at
from core.listing l
left join core.listing_last_seen s on s.listing_id = l.listing_id
where s.last_seen is null
   or s.last_seen < l.first_seen
   or l.delisted_at <= s.last_seen;

-- first_seen / last_seen per spider equal a recomputation from staging:
-- the starts of the spider's first and last processed runs that saw it.
create view etl.check_056_last_seen_matches_staging as
with sighting as (
    select o.marketplace, o.external_id, f.spider, f.run_started_at
    from stg.observation o
    join stg.loaded_file f on f.file_id = o.file_id
    join etl.processed_file p on p.file_id = o.file_id
    union all
    select s.marketplace, s.external_id, f.spider, f.run_started_at
    from stg.seen_listing s
    join stg.loaded_file f on f.file_id = s.file_id
    join etl.processed_file p on p.file_id = s.file_id
), expect as (
    select marketplace, external_id, spider,
           min(run_started_at) as first_seen, max(run_started_at) as last_seen
    from sighting
    group by marketplace, external_id, spider
), have as (
    select l.marketplace, l.external_id, s.spider, s.first_seen,
           coalesce(s.seen_at, sp.seen_until) as last_seen
    from core.listing_seen s
    join core.listing l on l.listing_id = s.listing_id
    join core.spider sp on sp.spider = s.spider
)
select coalesce(e.marketplace, h.marketplace) as marketplace,
       coalesce(e.external_id, h.external_id) as external_id,
       coalesce(e.spider, h.spider) as spider,
       e.first_seen as expected_first, h.first_seen as stored_first,
       e.last_seen as expected_last, h.last_seen as stored_last
from expect e
full join have h on h.marketplace = e.marketplace and h.external_id = e.external_id
                and h.spider = e.spider
where (e.first_seen, e.last_seen) is distinct from (h.first_seen, h.last_seen);

-- every accepted observation is a sighting: the listing is listed at its
-- time with its price, list price, currency and availability
create view etl.check_060_observations_in_price_history as
select o.obs_id, o.marketplace, o.external_id, o.observed_at, o.price, o.currency
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
join core.listing l on l.marketplace = o.marketplace and l.external_id = o.external_id
where not exists (select 1 from core.price_history h
                  where h.listing_id = l.listing_id
                    and h.valid_from <= o.observed_at
                    and (h.valid_to is null or h.valid_to > o.observed_at)
                    and h.price = o.price
                    and h.list_price is not distinct from o.list_price
                    and h.currency = o.currency);

create view etl.check_061_observations_in_availability_history as
select o.obs_id, o.marketplace, o.external_id, o.observed_at, o.availability
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
join core.listing l on l.marketplace = o.marketplace and l.external_id = o.external_id
where not exists (select 1 from core.availability_history h
                  where h.listing_id = l.listing_id
                    and h.valid_from <= o.observed_at
                    and (h.valid_to is null or h.valid_to > o.observed_at)
                    and h.availability = o.availability);

-- every unchanged sighting falls in a listed period too: none is before
-- the listing's first range, in a gap between ranges, or after the end of
-- its last one (the gaps are few; probing the ranges per sighting is not)
create view etl.check_062_sightings_are_listed as
with gap as (
    select listing_id, tstzrange(prev_to, valid_from) as unlisted
    from (select listing_id, valid_from,
                 lag(valid_to) over w as prev_to, row_number() over w as n
          from core.price_history
          window w as (partition by listing_id order by valid_from)) x
    where n = 1 or prev_to < valid_from
    union all
    select listing_id, tstzrange(valid_to, null)
    from (select distinct on (listing_id) listing_id, valid_to
          from core.price_history
          order by listing_id, valid_from desc) last
    where valid_to is not null
)
select s.file_id, s.marketplace, s.external_id, s.observed_at
from stg.seen_listing s
join etl.processed_file f on f.file_id = s.file_id
join core.listing l on l.marketplace = s.marketplace and l.external_id = s.external_id
join gap g on g.listing_id = l.listing_id and g.unlisted @> s.observed_at;

-- the health columns agree with the rules' inputs
create view etl.check_064_run_health_has_a_reason as
select crawl_run_id, spider, run_id, status, health, health_reason
from core.crawl_run
where (health = 'complete') <> (health_reason is null)
   or (status <> 'complete' and health <> status);

-- url and title are those of the newest sighting: its own observation, or
-- for an unchanged sighting the latest observation at or before it in a
-- file loaded earlier (the one it was compared with).
drop view etl.check_063_listing_is_newest_observation;
create view etl.check_063_listing_is_newest_sighting as
with sighting as (
    select o.marketplace, o.external_id, o.file_id, o.observed_at, o.obs_id
    from stg.observation o
    join etl.processed_file p on p.file_id = o.file_id
    union all
    select s.marketplace, s.external_id, s.file_id, s.observed_at, null
    from stg.seen_listing s
    join etl.processed_file p on p.file_id = s.file_id
), newest as (
    select distinct on (marketplace, external_id) *
    from sighting
    order by marketplace, external_id, observed_at desc, file_id desc
)
select l.listing_id, l.marketplace, l.external_id, l.title, o.title as newest_title
from core.listing l
join newest n on n.marketplace = l.marketplace and n.external_id = l.external_id
cross join lateral (
    select x.url, x.title
    from stg.observation x
    where x.marketplace = n.marketplace and x.external_id = n.external_id
      and case when n.obs_id is not null then x.obs_id = n.obs_id
               else x.observed_at <= n.observed_at and x.file_id < n.file_id end
    order by x.observed_at desc
    limit 1
) o
where l.url <> o.url or l.title <> o.title;
