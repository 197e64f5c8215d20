#!/usr/bin/env bash
# scripts/demo.sh — `make demo`: a scenario of both regulations, in Chinese,
# recorded through the liuhen command line.
#
#   B (interference): a retired official phones a case handler to plead for
#     a party; the handler refuses, records it (B§3: time, place, person,
#     manner, content) and reports it to the legal section.
#   A (wrongful-case accountability): a company complains that a penalty was
#     manifestly unfair; the legal section accepts and replies (A§10(1)); the
#     bureau head assigns an investigation team, which reviews the files and
#     questions the officer (A§10(2)); the leadership decides collectively:
#     a wrongful case, a written self-examination (A§11(1)), lighter
#     treatment for a self-corrected error (A§8(5)) (A§10(3)); the officer
#     makes a statement in his defence (A§12).
#   Then a checkpoint, and each case's timeline, verified as a chain.
#
# It uses `make run`'s daemon when var/liuhen.sock answers; otherwise it
# starts a liuhend of its own on a temporary layout, stopped at exit. The
# people's keys are kept in var/demo/ (with `make run`) so that a second
# run reuses them; each run records two new cases. Exits non-zero at the
# first step that fails.
#
# Environment: LIUHEN_VAR (default var) and BUILD (default build), as for
# scripts/run.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
VAR=${LIUHEN_VAR:-var}
LIUHEN=$BUILD/bin/liuhen

for bin in "$LIUHEN" "$BUILD/bin/liuhend"; do
    if [ ! -x "$bin" ]; then
        echo "demo: $bin is missing: build it first with \`make\`" >&2
        exit 1
    fi
done

TMP=$(mktemp -d)
DAEMON_PID=
step="准备"
cleanup() {
    local rc=$?
    if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
        kill -TERM "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
    if [ "$rc" -ne 0 ]; then
        echo >&2
        echo "demo: 演示在「$step」一步失败（exit $rc）。The demo failed at this step; the message above says why." >&2
    fi
    exit "$rc"
}
trap cleanup EXIT

heading() {
    step=$1
    echo
    echo "════ $1 ════"
}

# A time for the records, relative to now: `at '-2 hours'`, in ISO 8601
# with the machine's UTC offset (liuhen shows times in the reader's zone).
at() {
    date -d "$1" '+%Y-%m-%dT%H:%M:%S%:z'
}

# The index of the record a receipt file (liuhen append --receipt) is for.
index_of() {
    sed -n 's/^ *"leaf_index": *\([0-9][0-9]*\).*/\1/p' "$1"
}

# ---------------------------------------------------------------------------
heading "连接账本 liuhend"

if [ -z "${LIUHEN_SOCKET:-}" ]; then
    export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VAR/data/log.vkey
fi
rc=0
"$LIUHEN" status >/dev/null 2>"$TMP/status.err" || rc=$?
if [ "$rc" -ne 0 ] && "$LIUHEN" --state "$TMP/probe.checkpoint" status >/dev/null 2>&1; then
    # The daemon answers and verifies with a fresh state file, but not
    # with this user's: the remembered checkpoint does not fit this log
    # (a fork, another log of the same name, a damaged file). That is for
    # a person to look at, not to work around.
    cat "$TMP/status.err" >&2
    echo "demo: liuhend on $LIUHEN_SOCKET answers, but not consistently with the checkpoint remembered by this user (above); see README.md, \"Guarantees, in plain words\"" >&2
    exit "$rc"
fi
if [ "$rc" -eq 0 ]; then
    echo "使用 make run 正在运行的 liuhend：$LIUHEN_SOCKET"
    ADMIN=$VAR/admin.key
    PEOPLE=$VAR/demo
elif [ "$rc" -eq 3 ]; then
    # Nothing answers: start a daemon of our own, on a layout of its own,
    # with a state file of its own (its log has the demo origin but another
    # key than make run's, and the default state file remembers make run's).
    echo "没有正在运行的 make run（$(head -n 1 "$TMP/status.err")）"
    echo "在临时目录中启动一个演示用的 liuhend，演示结束后停止。"
    own=$TMP/var
    # The state file is set first: run.sh sets aside the one of the demo
    # origin when it makes a new log, and this throwaway log must leave the
    # user's alone.
    export LIUHEN_STATE=$TMP/state.checkpoint
    export LIUHEN_SOCKET=$own/liuhen.sock LIUHEN_LOG_KEY=$own/data/log.vkey
    LIUHEN_VAR=$own BUILD=$BUILD bash scripts/run.sh >"$TMP/liuhend.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 200); do
        if "$LIUHEN" status >/dev/null 2>&1 || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    if ! "$LIUHEN" status >/dev/null; then
        echo "demo: liuhend did not start; its output:" >&2
        cat "$TMP/liuhend.log" >&2
        exit 1
    fi
    ADMIN=$own/admin.key
    PEOPLE=$own/demo
else
    # The daemon answered, but what it said did not verify with the log's
    # key: as above, for a person to look at.
    cat "$TMP/status.err" >&2
    exit "$rc"
