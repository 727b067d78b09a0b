#!/usr/bin/env bash
# The SQL columns that store the staging format agree with its one
# definition (staging/format.h): after `db migrate`, every probe that
# test_staging_format --sql-probes builds from the format's table (values
# at and past each limit, each allowed name, characters in and out of each
# set) is put into a scratch column of the same type with the same
# single-column check constraints.  "accept" probes must go in (the loader
# never hands PostgreSQL what it refuses); "reject" probes, for columns
# the table marks exact, must fail.  One check per column.
. "$(dirname "$0")/../lib.sh"
fresh_db || { not_ok "createdb"; exit 1; }
mc db migrate >/dev/null || { not_ok "db migrate"; exit 1; }

probes=$MC_TEST_WORK/staging_contract.probes
"$MC_BUILD/tests/test_staging_format" --sql-probes >"$probes" || { not_ok "probes"; exit 1; }

results=$(psql -X -v ON_ERROR_STOP=1 -Atq -F '|' <<SQL
create function pg_temp.probe(col text, val text) returns text language plpgsql as \$\$
declare
	rel regclass := regexp_replace(col, '\.[^.]*$', '')::regclass;
	att name := regexp_replace(col, '^.*\.', '');
	typ text;
	checks text;
	verdict text := 'accept';
begin
	select format_type(atttypid, atttypmod) into typ
	from pg_attribute where attrelid = rel and attname = att and not attisdropped;
	if typ is null then
		return 'no such column';
	end if;
	select string_agg(pg_get_constraintdef(k.oid), ', ') into checks
	from pg_constraint k
	join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
	where k.conrelid = rel and k.contype = 'c' and cardinality(k.conkey) = 1
	  and a.attname = att;
	execute format('create temp table mc_probe (%I %s%s)', att, typ,
		       coalesce(', ' || checks, ''));
	begin
		execute format('insert into mc_probe values (%L)', val);
	exception when others then
		verdict := 'reject';
	end;
	drop table mc_probe;
	return verdict;
end
\$\$;
create temp table probes (n serial, col text, val text, expect text);
\copy probes (col, val, expect) from '$probes'
select col, count(*),
       string_agg(case when got <> expect then left(val, 40) || ' (' || got || ')' end, '; ')
from (select col, val, expect, pg_temp.probe(col, val) as got from probes order by n) p
group by col order by col;
SQL
) || { not_ok "probes ran"; exit 1; }

[ -n "$results" ] || not_ok "no probes"
while IFS='|' read -r col count wrong; do
	if [ -z "$wrong" ]; then
		ok "$col agrees with staging/format.h ($count probes)"
	else
		not_ok "$col disagrees with staging/format.h: $wrong"
	fi
done <<<"$results"
