#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# scripts/demo.sh — `make demo`: a scenario of both regulations, in Chinese,
# recorded through the liuhen command line, then verified as an inspector
# would verify it.
#
#   错案倒查 (A, wrongful-case accountability), over six weeks: the district
#     justice bureau forwards a company's complaint that its fine (黔江应急罚
#     〔2026〕12号) was manifestly unfair. The legal section receives it, then
#     accepts it (受理) the next day, tells the company so, and reports it to
#     the 局长 (A§10(1)(2)); the 局长 assigns a team, which reviews the files,
#     questions the officer and the company and checks the facts (A§10(2));
#     the legal section proposes how to hold the officer to account (A§7);
#     the officer states his defence before the decision (A§12); the
#     leadership discusses it and decides (A§10(3), A§11); the decision is
#     served, the rights told (A§12); the fine is changed by a decision of
#     its own (黔江应急罚〔2026〕31号); the company is told the result (A§10(1));
#     the case is closed.
#   干预记录 (B, interference), over one day: a retired official phones a
#     case handler to plead for a party; the handler refuses, records it
#     with the five elements and reports it to the legal section (B§3, B§6);
#     the legal section follows it up and confirms it (B§4); the 局长
#     approves, with his own key, a notice, which is issued (B§10).
#   Then a checkpoint, both timelines, an export of the whole log, and
#   liuhen-verify --rules on it, which must find it clean (exit 0).
#
# The records' own times (received_at, accepted_at, assigned_at,
# conducted_at, decided_at, served_at...) are those of the events, weeks
# apart, on working days, in Beijing time; each record is recorded (signed
# and logged) now, as a bureau entering a file after the fact would. An
# interference is the exception: B§3 asks for it to be recorded as it
# happens, and the verifier's R10 reports one recorded more than 24 hours
# after the event, so case B happened within the last day.
#
# People and roles (KEY_ENROLL): 局长 张强 is the principal head (principal,
# the A§10(2) 局主要负责人, and leader); 分管副局长 孙立军 a leader; 法规科 李华
# and 周杰 the legal section; 王明 and 陈刚 case handlers. Discipline
# inspection (纪检监察) has no role of its own in the ledger: the bureau's
# discipline secretary 赵敏 is enrolled as an investigator and leads the
# investigation team, which is what the bureau asks of her in A§10(2); a
# referral to the 纪检监察机关 would be the decision's `referral`.
#
# It uses `make run`'s daemon when var/liuhen.sock answers; otherwise it
# starts a liuhend of its own on a temporary layout, stopped at exit. The
# people's keys are kept in var/demo/ (with `make run`) so that a second
# run reuses them; each run records two new cases. Exits non-zero at the
# first step that fails, and when the verifier finds anything in this
# run's cases.
#
# Environment: LIUHEN_VAR (default var) and BUILD (default build), as for
# scripts/run.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
VAR=${LIUHEN_VAR:-var}
DEMO=demo
# shellcheck source=scripts/demo-lib.sh
. scripts/demo-lib.sh

heading() {
    step=$1
    echo
    echo "════ $1 ════"
}

# ---- times -------------------------------------------------------------------
# Case A's times are on WEEK DAY HH:MM (scripts/demo-lib.sh), in the six
# weeks before this one, in Beijing time.
bj_hour=$(date -u -d "@$bj_now" +%H%M)
# The year of the document numbers (黔江应急罚〔2026〕12号): week 0's.
Y=$(date -u -d "$week0" +%Y)

# at HH:MM: a time of case B, on the day it happened: today when the
# afternoon is over in Beijing, else yesterday; every time given is then
# in the past and the call within the 24 hours R10 allows.
if [ "$bj_hour" -ge 1630 ]; then
    day_b=$bj_today
    at() { echo "${day_b}T$1:00+08:00"; }
    T_CALL=09:40 T_REPORT=09:55 T_CHECK=11:10 T_APPROVE=14:30 T_NOTICE=15:30 T_CLOSE=16:00
else
    day_b=$(date -u -d "$bj_today -1 day" +%F)
    at() { echo "${day_b}T$1:00+08:00"; }
    T_CALL=17:10 T_REPORT=17:20 T_CHECK=17:45 T_APPROVE=18:20 T_NOTICE=18:40 T_CLOSE=18:50
