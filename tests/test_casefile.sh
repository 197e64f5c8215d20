#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_casefile.sh — the printable case file end to end, against a
# real liuhend: a case of five records by three people (and a record of
# another case between them), exported as tiles, then `liuhen-verify DIR
# --log-key VKEY --case-file CASE --pdf FILE --html FILE`:
#   - the PDF has one sheet per record plus the cover and the statement
#     (pdfinfo), holds the case id, Chinese labels, each record's entry id
#     in hex, the 记录人 and the statement (pdftotext), numbers its sheets
#     "第 N 页 / 共 M 页", and its first sheet renders (pdftoppm) to a page
#     that is not blank;
#   - the HTML is well-formed (python3's html.parser), has a section and a
#     seal per record, each entry id, the print stylesheet, and no script;
#   - only the case's records are printed, never the other case's;
#   - a case not in the log is an error (exit 3) and writes no file; --pdf
#     without --case-file, and --case-file with neither --pdf nor --html,
#     are usage errors (exit 3);
#   - a log whose tiles were altered still gets its case file, marked
#     "核验未通过 / VERIFICATION FAILED" on every sheet, its statement
#     saying what failed, and the exit status stays 1;
#   - a checkpoint the log key did not sign gets no case file (exit 1);
#   - a record longer than a sheet continues on the next;
#   - under LANG=C the case file is in English.
# KEEP=DIR keeps the files made (to look at a page), the log and its key.
#
# Run from anywhere; BUILD (default build) names the build directory.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
VERIFY=$ROOT/$BUILD/bin/liuhen-verify

TEST_NAME=casefile
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$VERIFY" "$ROOT/$BUILD/bin/liuhend"
for tool in pdfinfo pdftotext pdftoppm python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "$TEST_NAME: $tool is missing: run \`make deps\` (poppler-utils)" >&2
        exit 1
    fi
done

VAR=$TMP/var
VKEY=$VAR/data/log.vkey
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VKEY
start_daemon "$VAR"

# ---- the log: an admin (entry 0), three people, a case of five records ----------

key() {
    "$LIUHEN" keygen --out "$TMP/$1" --holder "$2" --no-passphrase >/dev/null 2>&1
    "$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/$1.pub" --roles "$3" \
        --holder "$2" --position "$4" --unit 区应急管理局执法支队 >/dev/null
}
key wang 王明 handler 科员           # entry 1
key li 李华 legal 法规科科长         # entry 2
key zhang 张强 leader 局长           # entry 3
CASE=QJ-CF-2026-1
append() {
    local who=$1 kind=$2 case=$3
    shift 3
    "$LIUHEN" append --key "$TMP/$who.key" --kind "$kind" --case "$case" "$@" >/dev/null
}
append wang interference "$CASE" --set occurred_at=now --set place=执法支队二中队办公室 \
    --set person.name=刘某 --set person.relation=retired --set manner=phone \
    --set content="刘某来电为当事人说情，并打听拟处罚金额。" --set categories=pleading-spying \
    --set response=refused --set reported_to=legal-section --set reported_at=now # entry 4
append wang interference QJ-CF-2026-2 --set occurred_at=now --set place=另一案件的地点 \
    --set person.name=孙某 --set manner=oral --set content=另一案件的内容 \
    --set reported_to=legal-section --set reported_at=now                       # entry 5
append li supervision-check "$CASE" --set type=follow-up --set conducted_at=now \
    --set scope="王明报告的刘某来电说情一事" --set findings="来电记录与所报相符。" \
    --set concerns="#4" --set conclusion=confirmed --set actions=reported-to-head # entry 6
append zhang approval "$CASE" --set concerns="#4" --set matter="对刘某予以通报" \
    --set approved=true --set approved_at=now --set opinion=同意通报。           # entry 7
append li notification "$CASE" --set subject=interference --set person.name=刘某 \
    --set measures=circulated-criticism --set issued_at=now \
    --set content="刘某为当事人说情，予以通报批评。" --set approved_by=张强 \
    --set concerns="#4" --set approval="#7"                                      # entry 8
append li case-closed "$CASE" --set closed_at=now --set summary=已通报，办结。  # entry 9
# A record longer than a sheet: 3,000 characters of content, then an end mark.
LONG=$(python3 -c 'print("情况说明" * 750 + "全文完")')
append wang interference QJ-CF-2026-3 --set occurred_at=now --set place=办公室 \
    --set person.name=赵某 --set person.relation=external --set manner=written \
    --set content="$LONG" --set reported_to=legal-section --set reported_at=now   # entry 10
