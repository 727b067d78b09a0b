-- Which listings the batch changes, from when, and their events from then
-- on (docs/history-rules.md; docs/model.md, "The run").
-- Reads batch_file, sighting, spider_before, run_flip, core.listing,
-- core.listing_seen, core.spider, core.crawl_run, core.price_history,
-- core.availability_history, stg.observation, stg.seen_listing_set,
-- etl.listing_disorder.
-- Writes temp touched (listing, from when), tail (the ranges in force just
-- before), tail_sighting (every sighting from then on with the observation
-- whose values it has), tail_event (sightings and absences, with values).
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

-- A listing's horizon: the furthest of the spiders that saw it.  Events of
-- it after that are all in the batch.
create temp table listing_horizon on commit drop as
select ls.listing_id, max(h.horizon) as horizon
from core.listing_seen ls
join spider_horizon h on h.spider = ls.spider
where ls.listing_id in (select listing_id from sighting)
group by ls.listing_id;
alter table listing_horizon add primary key (listing_id);

create temp table touch (listing_id bigint not null, t timestamptz not null) on commit drop;

-- Listings observed in the batch (a new listing or a change), from their
-- earliest batch sighting.
insert into touch
select listing_id, min(t)
from sighting
group by listing_id
having count(obs_id) > 0;

-- Listings only seen unchanged, unless the sighting changes nothing.
insert into touch
select s.listing_id, s.t
from (select s.listing_id, min(s.t) as t, min(b.first_at) as first_at
      from sighting s
      join batch_file b on b.file_id = s.file_id
      group by s.listing_id
      having count(s.obs_id) = 0) s
join core.listing l on l.listing_id = s.listing_id
left join listing_horizon h on h.listing_id = s.listing_id
where l.delisted_at is not null
   or s.first_at <= coalesce(h.horizon, '-infinity')
   or exists (select 1 from etl.listing_disorder d where d.listing_id = s.listing_id);

-- Absences from the batch's runs that delist: listings their spider saw in
-- an earlier run and they did not see.  An absence of a listing already
-- delisted before it, and seen by nothing of the batch, changes nothing.
insert into touch
select a.listing_id, min(a.t)
from (select ls.listing_id, r.run_started_at as t
      from batch_file r
      join core.crawl_run c on c.crawl_run_id = r.file_id and c.delists
      join core.listing_seen ls on ls.spider = r.spider and ls.first_seen < r.run_started_at
      where not exists (select 1 from sighting s
                        where s.file_id = r.file_id and s.listing_id = ls.listing_id)) a
join core.listing l on l.listing_id = a.listing_id
where not (l.delisted_at is not null and l.delisted_at <= a.t
           and not exists (select 1 from sighting s where s.listing_id = a.listing_id))
group by a.listing_id;

-- Runs whose right to delist changed: every listing they cover.
insert into touch
select ls.listing_id, f.started_at
from run_flip f
join core.listing_seen ls on ls.spider = f.spider and ls.first_seen < f.started_at;

create temp table touched on commit drop as
select t.listing_id, min(t.t) as t_from, l.marketplace, l.external_id
from touch t
join core.listing l on l.listing_id = t.listing_id
group by t.listing_id, l.marketplace, l.external_id;
alter table touched add primary key (listing_id);
analyze touched;

-- Touched listings whose spiders had sent something at or after the point
-- they are touched from: their later events are in files processed
-- before, which are read again.  (Rare: files loaded out of order, or a
-- run whose health changed.)
create temp table late on commit drop as
select t.*
from touched t
join (select ls.listing_id, max(h.horizon) as horizon
      from core.listing_seen ls
      join spider_horizon h on h.spider = ls.spider
      where ls.listing_id in (select listing_id from touched)
      group by ls.listing_id) h on h.listing_id = t.listing_id
where t.t_from <= h.horizon;
alter table late add primary key (listing_id);
analyze late;

create temp table late_file on commit drop as
select f.file_id, f.run_started_at
from stg.loaded_file f
join etl.processed_file p on p.file_id = f.file_id
where f.file_id not in (select file_id from batch_file)
  and greatest(f.last_observed_at, f.run_finished_at, f.run_started_at)
      >= (select min(t_from) from late);

