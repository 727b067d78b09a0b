#!/usr/bin/env bash
# Change detection: A -> B -> A gives three accepted observations; equal is
# unchanged; NULL list prices compare as values; only price, list price,
# currency, availability and title count; duplicates inside a file collapse
# to the latest (then highest line); out-of-order files are decided by
# observed_at (late rows compared with the state current at their time).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

# Run 1 10:00, run 2 11:00, run 3 12:00, run 4 13:00, run 5 14:00
{ obs x 10 2026-11-22T10:00:00Z; obs y 5 2026-11-22T10:00:00Z; obs n 1 2026-11-22T10:00:00Z null;
  obs t 1 2026-11-22T10:00:00Z null "Old title"; obs v 1 2026-11-22T10:00:00Z null "T" in_stock; } | stg "$T/r1.jsonl" r1
{ obs x 20 2026-11-22T11:00:00Z; obs y 5.00 2026-11-22T11:00:00Z; obs n 1 2026-11-22T11:00:00Z null;
  obs t 1 2026-11-22T11:00:00Z null "New title"; obs v 1 2026-11-22T11:00:00Z null "T" out_of_stock; } | stg "$T/r2.jsonl" r2
{ obs x 10 2026-11-22T12:00:00Z; obs y 5 2026-11-22T12:00:00Z; obs n 1 2026-11-22T12:00:00Z 7;
  obs t 1 2026-11-22T12:00:00Z null "New title"; obs v 1 2026-11-22T12:00:00Z null "T" out_of_stock; } | stg "$T/r3.jsonl" r3
{ obs n 1 2026-11-22T13:00:00Z 7.000; } | stg "$T/r4.jsonl" r4
# url and attrs differ, compared fields do not: unchanged
printf '%s\n' '{"marketplace":"m","external_id":"n","url":"http://other.test/","title":"Title n","price":"1","list_price":null,"currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T14:00:00Z","attrs":{"k":1}}' | stg "$T/r5.jsonl" r5

for r in 1 2 3 4 5; do
	load --keep "$T/r$r.jsonl"
	check_eq "$RC" 0 "run $r loads"
done
accepted() { sql "select string_agg(price::numeric(10,2)::text || coalesce('/' || list_price::numeric(10,2), '') || '@' || to_char(observed_at at time zone 'UTC', 'HH24:MI'), ' ' order by observed_at) from stg.observation where external_id = '$1'"; }
check_eq "$(accepted x)" "10.00@10:00 20.00@11:00 10.00@12:00" "A -> B -> A: three accepted observations"
check_eq "$(accepted y)" "5.00@10:00" "same price (5 vs 5.00) three times: one observation"
check_eq "$(accepted n)" "1.00@10:00 1.00/7.00@12:00 1.00@14:00" "list_price NULL -> NULL unchanged, NULL -> 7 and 7 -> NULL changes, 7 vs 7.000 equal"
check_eq "$(sql "select count(*) from stg.observation where external_id = 't'")" 2 "a title change is a change"
check_eq "$(sql "select string_agg(availability, ',' order by observed_at) from stg.observation where external_id = 'v'")" "in_stock,out_of_stock" "an availability change is a change"
check_eq "$(sql "select rows_read || '/' || rows_accepted || '/' || rows_unchanged from stg.loaded_file order by file_id" | tr '\n' ' ')" \
	"5/5/0 5/3/2 5/2/3 1/0/1 1/1/0 " "per-file counts read/accepted/unchanged"
