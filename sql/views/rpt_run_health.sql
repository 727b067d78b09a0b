-- Every run the ETL knows, newest first: what the crawler said, what the
-- ETL judged and why, and how well the fields were filled.
create or replace view rpt.run_health as
select r.spider,
       r.run_id,
       r.region,
       r.started_at,
       r.finished_at,
       r.scope,
       r.status,
       r.health,
       r.delists,
       r.observations as items,
       r.produced,
       etl.fill_pct(r.filled_title, r.produced) as title_pct,
       etl.fill_pct(r.filled_price, r.produced) as price_pct,
       etl.fill_pct(r.filled_list_price, r.produced) as list_price_pct,
       etl.fill_pct(r.filled_availability, r.produced) as availability_pct,
       etl.fill_pct(r.filled_product_key, r.produced) as product_key_pct,
       r.health_reason as reason
from core.crawl_run r;
