-- Sightings, listings, and who saw them when (docs/history-rules.md).
-- Reads batch_file, batch_obs, stg.seen_listing_set, stg.observation,
-- core.listing, core.listing_seen, core.spider.
-- Writes core.product and core.listing (new listings, with the values of
-- their newest observation of the batch until 060 settles them),
-- core.listing_seen, core.spider (seen_until, observed_until),
-- core.listing (first_seen, spider); temp sighting, batch_listing_seen,
-- spider_before, new_listing.
-- A sighting is a listing in a file: an observation (new or changed), or
-- an unchanged listing of stg.seen_listing_set with its time.
-- Re-run safety: only batch files are read; values are written only when
-- they differ, and only ever move first_seen earlier and seen_at later.

-- New listings: a listing's first sighting is always stored (the loader
-- stores what it has nothing to compare with), so every new key has an
-- observation in the batch.  The newest gives the first values; the
-- earliest run, its first_seen and spider (settled below from all
-- sightings, which only differs when runs overlap).
create temp table new_listing on commit drop as
select k.marketplace, k.region, k.external_id, k.first_seen, k.spider, x.url, x.title, x.product_key,
       x.attrs,
       case when x.product_key is null
            then nextval(pg_get_serial_sequence('core.product', 'product_id'))
       end as own_product_id
from (
    select o.marketplace, o.region, o.external_id,
           (array_agg(o.obs_id order by o.observed_at desc))[1] as newest_obs,
           min(b.run_started_at) as first_seen,
           (array_agg(b.spider order by b.run_started_at, b.spider collate "C"))[1] as spider
    from batch_obs o
    join batch_file b on b.file_id = o.file_id
    where not exists (select 1 from core.listing l
                      where l.marketplace = o.marketplace and l.region = o.region
                        and l.external_id = o.external_id)
    group by o.marketplace, o.region, o.external_id
) k
join stg.observation x on x.obs_id = k.newest_obs;

insert into core.product (product_key)
select distinct product_key from new_listing where product_key is not null
on conflict (product_key) do nothing;

insert into core.product (product_id)
select own_product_id from new_listing where own_product_id is not null;

insert into core.listing (marketplace, region, external_id, product_id, spider, url, title,
                          first_seen, attrs)
select n.marketplace, n.region, n.external_id, coalesce(n.own_product_id, p.product_id), n.spider,
       n.url, n.title, n.first_seen, etl.listing_attrs(n.attrs)
from new_listing n
left join core.product p on p.product_key = n.product_key
order by n.marketplace, n.region, n.external_id;

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

-- Every sighting of the batch, by key: observations, and unchanged
-- listings from the arrays (written down first, so that the planner knows
-- how many there are and hashes core.listing instead of probing it).
create temp table batch_sighting on commit drop as
select o.file_id, o.marketplace, o.region, o.external_id, o.observed_at as t, o.obs_id
from batch_obs o
union all
select s.file_id, s.marketplace, s.region, e.external_id, coalesce(e.observed_at, b.run_started_at),
       null
from stg.seen_listing_set s
join batch_file b on b.file_id = s.file_id
cross join lateral unnest(s.external_ids, s.observed_ats) as e(external_id, observed_at);
analyze batch_sighting;

-- ... by listing, with its run.
create temp table sighting on commit drop as
select l.listing_id, s.file_id, b.spider, b.run_started_at as run_start, s.t, s.obs_id
from batch_sighting s
join batch_file b on b.file_id = s.file_id
join core.listing l on l.marketplace = s.marketplace and l.region = s.region
                   and l.external_id = s.external_id;
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

-- The batch per listing: the spiders that saw it, their first and last
-- run start, and for 040 its earliest and latest sighting, its earliest
-- observation and the earliest first observation of its files.
create temp table batch_listing_seen on commit drop as
select s.listing_id, min(s.spider collate "C") as spider, max(s.spider collate "C") as spider_max,
       min(s.run_start) as first_start, max(s.run_start) as last_start,
       min(s.t) as t_min, max(s.t) as t_max,
       min(s.t) filter (where s.obs_id is not null) as t_obs_min,
       min(b.first_at) as first_at
from sighting s
join batch_file b on b.file_id = s.file_id
group by s.listing_id;
analyze batch_listing_seen;

-- (listing, spider) pairs the batch saw, with their first and last run
-- start: the listings one spider saw as they are, the others (rare) again.
create temp view seen_pair as
select listing_id, spider, first_start, last_start
from batch_listing_seen
where spider = spider_max
union all
select listing_id, spider, min(run_start), max(run_start)
from sighting
where listing_id in (select listing_id from batch_listing_seen where spider <> spider_max)
group by listing_id, spider;

-- The rows of core.listing_seen that change: the pairs the batch saw
-- (their first and last run start), and the pairs that followed a spider
-- whose newest run moved without seeing them (they stop following, at the
-- old newest run).  One pass over the batch spiders' rows; only the
-- changes are kept (a re-crawl's followers seen again change nothing).
create temp table seen_update on commit drop as
select listing_id, spider, first_seen, seen_at, old_first
from (
    select coalesce(p.listing_id, ls.listing_id) as listing_id,
           coalesce(p.spider, ls.spider) as spider,
           ls.first_seen as old_first, ls.seen_at as old_seen_at,
           coalesce(least(ls.first_seen, p.first_start), ls.first_seen) as first_seen,
           nullif(case when ls.listing_id is null then p.last_start
                       else greatest(coalesce(ls.seen_at, sb.seen_until), p.last_start) end,
                  n.seen_until) as seen_at
    from (select * from core.listing_seen
          where spider in (select spider from spider_newest)) ls
    full join seen_pair p on p.listing_id = ls.listing_id and p.spider = ls.spider
    join spider_newest n on n.spider = coalesce(p.spider, ls.spider)
    join spider_before sb on sb.spider = n.spider
) x
where old_first is null
   or (first_seen, seen_at) is distinct from (old_first, old_seen_at);

insert into core.listing_seen (listing_id, spider, first_seen, seen_at)
select listing_id, spider, first_seen, seen_at
from seen_update
where old_first is null
order by listing_id, spider;

update core.listing_seen ls
set first_seen = u.first_seen, seen_at = u.seen_at
from seen_update u
where u.old_first is not null and ls.listing_id = u.listing_id and ls.spider = u.spider;

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
    order by ls.listing_id, ls.first_seen, ls.spider collate "C"
)
update core.listing l
set first_seen = f.first_seen, spider = f.spider
from first f
where l.listing_id = f.listing_id
  and (l.first_seen, l.spider) is distinct from (f.first_seen, f.spider);
