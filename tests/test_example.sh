#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_example.sh — installs liuhen (`make install` into a temporary
# prefix), checks what the shared library exports (`nm -D`: only lh_* and
# liuhen__* names) and what is installed, builds docs/examples/append.c the
# way a user would (`cc append.c $(pkg-config --cflags --libs liuhen)`, no
# --static) and runs it against a real liuhend: the example in README.md
# must append a record, print a receipt that the CLI's own proof agrees
# with, and fail cleanly, with the documented exit status, when it cannot.
#
# The daemon runs on a fresh layout in a temporary directory (scripts/run.sh
# with LIUHEN_VAR), never on the repository's var/. Run from anywhere;
# BUILD (default build) names the build directory, relative to the root.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
CC=${CC:-cc}
SANITIZE=${SANITIZE:-}

TEST_NAME=example
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

# has NAME PATTERN COMMAND...: the command succeeds and its output holds
# the (grep) pattern.
has() {
    local name=$1 pattern=$2 out
    shift 2
    if out=$("$@" 2>&1) && grep -q -- "$pattern" <<<"$out"; then
        ok "$name"
    else
        fail "$name: no '$pattern' in: $out"
    fi
}

require_bins "$LIUHEN" "$ROOT/$BUILD/bin/liuhend"

# 0. The installation: the public header and what it includes, the static
# and the shared library, liuhen.pc; the shared library exports nothing but
# the client API and the schema's generated code.
PREFIX=$TMP/prefix
make -s -C "$ROOT" BUILD="$BUILD" PREFIX="$PREFIX" install >"$TMP/install.log" 2>&1 ||
    { cat "$TMP/install.log" >&2; fail "make install"; summary; exit 1; }
headers=$(cd "$PREFIX/include/liuhen" && ls | tr '\n' ' ')
check "installed headers are liuhen.h and what it includes ($headers)" \
    [ "$headers" = "errors.h liuhen.h liuhen.pb-c.h " ]
check "libliuhen.so.0 is installed, libliuhen.so links to it" \
    [ -f "$PREFIX/lib/libliuhen.so.0" -a "$(readlink "$PREFIX/lib/libliuhen.so")" = libliuhen.so.0 ]
nm -D --defined-only "$PREFIX/lib/libliuhen.so.0" | awk '{print $NF}' >"$TMP/exports"
others=$(grep -v '^lh_' "$TMP/exports" | grep -v '^liuhen__' | head -5 | tr '\n' ' ' || true)
check "the shared library exports only lh_* and liuhen__* names${others:+ (not: $others)}" \
    [ -z "$others" ]
for name in lh_connect lh_append lh_key_read lh_receipt_verify liuhen__entry__descriptor; do
    check "the shared library exports $name" grep -qx "$name" "$TMP/exports"
done
for name in keyfile_sign validate_entry merkle_inclusion_proof note_open accept_author; do
    check "the shared library hides $name" bash -c "! grep -qx $name '$TMP/exports'"
done

# The example, built as a user would: no --static, the shared library.
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
APPEND=$TMP/append
# shellcheck disable=SC2046,SC2086 # pkg-config's flags are words
if $CC $SANITIZE -std=c11 -Wall -Wextra -Werror -o "$APPEND" "$ROOT/docs/examples/append.c" \
    $(pkg-config --cflags --libs liuhen) -Wl,-rpath,"$PREFIX/lib" 2>"$TMP/cc.log"; then
    ok "the example builds with pkg-config --cflags --libs liuhen"
else
    fail "the example does not build: $(cat "$TMP/cc.log")"
    summary
    exit 1
fi
check "the example uses the installed libliuhen.so.0" \
    bash -c "ldd '$APPEND' | grep -q '$PREFIX/lib/libliuhen.so.0'"

VAR=$TMP/var
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VAR/data/log.vkey
start_daemon "$VAR"

# A handler's key, unencrypted (an encrypted one needs LIUHEN_PASSPHRASE,
# which the example reads as well), enrolled by the demo admin.
"$LIUHEN" keygen --out "$TMP/wang" --holder 王明 --no-passphrase >/dev/null 2>&1
"$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/wang.pub" --roles handler \
    --holder 王明 --unit 执法支队 >/dev/null

