#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_recover.sh — `liuhend recover`: a store put back from a backup
# older than the high-water mark, brought up to the log's publication.
#
# Checked: a log of two authors and a few cases, a backup, then more
# entries (over 256 in all: a full tile and a partial one), stopped; the
# backup put back is refused at start; recover from the publish directory
# exits 0 naming both sizes; liuhend check passes; liuhend starts at the
# publication's size and root; the receipts of before and after the backup
# verify against a fresh export; an append chains on the recovered heads.
# Refused, each leaving data.mdb byte for byte as it was: a publication with
# a byte changed, a checkpoint of another log, a store that forked from the
# publication, recover beside a running liuhend. Run again: nothing to do.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
LIUHEND=$ROOT/$BUILD/bin/liuhend
VERIFY=$ROOT/$BUILD/bin/liuhen-verify

TEST_NAME=recover
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$LIUHEND" "$VERIFY"

use_var
PUB=$VAR/publish

size() { "$LIUHEN" --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])'; }
# The published checkpoint's size and root (its second and third lines).
pub_size() { sed -n 2p "$1/checkpoint"; }
pub_root() { sed -n 3p "$1/checkpoint"; }
# recover NAME... : liuhend recover on the data directory, its output in
# $TMP/recover.out, its status in $rc.
recover() {
    rc=0
    LANG=C "$LIUHEND" recover "${LIUHEND_USER_ARGS[@]}" "$@" >"$TMP/recover.out" 2>&1 || rc=$?
}
# refused NAME DATA_DIR PATTERN RECOVER_ARG...: recover exits with 1 (or 2
# for a lock), says PATTERN, and leaves data.mdb as it was.
refused() {
    local name=$1 dir=$2 pattern=$3 want=$4
    shift 4
    cp "$dir/data.mdb" "$TMP/before.mdb"
    recover --data "$dir" "$@"
    if [ "$rc" -eq "$want" ] && grep -q -- "$pattern" "$TMP/recover.out" &&
        cmp -s "$dir/data.mdb" "$TMP/before.mdb"; then
        ok "$name"
    else
        fail "$name (exit $rc)"
        cat "$TMP/recover.out" >&2
    fi
}

start_daemon "$VAR"
for who in li wang; do
    "$LIUHEN" keygen --out "$TMP/$who" --holder "$who" --no-passphrase >/dev/null 2>&1
    "$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/$who.pub" --roles handler \
        --holder "$who" >/dev/null
done
# records WHO N TAG RECEIPTS: N records by WHO over three cases, pipelined.
records() {
    local i
    for i in $(seq "$2"); do
        printf '{"case_id":"QJ-R-%d","content":"%s %s %d"}\n' $((i % 3)) "$1" "$3" "$i"
    done >"$TMP/$1-$3.jsonl"
    mkdir -p "$4"
    local to=$4/
    [ "$2" -gt 1 ] || to=$4/$1-$3.json
    "$LIUHEN" append --key "$TMP/$1.key" --kind interference --json "$TMP/$1-$3.jsonl" \
        --set occurred_at=now --receipt "$to" >/dev/null 2>>"$TMP/append.err"
}
records li 30 before "$TMP/receipts"
records wang 30 before "$TMP/receipts"
"$LIUHEN" backup --to old.mdb >/dev/null
B=$(size)
records li 120 after "$TMP/receipts"
records wang 120 after "$TMP/receipts"
T=$(size)
stop_daemon
check "the publication holds the whole log ($(pub_size "$PUB") = $T > 256)" \
    bash -c "[ $(pub_size "$PUB") = $T ] && [ $T -gt 256 ]"
cp -a "$PUB" "$TMP/pub-T"

# The backup put back: the start is refused by the mark.
cp "$DATA/data.mdb" "$TMP/new.mdb"
cp "$VAR/backups/old.mdb" "$DATA/data.mdb"
rm -f "$DATA/lock.mdb"
rc=0
LANG=C timeout 20 "$LIUHEND" "${LIUHEND_USER_ARGS[@]}" --data "$DATA" \
    --socket "$LIUHEN_SOCKET" >"$TMP/start.log" 2>&1 || rc=$?
check "the old backup (size $B) is refused at start (exit $rc)" \
    grep -q "the store has $B entries but the log signed a checkpoint of $T" "$TMP/start.log"
check "... and the advice names liuhend recover" grep -q "liuhend recover" "$TMP/start.log"

# Refusals.
cp -a "$PUB" "$TMP/bad-tile"
python3 - "$TMP/bad-tile/tile/entries/000" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0x01
open(p, 'r+b').write(b)
PY
refused "a byte changed in an entry bundle is refused" "$DATA" "refused" 1 --from "$TMP/bad-tile"
cp -a "$PUB" "$TMP/bad-hash"
python3 - "$TMP/bad-hash/tile/1/000.p/1" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[5] ^= 0x01
open(p, 'r+b').write(b)
PY
refused "a byte changed in a level-1 tile is refused" "$DATA" "an altered tile" 1 \
    --from "$TMP/bad-hash"
