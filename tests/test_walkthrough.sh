#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_walkthrough.sh — runs README.md's "Walkthrough" exactly as a
# new user would copy it, so that it cannot rot, and holds README.zh.md (the
# Chinese README) to the same commands, so that it cannot drift.
#
# The walkthrough is the one fenced block of README.md that opens with
# "```sh" and whose first line is the comment "# walkthrough". It is
# written for the repository root with `make run` going: binaries as
# build/bin/liuhen, the demo layout in var/. Here it runs in a temporary
# root where build/ is a link to this build ($BUILD, default build) and
# var/ is a fresh layout served by a liuhend of its own (scripts/run.sh with
# LIUHEN_VAR), so the repository's var/ is never touched. The block runs
# under `bash -euo pipefail`: any failing command fails the test.
#
# README.zh.md has the same block, its comments in Chinese. It is not run a
# second time: it must be the same commands, as bash parses them (the block
# read as a function's body and printed back by `declare -f`: comments and
# layout gone, quoting kept, one command per line), and identical commands
# would only do again what README.md's block did. The comparison also
# catches what a second run would not: a command changed in one README only
# that still succeeds (another name, another option). Every other code block
# of the two READMEs (the commands of the quick start, of deploying, the C of
# liuhen.h...) must hold the same lines once comments ("# ..." in shell,
# "/* ... */" in C) and runs of blanks are taken out, block after block.
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

# walkthrough_of README OUT: the block, from the line "```sh" followed by
# "# walkthrough" to the closing "```".
walkthrough_of() {
    awk '
        inblock && /^```/ { exit }
        inblock { print; next }
        pending { if ($0 ~ /^# walkthrough/) { inblock = 1; print; next } pending = 0 }
        /^```sh[[:space:]]*$/ { pending = 1 }
    ' "$1" >"$2"
    if [ ! -s "$2" ]; then
        echo "walkthrough: $1 has no \`\`\`sh block starting with '# walkthrough'" >&2
        exit 1
    fi
}

# commands_of BLOCK: the block's commands as bash parses them. The block
# becomes the body of a function that is defined, never called, and printed
# back by bash, in an empty environment and in the temporary directory.
commands_of() {
    { printf 'walkthrough() {\n'; cat "$1"; printf '\n}\n'; } >"$1.fn"
    # shellcheck disable=SC2016 # $1 is the inner bash's, not ours
    (cd "$TMP" && env -i PATH="$PATH" bash --norc --noprofile -c \
        '. "$1" && declare -f walkthrough' commands_of "$1.fn")
}

