-- Sightings, listings, and who saw them when (docs/history-rules.md).
-- Reads batch_file, batch_obs, stg.seen_listing_set, stg.observation,
-- core.listing, core.listing_seen, core.spider.
-- Writes core.product and core.listing (new listings, with the values of
-- their newest observation of the batch until 060 settles them),
-- core.listing_seen, core.spider (seen_until, observed_until),
-- core.listing (first_seen, spider); temp sighting, spider_before, new_listing.
-- A sighting is a listing in a file: an observation (new or changed), or
-- an unchanged listing of stg.seen_listing_set with its time.
-- Re-run safety: only batch files are read; values are written only when
-- they differ, and only ever move first_seen earlier and seen_at later.

-- Every sighting of the batch, by key.
create temp table batch_sighting on commit drop as
select o.file_id, o.marketplace, o.external_id, o.observed_at as t, o.obs_id
from batch_obs o
union all
select s.file_id, s.marketplace, e.external_id, coalesce(e.observed_at, b.run_started_at), null
from stg.seen_listing_set s
join batch_file b on b.file_id = s.file_id
cross join lateral unnest(s.external_ids, s.observed_ats) as e(external_id, observed_at);
analyze batch_sighting;

-- New listings: a listing's first sighting is always stored (the loader
-- stores what it has nothing to compare with), so every new key has an
-- observation in the batch; its newest one gives the first values.
create temp table new_listing on commit drop as
select k.*,
       case when k.product_key is null
            then nextval(pg_get_serial_sequence('core.product', 'product_id'))
       end as own_product_id
from (
    select distinct on (o.marketplace, o.external_id)
           o.marketplace, o.external_id, b.spider, b.run_started_at, x.url, x.title,
           x.product_key, x.attrs
    from batch_obs o
    join batch_file b on b.file_id = o.file_id
    join stg.observation x on x.obs_id = o.obs_id
    where not exists (select 1 from core.listing l
                      where l.marketplace = o.marketplace and l.external_id = o.external_id)
    order by o.marketplace, o.external_id, o.observed_at desc
) k;

insert into core.product (product_key)
select distinct product_key from new_listing where product_key is not null
on conflict (product_key) do nothing;

insert into core.product (product_id)
select own_product_id from new_listing where own_product_id is not null;

insert into core.listing (marketplace, external_id, product_id, spider, url, title,
                          first_seen, attrs)
select n.marketplace, n.external_id, coalesce(n.own_product_id, p.product_id), n.spider,
       n.url, n.title, n.run_started_at, etl.listing_attrs(n.attrs)
from new_listing n
left join core.product p on p.product_key = n.product_key
order by n.marketplace, n.external_id;

-- Fresh statistics when the batch grew the tables a lot (the first load):
-- the jobs below join core.listing with big temp tables.
do $$
begin
    if (select count(*) from new_listing) >
       0.2 * greatest((select reltuples from pg_class where oid = 'core.listing'::regclass), 1000)
    then
        analyze core.listing;
        analyze core.listing_seen;
        analyze core.product;
    end if;
end
$$;

-- The batch's sightings by listing, with their run.
create temp table sighting on commit drop as
select l.listing_id, s.file_id, b.spider, b.run_started_at as run_start, s.t, s.obs_id
from batch_sighting s
join batch_file b on b.file_id = s.file_id
join core.listing l on l.marketplace = s.marketplace and l.external_id = s.external_id;
create index on sighting (listing_id);
analyze sighting;

-- The spiders as the batch found them: 040_events.sql needs their horizon
-- before this batch.
create temp table spider_before on commit drop as
select sp.spider, sp.seen_until, sp.observed_until
from core.spider sp
where sp.spider in (select spider from batch_file);
alter table spider_before add primary key (spider);

-- Each spider's newest run after this batch: a listing it saw there
-- follows it (core.listing_seen.seen_at null).
create temp table spider_newest on commit drop as
select b.spider, greatest(max(b.run_started_at), max(sb.seen_until)) as seen_until,
       greatest(max(b.last_at), max(b.run_finished_at), max(sb.observed_until)) as observed_until,
       max(b.run_started_at) > coalesce(max(sb.seen_until), '-infinity') as moved
from batch_file b
join spider_before sb on sb.spider = b.spider
group by b.spider;
alter table spider_newest add primary key (spider);

-- (listing, spider) pairs the batch saw: the first and last run starts.
create temp table seen_pair on commit drop as
select listing_id, spider, min(run_start) as first_start, max(run_start) as last_start
from sighting
group by listing_id, spider;
alter table seen_pair add primary key (listing_id, spider);
analyze seen_pair;

-- Pairs the batch saw, and pairs that followed a spider whose newest run
-- moved without seeing them: their last sighting and whether they follow.
create temp table seen_update on commit drop as
select listing_id, spider, first_seen, old_first,
       case when last_seen = newest then null else last_seen end as seen_at
from (
    select p.listing_id, p.spider, n.seen_until as newest, ls.first_seen as old_first,
           least(ls.first_seen, p.first_start) as first_seen,
           case when ls.listing_id is null then p.last_start
                else greatest(coalesce(ls.seen_at, sb.seen_until), p.last_start)
           end as last_seen
    from seen_pair p
    join spider_newest n on n.spider = p.spider
    join spider_before sb on sb.spider = p.spider
    left join core.listing_seen ls on ls.listing_id = p.listing_id and ls.spider = p.spider
) x
union all
select ls.listing_id, ls.spider, ls.first_seen, ls.first_seen, sb.seen_until
from core.listing_seen ls
join spider_newest n on n.spider = ls.spider and n.moved
join spider_before sb on sb.spider = ls.spider
where ls.seen_at is null
  and not exists (select 1 from seen_pair p
                  where p.listing_id = ls.listing_id and p.spider = ls.spider);

insert into core.listing_seen (listing_id, spider, first_seen, seen_at)
select listing_id, spider, first_seen, seen_at
from seen_update
where old_first is null
order by listing_id, spider;

update core.listing_seen ls
set first_seen = u.first_seen, seen_at = u.seen_at
from seen_update u
where u.old_first is not null and ls.listing_id = u.listing_id and ls.spider = u.spider
  and (ls.first_seen, ls.seen_at) is distinct from (u.first_seen, u.seen_at);

update core.spider sp
set seen_until = n.seen_until, observed_until = n.observed_until
from spider_newest n
where sp.spider = n.spider
  and (sp.seen_until, sp.observed_until) is distinct from (n.seen_until, n.observed_until);

-- A listing's first_seen is its earliest sighting by any spider, its
-- spider the one that saw it first (then by name).
with first as (
    select distinct on (ls.listing_id) ls.listing_id, ls.first_seen, ls.spider
    from core.listing_seen ls
    where ls.listing_id in (select listing_id from seen_update
                            where old_first is null or first_seen < old_first)
    order by ls.listing_id, ls.first_seen, ls.spider
)
update core.listing l
set first_seen = f.first_seen, spider = f.spider
from first f
where l.listing_id = f.listing_id
  and (l.first_seen, l.spider) is distinct from (f.first_seen, f.spider);
