-- For this transaction only: statistics for the temp table from a sample
-- of 3,000 rows (a tenth of the default; the row count and rough distinct
-- counts are all the planner needs), room for the keys in memory ($1, e.g.
-- '64MB'), and no JIT: the lazy out-of-order lookup makes the plan look
-- expensive, and compiling it would cost more than running it.
select set_config('default_statistics_target', '10', true),
       set_config('work_mem', $1, true),
       set_config('jit', 'off', true)