"$LIUHEN" export --to tiles >/dev/null
DIR=$VAR/exports/tiles
stop_daemon
RECORDS=5

# ids: the entry ids of the case's records, in hex (the seal's form).
ids=$(python3 - "$DIR" <<'PY'
import hashlib, sys
# The entry bundles of a small log: tile/entries/000.p/W, two-byte lengths
# before each leaf; a leaf is a Leaf (field 1: the SignedEntry, field 1 of
# which is the Entry); the entry id is SHA-256 of the Entry bytes.
import glob, os
def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1; v |= (c & 0x7f) << s; s += 7
        if c < 0x80: return v, i
def field1(b):
    i = 0
    while i < len(b):
        k, i = varint(b, i)
        if k & 7 == 2:
            n, i = varint(b, i)
            if k >> 3 == 1: return b[i:i + n]
            i += n
        elif k & 7 == 0: _, i = varint(b, i)
        else: raise SystemExit("unexpected wire type")
    raise SystemExit("no field 1")
path = glob.glob(os.path.join(sys.argv[1], "tile/entries/000.p/*"))[0]
b = open(path, "rb").read(); i = 0; leaves = []
while i < len(b):
    n = int.from_bytes(b[i:i + 2], "big"); leaves.append(b[i + 2:i + 2 + n]); i += 2 + n
for idx in (4, 6, 7, 8, 9):
    print(hashlib.sha256(field1(field1(leaves[idx]))).hexdigest())
other = hashlib.sha256(field1(field1(leaves[5]))).hexdigest()
print(other, file=open(sys.argv[1] + "/../other-id", "w"))
PY
)
OTHER=$(cat "$VAR/exports/other-id")

# ---- 1. the case file of a clean log, in Chinese -------------------------------------

OUT=$TMP/case
mkdir -p "$OUT"
rc=0
cp "$DIR/checkpoint" "$TMP/kept.checkpoint"
LANG=zh_CN.UTF-8 "$VERIFY" "$DIR" --log-key "$VKEY" --trusted "$TMP/kept.checkpoint" --rules \
    --case-file "$CASE" --pdf "$OUT/case.pdf" --html "$OUT/case.html" >"$TMP/out" 2>&1 || rc=$?
# Exit 2: the other case's interference lacks its relation (R1), a finding.
check "the clean log's case file is made (exit 0 or 2: $rc)" [ "$rc" -eq 0 -o "$rc" -eq 2 ]
check "the PDF is written" [ -s "$OUT/case.pdf" ]
check "the HTML is written" [ -s "$OUT/case.html" ]
check "no temporary file is left beside them" \
    [ "$(find "$OUT" -name '.*' -type f | wc -l)" -eq 0 ]

pages=$(pdfinfo "$OUT/case.pdf" | sed -n 's/^Pages: *//p')
check "the PDF has $((RECORDS + 2)) pages: the cover, one per record, the statement (has $pages)" \
    [ "$pages" = $((RECORDS + 2)) ]
check "the PDF's pages are A4 (595 x 842 pt)" \
    grep -Eq '^Page size: +595(\.[0-9]+)? x 842(\.[0-9]+)? pts \(A4\)' <(pdfinfo "$OUT/case.pdf")
pdftotext -layout "$OUT/case.pdf" "$OUT/case.txt"
has() {
    local what=$1 pattern=$2 file=${3:-$OUT/case.txt}
    check "$what" grep -q -- "$pattern" "$file"
}
has "the PDF names the case" "$CASE"
for label in 案件记录核验案卷 干预插手记录 记录人 存证时间 地点 封存 包含证明 核验说明 日志密钥; do
    has "the PDF says $label" "$label"
done
has "the PDF names the author and the unit" "区应急管理局执法支队"
has "the PDF gives enum values by their Chinese terms" "电话"
has "the PDF gives times in Beijing time with the offset" "+08:00"
has "the PDF's statement gives the result" "核验通过"
# An entry id, 64 hex digits, may wrap: compare without white space.
tr -d ' \n' <"$OUT/case.txt" >"$OUT/case.flat"
n=0
for id in $ids; do
    n=$((n + 1))
    has "the PDF holds record $n's entry id $id" "$id" "$OUT/case.flat"
done
# pdftotext drops the spaces beside Chinese characters: "第 1 页" is "第1页".
for n in 1 $((RECORDS + 2)); do
    has "the PDF numbers page $n: 第 $n 页 / 共 $((RECORDS + 2)) 页" "第${n}页/共$((RECORDS + 2))页" \
        "$OUT/case.flat"
