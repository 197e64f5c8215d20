#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_register.sh — what an inspector takes away besides the report,
# on a known log recorded through a real liuhend and exported: liuhen-verify
# --register interference|complaints|decisions (the rows, their columns, a
# row corrected by a CORRECTION showing the corrected value, --from/--to
# inclusive at both ends, CSV with its byte order mark parsed back by
# Python's csv module, headers in Chinese and in English); --stats (the
# counts of a known set, by quarter, person and category; the HTML
# report's SVG chart well-formed XML with one bar per group); --open (each
# open item with its days left as of a fixed --as-of); and the refusal of
# all three for a log that fails verification (exit 1, nothing on standard
# output).
#
# Run from anywhere; BUILD (default build) names the build directory.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
VERIFY=$ROOT/$BUILD/bin/liuhen-verify

TEST_NAME=register
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$VERIFY" "$ROOT/$BUILD/bin/liuhend"

VAR=$TMP/var
VKEY=$VAR/data/log.vkey
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VKEY
start_daemon "$VAR"

# ---- the log -------------------------------------------------------------------

key() {
    "$LIUHEN" keygen --out "$TMP/$1" --holder "$2" --no-passphrase >/dev/null 2>&1
    "$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/$1.pub" --roles "$3" \
        --holder "$2" --unit "${4:-区应急管理局}" >/dev/null
}
key wang 王明 handler       # entry 1
key li 李华 legal           # 2
key zhang 张强 principal,leader # 3
key chen 陈刚 handler 区应急管理局执法大队 # 4

# add WHO KIND CASE --set ...: append a record; its index is the next.
add() {
    local who=$1 kind=$2 case=$3
    shift 3
    "$LIUHEN" append --key "$TMP/$who.key" --kind "$kind" --case "$case" "$@" >/dev/null
}
eid() {
    "$LIUHEN" --json get "$1" | sed -n 's/^  "entry_id": *"\([^"]*\)".*/\1/p'
}

# Case 干预-1: an interference (5), followed up (6), approved (7), notified
# (8), and its interferer's name corrected by its author (9).
add wang interference 干预-1 --set occurred_at="2026-02-10 09:40" --set place=办公室 \
    --set person.name=刘某 --set person.relation=retired --set manner=phone \
    --set content="为当事人说情，要求从轻处罚" --set categories=pleading-spying \
    --set response=refused --set reported_to=legal-section \
    --set reported_at="2026-02-10 10:00"
add li supervision-check 干预-1 --set type=follow-up --set conducted_at="2026-02-20 10:00" \
    --set concerns="#5" --set conclusion=confirmed --set findings=查实
add zhang approval 干预-1 --set concerns="#5" --set approved=true \
    --set approved_at="2026-02-27 10:00" --set matter=通报
add li notification 干预-1 --set subject=interference --set concerns="#5" \
    --set approval="#7" --set issued_at="2026-03-01 10:00" --set person.name=刘某 \
    --set measures=circulated-criticism --set document_ref="通报〔2026〕1号"
"$LIUHEN" append --key "$TMP/wang.key" --kind correction --case 干预-1 --json - >/dev/null <<EOF2
{"corrects": "$(eid 5)", "reason": "姓名笔误",
 "changes": [{"field": "interference.person.name", "old_value": "刘某", "new_value": "刘某某"}]}
EOF2
# Case 干预-2: an interference reported (10) and not followed up.
add chen interference 干预-2 --set occurred_at="2026-04-15 15:00" --set place=走廊 \
    --set person.name=赵某 --set person.relation=on-staff --set manner=in-person \
    --set content="提出私下会见当事人" --set categories=private-meeting \
    --set response=refused --set reported_to=legal-section \
    --set reported_at="2026-04-15 16:00"
# Case 干预-3: the same interferer again (11), followed up (12).
add wang interference 干预-3 --set occurred_at="2026-04-20 11:00" --set place=办公室 \
    --set person.name=刘某某 --set person.relation=retired --set manner=phone \
    --set content="再次说情" --set categories=pleading-spying --set response=refused \
    --set reported_to=legal-section --set reported_at="2026-04-20 11:30"
add li supervision-check 干预-3 --set type=follow-up --set conducted_at="2026-04-22 10:00" \
    --set concerns="#11" --set conclusion=pending
# Case 投诉-1: a complaint (13), only acknowledged (14), decided (15), served (16).
add li complaint 投诉-1 --set complainant.name=重庆某建材有限公司 --set channel=referral \
    --set forwarded_by=黔江区司法局 --set received_at="2026-03-02 10:00" \
    --set accepted_at="2026-03-03 09:00" --set source=justice-complaint \
    --set conducts=manifestly-unfair --set jurisdiction=accepted --set summary=处罚明显偏重 \
    --set enforcement_case="黔江应急罚〔2026〕12号"
