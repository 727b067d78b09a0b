-- The batch's observations, and the marketplaces and currencies they name.
-- Reads stg.observation for the batch files.
-- Writes temp batch_obs, core.marketplace, core.currency.
-- Re-run safety: inserts are "on conflict do nothing" (marketplace first_seen
-- only ever moves earlier), so a second pass changes nothing.
create temp table batch_obs on commit drop as
select o.obs_id, o.file_id, o.marketplace, o.region, o.external_id, o.observed_at, o.currency
from stg.observation o
join batch_file b on b.file_id = o.file_id;
create index on batch_obs (marketplace, region, external_id, observed_at);
analyze batch_obs;

insert into core.marketplace as m (marketplace, first_seen)
select marketplace, min(observed_at) from batch_obs group by marketplace
on conflict (marketplace) do update set first_seen = excluded.first_seen
    where excluded.first_seen < m.first_seen;

-- A code outside the seeded ISO 4217 list is recorded without name and
-- minor units rather than refused: the price is still exact.
insert into core.currency (currency)
select distinct currency from batch_obs
on conflict (currency) do nothing;
