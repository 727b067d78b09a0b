-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests"):
-- run health.
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none (sql/checks/010_uniqueness.sql says more).

-- the health columns agree with the rules' inputs
create or replace view etl.check_064_run_health_has_a_reason as
select crawl_run_id, spider, run_id, status, health, health_reason
from core.crawl_run
where (health = 'complete') <> (health_reason is null)
   or (status <> 'complete' and health <> status);