add li reply 投诉-1 --set complaint="#13" --set type=acknowledgement \
    --set replied_at="2026-03-03 11:00" --set addressee=重庆某建材有限公司 --set method=written
"$LIUHEN" append --key "$TMP/zhang.key" --kind decision --case 投诉-1 --json - >/dev/null <<'EOF2'
{"wrongful_case": true, "source": "CASE_SOURCE_JUSTICE_COMPLAINT",
 "responsible": [{"person": {"name": "陈刚", "relation": "RELATION_ON_STAFF"},
   "responsibility": "裁量错误",
   "sanctions": ["SANCTION_WRITTEN_SELF_EXAMINATION", "SANCTION_CIRCULATED_CRITICISM"]}],
 "decided_at": "2026-04-08T16:00:00+08:00", "summary": "认定为错案",
 "document_ref": "黔江应急责〔2026〕3号"}
EOF2
add li service 投诉-1 --set decision="#15" --set served_on.name=陈刚 \
    --set served_at="2026-04-09 10:00" --set method=in-person --set rights_told=true
# Case 投诉-2: a complaint to be transferred (17), not transferred; a
# decision (18) not served.
add li complaint 投诉-2 --set complainant.anonymous=true --set channel=phone \
    --set received_at="2026-04-27 09:00" --set accepted_at="2026-04-28 09:00" \
    --set source=justice-complaint --set jurisdiction=to-transfer --set summary=不属本局管辖
add zhang decision 投诉-2 --set wrongful_case=false --set decided_at="2026-05-06 10:00" \
    --set summary=不认定为错案
# The handler of 干预-2 reports it himself (19): B§3's report, not the legal
# section's follow-up (B§4): the interference stays open.
add chen report 干预-2 --set matter=interference --set concerns="#10" \
    --set reported_to.name=李华 --set reported_at="2026-04-15 16:05" --set content=已拒绝
"$LIUHEN" export --to reg >/dev/null
DIR=$VAR/exports/reg
check "the log has 20 entries" test "$("$LIUHEN" --json status | sed -n 's/^  "tree_size": *\([0-9]*\).*/\1/p')" = 20

# ---- the registers ----------------------------------------------------------------

# v FILE ARGS...: liuhen-verify DIR ARGS... with standard output in FILE
# (the summary on standard error in FILE.err); the exit status in $st.
v() {
    local out=$1
    shift
    st=0
    "$VERIFY" "$DIR" --log-key "$VKEY" "$@" >"$out" 2>"$out.err" || st=$?
}
# csv FILE: the CSV's rows, one a line, fields joined by '|', after checking
# that it starts with a UTF-8 byte order mark and ends its lines in CRLF.
csv() {
    python3 - "$1" <<'PY'
import csv, io, sys
data = open(sys.argv[1], 'rb').read()
assert data.startswith(b'\xef\xbb\xbf'), 'no byte order mark'
assert b'\r\n' in data and data.count(b'\n') == data.count(b'\r\n'), 'not CRLF'
for row in csv.reader(io.StringIO(data[3:].decode('utf-8'), newline='')):
    print('|'.join(row))
PY
}

# The cells are in Chinese under a Chinese locale: the labels of the
# schema's values (labels.h); the words of the tool (outcomes, headers)
# are checked under LANG=C, in English, below.
export LANG=zh_CN.UTF-8
root=$(sed -n 3p "$DIR/checkpoint")
LANG=C v "$TMP/i.txt" --register interference
check "interference register: exit 0" test "$st" -eq 0
check "  its title names the log, the period and the verified checkpoint" \
    grep -qF "Register of interference records — log demo.liuhen.local/log — period the beginning to the end (Beijing time) — verified checkpoint: 20 entries, root $root" "$TMP/i.txt"
check "  the summary went to standard error" grep -q "20" "$TMP/i.txt.err"
v "$TMP/i.csv" --register interference --csv
csv "$TMP/i.csv" >"$TMP/i.rows"
check "  the CSV header is in Chinese, 13 columns" \
    test "$(head -n 1 "$TMP/i.rows" | awk -F'|' '{print NF}')" -eq 13
