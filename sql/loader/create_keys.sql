-- The loader's statements (etl/loader.c runs them by name; docs/loader.md,
-- "How a file is loaded").  mc_load_keys: what the first pass COPYs (binary
-- format) for every line of a file: a valid line's key, observed_at and
-- state digest (etl/state_digest.c), or a bad line's reject.  Eight
-- columns, in the order etl/loader.c writes them.
create temp table if not exists mc_load_keys (
    line_no integer not null,
    reason text,      -- null: a valid observation
    raw_line text,    -- rejects only
    marketplace text, region text, external_id text, observed_at timestamptz, digest uuid
) on commit delete rows
