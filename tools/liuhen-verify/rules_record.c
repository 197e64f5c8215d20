/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules_record.c — the rules one record meets or fails by itself: R1, R2,
 * R6, R7, R9 and R10 (rules_record.h).
 *
 * Each rule builds its sentences only when the record fails it, so that
 * the records that meet the rules cost a few comparisons. Field names in
 * the Chinese sentences are the schema's labels (labels_field()), so that
 * they read as the forms the bureau fills in.
 */
#include "rules_record.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "entry.h"
#include "kind.h"
#include "labels.h"
#include "role.h"

/* ---- helpers --------------------------------------------------------------------------------- */

bool rules_record_blank(const char *s)
{
    if (s == NULL)
        return true;
    while (*s != '\0') {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x80)
            s += 3;
        else
            return false;
    }
    return true;
}

int rules_record_finding(const rules_record *o, int rule, const finding_text *zh,
                         const finding_text *en)
{
    return finding_add(o->rep, rule, o->e->index, o->case_id, o->author, zh, en);
}

/* The schema's Chinese label of a field of message, or fallback. */
static const char *field_label(const char *message, const char *field, const char *fallback)
{
    const char *l = labels_field(message, field);
    return l != NULL ? l : fallback;
}

/* The Chinese label of an entry's kind. */
static const char *kind_zh(const Liuhen__Entry *en)
{
    return kind_label_zh(en->kind);
}

/* ---- R1, R2 and R9 --------------------------------------------------------------------------- */

int rules_record_interference(const rules_record *o, const Liuhen__Interference *in)
{
    static const char *const m = "liuhen.Interference";
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    int n = 0;
    if (in->occurred_at == 0)
        finding_list_add(&zh, &en, &n, field_label(m, "occurred_at", "时间"), "time (occurred_at)");
    if (rules_record_blank(in->place))
        finding_list_add(&zh, &en, &n, field_label(m, "place", "地点"), "place");
    if (in->person == NULL) {
        finding_list_add(&zh, &en, &n, field_label(m, "person", "人物"), "person");
    } else {
        if (rules_record_blank(in->person->name))
            finding_list_add(&zh, &en, &n, "人物姓名", "the person's name");
        if (in->person->relation == LIUHEN__RELATION__RELATION_UNSPECIFIED)
            finding_list_add(&zh, &en, &n, "人物与本机关的关系（干预记录制度第二条）",
                             "the person's relation to the bureau (B§2)");
    }
    if (in->manner == LIUHEN__MANNER__MANNER_UNSPECIFIED)
        finding_list_add(&zh, &en, &n, field_label(m, "manner", "方式"), "manner");
    if (rules_record_blank(in->content))
        finding_list_add(&zh, &en, &n, field_label(m, "content", "内容"), "content");
    if (n > 0) {
        finding_text z, e;
        finding_text_init(&z);
        finding_text_init(&e);
        finding_printf(&z,
                       "干预插手记录缺少要素：%"
                       "s（干预记录制度第三条：应将时间、地点、人物、方式、内容等全面、如实记录）",
                       zh.s);
        finding_printf(
            &e,
            "interference record lacks: %s (B§3: time, place, person, manner and content "
            "are to be recorded in full)",
            en.s);
        int rc = rules_record_finding(o, 1, &z, &e);
        if (rc != 0)
            return rc;
    }
    /* R2 (B§3): 应向局机关法规部门报告。必要时可以直接向县司法行政部门行政执法
     * 协调监督机构报告. Reporting to the bureau head is what the legal section
     * does with a clue under B§4; it is not the handler's report B§3 asks. */
    finding_text_init(&zh);
    finding_text_init(&en);
    switch (in->reported_to) {
    case LIUHEN__REPORTED_TO__REPORTED_TO_UNSPECIFIED:
        finding_printf(&zh, "干预插手记录未写明向谁报告（干预记录制度第三条：应向局机关法规部门报告"
                            "，必要时可直接向县司法"
                            "行政部门行政执法协调监督机构报告）");
        finding_printf(&en, "interference record does not say to whom it was reported (B§3: to the "
                            "legal section, or directly to the justice bureau's enforcement "
                            "supervision office)");
        break;
    case LIUHEN__REPORTED_TO__REPORTED_TO_BUREAU_HEAD:
        finding_printf(&zh, "干预情况只报告了机关负责人：干预记录制度第三条要求向局机关法规部门报告"
                            "（必要时直接向县司法"
                            "行政部门行政执法协调监督机构报告）；向机关负责人报告是法制机构依干预记"
                            "录制度第四条处理线索的"
                            "职责，不能代替");
        finding_printf(&en, "the interference was reported to the bureau head only: B§3 asks for "
                            "a report to the legal section (or the justice bureau's supervision "
                            "office); reporting to the head is the legal section's duty under "
                            "B§4, not a substitute");
        break;
    default:
        if (in->reported_at != 0)
            return 0;
        finding_printf(&zh, "干预插手记录写明了报告对象，但未记录报告时间（干预记录制度第三条）");
        finding_printf(&en, "interference record names to whom it was reported but not when "
                            "(reported_at, B§3)");
        break;
    }
    return rules_record_finding(o, 2, &zh, &en);
}

