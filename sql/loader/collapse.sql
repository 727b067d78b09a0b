-- Keep one row per listing: the latest observed_at, then the highest line.
delete from mc_load_keys r using (
    select ctid from (
        select ctid, row_number() over (partition by marketplace, region, external_id
                                        order by observed_at desc, line_no desc) as rn
        from mc_load_keys where reason is null) x
    where rn > 1) d
where r.ctid = d.ctid