fi

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
SHARED=
if [ "$rc" -eq 0 ]; then
    echo "使用 make run 正在运行的 liuhend：$LIUHEN_SOCKET"
    ADMIN=$VAR/admin.key
    PEOPLE=$VAR/demo
    EXPORTS=$VAR/exports
    SHARED=1
elif [ "$rc" -eq 3 ]; then
    # Nothing answers: start a daemon of our own, on a layout of its own,
    # with a state file of its own (its log has the demo origin but another
    # key than make run's, and the default state file remembers make run's).
    echo "没有正在运行的 make run（$(head -n 1 "$TMP/status.err")）"
    echo "在临时目录中启动一个演示用的 liuhend，演示结束后停止。"
    demo_start_daemon
    PEOPLE=$own/demo
else
    # The daemon answered, but what it said did not verify with the log's
    # key: as above, for a person to look at.
    cat "$TMP/status.err" >&2
    exit "$rc"
fi
"$LIUHEN" status

stamp=$(date +%Y%m%d-%H%M%S)
CASE_A=错案倒查-$stamp
CASE_B=干预记录-$stamp
[ -d "$PEOPLE" ] || mkdir -m 0700 "$PEOPLE"

# The headings cite the articles as officials do, under the short names
# client/core/cite.c gives the two regulations.
echo "本演示引用的制度：错案追究制度，即《行政执法案件错案责任倒查问责制度》；"
echo "干预记录制度，即《行政执法机关内部人员干预、插手案件办理的记录、通报和责任追究制度》。"
echo "各记录所载时间为事件发生的时间（北京时间），记录时间为本次演示运行之时。"

# ---------------------------------------------------------------------------
heading "一、管理员登记各岗位人员的密钥（KEY_ENROLL）"

# enrol FILE NAME ROLES POSITION UNIT: a key for the person (made once, kept
# in var/demo/), enrolled by the admin, again when the roles, position or
# unit differ from those of the last enrolment (FILE.enrolled keeps them:
# a key enrolled by an older demo without the principal role gets it).
enrol() {
    local file=$PEOPLE/$1 name=$2 roles=$3 position=$4 unit=$5
    local spec="$roles|$position|$unit"
    if [ ! -e "$file.key" ]; then
        # Demo keys are unencrypted (said once, below, rather than by
        # keygen's warning for each); a real holder's key is protected by a
        # passphrase: liuhen keygen without --no-passphrase.
        if ! "$LIUHEN" keygen --out "$file" --holder "$name" --no-passphrase \
            >/dev/null 2>"$TMP/keygen.err"; then
            cat "$TMP/keygen.err" >&2
            return 1
        fi
    fi
    if [ ! -e "$file.enrolled" ] || [ "$(cat "$file.enrolled")" != "$spec" ]; then
        "$LIUHEN" enroll --key "$ADMIN" --pub "$file.pub" --roles "$roles" \
            --holder "$name" --position "$position" --unit "$unit" >/dev/null
        printf '%s\n' "$spec" >"$file.enrolled"
        echo "已登记：$name（$unit $position，角色 $roles）"
    else
        echo "已登记（沿用上次演示的密钥）：$name（$unit $position，角色 $roles）"
    fi
}
echo "（演示用密钥保存在 $PEOPLE/，未加密，仅供演示；真实密钥须以口令加密。）"
enrol zhangqiang 张强 principal,leader 局长 区应急管理局
enrol sunlijun 孙立军 leader 副局长（分管法制工作） 区应急管理局
enrol lihua 李华 legal 科长 区应急管理局法规科
enrol zhoujie 周杰 legal 科员 区应急管理局法规科
enrol zhaomin 赵敏 investigator 机关纪委书记 区应急管理局机关纪委
enrol wangming 王明 handler 执法人员 区应急管理局执法支队
enrol chengang 陈刚 handler 执法人员 区应急管理局执法支队
"$LIUHEN" keys

# ===========================================================================
# Case A: 错案倒查.

