-- Statistics for the temp table, or the planner guesses a few thousand
-- rows and probes listing_state once per row instead of hashing it.
analyze mc_load_keys
