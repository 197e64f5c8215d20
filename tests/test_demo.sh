#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_demo.sh — `make demo` and `make demo-findings` as CI runs them:
# on a fresh layout of their own (LIUHEN_VAR in a temporary directory, so
# that the repository's var/ is never touched), each starting its own
# liuhend. Checked: the realistic case ends with liuhen-verify --rules
# CLEAN (the script fails otherwise), in Chinese under LANG=zh_CN.UTF-8
# (通过) as a bureau would run it, in English otherwise; and the faulty one
# reports exactly the findings it expects (the script checks them and fails
# otherwise).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}

TEST_NAME=demo
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$ROOT/$BUILD/bin/liuhen" "$ROOT/$BUILD/bin/liuhend" "$ROOT/$BUILD/bin/liuhen-verify"

# run_demo SCRIPT OUT [LANG]: the script, in the locale LANG (default: daemon.sh's).
run_demo() {
    local script=$1 out=$2 lang=${3:-$LANG}
    env -u LIUHEN_SOCKET -u LIUHEN_LOG_KEY -u LIUHEN_STATE LIUHEN_VAR="$TMP/var" \
        LIUHEN_LANG="$lang" BUILD="$BUILD" bash "$script" >"$out" 2>&1
}

rc=0
run_demo scripts/demo.sh "$TMP/demo.txt" zh_CN.UTF-8 || rc=$?
if [ "$rc" -eq 0 ]; then ok "make demo exits 0"; else
    fail "make demo exited $rc"
    tail -40 "$TMP/demo.txt" >&2
fi
check "make demo, in Chinese, ends with the verifier's 通过" grep -q "^通过$" "$TMP/demo.txt"

# A second run reuses the keys in var/demo and records two more cases.
rc=0
run_demo scripts/demo.sh "$TMP/demo2.txt" || rc=$?
check "make demo runs again on the same layout" test "$rc" -eq 0
check "make demo, in English, ends with the verifier's CLEAN" grep -q "^CLEAN$" "$TMP/demo2.txt"

rc=0
run_demo scripts/demo-findings.sh "$TMP/findings.txt" || rc=$?
if [ "$rc" -eq 0 ]; then ok "make demo-findings exits 0 (the expected findings, no others)"; else
    fail "make demo-findings exited $rc"
    tail -40 "$TMP/findings.txt" >&2
fi
check "the findings are reported with their articles" grep -q "R13" "$TMP/findings.txt"

summary
