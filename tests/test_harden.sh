#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_harden.sh — liuhend hardens itself (daemon/harden.h): no core
# files, not dumpable, and, once started, a seccomp filter on every thread
# with no new privileges; with a publish hook (whose program would inherit
# the filter) it says that it runs without one. Every other integration
# test runs liuhend under the same filter, so that what it needs while it
# runs is exercised there. liuhend speaks English here (LIUHEN_LANG=C):
# the checks read its log.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen

TEST_NAME=harden
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$ROOT/$BUILD/bin/liuhend"

# proc_field PID NAME: a field of /proc/PID/status, or of every thread's.
proc_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

VAR=$TMP/var
LIUHEN_LANG=C start_daemon "$VAR"
pid=$DAEMON_PID
if [ "$(proc_field "$pid" Seccomp)" = 2 ]; then
    ok "liuhend runs under a seccomp filter (Seccomp: 2)"
else
    fail "liuhend's Seccomp is $(proc_field "$pid" Seccomp), not 2 (filter)"
fi
if [ "$(proc_field "$pid" NoNewPrivs)" = 1 ]; then
    ok "liuhend cannot gain privileges (NoNewPrivs: 1)"
else
    fail "liuhend's NoNewPrivs is $(proc_field "$pid" NoNewPrivs)"
fi
threads=0 filtered=0
for t in /proc/"$pid"/task/*; do
    threads=$((threads + 1))
    if [ "$(awk '$1 == "Seccomp:" { print $2 }' "$t/status")" = 2 ]; then
        filtered=$((filtered + 1))
    fi
done
if [ "$threads" -gt 1 ] && [ "$filtered" -eq "$threads" ]; then
    ok "every thread of liuhend is filtered ($filtered of $threads)"
else
    fail "$filtered of $threads threads of liuhend are filtered"
fi
core=$(awk '/^Max core file size/ { print $5 }' "/proc/$pid/limits")
if [ "$core" = 0 ]; then
    ok "liuhend writes no core file (RLIMIT_CORE 0)"
else
    fail "liuhend's core file limit is $core"
fi
if grep -q "seccomp filter in place" "$TMP/run.log"; then
    ok "liuhend says the filter is in place"
else
    fail "no line about the seccomp filter in $(cat "$TMP/run.log")"
fi
# Under the filter it still serves, publishes and drains.
if "$LIUHEN" --socket "$VAR/liuhen.sock" --log-key "$VAR/data/log.vkey" status >"$TMP/status" 2>&1; then
    ok "liuhen status is answered under the filter"
else
    fail "liuhen status failed: $(cat "$TMP/status")"
fi
stop_daemon

# With a publish hook, no filter, and a warning that says why.
: >"$TMP/run.log"
LIUHEN_LANG=C start_daemon "$VAR" --publish-hook /bin/true
if [ "$(proc_field "$DAEMON_PID" Seccomp)" = 0 ] &&
    grep -q "no seccomp filter: the publish hook /bin/true would inherit it" "$TMP/run.log"; then
    ok "with a publish hook liuhend runs without a filter, and says so"
else
    fail "with a publish hook: Seccomp $(proc_field "$DAEMON_PID" Seccomp); log: $(cat "$TMP/run.log")"
fi
stop_daemon

summary