heading "二、区司法局转来投诉：黔江应急罚〔$Y〕12号行政处罚显失公正；法规科收到后次日受理（错案追究制度第十条第（一）项、第六条第（十）项、第五条第7项）"

# Received on Monday from the justice bureau (channel referral, its
# 转办文号), accepted (受理) on Tuesday once the legal section saw that the
# matter is the bureau's own: two times, two facts.
"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind complaint --case "$CASE_A" \
    --set complainant.name=重庆某建材有限公司 \
    --set complainant.contact=023-7922xxxx \
    --set channel=referral \
    --set forwarded_by=黔江区司法局 \
    --set forwarded_ref="黔江司法转〔$Y〕15号" \
    --set received_at="$(on 0 0 10:20)" \
    --set accepted_at="$(on 0 1 09:30)" \
    --set officers_concerned.name=陈刚 \
    --set officers_concerned.position=执法人员 \
    --set officers_concerned.unit=区应急管理局执法支队 \
    --set officers_concerned.relation=on-staff \
    --set conducts=manifestly-unfair \
    --set source=justice-complaint \
    --set enforcement_case="黔江应急罚〔$Y〕12号" \
    --set case_type=penalty \
    --set summary="投诉人向区司法局投诉：其仓库未按规定设置安全警示标志一案，被处罚款五万元，而同期情节相同的其他企业被处罚款一万元，处罚明显偏重。区司法局以转办单转本局处理。" \
    --set jurisdiction=accepted \
    --receipt "$TMP/complaint.json"
complaint=$(index_of "$TMP/complaint.json")

heading "三、法规科书面告知投诉人已受理（告知受理不是答复处理结果）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind reply --case "$CASE_A" \
    --set complaint="#$complaint" \
    --set type=acknowledgement \
    --set replied_at="$(on 0 1 11:00)" \
    --set addressee=重庆某建材有限公司 \
    --set method=written \
    --set content="您经区司法局转来的投诉已于今日受理。本局将组织调查，调查结束后书面答复处理结果。"

heading "四、法规科受理后报局主要负责人（错案追究制度第十条第（二）项）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind report --case "$CASE_A" \
    --set matter=complaint \
    --set concerns="$(eid "$complaint")" \
    --set reported_to.name=张强 \
    --set reported_to.position=局长 \
    --set reported_to.unit=区应急管理局 \
    --set reported_at="$(on 0 1 16:00)" \
    --set content="区司法局转来重庆某建材有限公司投诉一件，涉及执法人员陈刚办理的黔江应急罚〔$Y〕12号案，已受理，请指派人员组成调查组。"

heading "五、局长张强指派调查组：机关纪委书记赵敏（组长）、法规科周杰（错案追究制度第十条第（二）项）"

"$LIUHEN" append --key "$PEOPLE/zhangqiang.key" --kind investigation-assigned --case "$CASE_A" \
    --set assigned_by.name=张强 \
    --set assigned_by.position=局长 \
    --set team.name=赵敏 \
    --set team.position="机关纪委书记（调查组组长）" \
    --set team.unit=区应急管理局机关纪委 \
    --set team+.name=周杰 \
    --set team.position="法规科科员（调查组成员）" \
    --set team.unit=区应急管理局法规科 \
    --set assigned_at="$(on 0 2 09:00)" \
    --set scope="黔江应急罚〔$Y〕12号案的事实认定、法律适用和罚款数额是否适当，执法人员是否应当承担错案责任"

heading "六、调查组调阅案卷材料，附调阅记录（错案追究制度第十条第（二）项）"

evidence=$TMP/案卷调阅记录.txt
cat >"$evidence" <<EOF
案卷调阅记录
案号：黔江应急罚〔$Y〕12号
调阅人：周杰
调阅内容：立案审批表、现场检查记录、询问笔录、行政处罚决定书；同期同类案件行政处罚决定书三份；
《重庆市应急管理行政处罚裁量基准》相关条目。
发现：本案违法情节属裁量基准"一般"档次（罚款一万元以上二万元以下），决定书按"严重"档次罚款五万元，
案卷中无从重处罚的事实和理由。
EOF
"$LIUHEN" append --key "$PEOPLE/zhoujie.key" --kind investigation-step --case "$CASE_A" \
    --set method=review-files \
    --set conducted_at="$(on 1 0 09:30)" \
    --set place=区应急管理局档案室 \
    --set summary="调阅本案及同期同类案件案卷：本案情节属一般档次，却按严重档次罚款五万元，无从重理由。" \
    --attach "$evidence"

