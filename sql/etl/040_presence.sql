-- Sightings, delisting and reappearance.
-- Reads batch_file, batch_listing_file, stg.seen_listing_set, core.listing,
-- core.listing_seen, core.spider.
-- Writes core.listing_seen and core.spider.seen_until (last_seen),
-- core.listing (first_seen, delisted_at), temp sighting, absence,
-- presence_change (the listings' delist/reappear events, used by the
-- history jobs).
-- Rules (docs/model.md): a sighting is dated by the listing's first
-- observation in that file, else (unchanged) by the run's start.  A listing missing
-- from a complete run of its spider that started after everything known
-- about it is delisted at that run's start; a later sighting reopens it.
-- Runs are replayed in time order, so a batch of several runs (or a file
-- loaded late) gives the same result as one run at a time.
-- last_seen (core.listing_last_seen): a listing seen in the newest run of
-- its spider "follows" the spider, and its last_seen is that run's start
-- unless it has a later sighting of its own.  So a run that sees most
-- listings unchanged writes one core.spider row for them; only the
-- observed, missing and returning listings get a core.listing_seen write.
-- Re-run safety: only batch files are read, and values are written only
-- when they differ.
create temp table sighting on commit drop as
-- Unchanged listings: stg.seen_listing_set (the loader puts there every
-- listing a file contained without an accepted observation), only the
-- batch's arrays unnested.
select l.listing_id, l.spider, s.file_id, b.run_started_at as seen_at, l.first_seen
from stg.seen_listing_set s
join batch_file b on b.file_id = s.file_id
cross join lateral unnest(s.external_ids) as e(external_id)
join core.listing l on l.marketplace = s.marketplace and l.external_id = e.external_id
union all
-- Observed listings (a duplicate of a seen_listing row would be harmless).
select f.listing_id, l.spider, f.file_id, f.first_at, l.first_seen
from batch_listing_file f
join core.listing l on l.listing_id = f.listing_id;
analyze sighting;

-- The newest run of each spider in the batch, when it is newer than every
-- run processed before: after this batch a listing follows its spider when
-- that run saw it.
create temp table spider_newest on commit drop as
select distinct on (b.spider) b.spider, b.file_id, b.run_started_at
from batch_file b
join core.spider sp on sp.spider = b.spider
where sp.seen_until is null or b.run_started_at > sp.seen_until
order by b.spider, b.run_started_at desc, b.file_id desc;

-- Listings of a batch spider missing from one of its runs that matters:
-- a complete run newer than everything known about the listing (its last
-- sighting before this batch, core.listing_last_seen, or its delisting),
-- or the spider's newest run when the listing followed the spider.
create temp table missing on commit drop as
select b.file_id, l.listing_id, b.run_started_at, l.delisted_at, seen.last_seen,
       b.delists and l.first_seen < b.run_started_at
           and b.run_started_at > coalesce(l.delisted_at, seen.last_seen) as absent,
       n.file_id is not null and ls.follows_spider as unfollows
from batch_file b
join core.spider sp on sp.spider = b.spider
left join spider_newest n on n.file_id = b.file_id
join core.listing l on l.spider = b.spider
join core.listing_seen ls on ls.listing_id = l.listing_id
cross join lateral (
    select core.last_seen(ls.seen_at, ls.follows_spider, sp.seen_until) as last_seen) seen
where ((b.delists and l.first_seen < b.run_started_at
        and b.run_started_at > coalesce(l.delisted_at, seen.last_seen))
       or (n.file_id is not null and ls.follows_spider))
  and not exists (select 1 from sighting s
                  where s.file_id = b.file_id and s.listing_id = l.listing_id);

create temp table absence on commit drop as
select listing_id, run_started_at as t
from missing
where absent;

-- Known until: the delisting, or the last sighting before this batch.
create temp table presence_candidate on commit drop as
select l.listing_id,
       l.delisted_at is null as listed_before,
       coalesce(l.delisted_at, core.last_seen(ls.seen_at, ls.follows_spider, sp.seen_until))
           as known_until