fi
"$LIUHEN" status

stamp=$(date +%Y%m%d-%H%M%S)
CASE_B=干预记录-$stamp
CASE_A=错案倒查-$stamp
[ -d "$PEOPLE" ] || mkdir -m 0700 "$PEOPLE"

# ---------------------------------------------------------------------------
heading "一、管理员登记各岗位人员的密钥（KEY_ENROLL）"

# enrol FILE NAME ROLES POSITION UNIT: a key for the person (made once, kept
# in var/demo/), enrolled once by the admin.
enrol() {
    local file=$PEOPLE/$1 name=$2 roles=$3 position=$4 unit=$5
    if [ ! -e "$file.key" ]; then
        # Demo keys are unencrypted (said once, above, rather than by
        # keygen's warning for each); a real holder's key is protected by a
        # passphrase: liuhen keygen without --no-passphrase.
        if ! "$LIUHEN" keygen --out "$file" --holder "$name" --no-passphrase \
            >/dev/null 2>"$TMP/keygen.err"; then
            cat "$TMP/keygen.err" >&2
            return 1
        fi
    fi
    if [ ! -e "$file.enrolled" ]; then
        "$LIUHEN" enroll --key "$ADMIN" --pub "$file.pub" --roles "$roles" \
            --holder "$name" --position "$position" --unit "$unit" >/dev/null
        : >"$file.enrolled"
        echo "已登记：$name（$unit $position，角色 $roles）"
    else
        echo "已登记（沿用上次演示的密钥）：$name（$unit $position）"
    fi
}
echo "（演示用密钥保存在 $PEOPLE/，未加密，仅供演示；真实密钥须以口令加密。）"
enrol wangming 王明 handler 执法人员 区应急管理局执法支队
enrol chengang 陈刚 handler 执法人员 区应急管理局执法支队
enrol lihua 李华 legal 科长 区应急管理局法规科
enrol zhangqiang 张强 leader 局长 区应急管理局
enrol zhaomin 赵敏 investigator 调查组组长 区应急管理局法规科
"$LIUHEN" keys

# ---------------------------------------------------------------------------
heading "二、离退休干部刘某来电为当事人说情，办案人员王明拒绝并记录、报告（B§3、B§6、B§10(5)）"

"$LIUHEN" append --key "$PEOPLE/wangming.key" --kind interference --case "$CASE_B" \
    --set occurred_at="$(at '-3 hours')" \
    --set place=区应急管理局执法支队办公室 \
    --set person.name=刘某 \
    --set person.position=原区安全生产监督管理局副局长 \
    --set person.unit=区应急管理局 \
    --set person.relation=retired \
    --set manner=phone \
    --set manner_detail="刘某用手机来电，通话约五分钟" \
    --set content="刘某称某化工公司安全生产违法一案的当事人是其亲戚，请求从轻处罚，并询问案件调查进展和拟处罚金额。" \
    --set categories=pleading-spying \
    --set response=refused \
    --set response_detail="当即拒绝，告知其不得过问案件，案件将依照法定程序办理。" \
    --set reported_to=legal-section \
    --set reported_at="$(at '-2 hours')" \
    --receipt "$TMP/interference.json"

# ---------------------------------------------------------------------------
heading "三、法规科收到投诉：对某建材公司的行政处罚显失公正，予以受理（A§10(1)、A§6(10)、A§5(7)）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind complaint --case "$CASE_A" \
    --set complainant.name=重庆某建材有限公司 \
    --set complainant.contact=023-7922xxxx \
    --set channel=letter \
    --set received_at="$(at '-12 hours')" \
    --set officers_concerned.name=陈刚 \
    --set officers_concerned.position=执法人员 \
    --set officers_concerned.unit=区应急管理局执法支队 \
    --set officers_concerned.relation=on-staff \
    --set conducts=manifestly-unfair \
    --set source=justice-complaint \
    --set enforcement_case="黔江应急罚〔2026〕7号" \
    --set summary="投诉人称，同一违法行为对其罚款五万元，而对情节相同的其他企业罚款一万元，处罚明显偏重，经区司法局转来。" \
    --set jurisdiction=accepted \
    --receipt "$TMP/complaint.json"
complaint=$(index_of "$TMP/complaint.json")

# ---------------------------------------------------------------------------
heading "四、法规科答复投诉人（A§10(1)）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind reply --case "$CASE_A" \
    --set complaint="#$complaint" \
    --set replied_at="$(at '-11 hours')" \
    --set addressee=重庆某建材有限公司 \
    --set method=written \
    --set content="您的投诉已受理，本局将组织调查，并在调查结束后书面告知处理结果。"

# ---------------------------------------------------------------------------
heading "五、局长张强指派调查组（A§10(2)）"

