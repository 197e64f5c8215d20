#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# shellcheck disable=SC1111  # the Chinese quotation marks “” are meant
# scripts/demo-findings.sh — `make demo-findings`: a log an inspector should
# find fault with. Each case below is one way a bureau can fall short of the
# two regulations, recorded through the liuhen command line as it would be
# in practice; liuhen-verify --rules must report exactly the findings
# expected (the rule ids below, each once), and nothing else.
#
#   R1  an interference recorded without its place or the person's relation (B§3)
#   R2  an interference reported to the bureau head only, not to the legal section (B§3)
#   R3  a complaint outside the bureau's jurisdiction transferred a day late (A§10(1))
#   R4  a complaint answered only with "accepted", and closed without the result told
#       (A§10(1))
#   R5  the investigation team assigned by a deputy head, not the 主要负责人 (A§10(2))
#   R6  a decision "discussed" by the head alone (A§10(3))
#   R7  a 处分 given without saying which (A§11(6))
#   R8  a new investigation ordered five weeks after the decision (A§10(3): 1个月内)
#   R9  a deputy head entering his own oral guidance (B§7)
#   R10 an interference recorded three days after the call (B§3)
#   R12 a handler's second failure to record met with criticism, not referral (B§12)
#   R13 the officer complained about put on the investigation team (回避)
#   R14 a notice of interference issued without approval (B§10)
#   R16 an investigation step added to a closed case
#   R17 the key of a handler who recorded an interference revoked (B§9)
# Not shown: R11 (a correction of someone else's record): liuhend refuses
# it, so no log it accepts holds one; R15 (a reported interference not
# followed up within 30 days): the interference would have to be recorded
# more than 30 days ago, which the log's own time stamps do not allow.
#
# The log is always a throwaway one: a liuhend of this script's own on a
# temporary layout, keys included, stopped and removed at exit, so that
# these deliberately faulty records never enter `make run`'s log. Exits 0
# when the verifier reports the expected findings and no others, 1 when it
# does not (or finds an integrity failure), and non-zero at the first step
# that fails.
#
# Environment: BUILD (default build), as for scripts/run.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
DEMO=demo-findings
# shellcheck source=scripts/demo-lib.sh
. scripts/demo-lib.sh

# The rule ids the verifier must report, one per expected finding.
EXPECTED=()

# scenario RULE TITLE: a case of its own, expected to give one finding RULE.
n=0
scenario() {
    n=$((n + 1))
    EXPECTED+=("$1")
    CASE=$(printf '示例%02d-%s' "$n" "$1")
    step="$CASE $2"
    echo "【$CASE】$2"
}

# ---- times -------------------------------------------------------------------
# As in scripts/demo.sh: complaint cases on working days of the six weeks
# before this one (on WEEK DAY HH:MM, scripts/demo-lib.sh), interference and
# guidance within the last day (R10), except the one recorded late on
# purpose.
ago() {
    date -d "$1 ago" '+%Y-%m-%dT%H:%M:%S%:z'
}

# add KEY KIND [ARGS...]: append a record of KIND to $CASE, by the person
# KEY, quietly; the receipt goes to $TMP/last.json (`last` gives its index).
add() {
    local who=$1 kind=$2
    shift 2
    "$LIUHEN" append --key "$PEOPLE/$who.key" --kind "$kind" --case "$CASE" \
        --receipt "$TMP/last.json" "$@" >/dev/null
}
last() {
    index_of "$TMP/last.json"
}

