#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/torture/diskfull.sh — liuhend on a real file system that fills up
# (tests/torture/diskfull.c says what is checked): a tmpfs of SIZE (default
# 8m) is mounted, the log moved onto it and appended to until it is full,
# then grown to GROW (default 64m) under the running daemon.
#
# Needs root (mount); it runs under `make torture`, which requires root.
# Without the right to mount it FAILS, it does not skip.
#
#   BUILD=build SIZE=8m GROW=64m REFUSALS=50 bash tests/torture/diskfull.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SIZE=${SIZE:-8m}
GROW=${GROW:-64m}
REFUSALS=${REFUSALS:-50}
make -s BUILD="$BUILD" "$BUILD/tests/torture/diskfull" >/dev/null

MNT=$(mktemp -d /tmp/liuhen-diskfull-XXXXXX)
chmod 0711 "$MNT"
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    umount "$MNT" 2>/dev/null || true
    rmdir "$MNT" 2>/dev/null || true
}
trap cleanup EXIT
if ! mount -t tmpfs -o "size=$SIZE,mode=0711" tmpfs "$MNT"; then
    echo "diskfull.sh: FAIL: cannot mount a tmpfs on $MNT (needs root or CAP_SYS_ADMIN:" \
        "run it as root, as \`make torture\` does)" >&2
    exit 1
fi
LIUHEN_DISKFULL_MNT=$MNT LIUHEN_DISKFULL_GROW=$GROW LIUHEN_DISKFULL_REFUSALS=$REFUSALS \
    "$BUILD/tests/torture/diskfull" 2>&1 | grep -v ' liuhend info: '
exit "${PIPESTATUS[0]}"
