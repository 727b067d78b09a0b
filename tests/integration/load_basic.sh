#!/usr/bin/env bash
# The loader's bookkeeping: exactly once by content hash (same file twice,
# a renamed copy, an archived file), the archive and --keep, directory
# walking, .part files, exit statuses and `db migrate` / `db status`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

D=$T/data
{ obs a 10 2026-11-22T10:00:01Z; obs b 20 2026-11-22T10:00:02Z 25; obs c 0 2026-11-22T10:00:03Z; } |
	stg "$D/staging/demo/20261122T100000Z-1.jsonl" 20261122T100000Z-1
cp "$D/staging/demo/20261122T100000Z-1.jsonl" "$T/copy-under-another-name.jsonl"
echo '{"format":"marketcrawl-staging"' >"$D/staging/demo/20261122T110000Z-2.part"

# db migrate / status on a fresh database
mc db status --help >/dev/null
check_eq "$(mc db status | grep '^schema version')" "schema version: 0" "fresh database: schema version 0"
mc db migrate >"$T/mig" 2>&1
check_eq "$(grep -c '^applied schema/001_stg.sql$' "$T/mig")" 1 "db migrate applies 001_stg.sql"
n_files=$(grep -c '^applied schema/' "$T/mig")
check_eq "$(sql 'select count(*) from etl.schema_version')" "$n_files" "one etl.schema_version row per applied file"
check_eq "$(sql "select name from etl.schema_version where version = 1")" "001_stg.sql" "version 1 is 001_stg.sql"
check_eq "$(sql "select count(*) from etl.schema_version where checksum ~ '^[0-9a-f]{64}$' and applied_at is not null")" "$n_files" "checksums and times recorded"
check_eq "$(mc db migrate)" "schema is up to date" "second migrate applies nothing"
check_eq "$(mc db status | grep '^pending: ')" "pending: 0" "status: nothing pending"
check_eq "$(mc db status | grep -c '^applied: 001_stg.sql')" 1 "status lists 001_stg.sql"

# First load: walks <data-dir>/staging, ignores the .part, archives.
load --data-dir "$D"
check_eq "$RC" 0 "clean load exits 0"
check_eq "$(sql 'select count(*) from stg.loaded_file')" 1 "one file recorded"
check_eq "$(sql 'select rows_read, rows_accepted, rows_unchanged, rows_rejected from stg.loaded_file')" "3|3|0|0" "counts read/accepted/unchanged/rejected"
check_eq "$(sql 'select spider, run_id, run_status, run_record->>'"'"'status'"'"', run_finished_at = '"'"'2026-11-22T10:05:00Z'"'"' from stg.loaded_file')" \
	"demo|20261122T100000Z-1|complete|complete|t" "run record stored"
check_eq "$(sql 'select content_sha256 from stg.loaded_file')" "$(sha256sum "$T/copy-under-another-name.jsonl" | cut -d' ' -f1)" "content hash is the file's SHA-256"
check_eq "$(sql 'select external_id, price, list_price from stg.observation order by external_id' | tr '\n' ' ')" \
	"a|10.000000| b|20.000000|25.000000 c|0.000000| " "observations stored"
check_eq "$(sql 'select count(*) from stg.listing_state')" 3 "listing_state has the three listings"
check "file moved to <data-dir>/archive/demo/" test -f "$D/archive/demo/20261122T100000Z-1.jsonl"
check "staging copy gone" test ! -e "$D/staging/demo/20261122T100000Z-1.jsonl"
check ".part left alone" test -f "$D/staging/demo/20261122T110000Z-2.part"
check "stdout says loaded with the counts" grep -q "^loaded .*20261122T100000Z-1.jsonl: 3 read, 3 accepted (0 late), 0 unchanged, 0 rejected" "$T/out"
check "stdout says where the time went (all new: one pass)" grep -Eq "^loaded .*20261122T100000Z-1.jsonl: .*\(file [0-9]+; one pass: [0-9.]+ s reading ahead, [0-9.]+ s store\)" "$T/out"

# Nothing left to load.
load --data-dir "$D"
check_eq "$RC" 0 "second run with nothing new exits 0"
check "says nothing to load" grep -q "^nothing to load" "$T/out"