# A complaint about an officer of this bureau, accepted, as the legal
# section records it: complaint OFFICER WEEK DAY SUMMARY.
complaint() {
    add lihua complaint \
        --set complainant.name="$5" \
        --set channel=letter \
        --set received_at="$(on "$2" "$3" 09:00)" \
        --set accepted_at="$(on "$2" "$3" 15:00)" \
        --set officers_concerned.name="$1" \
        --set officers_concerned.position=执法人员 \
        --set officers_concerned.unit=区应急管理局执法支队 \
        --set officers_concerned.relation=on-staff \
        --set conducts=procedure-violated \
        --set source=justice-complaint \
        --set case_type=penalty \
        --set summary="$4" \
        --set jurisdiction=accepted
    COMPLAINT=$(last)
}
# The principal head's team, one step, and the result told: the parts of
# a complaint case that are done right.
team() { # team WEEK DAY MEMBER...
    local w=$1 d=$2
    shift 2
    local args=() first=1 m
    for m in "$@"; do
        if [ -n "$first" ]; then args+=(--set "team.name=$m"); first=; else args+=(--set "team+.name=$m"); fi
    done
    add "${ASSIGNER:-zhangqiang}" investigation-assigned \
        --set assigned_by.name="${ASSIGNER_NAME:-张强}" \
        --set assigned_at="$(on "$w" "$d" 10:00)" \
        --set scope="投诉反映的问题" "${args[@]}"
}
step_review() { # step_review WEEK DAY
    add zhaomin investigation-step --set method=review-files \
        --set conducted_at="$(on "$1" "$2" 10:00)" --set summary="调阅案卷材料"
}
result() { # result WEEK DAY CONTENT
    add lihua reply --set complaint="#$COMPLAINT" --set type=result \
        --set replied_at="$(on "$1" "$2" 15:00)" --set method=written \
        --set addressee=投诉人 --set content="$3"
}
decision() { # decision WEEK DAY JSON-FIELDS (the collective discussion included)
    "$LIUHEN" append --key "$PEOPLE/zhangqiang.key" --kind decision --case "$CASE" \
        --receipt "$TMP/last.json" --json - >/dev/null <<EOF
{"decided_at": "$(on "$1" "$2" 16:00)", $3}
EOF
}
TWO_LEADERS='"collective_discussion": {"held_at": "HELD", "participants": [{"name": "张强", "position": "局长"}, {"name": "孙立军", "position": "副局长"}]}'
two_leaders() { # two_leaders WEEK DAY
    echo "${TWO_LEADERS/HELD/$(on "$1" "$2" 09:00)}"
}

# ---------------------------------------------------------------------------
step="启动演示用的 liuhend"
echo "════ 启动一个仅供本演示使用的 liuhend（临时目录，结束后删除） ════"
demo_start_daemon
PEOPLE=$TMP/people
mkdir -m 0700 "$PEOPLE"

step="登记密钥"
enrol() { # enrol FILE NAME ROLES POSITION UNIT
    "$LIUHEN" keygen --out "$PEOPLE/$1" --holder "$2" --no-passphrase >/dev/null 2>&1
    "$LIUHEN" enroll --key "$ADMIN" --pub "$PEOPLE/$1.pub" --roles "$3" \
        --holder "$2" --position "$4" --unit "$5" >/dev/null
}
enrol zhangqiang 张强 principal,leader 局长 区应急管理局
enrol sunlijun 孙立军 leader 副局长 区应急管理局
enrol lihua 李华 legal 科长 区应急管理局法规科
enrol zhaomin 赵敏 investigator 机关纪委书记 区应急管理局机关纪委
enrol wangming 王明 handler 执法人员 区应急管理局执法支队
enrol chengang 陈刚 handler 执法人员 区应急管理局执法支队
echo "已登记：局长张强（主要负责人）、副局长孙立军、法规科李华、机关纪委赵敏（调查组成员）、执法人员王明、陈刚。"
echo
echo "════ 记录各个案件（每个案件有一处不符合制度规定） ════"

# ---------------------------------------------------------------------------
scenario R1 "曾在本局工作的人员到办公室打听案情，陈刚的记录漏填地点和此人与本机关的关系（干预记录制度第三条）"
add chengang interference \
    --set occurred_at="$(ago '5 hours')" \
    --set person.name=何某 \
    --set manner=in-person \
    --set content="何某到办公室询问某加油站案件是否立案、何时处罚。" \
    --set categories=pleading-spying \
    --set response=refused \
    --set reported_to=legal-section --set reported_at="$(ago '4 hours')"

