-- Temp buffers sized for big files; only settable before the session's
-- first use of a temp table, so the loader ignores a failure.
set temp_buffers = '256MB'