check "  three rows, one per interference" test "$(($(wc -l <"$TMP/i.rows") - 1))" -eq 3
row1=$(sed -n 2p "$TMP/i.rows")
IFS='|' read -r -a c <<<"$row1"
check "  row 1: date in Beijing time" test "${c[1]}" = 2026-02-10
check "  row 1: the corrected name, with its relation" test "${c[3]}" = "刘某某/已经离退休的人员"
check "  row 1: manner 电话" test "${c[4]}" = 电话
check "  row 1: the B§10 category" test "${c[6]}" = "请托说情、打探案情、通风报信"
check "  row 1: recorder 王明" test "${c[7]}" = 王明
check "  row 1: the follow-up names the check (#6, 查实) and the approval (#7)" \
    bash -c '[[ "$1" == *"2026-02-20"*"（查实违反规定干预办案）"*"#6"* && "$1" == *"2026-02-27"*"#7" ]]' _ "${c[9]}"
check "  row 1: the notification (#8) and its document" \
    bash -c '[[ "$1" == *"#8"* && "$1" == *"通报〔2026〕1号"* ]]' _ "${c[10]}"
check "  row 1: entry 5, corrected by entry 9" \
    bash -c '[[ "$1" == 5 && "$2" == *"#9"*"interference.person.name"* ]]' _ "${c[11]}" "${c[12]}"
IFS='|' read -r -a c <<<"$(sed -n 3p "$TMP/i.rows")"
check "  row 2: only the handler's own report (#19), no notification" \
    test "${c[9]}|${c[10]}" = "2026-04-15 报告 李华 #19|"

v "$TMP/f.csv" --register interference --csv --from 2026-04-15 --to 2026-04-20
csv "$TMP/f.csv" >"$TMP/f.rows"
check "--from/--to include both days (04-15 and 04-20)" \
    test "$(cut -d'|' -f12 "$TMP/f.rows" | tail -n +2 | tr '\n' ' ')" = "10 11 "
v "$TMP/f.csv" --register interference --csv --from 2026-04-16 --to 2026-04-19
csv "$TMP/f.csv" >"$TMP/f.rows"
check "  and a period between them has none" test "$(wc -l <"$TMP/f.rows")" -eq 1

v "$TMP/c.csv" --register complaints --csv
csv "$TMP/c.csv" >"$TMP/c.rows"
check "complaints register: two rows" test "$(($(wc -l <"$TMP/c.rows") - 1))" -eq 2
IFS='|' read -r -a c <<<"$(sed -n 2p "$TMP/c.rows")"
check "  row 1: received, channel and who forwarded it" \
    test "${c[1]}|${c[3]}" = "2026-03-02|上级机关或其他部门转来（黔江区司法局）"
check "  row 1: accepted on 03-03; only acknowledged" \
    bash -c '[[ "$1" == *"2026-03-03" && "$2" == *"告知已受理"*"#14"* && -n "$3" ]]' _ "${c[7]}" "${c[8]}" "${c[9]}"
LANG=C v "$TMP/c.csv" --register complaints --csv
csv "$TMP/c.csv" >"$TMP/c.rows"
IFS='|' read -r -a c <<<"$(sed -n 2p "$TMP/c.rows")"
check "  row 1 (LANG=C): only acknowledged" test "${c[9]}" = "only told it was accepted"
IFS='|' read -r -a c <<<"$(sed -n 3p "$TMP/c.rows")"
check "  row 2 (LANG=C): anonymous, to be transferred, not answered" \
    test "${c[5]}|${c[7]}|${c[9]}" = "anonymous|to-transfer 2026-04-28|not answered"

v "$TMP/d.csv" --register decisions --csv
csv "$TMP/d.csv" >"$TMP/d.rows"
IFS='|' read -r -a c <<<"$(sed -n 2p "$TMP/d.rows")"
check "decisions register: date, fault (A§6 of the complaint), responsible, sanctions, served" \
    bash -c '[[ "$1" == 2026-04-08 && "$2" == 实施行政处罚显失公正 && "$3" == 陈刚 &&
                "$4" == 责令作出书面检查、通报批评 && "$5" == "2026-04-09 送达、告知 #16" ]]' _ \
    "${c[1]}" "${c[4]}" "${c[5]}" "${c[6]}" "${c[8]}"
LANG=C v "$TMP/d.csv" --register decisions --csv
csv "$TMP/d.csv" >"$TMP/d.rows"
check "  wrongful yes, then no, and the second not served (LANG=C)" \
    test "$(cut -d'|' -f4,9 "$TMP/d.rows" | tail -n +2 | tr '\n' ' ')" = "yes|2026-04-09 service #16 no| "
