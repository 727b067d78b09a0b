-- The arrays of stg.seen_listing_set compressed with lz4 rather than the
-- default pglz (docs/loader.md, "Speed"): a re-crawl's million unchanged
-- listings compress to about the same size either way, and pglz spent a
-- tenth of the load's change detection doing it.  Servers built without
-- lz4 keep pglz.  Only arrays written from now on are affected.
do $$
begin
    if exists (select from pg_settings
               where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
        alter table stg.seen_listing_set alter column external_ids set compression lz4;
    end if;
end
$$;
