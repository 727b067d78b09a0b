-- Landing zone for staging files (docs/loader.md).
-- stg.loaded_file: one row per staging file ever loaded, keyed by content
--   hash, so a file (or a copy of it) is loaded exactly once.
-- stg.observation: accepted observations (new listings and changes only).
-- stg.listing_state: the current state of every listing (its latest
--   accepted observation by observed_at); its primary key is the unique
--   index that decides "unchanged" versus "changed".
-- stg.rejected_line: lines that broke the staging format, with the reason.
-- stg.seen_listing: every listing a file contained (accepted or unchanged),
--   for the ETL's delisting of listings absent from a complete run.
-- Integrity note: stg.observation.file_id, stg.listing_state.obs_id and
-- stg.seen_listing.file_id have no foreign keys on purpose.  A per-row
-- foreign-key check costs more than the insert itself at a million rows;
-- the loader writes a file's loaded_file row, observations, state and seen
-- listings in one transaction, and nothing else writes these tables.
create schema if not exists stg;

create table stg.loaded_file (
    file_id        bigserial primary key,
    content_sha256 text not null unique check (content_sha256 ~ '^[0-9a-f]{64}$'),
    path           text not null,
    spider         text not null,
    run_id         text not null,
    run_status     text not null check (run_status in ('complete', 'aborted', 'suspect')),
    run_started_at timestamptz not null,
    run_finished_at timestamptz not null,
    run_record     jsonb not null,
    rows_read      integer not null default 0,
    rows_accepted  integer not null default 0,
    rows_unchanged integer not null default 0,
    rows_rejected  integer not null default 0,
    loaded_at      timestamptz not null default now()
);

create table stg.observation (
    obs_id        bigserial primary key,
    file_id       bigint not null,  -- stg.loaded_file (see the integrity note)
    line_no       integer not null,
    marketplace   text not null,
    external_id   text not null,
    url           text not null,
    title         text not null,
    price         numeric(18, 6) not null check (price >= 0),
    list_price    numeric(18, 6) check (list_price >= 0),
    currency      char(3) not null,
    availability  text not null
                  check (availability in ('in_stock', 'out_of_stock', 'preorder', 'unknown')),
    observed_at   timestamptz not null,
    product_key   text,
    attrs         jsonb not null default '{}',
    -- true when it arrived after a newer observation of the same listing
    is_late       boolean not null default false,
    unique (marketplace, external_id, observed_at)
);
-- BRIN, not btree: loaders are serialised, so file_id only grows in insertion
-- order and a block-range index finds a file's rows at almost no write cost.
create index observation_file_idx on stg.observation using brin (file_id);

create table stg.listing_state (
    marketplace   text not null,
    external_id   text not null,
    price         numeric(18, 6) not null,
    list_price    numeric(18, 6),
    currency      char(3) not null,
    availability  text not null,
    title         text not null,
    observed_at   timestamptz not null,
    obs_id        bigint not null,  -- stg.observation (see the integrity note)
    primary key (marketplace, external_id)
);

create table stg.rejected_line (
    reject_id   bigserial primary key,
    file_id     bigint not null references stg.loaded_file,
    path        text not null,
    line_no     integer not null,
    reason      text not null,
    raw_line    text not null,  -- truncated to 4 KiB, NUL bytes removed
    unique (file_id, line_no)
);

create table stg.seen_listing (
    file_id     bigint not null,  -- stg.loaded_file (see the integrity note)
    marketplace text not null,
    external_id text not null
);
create index seen_listing_file_idx on stg.seen_listing using brin (file_id);
