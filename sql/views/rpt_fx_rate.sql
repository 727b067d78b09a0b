-- `report fx-rates` (docs/fx.md): per currency, the exchange rates loaded
-- by `marketcrawl fx load`: the first and last date, how many dates, and
-- the last rate (units of the currency per euro).
create or replace view rpt.fx_rate as
select r.currency,
       c.name,
       min(r.rate_date)                                 as first_date,
       max(r.rate_date)                                 as last_date,
       count(*)                                         as dates,
       (array_agg(r.rate order by r.rate_date desc))[1] as last_rate
from core.fx_rate r
join core.currency c on c.currency = r.currency
group by r.currency, c.name;
