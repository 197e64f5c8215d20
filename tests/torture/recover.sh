#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/torture/recover.sh — how long `liuhend recover` takes for many
# entries (a measurement, never part of `make check`; docs/reliability.md
# "Recovering from the publication"). A log is made, backed up after its
# first entries, given LIUHEN_RECOVER_N more (default 100000, appended
# pipelined by two authors), stopped; the backup is put back and recovered
# from the publication, once killed after its first transaction and run
# again (which goes on from there), once whole. Asserted: after the kill
# the store is sound and the next run continues; recover exits 0 with every entry added,
# liuhend check passes and liuhend starts at the publication's size. The
# time of recover (and of liuhend check, for comparison) is printed.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
LIUHEND=$ROOT/$BUILD/bin/liuhend
N=${LIUHEN_RECOVER_N:-100000}

TEST_NAME=torture-recover
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$LIUHEND"

use_var
size() { "$LIUHEN" --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])'; }

start_daemon "$VAR"
for who in li wang; do
    "$LIUHEN" keygen --out "$TMP/$who" --holder "$who" --no-passphrase >/dev/null 2>&1
    "$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/$who.pub" --roles handler \
        --holder "$who" >/dev/null
done
"$LIUHEN" backup --to old.mdb >/dev/null
B=$(size)
for who in li wang; do
    python3 - "$who" $((N / 2)) >"$TMP/$who.jsonl" <<'PY'
import sys
who, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    print('{"case_id":"QJ-T-%d","content":"%s %d"}' % (i % 50, who, i))
PY
    "$LIUHEN" append --key "$TMP/$who.key" --kind interference --json "$TMP/$who.jsonl" \
        --set occurred_at=now >/dev/null 2>&1 &
done
wait %2 %3 2>/dev/null || wait
T=$(size)
stop_daemon
cp "$VAR/backups/old.mdb" "$DATA/data.mdb"
rm -f "$DATA/lock.mdb"

# Killed once its first transaction is committed: the store is shorter and
# sound, and the next run goes on from there.
LANG=C "$LIUHEND" recover "${LIUHEND_USER_ARGS[@]}" --data "$DATA" --from "$VAR/publish" \
    >"$TMP/killed.out" 2>&1 &
pid=$!
for _ in $(seq 1200); do
    grep -q "entries up to" "$TMP/killed.out" && break
    sleep 0.05
done
kill -KILL "$pid"
wait "$pid" || true
rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
cut=$(grep -c "entries up to" "$TMP/killed.out" || true)
# Sound but for the high-water mark, which it has not reached yet.
check "killed after $cut transactions: liuhend check finds only the mark ahead ($rc)" \
    bash -c "grep -q '^liuhend check .*: 1 findings in ' '$TMP/check.out' && grep -q 'but the log signed a checkpoint of $T' '$TMP/check.out'"
[ "$rc" -eq 1 ] || cat "$TMP/check.out" >&2
rc=0
LANG=C "$LIUHEND" recover "${LIUHEND_USER_ARGS[@]}" --data "$DATA" --from "$VAR/publish" \
    --log-level warn >"$TMP/again.out" 2>&1 || rc=$?
had=$(sed -n 's/.*the store had \([0-9]*\) entries.*/\1/p' "$TMP/again.out")
check "run again: it goes on from $had (> $B) to $T (exit $rc)" \
    bash -c "[ $rc -eq 0 ] && [ '$had' -gt $B ] && grep -q 'it has $T with' '$TMP/again.out'"

# The measured run, from the backup again.
cp "$VAR/backups/old.mdb" "$DATA/data.mdb"
rm -f "$DATA/lock.mdb"
t0=$(date +%s.%N)
rc=0
/usr/bin/time -f 'peak resident size: %M KiB' -o "$TMP/time.out" \
    env LANG=C "$LIUHEND" recover "${LIUHEND_USER_ARGS[@]}" --data "$DATA" --from "$VAR/publish" \
    --log-level warn >"$TMP/recover.out" 2>&1 || rc=$?
t1=$(date +%s.%N)
cat "$TMP/recover.out" "$TMP/time.out"
check "recover exits 0 ($rc)" [ "$rc" -eq 0 ]
check "every entry added: $((T - B))" grep -q "$((T - B)) entries added" "$TMP/recover.out"
rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
t2=$(date +%s.%N)
check "liuhend check passes ($rc)" [ "$rc" -eq 0 ]
start_daemon "$VAR"
check "liuhend starts at $T" [ "$(size)" = "$T" ]
stop_daemon
python3 -c "
r, c = $t1 - $t0, $t2 - $t1
print('recover: %d entries in %.1f s (%.0f entries/s); liuhend check of the %d: %.1f s' % ($T - $B, r, ($T - $B) / r, $T, c))"
summary
