-- The batch: which staging files this run processes, and their runs.
-- Reads stg.loaded_file, stg.seen_listing_set, etl.processed_file.
-- Writes temp batch_file, core.spider, core.crawl_run, etl.processed_file.
-- Re-run safety: a file is in the batch only while it is absent from
-- etl.processed_file, and the whole ETL is one transaction, so each file is
-- processed exactly once.  "New" is never "id above a watermark": bigserial
-- order is not commit order when loaders run concurrently.
set local work_mem = '256MB';

create temp table batch_file on commit drop as
select f.file_id,
       f.spider,
       f.run_id,
       f.run_status,
       f.run_started_at,
       f.run_finished_at,
       f.loaded_at,
       coalesce(f.run_record -> 'run', f.run_record) as run_record,
       -- Only a complete run delists, and only when the loader recorded its
       -- unchanged listings in stg.seen_listing_set (a file whose unchanged
       -- rows are missing there would delist them all).
       f.run_status = 'complete'
           and (f.rows_unchanged = 0
                or exists (select 1 from stg.seen_listing_set s where s.file_id = f.file_id))
           as delists
from stg.loaded_file f
where not exists (select 1 from etl.processed_file p where p.file_id = f.file_id);
alter table batch_file add primary key (file_id);
analyze batch_file;

insert into core.spider (spider)
select distinct spider from batch_file
on conflict (spider) do nothing;

insert into core.crawl_run (crawl_run_id, spider, run_id, status, started_at, finished_at,
                            pages, items, errors, stats, loaded_at)
select b.file_id, b.spider, b.run_id, b.run_status, b.run_started_at,
       greatest(b.run_finished_at, b.run_started_at),
       case when b.run_record ->> 'pages' ~ '^[0-9]{1,9}$' then (b.run_record ->> 'pages')::integer end,
       case when b.run_record ->> 'items' ~ '^[0-9]{1,9}$' then (b.run_record ->> 'items')::integer end,
       case when b.run_record ->> 'errors' ~ '^[0-9]{1,9}$' then (b.run_record ->> 'errors')::integer end,
       case when jsonb_typeof(b.run_record -> 'stats') = 'object' then b.run_record -> 'stats' else '{}' end,
       b.loaded_at
from batch_file b
on conflict (crawl_run_id) do nothing;

insert into etl.processed_file (file_id, run_id)
select file_id, current_setting('etl.run_id')::bigint from batch_file;