# Another log (its own key), its checkpoint put in this publication.
LIUHEN_STATE=$TMP/other.state start_daemon "$TMP/other"
stop_daemon
cp -a "$PUB" "$TMP/other-cp"
cp "$TMP/other/publish/checkpoint" "$TMP/other-cp/checkpoint"
refused "a checkpoint of another log is refused" "$DATA" "not a checkpoint of the log" 1 \
    --from "$TMP/other-cp"

# A fork: the backup started elsewhere without the mark, given other entries.
VARB=$TMP/varb
cp -a "$VAR" "$VARB"
rm -f "$VARB/liuhen.sock" "$VARB/data/highwater" "$VARB/data/lock.mdb"
rm -rf "$VARB/publish" && mkdir -m 0755 "$VARB/publish"
[ "$(id -u)" -ne 0 ] || chown "${LIUHEN_TEST_USER:-daemon}" "$VARB/publish"
LIUHEN_STATE=$TMP/b.state start_daemon "$VARB"
LIUHEN_SOCKET=$VARB/liuhen.sock LIUHEN_STATE=$TMP/b.state records li 2 fork "$TMP/fork-receipts"
refused "recover beside a running liuhend is refused" "$VARB/data" "stop it first" 2 --from "$PUB"
stop_daemon
refused "a store that forked from the publication is refused" "$VARB/data" "they fork" 1 \
    --from "$PUB"

# The recovery.
t0=$(date +%s.%N)
recover --data "$DATA" --from "$PUB"
t1=$(date +%s.%N)
cat "$TMP/recover.out"
check "recover exits 0 (exit $rc)" [ "$rc" -eq 0 ]
check "it says what it added: $((T - B)) entries, from $B to $T" \
    grep -q "$((T - B)) entries added from .*the store had $B entries, it has $T" "$TMP/recover.out"
check "it says the root and the next step" \
    bash -c "grep -q 'root at size $T: $(pub_root "$PUB")' '$TMP/recover.out' && grep -q '^next: start liuhend' '$TMP/recover.out'"
echo "recover: $((T - B)) entries in $(python3 -c "print(round($t1 - $t0, 2))") s"
check "the files keep the daemon's owner" \
    bash -c "[ \"\$(stat -c %U '$DATA/data.mdb')\" = \"\$(stat -c %U '$DATA')\" ] && [ \"\$(stat -c %U '$DATA/highwater')\" = \"\$(stat -c %U '$DATA')\" ]"
rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
check "liuhend check: the recovered store is sound (exit $rc)" grep -q "the store is sound" \
    "$TMP/check.out"

start_daemon "$VAR"
check "liuhend starts at the publication's size ($(size) = $T)" [ "$(size)" = "$T" ]
"$LIUHEN" export --to fresh >/dev/null
check "the export's checkpoint is the published one (size and root)" \
    bash -c "[ \"\$(sed -n 2,3p '$VAR/exports/fresh/checkpoint')\" = \"\$(sed -n 2,3p '$PUB/checkpoint')\" ]"
rc=0
"$VERIFY" "$VAR/exports/fresh" --log-key "$DATA/log.vkey" --receipts "$TMP/receipts" >"$TMP/verify.out" 2>&1 || rc=$?
check "liuhen-verify: the export and the $(find "$TMP/receipts" -name '*.json' | wc -l) receipts of before and after the backup verify (exit $rc)" \
    [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$TMP/verify.out" >&2
records li 1 later "$TMP/later-receipts"
records wang 1 later "$TMP/later-receipts"
check "appends chain on the recovered heads ($(size) = $((T + 2)))" [ "$(size)" = $((T + 2)) ]
stop_daemon

recover --data "$DATA" --from "$PUB"
check "run again: nothing to do, exit 0 ($rc)" \
    bash -c "[ $rc -eq 0 ] && grep -q 'nothing to do' '$TMP/recover.out'"
recover --data "$DATA" --from "$TMP/pub-T"
check "an older publication: a consistency check, nothing to do, exit 0 ($rc)" \
    bash -c "[ $rc -eq 0 ] && grep -q 'nothing to do' '$TMP/recover.out'"

# A publication behind the mark: the store catches up to it and is told
# that the mark is still ahead (exit 3); a newer one then goes on from there.
cp "$VAR/backups/old.mdb" "$DATA/data.mdb"
rm -f "$DATA/lock.mdb"
recover --data "$DATA" --from "$TMP/pub-T"
check "a publication behind the mark: up to $T, exit 3 ($rc)" \
    bash -c "[ $rc -eq 3 ] && grep -q 'the high-water mark is at size $((T + 2)), beyond the $T entries' '$TMP/recover.out'"
recover --data "$DATA" --from "$PUB"
check "a newer publication goes on from $T (exit $rc)" \
    bash -c "[ $rc -eq 0 ] && grep -q '2 entries added from .*the store had $T entries, it has $((T + 2))' '$TMP/recover.out'"
rc=0
LANG=C "$LIUHEND" check --data "$DATA" >"$TMP/check.out" 2>&1 || rc=$?
check "liuhend check: sound again (exit $rc)" grep -q "the store is sound" "$TMP/check.out"

summary
