#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_witness.sh — liuhen-witness against real checkpoints: a real
# liuhend (tests/util/daemon.sh) grows a log, `liuhen checkpoint --save`
# and `liuhen --json consistency` give its signed checkpoints and proofs,
# and curl sends C2SP tlog-witness add-checkpoint requests to
# `liuhen-witness serve` on 127.0.0.1 (port 0, read from its first line).
#
# Checked: every status of tlog-witness (200, 400, 403, 404, 409 with its
# Content-Type and body, 422) and of the server (405, 404, 413); the shape
# of the cosignature line, and that the size a 409 gives lets the next
# request through; durability (kill -9 after a 200, restart, the old size
# gets 409 with the new one); a fork made by two daemons started from
# copies of one data directory, refused and kept as evidence
# (`liuhen-witness evidence`); the air-gapped `add-checkpoint` on standard
# input, and its refusal while `serve` holds the state; keygen's files;
# liuhend as the witness's client (--witness), whose cosigned publication
# liuhen-verify accepts with --min-cosignatures 1.
#
# Everything runs in a temporary directory, on 127.0.0.1 only.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
WITNESS=$ROOT/$BUILD/bin/liuhen-witness

TEST_NAME=witness
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$ROOT/$BUILD/bin/liuhend" "$WITNESS"
if ! command -v curl >/dev/null; then
    echo "$TEST_NAME: curl is missing (apt-get install curl)" >&2
    exit 1
fi

# Processes besides the daemon.sh one: a second liuhend, the witness.
EXTRA_PIDS=()
witness_cleanup() {
    local p
    for p in ${EXTRA_PIDS[@]+"${EXTRA_PIDS[@]}"}; do
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    cleanup
}
trap witness_cleanup EXIT

ORIGIN=demo.liuhen.local/log
WNAME=witness.oversight.example/w1
mkdir -p "$TMP/keys" "$TMP/req"

# lh VAR STATE ARGS...: the CLI against the daemon of VAR, with its own
# state file (two daemons that fork must not share one).
lh() {
    local var=$1 state=$2
    shift 2
    "$LIUHEN" --socket "$var/liuhen.sock" --log-key "$var/data/log.vkey" --state "$state" "$@"
}

# grow VAR STATE TAG N: N more entries (an admin enrols N new keys).
grow() {
    local var=$1 state=$2 tag=$3 n=$4 i
    for i in $(seq "$n"); do
        "$LIUHEN" keygen --out "$TMP/keys/$tag-$i" --holder "$tag-$i" --no-passphrase >/dev/null 2>&1
        lh "$var" "$state" enroll --key "$var/admin.key" --pub "$TMP/keys/$tag-$i.pub" \
            --roles handler --holder "$tag-$i" --unit 执法支队 >/dev/null
    done
}

# save_cp VAR STATE FILE: the latest signed checkpoint into FILE; prints its size.
save_cp() {
    lh "$1" "$2" checkpoint --save "$3" >/dev/null
    sed -n 2p "$3"
}

# proof VAR STATE M N: the consistency proof, one base64 hash a line.
proof() {
    lh "$1" "$2" --json consistency --from "$3" --to "$4" |
        sed -n '/"consistency"/,/]/p' | grep -o '[A-Za-z0-9+/]\{43\}=' || true
}

# request FILE OLD CHECKPOINT [PROOF_FILE]: an add-checkpoint body.
request() {
    local out=$1 old=$2 cp=$3 pf=${4:-}
    {
        printf 'old %s\n' "$old"
        if [ -n "$pf" ]; then cat "$pf"; fi
        printf '\n'
        cat "$cp"
    } >"$out"
}

# post FILE [PATH]: POST it; prints the status; the answer is in $TMP/resp.*.
post() {
    curl -s -o "$TMP/resp.body" -D "$TMP/resp.head" -w '%{http_code}' \
        --data-binary @"$1" "http://127.0.0.1:$PORT${2:-/add-checkpoint}"
}

