#!/usr/bin/env bash
# Migrations 007 (stg.listing_state keeps a digest instead of the compared
# fields), 008 (unchanged listings as arrays) and 009 (the arrays compressed
# with lz4) on a populated database:
# the listing states of a v6 database are rebuilt into digests equal to the
# ones the loader computes, so the next crawl of unchanged listings is
# unchanged and changes are still changes; the recorded unchanged listings
# move into arrays, and the ETL builds the model from all of it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

{ obs a 10 2026-11-22T10:00:00Z; obs b 0.5 2026-11-22T10:00:00Z 2 'B|title'; obs c 3 2026-11-22T10:00:00Z null 'C' preorder; } | stg "$T/r1.jsonl" r1
{ obs a 11 2026-11-22T11:00:00Z; obs b 0.50 2026-11-22T11:00:00Z 2.0 'B|title'; obs c 3 2026-11-22T11:00:00Z null 'C' preorder; } | stg "$T/r2.jsonl" r2
load --keep "$T/r1.jsonl"
load --keep "$T/r2.jsonl"
check_eq "$RC" 0 "two runs load"
before=$(sql "select string_agg(external_id || '=' || digest, ' ' order by external_id) from stg.listing_state")
seen_before=$(sql "select string_agg(file_id || ':' || external_id, ' ' order by file_id, external_id) from stg.seen_listing")
check_eq "$seen_before" "2:b 2:c" "unchanged listings recorded"
check_eq "$(sql "select count(*) from stg.seen_listing_set")" 1 "as one array row"

# Back to the v6 shape: one seen_listing row per listing (before 008); the
# compared fields in listing_state, no digest (before 007).
sql "begin;
drop view etl.check_056_last_seen_matches_staging;
drop view stg.seen_listing;
create table stg.seen_listing (file_id bigint not null, marketplace text not null, external_id text not null);
insert into stg.seen_listing select s.file_id, s.marketplace, e from stg.seen_listing_set s, unnest(s.external_ids) e;
drop table stg.seen_listing_set;
create view etl.check_056_last_seen_matches_staging as select 1 as listing_id from stg.seen_listing where false;
delete from etl.schema_version where version in (8, 9);
alter table stg.listing_state add column price numeric(18,6), add column list_price numeric(18,6),
    add column currency char(3), add column availability text, add column title text;
update stg.listing_state s set price = o.price, list_price = o.list_price, currency = o.currency,
    availability = o.availability, title = o.title
from stg.observation o where o.obs_id = s.obs_id;
alter table stg.listing_state drop column digest;
drop function stg.state_digest(numeric, numeric, text, text, text);
delete from etl.schema_version where version = 7;
commit;" >/dev/null
check_eq "$(sql "select count(*) from stg.listing_state where title is not null")" 3 "a v6 database with three listing states"

mc db migrate >"$T/m.out" 2>&1
check_eq "$?" 0 "migrate applies 007 to it"
check "007 named" grep -q "007_state_digest" "$T/m.out"
check "008 named" grep -q "008_seen_listing_set" "$T/m.out"
check "009 named" grep -q "009_seen_listing_lz4" "$T/m.out"
check_eq "$(sql "select attcompression from pg_attribute where attrelid = 'stg.seen_listing_set'::regclass and attname = 'external_ids'")" \
	l "the arrays are compressed with lz4 (this server has it)"
check_eq "$(sql "select string_agg(file_id || ':' || external_id, ' ' order by file_id, external_id) from stg.seen_listing")" \
	"$seen_before" "the unchanged listings survive the move into arrays"
check_eq "$(sql "select string_agg(external_id || '=' || digest, ' ' order by external_id) from stg.listing_state")" \
	"$before" "the migrated digests equal the loader's"
check_eq "$(sql "select count(*) from information_schema.columns where table_schema = 'stg' and table_name = 'listing_state' and column_name in ('price', 'title')")" \
	0 "the compared fields left listing_state"

{ obs a 11 2026-11-22T12:00:00Z; obs b 0.5 2026-11-22T12:00:00Z 2 'B|title'; obs c 3 2026-11-22T12:00:00Z null 'C' in_stock; } | stg "$T/r3.jsonl" r3
load --keep "$T/r3.jsonl"
check_eq "$RC" 0 "the next run loads"
check_eq "$(sql "select rows_accepted || '/' || rows_unchanged from stg.loaded_file where run_id = 'r3'")" \
	"1/2" "after the migration: unchanged stays unchanged, a change is a change"

mc etl --check >"$T/etl.out" 2>&1
check_eq "$?" 0 "the ETL runs on the migrated database, every data test passing"
check "last_seen data test among them" grep -q "PASS 056_last_seen_matches_staging" "$T/etl.out"