check "LANG=C: the header is in English" \
    test "$(head -n 1 "$TMP/d.rows")" = "No.|Decided|Case|Wrongful case|Fault (A§6)|Responsible persons|Sanctions (A§11)|Document|Served|Review order|Recorder|Entry|Correction"
LANG=C v "$TMP/e.txt" --register decisions
check "  the text form aligns its columns (a CJK character takes two) and wraps long cells" python3 - "$TMP/e.txt" <<'PY'
import sys, unicodedata
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()[1:]
def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in 'WF' else 1 for ch in s)
header = lines[0]
rows = [l for l in lines[2:-1] if l[:1].isdigit()]
assert len(rows) == 2, rows
# a cell wider than 40 columns wraps onto a line of its own row, in its column
cont = lines[lines.index(rows[0]) + 1]
assert cont.strip() == 'circulated-criticism', cont  # broken at the space, not in a word
assert width(cont[:cont.index('circulated')]) == header.index('Sanctions'), cont
col = header.index('Case')
for r in rows:
    # the case id starts where the header's "Case" does, counted in columns
    prefix = r[:r.index('投诉')]
    assert width(prefix) == col, (prefix, col)
    assert width(r[:r.index('张强')]) == header.index('Recorder'), r
PY

# ---- statistics ---------------------------------------------------------------------

LANG=C v "$TMP/s.csv" --stats --by quarter --csv --as-of "2026-05-10 12:00"
csv "$TMP/s.csv" >"$TMP/s.rows"
cat >"$TMP/s.want" <<'EOF2'
quarter|Measure|Value|Count
2026-Q1|interference records||1
2026-Q1|interference by category (B§10)|pleading-spying|1
2026-Q1|complaints by source (A§5)|justice-complaint|1
2026-Q1|complaints by outcome|only told it was accepted|1
2026-Q1|overdue items|complaint only acknowledged, its result not told|1
2026-Q2|interference records||2
2026-Q2|interference by category (B§10)|private-meeting|1
2026-Q2|interference by category (B§10)|pleading-spying|1
2026-Q2|complaints by source (A§5)|justice-complaint|1
2026-Q2|complaints by outcome|not answered|1
2026-Q2|wrongful cases by fault (A§6)|manifestly-unfair|1
2026-Q2|wrongful cases by sanction (A§11)|written-self-examination|1
2026-Q2|wrongful cases by sanction (A§11)|circulated-criticism|1
2026-Q2|overdue items|complaint to be transferred, no TRANSFER|1
EOF2
check "stats by quarter: the counts of the known set (no repeat interferer within a quarter)" \
    diff "$TMP/s.want" "$TMP/s.rows"
LANG=C v "$TMP/p.csv" --stats --by category --csv --as-of "2026-05-10 12:00"
csv "$TMP/p.csv" >"$TMP/p.rows"
check "stats by category: the corrected interferer is a repeat one, twice" \
    grep -qxF "pleading-spying|repeat interferers|刘某某/retired|2" "$TMP/p.rows"
check "  the other category has one record" \
    grep -qxF "private-meeting|interference records||1" "$TMP/p.rows"
LANG=C v "$TMP/u.csv" --stats --by unit --csv --as-of "2026-05-10 12:00"
csv "$TMP/u.csv" >"$TMP/u.rows"
check "stats by unit: the recorders' units, as enrolled (2 interference records and 1)" \
    grep -qxF "区应急管理局|interference records||2" "$TMP/u.rows"
check "  ... the other unit's" grep -qxF "区应急管理局执法大队|interference records||1" "$TMP/u.rows"
v "$TMP/h.txt" --stats --by person --html "$TMP/s.html" --as-of "2026-05-10 12:00"
check "stats by person: exit 0" test "$st" -eq 0
check "the HTML's chart is well-formed XML, one bar per group (4 recorders)" python3 - "$TMP/s.html" <<'PY'
import re, sys, xml.etree.ElementTree as ET
html = open(sys.argv[1], encoding='utf-8').read()
m = re.search(r'<svg .*?</svg>', html, re.S)
svg = ET.fromstring(m.group(0))
bars = svg.findall('{http://www.w3.org/2000/svg}rect')
assert len(bars) == 4, len(bars)
assert '<script' not in m.group(0)
PY

# ---- open items ---------------------------------------------------------------------

