-- The batch: which staging files this run processes, their runs, and the
-- health of every run of the batch's spiders (docs/history-rules.md).
-- Reads stg.loaded_file, stg.rejected_line, etl.processed_file, core.crawl_run.
-- Writes temp batch_file, run_flip; core.spider, core.crawl_run,
-- etl.processed_file.
-- Re-run safety: a file is in the batch only while it is absent from
-- etl.processed_file, and the whole ETL is one transaction, so each file is
-- processed exactly once.  "New" is never "id above a watermark": bigserial
-- order is not commit order when loaders run concurrently.  The health of
-- a run is recomputed from the runs alone, so recomputing it twice gives
-- the same value.
set local work_mem = '256MB';

create temp table batch_file on commit drop as
select f.file_id,
       f.spider,
       f.run_id,
       f.run_status,
       f.run_scope,
       f.run_region,
       f.run_started_at,
       greatest(f.run_finished_at, f.run_started_at) as run_finished_at,
       f.loaded_at,
       coalesce(f.run_record -> 'run', f.run_record) as run_record,
       -- a loaded_file row written by hand may lack the loader's counts
       coalesce(f.rows_valid, greatest(f.rows_read - f.rows_rejected, 0)) as rows_valid,
       f.filled_list_price,
       f.filled_availability,
       f.filled_product_key,
       -- the span of the file's sightings (a file loaded before migration
       -- 010 has its unchanged sightings at the run's start)
       coalesce(f.first_observed_at, f.run_started_at) as first_at,
       greatest(f.last_observed_at, f.run_finished_at, f.run_started_at) as last_at
from stg.loaded_file f
where not exists (select 1 from etl.processed_file p where p.file_id = f.file_id);
alter table batch_file add primary key (file_id);
analyze batch_file;

insert into core.spider (spider)
select distinct spider from batch_file
on conflict (spider) do nothing;

-- What the judgement reads of each file: rejected lines by the field they
-- miss, and the items the crawler dropped (stats.items_dropped).
create temp table batch_count on commit drop as
select b.file_id,
       coalesce(r.rejected, 0) + coalesce(d.dropped, 0) as lost,
       coalesce(r.rejected_title, 0) + coalesce(d.dropped_title, 0) as lost_title,
       coalesce(r.rejected_price, 0) + coalesce(d.dropped_price, 0) as lost_price
from batch_file b
left join (
    select file_id,
           count(*) as rejected,
           count(*) filter (where reason in ('missing_title', 'bad_title', 'too_long_title'))
               as rejected_title,
           count(*) filter (where reason in ('missing_price', 'bad_price', 'negative_price',
                                             'absurd_price')) as rejected_price
    from stg.rejected_line
    where file_id in (select file_id from batch_file)
      and reason <> 'conflicting_observation'  -- depends on the load order, not on the run
    group by file_id
) r on r.file_id = b.file_id
left join lateral (
    select sum(n) as dropped,
           sum(n) filter (where reason = 'missing_title') as dropped_title,
           sum(n) filter (where reason in ('missing_price', 'bad_price')) as dropped_price
    from (select key as reason, value::bigint as n
          from jsonb_each_text(case when jsonb_typeof(b.run_record -> 'stats' -> 'items_dropped')
                                         = 'object'
                                    then b.run_record -> 'stats' -> 'items_dropped'
                                    else '{}' end)
          where value ~ '^[0-9]{1,9}$') x
) d on true;

insert into core.crawl_run (crawl_run_id, spider, run_id, region, status, scope, started_at,
                            finished_at,
                            pages, items, errors, stats, loaded_at, observations, produced,
                            filled_title, filled_price, filled_list_price, filled_availability,
                            filled_product_key, crawler_reason, health, health_reason, delists)
