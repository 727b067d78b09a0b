-- Every alert and run-health notification (core.alert), for `marketcrawl
-- alerts` (pending ones: delivered_at is null) and for people in psql.
create or replace view rpt.alert as
select a.alert_id,
       a.kind,
       a.event_at,
       a.message,
       a.fired_at,
       a.delivered_at,
       a.channel
from core.alert a;
