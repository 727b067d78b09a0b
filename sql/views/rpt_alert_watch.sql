-- The watches (core.watch) as `marketcrawl watch list` prints them: the
-- target and the rule in words, and how many alerts each has fired.
create or replace view rpt.alert_watch as
select w.watch_id,
       etl.watch_target(w) as target,
       etl.watch_rule(w) as rule,
       w.label,
       w.since,
       (select count(*) from core.alert a where a.watch_id = w.watch_id) as alerts,
       (select count(*) from core.alert a
        where a.watch_id = w.watch_id and a.delivered_at is null) as pending
from core.watch w;