heading "七、调查组询问执法责任人陈刚（错案追究制度第十条第（二）项）"

"$LIUHEN" append --key "$PEOPLE/zhaomin.key" --kind investigation-step --case "$CASE_A" \
    --set method=question-officer \
    --set conducted_at="$(on 1 2 14:30)" \
    --set place=区应急管理局三楼会议室 \
    --set persons_questioned.name=陈刚 \
    --set persons_questioned.position=执法人员 \
    --set persons_questioned.unit=区应急管理局执法支队 \
    --set persons_questioned.relation=on-staff \
    --set summary="陈刚承认将一般情节误按严重档次裁量，称系套用了另一案件的文书模板；如实说明情况，配合调查。" \
    --set obstruction_observed=false

heading "八、调查组询问行政相对人（错案追究制度第十条第（二）项）"

"$LIUHEN" append --key "$PEOPLE/zhoujie.key" --kind investigation-step --case "$CASE_A" \
    --set method=question-counterparty \
    --set conducted_at="$(on 1 4 10:00)" \
    --set place=重庆某建材有限公司 \
    --set persons_questioned.name=吴某 \
    --set persons_questioned.position=安全管理负责人 \
    --set persons_questioned.unit=重庆某建材有限公司 \
    --set persons_questioned.relation=external \
    --set summary="吴某陈述现场检查后一周内已整改完毕，提交了整改照片和验收记录，与案卷记载相符。"

heading "九、调查组核实有关情况（错案追究制度第十条第（二）项）"

"$LIUHEN" append --key "$PEOPLE/zhaomin.key" --kind investigation-step --case "$CASE_A" \
    --set method=verify-facts \
    --set conducted_at="$(on 2 1 15:00)" \
    --set place=区应急管理局法规科 \
    --set summary="对照裁量基准和同期三起同类案件核实：同类案件均罚款一万元至一万五千元；本案罚款五万元超出应适用档次上限，属显失公正。调查终结，形成调查报告。"

heading "十、法规科提出处理建议（错案追究制度第七条）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind recommendation --case "$CASE_A" \
    --receipt "$TMP/recommendation.json" --json - <<EOF
{
  "wrongful_case": true,
  "source": "CASE_SOURCE_JUSTICE_COMPLAINT",
  "responsible": [
    {
      "person": {"name": "陈刚", "position": "执法人员", "unit": "区应急管理局执法支队",
                 "relation": "RELATION_ON_STAFF"},
      "responsibility": "适用裁量基准档次错误，致行政处罚显失公正，负直接责任。",
      "sanctions": ["SANCTION_WRITTEN_SELF_EXAMINATION", "SANCTION_CIRCULATED_CRITICISM"],
      "leniency": "LENIENCY_NONE"
    }
  ],
  "made_at": "$(on 2 3 10:00)",
  "summary": "建议认定黔江应急罚〔$Y〕12号案为错案；责令陈刚作出书面检查，并予通报批评；原行政处罚决定由本局依法变更。",
  "document_ref": "黔江应急法建〔$Y〕2号"
}
EOF
recommendation=$(index_of "$TMP/recommendation.json")

heading "十一、决定前听取陈刚的陈述和申辩（错案追究制度第十二条）"

# Before the decision there is no decision to name: `decision` stays
# empty, and heard_at says when the legal section heard him. He signs his
# statement with his own key.
"$LIUHEN" append --key "$PEOPLE/chengang.key" --kind appeal --case "$CASE_A" \
    --set type=statement-defence \
    --set venue=this-bureau \
    --set appellant.name=陈刚 \
    --set appellant.position=执法人员 \
    --set appellant.unit=区应急管理局执法支队 \
    --set appellant.relation=on-staff \
    --set filed_at="$(on 3 0 09:00)" \
    --set heard_at="$(on 3 0 10:00)" \
    --set grounds="对错案认定无异议；裁量档次错误系套用文书模板所致，并无徇私，请求在处理时予以考虑。" \
    --set outcome=pending \
    --set outcome_detail="法规科已听取并记录，提交局领导集体讨论时一并研究。" \
    --receipt "$TMP/statement.json"
