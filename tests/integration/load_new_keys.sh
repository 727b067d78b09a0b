#!/usr/bin/env bash
# The all-new paths (docs/loader.md, "How a file is loaded"): a file whose
# sampled keys are all new is loaded in one pass (its lines COPYed into
# stg.observation as they are parsed, their states after); when a listing
# in it turns out known or twice in it (the unique indexes or the
# fingerprints say so), it goes back to two passes, where a file none of
# whose keys is known skips the classification (as does one loaded where
# no temporary file can be made).  A file whose first key is
# new but whose later keys are known, or that holds a listing twice, is
# classified as ever.  Whichever way, the stored rows, their ids and line
# numbers, listing_state and the rejects are what classification gives.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

# stored RUN: line:external_id:price of the file's observations, in obs_id order
stored() { sql "select string_agg(o.line_no || ':' || o.external_id || ':' || o.price::numeric(10,0) || case when o.is_late then 'L' else '' end, ' ' order by o.obs_id) from stg.observation o join stg.loaded_file f using (file_id) where f.run_id = '$1'"; }
rejects() { sql "select coalesce(string_agg(r.line_no || ':' || r.reason, ' ' order by r.line_no), '-') from stg.rejected_line r join stg.loaded_file f using (file_id) where f.run_id = '$1'"; }
counts() { sql "select rows_read || '/' || rows_accepted || '/' || rows_unchanged || '/' || rows_rejected from stg.loaded_file where run_id = '$1'"; }
# every listing_state row points at the observation it reflects, digests agree
state_ok() { sql "select count(*) filter (where (s.marketplace, s.region, s.external_id, s.observed_at) = (o.marketplace, o.region, o.external_id, o.observed_at) and s.digest = stg.state_digest(o.price, o.list_price, o.currency, o.availability, o.title, o.url, o.product_key)) || '/' || count(*) from stg.listing_state s left join stg.observation o using (obs_id)"; }
ids_follow_lines() { sql "select count(distinct o.obs_id - o.line_no) from stg.observation o join stg.loaded_file f using (file_id) where f.run_id = '$1'"; }

# 1. All new, with rejects between the valid lines (and a line older than the run).
{ obs a 1 2026-11-22T10:00:00Z; echo '{"marketplace":'; obs b 2 2026-11-22T10:00:00Z
  obs c 3 2026-11-22T09:00:00Z; obs d 4 2026-11-22T10:00:00Z; echo '[1]'; obs e 5 2026-11-22T10:00:00Z; } | stg "$T/n1.jsonl" n1
load --keep "$T/n1.jsonl"
check_eq "$RC" 3 "all-new file with rejects: exit 3"
check_eq "$(stored n1)" "2:a:1 4:b:2 6:d:4 8:e:5" "all new: every valid line stored, by its line, none of the rejects"
check_eq "$(rejects n1)" "3:invalid_json 5:observed_before_run 7:not_an_object" "all new: rejects named by line"
check_eq "$(counts n1)" "7/4/0/3" "all new: counts read/accepted/unchanged/rejected"
check_eq "$(ids_follow_lines n1)" 1 "all new: obs_id = base + line number"
check_eq "$(state_ok)" "4/4" "all new: listing_state points at the stored rows, digests agree"
check "all new: loaded in one pass" grep -q "one pass: " "$T/out"

# 2. The first key new, later ones known: one changed, one unchanged.
{ obs f 6 2026-11-22T11:00:00Z; obs a 1 2026-11-22T11:00:00Z; obs b 20 2026-11-22T11:00:00Z; obs g 7 2026-11-22T11:00:00Z; } | stg "$T/n2.jsonl" n2
load --keep "$T/n2.jsonl"
check_eq "$RC" 0 "first key new, later keys known: loads"
check "later keys known: a sampled key is known, two passes" grep -q "s first pass, " "$T/out"
check_eq "$(stored n2)" "2:f:6 4:b:20 5:g:7" "first key new, later keys known: new and changed stored, unchanged not"
check_eq "$(counts n2)" "4/3/1/0" "first key new, later keys known: counts"
check_eq "$(sql "select coalesce(string_agg(external_id, ','), '-') from stg.seen_listing where file_id = (select file_id from stg.loaded_file where run_id = 'n2')")" "a" "the unchanged listing recorded in seen_listing"
check_eq "$(state_ok)" "6/6" "listing_state moved on for the changed listing, new ones added"

# 3. New listings only, one of them twice: collapsed, then classified.
{ obs h 8 2026-11-22T12:00:00Z; obs i 9 2026-11-22T12:00:00Z; obs h 10 2026-11-22T12:30:00Z; } | stg "$T/n3.jsonl" n3
load --keep "$T/n3.jsonl"
check_eq "$RC" 0 "new listings, one twice: loads"
check_eq "$(stored n3)" "3:i:9 4:h:10" "new listings, one twice: the latest of the two stored"
check_eq "$(counts n3)" "3/2/1/0" "new listings, one twice: counts"
check "new listings, one twice: back to two passes" grep -q "s first pass, " "$T/out"