# A copy under another name: detected by hash, nothing inserted.
load --data-dir "$D" "$T/copy-under-another-name.jsonl"
check_eq "$RC" 0 "copied file: exit 0"
check "copied file: says already loaded" grep -q "^skipped .*copy-under-another-name.jsonl: already loaded, nothing inserted (same content as file 1" "$T/out"
check_eq "$(sql 'select count(*) from stg.loaded_file')|$(sql 'select count(*) from stg.observation')" "1|3" "copied file inserted nothing"
check "duplicate is not archived" test -f "$T/copy-under-another-name.jsonl"

# The archived file itself, loaded again explicitly.
load --data-dir "$D" "$D/archive/demo/20261122T100000Z-1.jsonl"
check_eq "$RC" 0 "archived file again: exit 0"
check "archived file again: already loaded" grep -q "already loaded" "$T/out"
check_eq "$(sql 'select count(*) from stg.observation')" 3 "archived file again inserted nothing"

# An explicit .part is refused; a missing path is an error; others still load.
{ obs a 11 2026-11-22T11:00:01Z; } | stg "$T/in/r2.jsonl" r2
load --data-dir "$D" --keep "$D/staging/demo/20261122T110000Z-2.part" "$T/nope.jsonl" "$T/in"
check_eq "$RC" 1 "explicit .part and missing path: exit 1"
check "explicit .part refused with a reason" grep -q "20261122T110000Z-2.part: a .part file is an unfinished crawl" "$T/err"
check "missing path named" grep -q "nope.jsonl" "$T/err"
check "directory argument walked and loaded" grep -q "^loaded .*in/r2.jsonl: 1 read, 1 accepted" "$T/out"
check "--keep leaves the file" test -f "$T/in/r2.jsonl"

# --archive-dir
{ obs a 12 2026-11-22T12:00:01Z; } | stg "$T/in2/r3.jsonl" r3
load --data-dir "$D" --archive-dir "$T/arch" "$T/in2/r3.jsonl"
check_eq "$RC" 0 "--archive-dir load exits 0"
check "--archive-dir ARCH/<spider>/" test -f "$T/arch/demo/r3.jsonl"
check "--archive-dir moved the file" test ! -e "$T/in2/r3.jsonl"

# A file whose name is taken in the archive is not overwritten.
{ obs a 13 2026-11-22T13:00:01Z; } | stg "$T/in3/r3.jsonl" r3b
load --data-dir "$D" --archive-dir "$T/arch" "$T/in3/r3.jsonl"
fid=$(sql "select file_id from stg.loaded_file where run_id = 'r3b'")
check "name taken: archived as r3.<file_id>.jsonl" test -f "$T/arch/demo/r3.$fid.jsonl"
check_eq "$(head -c 200 "$T/arch/demo/r3.jsonl" | grep -c '"run_id":"r3"')" 1 "first archived file untouched"

mc load --help >/dev/null
check_eq "$?" 0 "load --help exits 0"
mc load --bogus >/dev/null 2>&1
check_eq "$?" 2 "unknown option exits 2"

# Same spider and run id as a loaded file but other content (an edited
# file): not a duplicate, it loads.
{ obs a 10 2026-11-22T10:00:01Z; obs zz 99 2026-11-22T10:00:04Z; } | stg "$T/edited/20261122T100000Z-1.jsonl" 20261122T100000Z-1
load --keep "$T/edited/20261122T100000Z-1.jsonl"
check_eq "$RC" 0 "same run id, other content: loads"
check_eq "$(sql "select rows_read || '/' || rows_accepted || '/' || rows_unchanged from stg.loaded_file order by file_id desc limit 1")" "2/1/1" "same run id, other content: compared like any file"

# A role that may only write stg (no CREATE on the database) can load into
# a migrated database: migrate only checks, it creates nothing.  These are
# the privileges docs/loader.md lists.
role=mc_loader_$$
sql "create role $role login; grant usage on schema stg, etl to $role;
     grant select, insert, update on all tables in schema stg to $role;
     grant usage, update on all sequences in schema stg to $role;
     grant select on etl.schema_version to $role;
     revoke create on database $PGDATABASE from public;" >/dev/null
{ obs r1 5 2026-11-22T14:00:01Z; } | stg "$T/role/r-role.jsonl" r-role
PGUSER=$role mc load --keep "$T/role/r-role.jsonl" >"$T/out" 2>"$T/err"
check_eq "$?" 0 "a role without CREATE loads into a migrated database"
check_eq "$(sql "select rows_accepted from stg.loaded_file where run_id = 'r-role'")" 1 "its file is recorded"
sql "drop owned by $role; drop role $role" >/dev/null 2>&1
