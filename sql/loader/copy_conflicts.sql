-- The second pass: conflicting lines (another observation of the listing
-- at the same instant), as rejected lines.
copy stg.rejected_line (file_id, path, line_no, reason, raw_line) from stdin
