#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_store_guard.sh — liuhend against a store that is not the one it
# left: put back from an old backup, truncated, empty, or altered at rest.
#
# Checked, with no --publish directory (the high-water mark alone): the
# mark follows every receipt; an old backup put back is refused at start
# with how to recover, and the newer store starts again; a truncated or
# empty data.mdb is refused with a message (never SIGBUS); `liuhend check`
# finds a sound store sound (exit 0), and names an entry whose bytes were
# altered and a stored hash that was (exit 1); the start refuses a store
# whose tree no longer has its latest checkpoint's root; and
# --check-interval reports the damage in the daemon's log.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
LIUHEND=$ROOT/$BUILD/bin/liuhend

TEST_NAME=store_guard
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$LIUHEND"

use_var

# The layout (admin key, data directory) as `make run` makes it.
start_daemon "$VAR"
stop_daemon

# plain [ARG...]: liuhend on the data directory with no publish directory,
# in the background, until it answers.
plain() {
    LANG=C "$LIUHEND" "${LIUHEND_USER_ARGS[@]}" --data "$DATA" --socket "$LIUHEN_SOCKET" \
        --backup-dir "$VAR/backups" --export-dir "$VAR/exports" "$@" >>"$TMP/plain.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 200); do
        if "$LIUHEN" status >/dev/null 2>&1; then return 0; fi
        kill -0 "$DAEMON_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "$TEST_NAME: liuhend did not start:" >&2
    cat "$TMP/plain.log" >&2
    exit 1
}
# refused NAME PATTERN: liuhend must exit non-zero (not by a signal) at
# start, saying PATTERN.
refused() {
    local rc=0
    LANG=C timeout 20 "$LIUHEND" "${LIUHEND_USER_ARGS[@]}" --data "$DATA" --socket "$LIUHEN_SOCKET" >"$TMP/refused.log" 2>&1 ||
        rc=$?
    if [ "$rc" -eq 1 ] && grep -q -- "$2" "$TMP/refused.log"; then
        ok "$1"
    else
        fail "$1 (exit $rc)"
        cat "$TMP/refused.log" >&2
    fi
}
size() { "$LIUHEN" --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])'; }
# The mark's size: the larger of its two slots' (each a signed checkpoint).
mark() { tr '\0' '\n' <"$DATA/highwater" | grep -E '^[0-9]+$' | sort -n | tail -n 1; }

plain
"$LIUHEN" keygen --out "$TMP/li" --holder 李华 --no-passphrase >/dev/null 2>&1
"$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/li.pub" --roles handler --holder 李华 >/dev/null
append() {
    "$LIUHEN" append --key "$TMP/li.key" --kind interference --case "$1" \
        --set occurred_at=now --set content="$2" >/dev/null 2>&1
}
append QJ-G-1 "第一条"
check "the high-water mark is the size of the last receipt ($(mark) = $(size))" [ "$(mark)" = "$(size)" ]
"$LIUHEN" backup --to old.mdb >/dev/null
old=$(size)
append QJ-G-1 "第二条"
append QJ-G-2 "第三条 UNIQUE-MARKER-7f3a"
marker=$(($(size) - 1))
check "the mark follows each receipt ($(mark) = $(size))" [ "$(mark)" = "$(size)" ]
stop_daemon
new=$(mark)

# An old backup put back: no --publish, yet refused.
cp "$DATA/data.mdb" "$TMP/new.mdb"
cp "$VAR/backups/old.mdb" "$DATA/data.mdb"
rm -f "$DATA/lock.mdb"
refused "an old backup (size $old) is refused by the mark ($new)" \
    "the store has $old entries but the log signed a checkpoint of $new"
check "the refusal says how to recover" grep -q "to recover, put back the newest backup" \
    "$TMP/refused.log"
rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
check "liuhend check finds the old backup behind the mark (exit $rc)" \
    grep -q "the store has $old entries but the log signed a checkpoint of $new" "$TMP/check.out"
