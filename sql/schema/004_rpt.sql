-- The `rpt` schema: views for people (docs/reports.md).  Their names and
-- column names are the interface used by `marketcrawl report`, psql,
-- Metabase or Grafana; they read core.* (and one summary in mart.*), never
-- stg.*.  Times are timestamptz; days are UTC days.
--
-- The `mart` schema: summaries the ETL keeps up to date so that reports over
-- all history stay fast.  Derived from core only, rebuilt per touched day by
-- sql/etl/070_daily_moves.sql, verified by `marketcrawl etl --check`.
create schema if not exists rpt;
create schema if not exists mart;

-- Per UTC day and marketplace, over the price changes of that day (see
-- core.price_change): how many, the largest drop and increase in percent
-- (with the listing), the average percent change.  The views are in
-- sql/views/rpt_*.sql.
create table mart.daily_price_move (
    day                          date not null,
    marketplace                  text not null references core.marketplace,
    changes                      integer not null check (changes > 0),
    drops                        integer not null check (drops >= 0),
    increases                    integer not null check (increases >= 0),
    largest_drop_pct             numeric,
    largest_drop_listing_id      bigint references core.listing,
    largest_increase_pct         numeric,
    largest_increase_listing_id  bigint references core.listing,
    avg_change_pct               numeric,
    primary key (day, marketplace),
    check (drops + increases = changes),
    check ((largest_drop_pct is null) = (largest_drop_listing_id is null)),
    check ((largest_increase_pct is null) = (largest_increase_listing_id is null))
);
