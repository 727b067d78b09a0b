-- Whether any of a sample of the file's keys ($1 marketplaces, $2 regions,
-- $3 external ids: text arrays of the same length, up to 64 keys spread
-- over the file) is in stg.listing_state: a re-crawl's are, and its file is
-- loaded in two passes; when none is, the file is probably all new and is
-- tried in one pass.  Only a guess: the unique indexes decide.
select exists (
    select 1
    from unnest($1::text[], $2::text[], $3::text[]) k(marketplace, region, external_id)
    join stg.listing_state s
      on s.marketplace = k.marketplace and s.region = k.region
     and s.external_id = k.external_id)
