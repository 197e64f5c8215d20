#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_witnessing.sh — liuhend with two witnesses, as the oversight
# body would run them: two `liuhen-witness serve` on 127.0.0.1 and one
# liuhend given both (--witness, --min-cosignatures 2).
#
# Checked: checkpoints get both cosignatures, which the CLI verifies with
# the witness keys and a policy of 2 (`liuhen checkpoint`), which `liuhen
# status` reports, which the published checkpoint carries and liuhen-verify
# requires (--min-cosignatures 2); the heartbeat (an unchanged log is
# cosigned again, with a later time); a witness down: appends go on, the
# status names the error, the policy still holds at the last size both
# cosigned, and after the witness is back every checkpoint is cosigned
# again; an evidence package of a record, verified with both witnesses; and
# a restored old backup of the store, refused at start by the high-water
# mark and, with the mark lost too, by the witnesses, which will not cosign
# its smaller tree (while the other data directory's log, started again, is).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
VERIFY=$ROOT/$BUILD/bin/liuhen-verify
WITNESS=$ROOT/$BUILD/bin/liuhen-witness

TEST_NAME=witnessing
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$VERIFY" "$WITNESS" "$ROOT/$BUILD/bin/liuhend"

W_PIDS=(0 0)
W_PORT=(0 0)
witnessing_cleanup() {
    local p
    for p in "${W_PIDS[@]}"; do
        [ "$p" = 0 ] || kill -KILL "$p" 2>/dev/null || true
    done
    cleanup
}
trap witnessing_cleanup EXIT

use_var

# The log first (its verifier key is the witnesses' configuration), then
# the witnesses, then the log again with them.
start_daemon "$VAR"
stop_daemon

for i in 0 1; do
    "$WITNESS" keygen --out "$TMP/w$i" --name "oversight.example/w$i" --no-passphrase \
        >/dev/null 2>&1
done

