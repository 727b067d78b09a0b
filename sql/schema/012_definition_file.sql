-- The files re-applied after the migrations (sql/functions, sql/views,
-- sql/checks, sql/data; docs/database.md, "Definitions"): the checksum of
-- each as last applied.  `db migrate` applies them every time; `load` and
-- `etl`, which migrate quietly before they work, only when one changed, so
-- that a role without CREATE can still load into an up-to-date database.
-- Readable by every role: it holds checksums of files the binary carries.
create table etl.definition_file (
    path       text primary key check (path ~ '^[a-z]+/[a-z0-9_]+\.sql$'),
    checksum   text not null check (checksum ~ '^[0-9a-f]{64}$'),
    applied_at timestamptz not null default now()
);
grant select on etl.definition_file to public;