# As of 2026-05-10 12:00 (a Sunday), with the default 30 days for "及时":
# the complaint of 03-02 only acknowledged: 30 days end 04-01 24:00,
# overdue 39 days; the complaint accepted 04-28 not transferred: 2 days end
# 04-30 24:00, overdue 10; the interference reported 04-15: 30 days end
# 05-15 24:00, 5 days left; the decision of 05-06 not served: 06-05 24:00,
# 26 left; its review window, one month: 06-06 is a Saturday, so the
# Monday 06-08 24:00 (民法典 第二百零三条), 29 left. The decision of 04-08,
# served, has its window closed on 05-08: not listed.
LANG=C v "$TMP/o.csv" --open --csv --as-of "2026-05-10 12:00"
csv "$TMP/o.csv" | cut -d'|' -f1-3,5 | tail -n +2 >"$TMP/o.rows"
cat >"$TMP/o.want" <<'EOF2'
overdue 39|投诉-1|13|24:00 on 2026-04-01 (Beijing time)
overdue 10|投诉-2|17|24:00 on 2026-04-30 (Beijing time)
5 left|干预-2|10|24:00 on 2026-05-15 (Beijing time)
26 left|投诉-2|18|24:00 on 2026-06-05 (Beijing time)
29 left|投诉-2|18|24:00 on 2026-06-08 (Beijing time)
EOF2
check "open items: sorted by days left, with their entry, days and deadline" \
    diff "$TMP/o.want" "$TMP/o.rows"
LANG=C v "$TMP/o.csv" --open --csv --as-of "2026-05-10 12:00" --from 2026-05-06
check "  --from 2026-05-06: only the decision of that day's two items" \
    test "$(csv "$TMP/o.csv" | cut -d'|' -f3 | tail -n +2 | tr '\n' ' ')" = "18 18 "
LANG=C v "$TMP/s.csv" --stats --csv --as-of "2026-05-10 12:00" --to 2026-03-31
check "  --stats --to 2026-03-31: the first quarter alone" \
    test "$(csv "$TMP/s.csv" | cut -d'|' -f1 | tail -n +2 | sort -u)" = 2026-Q1
v "$TMP/o.txt" --open --as-of "2026-05-10 12:00"
check "  in Chinese, the deadline and the citation as the regulation's" \
    bash -c 'grep -q "2026年6月8日24时" "$1" && grep -q "错案追究制度第十条第（三）项" "$1"' _ "$TMP/o.txt"
LANG=C v "$TMP/o.txt" --open --as-of "2026-05-20 12:00"
check "  ten days later the interference is overdue 5 days" grep -q "^overdue 5 .*干预-2  10 " "$TMP/o.txt"

# ---- usage errors: exit 3, the option named ------------------------------------------

usage() {
    local name=$1 pattern=$2
    shift 2
    LANG=C v "$TMP/u.out" "$@"
    if [ "$st" -eq 3 ] && [ ! -s "$TMP/u.out" ] && grep -q -- "$pattern" "$TMP/u.out.err"; then
        ok "$name (exit 3)"
    else
        fail "$name: exit $st; $(head -c 600 "$TMP/u.out.err")"
    fi
}
usage "an unknown register" "--register bogus: give interference, complaints or decisions" \
    --register bogus
usage "a date that does not exist" "--from 2026-02-30: give a date as YYYY-MM-DD" \
    --register interference --from 2026-02-30
usage "a time where a day is asked" "--to 2026-03-01 10:00: give a date" \
    --register interference --to "2026-03-01 10:00"
usage "--to before --from" "--to 2026-03-01 is before --from 2026-04-01" \
    --open --from 2026-04-01 --to 2026-03-01
usage "two outputs at once" "print one thing each" --open --stats
usage "--by without --stats" "--by applies to --stats" --open --by person
usage "--csv alone" "--csv applies to --register, --stats and --open" --csv
usage "a register with --json" "not with --json" --register decisions --json

# ---- a log that fails verification --------------------------------------------------

cp -r "$DIR" "$TMP/bad"
f=$(find "$TMP/bad/tile/entries" -type f | head -n 1)
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 1
open(p, 'wb').write(b)
PY
st=0
"$VERIFY" "$TMP/bad" --log-key "$VKEY" --register interference >"$TMP/bad.out" 2>"$TMP/bad.err" || st=$?
check "a tampered log: exit 1, no register on standard output, the refusal said" \
    bash -c '[ "$1" -eq 1 ] && [ ! -s "$2" ] && grep -q "未生成\|NOT PRODUCED" "$3"' _ "$st" "$TMP/bad.out" "$TMP/bad.err"

# REGISTER_KEEP=DIR keeps the exported log, its key and the outputs, to look at.
[ -z "${REGISTER_KEEP:-}" ] || cp -r "$DIR" "$VKEY" "$TMP"/*.rows "$TMP"/*.txt "$REGISTER_KEEP"/
summary