int rules_record_guidance(const rules_record *o, const Liuhen__Guidance *g)
{
    uint32_t roles = o->e->author_roles;
    bool handler = (roles & ROLE_BIT(LIUHEN__ROLE__ROLE_HANDLER)) != 0;
    bool leader =
        (roles & (ROLE_BIT(LIUHEN__ROLE__ROLE_LEADER) | ROLE_BIT(LIUHEN__ROLE__ROLE_PRINCIPAL))) !=
        0;
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    if (g->form == LIUHEN__GUIDANCE_FORM__GUIDANCE_FORM_UNSPECIFIED) {
        finding_printf(&zh, "指导性意见未写明形式（干预记录制度第七条：领导的指导性意见应以书面形式"
                            "提出，口头提出的由办案"
                            "人员记录在案）");
        finding_printf(&en,
                       "guidance does not state its form (B§7: a leader's guidance is given in "
                       "writing; oral guidance is recorded by the case handler)");
    } else if (g->form == LIUHEN__GUIDANCE_FORM__GUIDANCE_FORM_ORAL_RECORDED && !handler) {
        if (leader) {
            finding_printf(
                &zh,
                "局领导%"
                "s以口头形式记录指导性意见（干预记录制度第七条：领导的指导性意见应以书面形式提出；"
                "口头提出的，由办案人员记录在案）",
                o->author);
            finding_printf(&en,
                           "leader %s entered oral guidance (B§7: a leader's guidance is given in "
                           "writing; oral guidance is recorded by the case handler)",
                           o->author);
        } else {
            finding_printf(&zh,
                           "口头指导性意见应由办案人员记录在案，记录人%"
                           "s不具有办案人员角色（干预记录制度第七条）",
                           o->author);
            finding_printf(
                &en,
                "oral guidance is to be recorded by the case handler, and %s does not hold "
                "the handler role (B§7)",
                o->author);
        }
    } else {
        return 0;
    }
    return rules_record_finding(o, 9, &zh, &en);
}

/* ---- R10 ------------------------------------------------------------------------------------- */

/* Where an entry keeps the time of the event it records (R10 a). */
typedef struct event_field {
    const char *message; /* the body's full name, for labels_field() */
    const char *field;
    const char *path; /* the dotted path, for the English sentence */
} event_field;

/* The event time of an entry, its own time field (R10 a), and which field
 * it is; 0 when the kind has none or it is not stated. */
