-- Exchange rates (docs/fx.md): the euro reference rates of the European
-- Central Bank, loaded by `marketcrawl fx load` from its eurofxref XML
-- files (the daily, 90-day and historic ones share the format).  A rate is
-- how many units of `currency` one euro buys on `rate_date`; the base is
-- always EUR, which therefore has no rows.  A date is loaded once:
-- core.fx_day records it with the file it came from, and a later file
-- naming a date already there changes nothing of it.
create table core.fx_day (
    rate_date date primary key,
    source    text not null check (source <> ''),
    loaded_at timestamptz not null
);

create table core.fx_rate (
    currency  char(3) not null references core.currency check (currency <> 'EUR'),
    rate_date date not null references core.fx_day,
    rate      numeric not null check (rate > 0 and rate < 1e12),
    primary key (currency, rate_date)
);
-- The primary key is the one index: the conversion rule looks up "this
-- currency, the latest date at or before a day" (core.fx_rate_on), a
-- backward scan of (currency, rate_date).  Another index led by rate_date
-- would tempt the planner into scanning every rate for a currency it lacks.