cp "$TMP/new.mdb" "$DATA/data.mdb"
plain
check "the newer store starts again" [ "$(size)" = "$new" ]
rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
check "liuhend check beside the running daemon: sound (exit $rc)" \
    grep -q "the store is sound" "$TMP/check.out"
append QJ-G-3 "检查之后"
append QJ-G-3 "检查之后又一条"
check "the daemon appends after the check ($(size) = $((new + 2)))" [ "$(size)" = $((new + 2)) ]
stop_daemon
new=$(mark)
cp "$DATA/data.mdb" "$TMP/new.mdb"

# A truncated store and an empty one: refused, not SIGBUS.
bytes=$(stat -c %s "$TMP/new.mdb")
truncate -s $((bytes / 2)) "$DATA/data.mdb"
refused "a truncated data.mdb is refused" "holds $((bytes / 2)) bytes but its LMDB meta"
: >"$DATA/data.mdb"
refused "an empty data.mdb is refused" "is empty (0 bytes)"
cp "$TMP/new.mdb" "$DATA/data.mdb"

rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
check "liuhend check: a sound store is sound (exit $rc)" \
    grep -q "the store is sound" "$TMP/check.out"

# An entry's bytes altered at rest (a byte of its content).
python3 - "$DATA/data.mdb" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
i = b.find(b'UNIQUE-MARKER-7f3a')
assert i > 0
while i >= 0:  # the live page, and copies LMDB left in free pages
    b[i] ^= 0x01
    i = b.find(b'UNIQUE-MARKER-7f3a', i + 1)
open(p, 'r+b').write(b)
PY
rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
check "liuhend check exits 1 on an altered entry ($rc)" [ "$rc" -eq 1 ]
check "it names the entry" grep -q "entry $marker: its stored bytes hash to" "$TMP/check.out"
# The start's check reads O(log n) hashes, not the entries: it starts, and
# the background scrub finds the damage.
plain --check-interval 1
damaged() { grep -q "check: the store is damaged" "$TMP/plain.log"; }
for _ in $(seq 100); do damaged && break; sleep 0.1; done
check "--check-interval logs the damage" damaged
check "... naming the entry" grep -q "check: entry $marker: its stored bytes hash to" \
    "$TMP/plain.log"
stop_daemon
cp "$TMP/new.mdb" "$DATA/data.mdb"

# The stored leaf hash of the last entry altered: the latest checkpoint's
# root no longer follows from the stored hashes. Its bytes are read from a
# tiles export (tile/0: the leaf hashes, in order).
plain
"$LIUHEN" export --to tiles >/dev/null
stop_daemon
python3 - "$DATA/data.mdb" "$VAR/exports/tiles" "$new" <<'PY'
import os, sys
p, tiles, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = os.path.join(tiles, 'tile', '0', '000.p', str(n))
h = open(t, 'rb').read()[32 * (n - 1):32 * n]
b = bytearray(open(p, 'rb').read())
i = b.find(h)
assert i > 0
while i >= 0:  # the stored hash, and the leaf-hash index's key
    b[i] ^= 0x01
    i = b.find(h, i + 1)
open(p, 'r+b').write(b)
PY
rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
check "liuhend check exits 1 on an altered stored hash ($rc)" [ "$rc" -eq 1 ]
check "it names the entry's leaf hash" \
    grep -q "entry $((new - 1)): its stored bytes hash to .* but its stored leaf hash is" "$TMP/check.out"
check "and the checkpoint whose root no longer follows" \
    grep -q "checkpoint of size $new: it signs the root" "$TMP/check.out"
# The size is odd (7), so the root reads the last leaf's stored hash itself.
check "the log has an odd size ($new)" [ $((new % 2)) -eq 1 ]
refused "the start refuses a tree without its checkpoint's root" \
    "has another root than its signed checkpoint"
cp "$TMP/new.mdb" "$DATA/data.mdb"

summary