-- Every sighting of a touched listing from its t_from on: the batch's, and
-- for late listings those of files processed before.
create temp table tail_sighting_raw on commit drop as
select s.listing_id, s.t, s.file_id, s.obs_id
from sighting s
join touched t on t.listing_id = s.listing_id
where s.t >= t.t_from
union all
select k.listing_id, o.observed_at, o.file_id, o.obs_id
from late k
join stg.observation o on o.marketplace = k.marketplace and o.external_id = k.external_id
                      and o.observed_at >= k.t_from
where o.file_id not in (select file_id from batch_file)
union all
select k.listing_id, coalesce(e.observed_at, f.run_started_at), s.file_id, null
from late_file f
join stg.seen_listing_set s on s.file_id = f.file_id
cross join lateral unnest(s.external_ids, s.observed_ats) as e(external_id, observed_at)
join late k on k.marketplace = s.marketplace and k.external_id = e.external_id
where coalesce(e.observed_at, f.run_started_at) >= k.t_from;
analyze tail_sighting_raw;

-- The observation each sighting has its values from: its own, or for an
-- unchanged sighting the listing's latest observation at or before it in a
-- file loaded before its own (what the loader compared it with).  Carried
-- forward in time order, that is the latest observation before it unless
-- that one came from a file loaded later; then it is looked up.
create temp table tail_sighting on commit drop as
with anchored as (
    select r.listing_id, r.t, r.file_id, r.obs_id, false as is_anchor
    from tail_sighting_raw r
    union all
    -- the latest observation before t_from, for listings whose first
    -- sighting in the tail is an unchanged one
    select t.listing_id, a.observed_at, a.file_id, a.obs_id, true
    from touched t
    cross join lateral (
        select o.observed_at, o.file_id, o.obs_id
        from stg.observation o
        where o.marketplace = t.marketplace and o.external_id = t.external_id
          and o.observed_at < t.t_from
        order by o.observed_at desc
        limit 1) a
    where exists (select 1 from tail_sighting_raw r
                  where r.listing_id = t.listing_id and r.obs_id is null)
), grouped as (
    select a.*, count(a.obs_id) over w as grp
    from anchored a
    window w as (partition by a.listing_id order by a.t, a.file_id
                 rows unbounded preceding)
), carried as (
    select g.*,
           first_value(g.obs_id) over w as carried_obs,
           first_value(g.file_id) over w as carried_file
    from grouped g
    window w as (partition by g.listing_id, g.grp order by g.t, g.file_id)
)
select c.listing_id, c.t, c.file_id, c.obs_id is not null as observed,
       case when c.obs_id is not null then c.obs_id
            when c.carried_file < c.file_id then c.carried_obs
            else (select o.obs_id
                  from stg.observation o
                  where o.marketplace = t.marketplace and o.external_id = t.external_id
                    and o.observed_at <= c.t and o.file_id < c.file_id
                  order by o.observed_at desc
                  limit 1)
       end as src_obs
from carried c
join touched t on t.listing_id = c.listing_id
where not c.is_anchor;
create index on tail_sighting (listing_id, file_id);
analyze tail_sighting;

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

-- The events the histories are rebuilt from: the ranges in force just
-- before (kind 1 at their start), every sighting with its values (kind 1),
-- every absence (kind 0: a run that delists, covers the listing, started at
-- or after t_from and did not see it).  kind orders an absence before a
-- sighting at the same instant.
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
join stg.observation o on o.obs_id = s.src_obs;

create temp table tail_absence on commit drop as
select t.listing_id, r.started_at as t, r.crawl_run_id as file_id
from touched t
join core.listing_seen ls on ls.listing_id = t.listing_id
join core.crawl_run r on r.spider = ls.spider and r.delists
                     and r.started_at >= t.t_from and r.started_at > ls.first_seen
where not exists (select 1 from tail_sighting s
                  where s.listing_id = t.listing_id and s.file_id = r.crawl_run_id);

insert into tail_event
select listing_id, t, 0, file_id, null, null, null, null, w.what
from tail_absence
cross join (values ('p'), ('a')) as w(what);
analyze tail_event;
