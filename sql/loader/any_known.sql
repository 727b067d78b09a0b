-- Whether any valid key of the file is in stg.listing_state already; when
-- none is (a first crawl, a batch of new listings) every key is new and
-- classify.sql is not needed: state_new_keys.sql records them all.  One
-- index probe for the first key settles it for a re-crawl (its keys are
-- known); only when that key is new are all of them joined, in full
-- (count, not exists: planned for a single match, the join would probe the
-- index once per key).  Under the loader lock, as classify.sql.
select case
    when exists (
        select 1
        from (select marketplace, region, external_id from mc_load_keys
              where reason is null limit 1) r
        join stg.listing_state s
          on s.marketplace = r.marketplace and s.region = r.region
         and s.external_id = r.external_id) then true
    else (select count(*)
          from mc_load_keys r
          join stg.listing_state s
            on s.marketplace = r.marketplace and s.region = r.region
           and s.external_id = r.external_id
          where r.reason is null) > 0
    end