state() { sql "select o.price::numeric(10,2) || '@' || to_char(s.observed_at at time zone 'UTC', 'HH24:MI') from stg.listing_state s join stg.observation o using (obs_id) where s.external_id = '$1'"; }
# The loader's digest (etl/state_digest.c) and stg.state_digest() must agree.
digests_agree() { sql "select count(*) filter (where s.digest = stg.state_digest(o.price, o.list_price, o.currency, o.availability, o.title, o.url, o.product_key)) || '/' || count(*) from stg.listing_state s join stg.observation o using (obs_id)"; }
check_eq "$(state x)" "10.00@12:00" "listing_state holds the current state"
check_eq "$(digests_agree)" "5/5" "every listing_state digest equals stg.state_digest() of its observation"
check_eq "$(sql "select count(*) from stg.listing_state s join stg.observation o using (obs_id) where (s.marketplace, s.external_id, s.observed_at) = (o.marketplace, o.external_id, o.observed_at)")" 5 "listing_state.obs_id points at the observation it reflects"
seen() { sql "select coalesce(string_agg(external_id, ',' order by external_id), '-') from stg.seen_listing where file_id = (select file_id from stg.loaded_file where run_id = '$1')"; }
check_eq "$(seen r3)" "t,v,y" "unchanged listings of a file with changes recorded in seen_listing (the stored ones not)"
check_eq "$(seen r4)" "n" "a file with nothing stored: every listing recorded in seen_listing"
check_eq "$(seen r1)" "-" "a file of new listings only: nothing in seen_listing"
check_eq "$(sql "select count(*) from stg.observation where is_late")" 0 "in-order files: nothing late"

# Out of order.  z: 30 at 15:00 is loaded first.
{ obs z 30 2026-11-22T15:00:00Z; } | stg "$T/o1.jsonl" o1
{ obs z 25 2026-11-22T13:00:00Z; } | stg "$T/o2.jsonl" o2   # older, differs from nothing before it -> late
{ obs z 25 2026-11-22T14:00:00Z; } | stg "$T/o3.jsonl" o3   # older, equals the 13:00 state -> unchanged
{ obs z 30 2026-11-22T12:00:00Z; } | stg "$T/o4.jsonl" o4   # older than anything -> late
{ obs z 30 2026-11-22T14:30:00Z; } | stg "$T/o5.jsonl" o5   # differs from the 13:00 state -> late
{ obs z 30 2026-11-22T15:00:00Z; } | stg "$T/o6.jsonl" o6   # the current state itself -> unchanged
{ obs z 31 2026-11-22T15:00:00Z; } | stg "$T/o7.jsonl" o7   # same instant, different -> conflict
{ obs z 32 2026-11-22T16:00:00Z; } | stg "$T/o8.jsonl" o8   # newer -> change
for r in 1 2 3 4 5 6; do
	load --keep "$T/o$r.jsonl"
	check_eq "$RC" 0 "out-of-order file o$r loads"
done
load --keep "$T/o7.jsonl"
check_eq "$RC" 3 "conflicting observation at the same instant: exit 3"
check_eq "$(sql "select reason, line_no from stg.rejected_line where file_id = (select file_id from stg.loaded_file where run_id = 'o7')")" "conflicting_observation|2" "conflict recorded as a rejected line"
check_eq "$(sql "select raw_line::jsonb->>'price' from stg.rejected_line where reason = 'conflicting_observation'")" "31" "conflict raw_line is the line itself"
check_eq "$(seen o7)" "z" "a conflicting listing was seen: recorded in seen_listing"
load --keep "$T/o8.jsonl"
check_eq "$RC" 0 "newer file after late ones loads"
check_eq "$(sql "select string_agg(price::numeric(10,0) || '@' || to_char(observed_at at time zone 'UTC', 'HH24:MI') || case when is_late then 'L' else '' end, ' ' order by observed_at) from stg.observation where external_id = 'z'")" \
	"30@12:00L 25@13:00L 30@14:30L 30@15:00 32@16:00" "late rows accepted with is_late, compared with the state at their time"
check_eq "$(sql "select string_agg(rows_accepted || '/' || rows_unchanged || '/' || rows_rejected, ' ' order by file_id) from stg.loaded_file where run_id like 'o%'")" \
	"1/0/0 1/0/0 0/1/0 1/0/0 1/0/0 0/1/0 0/0/1 1/0/0" "out-of-order per-file counts accepted/unchanged/rejected"
