-- The file of this content ($1, SHA-256 hex) if it was loaded before.
select file_id, path, to_char(loaded_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')
from stg.loaded_file
where content_sha256 = $1
