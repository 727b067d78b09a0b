-- Watches, alerts and run-health notifications (docs/alerts.md).
--   core.watch            what people watch and the rule that fires; written
--                         by `marketcrawl watch` or by hand (psql)
--   core.alert            the ledger: one row per notification, price alerts
--                         (a watch and the change that fired it) and run
--                         health (a subject such as a run or a file), unique,
--                         so the ETL inserts with `on conflict do nothing`
--                         and nothing fires twice; delivered_at/channel are
--                         set once a delivery succeeded
--   core.spider_schedule  how often a spider is expected to complete a run
--                         (no row: every 2 days), for the stale notification

create table core.watch (
    watch_id    bigint generated always as identity primary key,
    -- the target: exactly one kind
    product_key text check (length(product_key) between 1 and 200),
    marketplace text check (marketplace ~ '^[a-z0-9_.-]{1,100}$'),
    region      text check (region ~ '^[a-z0-9_-]{0,20}$'),  -- null: every region
    external_id text check (length(external_id) between 1 and 200),
    -- the rule
    rule        text not null check (rule in ('below', 'drop', 'low', 'in_stock')),
    amount      numeric check (amount > 0 and amount < 1e13),  -- below: the price
    currency    char(3) references core.currency,              -- below: its currency
    pct         numeric check (pct >= 0 and pct < 100),         -- drop: at least; low: within
    low_days    integer check (low_days in (90, 365)),          -- low: the window; null: all time
    label       text check (label <> '' and length(label) <= 200),
    since       timestamptz not null default now(),  -- changes before it never fire
    created_at  timestamptz not null default now(),
    -- set by the ETL once it has looked at the whole history from since;
    -- from then on it looks only at the listings each run rebuilds (set it
    -- back to null after changing a watch's target or rule by hand)
    evaluated_at timestamptz,
    check (num_nonnulls(product_key, external_id) <= 1),
    check (product_key is null or (marketplace is null and region is null)),
    check (external_id is null or marketplace is not null),
    check (num_nonnulls(product_key, marketplace) = 1),
    check ((rule = 'below') = (amount is not null and currency is not null)),
    check (rule = 'below' or (amount is null and currency is null)),
    check ((rule in ('drop', 'low')) = (pct is not null)),
    check (rule <> 'drop' or pct > 0),
    check (rule = 'low' or low_days is null)
);
comment on table core.watch is 'what people watch (marketcrawl watch; docs/alerts.md)';

create table core.alert (
    alert_id     bigint generated always as identity primary key,
    kind         text not null check (kind in (
                     'below', 'drop', 'low', 'in_stock',              -- a watch fired
                     'run', 'coverage', 'rejects', 'data_test', 'stale')),  -- run health
    watch_id     bigint references core.watch on delete cascade,
    listing_id   bigint references core.listing,
    event_at     timestamptz not null,   -- when the change or the problem happened
    subject      text check (subject <> ''),  -- run health: what it is about, its key
    message      text not null check (message <> ''),
    details      jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    fired_at     timestamptz not null default now(),
    delivered_at timestamptz,
    channel      text check (channel in ('stdout', 'exec', 'webhook')),
    check ((watch_id is null) = (listing_id is null)),
    check ((watch_id is null) = (subject is not null)),
    check ((watch_id is null) = (kind in ('run', 'coverage', 'rejects', 'data_test', 'stale'))),
    check ((delivered_at is null) = (channel is null))
);
create unique index alert_watch_change_key on core.alert (watch_id, listing_id, event_at)
    where watch_id is not null;
create unique index alert_subject_key on core.alert (kind, subject) where watch_id is null;
create index alert_pending_idx on core.alert (alert_id) where delivered_at is null;

create table core.spider_schedule (
    spider      text primary key check (length(spider) between 1 and 100),
    stale_after interval not null check (stale_after > interval '0')
);
