-- The verdicts of the lines to store, for the second pass's 2-bit map:
-- 1 store, 2 store as late, 3 conflicting (a rejected line).
copy (select line_no, case verdict when 'late' then 2 when 'conflict' then 3 else 1 end
      from mc_load_verdicts) to stdout
