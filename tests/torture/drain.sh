#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/torture/drain.sh — the long form of tests/test_drain.c: liuhend
# stopped by SIGTERM under single and pipelined appends, ROUNDS times
# (default 200), each at another moment. Every receipt handed back must
# verify, every failure not reported LH_ECOMMITTED must be absent from the
# log, and the same signed bytes sent again after a restart must log the
# failed entries and give the committed ones their receipts.
#
#   BUILD=build ROUNDS=500 bash tests/torture/drain.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-200}
make -s BUILD="$BUILD" "$BUILD/tests/test_drain" >/dev/null
LIUHEN_DRAIN_ROUNDS=$ROUNDS "$BUILD/tests/test_drain"
