#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/torture/kill.sh — the long form of tests/test_kill.c: liuhend
# killed by SIGKILL under 8 writers (single and pipelined appends),
# restarted after each kill on the same store, three ways:
#   1. by the test, at a different moment each round (ROUNDS kills);
#   2. by itself, right after a batch's commit and before its answers
#      (tests/torture/shim.c, LD_PRELOAD: after the Nth fdatasync of the
#      high-water mark; COMMIT_ROUNDS kills);
#   3. by itself in the middle of a publication (before or after the Nth
#      renameat of a tile, bundle or checkpoint into the --publish
#      directory; PUBLISH_ROUNDS kills).
# Each time, at the end: every receipt verifies against the final tree,
# every checkpoint seen (receipts, GetCheckpoint, the published file) is
# consistent with it, every failed entry is logged exactly once after it is
# sent again, each author's chain holds what it signed, and `liuhend check`
# finds the store sound.
#
#   BUILD=build ROUNDS=20 COMMIT_ROUNDS=20 PUBLISH_ROUNDS=20 bash tests/torture/kill.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-20}
COMMIT_ROUNDS=${COMMIT_ROUNDS:-20}
PUBLISH_ROUNDS=${PUBLISH_ROUNDS:-20}
make -s BUILD="$BUILD" "$BUILD/tests/test_kill" "$BUILD/tests/torture/shim.so" >/dev/null
SHIM=$PWD/$BUILD/tests/torture/shim.so

run() {
    local what=$1
    shift
    echo "kill.sh: $what"
    # The daemon's own lines go to its log file; the test's summary stays.
    env "$@" "$BUILD/tests/test_kill" 2>&1 | grep -v ' liuhend info: '
    return "${PIPESTATUS[0]}"
}
run "$ROUNDS kills by the test" LIUHEN_KILL_ROUNDS="$ROUNDS"
run "$COMMIT_ROUNDS kills between commit and answer" LIUHEN_KILL_ROUNDS="$COMMIT_ROUNDS" \
    LIUHEN_KILL_SHIM="$SHIM" LIUHEN_KILL_MODE=commit
run "$PUBLISH_ROUNDS kills during publication" LIUHEN_KILL_ROUNDS="$PUBLISH_ROUNDS" \
    LIUHEN_KILL_SHIM="$SHIM" LIUHEN_KILL_MODE=publish
