-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests"):
-- the daily summary.
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none (sql/checks/010_uniqueness.sql says more).

-- the summary behind rpt.daily_price_moves agrees with rpt.price_change
create or replace view etl.check_070_daily_moves_match_changes as
with expect as (
    select (changed_at at time zone 'UTC')::date as day, marketplace,
           count(*)::integer as changes,
           (count(*) filter (where delta < 0))::integer as drops,
           (count(*) filter (where delta > 0))::integer as increases,
           min(delta_pct) filter (where delta < 0) as largest_drop_pct,
           max(delta_pct) filter (where delta > 0) as largest_increase_pct,
           round(avg(delta_pct), 2) as avg_change_pct
    from rpt.price_change
    group by 1, 2
), have as (
    select day, marketplace, changes, drops, increases, largest_drop_pct,
           largest_increase_pct, avg_change_pct
    from mart.daily_price_move
)
select coalesce(e.day, h.day) as day, coalesce(e.marketplace, h.marketplace) as marketplace,
       e.changes as expected_changes, h.changes as stored_changes
from expect e
full join have h on h.day = e.day and h.marketplace = e.marketplace
where (e.day, e.marketplace, e.changes, e.drops, e.increases, e.largest_drop_pct,
       e.largest_increase_pct, e.avg_change_pct)
      is distinct from
      (h.day, h.marketplace, h.changes, h.drops, h.increases, h.largest_drop_pct,
       h.largest_increase_pct, h.avg_change_pct);

