#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_evidence.sh — evidence packages end to end, against a real
# liuhend: `liuhen evidence INDEX --out FILE` writes one, `liuhen-verify
# --evidence FILE --log-key VKEY` checks it offline (exit 0, naming the
# record); every tampered copy (a byte of the leaf, of a proof hash, of the
# checkpoint; the wrong KEY_ENROLL; the second proof against another
# checkpoint; a truncated file; a missing part) is refused with exit 1 and
# a message naming the check that failed; so is a witness policy the
# checkpoint does not meet. The refusals of `liuhen evidence` are checked
# too (an index beyond the log, entry 0, a KEY_ENROLL), and a key enrolled
# again after its record (the package carries the enrolment before it).
#
# The daemon runs on a fresh layout in a temporary directory (scripts/run.sh
# with LIUHEN_VAR). Run from anywhere; BUILD (default build) names the build
# directory, relative to the root.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
VERIFY=$ROOT/$BUILD/bin/liuhen-verify

TEST_NAME=evidence
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$VERIFY" "$ROOT/$BUILD/bin/liuhend"

VAR=$TMP/var
VKEY=$VAR/data/log.vkey
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VKEY
start_daemon "$VAR"

# run WANT NAME PATTERN COMMAND...: the command exits WANT and its output
# (stdout and stderr) holds the (grep -E) pattern.
run() {
    local want=$1 name=$2 pattern=$3 got=0
    shift 3
    "$@" >"$TMP/out" 2>&1 || got=$?
    if [ "$got" -eq "$want" ] && grep -Eq -- "$pattern" "$TMP/out"; then
        ok "$name (exit $got)"
    else
        fail "$name: exit $got, wanted $want with /$pattern/; output: $(head -c 1500 "$TMP/out")"
    fi
}
# verify WANT NAME PATTERN FILE [OPTIONS...]: liuhen-verify --evidence FILE.
verify() {
    local want=$1 name=$2 pattern=$3 file=$4
    shift 4
    run "$want" "$name" "$pattern" "$VERIFY" --evidence "$file" --log-key "$VKEY" "$@"
}