# code_of README: the lines of every code block (fenced, or indented by four
# spaces), comments and runs of blanks taken out, empty lines dropped.
code_of() {
    awk '
        /^```/ { if (fence) { fence = 0 } else { fence = 1; lang = substr($0, 4) } next }
        !fence && !/^    / { next }
        {
            line = $0
            if (fence && lang == "c") gsub(/\/\*.*\*\//, "", line)
            else sub(/(^|[ \t])#.*$/, "", line)
            gsub(/[ \t]+/, " ", line)
            sub(/^ /, "", line)
            sub(/ $/, "", line)
            if (line != "") print line
        }
    ' "$1"
}

walkthrough_of README.md "$TMP/walkthrough.sh"
ok "README.md has the walkthrough ($(wc -l <"$TMP/walkthrough.sh") lines)"
walkthrough_of README.zh.md "$TMP/walkthrough.zh.sh"
ok "README.zh.md has the walkthrough ($(wc -l <"$TMP/walkthrough.zh.sh") lines)"

if ! commands_of "$TMP/walkthrough.sh" >"$TMP/commands" 2>"$TMP/commands.err"; then
    fail "bash cannot parse README.md's walkthrough:"
    sed 's/^/    /' "$TMP/commands.err" >&2
elif ! commands_of "$TMP/walkthrough.zh.sh" >"$TMP/commands.zh" 2>"$TMP/commands.err"; then
    fail "bash cannot parse README.zh.md's walkthrough:"
    sed 's/^/    /' "$TMP/commands.err" >&2
elif cmp -s "$TMP/commands" "$TMP/commands.zh"; then
    ok "README.zh.md's walkthrough is the same $(($(wc -l <"$TMP/commands") - 3)) commands as README.md's"
else
    fail "README.zh.md's walkthrough is not README.md's commands (- README.md, + README.zh.md):"
    diff -u "$TMP/commands" "$TMP/commands.zh" | tail -n +3 | sed 's/^/    /' >&2 || true
fi

code_of README.md >"$TMP/code"
code_of README.zh.md >"$TMP/code.zh"
if cmp -s "$TMP/code" "$TMP/code.zh"; then
    ok "README.zh.md's code blocks hold README.md's code ($(wc -l <"$TMP/code") lines)"
else
    fail "README.zh.md's code blocks differ from README.md's (comments aside; - README.md, + README.zh.md):"
    diff -u "$TMP/code" "$TMP/code.zh" | tail -n +3 | sed 's/^/    /' >&2 || true
fi

# A root like the repository's, as far as the walkthrough can tell.
mkdir "$TMP/root"
ln -s "$ROOT/$BUILD" "$TMP/root/build"
ln -s "$TMP/var" "$TMP/root/var"

# Nothing of the caller's environment may change what the block does
# (daemon.sh unsets LIUHEN_*); the state file of the demo origin lives in
# the temporary directory. The block runs in daemon.sh's locale, C.UTF-8,
# as README.md's reader would: liuhen-verify speaks English.
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
# The block runs in C.UTF-8: the CLI speaks English, kinds and values by
# the schema's names (in Chinese below, under LANG=zh_CN.UTF-8).
expect "kinds are shown by name" "INTERFERENCE"
expect "the complaint is in the timeline" "COMPLAINT"
expect "the reply is in the timeline" "REPLY"
expect "enum values are shown by name" "phone"
expect "the receipt JSON has leaf_index" '"leaf_index"'
expect "the inclusion proof JSON has audit_path" '"audit_path"'
expect "the consistency proof JSON has consistency" '"consistency"'
expect "the checkpoint names the log" "demo.liuhen.local/log"
expect "a wrong value names the field and what it accepts" "interference.manner: 'fax' is not one of"
expect "a wrong value is a usage error" "exit status 2"
if compgen -G "$TMP/var/exports/walkthrough-*/checkpoint" >/dev/null; then
    ok "the export is a tiles directory with a checkpoint, beneath liuhend's --export-dir"
else
    fail "no walkthrough-*/checkpoint in var/exports/"
fi
# Step 8: both runs of the offline verifier find the log clean (the block
# runs under -e, so each exited 0), the second with the rules.
clean=$(grep -c '^CLEAN$' "$TMP/out" || true)
if [ "$clean" -eq 2 ]; then
    ok "liuhen-verify finds the export clean, twice"
else
    fail "liuhen-verify printed 'CLEAN' $clean times, not 2"
fi
expect "liuhen-verify checked the kept checkpoint" "1 consistent"
expect "liuhen-verify found both receipts in the log" "2 included"
expect "liuhen-verify evaluated the rules" "R1–R17, as of"
if compgen -G "$TMP/liuhen-walkthrough.*/report.html" >/dev/null; then
    ok "liuhen-verify wrote the HTML report"
else
    fail "no report.html in the walkthrough's directory"
fi

# The same export, verified by a reader of README.zh.md: in Chinese.
export_dir=$(compgen -G "$TMP/var/exports/walkthrough-*" | head -n 1 || true)
rc=0
LANG=zh_CN.UTF-8 "$ROOT/$BUILD/bin/liuhen-verify" "$export_dir" --log-key "$TMP/var/data/log.vkey" \
    --rules >"$TMP/out.zh" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && grep -q '^通过$' "$TMP/out.zh" && grep -q '条已解析并验签' "$TMP/out.zh"; then
    ok "under LANG=zh_CN.UTF-8, liuhen-verify reports the export in Chinese: 通过"
else
    fail "under LANG=zh_CN.UTF-8, liuhen-verify (exit $rc) did not report 通过 in Chinese:"
    sed 's/^/    /' "$TMP/out.zh" >&2
fi

# The same timeline, read by a reader of README.zh.md: in Chinese, in the
# regulations' words, and nothing of the English labels.
rc=0
(cd "$TMP/root" && LANG=zh_CN.UTF-8 build/bin/liuhen --state "$TMP/zh.checkpoint" \
    case QJ-2026-001) >"$TMP/case.zh" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && grep -q '干预插手记录' "$TMP/case.zh" && grep -q '电话' "$TMP/case.zh" &&
    grep -q '存证时间：' "$TMP/case.zh" && ! grep -q 'integrated at' "$TMP/case.zh"; then
    ok "under LANG=zh_CN.UTF-8, liuhen case shows the timeline in Chinese (干预插手记录, 电话, 存证时间)"
else
    fail "under LANG=zh_CN.UTF-8, liuhen case (exit $rc) is not in Chinese:"
    sed 's/^/    /' "$TMP/case.zh" >&2
fi

stop_daemon

summary
