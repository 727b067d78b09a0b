-- Change detection.  Each key is compared with the state current at its
-- observed_at: for keys newer than stg.listing_state that is listing_state's
-- digest (found by its primary key); for older keys (rare: out-of-order
-- files) the latest stored observation at or before it, found by the
-- (marketplace, region, external_id, observed_at) unique index, whose
-- digest stg.state_digest() computes.  Verdicts: new, change (stored,
-- listing_state moves on), late (stored with is_late, listing_state
-- untouched), same (unchanged), conflict (a different observation of the
-- listing at the very same instant exists).  Only the lines that are not
-- unchanged - usually few - are written down, in mc_load_verdicts; the
-- statements after it read that table, never the comparison again (one
-- statement carrying every verdict through CTEs kept a million unchanged
-- rows in memory to read them twice, and took half as long again).
-- Returns the counts new, change, late, conflict.
with kept as (
    insert into mc_load_verdicts
    select * from (
        select r.line_no, r.marketplace, r.region, r.external_id, r.observed_at, r.digest, case
            when s.observed_at is null then 'new'
            when r.observed_at > s.observed_at then
                case when r.digest = s.digest then 'same' else 'change' end
            -- Out of order: only these rows run the index lookup (CASE is lazy).
            else coalesce((
                select case
                    when stg.state_digest(o.price, o.list_price, o.currency, o.availability,
                                          o.title, o.url, o.product_key) = r.digest then 'same'
                    when o.observed_at = r.observed_at then 'conflict'
                    else 'late' end
                from stg.observation o
                where o.marketplace = r.marketplace and o.region = r.region
                  and o.external_id = r.external_id
                  and o.observed_at <= r.observed_at
                order by o.observed_at desc limit 1), 'late') end as verdict
        from mc_load_keys r
        left join stg.listing_state s
          on s.marketplace = r.marketplace and s.region = r.region
         and s.external_id = r.external_id
        where r.reason is null
        offset 0  -- keeps c a subquery: its verdict is computed once per row
    ) c where verdict <> 'same'
    returning verdict
)
select count(*) filter (where verdict = 'new'), count(*) filter (where verdict = 'change'),
       count(*) filter (where verdict = 'late'), count(*) filter (where verdict = 'conflict')
from kept
