-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests").
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none.  They run in name order.  Many restate a
-- constraint on purpose: a test also catches a constraint dropped by hand.
-- They only look at files the ETL has processed (etl.processed_file).

-- uniqueness
create view etl.check_010_listing_key_unique as
select marketplace, external_id, count(*) as listings
from core.listing group by marketplace, external_id having count(*) > 1;

create view etl.check_011_product_key_unique as
select product_key, count(*) as products
from core.product where product_key is not null
group by product_key having count(*) > 1;

create view etl.check_012_one_current_range as
select 'price' as history, listing_id, count(*) as current_ranges
from core.price_history where valid_to is null group by listing_id having count(*) > 1
union all
select 'availability', listing_id, count(*)
from core.availability_history where valid_to is null group by listing_id having count(*) > 1;

-- not null / non-empty
create view etl.check_020_required_values as
select 'listing' as tbl, listing_id::text as id
from core.listing
where url is null or title is null or title = '' or first_seen is null or last_seen is null
   or product_id is null or spider is null
union all
select 'price_history', listing_id::text || '@' || valid_from::text
from core.price_history where price is null or currency is null
union all
select 'crawl_run', crawl_run_id::text
from core.crawl_run where started_at is null or finished_at is null or status is null;

-- relationships
create view etl.check_030_observed_listings_exist as
select o.obs_id, o.marketplace, o.external_id
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
where not exists (select 1 from core.listing l
                  where l.marketplace = o.marketplace and l.external_id = o.external_id);

create view etl.check_031_processed_files_have_runs as
select f.file_id from etl.processed_file f
where not exists (select 1 from core.crawl_run r where r.crawl_run_id = f.file_id);

create view etl.check_032_products_have_listings as
select p.product_id, p.product_key from core.product p
where not exists (select 1 from core.listing l where l.product_id = p.product_id);

create view etl.check_033_listings_have_history as
select l.listing_id, l.marketplace, l.external_id from core.listing l
where not exists (select 1 from core.price_history h where h.listing_id = l.listing_id)
   or not exists (select 1 from core.availability_history h where h.listing_id = l.listing_id);

-- accepted values
create view etl.check_040_accepted_values as
select 'availability' as rule, availability as value
from core.availability_history
where availability not in ('in_stock', 'out_of_stock', 'preorder', 'unknown')
union all
select 'crawl_run.status', status from core.crawl_run
where status not in ('complete', 'aborted', 'suspect')
union all
select 'currency', currency from core.currency where currency !~ '^[A-Z]{3}$'
union all
select 'price', price::text from core.price_history where price < 0 or list_price < 0;

-- validity ranges
create view etl.check_050_price_ranges_do_not_overlap as
select listing_id, valid_from, valid_to, next_from
from (select listing_id, valid_from, valid_to,
             lead(valid_from) over (partition by listing_id order by valid_from) as next_from
      from core.price_history) x
where valid_to <= valid_from or (next_from is not null and (valid_to is null or valid_to > next_from));

create view etl.check_051_availability_ranges_do_not_overlap as
select listing_id, valid_from, valid_to, next_from
from (select listing_id, valid_from, valid_to,
             lead(valid_from) over (partition by listing_id order by valid_from) as next_from
      from core.availability_history) x
where valid_to <= valid_from or (next_from is not null and (valid_to is null or valid_to > next_from));

create view etl.check_052_histories_cover_same_periods as
with p as (select listing_id, range_agg(tstzrange(valid_from, valid_to)) as periods
           from core.price_history group by listing_id),
     a as (select listing_id, range_agg(tstzrange(valid_from, valid_to)) as periods
           from core.availability_history group by listing_id)
select coalesce(p.listing_id, a.listing_id) as listing_id, p.periods as price_periods,
       a.periods as availability_periods
from p full join a on a.listing_id = p.listing_id
where p.periods is distinct from a.periods;

create view etl.check_053_delisting_matches_history as
select l.listing_id, l.delisted_at, h.valid_from, h.valid_to
from core.listing l
join lateral (select valid_from, valid_to from core.price_history h
              where h.listing_id = l.listing_id
              order by valid_from desc limit 1) h on true
where (l.delisted_at is null and h.valid_to is not null)
   or (l.delisted_at is not null and h.valid_to is distinct from l.delisted_at);

create view etl.check_054_seen_within_history as
select l.listing_id, l.first_seen, l.last_seen, h.first_from, h.last_from
from core.listing l
join (select listing_id, min(valid_from) as first_from, max(valid_from) as last_from
      from core.price_history group by listing_id) h on h.listing_id = l.listing_id
where l.first_seen > h.first_from or l.last_seen < h.last_from;

-- every accepted observation is reflected in history (or ignored, with a reason)
create view etl.check_060_observations_in_price_history as
select o.obs_id, o.marketplace, o.external_id, o.observed_at, o.price, o.currency
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
join core.listing l on l.marketplace = o.marketplace and l.external_id = o.external_id
where not exists (select 1 from etl.ignored_observation i where i.obs_id = o.obs_id)
  and not exists (select 1 from core.price_history h
                  where h.listing_id = l.listing_id
                    and h.valid_from <= o.observed_at
                    and (h.valid_to is null or h.valid_to > o.observed_at)
                    and h.price = o.price
                    and h.list_price is not distinct from o.list_price
                    and h.currency = o.currency);

create view etl.check_061_observations_in_availability_history as
select o.obs_id, o.marketplace, o.external_id, o.observed_at, o.availability
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
join core.listing l on l.marketplace = o.marketplace and l.external_id = o.external_id
where not exists (select 1 from etl.ignored_observation i where i.obs_id = o.obs_id)
  and not exists (select 1 from core.availability_history h
                  where h.listing_id = l.listing_id
                    and h.valid_from <= o.observed_at
                    and (h.valid_to is null or h.valid_to > o.observed_at)
                    and h.availability = o.availability);

create view etl.check_062_ignored_observations_are_outside_history as
select i.obs_id, i.reason, o.observed_at
from etl.ignored_observation i
join stg.observation o on o.obs_id = i.obs_id
join core.listing l on l.marketplace = o.marketplace and l.external_id = o.external_id
where exists (select 1 from core.price_history h
              where h.listing_id = l.listing_id and h.valid_from <= o.observed_at
                and (h.valid_to is null or h.valid_to > o.observed_at));

create view etl.check_063_listing_is_newest_observation as
select l.listing_id, l.marketplace, l.external_id, l.title, o.title as newest_title
from core.listing l
cross join lateral (select o.url, o.title from stg.observation o
                    where o.marketplace = l.marketplace and o.external_id = l.external_id
                    order by o.observed_at desc limit 1) o
where l.url <> o.url or l.title <> o.title;

-- the summary behind rpt.daily_price_moves agrees with rpt.price_change
create view etl.check_070_daily_moves_match_changes as
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
