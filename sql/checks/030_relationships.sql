-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests"):
-- relationships.
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none (sql/checks/010_uniqueness.sql says more).

create or replace view etl.check_030_observed_listings_exist as
select o.obs_id, o.marketplace, o.region, o.external_id
from stg.observation o
join etl.processed_file f on f.file_id = o.file_id
where not exists (select 1 from core.listing l
                  where l.marketplace = o.marketplace and l.region = o.region
                    and l.external_id = o.external_id);

create or replace view etl.check_031_processed_files_have_runs as
select f.file_id from etl.processed_file f
where not exists (select 1 from core.crawl_run r where r.crawl_run_id = f.file_id);

create or replace view etl.check_032_products_have_listings as
select p.product_id, p.product_key from core.product p
where not exists (select 1 from core.listing l where l.product_id = p.product_id);

create or replace view etl.check_033_listings_have_history as
select l.listing_id, l.marketplace, l.external_id from core.listing l
where not exists (select 1 from core.price_history h where h.listing_id = l.listing_id)
   or not exists (select 1 from core.availability_history h where h.listing_id = l.listing_id);