statement=$(index_of "$TMP/statement.json")

heading "十二、局领导集体讨论后作出处理决定（错案追究制度第十条第（三）项、第十一条第1项、第2项）"

"$LIUHEN" append --key "$PEOPLE/zhangqiang.key" --kind decision --case "$CASE_A" \
    --receipt "$TMP/decision.json" --json - <<EOF
{
  "wrongful_case": true,
  "source": "CASE_SOURCE_JUSTICE_COMPLAINT",
  "case_type": "CASE_TYPE_PENALTY",
  "responsible": [
    {
      "person": {"name": "陈刚", "position": "执法人员", "unit": "区应急管理局执法支队",
                 "relation": "RELATION_ON_STAFF"},
      "responsibility": "适用裁量基准档次错误，致行政处罚显失公正，负直接责任。其所称套用文书模板，不属于从轻或者免于追究的情形。",
      "sanctions": ["SANCTION_WRITTEN_SELF_EXAMINATION", "SANCTION_CIRCULATED_CRITICISM"],
      "leniency": "LENIENCY_NONE"
    }
  ],
  "collective_discussion": {
    "held_at": "$(on 3 2 09:00)",
    "participants": [
      {"name": "张强", "position": "局长"},
      {"name": "孙立军", "position": "副局长"},
      {"name": "李华", "position": "法规科科长（列席）"}
    ],
    "minutes_ref": "局务会议纪要〔$Y〕9号",
    "conclusion": "同意法规科处理建议：认定为错案；责令陈刚作出书面检查，予以通报批评；无需移送纪检监察机关。"
  },
  "referral": "REFERRAL_NONE",
  "recommendation": "$(eid "$recommendation")",
  "statements_heard": ["$(eid "$statement")"],
  "decided_at": "$(on 3 2 16:00)",
  "summary": "认定黔江应急罚〔$Y〕12号案为错案；责令执法人员陈刚作出书面检查，并在全局通报批评。",
  "document_ref": "黔江应急责〔$Y〕3号"
}
EOF
decision=$(index_of "$TMP/decision.json")

heading "十三、处理决定送达陈刚，告知陈述申辩和申诉的权利（错案追究制度第十二条）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind service --case "$CASE_A" \
    --set decision="$(eid "$decision")" \
    --set served_on.name=陈刚 \
    --set served_on.position=执法人员 \
    --set served_on.unit=区应急管理局执法支队 \
    --set served_at="$(on 3 3 10:00)" \
    --set method=in-person \
    --set rights_told=true \
    --set receipt_ref="送达回证〔$Y〕21号"

heading "十四、原行政处罚决定的纠正：黔江应急罚〔$Y〕12号由黔江应急罚〔$Y〕31号变更"

