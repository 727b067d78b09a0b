-- The file's stg.loaded_file row, from its header and run record.
insert into stg.loaded_file (content_sha256, path, spider, run_id, run_status,
                             run_started_at, run_finished_at, run_record, run_scope, run_region)
values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)
returning file_id
