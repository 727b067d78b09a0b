-- The lines that are not unchanged, with their verdicts ('new', 'change',
-- 'late', 'conflict'): what moves listing_state on and what the second
-- pass sends.
create temp table if not exists mc_load_verdicts (
    line_no integer not null, marketplace text not null, region text not null,
    external_id text not null,
    observed_at timestamptz not null, digest uuid not null, verdict text not null
) on commit delete rows
