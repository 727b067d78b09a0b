-- The repeating attributes kept in their own tables (platforms, genres):
-- the text values of attrs->key when it is an array (string elements) or a
-- single string; trimmed, lower-cased, empty ones dropped.
create or replace function etl.attr_values(attrs jsonb, key text) returns setof text
language sql immutable parallel safe
as $$
    select distinct lower(btrim(v))
    from (
        select jsonb_array_elements_text(attrs -> key) as v
        where jsonb_typeof(attrs -> key) = 'array'
        union all
        select attrs ->> key
        where jsonb_typeof(attrs -> key) = 'string'
    ) x
    where btrim(v) <> '' and length(btrim(v)) <= 100
$$;

-- attrs without the keys that etl.attr_values normalises into tables.
create or replace function etl.listing_attrs(attrs jsonb) returns jsonb
language sql immutable parallel safe
as $$
    select attrs
        - (case when jsonb_typeof(attrs -> 'platforms') in ('array', 'string')
                then 'platforms' else '' end)
        - (case when jsonb_typeof(attrs -> 'genres') in ('array', 'string')
                then 'genres' else '' end)
$$;
