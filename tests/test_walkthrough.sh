#!/usr/bin/env bash
# tests/test_walkthrough.sh — runs README.md's "Walkthrough" exactly as a
# new user would copy it, so that it cannot rot.
#
# The walkthrough is the one fenced block of README.md that opens with
# "```sh" and whose first line is the comment "# walkthrough". It is
# written for the repository root with `make run` going: binaries as
# build/bin/liuhen, the demo layout in var/. Here it runs in a temporary
# root where build/ is a link to this build ($BUILD, default build) and
# var/ is a fresh layout served by a liuhend of its own (scripts/run.sh with
# LIUHEN_VAR), so the repository's var/ is never touched. The block runs
# under `bash -euo pipefail`: any failing command fails the test.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen

TEST_NAME=walkthrough
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

# expect NAME PATTERN: the walkthrough's output holds the (grep) pattern.
expect() {
    if grep -q -- "$2" "$TMP/out"; then ok "$1"; else fail "$1: no '$2' in its output"; fi
}

require_bins "$LIUHEN" "$ROOT/$BUILD/bin/liuhend"

# The block: from the line "```sh" followed by "# walkthrough" to the
# closing "```".
awk '
    inblock && /^```/ { exit }
    inblock { print; next }
    pending { if ($0 ~ /^# walkthrough/) { inblock = 1; print; next } pending = 0 }
    /^```sh[[:space:]]*$/ { pending = 1 }
' README.md >"$TMP/walkthrough.sh"
if [ ! -s "$TMP/walkthrough.sh" ]; then
    echo "walkthrough: README.md has no \`\`\`sh block starting with '# walkthrough'" >&2
    exit 1
fi
ok "README.md has the walkthrough ($(wc -l <"$TMP/walkthrough.sh") lines)"

# A root like the repository's, as far as the walkthrough can tell.
mkdir "$TMP/root"
ln -s "$ROOT/$BUILD" "$TMP/root/build"
ln -s "$TMP/var" "$TMP/root/var"

# Nothing of the caller's environment may change what the block does
# (daemon.sh unsets LIUHEN_*); the state file of the demo origin lives in
# the temporary directory.
export TMPDIR=$TMP

start_daemon "$TMP/var"
ok "liuhend started on a fresh var/"

rc=0
(cd "$TMP/root" && bash -euo pipefail "$TMP/walkthrough.sh") >"$TMP/out" 2>&1 </dev/null || rc=$?
if [ "$rc" -eq 0 ]; then
    ok "the walkthrough runs to the end (exit 0)"
else
    fail "the walkthrough failed with exit $rc; its output, then liuhend's:"
    sed 's/^/    /' "$TMP/out" >&2
    sed 's/^/    liuhend: /' "$TMP/run.log" >&2
fi

# What a reader is told to look for, step by step.
expect "the handler is enrolled" "王明"
expect "the legal section is enrolled" "李华"
expect "kinds are shown in Chinese" "干预插手记录"
expect "the complaint is in the timeline" "投诉举报"
expect "the reply is in the timeline" "答复"
expect "enum values are shown in Chinese" "电话"
expect "the receipt JSON has leaf_index" '"leaf_index"'
expect "the inclusion proof JSON has audit_path" '"audit_path"'
expect "the consistency proof JSON has consistency" '"consistency"'
expect "the checkpoint names the log" "demo.liuhen.local/log"
expect "a wrong value names the field and what it accepts" "interference.manner: 'fax' is not one of"
expect "a wrong value is a usage error" "exit status 2"
if compgen -G "$TMP/liuhen-walkthrough.*/export/checkpoint" >/dev/null; then
    ok "the export is a tiles directory with a checkpoint"
else
    fail "no export/checkpoint in the walkthrough's directory"
fi
# Step 8: both runs of the offline verifier find the log clean (the block
# runs under -e, so each exited 0), the second with the rules.
clean=$(grep -c '^通过 CLEAN$' "$TMP/out" || true)
if [ "$clean" -eq 2 ]; then
    ok "liuhen-verify finds the export clean, twice"
else
    fail "liuhen-verify printed '通过 CLEAN' $clean times, not 2"
fi
expect "liuhen-verify checked the kept checkpoint" "1 个一致 consistent"
expect "liuhen-verify found both receipts in the log" "2 份已收录 included"
expect "liuhen-verify evaluated the rules" "R1–R17"
if compgen -G "$TMP/liuhen-walkthrough.*/report.html" >/dev/null; then
    ok "liuhen-verify wrote the HTML report"
else
    fail "no report.html in the walkthrough's directory"
fi

stop_daemon

summary
