-- Add the staged dates core.fx_day does not have yet, with their rates; a
-- date already there is kept as it is (exactly once per date).  $1: the
-- file's name, recorded as the dates' source.  Returns the new dates, the
-- dates already present, the new rates and the rates of present dates.
with day_in as (
    select rate_date, count(*) as rates
    from fx_in
    group by rate_date
), new_day as (
    insert into core.fx_day (rate_date, source, loaded_at)
    select d.rate_date, $1, now()
    from day_in d
    where not exists (select 1 from core.fx_day f where f.rate_date = d.rate_date)
    returning rate_date
), new_rate as (
    insert into core.fx_rate (currency, rate_date, rate)
    select i.currency, i.rate_date, i.rate
    from fx_in i
    join new_day n on n.rate_date = i.rate_date
    returning 1
)
select (select count(*) from new_day),
       (select count(*) from day_in) - (select count(*) from new_day),
       (select count(*) from new_rate),
       (select coalesce(sum(rates), 0) from day_in) - (select count(*) from new_rate)
