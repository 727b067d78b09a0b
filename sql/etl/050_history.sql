-- Price and availability history: validity ranges per listing, rebuilt
-- from the point the batch touches onwards (the "tail"), never from the
-- beginning; one algorithm for both histories (docs/history-rules.md).
-- Reads tail, tail_event.  Writes core.price_history,
-- core.availability_history (only rows that differ); temp history_new,
-- presence_end (the listing's delisting after the tail) and price_touched
-- (range starts whose price change differs now, for 070_daily_moves.sql).
-- How: the events (the range in force just before, sightings with their
-- values, absences) are walked in time order per listing and history ('p'
-- price, 'a' availability).  A range starts at a sighting after an absence
-- (or at the first one) and at a sighting whose values differ from the
-- previous sighting's; it ends at the next start or at an absence.
-- Re-run safety: a second run has no events; rebuilding a tail twice gives
-- the same rows.
create temp table history_new on commit drop as
with step as (
    select e.*,
           lag(e.kind) over w as prev_kind,
           lag(e.price) over w as prev_price,
           lag(e.list_price) over w as prev_list_price,
           lag(e.currency) over w as prev_currency,
           lag(e.availability) over w as prev_availability
    from tail_event e
    window w as (partition by e.listing_id, e.what order by e.t, e.kind, e.file_id)
), boundary as (
    select listing_id, what, t, kind, file_id, price, list_price, currency, availability
    from step
    where (kind = 1 and (prev_kind is distinct from 1
                         or (price, list_price, currency, availability)
                            is distinct from (prev_price, prev_list_price, prev_currency,
                                              prev_availability)))
       or (kind = 0 and prev_kind = 1)
), ranged as (
    select b.*, lead(b.t) over (partition by b.listing_id, b.what
                                order by b.t, b.kind, b.file_id) as next_t
    from boundary b
)
select listing_id, what, t as valid_from, next_t as valid_to, kind,
       price, list_price, currency, availability
from ranged;
create index on history_new (listing_id, what, valid_from);
analyze history_new;

-- Where the listing stands after the tail: delisted at the absence that
-- ended its last listed period, or listed (null).  Listings whose tail has
-- no boundary keep what they had (nothing in the tail changed them).
create temp table presence_end on commit drop as
select distinct on (listing_id) listing_id,
       case when kind = 0 then valid_from end as delisted_at
from history_new
where what = 'p'
order by listing_id, valid_from desc, kind desc;
alter table presence_end add primary key (listing_id);

-- The old tails, to tell 070_daily_moves.sql which days' changes differ:
-- a change is (range start, price, currency, previous price and currency),
-- so only those keys are compared, not valid_to.
create temp table price_old on commit drop as
select h.listing_id, h.valid_from, h.valid_to, h.price, h.list_price, h.currency
from core.price_history h
join tail t on t.listing_id = h.listing_id
           and h.valid_from >= coalesce(t.p_from, t.t_from);

create temp table price_new on commit drop as
select listing_id, valid_from, valid_to, price, list_price, currency
from history_new
where what = 'p' and kind = 1;

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
using tail t
where h.listing_id = t.listing_id and h.valid_from >= coalesce(t.p_from, t.t_from)
  and not exists (
      select 1 from price_new n
      where n.listing_id = h.listing_id and n.valid_from = h.valid_from
        and n.valid_to is not distinct from h.valid_to
        and n.price = h.price and scale(n.price) = scale(h.price)
        and n.list_price is not distinct from h.list_price
        and scale(n.list_price) is not distinct from scale(h.list_price)
        and n.currency = h.currency);

insert into core.price_history (listing_id, valid_from, valid_to, price, list_price, currency)
select n.listing_id, n.valid_from, n.valid_to, n.price, n.list_price, n.currency
from price_new n
where not exists (select 1 from core.price_history h
                  where h.listing_id = n.listing_id and h.valid_from = n.valid_from)
order by n.listing_id, n.valid_from;

delete from core.availability_history h
using tail t
where h.listing_id = t.listing_id and h.valid_from >= coalesce(t.a_from, t.t_from)
  and not exists (
      select 1 from history_new n
      where n.what = 'a' and n.kind = 1
        and n.listing_id = h.listing_id and n.valid_from = h.valid_from
        and n.valid_to is not distinct from h.valid_to
        and n.availability = h.availability);

insert into core.availability_history (listing_id, valid_from, valid_to, availability)
select n.listing_id, n.valid_from, n.valid_to, n.availability
from history_new n
where n.what = 'a' and n.kind = 1
  and not exists (select 1 from core.availability_history h
                  where h.listing_id = n.listing_id and h.valid_from = n.valid_from)
order by n.listing_id, n.valid_from;
