#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_interop.sh — liuhen against a second implementation of its
# formats: tests/interop/c2sp.py, written from RFC 6962, the C2SP
# specifications and docs/design.md alone, in Python (the standard library
# and Debian's python3-cryptography), sharing no code with liuhen's C.
#
# 1. That program runs a log of its own and submits its checkpoints to
#    `liuhen-witness serve` as any C2SP log would: every status of
#    tlog-witness, and every cosignature verified by it (cosignature/v1,
#    its time, the whole note text including an extension line).
# 2. liuhend, a client of the same witness, takes two authors' pipelined
#    imports at once (runs of entries chained by entry id, interleaved
#    cases, more than 256 entries so that tiles have two levels); its
#    publication is then checked by that program as an outside auditor
#    would: the log's signature and the witness's cosignature, every tile,
#    the root, and every leaf decoded (author signatures, entry ids, author
#    and case chains, keys enrolled before use). The entry ids it computes
#    are those `liuhen get` shows.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
WITNESS=$ROOT/$BUILD/bin/liuhen-witness

TEST_NAME=interop
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$ROOT/$BUILD/bin/liuhend" "$WITNESS"
PY=/usr/bin/python3
if ! "$PY" -c 'import cryptography.hazmat.primitives.asymmetric.ed25519' 2>/dev/null; then
    echo "$TEST_NAME: python3-cryptography is missing: \`make deps\` installs it" >&2
    exit 1
fi
C2SP=(env PYTHONDONTWRITEBYTECODE=1 "$PY" "$ROOT/tests/interop/c2sp.py")

WPID=
interop_cleanup() {
    if [ -n "$WPID" ]; then
        kill -KILL "$WPID" 2>/dev/null || true
        wait "$WPID" 2>/dev/null || true
    fi
    cleanup
}
trap interop_cleanup EXIT

# run NAME COMMAND...: a program that prints its own ok/FAIL lines and
# exits with its count of failures; its lines join this test's tally.
run() {
    local name=$1 rc=0
    shift
    "$@" >"$TMP/run.out" 2>"$TMP/run.err" || rc=$?
    cat "$TMP/run.out"
    cat "$TMP/run.err" >&2
    passed=$((passed + $(grep -c '^ok ' "$TMP/run.out" || true)))
    failed=$((failed + $(grep -c '^FAIL ' "$TMP/run.err" || true)))
    if [ "$rc" -ne "$(grep -c '^FAIL ' "$TMP/run.err" || true)" ]; then
        fail "$name: exit $rc"
    fi
}

VAR=$TMP/var
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VAR/data/log.vkey
start_daemon "$VAR" # the layout and the log's key
stop_daemon

# The witness of the oversight body, for both logs.
WNAME=witness.interop.example/w1
"$WITNESS" keygen --out "$TMP/witness" --name "$WNAME" --no-passphrase >/dev/null
"${C2SP[@]}" new-log "$TMP/own" interop.example/log
"$WITNESS" serve --key "$TMP/witness.key" --state "$TMP/wstate" --listen 127.0.0.1:0 \
    --log "$TMP/own/log.vkey" --log "$VAR/data/log.vkey" >"$TMP/w.out" 2>"$TMP/w.err" &
WPID=$!
PORT=
for _ in $(seq 200); do
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/w.out")
    if [ -n "$PORT" ] || ! kill -0 "$WPID" 2>/dev/null; then break; fi
    sleep 0.05
done
if [ -z "$PORT" ]; then
    echo "$TEST_NAME: the witness did not start:" >&2
    cat "$TMP/w.out" "$TMP/w.err" >&2
    exit 1
fi

# 1. Another implementation's log, witnessed.
run "the other log facing liuhen-witness" \
    "${C2SP[@]}" witness "$TMP/own" "http://127.0.0.1:$PORT" "$TMP/witness.pub"
check "the fork it sent is kept as evidence" \
    bash -c "'$WITNESS' evidence --state '$TMP/wstate' 2>/dev/null | grep -q 'interop.example/log'"

