#!/usr/bin/env bash
# Migrations 007-010 on a populated database of schema version 6: a v6
# database is built from the migration files 001-006 themselves, filled the
# way the v6 loader and ETL left it (compared fields in listing_state, one
# seen_listing row per unchanged listing, a built core model), then
# `marketcrawl db migrate` takes it to the current schema:
#   007  listing_state keeps a digest (010 then extends it: equal to the
#        loader's, so unchanged stays unchanged);
#   008  unchanged listings as arrays; 009 lz4;
#   010  sightings keep their time (old ones: the run's start), runs their
#        scope and health, and the core model is rebuilt from staging under
#        docs/history-rules.md by the next `etl`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

sql "create schema etl; create table etl.schema_version (version integer primary key,
	name text not null, checksum text not null, applied_at timestamptz not null default now())" >/dev/null
for f in "$MC_ROOT"/sql/schema/00[1-6]_*.sql; do
	psql -X -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null || { not_ok "v6 schema: $f"; exit 1; }
	sql "insert into etl.schema_version (version, name, checksum) values
		($((10#$(basename "$f" | cut -c1-3))), '$(basename "$f")', '$(sha256sum <"$f" | cut -c1-64)')" >/dev/null
done
check_eq "$(sql "select max(version) from etl.schema_version")" 6 "a database of schema version 6"

# What the v6 loader stored for two runs: r1 saw a, b, c; r2 saw a changed
# (11) and b, c unchanged (seen_listing rows).
sql "insert into stg.loaded_file (file_id, content_sha256, path, spider, run_id, run_status,
	run_started_at, run_finished_at, run_record, rows_read, rows_accepted, rows_unchanged) values
	(1, repeat('1', 64), '/r1.jsonl', 'demo', 'r1', 'complete', '2026-11-22T10:00Z', '2026-11-22T10:05Z', '{\"items\":3}', 3, 3, 0),
	(2, repeat('2', 64), '/r2.jsonl', 'demo', 'r2', 'complete', '2026-11-22T11:00Z', '2026-11-22T11:05Z', '{\"items\":3}', 3, 1, 2);
select setval('stg.loaded_file_file_id_seq', 2);
insert into stg.observation (obs_id, file_id, line_no, marketplace, external_id, url, title, price,
	list_price, currency, availability, observed_at) values
	(1, 1, 2, 'm', 'a', 'http://m.test/a', 'Title a', 10, null, 'EUR', 'in_stock', '2026-11-22T10:00:00Z'),
	(2, 1, 3, 'm', 'b', 'http://m.test/b', 'B|title', 0.5, 2, 'EUR', 'in_stock', '2026-11-22T10:00:00Z'),
	(3, 1, 4, 'm', 'c', 'http://m.test/c', 'C', 3, null, 'EUR', 'preorder', '2026-11-22T10:00:00Z'),
	(4, 2, 2, 'm', 'a', 'http://m.test/a', 'Title a', 11, null, 'EUR', 'in_stock', '2026-11-22T11:00:00Z');
select setval('stg.observation_obs_id_seq', 4);
insert into stg.listing_state (marketplace, external_id, price, list_price, currency, availability,
	title, observed_at, obs_id)
select marketplace, external_id, price, list_price, currency, availability, title, observed_at, obs_id
from stg.observation where obs_id in (2, 3, 4);
insert into stg.seen_listing (file_id, marketplace, external_id) values (2, 'm', 'b'), (2, 'm', 'c');" >/dev/null
# ... and part of what the v6 ETL built from them (its rules differ: 010
# rebuilds the model, so what matters is that it is there and goes).
sql "insert into etl.run (run_id, status, finished_at, files_processed) overriding system value
	values (1, 'ok', clock_timestamp() + interval '1 second', 2);
select setval(pg_get_serial_sequence('etl.run', 'run_id'), 1);
insert into etl.processed_file (file_id, run_id) values (1, 1), (2, 1);
insert into core.spider (spider, seen_until) values ('demo', '2026-11-22T11:00Z');
insert into core.marketplace (marketplace, first_seen) values ('m', '2026-11-22T10:00Z');
insert into core.product (product_id) overriding system value values (1);
insert into core.listing (listing_id, marketplace, external_id, product_id, spider, url, title, first_seen)
	overriding system value values (1, 'm', 'a', 1, 'demo', 'http://m.test/a', 'Title a', '2026-11-22T10:00Z');
select setval(pg_get_serial_sequence('core.listing', 'listing_id'), 1);
select setval(pg_get_serial_sequence('core.product', 'product_id'), 1);
insert into core.listing_seen (listing_id, seen_at, follows_spider) values (1, '2026-11-22T11:00Z', true);
insert into core.price_history (listing_id, valid_from, price, currency) values (1, '2026-11-22T10:00Z', 10, 'EUR');" >/dev/null
check_eq "$(sql "select count(*) from core.listing")" 1 "a v6 model"

mc db migrate >"$T/m.out" 2>&1
check_eq "$?" 0 "migrate applies 007-010 to it"
for m in 007_state_digest 008_seen_listing_set 009_seen_listing_lz4 010_history_by_sighting; do
	check "$m named" grep -q "$m" "$T/m.out"
done
check_eq "$(sql "select attcompression from pg_attribute where attrelid = 'stg.seen_listing_set'::regclass and attname = 'observed_ats'")" \
	l "the sighting times are compressed with lz4 (this server has it)"
check_eq "$(sql "select string_agg(file_id || ':' || external_id || '@' || to_char(observed_at at time zone 'UTC', 'HH24:MI'), ' ' order by file_id, external_id) from stg.seen_listing")" \
	"2:b@11:00 2:c@11:00" "the unchanged listings survive the move into arrays, seen at their run's start"
check_eq "$(sql "select count(*) filter (where s.digest = stg.state_digest(o.price, o.list_price, o.currency, o.availability, o.title, o.url, o.product_key)) || '/' || count(*) from stg.listing_state s join stg.observation o using (obs_id)")" \
	"3/3" "the migrated digests cover url and product_key, as the loader's"
check_eq "$(sql "select count(*) from information_schema.columns where table_schema = 'stg' and table_name = 'listing_state' and column_name in ('price', 'title')")" \
	0 "the compared fields left listing_state"
check_eq "$(sql "select (select count(*) from core.listing), (select count(*) from etl.processed_file)")" \
	"0|0" "010 emptied the model and marked every file unprocessed"
check_eq "$(sql "select rows_valid || '/' || run_scope || '/' || to_char(first_observed_at at time zone 'UTC', 'HH24:MI') from stg.loaded_file order by file_id")" \
	"3/full/10:00
3/full/11:00" "the files loaded before got their counts, scope and time span"

# The next crawl, with the current loader: unchanged stays unchanged
# (the migrated digests equal the loader's), a change is a change.
{ obs a 11 2026-11-22T12:00:01Z; obs b 0.5 2026-11-22T12:00:02Z 2 'B|title'; obs c 3 2026-11-22T12:00:03Z null 'C' in_stock; } |
	stg "$T/r3.jsonl" r3 complete 2026-11-22T12:00:00Z
load --keep "$T/r3.jsonl"
check_eq "$RC" 0 "the next run loads"
check_eq "$(sql "select rows_accepted || '/' || rows_unchanged from stg.loaded_file where run_id = 'r3'")" \
	"1/2" "after the migration: unchanged stays unchanged, a change is a change"

check "the ETL rebuilds the model from all the files" mc etl --quiet
mc etl --check >"$T/etl.out" 2>&1
check_eq "$?" 0 "every data test passing"
check "last_seen data test among them" grep -q "PASS 056_last_seen_matches_staging" "$T/etl.out"
check_eq "$(sql "select l.external_id, h.valid_from, h.valid_to, h.price from core.price_history h join core.listing l using (listing_id) order by 1, 2")" \
"a|2026-11-22 10:00:00+00|2026-11-22 11:00:00+00|10.00
a|2026-11-22 11:00:00+00||11.00
b|2026-11-22 10:00:00+00||0.50
c|2026-11-22 10:00:00+00||3.00" "the rebuilt price history spans all three runs"
check_eq "$(sql "select l.external_id, s.last_seen from core.listing l join core.listing_last_seen s using (listing_id) order by 1")" \
"a|2026-11-22 12:00:00+00
b|2026-11-22 12:00:00+00
c|2026-11-22 12:00:00+00" "last seen in the run after the migration"