# How the correction of the fine is recorded, and why so:
# - not as a CORRECTION: a CORRECTION corrects what a record of this ledger
#   says, by its own author (B§3 如实记录). The fine of 12号 was truly
#   imposed and truly recorded; what was wrong is the act itself, and it is
#   put right by another act (行政处罚法 第七十五条第二款: 发现有错误的，应当主动改正),
#   the 变更行政处罚决定书 黔江应急罚〔2026〕31号, with its own number;
# - not as a second DECISION: a DECISION is the accountability decision of
#   A§10(3) about the officer, made after the collective discussion, which
#   the verifier judges as such (R5, R6, R7); the fine concerns the company;
# - so as the legal section's REPORT (matter other) to the 局长 that the
#   wrongful case was put right: it names both numbers, refers (--ref) to
#   the accountability decision it follows, and binds the new decision's
#   text by its SHA-256 (--attach).
new_penalty=$TMP/变更行政处罚决定书-黔江应急罚〔$Y〕31号.txt
cat >"$new_penalty" <<EOF
重庆市黔江区应急管理局
变更行政处罚决定书
黔江应急罚〔$Y〕31号
当事人：重庆某建材有限公司
本局作出的黔江应急罚〔$Y〕12号行政处罚决定，对当事人未按规定设置安全警示标志的违法行为罚款五万元。
经复查，该违法行为属裁量基准一般档次，原决定罚款数额明显不当。依据《中华人民共和国行政处罚法》第七十五条第二款，
决定将原处罚变更为：罚款一万五千元。已缴纳的超出部分罚款三万五千元依法予以退还。
EOF
"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind report --case "$CASE_A" \
    --set matter=other \
    --set concerns="$(eid "$complaint")" \
    --set reported_to.name=张强 \
    --set reported_to.position=局长 \
    --set reported_to.unit=区应急管理局 \
    --set reported_at="$(on 4 1 10:00)" \
    --set content="原行政处罚决定黔江应急罚〔$Y〕12号（罚款五万元）已于$(date -u -d "$week0 +28 days" +%-m月%-d日)由黔江应急罚〔$Y〕31号《变更行政处罚决定书》变更为罚款一万五千元，并已送达当事人；多缴罚款三万五千元已办理退还手续。" \
    --ref "$decision" \
    --attach "$new_penalty"

heading "十五、法规科书面答复投诉人处理结果，并抄送区司法局（错案追究制度第十条第（一）项）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind reply --case "$CASE_A" \
    --set complaint="#$complaint" \
    --set type=result \
    --set replied_at="$(on 4 2 15:00)" \
    --set addressee=重庆某建材有限公司 \
    --set method=written \
    --set document_ref="黔江应急函〔$Y〕17号" \
    --set content="经调查，您反映的黔江应急罚〔$Y〕12号行政处罚显失公正的问题属实。本局已以黔江应急罚〔$Y〕31号变更行政处罚决定书将罚款变更为一万五千元，多缴部分予以退还；对相关执法人员已依规追究责任。本答复同时抄送区司法局。"

heading "十六、结案"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind case-closed --case "$CASE_A" \
    --set closed_at="$(on 4 4 10:00)" \
    --set summary="投诉已调查处理并答复；错案责任已追究（黔江应急责〔$Y〕3号），原处罚已变更（黔江应急罚〔$Y〕31号）。"

# ===========================================================================
# Case B: 干预记录, on day_b.

heading "十七、离退休干部刘某来电为当事人说情，办案人员王明拒绝，如实记录并报告法规科（干预记录制度第三条、第六条、第十条第（五）项）"

"$LIUHEN" append --key "$PEOPLE/wangming.key" --kind interference --case "$CASE_B" \
    --set occurred_at="$(at "$T_CALL")" \
    --set place=区应急管理局执法支队二中队办公室 \
    --set person.name=刘某 \
    --set person.position="原区安全生产监督管理局副局长（已退休）" \
    --set person.unit=区应急管理局 \
    --set person.relation=retired \
    --set manner=phone \
    --set manner_detail="刘某用手机拨打王明办公电话，通话约五分钟" \
    --set content="刘某称某化工公司安全生产违法一案的当事人是其亲戚，请求从轻处罚，并询问案件调查进展和拟处罚金额。" \
    --set categories=pleading-spying \
    --set response=refused \
    --set response_detail="当即拒绝，告知其不得过问案件，案件将依照法定程序办理。" \
    --set reported_to=legal-section \
    --set reported_at="$(at "$T_REPORT")" \
    --set enforcement_case="黔江应急立〔$Y〕45号" \
    --set case_type=penalty \
    --receipt "$TMP/interference.json"
interference=$(index_of "$TMP/interference.json")

heading "十八、法规科调查核实，查实违反规定干预办案，报告局长（干预记录制度第四条）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind supervision-check --case "$CASE_B" \
    --set type=follow-up \
    --set conducted_at="$(at "$T_CHECK")" \
    --set scope="王明报告的刘某来电说情一事" \
    --set findings="调取王明办公电话通话记录，来电号码、时间和时长与记录相符；电话询问刘某，刘某承认来电为亲戚说情并打听拟处罚金额。" \
    --set concerns="$(eid "$interference")" \
    --set conclusion=confirmed \
    --set actions=investigated \
    --set actions=reported-to-head