# expect NAME STATUS FILE [PATH]: the answer's status; an error body is one line.
expect() {
    local name=$1 want=$2 got
    got=$(post "$3" "${4:-/add-checkpoint}")
    if [ "$got" = "$want" ]; then
        ok "$name: $got $(head -c 120 "$TMP/resp.body" | tr '\n' ' ')"
    else
        fail "$name: got $got, wanted $want: $(cat "$TMP/resp.body")"
    fi
}

# start_witness: serve in the background on port 0; sets WPID and PORT.
# w.out is emptied first: the background process truncates it only when it
# runs, and the last instance's "listening on" line must not be read.
start_witness() {
    : >"$TMP/w.out"
    "$WITNESS" serve --key "$TMP/keys/witness.key" --passphrase-file "$TMP/pass" \
        --state "$TMP/wstate" --listen 127.0.0.1:0 --log "$VAR/data/log.vkey" \
        >"$TMP/w.out" 2>>"$TMP/w.err" &
    WPID=$!
    EXTRA_PIDS+=("$WPID")
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
}

# 1. keygen: PREFIX.key (0600, encrypted) and PREFIX.pub, one type 0x04 key.
printf '见证口令 witness passphrase\n' >"$TMP/pass"
chmod 600 "$TMP/pass"
"$WITNESS" keygen --out "$TMP/keys/witness" --name "$WNAME" --passphrase-file "$TMP/pass" \
    >"$TMP/keygen.out"
check "keygen: the secret key is mode 0600" [ "$(stat -c %a "$TMP/keys/witness.key")" = 600 ]
check "keygen: the secret key is encrypted" grep -q "encrypted" "$TMP/keygen.out"
check "keygen: PREFIX.pub is one line, NAME+keyid+base64(0x04 || key)" \
    grep -qxE "witness\.oversight\.example/w1\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}" "$TMP/keys/witness.pub"
check "keygen: PREFIX.pub has exactly one line" [ "$(wc -l <"$TMP/keys/witness.pub")" = 1 ]
rc=0
"$WITNESS" keygen --out "$TMP/keys/witness" --name "$WNAME" --no-passphrase >/dev/null 2>"$TMP/err" || rc=$?
check "keygen never overwrites (exit 3, named)" \
    bash -c "[ $rc -eq 3 ] && grep -q 'already exists' '$TMP/err'"
rc=0
"$WITNESS" keygen --out "$TMP/keys/x" >/dev/null 2>&1 || rc=$?
check "keygen without --name: usage (exit 2)" [ "$rc" -eq 2 ]
for cmd in keygen serve add-checkpoint evidence; do
    check "$cmd --help" bash -c "'$WITNESS' $cmd --help | grep -q 'Usage: liuhen-witness $cmd'"
    check "$cmd --help, in Chinese" \
        bash -c "LANG=zh_CN.UTF-8 '$WITNESS' $cmd --help | grep -q '^用法：liuhen-witness $cmd'"
done
check "liuhen-witness --help lists the commands" \
    bash -c "'$WITNESS' --help | grep -q add-checkpoint && '$WITNESS' help serve | grep -q 409"

# 2. A log, and the witness serving it.
VAR=$TMP/var
SA=$TMP/a.state
start_daemon "$VAR"
PID_A=$DAEMON_PID
start_witness
check "serve prints one line: listening on 127.0.0.1:PORT" [ "$(wc -l <"$TMP/w.out")" = 1 ]

grow "$VAR" "$SA" a 2
S1=$(save_cp "$VAR" "$SA" "$TMP/cp1")

# 3. Refusals before anything is cosigned.
proof "$VAR" "$SA" 1 "$S1" >"$TMP/p-wrong"
request "$TMP/req/proof-from-0" 0 "$TMP/cp1" "$TMP/p-wrong"
expect "422: a consistency proof from size 0" 422 "$TMP/req/proof-from-0"
request "$TMP/req/old-01" 01 "$TMP/cp1"
expect "400: old size with a leading zero" 400 "$TMP/req/old-01"
request "$TMP/req/old-above" $((S1 + 1)) "$TMP/cp1"
expect "400: old size above the checkpoint's" 400 "$TMP/req/old-above"
# A signature byte changed (within the alphabet): no valid signature of the log.
sed -E '$ s|( [A-Za-z0-9+/]{10})A|\1B|; t; $ s|( [A-Za-z0-9+/]{10})[^A]|\1A|' "$TMP/cp1" >"$TMP/cp1-bad"
check "the altered checkpoint differs in one byte" \
    [ "$(cmp -l "$TMP/cp1" "$TMP/cp1-bad" | wc -l)" = 1 ]
