#!/usr/bin/env bash
# The price history is a function of the set of loaded files
# (docs/history-rules.md): tests/property/history.py generates random,
# reproducible histories (one seed each), loads every one in run order and
# in random orders (random `load` batches, `etl` after random loads), and
# requires every order to give the run order's dump (natural keys only) and
# the run order to give what an independent reference computes from the
# staging files.  One check per seed for the orders, one for the reference.
#
# Budget: HP_SEEDS seeds x (1 + HP_TRIALS) trials, two trials at a time.
# A trial is a fresh database cloned from a migrated template (createdb -T,
# 0.4-0.5 s of it), 6-12 files loaded, one or more ETL runs and one psql
# dump: 0.6-1.2 s, half that in wall time with two side by side.  Measured
# on the 2-core development machine, the default 10 seeds x 6 trials: 40-47 s
# with the machine to itself or nearly, 62 s while other test runs kept the
# load average at 3-4; the AddressSanitizer build 68 s under that same load
# (the binary's own time is small next to createdb's and PostgreSQL's).
# HP_SECONDS (default 150) stops starting new seeds after that long,
# whatever the machine.
# `make soak` runs the same test for SOAK_SECONDS over fresh seeds.
. "$(dirname "$0")/../lib.sh"

seeds=${HP_SEEDS:-1-10}
trials=${HP_TRIALS:-5}
seconds=${HP_SECONDS:-150}
prop=$MC_ROOT/tests/property/history.py
start=$SECONDS

# The reference itself, on hand-made histories (no database).
python3 "$prop" --self-test

python3 "$prop" --seeds "$seeds" --trials "$trials" --seconds "$seconds" >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out"
if [ -s "$T/err" ]; then
	sed 's/^/# stderr: /' "$T/err" | head -n 20
fi
if ! grep -q '^# property:' "$T/out"; then
	not_ok "history property test ended without its summary (exit status $rc)"
fi
# A failing seed's files are copied to $MC_TEST_WORK/history-property/seed-S
# (tests/run.sh removes its work directory at the end): the seed is enough
# to regenerate them (see its "# reproduce:" line).
summary=$(grep '^# property:' "$T/out" | tail -n 1 | sed 's/^# property: //')
echo "# property: ${summary:-no summary (seeds $seeds, $trials random orders each)}; $((SECONDS - start)) s in all"
