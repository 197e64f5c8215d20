#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_causes.sh — errors that name their real cause:
#  - a socket whose directory does not exist is said so, not "permission
#    denied" (libuv answers EACCES for it), and a start that fails
#    publishes nothing;
#  - a final publication that fails at SIGTERM makes liuhend exit 1;
#  - a state file that cannot be read is named as such by the CLI, not
#    blamed on the socket.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
LIUHEND=$ROOT/$BUILD/bin/liuhend

TEST_NAME=causes
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$LIUHEND"

VAR=$TMP/var
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VAR/data/log.vkey
# A first start makes the layout (and a first publication at its stop).
LIUHEN_LANG=C start_daemon "$VAR"
stop_daemon
rm -rf "${VAR:?}/publish"/*

# ---- a socket in a directory that does not exist ---------------------------
rc=0
LANG=C "$LIUHEND" "${LIUHEND_USER_ARGS[@]}" --data "$VAR/data" --socket "$TMP/no-such-dir/liuhen.sock" \
    --publish "$VAR/publish" >"$TMP/nodir.log" 2>&1 || rc=$?
if [ "$rc" -eq 1 ] && grep -q "the directory $TMP/no-such-dir does not exist" "$TMP/nodir.log" &&
    ! grep -qi "permission denied" "$TMP/nodir.log"; then
    ok "a missing socket directory is named (exit 1), not blamed on permissions"
else
    fail "missing socket directory: exit $rc: $(cat "$TMP/nodir.log")"
fi
if [ ! -e "$VAR/publish/checkpoint" ]; then
    ok "a start that failed published nothing"
else
    fail "a start that failed wrote $VAR/publish/checkpoint"
fi

# ---- the final publication fails: exit 1 ------------------------------------
: >"$TMP/run.log"
LIUHEN_LANG=C start_daemon "$VAR"
chmod 0500 "$VAR/publish"
kill -TERM "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=
chmod 0755 "$VAR/publish"
if [ "$rc" -eq 1 ] && grep -q "the final publication of 1 entries failed" "$TMP/run.log" &&
    grep -q "the final checkpoint was not published" "$TMP/run.log"; then
    ok "a final publication that fails at SIGTERM is exit 1, and says so"
else
    fail "final publication into a read-only directory: exit $rc; log: $(tail -5 "$TMP/run.log")"
fi

# ---- a state file that cannot be read ----------------------------------------
LIUHEN_LANG=C start_daemon "$VAR"
mkdir -p "$TMP/state-is-a-dir"
rc=0
"$LIUHEN" --state "$TMP/state-is-a-dir" status >"$TMP/state.out" 2>&1 || rc=$?
if [ "$rc" -eq 3 ] && grep -q "state-is-a-dir" "$TMP/state.out" &&
    grep -q "the state file keeps the checkpoints" "$TMP/state.out" &&
    ! grep -q "socket\|group" "$TMP/state.out"; then
    ok "an unreadable state file is named, not blamed on the socket (exit 3)"
else
    fail "state file that is a directory: exit $rc: $(cat "$TMP/state.out")"
fi
stop_daemon
summary
