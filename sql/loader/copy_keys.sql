-- The first pass: every line's key or reject (create_keys.sql's columns).
copy mc_load_keys from stdin (format binary)
