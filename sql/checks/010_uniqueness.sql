-- Data tests run by `marketcrawl etl --check` (docs/model.md, "Data tests").
-- Each view etl.check_NNN_name returns the rows that break one rule; the
-- test passes when it returns none.  They run in name order.  Many restate a
-- constraint on purpose: a test also catches a constraint dropped by hand.
-- They only look at files the ETL has processed (etl.processed_file).

-- uniqueness
create or replace view etl.check_010_listing_key_unique as
select marketplace, region, external_id, count(*) as listings
from core.listing group by marketplace, region, external_id having count(*) > 1;

create or replace view etl.check_011_product_key_unique as
select product_key, count(*) as products
from core.product where product_key is not null
group by product_key having count(*) > 1;

create or replace view etl.check_012_one_current_range as
select 'price' as history, listing_id, count(*) as current_ranges
from core.price_history where valid_to is null group by listing_id having count(*) > 1
union all
select 'availability', listing_id, count(*)
from core.availability_history where valid_to is null group by listing_id having count(*) > 1;
