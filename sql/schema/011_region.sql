-- Regions (docs/model.md, "Regions"): a spider run for a region (`crawl
-- steam --region de`) writes `"region":"de"` into its items and run record.
-- The region is part of a listing's identity: (marketplace, region,
-- external_id).  Steam's app 440 in Germany and in the US are two listings
-- with separate histories in their own currencies, one product through
-- their product_key.  A listing of a spider without regions has region ''
-- (never null: a null in a unique key would make every row distinct).
-- Existing rows get '' and keep their identity.

alter table stg.loaded_file
    add column run_region text not null default '' check (run_region ~ '^[a-z0-9_-]{0,20}$');

alter table stg.observation
    add column region text not null default '' check (region ~ '^[a-z0-9_-]{0,20}$'),
    drop constraint observation_marketplace_external_id_observed_at_key,
    add constraint observation_key unique (marketplace, region, external_id, observed_at);

alter table stg.listing_state
    add column region text not null default '',
    drop constraint listing_state_pkey,
    add primary key (marketplace, region, external_id);

alter table stg.seen_listing_set
    add column region text not null default '';

alter table core.listing
    add column region text not null default '' check (region ~ '^[a-z0-9_-]{0,20}$'),
    drop constraint listing_marketplace_external_id_key,
    add constraint listing_key unique (marketplace, region, external_id);

alter table core.crawl_run
    add column region text not null default '';
update core.crawl_run r set region = f.run_region
from stg.loaded_file f where f.file_id = r.crawl_run_id;

-- ---- views: the region next to the marketplace ------------------------------
-- They go, and sql/views/ and sql/checks/ create them again, with the
-- region, after the migrations.

drop view if exists etl.check_010_listing_key_unique;
drop view if exists etl.check_030_observed_listings_exist;
drop view if exists etl.check_056_last_seen_matches_staging;
drop view if exists etl.check_060_observations_in_price_history;
drop view if exists etl.check_061_observations_in_availability_history;
drop view if exists etl.check_062_sightings_are_listed;
drop view if exists etl.check_063_listing_is_newest_sighting;
drop view if exists etl.check_070_daily_moves_match_changes;
drop view if exists rpt.recent_price_drops;
drop view if exists rpt.recent_price_increases;
drop view if exists rpt.price_change;
drop view if exists rpt.current_price;
drop view if exists rpt.historic_low;
drop view if exists rpt.cheapest_offer;
drop view if exists rpt.price_history;
drop view if exists rpt.run_health;
drop view if exists stg.seen_listing;
