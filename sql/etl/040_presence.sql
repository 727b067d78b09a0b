-- Sightings, delisting and reappearance.
-- Reads batch_file, batch_listing_file, stg.seen_listing, core.listing.
-- Writes core.listing (first_seen, last_seen, delisted_at), temp sighting,
-- absence, presence_change (the listings' delist/reappear events, used by
-- the history jobs).
-- Rules (docs/model.md): a sighting is dated by the listing's first
-- observation in that file, else (unchanged) by the run's start.  A listing missing
-- from a complete run of its spider that started after everything known
-- about it is delisted at that run's start; a later sighting reopens it.
-- Runs are replayed in time order, so a batch of several runs (or a file
-- loaded late) gives the same result as one run at a time.
-- Re-run safety: only batch files are read, and values are written only
-- when they differ.
create temp table sighting on commit drop as
-- Unchanged listings: stg.seen_listing (the loader puts there every listing
-- a file contained without an accepted observation).
select l.listing_id, s.file_id, b.run_started_at as seen_at
from stg.seen_listing s
join batch_file b on b.file_id = s.file_id
join core.listing l on l.marketplace = s.marketplace and l.external_id = s.external_id
union all
-- Observed listings (a duplicate of a seen_listing row would be harmless).
select listing_id, file_id, first_at
from batch_listing_file;
analyze sighting;

-- Missing from a complete run of its spider, and that run is newer than
-- anything known about the listing (its last sighting, or its delisting).
create temp table absence on commit drop as
select l.listing_id, b.run_started_at as t
from batch_file b
join core.listing l on l.spider = b.spider and l.first_seen < b.run_started_at
where b.delists
  and b.run_started_at > coalesce(l.delisted_at, l.last_seen)
  and not exists (select 1 from sighting s
                  where s.file_id = b.file_id and s.listing_id = l.listing_id);

create temp table presence_candidate on commit drop as
select l.listing_id,
       l.delisted_at is null as listed_before,
       coalesce(l.delisted_at, l.last_seen) as known_until
from core.listing l
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

with seen as (
    select listing_id, min(seen_at) as first_at, max(seen_at) as last_at
    from sighting
    group by listing_id
), last_change as (
    select distinct on (listing_id) listing_id, t, present
    from presence_change
    order by listing_id, t desc
), target as (
    select coalesce(s.listing_id, c.listing_id) as listing_id, s.first_at, s.last_at,
           c.listing_id is not null as changed, c.t, c.present
    from seen s
    full join last_change c on c.listing_id = s.listing_id
)
update core.listing l
set first_seen = least(l.first_seen, x.first_at),
    last_seen = greatest(l.last_seen, x.last_at),
    delisted_at = case when not x.changed then l.delisted_at
                       when x.present then null
                       else x.t end
from target x
where l.listing_id = x.listing_id
  and (l.first_seen, l.last_seen, l.delisted_at) is distinct from
      (least(l.first_seen, x.first_at), greatest(l.last_seen, x.last_at),
       case when not x.changed then l.delisted_at when x.present then null else x.t end);