# blames CHECK...: the last output names each check as failed ("  inclusion:
# ..."), and no other.
blames() {
    local want got
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
    got=$(sed -n 's/^  \([a-z-]*\): .*/\1/p' "$TMP/out" | sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then ok "  ... the failures are: $want"; else fail "  ... failures '$got', wanted '$want'"; fi
}

# ---- the log: an admin (entry 0), two handlers, their records -----------------

key() {
    "$LIUHEN" keygen --out "$TMP/$1" --holder "$2" --no-passphrase >/dev/null 2>&1
}
key wang 王明
key li 李华
"$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/wang.pub" --roles handler \
    --holder 王明 --unit 执法支队 >/dev/null                                   # entry 1
"$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/li.pub" --roles handler \
    --holder 李华 --unit 执法支队 >/dev/null                                   # entry 2
record() {
    "$LIUHEN" append --key "$TMP/$1.key" --kind interference --case "$2" \
        --set occurred_at=now --set place=办公室 --set person.name=刘某 \
        --set content="$3" >/dev/null
}
record wang QJ-EV-1 为当事人说情                                               # entry 3
record li QJ-EV-2 打听案情                                                     # entry 4

# ---- 1. a package, verified -----------------------------------------------------

run 0 "liuhen evidence writes the package of entry 3" "^evidence written: " \
    "$LIUHEN" evidence 3 --out "$TMP/wang.evidence"
check "the summary names the record and its author" \
    grep -Eq "^  record: entry 3 · INTERFERENCE · case QJ-EV-1" "$TMP/out"
check "the summary names the enrolment" grep -q "enrolled: entry 1, KEY_ENROLL" "$TMP/out"
check "the summary says what it proves" grep -q "^  it proves: that the log's signed" "$TMP/out"
check "the English summary has no Chinese label" \
    bash -c '! grep -q "已写出\|第3号记录\|干预插手记录" "$1"' _ "$TMP/out"
LANG=zh_CN.UTF-8 run 0 "under LANG=zh_CN.UTF-8, the summary is in Chinese" "^已写出证据包：" \
    "$LIUHEN" evidence 3 --out "$TMP/wang-zh.evidence"
for want in "^  记录：第3号记录 · 干预插手记录 · 案件 QJ-EV-1" \
    "登记：第1号记录，KEY_ENROLL" "^  它证明：" "^  离线核验：liuhen-verify --evidence"; do
    check "  ... and names $want" grep -Eq "$want" "$TMP/out"
done
check "the package is mode 0600" [ "$(stat -c %a "$TMP/wang.evidence")" = 600 ]
check "the package starts with liuhen-evidence/v1 and an empty line" \
    [ "$(head -n 2 "$TMP/wang.evidence" | tr '\n' '|')" = "liuhen-evidence/v1||" ]
check "the package holds two tlog-proofs" \
    [ "$(grep -c '^c2sp.org/tlog-proof@v1$' "$TMP/wang.evidence")" = 2 ]
check "the record's proof is of index 3, the enrolment's of index 1" \
    [ "$(grep '^index ' "$TMP/wang.evidence" | tr '\n' ' ')" = "index 3 index 1 " ]

verify 0 "liuhen-verify --evidence: valid" "^verdict: VALID" "$TMP/wang.evidence"
for want in "record: entry 3 · INTERFERENCE · case QJ-EV-1" "author: 王明" "enrolment: entry 1" \
    "tree size 5" "^limits:$"; do
    check "the verdict names $want" grep -Eq "$want" "$TMP/out"
done
LANG=zh_CN.UTF-8 verify 0 "under LANG=zh_CN.UTF-8, the verdict is in Chinese" "^结论：有效" \
    "$TMP/wang.evidence"
for want in "记录：第3号记录 · 干预插手记录 · 案件 QJ-EV-1" "登记：第1号记录" "^局限：$"; do
    check "  ... and names $want" grep -Eq "$want" "$TMP/out"
done
verify 0 "liuhen-verify --evidence --json" '"verdict": "valid"' "$TMP/wang.evidence" --json
check "JSON: the record's index" grep -Eq '"index": 3' "$TMP/out"
check "JSON: the author" grep -q '"holder": "王明"' "$TMP/out"
check "JSON: no failure" grep -q '"failures": \[\]' "$TMP/out"
run 0 "liuhen --json evidence summarises the package" '"enrolled_index": 1' \
    "$LIUHEN" --json evidence 3 --out "$TMP/wang2.evidence"
check "the package is the same when the log has not moved" cmp -s "$TMP/wang.evidence" \
    "$TMP/wang2.evidence"

# Each part is a standalone C2SP tlog-proof: part 1 up to the empty line
# before the second header.
awk 'NR > 2 && /^c2sp.org\/tlog-proof@v1$/ && n++ { exit } NR > 2 { print }' \
    "$TMP/wang.evidence" | sed '$d' >"$TMP/part1"
awk '/^c2sp.org\/tlog-proof@v1$/ { n++ } n == 2 { print }' "$TMP/wang.evidence" >"$TMP/part2"
check "part 1 ends with the checkpoint's signature line" \
    grep -q "^— demo.liuhen.local/log " <(tail -n 1 "$TMP/part1")
check "the package is exactly header, part 1, empty line, part 2" \
    cmp -s "$TMP/wang.evidence" <(printf 'liuhen-evidence/v1\n\n'; cat "$TMP/part1"; echo; cat "$TMP/part2")
check "both parts carry the same checkpoint" \
    cmp -s <(sed -n '/^$/,$p' "$TMP/part1") <(sed -n '/^$/,$p' "$TMP/part2")

# Li's package, against the same checkpoint (the log has not moved).
"$LIUHEN" evidence 4 --out "$TMP/li.evidence" >/dev/null
awk '/^c2sp.org\/tlog-proof@v1$/ { n++ } n == 2 { print }' "$TMP/li.evidence" >"$TMP/li-part2"
awk 'NR > 2 && /^c2sp.org\/tlog-proof@v1$/ && n++ { exit } NR > 2 { print }' \
    "$TMP/li.evidence" | sed '$d' >"$TMP/li-part1"
verify 0 "li's package is valid too" "record: entry 4" "$TMP/li.evidence"

# ---- 2. tampered copies, each refused, naming the check ---------------------------

# package FILE PART1 PART2: assemble a package.
package() {
    { printf 'liuhen-evidence/v1\n\n'; cat "$2"; echo; cat "$3"; } >"$1"
}
# flip_leaf_byte PART OFFSET_FROM_END OUT: XOR 0x01 into one byte of the
# part's leaf (its extra data), counted from the leaf's end.
flip_leaf_byte() {
    local part=$1 from_end=$2 out=$3 b64 len off byte
    b64=$(sed -n 's/^extra //p' "$part")
    printf '%s' "$b64" | base64 -d >"$TMP/leaf"
    len=$(stat -c %s "$TMP/leaf")
    off=$((len - from_end))
    byte=$(od -An -tu1 -j "$off" -N1 "$TMP/leaf" | tr -d ' ')
    printf '%b' "\\$(printf '%03o' $((byte ^ 1)))" |
        dd of="$TMP/leaf" bs=1 seek="$off" conv=notrunc status=none
    sed "s|^extra .*|extra $(base64 -w0 "$TMP/leaf")|" "$part" >"$out"
}
# A byte of the author's signature (the leaf ends with the 64-byte
# signature, then integrated_at as tag 0x10 and a 6-byte varint).
flip_leaf_byte "$TMP/part1" 20 "$TMP/t-part1"
package "$TMP/t.evidence" "$TMP/t-part1" "$TMP/part2"
verify 1 "a byte of the record's signature changed" \
    "the author's signature of the record \(entry 3\) does not verify" "$TMP/t.evidence"
check "  ... and the verdict says INVALID" grep -q "^verdict: INVALID" "$TMP/out"
blames signature inclusion
# A byte of integrated_at: the entry still verifies, the leaf is not the log's.
flip_leaf_byte "$TMP/part1" 3 "$TMP/t-part1"
package "$TMP/t.evidence" "$TMP/t-part1" "$TMP/part2"
verify 1 "a byte of the record's integration time changed" \
    "the inclusion proof of the record \(entry 3, leaf hash" "$TMP/t.evidence"
blames inclusion
# A byte of the enrolment's leaf.
flip_leaf_byte "$TMP/part2" 20 "$TMP/t-part2"
package "$TMP/t.evidence" "$TMP/part1" "$TMP/t-part2"
verify 1 "a byte of the enrolment's signature changed" \
    "the author's signature of the enrolment \(entry 1\) does not verify" "$TMP/t.evidence"
blames signature inclusion
# A byte of the first inclusion proof hash.
awk 'p == 1 && !done { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2); done = 1 }
     /^index / { p = 1 } { print }' "$TMP/part1" >"$TMP/t-part1"
package "$TMP/t.evidence" "$TMP/t-part1" "$TMP/part2"
verify 1 "a byte of a proof hash changed" "the inclusion proof of the record \(entry 3" \
    "$TMP/t.evidence"
blames inclusion
# A byte of the checkpoint's root, in the record's proof only.
awk 'seen == 1 && ++n == 3 { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) }
     /^$/ { seen++ } { print }' "$TMP/part1" >"$TMP/t-part1"
check "  (the root line was changed)" bash -c "! cmp -s '$TMP/part1' '$TMP/t-part1'"
package "$TMP/t.evidence" "$TMP/t-part1" "$TMP/part2"
verify 1 "a byte of the checkpoint changed" "the checkpoint does not verify with the log key" \
    "$TMP/t.evidence"
blames checkpoint same-checkpoint
# The same change in both parts: one checkpoint, which the log did not sign.
awk 'seen == 1 && ++n == 3 { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) }
     /^$/ { seen++ } { print }' "$TMP/part2" >"$TMP/t-part2"
package "$TMP/t.evidence" "$TMP/t-part1" "$TMP/t-part2"
verify 1 "the checkpoint changed in both parts" "does not verify with the log key" "$TMP/t.evidence"
blames checkpoint
# A byte of the log's signature (in the middle of its base64), in both parts.
# shellcheck disable=SC2016 # the $ are awk's
sig_flip='{ if (NR == lines) { i = length($0) - 10; c = substr($0, i, 1);
    $0 = substr($0, 1, i - 1) (c == "A" ? "B" : "A") substr($0, i + 1) } print }'