# start_witness I [PORT]: witness I in the background; its port in W_PORT[I].
start_witness() {
    local i=$1 port=${2:-0} line=
    # Emptied first: the last instance's line must not be read (the
    # background process truncates the file only when it runs).
    : >"$TMP/w$i.out"
    "$WITNESS" serve --key "$TMP/w$i.key" --state "$TMP/ws$i" --listen "127.0.0.1:$port" \
        --log "$VAR/data/log.vkey" >"$TMP/w$i.out" 2>>"$TMP/w$i.err" &
    W_PIDS[i]=$!
    for _ in $(seq 100); do
        line=$(head -n 1 "$TMP/w$i.out" 2>/dev/null || true)
        [ -z "$line" ] || break
        sleep 0.05
    done
    W_PORT[i]=${line##*:}
    [ -n "${W_PORT[i]}" ] || {
        cat "$TMP/w$i.err" >&2
        fail "witness $i starts"
        summary
        exit 1
    }
}
stop_witness() {
    kill -TERM "${W_PIDS[$1]}"
    wait "${W_PIDS[$1]}" || true
    W_PIDS[$1]=0
}
start_witness 0
start_witness 1
ok "two witnesses serve on ports ${W_PORT[0]} and ${W_PORT[1]}"

WITNESS_ARGS=(--witness "$TMP/w0.pub=http://127.0.0.1:${W_PORT[0]}"
    --witness "$TMP/w1.pub=http://127.0.0.1:${W_PORT[1]}" --min-cosignatures 2
    --checkpoint-interval 2)
start_daemon "$VAR" "${WITNESS_ARGS[@]}"

POLICY=(--witness-key "$TMP/w0.pub" --witness-key "$TMP/w1.pub" --min-cosignatures 2)
"$LIUHEN" keygen --out "$TMP/wang" --holder 王明 --no-passphrase >/dev/null 2>&1
"$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/wang.pub" --roles handler --holder 王明 >/dev/null
append() {
    "$LIUHEN" append --key "$TMP/wang.key" --kind interference --case "$1" \
        --set occurred_at=now --set content="$2" >/dev/null
}
append QJ-W-1 "第一条"

# wait_until SECONDS COMMAND...: poll until the command succeeds.
wait_until() {
    local limit=$1
    shift
    for _ in $(seq $((limit * 10))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    "$@"
}
size_now() { "$LIUHEN" --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])'; }
cosigned_by_both() {
    local want=$1
    "$LIUHEN" --json status | python3 -c '
import json, sys
s = json.load(sys.stdin)
want = int(sys.argv[1])
sys.exit(0 if len(s["witnesses"]) == 2 and all(w["cosigned_size"] >= want for w in s["witnesses"]) else 1)' "$want"
}
size=$(size_now)
check "both witnesses cosign size $size" wait_until 20 cosigned_by_both "$size"

# The CLI, with the policy: the checkpoint shown carries both verified cosignatures.
"$LIUHEN" "${POLICY[@]}" checkpoint >"$TMP/cp.out" 2>&1 || true
check "liuhen checkpoint verifies both cosignatures" \
    [ "$(grep -c ' verified$' "$TMP/cp.out")" = 2 ]
check "liuhen checkpoint names both witnesses" \
    grep -q 'oversight.example/w0.* verified$' "$TMP/cp.out"
check "... the second one too" grep -q 'oversight.example/w1.* verified$' "$TMP/cp.out"
LANG=zh_CN.UTF-8 "$LIUHEN" "${POLICY[@]}" checkpoint >"$TMP/cp-zh.out" 2>&1 || true
check "under LANG=zh_CN.UTF-8, both cosignatures are 已验证" \
    [ "$(grep -c ' 已验证$' "$TMP/cp-zh.out")" = 2 ]
jcp=$("$LIUHEN" "${POLICY[@]}" --json checkpoint)
check "the JSON checkpoint lists two verified cosignatures" python3 -c '
import json, sys
c = json.loads(sys.argv[1])
sys.exit(0 if sum(1 for x in c["cosignatures"] if x["verified"]) == 2 else 1)' "$jcp"
# A witness key the log never used: its lines are shown unverified, and a
# policy that requires it cannot be met.
"$WITNESS" keygen --out "$TMP/stranger" --name oversight.example/w0 --no-passphrase >/dev/null 2>&1
rc=0
"$LIUHEN" --state "$TMP/stranger.state" --witness-key "$TMP/stranger.pub" --min-cosignatures 1 \
    checkpoint >"$TMP/out" 2>&1 || rc=$?
check "a policy with a witness that never cosigned is refused (exit $rc)" [ "$rc" = 1 ]
check "... saying no checkpoint has the cosignatures" grep -q "cosignatures" "$TMP/out"

# Status shows both witnesses, no error.
"$LIUHEN" status >"$TMP/st.out"
check "liuhen status shows each witness's last cosigned size" \
    [ "$(grep -c '^    last cosigned: tree size' "$TMP/st.out")" = 2 ]
check "liuhen status shows no witness error" [ "$(grep -c 'last error' "$TMP/st.out" || true)" = 0 ]
LANG=zh_CN.UTF-8 "$LIUHEN" status >"$TMP/st-zh.out"
check "under LANG=zh_CN.UTF-8, liuhen status names the witnesses in Chinese" \
    [ "$(grep -c '^    最近见证签名：树大小 ' "$TMP/st-zh.out")" = 2 ]
check "  ... and with no English" [ "$(grep -c 'last cosigned' "$TMP/st-zh.out" || true)" = 0 ]

# Heartbeat: with nothing appended the checkpoint is cosigned again later.
t0=$("$LIUHEN" --json status | python3 -c 'import json,sys; print(max(w["cosigned_at"] for w in json.load(sys.stdin)["witnesses"]))')
later() {
    "$LIUHEN" --json status | python3 -c '
import json, sys
sys.exit(0 if min(w["cosigned_at"] for w in json.load(sys.stdin)["witnesses"]) > int(sys.argv[1]) else 1)' "$t0"
}
check "the heartbeat cosigns the unchanged log again, later" wait_until 10 later

# The publication carries the cosignatures and liuhen-verify requires them.
published_cosigned() { [ "$(grep -c '^— oversight.example/w' "$VAR/publish/checkpoint")" = 2 ]; }
check "the published checkpoint carries both cosignatures" wait_until 10 published_cosigned
rc=0
"$VERIFY" "$VAR/publish" --log-key "$VAR/data/log.vkey" --witness-key "$TMP/w0.pub" \
    --witness-key "$TMP/w1.pub" --min-cosignatures 2 >"$TMP/verify.out" 2>&1 || rc=$?
check "liuhen-verify accepts the publication with --min-cosignatures 2 (exit $rc)" [ "$rc" = 0 ]

# An evidence package of the record, verified with both witnesses.
"$LIUHEN" "${POLICY[@]}" evidence 2 --out "$TMP/rec.evidence" >/dev/null
rc=0
"$VERIFY" --evidence "$TMP/rec.evidence" --log-key "$VAR/data/log.vkey" \
    --witness-key "$TMP/w0.pub" --witness-key "$TMP/w1.pub" --min-cosignatures 2 \
    >"$TMP/ev.out" 2>&1 || rc=$?
check "the evidence package verifies with two cosignatures (exit $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || cat "$TMP/ev.out" >&2

# A backup now, for the restore below.
"$LIUHEN" backup --to backup.mdb >/dev/null   # beneath liuhend's --backup-dir

# Witness 1 down: appends go on; the status names the error; the policy
# holds at the last size both cosigned.
stop_witness 1
append QJ-W-2 "第二条"
append QJ-W-3 "第三条"
grown=$(size_now)
check "appends go on with a witness down (size $grown)" [ "$grown" -gt "$size" ]
w1_error() { "$LIUHEN" status | grep -q '^    last error: .*unreachable'; }
check "liuhen status names the unreachable witness" wait_until 15 w1_error
cp_size=$("$LIUHEN" "${POLICY[@]}" --json checkpoint | python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])')
check "with the policy the checkpoint is the last both cosigned ($cp_size < $grown)" \
    [ "$cp_size" -lt "$grown" ]
