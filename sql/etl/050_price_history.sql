-- Price history: validity ranges per listing, rebuilt from the point the
-- batch touches onwards (the "tail"), never from the beginning.
-- Reads batch_listing_file, presence_change, stg.observation (a touched
-- listing's observations from the start of its tail), core.price_history.
-- Writes core.price_history (only rows that differ), etl.ignored_observation,
-- temp price_touched (range starts whose price change differs now, for
-- 070_daily_moves.sql).
-- How: the tail starts at the range in force at the listing's earliest new
-- event (observation, delisting or reappearance).  Over the tail, the price
-- at time t is that of the newest observation at or before t (a late
-- observation therefore splits the range it falls in), and the listing is
-- listed at t unless a delisting says otherwise.  Equal neighbours merge.
-- An observation that falls inside a delisted period is recorded in
-- etl.ignored_observation.  Re-run safety: a second run has no new events,
-- hence no tail; rebuilding a tail twice gives the same rows.
create temp table price_tail on commit drop as
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
    select h.valid_from from core.price_history h
    where h.listing_id = a.listing_id and h.valid_from <= a.anchor
    order by h.valid_from desc
    limit 1
) b on true;
alter table price_tail add primary key (listing_id);
analyze price_tail;

-- ord orders events at the same instant: the old range, old listed /
-- delisted edges, this batch's delist / reappear events, observations.
create temp table price_event on commit drop as
select t.listing_id, h.valid_from as t, 0 as ord, h.price, h.list_price, h.currency,
       null::boolean as present, null::bigint as obs_id
from price_tail t
join core.price_history h on h.listing_id = t.listing_id and h.valid_from = t.base_from
union all
select t.listing_id, h.valid_from, 1, null, null, null, true, null
from price_tail t
join core.price_history h on h.listing_id = t.listing_id and h.valid_from >= t.tail_from
union all
select t.listing_id, h.valid_to, 1, null, null, null, false, null
from price_tail t
join core.price_history h on h.listing_id = t.listing_id and h.valid_from >= t.tail_from
where h.valid_to is not null
union all
select listing_id, t, 2, null, null, null, present, null
from presence_change
union all
select t.listing_id, o.observed_at, 3, etl.money(o.price, c.minor_units),
       etl.money(o.list_price, c.minor_units), o.currency, null, o.obs_id
from price_tail t
join core.listing l on l.listing_id = t.listing_id
join stg.observation o on o.marketplace = l.marketplace and o.external_id = l.external_id
                      and o.observed_at >= t.tail_from
join core.currency c on c.currency = o.currency;

-- Window trick: sg / pg count the listed-state and price events so far, so
-- first_value over (listing, sg) or (listing, pg) carries the last one
-- forward.  An observation made while the listing was delisted does not
-- count as a price event: it is ignored, not merely hidden.
create temp table price_new on commit drop as
with counted as (
    select e.*, count(e.present) over w as sg
    from price_event e
    window w as (partition by e.listing_id order by e.t, e.ord, e.present nulls first
                 rows unbounded preceding)
), listed as (
    select c.*, coalesce(first_value(c.present) over ws, true) as listed
    from counted c
    window ws as (partition by c.listing_id, c.sg order by c.t, c.ord, c.present nulls first)
), priced as (
    select l.*,
           count(case when l.currency is not null and (l.listed or l.ord = 0) then 1 end)
               over w as pg
    from listed l
    window w as (partition by l.listing_id order by l.t, l.ord, l.present nulls first
                 rows unbounded preceding)
), state as (
    select listing_id, t, ord, present as event_present, listed as present,
           first_value(price) over wp as price,
           first_value(list_price) over wp as list_price,
           first_value(currency) over wp as currency
    from priced
    window wp as (partition by listing_id, pg order by t, ord, present nulls first)
), at_instant as (
    select distinct on (listing_id, t) listing_id, t, price, list_price, currency, present
    from state
    order by listing_id, t, ord desc, event_present desc nulls last
), marked as (
    select a.*,
           lag(present) over w as prev_present,
           lag(price) over w as prev_price,
           lag(list_price) over w as prev_list_price,
           lag(currency) over w as prev_currency,
           row_number() over w as n
    from at_instant a
    window w as (partition by listing_id order by t)
), segment as (
    select listing_id, t, price, list_price, currency, present,
           lead(t) over (partition by listing_id order by t) as next_t
    from marked
    where n = 1
       or present <> prev_present
       or price is distinct from prev_price
       or list_price is distinct from prev_list_price
       or currency is distinct from prev_currency
)
select listing_id, t as valid_from, next_t as valid_to, price, list_price, currency
from segment
where present and price is not null;
create index on price_new (listing_id, valid_from);
analyze price_new;

-- The tail as it was, to tell 070_daily_moves.sql which days' changes
-- differ: a change is (range start, price, currency, previous price and
-- currency), so only those keys are compared, not valid_to.
create temp table price_old on commit drop as
select h.listing_id, h.valid_from, h.valid_to, h.price, h.list_price, h.currency
from core.price_history h
join price_tail t on t.listing_id = h.listing_id and h.valid_from >= t.tail_from;

create temp table price_touched on commit drop as
with old_change as (
    select listing_id, valid_from, price, currency,
           lag(price) over w as prev_price, lag(currency) over w as prev_currency
    from price_old window w as (partition by listing_id order by valid_from)
), new_change as (
    select listing_id, valid_from, price, currency,
           lag(price) over w as prev_price, lag(currency) over w as prev_currency
    from price_new window w as (partition by listing_id order by valid_from)
), differ as (
    (select * from old_change except select * from new_change)
    union
    (select * from new_change except select * from old_change)
)
select distinct listing_id, valid_from from differ;

delete from core.price_history h
using price_tail t
where h.listing_id = t.listing_id and h.valid_from >= t.tail_from
  and not exists (
      select 1 from price_new n
      where n.listing_id = h.listing_id and n.valid_from = h.valid_from
        and n.valid_to is not distinct from h.valid_to
        and n.price = h.price and scale(n.price) = scale(h.price)
        and n.list_price is not distinct from h.list_price
        and n.currency = h.currency);

insert into core.price_history (listing_id, valid_from, valid_to, price, list_price, currency)
select n.listing_id, n.valid_from, n.valid_to, n.price, n.list_price, n.currency
from price_new n
where not exists (select 1 from core.price_history h
                  where h.listing_id = n.listing_id and h.valid_from = n.valid_from)
order by n.listing_id, n.valid_from;

-- Observations the history cannot show: they fall inside a delisted period.
insert into etl.ignored_observation (obs_id, reason, run_id)
select e.obs_id, 'inside_delisted_period', current_setting('etl.run_id')::bigint
from price_event e
where e.obs_id is not null
  and not exists (select 1 from price_new n
                  where n.listing_id = e.listing_id and n.valid_from <= e.t
                    and (n.valid_to is null or n.valid_to > e.t))
on conflict (obs_id) do nothing;

delete from etl.ignored_observation i
using price_event e
where i.obs_id = e.obs_id
  and exists (select 1 from price_new n
              where n.listing_id = e.listing_id and n.valid_from <= e.t
                and (n.valid_to is null or n.valid_to > e.t));