scenario R2 "执法支队副支队长当面要求王明撤销立案，王明只报告了局长，未报告法规科（干预记录制度第三条）"
add wangming interference \
    --set occurred_at="$(ago '6 hours')" \
    --set place=执法支队办公室 \
    --set person.name=邓某 --set person.position=执法支队副支队长 \
    --set person.unit=区应急管理局执法支队 --set person.relation=on-staff \
    --set manner=in-person \
    --set content="邓某要求对某烟花爆竹经营户一案撤销立案。" \
    --set categories=beyond-authority-instruction \
    --set response=refused \
    --set reported_to=bureau-head --set reported_at="$(ago '5 hours')"

scenario R10 "聘用人员来电说情，陈刚三天后才补记（干预记录制度第三条：全程留痕）"
add chengang interference \
    --set occurred_at="$(ago '3 days')" \
    --set place=执法支队办公室 \
    --set person.name=罗某 --set person.position=协管员 \
    --set person.unit=区应急管理局执法支队 --set person.relation=contracted \
    --set manner=phone \
    --set content="罗某来电为某砖厂说情，请求不予处罚。" \
    --set categories=pleading-spying \
    --set response=refused \
    --set reported_to=legal-section --set reported_at="$(ago '3 days')"

scenario R9 "分管副局长孙立军口头提出指导意见，由他本人以“口头”形式录入（干预记录制度第七条）"
"$LIUHEN" append --key "$PEOPLE/sunlijun.key" --kind guidance --case "$CASE" \
    --set form=oral-recorded \
    --set basis=leadership-supervision \
    --set given_by.name=孙立军 --set given_by.position=副局长 \
    --set given_at="$(ago '2 hours')" \
    --set content="某危化品仓储案件证据链不完整，要求补充现场检测报告后再作处理。" >/dev/null

scenario R14 "离退休干部要求王明安排与当事人私下见面，经查属实，法规科未报经批准即发出通报（干预记录制度第十条）"
add wangming interference \
    --set occurred_at="$(ago '8 hours')" \
    --set place=执法支队办公室 \
    --set person.name=付某 --set person.position=原办公室主任（已退休） \
    --set person.unit=区应急管理局 --set person.relation=retired \
    --set manner=phone \
    --set content="付某要求王明与某矿山企业负责人私下见面，“当面谈谈处罚的事”。" \
    --set categories=private-meeting \
    --set response=refused \
    --set reported_to=legal-section --set reported_at="$(ago '7 hours 30 minutes')"
interference=$(last)
add lihua supervision-check --set type=follow-up --set conducted_at="$(ago '5 hours')" \
    --set concerns="$(eid "$interference")" --set conclusion=confirmed \
    --set findings="电话询问付某，付某承认。" --set actions=investigated
add lihua notification --set subject=interference \
    --set person.name=付某 --set person.relation=retired \
    --set measures=circulated-criticism --set issued_at="$(ago '3 hours')" \
    --set concerns="#$interference" \
    --set content="付某违反规定干预办案，予以通报批评。"

scenario R12 "陈刚两次未记录干预情况，第二次仍只予通报批评，未移送纪检监察机关（干预记录制度第十二条）"
add lihua supervision-check --set type=spot-check --set conducted_at="$(on 1 1 10:00)" \
    --set scope="执法支队九月以来案件" --set conclusion=confirmed \
    --set findings="陈刚办理的某案中，当事人亲属曾托人说情，陈刚未记录。"
add lihua notification --set subject=not-recorded \
    --set person.name=陈刚 --set measures=warning \
    --set issued_at="$(on 1 3 10:00)" --set concerns="#$(last)" \
    --set content="陈刚未记录干预情况，予以警告。"
