-- The run-health rules' arithmetic (docs/history-rules.md, "Health"), in
-- exact decimals so that a recomputation elsewhere gives the same answer:
-- the share of the produced items that had a field, in percent with one
-- decimal (half away from zero); the median (the mean of the two middle
-- values of an even count); and the first field, in the order title,
-- price, list_price, availability, product_key, that the baseline filled
-- for at least half of its items (median) and this run for less than half
-- of that, as the reason for people (null when there is none).
create or replace function etl.fill_pct(filled integer, produced integer)
returns numeric
language sql immutable parallel safe
return case when produced > 0 then round(100.0 * filled / produced, 1) else 0 end;

create or replace function etl.median(v numeric[])
returns numeric
language sql immutable parallel safe
as $$
    select case when n = 0 then null
                when n % 2 = 1 then s[(n + 1) / 2]
                else (s[n / 2] + s[n / 2 + 1]) / 2 end
    from (select array_agg(x order by x) as s, count(x)::integer as n
          from unnest(v) as x) q
$$;

create or replace function etl.previous_runs(runs bigint)
returns text
language sql immutable parallel safe
return case when runs = 1 then 'the previous complete run'
            else format('the %s previous complete runs', runs) end;

create or replace function etl.coverage_collapse(runs bigint, pct numeric[], median numeric[])
returns text
language sql immutable parallel safe
as $$
    select format('%s filled for %s%% of the items, below half the median %s%% of %s',
                  (array['title', 'price', 'list_price', 'availability', 'product_key'])[i],
                  pct[i], trim_scale(median[i]), etl.previous_runs(runs))
    from generate_subscripts(pct, 1) as i
    where median[i] >= 50 and pct[i] < median[i] / 2
    order by i
    limit 1
$$;
