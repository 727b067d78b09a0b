-- Alerts (docs/alerts.md): how a watch reads to people, the time format of
-- the alerts' JSON, and the run-health notifications, which the ETL job
-- sql/etl/090_alerts.sql and `marketcrawl alerts` both collect (the latter
-- so that a spider that stopped running is noticed without an ETL run).

-- A time as RFC 3339 UTC, the way every alert's JSON carries it.
create or replace function etl.utc_text(t timestamptz)
returns text
language sql immutable parallel safe
return to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

-- What a watch watches: "product KEY", "MARKETPLACE[/REGION]:ID" or
-- "MARKETPLACE[/REGION]" (a whole marketplace).
create or replace function etl.watch_target(w core.watch)
returns text
language sql stable parallel safe
return case when w.product_key is not null then 'product ' || w.product_key
            else w.marketplace || coalesce(nullif('/' || w.region, '/'), '')
                 || coalesce(':' || w.external_id, '') end;

-- Its rule: "below 15 EUR", "drop >= 20%", "within 5% of the 90-day low",
-- "back in stock".
create or replace function etl.watch_rule(w core.watch)
returns text
language sql stable parallel safe
return case w.rule
    when 'below' then format('below %s %s', trim_scale(w.amount), w.currency)
    when 'drop' then format('drop >= %s%%', trim_scale(w.pct))
    when 'low' then case when w.pct = 0 then 'at ' else format('within %s%% of ', trim_scale(w.pct)) end
                    || case when w.low_days is null then 'the all-time low'
                            else format('the %s-day low', w.low_days) end
    else 'back in stock' end;

-- Run health: every problem becomes one row of core.alert, keyed by
-- (kind, subject), inserted with `on conflict do nothing`, so calling this
-- again never notifies twice.  Problems of runs and files loaded before
-- the alerts existed (migration 013) are history, not news; a spider that
-- is stale is news whenever it is.  Returns the number of notifications
-- added.
create or replace function etl.alert_run_health()
returns bigint
language plpgsql
set intervalstyle = 'postgres'  -- "2 days" in the messages, whatever the session's style
as $$
declare
    since timestamptz := coalesce((select applied_at from etl.schema_version where version = 13),
                                  '-infinity');
    n bigint;
    total bigint := 0;