select b.file_id, b.spider, b.run_id, b.run_region, b.run_status, b.run_scope, b.run_started_at,
       b.run_finished_at,
       case when b.run_record ->> 'pages' ~ '^[0-9]{1,9}$' then (b.run_record ->> 'pages')::integer end,
       case when b.run_record ->> 'items' ~ '^[0-9]{1,9}$' then (b.run_record ->> 'items')::integer end,
       case when b.run_record ->> 'errors' ~ '^[0-9]{1,9}$' then (b.run_record ->> 'errors')::integer end,
       case when jsonb_typeof(b.run_record -> 'stats') = 'object' then b.run_record -> 'stats' else '{}' end,
       b.loaded_at,
       b.rows_valid,
       b.rows_valid + c.lost,
       b.rows_valid + c.lost - c.lost_title,
       b.rows_valid + c.lost - c.lost_price,
       b.filled_list_price,
       b.filled_availability,
       b.filled_product_key,
       coalesce(nullif(b.run_record ->> 'partial_reason', ''),
                nullif(b.run_record ->> 'suspect_reason', '')),
       -- provisional: judged below with the spider's other runs
       'aborted', 'judged by 010_batch.sql', false
from batch_file b
join batch_count c on c.file_id = b.file_id
on conflict (crawl_run_id) do nothing;

-- The health of every run of the batch's spiders.  A run the crawler
-- called complete is compared with its baseline: the latest five earlier
-- runs of the same spider, scope and region that the crawler called
-- complete.
create temp table run_verdict on commit drop as
with run as (
    select r.*, etl.fill_pct(r.filled_title, r.produced) as s_title,
           etl.fill_pct(r.filled_price, r.produced) as s_price,
           etl.fill_pct(r.filled_list_price, r.produced) as s_list_price,
           etl.fill_pct(r.filled_availability, r.produced) as s_availability,
           etl.fill_pct(r.filled_product_key, r.produced) as s_product_key
    from core.crawl_run r
    where r.spider in (select spider from batch_file)
), judged as (
    select r.crawl_run_id, r.scope, r.status, r.crawler_reason,
           case when r.status = 'aborted' then 'stopped before the end of its frontier'
                when r.status <> 'complete'
                    then coalesce(r.crawler_reason, 'the crawler marked it ' || r.status)
                when b.n = 0 then null
                when r.observations < b.m_items / 2
                    then format('%s item%s, below half the median %s of %s', r.observations,
                                case when r.observations = 1 then '' else 's' end,
                                trim_scale(b.m_items), etl.previous_runs(b.n))
                else etl.coverage_collapse(
                         b.n, array[r.s_title, r.s_price, r.s_list_price, r.s_availability,
                                    r.s_product_key],
                         array[b.m_title, b.m_price, b.m_list_price, b.m_availability,
                               b.m_product_key])
           end as reason
    from run r
    cross join lateral (
        select count(*) as n,
               etl.median(array_agg(x.observations::numeric)) as m_items,
               etl.median(array_agg(x.s_title)) as m_title,
               etl.median(array_agg(x.s_price)) as m_price,
               etl.median(array_agg(x.s_list_price)) as m_list_price,
               etl.median(array_agg(x.s_availability)) as m_availability,
               etl.median(array_agg(x.s_product_key)) as m_product_key
        from (select p.*
              from run p
              where p.spider = r.spider and p.scope = r.scope and p.region = r.region
                and p.status = 'complete'
                and p.started_at < r.started_at
              order by p.started_at desc, p.run_id collate "C" desc
              limit 5) x
    ) b
)
select crawl_run_id,
       case when status <> 'complete' then status
            when reason is null then 'complete'
            else 'suspect' end as health,
       reason,
       status = 'complete' and reason is null and scope = 'full' as delists
from judged;
alter table run_verdict add primary key (crawl_run_id);

-- Runs processed before whose right to delist changed (a late file joined
-- their baseline): 040_events.sql reconsiders the listings they cover.
create temp table run_flip on commit drop as
select r.crawl_run_id, r.spider, r.region, r.started_at
from run_verdict v
join core.crawl_run r on r.crawl_run_id = v.crawl_run_id
where r.crawl_run_id not in (select file_id from batch_file)
  and r.delists <> v.delists;

update core.crawl_run r
set health = v.health, health_reason = v.reason, delists = v.delists
from run_verdict v
where r.crawl_run_id = v.crawl_run_id
  and (r.health, r.health_reason, r.delists) is distinct from (v.health, v.reason, v.delists);

insert into etl.processed_file (file_id, run_id)
select file_id, current_setting('etl.run_id')::bigint from batch_file;
