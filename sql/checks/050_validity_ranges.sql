-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests"):
-- validity ranges.
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none (sql/checks/010_uniqueness.sql says more).

create or replace view etl.check_050_price_ranges_do_not_overlap as
select listing_id, valid_from, valid_to, next_from
from (select listing_id, valid_from, valid_to,
             lead(valid_from) over (partition by listing_id order by valid_from) as next_from
      from core.price_history) x
where valid_to <= valid_from or (next_from is not null and (valid_to is null or valid_to > next_from));

create or replace view etl.check_051_availability_ranges_do_not_overlap as
select listing_id, valid_from, valid_to, next_from
from (select listing_id, valid_from, valid_to,
             lead(valid_from) over (partition by listing_id order by valid_from) as next_from
      from core.availability_history) x
where valid_to <= valid_from or (next_from is not null and (valid_to is null or valid_to > next_from));

create or replace view etl.check_052_histories_cover_same_periods as
with p as (select listing_id, range_agg(tstzrange(valid_from, valid_to)) as periods
           from core.price_history group by listing_id),
     a as (select listing_id, range_agg(tstzrange(valid_from, valid_to)) as periods
           from core.availability_history group by listing_id)
select coalesce(p.listing_id, a.listing_id) as listing_id, p.periods as price_periods,
       a.periods as availability_periods
from p full join a on a.listing_id = p.listing_id
where p.periods is distinct from a.periods;

create or replace view etl.check_053_delisting_matches_history as
select l.listing_id, l.delisted_at, h.valid_from, h.valid_to
from core.listing l
join lateral (select valid_from, valid_to from core.price_history h
              where h.listing_id = l.listing_id
              order by valid_from desc limit 1) h on true
where (l.delisted_at is null and h.valid_to is not null)
   or (l.delisted_at is not null and h.valid_to is distinct from l.delisted_at);
