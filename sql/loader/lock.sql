-- Serialise with other loaders for the rest of the transaction: the
-- transaction advisory lock of the loader, "mcload" in ASCII.  Change
-- detection never interleaves, and ids grow in commit order.
select pg_advisory_xact_lock(109099108111097100)