"$LIUHEN" append --key "$PEOPLE/zhangqiang.key" --kind investigation-assigned --case "$CASE_A" \
    --set assigned_by.name=张强 \
    --set assigned_by.position=局长 \
    --set team.name=赵敏 \
    --set team.position=调查组组长 \
    --set team.unit=区应急管理局法规科 \
    --set team+.name=周杰 \
    --set team.position=调查组成员 \
    --set team.unit=区应急管理局法规科 \
    --set assigned_at="$(at '-10 hours')" \
    --set scope="黔江应急罚〔2026〕7号案的事实认定、法律适用和处罚幅度是否适当"

# ---------------------------------------------------------------------------
heading "六、调查组调阅案卷材料，附调阅记录（A§10(2)）"

evidence=$TMP/案卷调阅记录.txt
cat >"$evidence" <<'EOF'
案卷调阅记录
案号：黔江应急罚〔2026〕7号
调阅人：赵敏、周杰
调阅内容：立案审批表、现场检查记录、询问笔录、处罚决定书、同期同类案件处罚决定书三份。
发现：本案与同期同类案件违法情节相当，罚款数额为其五倍，案卷中无从重处罚的理由说明。
EOF
"$LIUHEN" append --key "$PEOPLE/zhaomin.key" --kind investigation-step --case "$CASE_A" \
    --set method=review-files \
    --set conducted_at="$(at '-8 hours')" \
    --set place=区应急管理局档案室 \
    --set summary="调阅本案及同期同类案件案卷，本案罚款数额明显偏高且无从重理由。" \
    --attach "$evidence"

# ---------------------------------------------------------------------------
heading "七、调查组询问执法责任人陈刚（A§10(2)）"

"$LIUHEN" append --key "$PEOPLE/zhaomin.key" --kind investigation-step --case "$CASE_A" \
    --set method=question-officer \
    --set conducted_at="$(at '-6 hours')" \
    --set place=区应急管理局三楼会议室 \
    --set persons_questioned.name=陈刚 \
    --set persons_questioned.position=执法人员 \
    --set persons_questioned.unit=区应急管理局执法支队 \
    --set summary="陈刚承认适用裁量基准时档次选择错误，已在发现后主动报告并提出更正建议。" \
    --set obstruction_observed=false

# ---------------------------------------------------------------------------
heading "八、局领导集体讨论，作出处理决定：书面检查，主动纠正从轻（A§10(3)、A§11(1)、A§8(5)）"

"$LIUHEN" append --key "$PEOPLE/zhangqiang.key" --kind decision --case "$CASE_A" \
    --receipt "$TMP/decision.json" --json - <<EOF
{
  "wrongful_case": true,
  "source": "justice-complaint",
  "responsible": [
    {
      "person": {"name": "陈刚", "position": "执法人员", "unit": "区应急管理局执法支队",
                 "relation": "on-staff"},
      "responsibility": "适用行政处罚裁量基准错误，致处罚显失公正，负直接责任。",
      "sanctions": ["written-self-examination"],
      "mitigations": ["self-corrected"],
      "leniency": "lighter"
    }
  ],
  "collective_discussion": {
    "held_at": "$(at '-4 hours')",
    "participants": [
      {"name": "张强", "position": "局长"},
      {"name": "王副局长", "position": "副局长"},
      {"name": "李华", "position": "法规科科长"}
    ],
    "minutes_ref": "局务会纪要〔2026〕12号",
    "conclusion": "认定为错案；责令陈刚作出书面检查；因其主动及时纠正、未造成严重后果，从轻处理；无需移送。"
  },
  "referral": "none",
  "decided_at": "$(at '-3 hours')",
  "summary": "撤销原处罚决定中超出裁量基准的部分，依法重新作出处罚；责令执法责任人陈刚作出书面检查。",
  "document_ref": "黔江应急责〔2026〕3号"
}
EOF
decision=$(index_of "$TMP/decision.json")

# ---------------------------------------------------------------------------
heading "九、执法责任人陈刚提出陈述和申辩（A§12）"

"$LIUHEN" append --key "$PEOPLE/chengang.key" --kind appeal --case "$CASE_A" \
    --set decision="#$decision" \
    --set type=statement-defence \
    --set venue=this-bureau \
    --set appellant.name=陈刚 \
    --set appellant.position=执法人员 \
    --set appellant.unit=区应急管理局执法支队 \
    --set filed_at="$(at '-1 hours')" \
    --set grounds="对错案认定无异议；请求在处理决定中载明本人系主动发现并报告错误。" \
    --set outcome=pending

# ---------------------------------------------------------------------------
heading "十、取得并核验最新检查点（checkpoint）"

"$LIUHEN" checkpoint

# ---------------------------------------------------------------------------
heading "十一、案件时间线：$CASE_B（逐条核验签名、包含证明与案件链）"

"$LIUHEN" case "$CASE_B"

heading "十二、案件时间线：$CASE_A"

"$LIUHEN" case "$CASE_A"

step="结束"
echo
echo "演示完成。两个案件：$CASE_B、$CASE_A。"
if [ -z "$DAEMON_PID" ]; then
    echo "可继续查看，例如：$LIUHEN case $CASE_A；$LIUHEN --json prove --index $complaint"
fi
