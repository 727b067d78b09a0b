-- Alerts (docs/alerts.md): every price or availability change that meets a
-- watch's rule becomes one row of core.alert, then the run-health problems
-- (etl.alert_run_health, sql/functions/alert.sql).
-- Reads core.watch, core.listing, core.product, core.price_change (the one
-- definition of a price change), core.price_history,
-- core.availability_history, temp touched (040_events.sql).  Writes
-- core.alert, core.watch.evaluated_at.
-- Exactly once: the ledger's key is (watch, listing, the change's time), a
-- unique index, and every insert is `on conflict do nothing`.  Re-running
-- the ETL finds the same changes; a reloaded file is not loaded again; a
-- file loaded out of order rebuilds the history's tail, but a change that
-- survives the rebuild keeps its time, so it never fires again.  Only
-- changes at or after a watch's `since` (default: its creation) fire, so a
-- new watch does not bring up the whole history.

-- The listings each watch covers, and from when their changes are looked
-- at: a watch the ETL has not evaluated yet, its whole history from since;
-- else only the listings this run touched (040_events.sql), from where
-- their history was rebuilt (t_from): nothing else can have changed.
create temp table watch_listing on commit drop as
select w.watch_id, w.rule, w.amount, w.currency, w.pct, w.low_days, l.listing_id,
       case when w.evaluated_at is null then w.since
            else greatest(w.since, t.t_from) end as since,
       etl.watch_rule(w) as rule_text, w.label
from core.watch w
join core.listing l
  on case when w.product_key is not null
          then l.product_id = (select p.product_id from core.product p
                               where p.product_key = w.product_key)
          else l.marketplace = w.marketplace
               and (w.region is null or l.region = w.region)
               and (w.external_id is null or l.external_id = w.external_id) end
left join touched t on t.listing_id = l.listing_id
where w.evaluated_at is null or t.listing_id is not null;

-- Price rules: below (a drop to at most the amount, in its currency), drop
-- (by at least pct), low (a drop to at most pct above the lowest price of
-- the window before the change, in the same currency).
insert into core.alert (kind, watch_id, listing_id, event_at, message, details)
select w.rule, w.watch_id, w.listing_id, c.changed_at,
       format('%s%s:%s "%s": %s -> %s %s (%s%%), %s [watch %s%s] %s', l.marketplace,
              coalesce(nullif('/' || l.region, '/'), ''), l.external_id, l.title,
              c.old_price, c.new_price, c.currency, c.delta_pct,
              w.rule_text, w.watch_id, coalesce(': ' || w.label, ''), l.url),
       jsonb_build_object('watch_id', w.watch_id, 'rule', w.rule, 'rule_text', w.rule_text,
                          'label', w.label, 'marketplace', l.marketplace, 'region', l.region,
                          'external_id', l.external_id, 'title', l.title, 'url', l.url,
                          'product_key', p.product_key, 'currency', c.currency,
                          'old_price', c.old_price::text,
                          'new_price', c.new_price::text,
                          'delta_pct', c.delta_pct::text,
                          'low', lo.low::text,
                          'changed_at', etl.utc_text(c.changed_at))
from watch_listing w
join core.price_change c on c.listing_id = w.listing_id and c.changed_at >= w.since
join core.listing l on l.listing_id = w.listing_id
join core.product p on p.product_id = l.product_id
left join lateral (
    select min(h.price) as low
    from core.price_history h
    where w.rule = 'low' and h.listing_id = c.listing_id and h.currency = c.currency
      and h.valid_from < c.changed_at
      and (w.low_days is null
           or coalesce(h.valid_to, 'infinity') > c.changed_at - make_interval(days => w.low_days))
) lo on true
where case w.rule
          when 'below' then c.currency = w.currency and c.new_price <= w.amount
                            and c.new_price < c.old_price
          when 'drop' then c.delta_pct <= -w.pct
          when 'low' then c.new_price < c.old_price and c.new_price <= lo.low * (1 + w.pct / 100)
          else false end
order by c.changed_at, w.watch_id, w.listing_id
on conflict (watch_id, listing_id, event_at) where watch_id is not null do nothing;

-- Back in stock: an in_stock range whose previous range was out_of_stock.
insert into core.alert (kind, watch_id, listing_id, event_at, message, details)
select 'in_stock', w.watch_id, w.listing_id, a.valid_from,
       format('%s%s:%s "%s": back in stock%s [watch %s%s] %s', l.marketplace,
              coalesce(nullif('/' || l.region, '/'), ''), l.external_id, l.title,
              coalesce(format(' at %s %s', ph.price, ph.currency), ''),
              w.watch_id, coalesce(': ' || w.label, ''), l.url),
       jsonb_build_object('watch_id', w.watch_id, 'rule', w.rule, 'rule_text', w.rule_text,
                          'label', w.label, 'marketplace', l.marketplace, 'region', l.region,
                          'external_id', l.external_id, 'title', l.title, 'url', l.url,
                          'product_key', p.product_key, 'currency', ph.currency,
                          'new_price', ph.price::text,
                          'changed_at', etl.utc_text(a.valid_from))
from watch_listing w
join core.availability_history a
  on a.listing_id = w.listing_id and a.valid_from >= w.since and a.availability = 'in_stock'
cross join lateral (
    select p.availability from core.availability_history p
    where p.listing_id = a.listing_id and p.valid_from < a.valid_from
    order by p.valid_from desc limit 1
) prev
join core.listing l on l.listing_id = w.listing_id
join core.product p on p.product_id = l.product_id
left join lateral (
    select h.price, h.currency from core.price_history h
    where h.listing_id = a.listing_id and h.valid_from <= a.valid_from
    order by h.valid_from desc limit 1
) ph on true
where w.rule = 'in_stock' and prev.availability = 'out_of_stock'
order by a.valid_from, w.watch_id, w.listing_id
on conflict (watch_id, listing_id, event_at) where watch_id is not null do nothing;

update core.watch set evaluated_at = now() where evaluated_at is null;

-- The run-health problems, this run's verdicts included.  `marketcrawl
-- alerts` collects them too, outside this transaction: one it committed
-- after this run's snapshot was taken is a row this run cannot see, and
-- PostgreSQL refuses `on conflict do nothing` over it (a serialization
-- failure) rather than guess.  Then this step gives way, since the
-- notification exists already, and the ETL run goes on.
do $$
begin
    perform etl.alert_run_health();
exception when serialization_failure then
    null;
end
$$;