add lihua supervision-check --set type=spot-check --set conducted_at="$(on 4 1 10:00)" \
    --set scope="执法支队十一月案件" --set conclusion=confirmed \
    --set findings="陈刚办理的另一案中，又有说情未记录。"
add lihua notification --set subject=not-recorded \
    --set person.name=陈刚 --set measures=circulated-criticism \
    --set issued_at="$(on 4 3 10:00)" --set concerns="#$(last)" \
    --set content="陈刚再次未记录干预情况，予以通报批评。"

scenario R3 "投诉的是电梯检验问题，应转区市场监督管理局，周一受理，周四才转送（错案追究制度第十条第（一）项：受理后2日内）"
add lihua complaint \
    --set complainant.name=某小区业主委员会 --set channel=letter \
    --set received_at="$(on 3 0 09:00)" --set accepted_at="$(on 3 0 10:00)" \
    --set summary="反映小区电梯检验不合格仍投入使用，要求追究检验人员责任。" \
    --set jurisdiction=to-transfer
COMPLAINT=$(last)
add lihua transfer --set complaint="#$COMPLAINT" --set to_authority=区市场监督管理局 \
    --set transferred_at="$(on 3 3 15:00)" --set reason="特种设备安全监督属市场监督管理部门职责"

scenario R4 "投诉受理后只告知“已受理”，至结案也未答复处理结果（错案追究制度第十条第（一）项：负责答复）"
complaint 陈刚 2 0 "反映陈刚在检查中未出示执法证件。" 某五金店
add lihua reply --set complaint="#$COMPLAINT" --set type=acknowledgement \
    --set replied_at="$(on 2 1 10:00)" --set method=phone --set addressee=某五金店 \
    --set content="您的投诉已受理。"
add lihua case-closed --set closed_at="$(on 4 1 10:00)" --set summary="经核查，投诉不属实，结案。"

scenario R5 "法规科将投诉报分管副局长，由副局长孙立军指派调查组（错案追究制度第十条第（二）项：由局主要负责人指派）"
complaint 王明 0 1 "反映王明对某农家乐适用法律依据错误。" 某农家乐
add lihua report --set matter=complaint --set concerns="$(eid "$COMPLAINT")" \
    --set reported_to.name=孙立军 --set reported_to.position=副局长 \
    --set reported_at="$(on 0 1 16:00)"
ASSIGNER=sunlijun ASSIGNER_NAME=孙立军 team 0 2 赵敏
step_review 1 0
result 2 0 "经调查，法律依据适用正确，投诉反映的问题不属实。"

scenario R6 "局长一人“集体讨论”后作出处理决定（错案追究制度第十条第（三）项：经机关领导集体讨论）"
complaint 王明 0 2 "反映王明对某加工厂处罚程序违法。" 某加工厂
team 0 3 赵敏
step_review 1 1
decision 2 2 "\"wrongful_case\": false, \"summary\": \"不认定为错案。\", \"collective_discussion\": {\"held_at\": \"$(on 2 2 09:00)\", \"participants\": [{\"name\": \"张强\", \"position\": \"局长\"}]}"
result 2 4 "经调查，不认定为错案。"

scenario R7 "处理决定给予“处分”，未写明处分种类（错案追究制度第十一条第6项）"
complaint 王明 1 0 "反映王明违法实施查封措施，造成损失。" 某物流公司
team 1 1 赵敏
step_review 1 3
decision 3 1 "\"wrongful_case\": true, \"source\": \"justice-complaint\", \"responsible\": [{\"person\": {\"name\": \"王明\"}, \"sanctions\": [\"administrative-sanction\"]}], $(two_leaders 3 1)"
result 3 3 "经调查，认定为错案，已对相关人员追究责任。"