# 4. Every listing known and changed, a reject among them: all stored, none late.
{ obs a 11 2026-11-22T13:00:00Z; obs b 21 2026-11-22T13:00:00Z; echo '{}'; obs f 61 2026-11-22T13:00:00Z; } | stg "$T/n4.jsonl" n4
load --keep "$T/n4.jsonl"
check_eq "$RC" 3 "all changed with a reject: exit 3"
check_eq "$(stored n4)" "2:a:11 3:b:21 5:f:61" "all changed: every valid line stored"
check_eq "$(counts n4)" "4/3/0/1" "all changed: counts"

# 5. Known listings late (older than their state) and a new one: late stays late.
{ obs j 12 2026-11-22T12:00:00Z; obs a 99 2026-11-22T12:00:00Z; } | stg "$T/n5.jsonl" n5
load --keep "$T/n5.jsonl"
check_eq "$RC" 0 "a new and a late listing: loads"
check_eq "$(stored n5)" "2:j:12 3:a:99L" "a new and a late listing: the late one stored as late"
check_eq "$(state_ok)" "9/9" "listing_state consistent after every file"
check_eq "$(sql "select count(*) from stg.observation")" 14 "no row lost or doubled"

# 6. 300 new listings and, last, a known one that no sample looks up: one
#    pass is tried, listing_state's primary key refuses the known listing,
#    and the file goes back to two passes (the attempt's file id is skipped).
before=$(sql "select max(file_id) from stg.loaded_file")
{ for i in $(seq 1 300); do obs "q$i" "$i" 2026-11-22T14:00:00Z; done; obs a 42 2026-11-22T14:00:00Z; } | stg "$T/n6.jsonl" n6
load --keep "$T/n6.jsonl"
check_eq "$RC" 0 "new listings and a known one last: loads"
check "a known listing unsampled: two passes" grep -q "s first pass, " "$T/out"
check_eq "$(sql "select file_id - $before from stg.loaded_file where run_id = 'n6'")" 2 \
	"one pass was tried first (its file id skipped)"
check_eq "$(counts n6)" "301/301/0/0" "new listings and a known one: counts"
check_eq "$(sql "select o.line_no || ':' || o.price::numeric(10,0) from stg.observation o join stg.loaded_file f using (file_id) where f.run_id = 'n6' and o.external_id = 'a'")" "302:42" \
	"the known listing stored as a change"
check_eq "$(ids_follow_lines n6)" 1 "after going back: obs_id = base + line number"
check_eq "$(state_ok)" "309/309" "after going back: listing_state consistent"

# 7. New listings, one line twice word for word: the fingerprints stop the
#    one pass; two passes store it once.
{ obs r1 1 2026-11-22T15:00:00Z; obs r2 2 2026-11-22T15:00:00Z; obs r1 1 2026-11-22T15:00:00Z; } | stg "$T/n7.jsonl" n7
load --keep "$T/n7.jsonl"
check_eq "$RC" 0 "a line twice: loads"
check "a line twice: two passes" grep -q "s first pass, " "$T/out"
check_eq "$(stored n7)" "3:r2:2 4:r1:1" "a line twice: stored once (the later line, as ever)"
check_eq "$(counts n7)" "3/2/1/0" "a line twice: counts"

# 8. The same with no rejects, in one pass: counts, ids, the run's health
#    fields as the two-pass way records them.
{ obs s1 1 2026-11-22T16:00:00Z 2; obs s2 2 2026-11-22T16:30:00Z null "T" unknown; } | stg "$T/n8.jsonl" n8
load --keep "$T/n8.jsonl"
check "one pass again" grep -q "one pass: " "$T/out"
check_eq "$(sql "select rows_valid || '/' || filled_list_price || '/' || filled_availability || '/' || filled_product_key || '/' || first_observed_at || '/' || last_observed_at from stg.loaded_file where run_id = 'n8'")" \
	"2/1/1/0/2026-11-22 16:00:00+00/2026-11-22 16:30:00+00" "one pass: the run's health counts"
check_eq "$(state_ok)" "313/313" "listing_state consistent at the end"

# 9. No temporary file can be made ($TMPDIR does not exist): no one pass;
#    two passes, the file of new listings skipping the classification, give
#    the same rows.
{ obs t1 1 2026-11-22T17:00:00Z; echo '{}'; obs t2 2 2026-11-22T17:00:00Z; } | stg "$T/n9.jsonl" n9
TMPDIR=$T/no-such-dir load --keep "$T/n9.jsonl"
check_eq "$RC" 3 "no temporary directory: loads, a reject among the lines"
check "no temporary directory: two passes" grep -q "s first pass, " "$T/out"
check_eq "$(stored n9)" "2:t1:1 4:t2:2" "no temporary directory: every valid line stored"
check_eq "$(rejects n9)" "3:missing_marketplace" "no temporary directory: the reject recorded"
check_eq "$(ids_follow_lines n9)" 1 "no temporary directory: obs_id = base + line number"
check_eq "$(state_ok)" "315/315" "listing_state consistent after the two-pass way"
