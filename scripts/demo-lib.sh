# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# scripts/demo-lib.sh — what scripts/demo.sh and scripts/demo-findings.sh
# share, sourced by both from the repository root with DEMO set to the
# script's name (for its messages): the programs they run, a temporary
# directory removed at exit (a daemon of their own stopped first), the
# step being done (named if the script fails), Beijing times, the
# records' indexes and entry ids, and a liuhend of their own.
#
# Sets BUILD (default build), LIUHEN, VERIFY, TMP, DAEMON_PID and step;
# demo_start_daemon sets own, ADMIN and the LIUHEN_* variables. The demos
# speak Chinese first: LIUHEN_LANG (default zh_CN.UTF-8) is the language
# of every message, e.g. LIUHEN_LANG=C.UTF-8 for English.

export LANG=${LIUHEN_LANG:-zh_CN.UTF-8}
unset LC_ALL LC_MESSAGES LANGUAGE

BUILD=${BUILD:-build}
LIUHEN=$BUILD/bin/liuhen
VERIFY=$BUILD/bin/liuhen-verify

for bin in "$LIUHEN" "$BUILD/bin/liuhend" "$VERIFY"; do
    if [ ! -x "$bin" ]; then
        echo "$DEMO: $bin is missing: build it first with \`make\`" >&2
        exit 1
    fi
done

TMP=$(mktemp -d)
# As root, liuhend runs as another user (scripts/run.sh), who must be able
# to pass through this directory to the layout inside it.
[ "$(id -u)" -ne 0 ] || chmod 0711 "$TMP"
DAEMON_PID=
step="准备"
demo_cleanup() {
    local rc=$?
    if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
        kill -TERM "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
    if [ "$rc" -ne 0 ]; then
        echo >&2
        echo "$DEMO: 演示在「$step」一步失败（exit $rc）。The demo failed at this step; the message above says why." >&2
    fi
    exit "$rc"
}
trap demo_cleanup EXIT

# ---- times -------------------------------------------------------------------
# Beijing time is UTC+8 all year: computed from UTC, so that no time zone
# database is needed.
bj_now=$(($(date +%s) + 8 * 3600))
bj_today=$(date -u -d "@$bj_now" +%F)
# The Monday of the week six weeks before this one: week 0 of the
# complaint cases.
week0=$(date -u -d "$bj_today -$(($(date -u -d "@$bj_now" +%u) - 1 + 42)) days" +%F)

# on WEEK DAY HH:MM: a time of a complaint case, DAY 0-4 (Monday to
# Friday) of week WEEK (0-5) after week0, in Beijing time; always before
# this week.
on() {
    echo "$(date -u -d "$week0 +$((7 * $1 + $2)) days" +%F)T$3:00+08:00"
}

# ---- records -----------------------------------------------------------------

# The index of the record a receipt file (liuhen append --receipt) is for.
index_of() {
    sed -n 's/^ *"leaf_index": *\([0-9][0-9]*\).*/\1/p' "$1"
}

# The entry id (base64) of the log's entry INDEX, which a field naming
# another record takes (`--set FIELD="#INDEX"` does the same in one step
# where the command line knows the field).
eid() {
    local id
    id=$("$LIUHEN" --json get "$1" | sed -n 's/^  "entry_id": *"\([^"]*\)".*/\1/p')
    if [ -z "$id" ]; then
        echo "$DEMO: no entry id for entry $1" >&2
        return 1
    fi
    echo "$id"
}

# ---- a daemon of its own -----------------------------------------------------

# demo_start_daemon: a liuhend on a layout of its own under $TMP/var
# (scripts/run.sh: a new log, its admin key in $own/admin.key), with a state
# file of its own, stopped at exit. The state file is set first: run.sh
# sets aside the one of the demo origin when it makes a new log, and this
# throwaway log must leave the user's alone. Exits when it does not start.
demo_start_daemon() {
    own=$TMP/var
    export LIUHEN_STATE=$TMP/state.checkpoint
    export LIUHEN_SOCKET=$own/liuhen.sock LIUHEN_LOG_KEY=$own/data/log.vkey
    LIUHEN_VAR=$own BUILD=$BUILD bash scripts/run.sh >"$TMP/liuhend.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 200); do
        if "$LIUHEN" status >/dev/null 2>&1 || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    if ! "$LIUHEN" status >/dev/null; then
        echo "$DEMO: liuhend did not start; its output:" >&2
        cat "$TMP/liuhend.log" >&2
        exit 1
    fi
    # shellcheck disable=SC2034  # for the script that sources this
    ADMIN=$own/admin.key
    # shellcheck disable=SC2034  # liuhend's --export-dir (scripts/run.sh)
    EXPORTS=$own/exports
}
