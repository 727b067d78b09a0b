-- A touched listing's values, products, delisting, and whether its newest
-- sighting still has the state the loader compares with.
-- Reads tail_newest, presence_end, stg.observation, stg.listing_state,
-- core.listing, core.product.
-- Writes core.product, core.listing (url, title, attrs, product,
-- delisted_at), etl.listing_disorder; temp batch_listing (listings whose
-- attributes 080 refreshes).
-- Values are those of the newest sighting (docs/history-rules.md, "Listing
-- values"); a listing follows its newest product_key, and one that loses
-- its key gets a product of its own again.  Re-run safety: every value is
-- recomputed from the tail and written only when it differs.
insert into core.product (product_key)
select distinct o.product_key
from tail_newest n
join stg.observation o on o.obs_id = n.src_obs
where o.product_key is not null
on conflict (product_key) do nothing;

create temp table listing_refresh on commit drop as
select l.listing_id,
       l.product_id as old_product_id,
       o.url,
       o.title,
       o.attrs,
       o.product_key is null and op.product_key is not null as needs_own_product,
       case when o.product_key is not null then kp.product_id
            when op.product_key is null then l.product_id
            else nextval(pg_get_serial_sequence('core.product', 'product_id'))
       end as new_product_id
from tail_newest n
join stg.observation o on o.obs_id = n.src_obs
join core.listing l on l.listing_id = n.listing_id
join core.product op on op.product_id = l.product_id
left join core.product kp on kp.product_key = o.product_key;

insert into core.product (product_id)
select new_product_id from listing_refresh where needs_own_product;

update core.listing l
set url = r.url, title = r.title, attrs = etl.listing_attrs(r.attrs), product_id = r.new_product_id
from listing_refresh r
where l.listing_id = r.listing_id
  and (l.url, l.title, l.attrs, l.product_id)
      is distinct from (r.url, r.title, etl.listing_attrs(r.attrs), r.new_product_id);

-- Products nobody points at any more.
delete from core.product p
where p.product_id in (select old_product_id from listing_refresh
                       where old_product_id <> new_product_id)
  and not exists (select 1 from core.listing l where l.product_id = p.product_id);

update core.listing l
set delisted_at = p.delisted_at
from presence_end p
where l.listing_id = p.listing_id and l.delisted_at is distinct from p.delisted_at;

create temp table batch_listing on commit drop as
select listing_id, attrs from listing_refresh;
alter table batch_listing add primary key (listing_id);

-- Disorder (etl.listing_disorder): the newest sighting's values are not
-- the listing state the loader compares new lines with.  Only a listing
-- loaded out of order can get there, and only its next change ends it.
delete from etl.listing_disorder d
using tail_newest n
where d.listing_id = n.listing_id;

insert into etl.listing_disorder (listing_id)
select n.listing_id
from tail_newest n
join stg.observation o on o.obs_id = n.src_obs
join stg.listing_state s on s.marketplace = o.marketplace and s.region = o.region
                        and s.external_id = o.external_id
where s.obs_id <> n.src_obs
  and s.digest <> stg.state_digest(o.price, o.list_price, o.currency, o.availability, o.title,
                                   o.url, o.product_key);
