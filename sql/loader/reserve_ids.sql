-- Reserve observation ids for every line number of the file ($1 lines):
-- line N, if stored, becomes observation (returned base) + N, so ids
-- follow line order without numbering the stored lines.  Under the loader
-- lock no other loader takes ids; setval needs UPDATE on the sequence
-- (docs/loader.md, "Privileges").
select setval(pg_get_serial_sequence('stg.observation', 'obs_id'),
              nextval(pg_get_serial_sequence('stg.observation', 'obs_id')) + $1::bigint - 1)
       - $1::bigint
