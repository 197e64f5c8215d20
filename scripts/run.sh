#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# scripts/run.sh — `make run`: a demonstration log in ./var/, served by
# liuhend in the foreground on ./var/liuhen.sock.
#
# On first use it creates, relative to the repository root:
#   var/admin.key, var/admin.pub  the first admin's key pair, UNENCRYPTED
#                                 (holder 管理员): for demonstration only
#   var/data/                     the log (`liuhend init`), with log.vkey
#   var/publish/                  the C2SP tiles directory liuhend publishes
#   var/exports/ (0750)           where `liuhen export --to NAME` writes (--export-dir)
#   var/backups/ (0700)           where `liuhen backup --to NAME` writes (--backup-dir)
# and every later run reuses them. Extra arguments go to liuhend
# (e.g. `bash scripts/run.sh --log-level debug`).
#
# Environment: LIUHEN_VAR (default var) puts the layout elsewhere, which
# the tests use to run a daemon without touching the repository's var/;
# BUILD (default build) is where the binaries are; LIUHEN_LANG (default
# zh_CN.UTF-8: Chinese first) the language the daemon's messages are in,
# e.g. LIUHEN_LANG=C for English; LIUHEN_USER (default daemon) the user
# liuhend becomes when this runs as root (liuhend never serves as root:
# the layout's data, publish, exports and backups are given to that user);
# LIUHEND_WRAPPER (default none) a command liuhend is run under, split at
# spaces (tests/torture/valgrind.sh puts valgrind there), and then given
# --no-seccomp (valgrind cannot run under the filter).
set -euo pipefail

cd "$(dirname "$0")/.."
# Chinese unless told otherwise, whatever the terminal's locale says.
export LANG=${LIUHEN_LANG:-zh_CN.UTF-8}
unset LC_ALL LC_MESSAGES LANGUAGE
BUILD=${BUILD:-build}
VAR=${LIUHEN_VAR:-var}
LIUHEN=$BUILD/bin/liuhen
LIUHEND=$BUILD/bin/liuhend
ORIGIN=demo.liuhen.local/log

die() {
    echo "run: $*" >&2
    exit 1
}

for bin in "$LIUHEN" "$LIUHEND"; do
    [ -x "$bin" ] || die "$bin is missing: build it first with \`make\`"
done

# Everything under var/ is private to this user: liuhend refuses a data
# directory or a log key that others can read, and the admin key is in
# the clear.
umask 077
mkdir -p "$VAR"

# As root, liuhend must be told whom to become (--user), and that user must
# own what liuhend opens: the layout's directory (the socket is made
# there), the admin's public key, the log and the directories it writes.
user_args=()
run_user=
if [ "$(id -u)" -eq 0 ]; then
    run_user=${LIUHEN_USER:-daemon}
    id "$run_user" >/dev/null 2>&1 ||
        die "running as root, liuhend drops to LIUHEN_USER=$run_user, which does not exist"
    user_args=(--user "$run_user")
fi
give() {
    [ -z "$run_user" ] || chown -R "$run_user:" "$@"
}