done
has "the statement says the trusted checkpoint was found consistent" \
    "与此前收到的1个受信检查点的一致性（只追加）：1个一致" "$OUT/case.flat"
has "the statement says each record's inclusion proof holds" "（见各页封存）：${RECORDS}条成立" \
    "$OUT/case.flat"
check "the PDF holds no record of the other case" bash -c '! grep -q "$1" "$2"' _ "$OTHER" \
    "$OUT/case.flat"
check "the PDF does not say VERIFICATION FAILED" bash -c '! grep -q "核验未通过" "$1"' _ "$OUT/case.txt"

pdftoppm -f 1 -l 2 -r 60 -png "$OUT/case.pdf" "$OUT/page" 2>"$TMP/ppm.err"
check "pdftoppm renders the first two pages without a message" [ ! -s "$TMP/ppm.err" ]
for png in "$OUT"/page-*1.png "$OUT"/page-*2.png; do
    check "$(basename "$png") is not blank" python3 - "$png" <<'PY'
import struct, sys, zlib
# Decode the PNG (8-bit RGB, as pdftoppm writes it) and count the dark pixels.
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
i, idat, w, h = 8, b"", 0, 0
while i < len(data):
    n, t = struct.unpack(">I4s", data[i:i + 8])
    body = data[i + 8:i + 8 + n]
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype == 2, (depth, ctype)
    elif t == b"IDAT":
        idat += body
    i += 12 + n
raw = zlib.decompress(idat)
stride = 3 * w
prev = bytearray(stride)
dark = 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - 3] if x >= 3 else 0
        b = prev[x]
        c = prev[x - 3] if x >= 3 else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    dark += sum(1 for x in range(0, stride, 3) if line[x] < 128)
    prev = line
sys.exit(0 if dark > 500 else 1)
PY
done

# The HTML: well-formed, each record and its seal, no script.
check "the HTML is well-formed, with a section per page and no script" python3 - \
    "$OUT/case.html" $((RECORDS + 2)) <<'PY'
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "link", "input"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.sections = 0; self.seals = 0; self.bad = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" or any(k.startswith("on") for k in a): self.bad.append(tag)
        if tag == "section": self.sections += 1
        if a.get("class") == "seal": self.seals += 1
        if tag not in VOID: self.stack.append(tag)
    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag: self.bad.append("/" + tag)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
n = int(sys.argv[2])
ok = not p.bad and not p.stack and p.sections == n and p.seals == n - 2
if not ok: print(p.bad, p.stack, p.sections, p.seals)
sys.exit(0 if ok else 1)
PY
has "the HTML has the print stylesheet (@page A4)" "@page { size: A4" "$OUT/case.html"
has "the HTML breaks the page after each record" "break-after: page" "$OUT/case.html"
has "the HTML is in Chinese" '<html lang="zh-CN">' "$OUT/case.html"
for id in $ids; do
    has "the HTML holds entry id $id" "$id" "$OUT/case.html"
done
check "the HTML loads nothing from outside" bash -c '! grep -Eq "(src|href)=" "$1"' _ "$OUT/case.html"

# ---- 2. the errors ----------------------------------------------------------------------

rc=0
"$VERIFY" "$DIR" --log-key "$VKEY" --case-file QJ-NONE --pdf "$TMP/none.pdf" \
    --html "$TMP/none.html" >"$TMP/out" 2>&1 || rc=$?
check "a case not in the log is an error, exit 3 (got $rc)" [ "$rc" -eq 3 ]
has "  ... that says so" "the log has no record of this case" "$TMP/out"
check "  ... and writes no file" [ ! -e "$TMP/none.pdf" -a ! -e "$TMP/none.html" ]
rc=0
"$VERIFY" "$DIR" --log-key "$VKEY" --pdf "$TMP/x.pdf" >"$TMP/out" 2>&1 || rc=$?
check "--pdf without --case-file is a usage error (exit $rc)" [ "$rc" -eq 3 ]
has "  ... naming --case-file" "add --case-file" "$TMP/out"
rc=0
"$VERIFY" "$DIR" --log-key "$VKEY" --case-file "$CASE" >"$TMP/out" 2>&1 || rc=$?
check "--case-file without --pdf or --html is a usage error (exit $rc)" [ "$rc" -eq 3 ]

# ---- 3. English, and the PDF alone -------------------------------------------------------------

rc=0
LANG=C.UTF-8 "$VERIFY" "$DIR" --log-key "$VKEY" --case-file "$CASE" --pdf "$OUT/en.pdf" \
    >"$TMP/out" 2>&1 || rc=$?