awk -v lines="$(wc -l <"$TMP/part1")" "$sig_flip" "$TMP/part1" >"$TMP/t-part1"
awk -v lines="$(wc -l <"$TMP/part2")" "$sig_flip" "$TMP/part2" >"$TMP/t-part2"
package "$TMP/t.evidence" "$TMP/t-part1" "$TMP/t-part2"
verify 1 "the log's signature changed" "signature line 1 by demo.liuhen.local/log.* does not verify" \
    "$TMP/t.evidence"
blames checkpoint
# The wrong KEY_ENROLL: li's enrolment under wang's record.
package "$TMP/t.evidence" "$TMP/part1" "$TMP/li-part2"
verify 1 "the enrolment of another key" "entry 2 enrols the key .*, not the record's author_key" \
    "$TMP/t.evidence"
blames enrolment
# Not a KEY_ENROLL at all: li's record as the enrolment.
package "$TMP/t.evidence" "$TMP/part1" "$TMP/li-part1"
verify 1 "a record instead of a KEY_ENROLL" "entry 4 is a INTERFERENCE, not a KEY_ENROLL" \
    "$TMP/t.evidence"
blames enrolment
# The parts swapped: the record is a KEY_ENROLL, the enrolment not one.
package "$TMP/t.evidence" "$TMP/part2" "$TMP/part1"
verify 1 "the parts swapped" "the record \(entry 1\) is a KEY_ENROLL, not a case record" \
    "$TMP/t.evidence"