request "$TMP/req/bad-sig" 0 "$TMP/cp1-bad"
expect "403: the log's signature altered" 403 "$TMP/req/bad-sig"
sed "s|^$ORIGIN\$|example.org/not-witnessed|; s|— $ORIGIN |— example.org/not-witnessed |" \
    "$TMP/cp1" >"$TMP/cp-other"
request "$TMP/req/other-origin" 0 "$TMP/cp-other"
expect "404: an origin the witness does not know" 404 "$TMP/req/other-origin"
check "no evidence for mere refusals" \
    bash -c "'$WITNESS' evidence --state '$TMP/wstate' | grep -q 'no evidence kept'"

# 4. Cosigned, then 409 with the size, then on with that size.
request "$TMP/req/first" 0 "$TMP/cp1"
expect "200: the first checkpoint" 200 "$TMP/req/first"
check "200: the body is one cosignature line of the witness" \
    grep -qxE "— witness\.oversight\.example/w1 [A-Za-z0-9+/]{102}==" "$TMP/resp.body"
check "200: one line" [ "$(wc -l <"$TMP/resp.body")" = 1 ]
expect "409: the same request again" 409 "$TMP/req/first"
check "409: Content-Type text/x.tlog.size" grep -qi '^content-type: text/x.tlog.size' "$TMP/resp.head"
check "409: the body is the cosigned size and a newline" \
    bash -c "[ \"\$(cat '$TMP/resp.body')\" = $S1 ] && [ \$(wc -c <'$TMP/resp.body') = $((${#S1} + 1)) ]"
GOT=$(cat "$TMP/resp.body")

grow "$VAR" "$SA" b 3
S2=$(save_cp "$VAR" "$SA" "$TMP/cp2")
proof "$VAR" "$SA" "$GOT" "$S2" >"$TMP/p12"
check "a real consistency proof to send ($S1 to $S2)" [ -s "$TMP/p12" ]
# One hash altered: the proof fails (and, the log having signed both
# checkpoints, that is kept as possible misbehaviour).
awk 'NR == 1 { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) } { print }' \
    "$TMP/p12" >"$TMP/p12-bad"
request "$TMP/req/bad-proof" "$GOT" "$TMP/cp2" "$TMP/p12-bad"
expect "422: a consistency proof that fails" 422 "$TMP/req/bad-proof"
request "$TMP/req/second" "$GOT" "$TMP/cp2" "$TMP/p12"
expect "200: with the size the 409 gave and its proof" 200 "$TMP/req/second"

# 5. The server's own refusals.
code=$(curl -s -o "$TMP/resp.body" -D "$TMP/resp.head" -w '%{http_code}' \
    "http://127.0.0.1:$PORT/add-checkpoint")
check "405: GET /add-checkpoint ($code)" [ "$code" = 405 ]
check "405: Allow: POST" grep -qi '^allow: POST' "$TMP/resp.head"
expect "404: another path" 404 "$TMP/req/second" /checkpoint
head -c 70000 /dev/zero >"$TMP/req/huge"
expect "413: a body over 64 KiB" 413 "$TMP/req/huge"

# 6. Durability: killed at once after a 200, the witness remembers it.
kill -KILL "$WPID"
# (wait reports the kill on standard error: expected, not shown.)
{ wait "$WPID"; } 2>/dev/null || true
start_witness
check "restarted: serve says it cosigned up to $S2" grep -q "cosigned up to size $S2" "$TMP/w.err"
expect "409 after kill -9 and restart: the old size $S1" 409 "$TMP/req/second"
check "409 after restart: the body is $S2" [ "$(cat "$TMP/resp.body")" = "$S2" ]