from core.listing l
join core.listing_seen ls on ls.listing_id = l.listing_id
join core.spider sp on sp.spider = l.spider
where l.listing_id in (
    select listing_id from absence
    union
    select s.listing_id
    from sighting s
    join core.listing d on d.listing_id = s.listing_id
    where d.delisted_at is not null and s.seen_at > d.delisted_at);
alter table presence_candidate add primary key (listing_id);

-- Replay the candidates' events in time order; a change of state is a
-- delisting (present = false) or a reappearance (present = true).
create temp table presence_change on commit drop as
with event as (
    select c.listing_id, s.seen_at as t, true as present
    from presence_candidate c
    join sighting s on s.listing_id = c.listing_id and s.seen_at > c.known_until
    union all
    select a.listing_id, a.t, false
    from absence a
), replay as (
    select e.listing_id, e.t, e.present, c.listed_before,
           lag(e.present) over (partition by e.listing_id order by e.t, e.present) as before
    from event e
    join presence_candidate c on c.listing_id = e.listing_id
)
select listing_id, t, present
from replay
where present <> coalesce(before, listed_before);
create index on presence_change (listing_id, t);
analyze presence_change;

-- first_seen moves back only for a sighting older than it (late data);
-- delisted_at follows the listing's last presence change.
with last_change as (
    select distinct on (listing_id) listing_id, t, present
    from presence_change
    order by listing_id, t desc
), earlier as (
    select listing_id, min(seen_at) as first_at
    from sighting
    where seen_at < first_seen
    group by listing_id
), target as (
    select coalesce(x.listing_id, c.listing_id) as listing_id, x.first_at,
           c.listing_id is not null as changed, c.t, c.present
    from earlier x
    full join last_change c on c.listing_id = x.listing_id
)
update core.listing l
set first_seen = least(l.first_seen, x.first_at),
    delisted_at = case when not x.changed then l.delisted_at
                       when x.present then null
                       else x.t end
from target x
where l.listing_id = x.listing_id
  and (l.first_seen, l.delisted_at) is distinct from
      (least(l.first_seen, x.first_at),
       case when not x.changed then l.delisted_at when x.present then null else x.t end);

-- Listings whose core.listing_seen row may change: those that followed a
-- spider and are missing from its newest run, those sighted while not
-- following (returning, new, or seen by another spider), and those sighted
-- later than their spider's newest run started (observed in it).
create temp table seen_candidate on commit drop as
select listing_id from missing where unfollows
union
select s.listing_id
from sighting s
join core.listing_seen ls on ls.listing_id = s.listing_id
where not ls.follows_spider
union
select s.listing_id
from sighting s
join core.spider sp on sp.spider = s.spider
left join spider_newest n on n.spider = s.spider
where s.seen_at > greatest(sp.seen_until, n.run_started_at);
alter table seen_candidate add primary key (listing_id);
analyze seen_candidate;

with batch_seen as (
    select c.listing_id, max(s.seen_at) as last_at, bool_or(s.file_id = n.file_id) as in_newest
    from seen_candidate c
    join sighting s on s.listing_id = c.listing_id
    left join spider_newest n on n.spider = s.spider
    group by c.listing_id
), target as (
    select c.listing_id, ls.seen_at, x.last_at,
           core.last_seen(ls.seen_at, ls.follows_spider, sp.seen_until) as last_seen,
           case when n.spider is null then ls.follows_spider
                else coalesce(x.in_newest, false) end as follows
    from seen_candidate c
    join core.listing_seen ls on ls.listing_id = c.listing_id
    join core.listing l on l.listing_id = c.listing_id
    join core.spider sp on sp.spider = l.spider
    left join spider_newest n on n.spider = l.spider
    left join batch_seen x on x.listing_id = c.listing_id
)
update core.listing_seen ls
set seen_at = v.new_seen_at, follows_spider = v.follows
from (select listing_id, follows,
             -- following: its own sightings only; otherwise all it was seen at
             case when follows then greatest(seen_at, last_at)
                  else greatest(last_seen, last_at) end as new_seen_at
      from target) v
where ls.listing_id = v.listing_id
  and (ls.seen_at, ls.follows_spider) is distinct from (v.new_seen_at, v.follows);

update core.spider sp
set seen_until = n.run_started_at
from spider_newest n
where sp.spider = n.spider;
