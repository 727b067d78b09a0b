-- Products and listings.
-- Reads batch_obs, batch_file, stg.observation (the newest observation of each
-- listing the batch touches, which may be older than the batch when the
-- batch only brought late data), core.product, core.listing.
-- Writes core.product, core.listing (new listings; url, title, attrs and
-- product of known ones), temp latest_obs, batch_listing, batch_listing_file.
-- Re-run safety: every value is recomputed from the newest observation and
-- written only when it differs; products are found by product_key or kept.
create temp table latest_obs on commit drop as
select k.marketplace, k.external_id, k.first_file, k.first_at,
       lo.obs_id, lo.url, lo.title, lo.attrs, lo.product_key
from (
    select distinct on (marketplace, external_id)
           marketplace, external_id, file_id as first_file, observed_at as first_at
    from batch_obs
    order by marketplace, external_id, observed_at
) k
cross join lateral (
    select o.obs_id, o.url, o.title, o.attrs, o.product_key
    from stg.observation o
    where o.marketplace = k.marketplace and o.external_id = k.external_id
    order by o.observed_at desc
    limit 1
) lo;
alter table latest_obs add primary key (marketplace, external_id);
analyze latest_obs;

insert into core.product (product_key)
select distinct product_key from latest_obs where product_key is not null
on conflict (product_key) do nothing;

-- Known listings: the product follows the newest product_key; a listing
-- that loses its key gets a product of its own again.
create temp table listing_refresh on commit drop as
select l.listing_id,
       l.product_id as old_product_id,
       k.url,
       k.title,
       etl.listing_attrs(k.attrs) as attrs,
       k.product_key is null and op.product_key is not null as needs_own_product,
       case when k.product_key is not null then kp.product_id
            when op.product_key is null then l.product_id
            else nextval(pg_get_serial_sequence('core.product', 'product_id'))
       end as new_product_id
from latest_obs k
join core.listing l on l.marketplace = k.marketplace and l.external_id = k.external_id
join core.product op on op.product_id = l.product_id
left join core.product kp on kp.product_key = k.product_key;

insert into core.product (product_id)
select new_product_id from listing_refresh where needs_own_product;

update core.listing l
set url = r.url, title = r.title, attrs = r.attrs, product_id = r.new_product_id
from listing_refresh r
where l.listing_id = r.listing_id
  and (l.url, l.title, l.attrs, l.product_id)
      is distinct from (r.url, r.title, r.attrs, r.new_product_id);

-- New listings: first_seen is their first observation; their sighting
-- (core.listing_seen) starts there and is moved on by 040_presence.sql.
-- Their spider is the spider of the file that first reported them.
create temp table new_listing on commit drop as
select k.*,
       case when k.product_key is null
            then nextval(pg_get_serial_sequence('core.product', 'product_id'))
       end as own_product_id
from latest_obs k
where not exists (select 1 from core.listing l
                  where l.marketplace = k.marketplace and l.external_id = k.external_id);

insert into core.product (product_id)
select own_product_id from new_listing where own_product_id is not null;

with added as (
    insert into core.listing (marketplace, external_id, product_id, spider, url, title,
                              first_seen, attrs)
    select n.marketplace, n.external_id, coalesce(n.own_product_id, p.product_id), b.spider,
           n.url, n.title, n.first_at, etl.listing_attrs(n.attrs)
    from new_listing n
    join batch_file b on b.file_id = n.first_file
    left join core.product p on p.product_key = n.product_key
    order by n.marketplace, n.external_id
    returning listing_id, first_seen
)
insert into core.listing_seen (listing_id, seen_at, follows_spider)
select listing_id, first_seen, false from added;

-- Products nobody points at any more.
delete from core.product p
where p.product_id in (select old_product_id from listing_refresh
                       where old_product_id <> new_product_id)
  and not exists (select 1 from core.listing l where l.product_id = p.product_id);

-- Fresh statistics when the batch grew the tables a lot (the first load):
-- the jobs below join core.listing with big temp tables.
do $$
begin
    if (select count(*) from new_listing) >
       0.2 * greatest((select reltuples from pg_class where oid = 'core.listing'::regclass), 1000)
    then
        analyze core.listing;
        analyze core.listing_seen;
        analyze core.product;
    end if;
end
$$;

create temp table batch_listing on commit drop as
select l.listing_id, k.attrs
from latest_obs k
join core.listing l on l.marketplace = k.marketplace and l.external_id = k.external_id;
alter table batch_listing add primary key (listing_id);

-- (file, listing) pairs the batch observed, with the first observation time.
create temp table batch_listing_file on commit drop as
select o.file_id, l.listing_id, min(o.observed_at) as first_at
from batch_obs o
join core.listing l on l.marketplace = o.marketplace and l.external_id = o.external_id
group by o.file_id, l.listing_id;
create index on batch_listing_file (listing_id);
analyze batch_listing_file;
