# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/util/daemon.sh — sourced by the shell tests (tests/test_*.sh): a
# tally of checks, a temporary directory removed at exit, and a liuhend of
# their own on a fresh layout (scripts/run.sh with LIUHEN_VAR), so that the
# repository's var/ is never touched.
#
# The sourcing script sets `set -euo pipefail`, ROOT (the repository root,
# its working directory), BUILD and TEST_NAME (its name in messages), then
# calls require_bins. It ends with `summary`.

passed=0
failed=0
ok() {
    passed=$((passed + 1))
    echo "ok   $1"
}
fail() {
    failed=$((failed + 1))
    echo "FAIL $1" >&2
}
# check NAME COMMAND...: a check that passes when the command succeeds.
check() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else fail "$name"; fi
}

# require_bins BINARY...: each must be built, or the test stops here.
require_bins() {
    local bin
    for bin in "$@"; do
        if [ ! -x "$bin" ]; then
            echo "$TEST_NAME: $bin is missing: run \`make\` first" >&2
            exit 1
        fi
    done
}

TMP=$(mktemp -d)
# As root, liuhend runs as another user (scripts/run.sh), who must be able
# to pass through this directory to the layout inside it.
[ "$(id -u)" -ne 0 ] || chmod 0711 "$TMP"
# What a test that starts liuhend itself (not through start_daemon) gives
# it: as root, the user to become (liuhend refuses to run as root).
LIUHEND_USER_ARGS=()
[ "$(id -u)" -ne 0 ] || LIUHEND_USER_ARGS=(--user "${LIUHEN_TEST_USER:-daemon}")
DAEMON_PID=
cleanup() {
    if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
        kill -KILL "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# No setting of the caller's may leak in: the state file (which remembers
# the demo origin's last checkpoint) lives in the temporary directory too.
unset LIUHEN_SOCKET LIUHEN_LOG_KEY LIUHEN_STATE LIUHEN_PASSPHRASE
export XDG_STATE_HOME=$TMP/state
# Nor the caller's language: the tools speak English (C.UTF-8, UTF-8
# output), and a check of the Chinese runs its command with
# LANG=zh_CN.UTF-8 (client/core/i18n.h).
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES LANGUAGE

# use_var: this test's layout in $TMP/var as VAR, its data directory as
# DATA, and the clients' settings for it: the socket, the log key and a
# state file in $TMP (LIUHEN_SOCKET, LIUHEN_LOG_KEY, LIUHEN_STATE).
use_var() {
    VAR=$TMP/var
    DATA=$VAR/data
    export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$DATA/log.vkey
    export LIUHEN_STATE=$TMP/client.state
}

# start_daemon VAR [LIUHEND_ARG...]: start liuhend as `make run` does, in
# the background, on a fresh layout in VAR (or the one already there), with
# the extra arguments, and wait until it answers (at most 20 s: ASan builds
# start slowly; 200 s under LIUHEND_WRAPPER, which scripts/run.sh puts
# before liuhend: valgrind). Its output goes to $TMP/run.log.
start_daemon() {
    local var=$1
    shift
    local status=("$ROOT/$BUILD/bin/liuhen" --socket "$var/liuhen.sock" --log-key
        "$var/data/log.vkey" status)
    local tries=200
    [ -z "${LIUHEND_WRAPPER:-}" ] || tries=2000
    LIUHEN_VAR=$var BUILD=$BUILD bash scripts/run.sh "$@" >>"$TMP/run.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq "$tries"); do
        if "${status[@]}" >/dev/null 2>&1; then break; fi
        if ! kill -0 "$DAEMON_PID" 2>/dev/null; then break; fi
        sleep 0.1
    done
    if ! "${status[@]}" >/dev/null 2>"$TMP/status.err"; then
        echo "$TEST_NAME: the daemon did not start:" >&2
        cat "$TMP/run.log" "$TMP/status.err" >&2
        exit 1
    fi
}

# stop_daemon: SIGTERM, and a check that liuhend exits 0.
stop_daemon() {
    kill -TERM "$DAEMON_PID"
    local rc=0
    wait "$DAEMON_PID" || rc=$?
    DAEMON_PID=
    if [ "$rc" -eq 0 ]; then ok "liuhend exits 0 on SIGTERM"; else fail "liuhend exited $rc on SIGTERM"; fi
}

# summary: the tally, and the exit status of the test.
summary() {
    echo "$TEST_NAME: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