begin
    -- A run the ETL judged anything but complete: failed (aborted), partial,
    -- suspect; a suspect run whose reason is a field's collapsed coverage
    -- is a 'coverage' notification.  Once per run and verdict.
    insert into core.alert (kind, event_at, subject, message, details)
    select case when r.health = 'suspect'
                     and r.health_reason ~ '^(title|price|list_price|availability|product_key) filled for '
                then 'coverage' else 'run' end,
           r.finished_at,
           format('run %s %s', r.crawl_run_id, r.health),
           format('spider %s%s: run %s is %s: %s', r.spider, coalesce(nullif('/' || r.region, '/'), ''),
                  r.run_id, r.health, r.health_reason),
           jsonb_build_object('spider', r.spider, 'region', r.region, 'run_id', r.run_id,
                              'status', r.status, 'health', r.health, 'reason', r.health_reason,
                              'started_at', etl.utc_text(r.started_at),
                              'finished_at', etl.utc_text(r.finished_at),
                              'items', r.observations, 'errors', r.errors)
    from core.crawl_run r
    where r.health <> 'complete' and r.loaded_at >= since
    order by r.finished_at, r.crawl_run_id
    on conflict (kind, subject) where watch_id is null do nothing;
    get diagnostics n = row_count;
    total := total + n;

    -- A loaded file with rejected lines: once per file.
    insert into core.alert (kind, event_at, subject, message, details)
    select 'rejects', f.loaded_at, format('file %s', f.file_id),
           format('load of %s (spider %s, run %s): %s of %s lines rejected (%s)', f.path, f.spider,
                  f.run_id, f.rows_rejected, f.rows_read,
                  coalesce(rj.reasons, 'no reasons recorded')),
           jsonb_build_object('path', f.path, 'spider', f.spider, 'run_id', f.run_id,
                              'rows_read', f.rows_read, 'rows_rejected', f.rows_rejected,
                              'loaded_at', etl.utc_text(f.loaded_at),
                              'reasons', coalesce(rj.by_reason, '{}'))
    from stg.loaded_file f
    left join lateral (
        select string_agg(format('%s %s', x.n, x.reason), ', ' order by x.n desc, x.reason) as reasons,
               jsonb_object_agg(x.reason, x.n) as by_reason
        from (select j.reason, count(*) as n from stg.rejected_line j
              where j.file_id = f.file_id group by j.reason) x
    ) rj on true
    where f.rows_rejected > 0 and f.loaded_at >= since
    order by f.loaded_at, f.file_id
    on conflict (kind, subject) where watch_id is null do nothing;
    get diagnostics n = row_count;
    total := total + n;

    -- A spider without a complete run within its interval
    -- (core.spider_schedule, else 2 days): once per last complete run.
    insert into core.alert (kind, event_at, subject, message, details)
    select 'stale', s.last_at + s.stale_after,
           format('spider %s since %s', s.spider, etl.utc_text(s.last_at)),
           format('spider %s: no complete run since %s (expected every %s)', s.spider,
                  etl.utc_text(s.last_at), s.stale_after),
           jsonb_build_object('spider', s.spider, 'last_complete_at', etl.utc_text(s.last_at),
                              'stale_after', s.stale_after::text)
    from (select sp.spider,
                 coalesce(sc.stale_after, interval '2 days') as stale_after,
                 coalesce((select max(r.finished_at) from core.crawl_run r
                           where r.spider = sp.spider and r.status = 'complete'),
                          (select min(r.started_at) from core.crawl_run r
                           where r.spider = sp.spider)) as last_at
          from core.spider sp
          left join core.spider_schedule sc on sc.spider = sp.spider) s
    where s.last_at + s.stale_after < now()
    order by s.spider
    on conflict (kind, subject) where watch_id is null do nothing;
    get diagnostics n = row_count;
    return total + n;
end
$$;

-- A data test that failed (`marketcrawl etl --check`, test named without
-- "check_"): once per test and ETL run, so checking again before the next
-- ETL run says nothing new.  Returns 1 when it was new, else 0.
create or replace function etl.alert_data_test(test text, failing bigint)
returns integer
language plpgsql
as $$
declare
    etl_run bigint := (select max(run_id) from etl.run where status = 'ok');
    sample text;
    n integer;
begin
    execute format('select row_to_json(t)::text from etl.%I t limit 1', 'check_' || test)
        into sample;
    insert into core.alert (kind, event_at, subject, message, details)
    values ('data_test', now(), format('%s after etl run %s', test, coalesce(etl_run, 0)),
            format('data test %s failed: %s rows (after etl run %s)', test, failing,
                   coalesce(etl_run::text, 'none')),
            jsonb_build_object('test', test, 'rows', failing, 'etl_run', etl_run,
                               'sample', sample))
    on conflict (kind, subject) where watch_id is null do nothing;
    get diagnostics n = row_count;
    return n;
end
$$;

-- What a delivery sends (`alerts --deliver`, docs/alerts.md): the alert's
-- fields and details as one JSON object, plus the message as "text" (what
-- Slack's incoming webhooks show) and "content" (Discord's, at most 2000
-- characters).
create or replace function etl.alert_payload(a core.alert)
returns jsonb
language sql stable parallel safe
return a.details || jsonb_build_object('alert_id', a.alert_id, 'kind', a.kind,
                                       'event_at', etl.utc_text(a.event_at),
                                       'fired_at', etl.utc_text(a.fired_at),
                                       'subject', a.subject, 'message', a.message,
                                       'text', a.message, 'content', left(a.message, 2000));