# 7. add-checkpoint on standard input: refused while serve holds the state.
grow "$VAR" "$SA" c 2
S3=$(save_cp "$VAR" "$SA" "$TMP/cp3")
proof "$VAR" "$SA" "$S2" "$S3" >"$TMP/p23"
request "$TMP/req/third" "$S2" "$TMP/cp3" "$TMP/p23"
add() {
    "$WITNESS" add-checkpoint --key "$TMP/keys/witness.key" --passphrase-file "$TMP/pass" \
        --state "$TMP/wstate" --log "$VAR/data/log.vkey" <"$1" >"$TMP/add.out" 2>"$TMP/add.err"
}
rc=0
add "$TMP/req/third" || rc=$?
check "add-checkpoint while serve runs: exit 3, the state is in use" \
    bash -c "[ $rc -eq 3 ] && grep -q 'in use' '$TMP/add.err'"
kill -TERM "$WPID"
rc=0
wait "$WPID" || rc=$?
check "serve exits 0 on SIGTERM" [ "$rc" -eq 0 ]
rc=0
add "$TMP/req/third" || rc=$?
check "add-checkpoint: exit 0, 200 OK on stderr" \
    bash -c "[ $rc -eq 0 ] && grep -q '^200 OK: ' '$TMP/add.err'"
check "add-checkpoint: the cosignature line on stdout" \
    grep -qxE "— witness\.oversight\.example/w1 [A-Za-z0-9+/]{102}==" "$TMP/add.out"
rc=0
add "$TMP/req/third" || rc=$?
check "add-checkpoint again: exit 1, 409 Conflict on stderr, the size on stdout" \
    bash -c "[ $rc -eq 1 ] && grep -q '^409 Conflict: ' '$TMP/add.err' && [ \"\$(cat '$TMP/add.out')\" = $S3 ]"
rc=0
add "$TMP/req/huge" || rc=$?
check "add-checkpoint: a body over 64 KiB, exit 1, 413" \
    bash -c "[ $rc -eq 1 ] && grep -q '^413 ' '$TMP/add.err'"

# 8. A fork: two daemons from copies of one data directory, each given
# other entries; at one size their checkpoints differ.
stop_daemon
VARB=$TMP/varb
SB=$TMP/b.state
cp -a "$VAR" "$VARB"
cp "$SA" "$SB"
rm -f "$VARB/liuhen.sock"
start_daemon "$VAR"
PID_A=$DAEMON_PID
EXTRA_PIDS+=("$PID_A")
start_daemon "$VARB"
grow "$VAR" "$SA" fa 1
grow "$VARB" "$SB" fb 1
S4=$(save_cp "$VAR" "$SA" "$TMP/cp4a")
proof "$VAR" "$SA" "$S3" "$S4" >"$TMP/p34a"
check "both logs at size $S4" [ "$(save_cp "$VARB" "$SB" "$TMP/cp4b")" = "$S4" ]
check "with other roots" bash -c "! cmp -s <(sed -n 3p '$TMP/cp4a') <(sed -n 3p '$TMP/cp4b')"
grow "$VARB" "$SB" fb2 1
S5=$(save_cp "$VARB" "$SB" "$TMP/cp5b")
proof "$VARB" "$SB" "$S4" "$S5" >"$TMP/p45b"
# This witness speaks Chinese: its operator's alerts still find LOG MISBEHAVIOUR.
LANG=zh_CN.UTF-8 start_witness
check "serve says, in Chinese, that it started" grep -q "见证服务已启动" "$TMP/w.err"
request "$TMP/req/fork-a" "$S3" "$TMP/cp4a" "$TMP/p34a"
expect "200: log A's next checkpoint" 200 "$TMP/req/fork-a"
request "$TMP/req/fork-b" "$S4" "$TMP/cp4b"
expect "409: the fork, at the cosigned size with another root" 409 "$TMP/req/fork-b"
check "409 for the fork: the body is the cosigned size" [ "$(cat "$TMP/resp.body")" = "$S4" ]
request "$TMP/req/fork-b5" "$S4" "$TMP/cp5b" "$TMP/p45b"
expect "422: the fork grown, its own proof from the cosigned size" 422 "$TMP/req/fork-b5"
check "serve reports the misbehaviour on stderr" grep -q "MISBEHAVIOUR.*$ORIGIN" "$TMP/w.err"
check "... in Chinese, keeping the alert's LOG MISBEHAVIOUR" \
    grep -q "日志行为异常（LOG MISBEHAVIOUR）：日志标识 $ORIGIN：" "$TMP/w.err"