# 1. The example appends and prints a verified receipt as JSON.
rc=0
"$APPEND" "$VAR/liuhen.sock" "$VAR/data/log.vkey" "$TMP/wang.key" QJ-EX-1 \
    "离退休干部刘某来电为当事人说情" >"$TMP/receipt.json" 2>"$TMP/append.err" || rc=$?
check "append exits 0" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$TMP/append.err" >&2
for member in leaf_index leaf_hash integrated_at tree_size audit_path checkpoint; do
    check "receipt has $member" grep -q "\"$member\"" "$TMP/receipt.json"
done
index=$(sed -n 's/^ *"leaf_index": *\([0-9][0-9]*\).*/\1/p' "$TMP/receipt.json")
hash=$(sed -n 's/^ *"leaf_hash": *"\([^"]*\)".*/\1/p' "$TMP/receipt.json")
check "receipt leaf_index is the third entry (after two enrolments)" [ "$index" = 2 ]
check "receipt checkpoint is a note of this log" grep -q '"checkpoint": "demo.liuhen.local/log\\n' \
    "$TMP/receipt.json"

# 2. The log agrees: the record is there, with its text, and the CLI's own
# verified inclusion proof is for the receipt's leaf hash.
has "get shows the text" "离退休干部刘某来电为当事人说情" "$LIUHEN" get "$index"
has "prove --index gives the receipt's leaf hash" "\"leaf_hash\": *\"$hash\"" \
    "$LIUHEN" --json prove --index "$index"
has "prove --hash finds the receipt's index" "\"leaf_index\": *$index\\b" \
    "$LIUHEN" --json prove --hash "$hash"

# 3. The state file: with LIUHEN_STATE the example remembers the checkpoint.
rc=0
LIUHEN_STATE=$TMP/example.state "$APPEND" "$VAR/liuhen.sock" "$VAR/data/log.vkey" \
    "$TMP/wang.key" QJ-EX-1 "第二条记录" >/dev/null 2>"$TMP/append.err" || rc=$?
check "second append exits 0" [ "$rc" -eq 0 ]
check "LIUHEN_STATE holds the checkpoint" grep -q '^demo.liuhen.local/log$' "$TMP/example.state"

# 4. Failures: a clear message on stderr and the documented exit status.
expect_fail() {
    local name=$1 want=$2 pattern=$3
    shift 3
    local got=0
    "$@" >"$TMP/out" 2>"$TMP/err" || got=$?
    if [ "$got" -eq "$want" ] && grep -q -- "$pattern" "$TMP/err" && [ ! -s "$TMP/out" ]; then
        ok "$name (exit $got: $(head -c 160 "$TMP/err"))"
    else
        fail "$name: exit $got, wanted $want with '$pattern' on stderr; stderr was: $(cat "$TMP/err")"
    fi
}
expect_fail "usage" 2 "usage: append" "$APPEND" "$VAR/liuhen.sock"
expect_fail "missing key file" 3 "$TMP/nokey.key" \
    "$APPEND" "$VAR/liuhen.sock" "$VAR/data/log.vkey" "$TMP/nokey.key" QJ-EX-1 text
expect_fail "missing log key file" 3 "$TMP/no.vkey" \
    "$APPEND" "$VAR/liuhen.sock" "$TMP/no.vkey" "$TMP/wang.key" QJ-EX-1 text
expect_fail "daemon not running" 3 "$TMP/none.sock" \
    "$APPEND" "$TMP/none.sock" "$VAR/data/log.vkey" "$TMP/wang.key" QJ-EX-1 text
"$LIUHEN" keygen --out "$TMP/stranger" --holder 外人 --no-passphrase >/dev/null 2>&1
expect_fail "key not enrolled" 1 "UNKNOWN_KEY\|not enrolled" \
    "$APPEND" "$VAR/liuhen.sock" "$VAR/data/log.vkey" "$TMP/stranger.key" QJ-EX-1 text
