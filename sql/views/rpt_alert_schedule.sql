-- How often each spider is expected to complete a run (core.spider_schedule,
-- else every 2 days), when its last complete run finished, and whether it
-- is stale now: `marketcrawl watch schedule` prints it.
create or replace view rpt.alert_schedule as
select s.spider,
       coalesce(sc.stale_after, interval '2 days') as stale_after,
       sc.spider is null as is_default,
       c.last_complete_at,
       coalesce(c.last_complete_at + coalesce(sc.stale_after, interval '2 days') < now(), false)
           as stale
from (select spider from core.spider union select spider from core.spider_schedule) s
left join core.spider_schedule sc on sc.spider = s.spider
left join lateral (
    select max(r.finished_at) as last_complete_at
    from core.crawl_run r
    where r.spider = s.spider and r.status = 'complete'
) c on true;
