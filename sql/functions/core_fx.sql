-- Currency conversion over the ECB's euro reference rates, core.fx_rate
-- (docs/fx.md).  The rate of a currency on a day is that of the day itself,
-- else that of the nearest earlier date with a rate for that currency
-- (weekends, holidays, a missing file), never a later one: a price is not
-- converted with a rate nobody knew on its day.  EUR, the base, is 1 on
-- every day.  Before a currency's first rate there is no rate: no row.
create or replace function core.fx_rate_on(currency char(3), day date)
returns table (rate numeric, rate_date date)
language sql stable parallel safe
as $$
    select 1::numeric, null::date
    where fx_rate_on.currency = 'EUR'
    union all
    (select r.rate, r.rate_date
     from core.fx_rate r
     where r.currency = fx_rate_on.currency and r.rate_date <= fx_rate_on.day
       and fx_rate_on.currency <> 'EUR'
     order by r.rate_date desc
     limit 1)
$$;

-- Units of to_currency one unit of from_currency buys on `day`, crossed
-- through the euro (GBP to USD = USD rate / GBP rate), and the date of the
-- older of the two rates used (null when none was needed).  1 for a
-- currency into itself; no row when either currency has no rate at or
-- before the day.
create or replace function core.fx_cross_rate(from_currency char(3), to_currency char(3), day date)
returns table (rate numeric, rate_date date)
language sql stable parallel safe
as $$
    select 1::numeric, null::date
    where from_currency = to_currency
    union all
    select t.rate / f.rate, least(f.rate_date, t.rate_date)
    from core.fx_rate_on(from_currency, day) f, core.fx_rate_on(to_currency, day) t
    where from_currency <> to_currency
$$;