scenario R8 "处理决定作出五周后，局机关才责令重新调查（错案追究制度第十条第（三）项：1个月内）"
complaint 陈刚 0 0 "反映陈刚对某超市罚款数额畸重。" 某超市
team 0 1 赵敏
step_review 0 2
decision 0 4 "\"wrongful_case\": false, \"summary\": \"不认定为错案。\", $(two_leaders 0 4)"
DECISION=$(last)
result 1 0 "经调查，不认定为错案。"
"$LIUHEN" append --key "$PEOPLE/zhangqiang.key" --kind review-order --case "$CASE" \
    --set decision="#$DECISION" --set action=reinvestigate \
    --set ordered_at="$(on 5 2 10:00)" --set reason="处理不当，需重新组织调查。" >/dev/null

scenario R13 "被投诉的执法人员陈刚被指派进入调查本案的调查组（回避）"
complaint 陈刚 1 2 "反映陈刚对某汽修厂重复处罚。" 某汽修厂
team 1 3 赵敏 陈刚
step_review 2 0
result 2 3 "经调查，投诉反映的问题不属实。"

scenario R16 "案件结案后，调查组又追加了一条调查记录（结案后只应有更正、申诉或者责令重新调查）"
complaint 王明 2 1 "反映王明在检查中态度粗暴。" 某餐馆
team 2 2 赵敏
step_review 2 3
result 3 0 "经调查，未发现执法过错。"
add lihua case-closed --set closed_at="$(on 3 2 10:00)" --set summary="已答复，结案。"
step_review 4 0

# The last: the admin revokes the key of 王明, who recorded the
# interferences of R2 and R14 above.
EXPECTED+=(R17)
step="R17"
echo "【R17】王明如实记录干预情况后不久，其密钥被以“调离执法岗位”为由注销（干预记录制度第九条）"
"$LIUHEN" revoke --key "$ADMIN" --pub "$PEOPLE/wangming.pub" --reason 调离执法岗位 >/dev/null

# ---------------------------------------------------------------------------
step="导出并核验"
echo
echo "════ 导出日志，以 liuhen-verify --rules 离线核验 ════"
"$LIUHEN" export --to findings >/dev/null
rc=0
"$VERIFY" "$EXPORTS/findings" --log-key "$LIUHEN_LOG_KEY" --rules || rc=$?
"$VERIFY" "$EXPORTS/findings" --log-key "$LIUHEN_LOG_KEY" --rules --json >"$TMP/verify.json" || true

# The rule id of each finding: the "findings" list has one object a line,
# each beginning with its "check".
got=$(sed -n '/^  "findings": \[/,/^  \]/s/^ *{"check": "\(R[0-9]*\)".*/\1/p' "$TMP/verify.json" | sort -V)
want=$(printf '%s\n' "${EXPECTED[@]}" | sort -V)
failures=$(sed -n 's/.*"failures": \([0-9][0-9]*\).*/\1/p' "$TMP/verify.json" | head -n 1)

echo
echo "════ 预期与实际的发现 expected and reported findings ════"
printf '%-6s %-8s %-8s\n' 规则 预期 实际
ok=1
for r in $(printf '%s\n%s\n' "$want" "$got" | sort -uV); do
    [ -n "$r" ] || continue
    e=$(grep -cx "$r" <<<"$want" || true)
    g=$(grep -cx "$r" <<<"$got" || true)
    mark=✓
    if [ "$e" != "$g" ]; then
        mark=✗
        ok=
    fi
    printf '%-6s %-8s %-8s %s\n' "$r" "$e" "$g" "$mark"
done
if [ "$rc" -ne 2 ] || [ "${failures:-0}" != 0 ]; then
    echo "demo-findings: liuhen-verify exited $rc with ${failures:-?} integrity failure(s): expected exit 2 (findings only)" >&2
    ok=
fi
step="结束"
if [ -z "$ok" ]; then
    echo "demo-findings: the findings differ from those expected (above)" >&2
    exit 1
fi
echo "核验报告的发现与预期完全一致：$(wc -w <<<"$want") 项，无其他发现。"
echo "The verifier reports exactly the $(wc -w <<<"$want") findings expected, and no others."
