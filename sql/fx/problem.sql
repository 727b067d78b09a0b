-- The first problem of the staged file that the parser cannot see alone,
-- by line: a currency given twice for one date, or a code core.currency
-- does not know.  No row: none.
select line, problem, currency, rate_date
from (select (array_agg(line order by line))[2] as line, 'twice' as problem,
             currency, rate_date
      from fx_in
      group by currency, rate_date
      having count(*) > 1
      union all
      select min(i.line), 'unknown', i.currency, null
      from fx_in i
      where not exists (select 1 from core.currency c where c.currency = i.currency)
      group by i.currency) p
order by line
limit 1