check_eq "$(state z)" "32.00@16:00" "late rows never moved listing_state"
check_eq "$(digests_agree)" "6/6" "digests still agree after out-of-order files"

# Duplicates of one listing inside a file: latest observed_at, then highest line.
{ obs d 40 2026-11-22T16:00:00Z; obs d 41 2026-11-22T16:30:00Z; obs d 42 2026-11-22T16:30:00Z; obs d 43 2026-11-22T16:10:00Z; obs e 1 2026-11-22T16:00:00Z; } | stg "$T/dup.jsonl" dup
load --keep "$T/dup.jsonl"
check_eq "$RC" 0 "file with in-file duplicates loads"
check_eq "$(sql "select price::numeric(10,0) || '@' || line_no from stg.observation where external_id = 'd'")" "42@4" "duplicates collapse to the latest observed_at, then the highest line"
check_eq "$(sql "select rows_read || '/' || rows_accepted || '/' || rows_unchanged from stg.loaded_file where run_id = 'dup'")" "5/2/3" "collapsed duplicates count as unchanged"
check_eq "$(seen dup)" "-" "collapsed duplicates of a stored listing are not recorded in seen_listing"
{ obs d 42 2026-11-22T16:45:00Z; obs d 42 2026-11-22T16:40:00Z; obs e 1 2026-11-22T16:45:00Z; obs f 1 2026-11-22T16:45:00Z; } | stg "$T/dup2.jsonl" dup2
load --keep "$T/dup2.jsonl"
check_eq "$(sql "select rows_read || '/' || rows_accepted || '/' || rows_unchanged from stg.loaded_file where run_id = 'dup2'")" "4/1/3" "duplicates, unchanged and new in one file"
check_eq "$(seen dup2)" "d,e" "... the unchanged listings (duplicates collapsed) recorded in seen_listing once each"

# Timestamps: the first pass sends observed_at in binary (microseconds it
# computes), the second pass as text; both must name the same instant, for
# offsets, fractions (cut at microseconds) and the ends of the range.
{ obs t1 1 2026-11-22T23:30:00.1234567+05:30; obs t2 1 1970-01-01T00:00:00Z; obs t3 1 9999-12-31T23:59:59.999999Z
  obs t4 1 2026-11-22T01:00:00-03:00; obs t5 1 2000-01-01T00:00:00Z; obs t6 1 1999-12-31T23:59:59.5Z; } |
	stg "$T/ts.jsonl" ts complete 1970-01-01T00:00:00Z
load --keep "$T/ts.jsonl"
check_eq "$RC" 0 "file with varied timestamps loads"
check_eq "$(sql "select string_agg(s.external_id || '=' || to_char(s.observed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), ' ' order by s.external_id) from stg.listing_state s join stg.observation o using (obs_id) where s.external_id like 't_' and s.observed_at = o.observed_at")" \
	"t1=2026-11-22 18:00:00.123456 t2=1970-01-01 00:00:00.000000 t3=9999-12-31 23:59:59.999999 t4=2026-11-22 04:00:00.000000 t5=2000-01-01 00:00:00.000000 t6=1999-12-31 23:59:59.500000" \
	"listing_state (binary first pass) and the observation (text) hold the same instants"
{ obs t1 1 2026-11-22T18:00:00.123456Z; obs t4 2 2026-11-22T04:00:00.000001Z; } |
	stg "$T/ts2.jsonl" ts2 complete 2026-11-22T04:00:00Z
load --keep "$T/ts2.jsonl"
check_eq "$(sql "select rows_unchanged || '/' || rows_accepted from stg.loaded_file where run_id = 'ts2'")" "1/1" \
	"the same instant and state again is unchanged; a change a microsecond later is accepted"
check_eq "$(sql "select o.price::numeric(10,0) || '/' || o.is_late from stg.listing_state s join stg.observation o using (obs_id) where s.external_id = 't4'")" \
	"2/false" "... as the newest state, not as a late row"