# 2. liuhend, witnessed by the same witness, and its publication read by
# the other implementation.
start_daemon "$VAR" --checkpoint-interval 1 --witness "$TMP/witness.pub=http://127.0.0.1:$PORT"
for who in wang:handler li:legal; do
    "$LIUHEN" keygen --out "$TMP/${who%%:*}" --holder "${who%%:*}" --no-passphrase >/dev/null 2>&1
    "$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/${who%%:*}.pub" --roles "${who#*:}" \
        --holder "${who%%:*}" --unit 执法支队 >/dev/null
done
for i in $(seq 0 259); do
    printf '{"case_id":"QJ-IO-%d","content":"第%d条干预记录 record %d"}\n' $((i % 7)) "$i" "$i"
done >"$TMP/wang.jsonl"
for i in $(seq 0 39); do
    printf '{"case_id":"TS-IO-%d","summary":"第%d件投诉 complaint %d"}\n' $((i % 3)) "$i" "$i"
done >"$TMP/li.jsonl"
"$LIUHEN" append --key "$TMP/wang.key" --kind interference --set occurred_at=now \
    --json "$TMP/wang.jsonl" >"$TMP/wang.out" 2>"$TMP/wang.err" &
p1=$!
"$LIUHEN" append --key "$TMP/li.key" --kind complaint --set received_at=now \
    --json "$TMP/li.jsonl" >"$TMP/li.out" 2>"$TMP/li.err" &
p2=$!
rc1=0 rc2=0
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
check "260 pipelined interference records appended (exit $rc1)" \
    bash -c "[ $rc1 -eq 0 ] && [ \$(grep -c '^logged entry' '$TMP/wang.out') -eq 260 ]"
check "40 pipelined complaints appended at the same time (exit $rc2)" \
    bash -c "[ $rc2 -eq 0 ] && [ \$(grep -c '^logged entry' '$TMP/li.out') -eq 40 ]"
[ "$rc1" -eq 0 ] || head -5 "$TMP/wang.err" >&2
[ "$rc2" -eq 0 ] || head -5 "$TMP/li.err" >&2
size=$("$LIUHEN" --json status | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])')
check "the log holds the genesis, 2 enrolments and 300 records ($size)" [ "$size" -eq 303 ]
stop_daemon # the final publication, cosigned
check "the publication is of the whole log" [ "$(sed -n 2p "$VAR/publish/checkpoint")" -eq "$size" ]

run "the other implementation reads liuhend's publication" \
    "${C2SP[@]}" publication "$VAR/publish" "$VAR/data/log.vkey" --witness "$TMP/witness.pub" \
    --min-cosignatures 1 --ids "$TMP/ids"

# The checker itself can fail: one byte of an entry bundle changed.
cp -r "$VAR/publish" "$TMP/altered"
printf 'X' | dd of="$TMP/altered/tile/entries/000" bs=1 seek=300 conv=notrunc status=none
rc=0
"${C2SP[@]}" publication "$TMP/altered" "$VAR/data/log.vkey" >/dev/null 2>"$TMP/altered.err" || rc=$?
check "one byte changed in an entry bundle: it fails ($rc failures)" [ "$rc" -gt 0 ]
check "... and names the tiles" grep -q '^FAIL .*tiles hold the hashes' "$TMP/altered.err"

start_daemon "$VAR"
same=0
for i in 0 1 3 150 302; do
    want=$(sed -n "$((i + 1))p" "$TMP/ids" | cut -d' ' -f2)
    got=$("$LIUHEN" --json get "$i" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["entry_id"])')
    [ "$got" != "$want" ] || same=$((same + 1))
done
check "the entry ids it computed are those liuhen get shows (5 of 5)" [ "$same" -eq 5 ]
stop_daemon

kill -TERM "$WPID"
rc=0
wait "$WPID" || rc=$?
WPID=
check "the witness exits 0 on SIGTERM" [ "$rc" -eq 0 ]

summary
