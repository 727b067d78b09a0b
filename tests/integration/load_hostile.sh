#!/usr/bin/env bash
# Scraped text is data: quotes, backslashes, tabs, newlines, carriage
# returns, "\N", "\.", SQL fragments, control characters and non-ASCII text
# arrive in PostgreSQL byte for byte (compared as hex), in every text
# column and inside attrs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/load_helpers.bash"
fresh_db || { not_ok "createdb"; exit 1; }

# JSON text of the hostile value, and the bytes it must become.
json='q\"uote b\\slash tab\there nl\nhere cr\rhere \\N \\. \\\\N end\\'"'"'); DROP TABLE stg.observation; -- caf\u00e9 \ud83d\ude00 raw café 😀 \u0001\b\f \/ %s $1'
want=$(printf 'q"uote b\\slash tab\there nl\nhere cr\rhere \\N \\. \\\\N end\\'"'"'); DROP TABLE stg.observation; -- caf\xc3\xa9 \xf0\x9f\x98\x80 raw caf\xc3\xa9 \xf0\x9f\x98\x80 \x01\x08\x0c / %%s $1' | od -An -tx1 | tr -d ' \n')

{
	printf '{"marketplace":"m","external_id":"%s","url":"http://m.test/a?q=\\"x\\"&b=\\\\","title":"%s","price":"1","currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T10:00:00Z","product_key":"%s","attrs":{"note":"%s","nested":{"k\\tey":["%s"]}}}\n' \
		"$json" "$json" "$json" "$json" "$json"
	# a second listing whose external_id differs only by a trailing newline
	printf '{"marketplace":"m","external_id":"%s\\n","url":"http://m.test/b","title":"t","price":"2","currency":"EUR","availability":"in_stock","observed_at":"2026-11-22T10:00:00Z"}\n' "$json"
} | stg "$T/hostile.jsonl" hostile

load --keep "$T/hostile.jsonl"
check_eq "$RC" 0 "hostile file loads cleanly"
check_eq "$(sql 'select count(*) from stg.observation')" 2 "both hostile listings accepted"
hex() { sql "select encode(convert_to($1, 'UTF8'), 'hex') from stg.observation where price = 1"; }
check_eq "$(hex title)" "$want" "title byte-exact"
check_eq "$(hex external_id)" "$want" "external_id byte-exact"
check_eq "$(hex product_key)" "$want" "product_key byte-exact"
check_eq "$(hex "attrs->>'note'")" "$want" "attrs string byte-exact"
check_eq "$(hex "attrs->'nested'->(E'k\\tey')->>0")" "$want" "attrs nested key with a tab, value byte-exact"
check_eq "$(sql "select url from stg.observation where price = 1")" 'http://m.test/a?q="x"&b=\' "url with quotes and a backslash"
check_eq "$(sql "select encode(convert_to(external_id, 'UTF8'), 'hex') from stg.observation where price = 2")" "${want}0a" "trailing newline kept: a different listing"
check_eq "$(sql "select count(*) from stg.listing_state")" 2 "two listing states"
check_eq "$(sql "select count(*) from pg_tables where schemaname = 'stg' and tablename = 'observation'")" 1 "the SQL fragment did nothing"

# The loader's state digest (C) equals stg.state_digest() (SQL) for hostile
# titles, '|' in titles, URLs and product keys (counted in bytes, not
# characters) and every price spelling the staging format allows.
{
	printf '%s\n' '{"marketplace":"m","external_id":"p6","url":"http://m.test/\u00fc|x","title":"t","price":"1","currency":"EUR","availability":"unknown","observed_at":"2026-11-22T10:00:00Z","product_key":"k|ey \u00e9"}'
	printf '%s\n' '{"marketplace":"m","external_id":"p7","url":"http://m.test/p7","title":"t","price":"1","currency":"EUR","availability":"unknown","observed_at":"2026-11-22T10:00:00Z","product_key":"-"}'

	obs p1 0 2026-11-22T10:00:00Z null 'a|b||c'
	obs p2 -0 2026-11-22T10:00:00Z 0.000001 '|'
	obs p3 000.5 2026-11-22T10:00:00Z 0010 'tab\there \\ \"q\" caf\u00e9 \ud83d\ude00'
	obs p4 999999999999.999999 2026-11-22T10:00:00Z 1.000000 'x' out_of_stock
	obs p5 12.345678 2026-11-22T10:00:00Z null "$json" preorder
} | stg "$T/prices.jsonl" prices
load --keep "$T/prices.jsonl"
check_eq "$RC" 0 "price spellings load"
check_eq "$(sql "select count(*) filter (where s.digest = stg.state_digest(o.price, o.list_price, o.currency, o.availability, o.title, o.url, o.product_key)) || '/' || count(*) from stg.listing_state s join stg.observation o using (obs_id)")" \
	"9/9" "the loader's digests equal stg.state_digest() for every listing"

# Loading the same listing again with the same hostile title: unchanged.
sed 's/hostile/hostile2/g; s/2026-11-22T10:00:00Z/2026-11-22T11:00:00Z/g' "$T/hostile.jsonl" >"$T/hostile2.jsonl"
load --keep "$T/hostile2.jsonl"
check_eq "$(sql "select rows_accepted || '/' || rows_unchanged from stg.loaded_file where run_id = 'hostile2'")" "0/2" "hostile strings compare equal to themselves"

# A staging tree holding a FIFO, a device and a socket named *.jsonl: each
# is refused with one line naming it, without being opened for reading (a
# FIFO's open used to wait for a writer forever), and the real staging
# files beside them, one reached through a symbolic link, are still loaded.
tree=$T/special/staging
mkdir -p "$tree/sub"
obs s1 1 2026-11-22T10:00:00Z | stg "$tree/a.jsonl" special-a
obs s2 1 2026-11-22T10:00:00Z | stg "$T/elsewhere.jsonl" special-b
ln -s "$T/elsewhere.jsonl" "$tree/sub/linked.jsonl"
mkfifo "$tree/fifo.jsonl"
ln -s "$tree/fifo.jsonl" "$tree/sub/fifo-link.jsonl"
ln -s /dev/zero "$tree/zero.jsonl"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$tree/sock.jsonl"
timeout 60 "$MC_BIN" load --keep --data-dir "$T/special" >"$T/out" 2>"$T/err"
RC=$?
check_eq "$RC" 1 "special files in the staging tree: the load ends (status 1, not a hang)"
check_eq "$(sql "select string_agg(run_id, ',' order by run_id) from stg.loaded_file where run_id like 'special-%'")" \
	"special-a,special-b" "the regular file and the symlinked one are loaded"
check_eq "$(grep -c 'refused .*fifo\.jsonl: a FIFO, not a staging file' "$T/err")" 1 "the FIFO is refused, one line naming it"
check_eq "$(grep -c 'refused .*fifo-link\.jsonl: a FIFO' "$T/err")" 1 "a symlink to the FIFO is refused"
check_eq "$(grep -c 'refused .*zero\.jsonl: a character device' "$T/err")" 1 "a device is refused"
check_eq "$(grep -c 'refused .*sock\.jsonl: a socket' "$T/err")" 1 "a socket is refused"
check_eq "$(wc -l <"$T/err")" 4 "one error line per special file, nothing else"
