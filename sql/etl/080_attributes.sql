-- Repeating attributes in their own tables: attrs.platforms and
-- attrs.genres of each touched listing's newest observation.
-- Reads batch_listing (listing_id, newest attrs).  Writes core.platform,
-- core.genre, core.listing_platform, core.listing_genre.
-- Re-run safety: the sets are replaced by difference (delete what is gone,
-- insert what is missing), so a second pass changes nothing.
create temp table attr_value on commit drop as
select b.listing_id, 'platform' as kind, v.value
from batch_listing b
cross join lateral etl.attr_values(b.attrs, 'platforms') v(value)
union all
select b.listing_id, 'genre', v.value
from batch_listing b
cross join lateral etl.attr_values(b.attrs, 'genres') v(value);

insert into core.platform (platform)
select distinct value from attr_value where kind = 'platform'
on conflict (platform) do nothing;

insert into core.genre (genre)
select distinct value from attr_value where kind = 'genre'
on conflict (genre) do nothing;

delete from core.listing_platform lp
using batch_listing b
where lp.listing_id = b.listing_id
  and not exists (select 1 from attr_value a
                  where a.kind = 'platform' and a.listing_id = lp.listing_id
                    and a.value = lp.platform);

insert into core.listing_platform (listing_id, platform)
select listing_id, value from attr_value where kind = 'platform'
on conflict (listing_id, platform) do nothing;

delete from core.listing_genre lg
using batch_listing b
where lg.listing_id = b.listing_id
  and not exists (select 1 from attr_value a
                  where a.kind = 'genre' and a.listing_id = lg.listing_id
                    and a.value = lg.genre);

insert into core.listing_genre (listing_id, genre)
select listing_id, value from attr_value where kind = 'genre'
on conflict (listing_id, genre) do nothing;
