#!/usr/bin/env bash
# The all-new path (docs/loader.md, "How a file is loaded"): when none of a
# file's keys is in listing_state, the keys go into it without
# classification and the second pass sends the lines the first pass found
# valid; a file whose first key is new but whose later keys are known, or
# that holds a listing twice, is classified as ever.  Whichever way, the
# stored rows, their ids and line numbers, listing_state and the rejects
# are what classification gives.
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

# 2. The first key new, later ones known: one changed, one unchanged.
{ obs f 6 2026-11-22T11:00:00Z; obs a 1 2026-11-22T11:00:00Z; obs b 20 2026-11-22T11:00:00Z; obs g 7 2026-11-22T11:00:00Z; } | stg "$T/n2.jsonl" n2
load --keep "$T/n2.jsonl"
check_eq "$RC" 0 "first key new, later keys known: loads"
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
