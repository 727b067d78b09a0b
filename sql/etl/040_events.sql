-- Which listings the batch changes, from when, and their events from then
-- on (docs/history-rules.md; docs/model.md, "What a batch touches").
-- Reads batch_file, sighting, batch_listing_seen, spider_before, run_flip,
-- core.listing, core.listing_seen, core.spider, core.crawl_run,
-- core.price_history, core.availability_history, stg.loaded_file,
-- stg.observation, stg.seen_listing_set, etl.listing_disorder.
-- Writes temp touched (listing, from when), tail (the ranges in force just
-- before), tail_event (the sightings that can start a range, with their
-- values, and the absences), tail_newest (the observation behind each
-- touched listing's newest sighting, when it has one from t_from on).
-- A sighting changes nothing when it only says "still there, as before": the
-- listing is listed, nothing of it was loaded out of order, and the file
-- is newer than everything its spiders sent before.  A re-crawl is mostly
-- such sightings; they move last_seen (030) and nothing else.  Every other
-- sighting, every absence from a run that delists, and every run whose right
-- to delist changed, touches its listings from its time on.
-- Re-run safety: reads only; a second run has no batch, hence no events.

-- How far each spider had been before this batch (030 moved the batch's
-- spiders on): the latest observation or finish of its processed files.
create temp table spider_horizon on commit drop as
select sp.spider, case when sb.spider is null then sp.observed_until
                       else sb.observed_until end as horizon
from core.spider sp
left join spider_before sb on sb.spider = sp.spider;
alter table spider_horizon add primary key (spider);

create temp table touch (listing_id bigint not null, t timestamptz not null) on commit drop;

-- Listings observed in the batch (a new listing or a change), from their
-- earliest batch sighting.
insert into touch
select listing_id, t_min from batch_listing_seen where t_obs_min is not null;

-- Listings only seen unchanged, unless the sighting changes nothing: it
-- does when the listing was delisted, is disordered, or one of its spiders
-- had sent something as late as the batch's file (only spiders that far
-- ahead of the batch's earliest file are looked at: usually none).
insert into touch
select a.listing_id, a.t_min
from batch_listing_seen a
where a.t_obs_min is null
  and (a.listing_id in (select listing_id from core.listing where delisted_at is not null)
       or a.listing_id in (select listing_id from etl.listing_disorder))
union
select a.listing_id, a.t_min
from spider_horizon h
join core.listing_seen ls on ls.spider = h.spider
join batch_listing_seen a on a.listing_id = ls.listing_id and h.horizon >= a.first_at
where h.horizon >= (select min(first_at) from batch_file)
  and a.t_obs_min is null;

-- Absences from the batch's runs that delist: listings of the run's region
-- that its spider saw in an earlier run and it did not see.  An absence of a listing already
-- delisted before it, and seen by nothing of the batch, changes nothing.
create temp table batch_absence on commit drop as
select ls.listing_id, r.run_started_at as t, r.file_id
from batch_file r
join core.crawl_run c on c.crawl_run_id = r.file_id and c.delists
join core.listing_seen ls on ls.spider = r.spider and ls.first_seen < r.run_started_at
join core.listing l on l.listing_id = ls.listing_id and l.region = r.run_region
where not exists (select 1 from sighting s
                  where s.file_id = r.file_id and s.listing_id = ls.listing_id);
analyze batch_absence;

insert into touch
select a.listing_id, min(a.t)
from batch_absence a
join core.listing l on l.listing_id = a.listing_id
left join batch_listing_seen s on s.listing_id = a.listing_id
where not (l.delisted_at is not null and l.delisted_at <= a.t and s.listing_id is null)
group by a.listing_id;

-- Runs whose right to delist changed: every listing they cover.
insert into touch
select ls.listing_id, f.started_at
from run_flip f
join core.listing_seen ls on ls.spider = f.spider and ls.first_seen < f.started_at
join core.listing l on l.listing_id = ls.listing_id and l.region = f.region;

create temp table touched on commit drop as
select t.listing_id, min(t.t) as t_from, l.marketplace, l.region, l.external_id
from touch t
join core.listing l on l.listing_id = t.listing_id
group by t.listing_id, l.marketplace, l.region, l.external_id;
alter table touched add primary key (listing_id);
analyze touched;

-- Touched listings whose spiders had sent something at or after the point
-- they are touched from: their later events are in files processed
-- before, which are read again.  (Rare: files loaded out of order, or a
-- run whose health changed.)
create temp table late on commit drop as
select t.*
from touched t
where exists (select 1 from core.listing_seen ls
              join spider_horizon h on h.spider = ls.spider
              where ls.listing_id = t.listing_id and h.horizon >= t.t_from);
alter table late add primary key (listing_id);
analyze late;

create temp table late_sighting on commit drop as
with late_file as (
    select f.file_id, f.run_started_at
    from stg.loaded_file f
    join etl.processed_file p on p.file_id = f.file_id
    where f.file_id not in (select file_id from batch_file)
      and greatest(f.last_observed_at, f.run_finished_at, f.run_started_at)
          >= (select min(t_from) from late)
)
select k.listing_id, o.observed_at as t, o.file_id, o.obs_id
from late k
join stg.observation o on o.marketplace = k.marketplace and o.region = k.region
                      and o.external_id = k.external_id and o.observed_at >= k.t_from
where o.file_id not in (select file_id from batch_file)
union all
select k.listing_id, coalesce(e.observed_at, f.run_started_at), s.file_id, null
from late_file f
join stg.seen_listing_set s on s.file_id = f.file_id
cross join lateral unnest(s.external_ids, s.observed_ats) as e(external_id, observed_at)
join late k on k.marketplace = s.marketplace and k.region = s.region
            and k.external_id = e.external_id
where coalesce(e.observed_at, f.run_started_at) >= k.t_from;
analyze late_sighting;

-- Every sighting of a touched listing from its t_from on.
create temp view tail_sighting_all as
select s.listing_id, s.t, s.file_id, s.obs_id
from sighting s
join touched t on t.listing_id = s.listing_id
where s.t >= t.t_from
union all
select listing_id, t, file_id, obs_id from late_sighting;

-- Absences of touched listings from t_from on: the batch's, and for late
-- listings those of runs processed before (a run that delists, covers the
-- listing, started at or after t_from and did not see it).
create temp table tail_absence on commit drop as
select a.listing_id, a.t, a.file_id
from batch_absence a
join touched t on t.listing_id = a.listing_id and a.t >= t.t_from
union all
select k.listing_id, r.started_at, r.crawl_run_id
from late k
join core.listing_seen ls on ls.listing_id = k.listing_id
join core.crawl_run r on r.spider = ls.spider and r.region = k.region and r.delists
                     and r.started_at >= k.t_from and r.started_at > ls.first_seen
where r.crawl_run_id not in (select file_id from batch_file)
  and not exists (select 1 from late_sighting s
                  where s.listing_id = k.listing_id and s.file_id = r.crawl_run_id);
analyze tail_absence;

-- The price and availability ranges in force just before t_from (none: the
-- listing was delisted then, or did not exist yet).
create temp table tail on commit drop as
select t.listing_id, t.t_from,
       p.valid_from as p_from, p.price, p.list_price, p.currency,
       a.valid_from as a_from, a.availability
from touched t
left join lateral (
    select h.valid_from, h.price, h.list_price, h.currency
    from core.price_history h
    where h.listing_id = t.listing_id and h.valid_from < t.t_from
      and (h.valid_to is null or h.valid_to >= t.t_from)
    order by h.valid_from desc
    limit 1) p on true
left join lateral (
    select h.valid_from, h.availability
    from core.availability_history h
    where h.listing_id = t.listing_id and h.valid_from < t.t_from
      and (h.valid_to is null or h.valid_to >= t.t_from)
    order by h.valid_from desc
    limit 1) a on true;
alter table tail add primary key (listing_id);

-- An unchanged sighting has the values of the observation it was compared
-- with: the listing's latest observation at or before it in a file loaded
-- before its own.  Unless files came out of order, that is the latest
-- observation before it, whose values the history already carries there:
-- such a sighting can only start a range as the first sighting of a listed
-- period (after an absence, or as the first of a tail that starts
-- delisted).  Those are kept, and every unchanged sighting of a listing
-- with an observation in a file loaded after another that had seen later
-- (a "disordered" listing).
create temp table disordered on commit drop as
with file_order as (
    select f.file_id,
           coalesce(f.first_observed_at, f.run_started_at) as first_at,
           max(greatest(f.last_observed_at, f.run_finished_at)) over (
               order by f.file_id rows between unbounded preceding and 1 preceding) as before_at
    from stg.loaded_file f
    where f.file_id in (select file_id from etl.processed_file)
), late_file as (
    select file_id from file_order where first_at <= before_at
)
select distinct t.listing_id
from late_file f
join stg.observation o on o.file_id = f.file_id
join touched t on t.marketplace = o.marketplace and t.region = o.region
               and t.external_id = o.external_id;
alter table disordered add primary key (listing_id);

create temp table kept_seen on commit drop as
with sighting_all as (
    select listing_id, t, file_id, obs_id from sighting
    union all
    select listing_id, t, file_id, obs_id from late_sighting
), first_after as (
    -- the first sighting after an absence
    select a.listing_id, min(s.t) as t
    from tail_absence a
    join sighting_all s on s.listing_id = a.listing_id and s.t >= a.t
    group by a.listing_id, a.t
    union
    -- the first of a tail that starts delisted: the batch's first sighting
    -- when it is not an observation (the batch holds every sighting from
    -- t_from on of a listing that is not late)
    select b.listing_id, b.t_min
    from tail t
    join batch_listing_seen b on b.listing_id = t.listing_id
    where t.p_from is null and t.listing_id not in (select listing_id from late)
      and (b.t_obs_min is null or b.t_min < b.t_obs_min)
    union
    select t.listing_id, min(s.t)
    from tail t
    join late_sighting s on s.listing_id = t.listing_id
    where t.p_from is null
    group by t.listing_id
)
select s.listing_id, s.t, s.file_id
from sighting_all s
join first_after f on f.listing_id = s.listing_id and f.t = s.t
where s.obs_id is null and s.listing_id not in (select listing_id from disordered)
union
select s.listing_id, s.t, s.file_id
from tail_sighting_all s
join disordered d on d.listing_id = s.listing_id
where s.obs_id is null;

-- The sightings the walk needs, each with the observation it has its
-- values from: every observation, and the unchanged sightings kept above.
create temp table tail_sighting on commit drop as
select listing_id, t, file_id, obs_id as src_obs, true as observed
from tail_sighting_all
where obs_id is not null
union all
select k.listing_id, k.t, k.file_id,
       (select o.obs_id
        from stg.observation o
        where o.marketplace = t.marketplace and o.region = t.region
          and o.external_id = t.external_id
          and o.observed_at <= k.t and o.file_id < k.file_id
        order by o.observed_at desc
        limit 1),
       false
from kept_seen k
join touched t on t.listing_id = k.listing_id;
analyze tail_sighting;

-- The observation behind the newest sighting of each touched listing seen
-- from t_from on (its url, title, product and attributes).  Unless the
-- listing is disordered, that is its latest observation: the latest one
-- of the tail (every observation from t_from on is there), or for a tail
-- without one the latest before it.
create temp table tail_newest on commit drop as
with from_tail as (
    select distinct on (s.listing_id) s.listing_id, s.src_obs
    from tail_sighting s
    left join disordered d on d.listing_id = s.listing_id
    where s.observed or d.listing_id is not null
    order by s.listing_id, s.t desc, s.file_id desc
), without as (
    select t.listing_id, t.marketplace, t.region, t.external_id
    from touched t
    left join from_tail f on f.listing_id = t.listing_id
    left join batch_listing_seen b on b.listing_id = t.listing_id
    where f.listing_id is null
      and (b.t_max >= t.t_from or t.listing_id in (select listing_id from late_sighting))
)
select listing_id, src_obs from from_tail
union all
select w.listing_id, o.obs_id
from without w
cross join lateral (
    select x.obs_id from stg.observation x
    where x.marketplace = w.marketplace and x.region = w.region
      and x.external_id = w.external_id
    order by x.observed_at desc
    limit 1) o;
alter table tail_newest add primary key (listing_id);

-- The events the histories are rebuilt from, per history ('p' price, 'a'
-- availability): the range in force just before (kind 1 at its start), the
-- sightings with their values (kind 1), the absences (kind 0).  kind orders
-- an absence before a sighting at the same instant.
create temp table tail_event on commit drop as
select listing_id, p_from as t, 1 as kind, 0::bigint as file_id,
       price, list_price, currency, null::text as availability, 'p'::text as what
from tail
where p_from is not null
union all
select listing_id, a_from, 1, 0, null, null, null, availability, 'a'
from tail
where a_from is not null
union all
select s.listing_id, s.t, 1, s.file_id, etl.money(o.price, c.minor_units),
       etl.money(o.list_price, c.minor_units), o.currency, null, 'p'
from tail_sighting s
join stg.observation o on o.obs_id = s.src_obs
join core.currency c on c.currency = o.currency
union all
select s.listing_id, s.t, 1, s.file_id, null, null, null, o.availability, 'a'
from tail_sighting s
join stg.observation o on o.obs_id = s.src_obs
union all
select listing_id, t, 0, file_id, null, null, null, null, w.what
from tail_absence
cross join (values ('p'), ('a')) as w(what);
analyze tail_event;
