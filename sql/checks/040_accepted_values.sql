-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests"):
-- accepted values.
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none (sql/checks/010_uniqueness.sql says more).

create or replace view etl.check_040_accepted_values as
select 'availability' as rule, availability as value
from core.availability_history
where availability not in ('in_stock', 'out_of_stock', 'preorder', 'unknown')
union all
select 'crawl_run.status', status from core.crawl_run
where status not in ('complete', 'partial', 'aborted', 'suspect')
union all
select 'crawl_run.health', health from core.crawl_run
where health not in ('complete', 'partial', 'aborted', 'suspect')
   or delists <> (health = 'complete' and scope = 'full')
union all
select 'currency', currency from core.currency where currency !~ '^[A-Z]{3}$'
union all
select 'price', price::text from core.price_history where price < 0 or list_price < 0;
