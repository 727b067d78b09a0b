-- The one-pass load of a file of new listings (docs/loader.md, "How a
-- file is loaded"): their states, straight into stg.listing_state, in COPY
-- binary format (etl/copy_rows.c's mc_row_state).  Its primary key decides:
-- a listing already there, or in the file twice, fails the COPY and the
-- file is loaded in two passes instead.
copy stg.listing_state (marketplace, region, external_id, observed_at, obs_id, digest)
from stdin (format binary)
