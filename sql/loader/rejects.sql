-- The rejected lines of file $1 (path $2), from the first pass.
insert into stg.rejected_line (file_id, path, line_no, reason, raw_line)
select $1, $2, line_no, reason, raw_line from mc_load_keys where reason is not null