heading "十九、局长张强批准通报（干预记录制度第十条：报经批准后予以通报）"

"$LIUHEN" append --key "$PEOPLE/zhangqiang.key" --kind approval --case "$CASE_B" \
    --set concerns="$(eid "$interference")" \
    --set matter="对刘某违反规定干预办案予以通报" \
    --set approved=true \
    --set approved_at="$(at "$T_APPROVE")" \
    --set opinion="同意通报，抄送区委老干部局。" \
    --receipt "$TMP/approval.json"
approval=$(index_of "$TMP/approval.json")

heading "二十、法规科发出通报，载明批准记录（干预记录制度第十条）"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind notification --case "$CASE_B" \
    --set subject=interference \
    --set person.name=刘某 \
    --set person.position="原区安全生产监督管理局副局长（已退休）" \
    --set person.unit=区应急管理局 \
    --set person.relation=retired \
    --set measures=circulated-criticism \
    --set issued_at="$(at "$T_NOTICE")" \
    --set content="刘某为案件当事人说情、打探案情，属违反规定干预办案（干预记录制度第十条第（五）项），予以通报批评。办案人员王明当即拒绝并如实记录、报告，予以肯定。" \
    --set approved_by=张强 \
    --set concerns="#$interference" \
    --set approval="$(eid "$approval")" \
    --set document_ref="黔江应急通〔$Y〕5号"

"$LIUHEN" append --key "$PEOPLE/lihua.key" --kind case-closed --case "$CASE_B" \
    --set closed_at="$(at "$T_CLOSE")" \
    --set summary="干预情况已查实、经批准通报（黔江应急通〔$Y〕5号），办结。"

# ---------------------------------------------------------------------------
heading "二十一、取得并核验最新检查点（checkpoint）"

"$LIUHEN" checkpoint

heading "二十二、案件时间线：$CASE_A（逐条核验签名、包含证明与案件链）"

"$LIUHEN" case "$CASE_A"

heading "二十三、案件时间线：$CASE_B"

"$LIUHEN" case "$CASE_B"

# ---------------------------------------------------------------------------
heading "二十四、导出整个日志，交检查人员离线核验（liuhen-verify --rules）"

# liuhend writes the export beneath its --export-dir (scripts/run.sh).
export_name=demo-$(date +%Y%m%d-%H%M%S)-$$
"$LIUHEN" export --to "$export_name"
EXPORT=$EXPORTS/$export_name
rc=0
"$VERIFY" "$EXPORT" --log-key "$LIUHEN_LOG_KEY" --rules || rc=$?
if [ "$rc" -eq 2 ] && [ -n "$SHARED" ]; then
    # make run's log holds what earlier runs recorded: findings there are
    # shown above, but this run answers only for its own two cases.
    "$VERIFY" "$EXPORT" --log-key "$LIUHEN_LOG_KEY" --rules --json >"$TMP/verify.json" || true
    mine=$(grep -c -e "\"case_id\": \"$CASE_A\"" -e "\"case_id\": \"$CASE_B\"" "$TMP/verify.json" || true)
    if [ "$mine" -eq 0 ]; then
        echo
        echo "上述发现均属 make run 日志中此前记录的其他案件（例如旧版演示的记录），本次演示的两个案件没有发现。"
        echo "The findings above are in other cases of make run's log; this run's two cases have none."
        rc=0
    else
        echo "demo: liuhen-verify reports $mine finding(s) in this run's cases" >&2
    fi
fi
if [ "$rc" -ne 0 ]; then
    echo "demo: liuhen-verify did not end CLEAN (exit $rc)" >&2
    exit "$rc"
fi
# Verified: the export was this run's scratch copy, as the rest of $TMP.
rm -rf -- "$EXPORT"

step="结束"
echo
echo "演示完成。两个案件：$CASE_A、$CASE_B。"
if [ -z "$DAEMON_PID" ]; then
    echo "可继续查看，例如：$LIUHEN case $CASE_A；$LIUHEN --json prove --index $complaint"
fi
