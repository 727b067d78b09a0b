-- Whether a file of the same spider ($1) and run id ($2) was loaded before.
select 1 from stg.loaded_file where spider = $1 and run_id = $2 limit 1