blames record enrolment
# A truncated file: cut in the last signature line, and after part 1.
head -c -10 "$TMP/wang.evidence" >"$TMP/t.evidence"
verify 1 "a truncated file" "part 2 \(the proof of the enrolment\) cannot be read.*no newline" \
    "$TMP/t.evidence"
blames format
{ printf 'liuhen-evidence/v1\n\n'; cat "$TMP/part1"; } >"$TMP/t.evidence"
verify 1 "a missing part" "the proof of its author's enrolment \(part 2\) is missing" \
    "$TMP/t.evidence"
blames format
head -c 300 "$TMP/wang.evidence" >"$TMP/t.evidence"
verify 1 "cut inside the record's proof" "part 1 \(the proof of the record\) cannot be read" \
    "$TMP/t.evidence"
{ cat "$TMP/wang.evidence"; echo extra; } >"$TMP/t.evidence"
verify 1 "bytes after the two proofs" "6 bytes follow the enrolment's proof" "$TMP/t.evidence"
tail -n +3 "$TMP/wang.evidence" >"$TMP/t.evidence"
verify 1 "no header" "not an evidence package: the first line must be liuhen-evidence/v1" \
    "$TMP/t.evidence"
cp "$TMP/part1" "$TMP/t.evidence"
verify 1 "a bare tlog-proof is not a package" "not an evidence package" "$TMP/t.evidence"
# Another log's key.
key other demo.liuhen.local/log
verify 1 "another log's key" "the checkpoint does not verify with the log key" \
    "$TMP/wang.evidence" --log-key "$TMP/other.pub"

# ---- 3. the second proof against another checkpoint ------------------------------

record wang QJ-EV-1 第二次说情                                                 # entry 5
"$LIUHEN" evidence 3 --out "$TMP/wang-later.evidence" >/dev/null
verify 0 "a package made later is valid" "tree size 6" "$TMP/wang-later.evidence"
awk '/^c2sp.org\/tlog-proof@v1$/ { n++ } n == 2 { print }' "$TMP/wang-later.evidence" \
    >"$TMP/later-part2"