check "the English case file is made alone, without HTML (exit $rc)" [ "$rc" -eq 0 ]
pdftotext "$OUT/en.pdf" "$OUT/en.txt"
has "  ... in English" "Verification statement" "$OUT/en.txt"
has "  ... with its page numbers" "Page 1 of $((RECORDS + 2))" "$OUT/en.txt"
has "  ... naming the kind by its schema name" "INTERFERENCE" \
    "$OUT/en.txt"

# ---- 4. a record longer than a sheet continues on the next ---------------------------------

rc=0
LANG=zh_CN.UTF-8 "$VERIFY" "$DIR" --log-key "$VKEY" --case-file QJ-CF-2026-3 \
    --pdf "$OUT/long.pdf" >"$TMP/out" 2>&1 || rc=$?
check "a record longer than a sheet: its case file is made (exit $rc)" [ "$rc" -eq 0 ]
long_pages=$(pdfinfo "$OUT/long.pdf" | sed -n 's/^Pages: *//p')
check "  ... on more sheets than pages ($long_pages > 3)" [ "$long_pages" -gt 3 ]
pdftotext "$OUT/long.pdf" - | tr -d ' \n' >"$OUT/long.flat"
has "  ... its content whole, to its last characters" "情况说明全文完" "$OUT/long.flat"
has "  ... each sheet numbered of all" "第${long_pages}页/共${long_pages}页" "$OUT/long.flat"

# ---- 5. an altered log: the case file says so on every page -----------------------------------

cp -r "$DIR" "$TMP/bad"
python3 - "$TMP/bad" <<'PY'
import glob, os, sys
# One byte of the content of entry 8 (the notification) changed: its leaf
# no longer hashes to the tile's hash, nor does its signature verify.
path = glob.glob(os.path.join(sys.argv[1], "tile/entries/000.p/*"))[0]
b = bytearray(open(path, "rb").read())
i = k = 0
while k < 8:
    i += 2 + int.from_bytes(b[i:i + 2], "big"); k += 1
n = int.from_bytes(b[i:i + 2], "big")
leaf = bytes(b[i + 2:i + 2 + n])
at = leaf.find("通报批评".encode())
assert at > 0
b[i + 2 + at + 2] ^= 1
open(path, "wb").write(b)
PY
rc=0
LANG=zh_CN.UTF-8 "$VERIFY" "$TMP/bad" --log-key "$VKEY" --case-file "$CASE" \
    --pdf "$OUT/bad.pdf" --html "$OUT/bad.html" >"$TMP/out" 2>&1 || rc=$?
check "an altered log: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "  ... its case file is written all the same" [ -s "$OUT/bad.pdf" -a -s "$OUT/bad.html" ]
pdftotext "$OUT/bad.pdf" "$OUT/bad.txt"
bad_pages=$(pdfinfo "$OUT/bad.pdf" | sed -n 's/^Pages: *//p')
marked=$(grep -c "核验未通过 / VERIFICATION FAILED" "$OUT/bad.txt" || true)
check "  ... every one of its $bad_pages pages says 核验未通过 / VERIFICATION FAILED ($marked)" \
    [ "$marked" -ge "$bad_pages" ]
has "  ... its statement says the entry of the case that did not verify" "未通过核验的本案记录" \
    "$OUT/bad.txt"
check "  ... its statement does not say 核验通过" bash -c '! grep -q "^核验通过" "$1"' _ "$OUT/bad.txt"
has "  ... and the HTML has the banner" '<div class="banner">' "$OUT/bad.html"

# A checkpoint the log key did not sign: nothing can be trusted, no case file.
cp -r "$DIR" "$TMP/forged"
sed -i '2s/.*/12/' "$TMP/forged/checkpoint"
rc=0
"$VERIFY" "$TMP/forged" --log-key "$VKEY" --case-file "$CASE" --pdf "$TMP/forged.pdf" \
    >"$TMP/out" 2>&1 || rc=$?
check "a checkpoint the log key did not sign: exit 1 (got $rc)" [ "$rc" -eq 1 ]
has "  ... the case file is said not to be written" "not written: the checkpoint does not verify" \
    "$TMP/out"
check "  ... and is not" [ ! -e "$TMP/forged.pdf" ]

if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP"
    cp "$OUT"/*.pdf "$OUT"/*.html "$OUT"/*.png "$VKEY" "$KEEP"/
    rm -rf "$KEEP/tiles"
    cp -r "$DIR" "$KEEP/tiles"
fi

summary
