-- Availability history: the same tail rebuild as 050_price_history.sql,
-- over the availability of each observation.
-- Reads batch_listing_file, presence_change, stg.observation,
-- core.availability_history.  Writes core.availability_history (only rows
-- that differ).  Re-run safety: as for prices.  The listed periods (and so
-- the gaps left by delistings) are identical in both histories.
create temp table avail_tail on commit drop as
with anchor as (
    select listing_id, min(t) as anchor
    from (select listing_id, first_at as t from batch_listing_file
          union all
          select listing_id, t from presence_change) e
    group by listing_id
)
select a.listing_id, b.valid_from as base_from, coalesce(b.valid_from, a.anchor) as tail_from
from anchor a
left join lateral (
    select h.valid_from from core.availability_history h
    where h.listing_id = a.listing_id and h.valid_from <= a.anchor
    order by h.valid_from desc
    limit 1
) b on true;
alter table avail_tail add primary key (listing_id);
analyze avail_tail;

create temp table avail_event on commit drop as
select t.listing_id, h.valid_from as t, 0 as ord, h.availability, null::boolean as present
from avail_tail t
join core.availability_history h on h.listing_id = t.listing_id and h.valid_from = t.base_from
union all
select t.listing_id, h.valid_from, 1, null, true
from avail_tail t
join core.availability_history h on h.listing_id = t.listing_id and h.valid_from >= t.tail_from
union all
select t.listing_id, h.valid_to, 1, null, false
from avail_tail t
join core.availability_history h on h.listing_id = t.listing_id and h.valid_from >= t.tail_from
where h.valid_to is not null
union all
select listing_id, t, 2, null, present
from presence_change
union all
select t.listing_id, o.observed_at, 3, o.availability, null
from avail_tail t
join core.listing l on l.listing_id = t.listing_id
join stg.observation o on o.marketplace = l.marketplace and o.external_id = l.external_id
                      and o.observed_at >= t.tail_from;

create temp table avail_new on commit drop as
with counted as (
    select e.*, count(e.present) over w as sg
    from avail_event e
    window w as (partition by e.listing_id order by e.t, e.ord, e.present nulls first
                 rows unbounded preceding)
), listed as (
    select c.*, coalesce(first_value(c.present) over ws, true) as listed
    from counted c
    window ws as (partition by c.listing_id, c.sg order by c.t, c.ord, c.present nulls first)
), valued as (
    select l.*,
           count(case when l.availability is not null and (l.listed or l.ord = 0) then 1 end)
               over w as ag
    from listed l
    window w as (partition by l.listing_id order by l.t, l.ord, l.present nulls first
                 rows unbounded preceding)
), state as (
    select listing_id, t, ord, present as event_present, listed as present,
           first_value(availability) over wa as availability
    from valued
    window wa as (partition by listing_id, ag order by t, ord, present nulls first)
), at_instant as (
    select distinct on (listing_id, t) listing_id, t, availability, present
    from state
    order by listing_id, t, ord desc, event_present desc nulls last
), marked as (
    select a.*,
           lag(present) over w as prev_present,
           lag(availability) over w as prev_availability,
           row_number() over w as n
    from at_instant a
    window w as (partition by listing_id order by t)
), segment as (
    select listing_id, t, availability, present,
           lead(t) over (partition by listing_id order by t) as next_t
    from marked
    where n = 1
       or present <> prev_present
       or availability is distinct from prev_availability
)
select listing_id, t as valid_from, next_t as valid_to, availability
from segment
where present and availability is not null;
create index on avail_new (listing_id, valid_from);
analyze avail_new;

delete from core.availability_history h
using avail_tail t
where h.listing_id = t.listing_id and h.valid_from >= t.tail_from
  and not exists (
      select 1 from avail_new n
      where n.listing_id = h.listing_id and n.valid_from = h.valid_from
        and n.valid_to is not distinct from h.valid_to
        and n.availability = h.availability);

insert into core.availability_history (listing_id, valid_from, valid_to, availability)
select n.listing_id, n.valid_from, n.valid_to, n.availability
from avail_new n
where not exists (select 1 from core.availability_history h
                  where h.listing_id = n.listing_id and h.valid_from = n.valid_from)
order by n.listing_id, n.valid_from;