package "$TMP/t.evidence" "$TMP/part1" "$TMP/later-part2"
verify 1 "the enrolment proved against another checkpoint" \
    "is against another checkpoint \(tree size 6, root .*\) than the record's" "$TMP/t.evidence"
blames same-checkpoint inclusion

# ---- 4. the witness policy ---------------------------------------------------------

# A witness key (one that signs plain notes): the log's checkpoints carry no
# cosignature of it.
key witness witness.example.org/liuhen-test
verify 1 "--min-cosignatures 1 without a cosignature" \
    "has 0 valid cosignatures by the witnesses given, 1 required" \
    "$TMP/wang.evidence" --witness-key "$TMP/witness.pub" --min-cosignatures 1
blames cosignature
verify 0 "the witness given, none required" "^verdict: VALID" "$TMP/wang.evidence" \
    --witness-key "$TMP/witness.pub"
verify 3 "--min-cosignatures 1 without --witness-key" "only 0 --witness-key given" \
    "$TMP/wang.evidence" --min-cosignatures 1

# ---- 5. usage of liuhen-verify --evidence ------------------------------------------

verify 3 "a package that does not exist" "--evidence: .*no-such" "$TMP/no-such.evidence"
verify 3 "--evidence with a directory" "one too many" "$TMP/wang.evidence" "$VAR/publish"
verify 3 "--evidence with --rules" "--rules applies to a tiles directory" "$TMP/wang.evidence" \
    --rules
run 3 "--evidence without --log-key" "--log-key FILE is required" \
    "$VERIFY" --evidence "$TMP/wang.evidence"
run 0 "liuhen-verify --help names --evidence" "--evidence FILE" "$VERIFY" --help

# ---- 6. refusals of liuhen evidence ------------------------------------------------

run 1 "an index beyond the log" "entry 99 is beyond the log: its latest checkpoint holds 6" \
    "$LIUHEN" evidence 99 --out "$TMP/x.evidence"
run 1 "entry 0" "entry 0 is the log's genesis.*proves a record of a case" \
    "$LIUHEN" evidence 0 --out "$TMP/x.evidence"
run 1 "a KEY_ENROLL" "entry 1 is a KEY_ENROLL.*key management" \
    "$LIUHEN" evidence 1 --out "$TMP/x.evidence"
check "no package is written when refused" [ ! -e "$TMP/x.evidence" ]
run 2 "no --out" "--out FILE is required" "$LIUHEN" evidence 3
run 2 "not an index" "not an entry index" "$LIUHEN" evidence three --out "$TMP/x.evidence"
run 0 "liuhen help evidence" "Usage: liuhen evidence INDEX --out FILE" "$LIUHEN" help evidence
run 0 "liuhen help lists evidence" "evidence +write an evidence package" "$LIUHEN" help

# ---- 7. a key enrolled again after its record; a correction -------------------------

# Wang's key enrolled again, as an investigator (who may not record an
# INTERFERENCE): the package of entry 3 carries the enrolment before it,
# entry 1, whose roles the log checked the record against.
"$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/wang.pub" --roles investigator \
    --holder 王明 --unit 调查组 >/dev/null                                     # entry 6
run 0 "a key enrolled again after the record" '"enrolled_index": 1' \
    "$LIUHEN" --json evidence 3 --out "$TMP/wang-again.evidence"
verify 0 "  ... its package is valid, with the enrolment before the record" \
    "enrolment: entry 1" "$TMP/wang-again.evidence"
check "  ... and the roles are those of entry 1" grep -q "roles: handler ·" "$TMP/out"
# A CORRECTION: valid, and the package says what it cannot prove.
"$LIUHEN" append --key "$TMP/li.key" --kind correction --case QJ-EV-2 --set corrects=#4 \
    --set reason=笔误 >/dev/null                                               # entry 7
"$LIUHEN" evidence 7 --out "$TMP/li7.evidence" >/dev/null
verify 0 "a correction's package is valid" "CORRECTION" "$TMP/li7.evidence"
check "  ... and says the corrected entry's author needs the whole log" \
    grep -q "whether the corrected entry is the author's own" "$TMP/out"

stop_daemon
summary
