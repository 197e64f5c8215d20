#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/torture/abuse.sh — liuhend under hostile clients while a probe asks
# for the checkpoint every 10 ms (tests/torture/abuse.c says what is
# asserted): IDLE connections that say nothing, a pipeliner that never
# reads, 4 GiB frame claims, a slowloris. Prints the probe's latency idle
# and under abuse (p50, p99, their ratios) and liuhend's peak resident
# size against the bound of docs/design.md "Connections and memory".
# Needs root (RLIMIT_NOFILE raised for the test and liuhend).
#
#   BUILD=build IDLE=1000 SECONDS_EACH=40 bash tests/torture/abuse.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
IDLE=${IDLE:-1000}
SECONDS_EACH=${SECONDS_EACH:-40}
make -s BUILD="$BUILD" "$BUILD/tests/torture/abuse" >/dev/null
ulimit -n $((IDLE + 512))
LIUHEN_ABUSE_IDLE=$IDLE LIUHEN_ABUSE_SECONDS=$SECONDS_EACH "$BUILD/tests/torture/abuse" 2>&1 |
    grep -v ' liuhend info: '
exit "${PIPESTATUS[0]}"