if [ ! -e "$VAR/admin.key" ]; then
    [ ! -e "$VAR/admin.pub" ] ||
        die "$VAR/admin.pub exists without $VAR/admin.key: remove $VAR/ to start a new demo log"
    [ ! -e "$VAR/data" ] ||
        die "$VAR/data exists without $VAR/admin.key: remove $VAR/ to start a new demo log"
    # keygen's own warning about the unencrypted key is replaced by the
    # louder one below; its output is shown only if it fails.
    if ! out=$("$LIUHEN" keygen --out "$VAR/admin" --holder 管理员 --no-passphrase 2>&1); then
        echo "$out" >&2
        die "cannot make the demo admin key $VAR/admin.key"
    fi
    cat >&2 <<EOF

  ************************************************************************
  *  WARNING: $VAR/admin.key is an UNENCRYPTED admin key, made for this
  *  demonstration only. Whoever can read it can enrol and revoke keys
  *  in this log. Never use it, or this log, for real records: for a real
  *  log make a passphrase-protected admin key (\`liuhen keygen\`) and run
  *  \`liuhend init\` as shown in README.md.
  *  警告：$VAR/admin.key 为未加密的演示管理员密钥，仅供演示使用。
  ************************************************************************

EOF
fi

give "$VAR/admin.pub"
[ -z "$run_user" ] || chown "$run_user:" "$VAR"
if [ ! -e "$VAR/data" ]; then
    "$LIUHEND" init --data "$VAR/data" --origin "$ORIGIN" --admin "$VAR/admin.pub" \
        --no-passphrase --log-level warn "${user_args[@]}" >/dev/null
    echo "run: created a new log $ORIGIN in $VAR/data" >&2
    # A client remembers the last checkpoint it verified of each origin, to
    # catch a log that shows two histories. A new demo log has the old
    # one's origin but another key, so the remembered checkpoint would be
    # taken for a fork: set it aside, kept for inspection, not deleted.
    state=${LIUHEN_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/liuhen/${ORIGIN//\//_}.checkpoint}
    if [ -e "$state" ]; then
        aside="$state.old-$(date +%Y%m%d%H%M%S)"
        mv "$state" "$aside"
        echo "run: the checkpoint remembered from an earlier demo log is set aside as $aside" >&2
    fi
fi
[ -s "$VAR/data/log.vkey" ] ||
    die "$VAR/data holds no log.vkey: it is not a log made by \`liuhend init\`; remove $VAR/ to start again"
[ -d "$VAR/publish" ] || mkdir -m 0755 "$VAR/publish"
# Exports are for inspectors, readable by the group; backups hold the whole
# ledger. liuhend writes nowhere else for a client.
[ -d "$VAR/exports" ] || mkdir -m 0750 "$VAR/exports"
[ -d "$VAR/backups" ] || mkdir -m 0700 "$VAR/backups"
give "$VAR/data" "$VAR/publish" "$VAR/exports" "$VAR/backups"

vkey=$(head -n 1 "$VAR/data/log.vkey")
cat <<EOF
liuhen (留痕) demonstration log
  socket              $VAR/liuhen.sock
  log verifier key    $vkey
                      (in $VAR/data/log.vkey: everything a client receives is verified with it)
  checkpoints         published every 10 s and at stop in $VAR/publish/ (C2SP tlog-tiles;
                      the latest signed checkpoint is $VAR/publish/checkpoint)
  exports, backups    $VAR/exports/, $VAR/backups/ (liuhen export/backup --to NAME)
  admin key           $VAR/admin.key (unencrypted, demonstration only)

From another terminal, in $(pwd):
EOF
if [ "$VAR" != var ]; then
    cat <<EOF
  export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VAR/data/log.vkey
EOF
fi
printf '  %-36s %s\n' \
    "$LIUHEN status" "tree size, last checkpoint and publication, connections" \
    "$LIUHEN keys" "who is enrolled, with which roles" \
    "make demo" "a scenario in Chinese: records of several kinds, a case timeline" \
    "README.md, \"Walkthrough\"" "every command, step by step"
cat <<EOF

Stop with Ctrl-C: liuhend answers what is in flight, publishes a final checkpoint and exits.
EOF

wrap_args=()
[ -z "${LIUHEND_WRAPPER:-}" ] || wrap_args=(--no-seccomp)
# shellcheck disable=SC2086 # the wrapper is words
exec ${LIUHEND_WRAPPER:-} "$LIUHEND" --data "$VAR/data" --socket "$VAR/liuhen.sock" --publish "$VAR/publish" \
    --export-dir "$VAR/exports" --backup-dir "$VAR/backups" --checkpoint-interval 10 \
    "${user_args[@]}" "${wrap_args[@]}" "$@"