static int64_t event_time(const Liuhen__Entry *en, event_field *f)
{
#define EVENT(member, msg, fld)                                                                    \
    do {                                                                                           \
        *f = (event_field){"liuhen." msg, #fld, #member "." #fld};                                 \
        return en->member != NULL ? en->member->fld : 0;                                           \
    } while (0)
    switch (en->body_case) {
    case LIUHEN__ENTRY__BODY_INTERFERENCE: EVENT(interference, "Interference", occurred_at);
    case LIUHEN__ENTRY__BODY_COMPLAINT: EVENT(complaint, "Complaint", received_at);
    case LIUHEN__ENTRY__BODY_GUIDANCE: EVENT(guidance, "Guidance", given_at);
    case LIUHEN__ENTRY__BODY_INVESTIGATION_STEP:
        EVENT(investigation_step, "InvestigationStep", conducted_at);
    case LIUHEN__ENTRY__BODY_DECISION: EVENT(decision, "Decision", decided_at);
    case LIUHEN__ENTRY__BODY_REPLY: EVENT(reply, "Reply", replied_at);
    case LIUHEN__ENTRY__BODY_TRANSFER: EVENT(transfer, "Transfer", transferred_at);
    case LIUHEN__ENTRY__BODY_APPEAL: EVENT(appeal, "Appeal", filed_at);
    case LIUHEN__ENTRY__BODY_NOTIFICATION: EVENT(notification, "Notification", issued_at);
    case LIUHEN__ENTRY__BODY_REVIEW_ORDER: EVENT(review_order, "ReviewOrder", ordered_at);
    case LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED:
        EVENT(investigation_assigned, "InvestigationAssigned", assigned_at);
    case LIUHEN__ENTRY__BODY_CASE_CLOSED: EVENT(case_closed, "CaseClosed", closed_at);
    default: return 0;
    }
#undef EVENT
}

/* One R10 finding: what happened at `a` and what at `b`, b - a being more
 * than the threshold. The sentences are built only here, off the path of
 * the entries that meet the rule. */
static int late_finding(const rules_record *o, const char *zh_what, const char *en_what,
                        const char *zh_a, const char *en_a, int64_t a, const char *zh_b,
                        const char *en_b, int64_t b, const char *zh_diff, const char *en_diff)
{
    char ta[CALENDAR_TEXT_MAX], tb[CALENDAR_TEXT_MAX], d_zh[64], d_en[64], l_zh[64], l_en[64];
    calendar_format_cst(ta, a);
    calendar_format_cst(tb, b);
    int64_t diff = a > b ? a - b : b - a;
    finding_duration_unit(d_zh, d_en, diff, finding_unit_over(diff, o->late_after));
    finding_duration(l_zh, l_en, o->late_after);
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    finding_printf(&zh, "%s：%s为%s，%s为%s，%s%s（超过%s）", zh_what, zh_a, ta, zh_b, tb, zh_diff,
                   d_zh, l_zh);
    finding_printf(&en, "%s: %s is %s but %s is %s, %s %s (more than %s)", en_what, en_a, ta, en_b,
                   tb, d_en, en_diff, l_en);
    return rules_record_finding(o, 10, &zh, &en);
}

int rules_record_late(const rules_record *o)
{
    const int64_t late = o->late_after;
    /* B§3 and B§7 ask that interference and guidance be recorded as they
     * happen; no article sets a time for writing a letter or a decision. */
    if (o->en->body_case != LIUHEN__ENTRY__BODY_INTERFERENCE &&
        o->en->body_case != LIUHEN__ENTRY__BODY_GUIDANCE)
        return 0;
    /* Written guidance is its own record (B§7 以书面形式提出): only oral
     * guidance must be written down as it is given. */
    if (o->en->body_case == LIUHEN__ENTRY__BODY_GUIDANCE && o->en->guidance != NULL &&
        o->en->guidance->form == LIUHEN__GUIDANCE_FORM__GUIDANCE_FORM_WRITTEN)
        return 0;
    event_field f;
    int64_t ev = event_time(o->en, &f);
    if (ev != 0) {
        ev = calendar_clamp(ev);
        if (o->recorded - ev > late || ev - o->recorded > late) {
            char what[ENTRY_SHORT_TEXT_MAX];
            snprintf(what, sizeof what, "%s的%s", kind_zh(o->en),
                     field_label(f.message, f.field, "事件时间"));
            bool after = o->recorded - ev > late;
            int rc = late_finding(o, after ? "事后补记" : "记录时间早于所记事件",
                                  after ? "late record" : "recorded before the event", what, f.path,
                                  ev, "记录时间", "recorded_at", o->recorded, after ? "迟延" : "早",
                                  after ? "later" : "earlier");
            if (rc != 0)
                return rc;
        }
    }
    if (o->integrated - o->recorded > late)
        return late_finding(o, "记录后迟迟存证", "integrated late", "记录时间", "recorded_at",
                            o->recorded, "存证时间", "integrated_at", o->integrated, "相隔",
                            "later");
    if (o->recorded - o->integrated > late)
        return late_finding(o, "记录时间晚于存证时间", "recorded_at in the future", "存证时间",
                            "integrated_at", o->integrated, "记录时间", "recorded_at", o->recorded,
                            "晚", "later");
    return 0;
}

/* ---- R6 and R7 ------------------------------------------------------------------------------- */

/* The names of a responsible person, for sentences. */
static const char *rp_name(const Liuhen__ResponsiblePerson *rp)
{
    return rp->person != NULL && !rules_record_blank(rp->person->name) ? rp->person->name
                                                                       : "（未写姓名）";
}

static bool has_sanction(const Liuhen__ResponsiblePerson *rp, Liuhen__Sanction s)
{
    for (size_t j = 0; j < rp->n_sanctions; j++)
        if (rp->sanctions[j] == s)
            return true;
    return false;
}

/* R7's further checks of one responsible person (A§8, A§9, A§11(6)). */
static void check_person(const Liuhen__ResponsiblePerson *rp, size_t i, finding_text *lz,
                         finding_text *le, int *n)
{
    const char *who = rp_name(rp);
    bool sanctioned =
        rp->n_sanctions > 0 || rp->n_organisational_measures > 0 ||
        rp->discipline_grade != LIUHEN__DISCIPLINE_GRADE__DISCIPLINE_GRADE_UNSPECIFIED;
    if (rp->leniency == LIUHEN__LENIENCY__LENIENCY_EXEMPT && sanctioned) {
        finding_printf(
            lz,
            "%s责任人%s既免于追究责任又被追究责任（错案追究制度第八条：免于追究的不再给予处理）",
            *n > 0 ? "；" : "", who);
        finding_printf(le, "%sresponsible[%zu] (%s) is both exempted (A§8) and sanctioned",
                       *n > 0 ? "; " : "", i, who);
        (*n)++;
    }
    if (has_sanction(rp, LIUHEN__SANCTION__SANCTION_ADMINISTRATIVE_SANCTION) &&
        rp->discipline_grade == LIUHEN__DISCIPLINE_GRADE__DISCIPLINE_GRADE_UNSPECIFIED) {
        finding_printf(lz,
                       "%s责任人%s被给予处分，未写明处分种类（警告、记过、记大过、降级、撤职、"
                       "开除）",
                       *n > 0 ? "；" : "", who);
        finding_printf(le, "%sresponsible[%zu] (%s) is given a 处分 (A§11(6)) without its grade",
                       *n > 0 ? "; " : "", i, who);
        (*n)++;
    }
    bool weighed = false;
    for (size_t j = 0; j < rp->n_aggravations; j++)
        if (rp->aggravations[j] == LIUHEN__AGGRAVATION__AGGRAVATION_OBSTRUCTED_INVESTIGATION)
            weighed = true;
    if (weighed && rp->leniency == LIUHEN__LENIENCY__LENIENCY_EXEMPT) {
        finding_printf(lz, "%s责任人%s阻碍调查应从重处理（错案追究制度第九条），却被免于追究",
                       *n > 0 ? "；" : "", who);
        finding_printf(le,
                       "%sresponsible[%zu] (%s) obstructed the investigation (A§9: heavier) "
                       "yet is exempted",
                       *n > 0 ? "; " : "", i, who);
        (*n)++;
    }
}

int rules_record_decision(const rules_record *o, const Liuhen__Decision *d,
                          const rules_decision_facts *facts)
{
    finding_text zh, en, lz, le;
    int n = 0, rc;

    /* R6 (A§10(3)): 经机关领导集体讨论后及时做出处理决定. A discussion is
     * collective with more than one leader taking part, and comes before
     * the decision. */
    finding_text_init(&lz);
    finding_text_init(&le);
    const Liuhen__CollectiveDiscussion *cd = d->collective_discussion;
    if (cd == NULL) {
        finding_list_add(&lz, &le, &n, "集体讨论记录", "collective_discussion");
    } else {
        size_t named = 0;
        for (size_t i = 0; i < cd->n_participants; i++)
            if (cd->participants[i] != NULL && !rules_record_blank(cd->participants[i]->name))
                named++;
        if (cd->held_at == 0)
            finding_list_add(&lz, &le, &n, "讨论时间", "collective_discussion.held_at");
        else if (d->decided_at != 0 && cd->held_at > d->decided_at)
            finding_list_add(&lz, &le, &n, "决定之前的讨论（讨论时间晚于决定时间）",
                             "a discussion before the decision (held_at is after decided_at)");
        if (named < 2)
            finding_list_add(&lz, &le, &n, "两名以上参加讨论的领导",
                             "two or more named leaders taking part");
    }
    if (n > 0) {
        finding_text_init(&zh);
        finding_text_init(&en);
        finding_printf(&zh, "处理决定未经机关领导集体讨论（错案追究制度第十条第（三）项）：缺少%s",
                       lz.s);
        finding_printf(&en,
                       "decision not preceded by the leadership's collective discussion "
                       "(A§10(3)): missing %s",
                       le.s);
        if ((rc = rules_record_finding(o, 6, &zh, &en)) != 0)
            return rc;
    }

    /* R7 (A§11): a wrongful case names who is responsible and sanctions
     * them only in the six ways A§11 lists. */
    if (d->wrongful_case) {
        n = 0;
        finding_text_init(&lz);
        finding_text_init(&le);
        size_t named = 0;
        for (size_t i = 0; i < d->n_responsible; i++) {
            const Liuhen__ResponsiblePerson *rp = d->responsible[i];
            if (rp == NULL)
                continue;
            bool has_name = rp->person != NULL && !rules_record_blank(rp->person->name);
            named += has_name;
            for (size_t j = 0; j < rp->n_sanctions; j++) {
                int s = (int)rp->sanctions[j];
                if (s >= LIUHEN__SANCTION__SANCTION_WRITTEN_SELF_EXAMINATION &&
                    s <= LIUHEN__SANCTION__SANCTION_ADMINISTRATIVE_SANCTION)
                    continue;
                const ProtobufCEnumValue *v =
                    protobuf_c_enum_descriptor_get_value(&liuhen__sanction__descriptor, s);
                const char *sname = v != NULL ? v->name : "undefined";
                const char *szh = s == LIUHEN__SANCTION__SANCTION_UNSPECIFIED ? "未写明"
                                  : s == LIUHEN__SANCTION__SANCTION_OTHER     ? "其他"
                                                                              : "未定义";
                const char *who = has_name ? rp->person->name : NULL;
                finding_printf(&lz,
                               "%s责任人%s的责任追究方式“%s”不属于错案追究制度第十一条规定的种类",
                               n > 0 ? "；" : "", who != NULL ? who : "（未写姓名）", szh);
                finding_printf(&le, "%sresponsible[%zu] (%s) has sanction %s, not one of A§11's",
                               n > 0 ? "; " : "", i, who != NULL ? who : "no name", sname);
                n++;
            }
        }
        if (named == 0) {
            finding_printf(&lz, "%s未列明责任人姓名", n > 0 ? "；" : "");
            finding_printf(&le, "%snames no responsible person", n > 0 ? "; " : "");
            n++;
        }
        bool weighed = false;
        for (size_t i = 0; i < d->n_responsible; i++) {
            const Liuhen__ResponsiblePerson *rp = d->responsible[i];
            if (rp == NULL)
                continue;
            check_person(rp, i, &lz, &le, &n);
            for (size_t j = 0; j < rp->n_aggravations; j++)
                if (rp->aggravations[j] ==
                    LIUHEN__AGGRAVATION__AGGRAVATION_OBSTRUCTED_INVESTIGATION)
                    weighed = true;
        }
        /* A§9: 阻碍调查人员履行职责的，应从重处理: an obstruction the
         * investigation recorded weighs in the decision. */
        if (facts->obstruction && !weighed) {
            finding_printf(&lz,
                           "%s调查中记录了阻碍调查或者提供伪证的情况（第%" PRIu64
                           "号记录），决定未对任何责任人载明从重处理的情形（错案追究制度第九条）",
                           n > 0 ? "；" : "", facts->obstruction_index);
            finding_printf(&le,
                           "%sthe investigation recorded obstruction or false evidence (entry "
                           "%" PRIu64 ") and no responsible person has the A§9 aggravation",
                           n > 0 ? "; " : "", facts->obstruction_index);
            n++;
        }
        if (n > 0) {
            finding_text_init(&zh);
            finding_text_init(&en);
            finding_printf(&zh, "认定为错案的处理决定：%s", lz.s);
            finding_printf(&en, "decision finding a wrongful case: %s", le.s);
            if ((rc = rules_record_finding(o, 7, &zh, &en)) != 0)
                return rc;
        }
    }
    return 0;
}