"$WITNESS" evidence --state "$TMP/wstate" >"$TMP/ev.txt"
"$WITNESS" evidence --state "$TMP/wstate" --json >"$TMP/ev.json"
check "evidence lists 3 files (the bad proof, the fork twice)" grep -q "kept in .*: 3\$" "$TMP/ev.txt"
check "evidence names the origin and the sizes" \
    grep -q "log $ORIGIN: checkpoint size $S5, cosigned size $S4 " "$TMP/ev.txt"
LANG=zh_CN.UTF-8 "$WITNESS" evidence --state "$TMP/wstate" >"$TMP/ev.zh.txt"
check "... and in Chinese under LANG=zh_CN.UTF-8" \
    grep -q "日志 $ORIGIN：检查点树大小 $S5，已见证签名树大小 $S4（" "$TMP/ev.zh.txt"
check "evidence --json: the fork with its origin, size and reason" \
    bash -c "tr -d ' \n' <'$TMP/ev.json' | grep -q '\"size\":$S4,\"cosigned_size\":$S4,.*fork.*\"origin\":\"$ORIGIN\"'"
evfile=$(ls "$TMP/wstate/evidence/"*"-$S4-"*.evidence)
check "the evidence file holds the request exactly" \
    bash -c "tail -c $(($(wc -c <"$TMP/req/fork-b") + $(wc -c <"$TMP/cp4a"))) '$evfile' | head -c $(wc -c <"$TMP/req/fork-b") | cmp -s - '$TMP/req/fork-b'"
check "the evidence file ends with the checkpoint that was cosigned" \
    bash -c "tail -c $(wc -c <"$TMP/cp4a") '$evfile' | cmp -s - '$TMP/cp4a'"
check "evidence files are private" [ "$(stat -c %a "$evfile")" = 600 ]

# 9. liuhend as the witness's client (--witness VKEY_FILE=URL): log A,
# restarted so, learns the witness's size from a 409, submits its
# checkpoint with a proof, and publishes it cosigned; liuhen-verify
# requires that cosignature and accepts it.
kill -TERM "$PID_A"
wait "$PID_A" || true
LIUHEN_VAR=$VAR BUILD=$BUILD bash scripts/run.sh --checkpoint-interval 1 \
    --witness "$TMP/keys/witness.pub=http://127.0.0.1:$PORT" >"$TMP/run-a.log" 2>&1 &
PID_A=$!
EXTRA_PIDS+=("$PID_A")
for _ in $(seq 200); do
    if grep -q "^— $WNAME " "$VAR/publish/checkpoint" 2>/dev/null; then break; fi
    sleep 0.1
done
check "liuhend publishes its checkpoint cosigned by the witness" \
    grep -q "^— $WNAME " "$VAR/publish/checkpoint"
rc=0
"$ROOT/$BUILD/bin/liuhen-verify" "$VAR/publish" --log-key "$VAR/data/log.vkey" \
    --witness-key "$TMP/keys/witness.pub" --min-cosignatures 1 --quiet >"$TMP/verify.out" 2>&1 || rc=$?
check "liuhen-verify accepts the witness's cosignature (--min-cosignatures 1)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$TMP/verify.out" >&2

kill -TERM "$WPID"
rc=0
wait "$WPID" || rc=$?
check "serve exits 0 on SIGTERM (again)" [ "$rc" -eq 0 ]
kill -TERM "$PID_A"
wait "$PID_A" || true
stop_daemon

summary
