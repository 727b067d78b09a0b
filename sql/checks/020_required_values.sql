-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests"):
-- not null / non-empty.
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none (sql/checks/010_uniqueness.sql says more).

create or replace view etl.check_020_required_values as
select 'listing' as tbl, listing_id::text as id
from core.listing
where url is null or title is null or title = '' or first_seen is null
   or product_id is null or spider is null
union all
select 'price_history', listing_id::text || '@' || valid_from::text
from core.price_history where price is null or currency is null
union all
select 'crawl_run', crawl_run_id::text
from core.crawl_run where started_at is null or finished_at is null or status is null
   or health is null;
