-- The `etl` schema: the ETL's own bookkeeping (docs/model.md, "ETL log").
-- etl.run: one row per `marketcrawl etl` invocation, written before the
--   work starts (autocommit) and finished after it; a failed run's row is
--   completed after the rollback, so it survives it.
-- etl.job_run: per run and job file, rows affected, duration, status, error.
-- etl.processed_file: the watermark.  A staging file (stg.loaded_file) is
--   processed exactly once; "new" means "not in this table", never "id
--   greater than the last one" (bigserial order is not commit order when
--   loaders run concurrently).
-- etl.ignored_observation: accepted observations the history cannot show,
--   with the reason (late data that falls inside a delisted period).
-- The helper functions the ETL jobs use are in sql/functions/etl_*.sql.
-- stg.seen_listing is created here only when the loader's migration did not
-- create it: the ETL needs "which listings did this file contain" (changed
-- or unchanged) to delist listings missing from a complete run.
create schema if not exists etl;

create table if not exists stg.seen_listing (
    file_id     bigint not null references stg.loaded_file,
    marketplace text not null,
    external_id text not null,
    primary key (file_id, marketplace, external_id)
);

create table etl.run (
    run_id          bigint generated always as identity primary key,
    started_at      timestamptz not null default clock_timestamp(),
    finished_at     timestamptz,
    status          text not null
                    check (status in ('running', 'ok', 'failed', 'abandoned', 'locked')),
    files_processed integer not null default 0 check (files_processed >= 0),
    error_text      text,
    backend_pid     integer not null default pg_backend_pid(),
    check ((status = 'running') = (finished_at is null)),
    check (finished_at >= started_at),
    check (status not in ('failed', 'abandoned') or error_text is not null)
);
create index run_status_idx on etl.run (status) where status = 'running';

create table etl.job_run (
    run_id        bigint not null references etl.run on delete cascade,
    job_seq       integer not null check (job_seq > 0),
    job           text not null,          -- e.g. 'etl/030_listing.sql'
    started_at    timestamptz not null,
    finished_at   timestamptz not null,
    duration_ms   numeric(12, 3) not null check (duration_ms >= 0),
    rows_affected bigint not null check (rows_affected >= 0),
    status        text not null check (status in ('ok', 'failed')),
    error_text    text,
    primary key (run_id, job_seq),
    check (finished_at >= started_at),
    check ((status = 'failed') = (error_text is not null))
);

create table etl.processed_file (
    file_id      bigint primary key references stg.loaded_file,
    run_id       bigint not null references etl.run,
    processed_at timestamptz not null default now()
);
create index processed_file_run_idx on etl.processed_file (run_id);

create table etl.ignored_observation (
    obs_id      bigint primary key references stg.observation,
    reason      text not null check (reason in ('inside_delisted_period')),
    run_id      bigint not null references etl.run,
    recorded_at timestamptz not null default now()
);
