#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/torture/recover.sh — how long `liuhend recover` takes for many
# entries (a measurement, never part of `make check`; docs/reliability.md
# "Recovering from the publication"). A log is made, backed up after its
# first entries, given LIUHEN_RECOVER_N more (default 100000, appended
# pipelined by two authors), stopped; the backup is put back and recovered
# from the publication. Asserted: recover exits 0 with every entry added,
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

VAR=$TMP/var
DATA=$VAR/data
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$DATA/log.vkey
export LIUHEN_STATE=$TMP/client.state
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
t0=$(date +%s.%N)
rc=0
LANG=C "$LIUHEND" recover "${LIUHEND_USER_ARGS[@]}" --data "$DATA" --from "$VAR/publish" \
    --log-level warn >"$TMP/recover.out" 2>&1 || rc=$?
t1=$(date +%s.%N)
cat "$TMP/recover.out"
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
