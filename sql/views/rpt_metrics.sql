-- The figures `marketcrawl metrics` prints in the Prometheus text format
-- (etl/metrics.c formats them): one row per sample, each with its metric
-- name (without the marketcrawl_ prefix), type, help text and labels (null:
-- no such label), ordered by `ord` then the labels so each metric's samples
-- stay together.  Per spider and region: the last run core.crawl_run holds;
-- the loader: stg.loaded_file's totals; the ETL: the last etl.run; the
-- alerts not yet delivered (core.alert), per kind, every kind listed.
-- The label kind comes last, so the view could gain it in place.
create or replace view rpt.metrics as
with last_run as (
    select distinct on (r.spider, r.region) r.*
    from core.crawl_run r
    order by r.spider, r.region, r.started_at desc, r.crawl_run_id desc
), last_complete as (
    select r.spider, r.region, max(r.finished_at) as finished_at
    from core.crawl_run r
    where r.status = 'complete'
    group by r.spider, r.region
), spider_sample(ord, metric, type, help, spider, region, status, value) as (
    select 1, 'spider_last_run_status', 'gauge',
           'Status of the spider''s last run loaded into the model: 1 for its status, 0 for the others.',
           l.spider, l.region, s.status, (l.status = s.status)::int::float8
    from last_run l
    cross join unnest(array['complete', 'partial', 'aborted', 'suspect']) s(status)
    union all
    select 2, 'spider_last_run_start_timestamp_seconds', 'gauge',
           'When the spider''s last run started, in Unix seconds.',
           l.spider, l.region, null, extract(epoch from l.started_at)::float8
    from last_run l
    union all
    select 3, 'spider_last_complete_run_timestamp_seconds', 'gauge',
           'When the spider''s last complete run finished, in Unix seconds.',
           c.spider, c.region, null, extract(epoch from c.finished_at)::float8
    from last_complete c
    union all
    select 4, 'spider_last_run_duration_seconds', 'gauge',
           'How long the spider''s last run took, in seconds.',
           l.spider, l.region, null, extract(epoch from l.finished_at - l.started_at)::float8
    from last_run l
    union all
    select 5, 'spider_last_run_pages', 'gauge', 'Pages the spider''s last run fetched.',
           l.spider, l.region, null, l.pages::float8
    from last_run l where l.pages is not null
    union all
    select 6, 'spider_last_run_items', 'gauge', 'Items the spider''s last run produced.',
           l.spider, l.region, null, l.items::float8
    from last_run l where l.items is not null
    union all
    select 7, 'spider_last_run_errors', 'gauge', 'Errors the spider''s last run counted.',
           l.spider, l.region, null, l.errors::float8
    from last_run l where l.errors is not null
), loader_sample(ord, metric, type, help, value) as (
    select 20, 'loader_files_loaded_total', 'counter', 'Staging files loaded.',
           count(*)::float8
    from stg.loaded_file
    union all
    select 21, 'loader_rows_accepted_total', 'counter', 'Staging lines loaded as observations.',
           coalesce(sum(rows_accepted), 0)::float8
    from stg.loaded_file
    union all
    select 22, 'loader_rows_unchanged_total', 'counter',
           'Staging lines not stored because the listing had not changed.',
           coalesce(sum(rows_unchanged), 0)::float8
    from stg.loaded_file
    union all
    select 23, 'loader_rows_rejected_total', 'counter', 'Staging lines rejected.',
           coalesce(sum(rows_rejected), 0)::float8
    from stg.loaded_file
), etl_last as (
    select r.*, (select coalesce(sum(j.rows_affected), 0)
                 from etl.job_run j where j.run_id = r.run_id) as rows_affected
    from etl.run r
    order by r.run_id desc
    limit 1
), etl_sample(ord, metric, type, help, status, value) as (
    select 30, 'etl_last_run_status', 'gauge',
           'Status of the last ETL run: 1 for its status, 0 for the others.',
           s.status, (e.status = s.status)::int::float8
    from etl_last e
    cross join unnest(array['running', 'ok', 'failed', 'abandoned', 'locked']) s(status)
    union all
    select 31, 'etl_last_run_start_timestamp_seconds', 'gauge',
           'When the last ETL run started, in Unix seconds.',
           null, extract(epoch from e.started_at)::float8
    from etl_last e
    union all
    select 32, 'etl_last_run_duration_seconds', 'gauge',
           'How long the last finished ETL run took, in seconds.',
           null, extract(epoch from e.finished_at - e.started_at)::float8
    from etl_last e where e.finished_at is not null
    union all
    select 33, 'etl_last_run_rows', 'gauge', 'Rows the last ETL run''s jobs affected.',
           null, e.rows_affected::float8
    from etl_last e
    union all
    select 34, 'etl_last_run_files', 'gauge', 'Loaded files the last ETL run processed.',
           null, e.files_processed::float8
    from etl_last e
)
, alert_sample(ord, metric, type, help, kind, value) as (
    select 40, 'alerts_pending', 'gauge',
           'Alerts and run-health notifications not yet delivered (marketcrawl alerts).',
           k.kind, (select count(*) from core.alert a
                    where a.kind = k.kind and a.delivered_at is null)::float8
    from unnest(array['below', 'drop', 'low', 'in_stock', 'run', 'coverage', 'rejects',
                      'data_test', 'stale']) k(kind)
)
select ord, metric, type, help, spider, nullif(region, '') as region, status, value,
       null::text as kind
from spider_sample
union all
select ord, metric, type, help, null, null, null, value, null from loader_sample
union all
select ord, metric, type, help, null, null, status, value, null from etl_sample
union all
select ord, metric, type, help, null, null, null, value, kind from alert_sample;