one_policy=(--witness-key "$TMP/w0.pub" --min-cosignatures 1)
cosigned_by_w0() {
    [ "$("$LIUHEN" --state "$TMP/one.state" "${one_policy[@]}" --json checkpoint |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])')" = "$grown" ]
}
check "the witness still up cosigns the grown log" wait_until 15 cosigned_by_w0

# Witness 1 back, on the same port: it catches up.
start_witness 1 "${W_PORT[1]}"
check "after the witness is back, both cosign size $grown" wait_until 30 cosigned_by_both "$grown"
no_error() { ! "$LIUHEN" status | grep -q 'last error'; }
check "the last error is cleared" wait_until 10 no_error
stop_daemon

# An old backup restored in place of the log: its tree is smaller than what
# the witnesses cosigned, and they will not cosign it.
# The data directory's high-water mark refuses it first.
cp -a "$VAR/data" "$TMP/data.now"
cp "$VAR/backups/backup.mdb" "$VAR/data/data.mdb"
rm -f "$VAR/data/lock.mdb"
rc=0
LANG=C timeout 20 "$ROOT/$BUILD/bin/liuhend" "${LIUHEND_USER_ARGS[@]}" --data "$VAR/data" --socket "$VAR/liuhen.sock" \
    >"$TMP/refused.log" 2>&1 || rc=$?
check "the restored old store is refused at start by the high-water mark (exit $rc)" \
    grep -q 'but the log signed a checkpoint of' "$TMP/refused.log"
# (Its own publish directory would refuse it too; say both were lost with
# the machine the backup is restored on.)
mv "$VAR/data/highwater" "$TMP/highwater.now"
mv "$VAR/publish" "$TMP/publish.now"
mkdir -m 0755 "$VAR/publish"
export LIUHEN_STATE=$TMP/after-restore.state
start_daemon "$VAR" "${WITNESS_ARGS[@]}"
rc=0
"$LIUHEN" --state "$TMP/client.state" status >"$TMP/out" 2>&1 || rc=$?
check "a client that saw the larger tree calls the restored log a fork (exit $rc)" \
    grep -q 'log fork' "$TMP/out"
behind() {
    "$LIUHEN" --state "$TMP/fresh.state" status | grep -q 'this log is behind what was witnessed'
}
check "the restored old log is refused: the witnesses cosigned a larger tree" wait_until 15 behind
# With the policy, the newest checkpoint it can show is one the witnesses
# cosigned before the backup: never the restored tree's own.
restored=$("$LIUHEN" --state "$TMP/restored.state" "${POLICY[@]}" --json checkpoint |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])')
check "the restored log shows no cosigned checkpoint beyond the backup ($restored < $grown)" \
    [ "$restored" -lt "$grown" ]
stop_daemon

summary