expect_fail "case id with a space" 1 "case_id" \
    "$APPEND" "$VAR/liuhen.sock" "$VAR/data/log.vkey" "$TMP/wang.key" "QJ EX" text
# Another log's key: the daemon's checkpoints do not verify with it.
"$LIUHEN" keygen --out "$TMP/other" --holder demo.liuhen.local/log --no-passphrase >/dev/null 2>&1
expect_fail "another log's key" 1 "." \
    "$APPEND" "$VAR/liuhen.sock" "$TMP/other.pub" "$TMP/wang.key" QJ-EX-1 text
# An encrypted key without LIUHEN_PASSPHRASE is refused before anything is sent.
LIUHEN_PASSPHRASE=示例口令 "$LIUHEN" keygen --out "$TMP/enc" --holder 加密 >/dev/null
expect_fail "encrypted key, no passphrase" 1 "passphrase" \
    "$APPEND" "$VAR/liuhen.sock" "$VAR/data/log.vkey" "$TMP/enc.key" QJ-EX-1 text
expect_fail "encrypted key, wrong passphrase" 1 "passphrase" \
    env LIUHEN_PASSPHRASE=错误 "$APPEND" "$VAR/liuhen.sock" "$VAR/data/log.vkey" \
    "$TMP/enc.key" QJ-EX-1 text

# 5. The connection is lost after the daemon logged the entry, before the
# answer came (as when it stops): the example sends the same signed bytes
# again and gets the receipt of the entry logged (DUPLICATE), which the log
# holds once. A proxy passes every request on, but ends its first
# connection when the daemon has answered the first Append.
cat >"$TMP/proxy.py" <<'PY'
import socket, sys, threading
listen, target = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX)
srv.bind(listen)
srv.listen(8)
def exact(s, n):
    b = b""
    while len(b) < n:
        got = s.recv(n - len(b))
        if not got:
            raise EOFError
        b += got
    return b
def frame(s):
    head = exact(s, 4)
    return head + exact(s, int.from_bytes(head, "big"))
def is_append(f):
    i = 4
    if f[i] == 0x08:  # the id, a varint
        i += 1
        while f[i] & 0x80:
            i += 1
        i += 1
    return f[i] == 0x52  # field 10, AppendRequest
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
first = True
while True:
    c, _ = srv.accept()
    u = socket.socket(socket.AF_UNIX)
    u.connect(target)
    if first:
        first = False
        try:
            while True:
                f = frame(c)
                u.sendall(f)
                answer = frame(u)
                if is_append(f):
                    break
                c.sendall(answer)
        except EOFError:
            pass
        c.close()
        u.close()
        continue
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    threading.Thread(target=pump, args=(u, c), daemon=True).start()
PY
python3 "$TMP/proxy.py" "$TMP/proxy.sock" "$VAR/liuhen.sock" &
proxy=$!
for _ in $(seq 100); do [ -S "$TMP/proxy.sock" ] && break; sleep 0.05; done
rc=0
"$APPEND" "$TMP/proxy.sock" "$VAR/data/log.vkey" "$TMP/wang.key" QJ-EX-2 "断线后重发的记录" \
    >"$TMP/receipt2.json" 2>"$TMP/append2.err" || rc=$?
kill "$proxy" 2>/dev/null || true
wait "$proxy" 2>/dev/null || true
check "append through a lost answer exits 0" [ "$rc" -eq 0 ]
check "the example says it sends the same signed entry again" \
    grep -q "sending the same signed entry again" "$TMP/append2.err"
[ "$rc" -eq 0 ] || cat "$TMP/append2.err" >&2
index2=$(sed -n 's/^ *"leaf_index": *\([0-9][0-9]*\).*/\1/p' "$TMP/receipt2.json")
has "the receipt after the retry is of the entry logged" "断线后重发的记录" "$LIUHEN" get "$index2"
count=$("$LIUHEN" --json case QJ-EX-2 | grep -c '断线后重发的记录' || true)
check "the entry is logged once ($count)" [ "$count" = 1 ]

# 6. The daemon stops cleanly on SIGTERM.
stop_daemon

summary
