/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * corpus.c — realistic records (corpus.h): the case plans, the bodies of
 * every kind with Chinese texts of realistic length, the chain links; and
 * one author's stream of them, signed ahead of time.
 *
 * Every case follows the regulations as liuhen-verify --rules reads them
 * (docs/regulation.md), so that a log of streams, or of any cases of a
 * generator carried to their end, is clean:
 *  - an interference carries its five elements and is reported, with the
 *    time, to the legal section or the justice bureau's supervision office
 *    (B§3: R1, R2); the legal section follows a report to it up (B§4,
 *    R15); an interference it confirms is notified after an APPROVAL that
 *    the notice names by entry id (B§10, R14);
 *  - a complaint for another authority is transferred within hours of 受理
 *    (A§10(1): R3), by the stream's very next record;
 *  - an accepted complaint is acknowledged and reported to the principal
 *    head, who assigns the team (a stream's author is enrolled as
 *    principal head too: R5); the team investigates, the legal section
 *    recommends (A§7), the leadership discusses (two named leaders or
 *    more, before the decision: R6) and decides (A§11 sanctions only, a 处分
 *    with its grade, an obstruction the team saw weighed under A§9: R7);
 *    the complainant is told the result by the stream's very next record
 *    (R4: a decided case whose complainant was only told of the acceptance
 *    is a finding), so that a stream may stop almost anywhere
 *    (corpus_settled()); the decision is served (A§12), maybe petitioned,
 *    and the case closed, after which nothing is added (R16);
 *  - the officers complaints concern and the persons who interfere have
 *    given names no leader, team member or key holder (corpus_staff()) of
 *    the bureau has, so that none of them sits on the team, in the
 *    discussion or decides in their own case (R13); a stream author's
 *    holder name (harness.c) is none of them either.
 * Within a case the times of the events move forward.
 *
 * One file, longer than most: its length is the bodies of eighteen kinds
 * and their Chinese texts, all following one case plan; split, no part
 * would be used without the others (bench/verify_bench.c uses it whole).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "corpus.h"
#include "validate.h"

/* Cases one author has open at once: their entries interleave. */
#define ACTIVE_CASES 8
/* Tries at a record whose size falls in CORPUS_ENTRY_MIN..MAX. */
#define SIZE_TRIES 64
/* Room for a one-line text field (validate.c: names, references, the
 * findings of a check, an approver's opinion). */
#define LINE_ROOM ENTRY_SHORT_TEXT_MAX
/* How long before its record an event happened, at most: B§3, B§12 (R10)
 * want records made soon after the event. */
#define EVENT_SPAN_MS (4 * 3600 * 1000)
/* How long after 受理 a complaint for another authority is transferred, at
 * most, however much later the transfer is recorded (A§10(1): two days). */
#define TRANSFER_SPAN_MS (12 * 3600 * 1000)

/* The strings and lists a record points to. */
typedef struct scratch {
    char case_id[96];
    char names[6][32];
    char texts[4][2048];
    char lines[2][LINE_ROOM];
    char doc[64], doc2[64];
    char file[160];
    Liuhen__InterferenceCategory categories[1];
    Liuhen__Conduct conducts[1];
    Liuhen__Measure measures[1];
    Liuhen__CheckAction actions[2];
    Liuhen__Aggravation aggravations[1];
    Liuhen__Mitigation mitigations[1];
    uint8_t sha[ENTRY_HASH_BYTES];
} scratch;

/* The body memory of one record: the largest body and what hangs from it. */
typedef union body_mem {
    struct {
        Liuhen__Decision d;
        Liuhen__CollectiveDiscussion cd;
        Liuhen__ResponsiblePerson rp;
    } decision;
    struct {
        Liuhen__Recommendation r;
        Liuhen__ResponsiblePerson rp;
    } recommendation;
    struct {
        Liuhen__Complaint c;
        Liuhen__Complainant who;
    } complaint;
    struct {
        Liuhen__Correction c;
        Liuhen__FieldCorrection fc;
    } correction;
    struct {
        Liuhen__Service s;
        Liuhen__Attachment a;
    } service;
    Liuhen__Interference interference;
    Liuhen__SupervisionCheck check;
    Liuhen__Approval approval;
    Liuhen__Notification notification;
    Liuhen__CaseClosed closed;
    Liuhen__Reply reply;
    Liuhen__Transfer transfer;
    Liuhen__Report report;
    Liuhen__InvestigationAssigned assigned;
    Liuhen__InvestigationStep step;
    Liuhen__Appeal appeal;
    Liuhen__Guidance guidance;
} body_mem;

struct corpus_gen {
    const char *origin;
    char prefix[48];
    uint64_t rng;
    /* The bureau's leadership, the same in every case: the principal head
     * (A§10(2)), two deputies and the legal section's head. */
    char principal[32], deputies[2][32], legal_head[32];
    uint64_t next_case;
    /* The record last made, and what it points to. */
    Liuhen__Entry e;
    scratch sc;
    body_mem m;
    Liuhen__Person people[6];
    void *ptrs[8];
    void *atts[1];
};

struct corpus {
    corpus_gen g;
    uint8_t pk[ENTRY_KEY_BYTES];
    /* The author's chain. */
    uint64_t seq;
    uint8_t head[ENTRY_ID_BYTES];
    /* The open cases. */
    corpus_case cases[ACTIVE_CASES];
    /* The case of the record last returned, waiting for corpus_logged(). */
    corpus_case *current;
    /* ENTRY_SIG_CONTEXT || entry, for signing. */
    uint8_t msg[ENTRY_SIG_CONTEXT_LEN + CORPUS_ENTRY_MAX];
};

/* The author makes every kind of record: the principal head is a leader
 * too, and only the principal head assigns a team (A§10(2), R5). */
static const Liuhen__Role ROLES[] = {LIUHEN__ROLE__ROLE_HANDLER, LIUHEN__ROLE__ROLE_LEGAL,
                                     LIUHEN__ROLE__ROLE_LEADER, LIUHEN__ROLE__ROLE_INVESTIGATOR,
                                     LIUHEN__ROLE__ROLE_PRINCIPAL};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const Liuhen__Role *corpus_roles(size_t *n)
{
    *n = COUNT(ROLES);
    return ROLES;
}

/* xorshift64*: the same records for the same seed, on every machine. */
static uint64_t corpus_rnd(corpus_gen *g)
{
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * UINT64_C(0x2545f4914f6cdd1d);
}

static unsigned corpus_below(corpus_gen *g, unsigned n)
{
    return (unsigned)(corpus_rnd(g) % n);
}

/* ---- texts ----------------------------------------------------------------------------------- */

static const char *const SURNAMES[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
                                       "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧"};
/* Given names of the bureau's leaders and investigation teams, and of the
 * officers complained about and the persons who interfere: two lists with
 * no name in common, so that no one sits in their own case (R13). */
static const char *const GIVEN_STAFF[] = {"伟", "芳", "娜", "敏", "静", "丽", "强",
                                          "磊", "军", "洋", "勇", "艳", "杰", "娟"};
static const char *const GIVEN_OTHERS[] = {"涛",   "明",   "超",   "霞",   "平",   "刚",   "桂英",
                                           "秀英", "建华", "建国", "志强", "海燕", "晓东", "文博"};
static const char *const PLACES[] = {"执法支队办公室", "局机关三楼会议室", "当事人企业厂区",
                                     "执法支队值班室", "局机关法规科",     "区政务服务中心"};
static const char *const UNITS[] = {"区应急管理局执法支队", "区应急管理局法规科",
                                    "区应急管理局危化科",   "区应急管理局办公室",
                                    "某街道办事处",         "区市场监督管理局"};
static const char *const POSITIONS[] = {"科员", "副科长", "科长", "执法队员", "副局长", "退休干部"};
static const char *const AUTHORITIES[] = {"区市场监督管理局", "区生态环境局", "区交通运输委员会",
                                          "区住房和城乡建设委员会", "区城市管理局"};
static const char *const SENTENCES[] = {
    "来电称当事人系其亲属，请求对该企业的安全生产违法行为从轻处罚。",
    "执法人员当即表示案件正在依法办理，不能透露案情，并告知其依照程序反映意见。",
    "当事人企业未按规定对从业人员进行安全生产教育和培训，未如实记录培训情况。",
    "现场检查发现危险化学品储存场所未设置明显的安全警示标志，消防器材过期未检。",
    "经调阅行政处罚案卷，调查询问笔录、现场检查记录、证据登记保存清单齐全。",
    "执法人员在作出处罚决定前已依法告知当事人陈述、申辩的权利，当事人未提出异议。",
    "投诉人认为同类违法行为的罚款数额明显高于其他企业，处罚显失公正。",
    "调查组询问了执法责任人，其称处罚幅度系依据裁量基准确定，并提供了集体讨论记录。",
    "经核实，该案适用的裁量基准条款有误，导致罚款数额超出法定幅度。",
    "局领导班子集体讨论认为，执法人员未认真核对裁量基准，对错案负有直接责任。",
    "根据有关规定，责令其作出书面检查，并在全局范围内通报批评。",
    "当事人对处理决定提出申辩，认为已主动纠正违法行为且未造成危害后果。",
    "法规科已将投诉受理情况书面告知投诉人，并将按期反馈调查处理结果。",
    "该同志通过微信向办案人员打听案件进展，并转交了当事人的书面情况说明材料。",
    "办案人员予以拒绝，并于当日向局机关法规部门作了报告，全程记录在案。",
    "执法支队对该企业开展了复查，企业已完成整改，隐患已消除。",
    "本案事实清楚、证据确凿、程序合法，适用法律正确，维持原处理决定。",
    "对于不属于本单位受理范围的投诉，已告知投诉人向有权部门反映。",
    "按照行政执法全过程记录的要求，现场执法过程已全程录音录像并归档保存。",
    "指导意见：严格依照法定程序和裁量基准办理，确保案件定性准确、处罚适当。",
    "法规科审查调查报告后提出处理建议，报局领导班子集体讨论决定。",
    "处理决定书已直接送达本人，并告知其对处理决定不服可以申诉。",
    "经法规科核查，反映的干预情况基本属实，已向局主要负责人报告。",
    "经核查，相关人员系按正常工作程序了解案件办理情况，不属于违反规定干预办案。",
};

/* A name from a list of given names. */
static void corpus_name_of(corpus_gen *g, char *out, size_t cap, const char *const *given,
                           size_t ngiven)
{
    snprintf(out, cap, "%s%s", SURNAMES[corpus_below(g, COUNT(SURNAMES))],
             given[corpus_below(g, (unsigned)ngiven)]);
}

/* A leader's or a team member's name. */
static void corpus_staff_name(corpus_gen *g, char *out, size_t cap)
{
    corpus_name_of(g, out, cap, GIVEN_STAFF, COUNT(GIVEN_STAFF));
}

/* The name of anyone else: an officer complained about, a person who
 * interfered, a complainant, a person questioned. */
static void corpus_name(corpus_gen *g, char *out, size_t cap)
{
    corpus_name_of(g, out, cap, GIVEN_OTHERS, COUNT(GIVEN_OTHERS));
}

/* min..max sentences of the corpus, as many as fit in cap. */
static void corpus_text(corpus_gen *g, char *out, size_t cap, unsigned min, unsigned max)
{
    size_t len = 0;
    unsigned n = min + corpus_below(g, max - min + 1);
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        const char *s = SENTENCES[corpus_below(g, COUNT(SENTENCES))];
        size_t l = strlen(s);
        if (len + l + 1 > cap)
            break;
        memcpy(out + len, s, l + 1);
        len += l;
    }
}

/* ---- cases ----------------------------------------------------------------------------------- */

/* The sanctions of a wrongful case (A§11), the grade of a 处分 among them
 * (A§11(6), R7). */
static void corpus_plan_sanctions(corpus_gen *g, corpus_case *k)
{
    k->sanctions[0] = (Liuhen__Sanction)(1 + corpus_below(g, 3));
    k->nsanctions = 1;
    if (corpus_below(g, 2) == 0)
        k->sanctions[k->nsanctions++] = (Liuhen__Sanction)(4 + corpus_below(g, 3));
    k->grade = LIUHEN__DISCIPLINE_GRADE__DISCIPLINE_GRADE_UNSPECIFIED;
    for (unsigned i = 0; i < k->nsanctions; i++)
        if (k->sanctions[i] == LIUHEN__SANCTION__SANCTION_ADMINISTRATIVE_SANCTION)
            k->grade = (Liuhen__DisciplineGrade)(1 + corpus_below(g, 3));
}

/* A new case's plan: an interference (45%), a complaint (35%: one in seven
 * transferred, the others carried to their decision), guidance (20%); or,
 * with room for fewer than CORPUS_PLAN_MAX records, a single interference
 * reported to the justice bureau's office, which the legal section does
 * not follow up (B§3, B§4). */
void corpus_case_start(corpus_gen *g, corpus_case *k, uint64_t room)
{
    memset(k, 0, sizeof *k);
    k->number = ++g->next_case;
    bool whole = room >= CORPUS_PLAN_MAX;
    unsigned n = 0, kind = corpus_below(g, 20);
    if (kind < 9 || !whole) {
        k->plan[n++] = CORPUS_STEP_INTERFERENCE;
        if (whole) {
            if (corpus_below(g, 10) == 0)
                k->plan[n++] = CORPUS_STEP_CORRECTION;
            /* B§3: to the legal section, which follows it up (B§4); or,
             * where needed, to the justice bureau's supervision office. */
            k->to_legal = corpus_below(g, 5) != 0;
            if (k->to_legal) {
                k->plan[n++] = CORPUS_STEP_CHECK;
                k->confirmed = corpus_below(g, 5) < 2;
                if (k->confirmed) {
                    k->plan[n++] = CORPUS_STEP_APPROVAL;
                    k->plan[n++] = CORPUS_STEP_NOTIFICATION;
                }
            }
            if (corpus_below(g, 2) == 0)
                k->plan[n++] = CORPUS_STEP_CLOSED;
        }
    } else if (kind < 16) {
        k->plan[n++] = CORPUS_STEP_COMPLAINT;
        k->to_transfer = corpus_below(g, 7) == 0;
        if (k->to_transfer) {
            k->plan[n++] = CORPUS_STEP_TRANSFER;
        } else {
            k->plan[n++] = CORPUS_STEP_ACKNOWLEDGEMENT;
            k->plan[n++] = CORPUS_STEP_REPORT;
            k->plan[n++] = CORPUS_STEP_ASSIGNED;
            unsigned steps = 1 + corpus_below(g, 4);
            for (unsigned i = 0; i < steps; i++)
                k->plan[n++] = CORPUS_STEP_STEP;
            k->plan[n++] = CORPUS_STEP_RECOMMENDATION;
            k->plan[n++] = CORPUS_STEP_DECISION;
            k->plan[n++] = CORPUS_STEP_RESULT;
            k->plan[n++] = CORPUS_STEP_SERVICE;
            if (corpus_below(g, 5) == 0)
                k->plan[n++] = CORPUS_STEP_PETITION;
            k->wrongful = corpus_below(g, 10) < 3;
            if (k->wrongful) {
                corpus_plan_sanctions(g, k);
                k->obstruction = corpus_below(g, 5) == 0;
                k->obstructed_step = 1 + corpus_below(g, steps);
            }
        }
        k->plan[n++] = CORPUS_STEP_CLOSED;
    } else {
        k->plan[n++] = CORPUS_STEP_GUIDANCE_WRITTEN;
        if (corpus_below(g, 2) == 0)
            k->plan[n++] = CORPUS_STEP_GUIDANCE_ORAL;
        if (corpus_below(g, 2) == 0)
            k->plan[n++] = CORPUS_STEP_CLOSED;
    }
    k->nplan = n;
}

unsigned corpus_case_left(const corpus_case *k)
{
    return k->nplan - k->next;
}

corpus_step corpus_case_step(const corpus_case *k)
{
    return (corpus_step)k->plan[k->next];
}

static void corpus_set_person(corpus_gen *g, Liuhen__Person *p, char *name, const char *unit,
                              Liuhen__Relation rel)
{
    *p = (Liuhen__Person)LIUHEN__PERSON__INIT;
    p->name = name;
    p->position = (char *)POSITIONS[corpus_below(g, COUNT(POSITIONS))];
    p->unit = (char *)unit;
    p->relation = rel;
}

/* A leader of the bureau, by name and post, for discussions and reports. */
static void corpus_set_leader(Liuhen__Person *p, char *name, const char *position)
{
    *p = (Liuhen__Person)LIUHEN__PERSON__INIT;
    p->name = name;
    p->position = (char *)position;
    p->unit = (char *)"区应急管理局";
    p->relation = LIUHEN__RELATION__RELATION_ON_STAFF;
}

/* The person the case is about (complained about, or who interfered). */
static void corpus_set_subject(corpus_gen *g, Liuhen__Person *p, corpus_case *k)
{
    corpus_set_person(g, p, k->person, k->person_unit, k->person_relation);
}

/* The time of the event a record of case k records, `recorded` being the
 * record's time: up to EVENT_SPAN_MS before it, and not before the case's
 * latest event. */
static int64_t corpus_event(corpus_gen *g, const corpus_case *k, int64_t recorded)
{
    int64_t span = EVENT_SPAN_MS;
    if (k->at != 0 && recorded - k->at < span)
        span = recorded - k->at;
    if (span <= 0)
        return k->at != 0 ? k->at : recorded;
    return recorded - (int64_t)(corpus_rnd(g) % (uint64_t)span);
}

/* A time between a and b (a <= b). */
static int64_t corpus_between(corpus_gen *g, int64_t a, int64_t b)
{
    return b > a ? a + (int64_t)(corpus_rnd(g) % (uint64_t)(b - a)) : a;
}

/* A responsible person as the legal section proposes and the leadership
 * decides: the officer, the A§11 sanctions planned, the grade of a 处分,
 * the A§9 aggravation where the investigation was obstructed, and A§8
 * leniency otherwise now and then (never exemption together with a
 * sanction, R7). */
static void corpus_responsible(corpus_gen *g, corpus_case *k, Liuhen__ResponsiblePerson *rp,
                               Liuhen__Person *person, char *responsibility, size_t cap)
{
    scratch *sc = &g->sc;
    *rp = (Liuhen__ResponsiblePerson)LIUHEN__RESPONSIBLE_PERSON__INIT;
    corpus_set_subject(g, person, k);
    rp->person = person;
    corpus_text(g, responsibility, cap, 1, 1);
    rp->responsibility = responsibility;
    rp->n_sanctions = k->nsanctions;
    rp->sanctions = k->sanctions;
    if (k->grade != LIUHEN__DISCIPLINE_GRADE__DISCIPLINE_GRADE_UNSPECIFIED) {
        rp->discipline_grade = k->grade;
        rp->discipline_authority =
            LIUHEN__DISCIPLINE_AUTHORITY__DISCIPLINE_AUTHORITY_APPOINTING_ORGAN;
    }
    if (k->obstruction) {
        sc->aggravations[0] = LIUHEN__AGGRAVATION__AGGRAVATION_OBSTRUCTED_INVESTIGATION;
        rp->n_aggravations = 1;
        rp->aggravations = sc->aggravations;
        rp->leniency = LIUHEN__LENIENCY__LENIENCY_NONE;
    } else if (corpus_below(g, 3) == 0) {
        sc->mitigations[0] = LIUHEN__MITIGATION__MITIGATION_SELF_CORRECTED;
        rp->n_mitigations = 1;
        rp->mitigations = sc->mitigations;
        rp->leniency = LIUHEN__LENIENCY__LENIENCY_LIGHTER;
    }
}

/*
 * The record of case k's next step, in the generator's record memory;
 * k->pending_at is the time of its event. Each record is made 1 to 121
 * seconds before `at`, its event up to four hours before it and not
 * before the case's last event. What later records name again (the person
 * of the case, the time of 受理) is kept in k as it is drawn: the record
 * logged is the last one made.
 */
Liuhen__Entry *corpus_gen_record(corpus_gen *g, corpus_case *k, int64_t at)
{
    scratch *sc = &g->sc;
    body_mem *m = &g->m;
    Liuhen__Entry *e = &g->e;
    Liuhen__Person *people = g->people;
    void **ptrs = g->ptrs;
    corpus_step s = corpus_case_step(k);
    int64_t recorded = at - 1000 - (int64_t)corpus_below(g, 120000);
    int64_t event = corpus_event(g, k, recorded);
    k->pending_at = event;
    *e = (Liuhen__Entry)LIUHEN__ENTRY__INIT;
    e->origin = (char *)g->origin;
    snprintf(sc->case_id, sizeof sc->case_id, "%s-%05" PRIu64, g->prefix, k->number);
    e->case_id = sc->case_id;
    if (k->open) {
        e->case_prev.data = k->head;
        e->case_prev.len = ENTRY_ID_BYTES;
    }
    e->recorded_at = recorded;
    for (int i = 0; i < 6; i++)
        corpus_name(g, sc->names[i], sizeof sc->names[i]);

    switch (s) {
    case CORPUS_STEP_INTERFERENCE: {
        Liuhen__Interference *x = &m->interference;
        *x = (Liuhen__Interference)LIUHEN__INTERFERENCE__INIT;
        sc->categories[0] = (Liuhen__InterferenceCategory)(1 + corpus_below(g, 7));
        x->occurred_at = event;
        x->place = (char *)PLACES[corpus_below(g, COUNT(PLACES))];
        corpus_name(g, k->person, sizeof k->person);
        k->person_unit = UNITS[corpus_below(g, COUNT(UNITS))];
        k->person_relation = (Liuhen__Relation)(1 + corpus_below(g, 4));
        corpus_set_subject(g, &people[0], k);
        x->person = &people[0];
        x->manner = (Liuhen__Manner)(1 + corpus_below(g, 6));
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->content = sc->texts[0];
        x->n_categories = 1;
        x->categories = sc->categories;
        x->response = (Liuhen__HandlerResponse)(1 + corpus_below(g, 2));
        corpus_text(g, sc->texts[1], sizeof sc->texts[1], 1, 1);
        x->response_detail = sc->texts[1];
        /* B§3 (R2): to the legal section, or the justice bureau's office. */
        x->reported_to = k->to_legal ? LIUHEN__REPORTED_TO__REPORTED_TO_LEGAL_SECTION
                                     : LIUHEN__REPORTED_TO__REPORTED_TO_JUSTICE_SUPERVISION;
        x->reported_at = corpus_between(g, event, recorded);
        e->kind = LIUHEN__KIND__KIND_INTERFERENCE;
        e->body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
        e->interference = x;
        break;
    }
    case CORPUS_STEP_CORRECTION: {
        Liuhen__Correction *x = &m->correction.c;
        Liuhen__FieldCorrection *fc = &m->correction.fc;
        *x = (Liuhen__Correction)LIUHEN__CORRECTION__INIT;
        *fc = (Liuhen__FieldCorrection)LIUHEN__FIELD_CORRECTION__INIT;
        fc->field = "interference.place";
        fc->old_value = (char *)PLACES[0];
        fc->new_value = (char *)PLACES[1];
        ptrs[0] = fc;
        x->corrects.data = k->subject;
        x->corrects.len = ENTRY_ID_BYTES;
        x->n_changes = 1;
        x->changes = (Liuhen__FieldCorrection **)ptrs;
        snprintf(sc->texts[0], sizeof sc->texts[0], "地点记录不准确，予以更正。%s",
                 SENTENCES[corpus_below(g, COUNT(SENTENCES))]);
        x->reason = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_CORRECTION;
        e->body_case = LIUHEN__ENTRY__BODY_CORRECTION;
        e->correction = x;
        break;
    }
    case CORPUS_STEP_CHECK: {
        /* B§4 (R15): the legal section follows the report up. */
        Liuhen__SupervisionCheck *x = &m->check;
        *x = (Liuhen__SupervisionCheck)LIUHEN__SUPERVISION_CHECK__INIT;
        x->type = LIUHEN__CHECK_TYPE__CHECK_TYPE_FOLLOW_UP;
        x->conducted_at = event;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 2);
        x->scope = sc->texts[0];
        corpus_text(g, sc->lines[0], sizeof sc->lines[0], 1, 1);
        x->findings = sc->lines[0];
        x->concerns.data = k->subject;
        x->concerns.len = ENTRY_ID_BYTES;
        if (k->confirmed) {
            x->conclusion = LIUHEN__CHECK_CONCLUSION__CHECK_CONCLUSION_CONFIRMED;
            sc->actions[0] = LIUHEN__CHECK_ACTION__CHECK_ACTION_REPORTED_TO_HEAD;
            sc->actions[1] = LIUHEN__CHECK_ACTION__CHECK_ACTION_INVESTIGATED;
            x->n_actions = 2;
        } else {
            x->conclusion = LIUHEN__CHECK_CONCLUSION__CHECK_CONCLUSION_NOT_CONFIRMED;
            sc->actions[0] = LIUHEN__CHECK_ACTION__CHECK_ACTION_NONE;
            x->n_actions = 1;
        }
        x->actions = sc->actions;
        e->kind = LIUHEN__KIND__KIND_SUPERVISION_CHECK;
        e->body_case = LIUHEN__ENTRY__BODY_SUPERVISION_CHECK;
        e->supervision_check = x;
        break;
    }
    case CORPUS_STEP_APPROVAL: {
        /* B§10 (R14): the head approves the notice, with the head's key. */
        Liuhen__Approval *x = &m->approval;
        *x = (Liuhen__Approval)LIUHEN__APPROVAL__INIT;
        x->concerns.data = k->subject;
        x->concerns.len = ENTRY_ID_BYTES;
        snprintf(sc->lines[0], sizeof sc->lines[0], "对%s违反规定干预、插手案件办理的情况予以通报",
                 k->person);
        x->matter = sc->lines[0];
        x->approved = true;
        x->approved_at = event;
        snprintf(sc->lines[1], sizeof sc->lines[1], "同意通报。%s",
                 SENTENCES[corpus_below(g, COUNT(SENTENCES))]);
        x->opinion = sc->lines[1];
        e->kind = LIUHEN__KIND__KIND_APPROVAL;
        e->body_case = LIUHEN__ENTRY__BODY_APPROVAL;
        e->approval = x;
        break;
    }
    case CORPUS_STEP_NOTIFICATION: {
        Liuhen__Notification *x = &m->notification;
        sc->measures[0] = LIUHEN__MEASURE__MEASURE_CIRCULATED_CRITICISM;
        *x = (Liuhen__Notification)LIUHEN__NOTIFICATION__INIT;
        x->subject = LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_INTERFERENCE;
        corpus_set_subject(g, &people[0], k);
        x->person = &people[0];
        x->n_measures = 1;
        x->measures = sc->measures;
        x->issued_at = event;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->content = sc->texts[0];
        x->approved_by = g->principal;
        x->concerns.data = k->subject;
        x->concerns.len = ENTRY_ID_BYTES;
        x->approval.data = k->approval;
        x->approval.len = ENTRY_ID_BYTES;
        snprintf(sc->doc, sizeof sc->doc, "黔应急通〔2024〕%u号", 1 + corpus_below(g, 90));
        x->document_ref = sc->doc;
        e->kind = LIUHEN__KIND__KIND_NOTIFICATION;
        e->body_case = LIUHEN__ENTRY__BODY_NOTIFICATION;
        e->notification = x;
        break;
    }
    case CORPUS_STEP_CLOSED: {
        Liuhen__CaseClosed *x = &m->closed;
        *x = (Liuhen__CaseClosed)LIUHEN__CASE_CLOSED__INIT;
        x->closed_at = event;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->summary = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_CASE_CLOSED;
        e->body_case = LIUHEN__ENTRY__BODY_CASE_CLOSED;
        e->case_closed = x;
        break;
    }
    case CORPUS_STEP_COMPLAINT: {
        Liuhen__Complaint *x = &m->complaint.c;
        Liuhen__Complainant *who = &m->complaint.who;
        sc->conducts[0] = (Liuhen__Conduct)(1 + corpus_below(g, 10));
        *x = (Liuhen__Complaint)LIUHEN__COMPLAINT__INIT;
        *who = (Liuhen__Complainant)LIUHEN__COMPLAINANT__INIT;
        who->name = sc->names[0];
        who->contact = "023-8888xxxx";
        corpus_name(g, k->person, sizeof k->person);
        k->person_unit = UNITS[0];
        k->person_relation = LIUHEN__RELATION__RELATION_ON_STAFF;
        corpus_set_subject(g, &people[0], k);
        ptrs[0] = &people[0];
        x->complainant = who;
        x->channel = (Liuhen__Channel)(1 + corpus_below(g, 6));
        x->received_at = event;
        /* A§10(1): accepted (受理) the day it is received. */
        k->accepted = corpus_between(g, event, recorded);
        x->accepted_at = k->accepted;
        x->n_officers_concerned = 1;
        x->officers_concerned = (Liuhen__Person **)ptrs;
        x->n_conducts = 1;
        x->conducts = sc->conducts;
        x->source = (Liuhen__CaseSource)(1 + corpus_below(g, 7));
        snprintf(sc->doc, sizeof sc->doc, "渝黔应急罚〔2023〕%u号", 1 + corpus_below(g, 900));
        x->enforcement_case = sc->doc;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->summary = sc->texts[0];
        x->jurisdiction = k->to_transfer ? LIUHEN__JURISDICTION__JURISDICTION_TO_TRANSFER
                                         : LIUHEN__JURISDICTION__JURISDICTION_ACCEPTED;
        e->kind = LIUHEN__KIND__KIND_COMPLAINT;
        e->body_case = LIUHEN__ENTRY__BODY_COMPLAINT;
        e->complaint = x;
        break;
    }
    case CORPUS_STEP_ACKNOWLEDGEMENT:
    case CORPUS_STEP_RESULT: {
        /* A§10(1): the complainant is told the complaint is accepted, and
         * once the case is decided, the result: only the result is the
         * answer (R4). */
        Liuhen__Reply *x = &m->reply;
        *x = (Liuhen__Reply)LIUHEN__REPLY__INIT;
        bool result = s == CORPUS_STEP_RESULT;
        x->complaint.data = k->subject;
        x->complaint.len = ENTRY_ID_BYTES;
        x->replied_at = event;
        x->addressee = sc->names[0];
        x->method = (Liuhen__ReplyMethod)(1 + corpus_below(g, 4));
        size_t len = (size_t)snprintf(sc->texts[0], sizeof sc->texts[0], "%s",
                                      result ? "经调查，现将处理结果告知如下："
                                             : "您反映的问题已受理，我局将依法组织调查，"
                                               "调查处理结束后书面告知处理结果。");
        corpus_text(g, sc->texts[0] + len, sizeof sc->texts[0] - len, 0, 3);
        x->content = sc->texts[0];
        x->type = result ? LIUHEN__REPLY_TYPE__REPLY_TYPE_RESULT
                         : LIUHEN__REPLY_TYPE__REPLY_TYPE_ACKNOWLEDGEMENT;
        snprintf(sc->doc, sizeof sc->doc, "黔应急复〔2024〕%u号", 1 + corpus_below(g, 300));
        x->document_ref = sc->doc;
        e->kind = LIUHEN__KIND__KIND_REPLY;
        e->body_case = LIUHEN__ENTRY__BODY_REPLY;
        e->reply = x;
        break;
    }
    case CORPUS_STEP_TRANSFER: {
        /* A§10(1) (R3): transferred within 2 days of 受理; here, within
         * hours, however much later the transfer is recorded. */
        Liuhen__Transfer *x = &m->transfer;
        *x = (Liuhen__Transfer)LIUHEN__TRANSFER__INIT;
        x->complaint.data = k->subject;
        x->complaint.len = ENTRY_ID_BYTES;
        x->to_authority = (char *)AUTHORITIES[corpus_below(g, COUNT(AUTHORITIES))];
        int64_t t = event > k->accepted ? event : k->accepted;
        if (t - k->accepted > TRANSFER_SPAN_MS)
            t = corpus_between(g, k->accepted, k->accepted + TRANSFER_SPAN_MS);
        x->transferred_at = t;
        k->pending_at = t;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->reason = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_TRANSFER;
        e->body_case = LIUHEN__ENTRY__BODY_TRANSFER;
        e->transfer = x;
        break;
    }
    case CORPUS_STEP_REPORT: {
        /* A§10(2): the legal section reports the complaint it accepted to
         * the principal head. */
        Liuhen__Report *x = &m->report;
        *x = (Liuhen__Report)LIUHEN__REPORT__INIT;
        x->matter = LIUHEN__REPORT_MATTER__REPORT_MATTER_COMPLAINT;
        x->concerns.data = k->subject;
        x->concerns.len = ENTRY_ID_BYTES;
        corpus_set_leader(&people[0], g->principal, "局长");
        x->reported_to = &people[0];
        x->reported_at = event;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->content = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_REPORT;
        e->body_case = LIUHEN__ENTRY__BODY_REPORT;
        e->report = x;
        break;
    }
    case CORPUS_STEP_ASSIGNED: {
        /* A§10(2): the principal head assigns a team of the bureau's staff,
         * none of them the officer complained about (R13). */
        Liuhen__InvestigationAssigned *x = &m->assigned;
        *x = (Liuhen__InvestigationAssigned)LIUHEN__INVESTIGATION_ASSIGNED__INIT;
        corpus_staff_name(g, sc->names[1], sizeof sc->names[1]);
        corpus_staff_name(g, sc->names[2], sizeof sc->names[2]);
        corpus_set_leader(&people[0], g->principal, "局长");
        corpus_set_person(g, &people[1], sc->names[1], UNITS[1],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        corpus_set_person(g, &people[2], sc->names[2], UNITS[0],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        ptrs[0] = &people[1];
        ptrs[1] = &people[2];
        x->assigned_by = &people[0];
        x->n_team = 2;
        x->team = (Liuhen__Person **)ptrs;
        x->assigned_at = event;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 3);
        x->scope = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED;
        e->body_case = LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED;
        e->investigation_assigned = x;
        break;
    }
    case CORPUS_STEP_STEP: {
        Liuhen__InvestigationStep *x = &m->step;
        *x = (Liuhen__InvestigationStep)LIUHEN__INVESTIGATION_STEP__INIT;
        x->method = (Liuhen__InvestigationMethod)(1 + corpus_below(g, 4));
        x->conducted_at = event;
        x->place = (char *)PLACES[corpus_below(g, COUNT(PLACES))];
        if (x->method == LIUHEN__INVESTIGATION_METHOD__INVESTIGATION_METHOD_QUESTION_OFFICER)
            corpus_set_subject(g, &people[0], k);
        else
            corpus_set_person(g, &people[0], sc->names[0], UNITS[0],
                              LIUHEN__RELATION__RELATION_ON_STAFF);
        ptrs[0] = &people[0];
        x->n_persons_questioned = 1;
        x->persons_questioned = (Liuhen__Person **)ptrs;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 2, 6);
        x->summary = sc->texts[0];
        /* A§9, A§10(2): the obstruction the team meets, which the decision
         * weighs (R7). */
        if (k->obstruction && k->steps_done + 1 == k->obstructed_step) {
            x->obstruction_observed = true;
            snprintf(sc->texts[1], sizeof sc->texts[1],
                     "%s拒不提供有关案卷材料，并要求其他人员统一口径。", k->person);
            x->obstruction_detail = sc->texts[1];
        }
        e->kind = LIUHEN__KIND__KIND_INVESTIGATION_STEP;
        e->body_case = LIUHEN__ENTRY__BODY_INVESTIGATION_STEP;
        e->investigation_step = x;
        break;
    }
    case CORPUS_STEP_RECOMMENDATION: {
        /* A§7: the legal section proposes; the leadership decides. */
        Liuhen__Recommendation *x = &m->recommendation.r;
        *x = (Liuhen__Recommendation)LIUHEN__RECOMMENDATION__INIT;
        x->wrongful_case = k->wrongful;
        if (k->wrongful) {
            corpus_responsible(g, k, &m->recommendation.rp, &people[0], sc->texts[1],
                               sizeof sc->texts[1]);
            ptrs[0] = &m->recommendation.rp;
            x->n_responsible = 1;
            x->responsible = (Liuhen__ResponsiblePerson **)ptrs;
        }
        x->made_at = event;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 3);
        x->summary = sc->texts[0];
        snprintf(sc->doc, sizeof sc->doc, "黔应急法建〔2024〕%u号", 1 + corpus_below(g, 200));
        x->document_ref = sc->doc;
        x->source = (Liuhen__CaseSource)(1 + corpus_below(g, 7));
        e->kind = LIUHEN__KIND__KIND_RECOMMENDATION;
        e->body_case = LIUHEN__ENTRY__BODY_RECOMMENDATION;
        e->recommendation = x;
        break;
    }
    case CORPUS_STEP_DECISION: {
        /* A§10(3), A§11 (R6, R7): the leadership discusses before it
         * decides; a wrongful case names the responsible person and A§11
         * sanctions only. */
        Liuhen__Decision *x = &m->decision.d;
        Liuhen__CollectiveDiscussion *cd = &m->decision.cd;
        *x = (Liuhen__Decision)LIUHEN__DECISION__INIT;
        *cd = (Liuhen__CollectiveDiscussion)LIUHEN__COLLECTIVE_DISCUSSION__INIT;
        corpus_set_leader(&people[0], g->principal, "局长");
        corpus_set_leader(&people[1], g->deputies[0], "副局长");
        corpus_set_leader(&people[2], g->deputies[1], "副局长");
        corpus_set_leader(&people[3], g->legal_head, "法规科科长");
        for (int i = 0; i < 4; i++)
            ptrs[i] = &people[i];
        cd->held_at = corpus_between(g, k->at != 0 && k->at < event ? k->at : event, event);
        cd->n_participants = 3 + corpus_below(g, 2);
        cd->participants = (Liuhen__Person **)ptrs;
        snprintf(sc->doc, sizeof sc->doc, "党组会纪要〔2024〕%u号", 1 + corpus_below(g, 60));
        cd->minutes_ref = sc->doc;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 1);
        cd->conclusion = sc->texts[0];
        x->collective_discussion = cd;
        x->wrongful_case = k->wrongful;
        if (k->wrongful) {
            corpus_responsible(g, k, &m->decision.rp, &people[4], sc->texts[1],
                               sizeof sc->texts[1]);
            ptrs[4] = &m->decision.rp;
            x->n_responsible = 1;
            x->responsible = (Liuhen__ResponsiblePerson **)&ptrs[4];
            x->source = (Liuhen__CaseSource)(1 + corpus_below(g, 7));
        }
        x->referral = LIUHEN__REFERRAL__REFERRAL_NONE;
        x->decided_at = event;
        corpus_text(g, sc->texts[2], sizeof sc->texts[2], 1, 3);
        x->summary = sc->texts[2];
        snprintf(sc->doc2, sizeof sc->doc2, "黔应急责〔2024〕%u号", 1 + corpus_below(g, 200));
        x->document_ref = sc->doc2;
        x->recommendation.data = k->recommendation;
        x->recommendation.len = ENTRY_ID_BYTES;
        e->kind = LIUHEN__KIND__KIND_DECISION;
        e->body_case = LIUHEN__ENTRY__BODY_DECISION;
        e->decision = x;
        break;
    }
    case CORPUS_STEP_SERVICE: {
        /* A§12: the decision served on the officer, told of the right to
         * state a defence and to petition; the signed receipt scanned. */
        Liuhen__Service *x = &m->service.s;
        Liuhen__Attachment *a = &m->service.a;
        *x = (Liuhen__Service)LIUHEN__SERVICE__INIT;
        *a = (Liuhen__Attachment)LIUHEN__ATTACHMENT__INIT;
        x->decision.data = k->decision;
        x->decision.len = ENTRY_ID_BYTES;
        corpus_set_subject(g, &people[0], k);
        x->served_on = &people[0];
        x->served_at = event;
        x->method = (Liuhen__ServiceMethod)(1 + corpus_below(g, 3));
        x->rights_told = true;
        snprintf(sc->doc, sizeof sc->doc, "黔应急送〔2024〕%u号", 1 + corpus_below(g, 500));
        x->receipt_ref = sc->doc;
        for (size_t i = 0; i < sizeof sc->sha; i++)
            sc->sha[i] = (uint8_t)corpus_rnd(g);
        snprintf(sc->file, sizeof sc->file, "送达回证-%s.pdf", sc->case_id);
        a->name = sc->file;
        a->sha256.data = sc->sha;
        a->sha256.len = sizeof sc->sha;
        a->size = 40000 + corpus_below(g, 400000);
        a->media_type = "application/pdf";
        g->atts[0] = a;
        e->n_attachments = 1;
        e->attachments = (Liuhen__Attachment **)g->atts;
        e->kind = LIUHEN__KIND__KIND_SERVICE;
        e->body_case = LIUHEN__ENTRY__BODY_SERVICE;
        e->service = x;
        break;
    }
    case CORPUS_STEP_PETITION: {
        /* A§12: the officer petitions against the decision. */
        Liuhen__Appeal *x = &m->appeal;
        *x = (Liuhen__Appeal)LIUHEN__APPEAL__INIT;
        x->decision.data = k->decision;
        x->decision.len = ENTRY_ID_BYTES;
        x->type = LIUHEN__APPEAL_TYPE__APPEAL_TYPE_PETITION;
        x->venue = (Liuhen__AppealVenue)(1 + corpus_below(g, 4));
        corpus_set_subject(g, &people[0], k);
        x->appellant = &people[0];
        x->filed_at = event;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->grounds = sc->texts[0];
        x->outcome = LIUHEN__APPEAL_OUTCOME__APPEAL_OUTCOME_PENDING;
        e->kind = LIUHEN__KIND__KIND_APPEAL;
        e->body_case = LIUHEN__ENTRY__BODY_APPEAL;
        e->appeal = x;
        break;
    }
    case CORPUS_STEP_GUIDANCE_WRITTEN:
    case CORPUS_STEP_GUIDANCE_ORAL: {
        /* B§7 (R9): a leader's guidance in writing; oral guidance recorded
         * by the handler. */
        Liuhen__Guidance *x = &m->guidance;
        *x = (Liuhen__Guidance)LIUHEN__GUIDANCE__INIT;
        bool written = s == CORPUS_STEP_GUIDANCE_WRITTEN;
        x->form = written ? LIUHEN__GUIDANCE_FORM__GUIDANCE_FORM_WRITTEN
                          : LIUHEN__GUIDANCE_FORM__GUIDANCE_FORM_ORAL_RECORDED;
        x->basis = written ? LIUHEN__GUIDANCE_BASIS__GUIDANCE_BASIS_LEADERSHIP_SUPERVISION
                           : LIUHEN__GUIDANCE_BASIS__GUIDANCE_BASIS_ROUTINE_INQUIRY;
        corpus_set_leader(&people[0], g->deputies[corpus_below(g, 2)], "副局长");
        x->given_by = &people[0];
        x->given_at = event;
        corpus_text(g, sc->texts[0], sizeof sc->texts[0], 1, 5);
        x->content = sc->texts[0];
        if (written) {
            snprintf(sc->doc, sizeof sc->doc, "黔应急〔2024〕%u号", 1 + corpus_below(g, 300));
            x->document_ref = sc->doc;
        }
        e->kind = LIUHEN__KIND__KIND_GUIDANCE;
        e->body_case = LIUHEN__ENTRY__BODY_GUIDANCE;
        e->guidance = x;
        break;
    }
    }
    return e;
}

void corpus_case_logged(corpus_case *k, const uint8_t id[ENTRY_ID_BYTES])
{
    memcpy(k->head, id, ENTRY_ID_BYTES);
    k->open = true;
    k->at = k->pending_at;
    switch (corpus_case_step(k)) {
    case CORPUS_STEP_INTERFERENCE:
    case CORPUS_STEP_COMPLAINT: memcpy(k->subject, id, ENTRY_ID_BYTES); break;
    case CORPUS_STEP_APPROVAL: memcpy(k->approval, id, ENTRY_ID_BYTES); break;
    case CORPUS_STEP_RECOMMENDATION: memcpy(k->recommendation, id, ENTRY_ID_BYTES); break;
    case CORPUS_STEP_DECISION: memcpy(k->decision, id, ENTRY_ID_BYTES); break;
    case CORPUS_STEP_STEP: k->steps_done++; break;
    default: break;
    }
    k->next++;
}

/* ---- the generator --------------------------------------------------------------------------- */

static int corpus_gen_init(corpus_gen *g, const char *origin, const char *case_prefix,
                           uint64_t seed)
{
    if (origin == NULL || case_prefix == NULL || strlen(case_prefix) > 40)
        return LH_EINVAL;
    g->origin = origin;
    snprintf(g->prefix, sizeof g->prefix, "%s", case_prefix);
    /* xorshift must not start from zero. */
    g->rng = seed != 0 ? seed : UINT64_C(0x6c697568656e0005);
    /* Four leaders of four different names. */
    char *leaders[] = {g->principal, g->deputies[0], g->deputies[1], g->legal_head};
    for (size_t i = 0; i < COUNT(leaders); i++) {
        bool again;
        do {
            corpus_staff_name(g, leaders[i], sizeof g->principal);
            again = false;
            for (size_t j = 0; j < i; j++)
                again = again || strcmp(leaders[i], leaders[j]) == 0;
        } while (again);
    }
    return 0;
}

int corpus_gen_new(const char *origin, const char *case_prefix, uint64_t seed, corpus_gen **out)
{
    *out = NULL;
    corpus_gen *g = calloc(1, sizeof *g);
    if (g == NULL)
        return LH_ENOMEM;
    int rc = corpus_gen_init(g, origin, case_prefix, seed);
    if (rc != 0) {
        free(g);
        return rc;
    }
    *out = g;
    return 0;
}

void corpus_gen_free(corpus_gen *g)
{
    free(g);
}

void corpus_staff(uint32_t i, char *name, size_t cap, const char **position, const char **unit)
{
    snprintf(name, cap, "%s%s", SURNAMES[i % COUNT(SURNAMES)],
             GIVEN_STAFF[(i / COUNT(SURNAMES)) % COUNT(GIVEN_STAFF)]);
    /* Posts and units of the bureau itself: no retired cadre, no other
     * authority. */
    *position = POSITIONS[i % 5];
    *unit = UNITS[i % 4];
}

/* ---- the stream ------------------------------------------------------------------------------ */

static int64_t corpus_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The author fields of the record: key, and the chain links from the
 * author's head this stream holds (docs/design.md "Entries"). */
static void corpus_header(corpus *c, Liuhen__Entry *e)
{
    e->author_key.data = c->pk;
    e->author_key.len = ENTRY_KEY_BYTES;
    e->author_seq = c->seq + 1;
    if (c->seq > 0) {
        e->author_prev.data = c->head;
        e->author_prev.len = ENTRY_ID_BYTES;
    }
}

int corpus_new(const char *origin, const uint8_t author_key[ENTRY_KEY_BYTES],
               const char *case_prefix, uint64_t seed, corpus **out)
{
    *out = NULL;
    if (author_key == NULL)
        return LH_EINVAL;
    corpus *c = calloc(1, sizeof *c);
    if (c == NULL)
        return LH_ENOMEM;
    int rc = corpus_gen_init(&c->g, origin, case_prefix, seed);
    if (rc != 0) {
        free(c);
        return rc;
    }
    memcpy(c->pk, author_key, ENTRY_KEY_BYTES);
    for (size_t i = 0; i < ACTIVE_CASES; i++)
        corpus_case_start(&c->g, &c->cases[i], CORPUS_PLAN_MAX);
    *out = c;
    return 0;
}

void corpus_free(corpus *c)
{
    free(c);
}

/* A case whose complaint waits for its answer, or NULL: the result of a
 * decided case (R4), or the transfer of a complaint for another authority
 * (R3). */
static corpus_case *corpus_reply_due(corpus *c)
{
    for (size_t i = 0; i < ACTIVE_CASES; i++) {
        const corpus_case *k = &c->cases[i];
        if (corpus_case_left(k) > 0 && (corpus_case_step(k) == CORPUS_STEP_RESULT ||
                                        corpus_case_step(k) == CORPUS_STEP_TRANSFER))
            return &c->cases[i];
    }
    return NULL;
}

bool corpus_settled(const corpus *c)
{
    return corpus_reply_due((corpus *)c) == NULL;
}

const Liuhen__Entry *corpus_next(corpus *c)
{
    /* A decided complaint is answered, and one for another authority
     * transferred, by the author's very next record, so that the stream is
     * almost always at a point where it may stop. */
    corpus_case *k = corpus_reply_due(c);
    if (k == NULL)
        k = &c->cases[corpus_below(&c->g, ACTIVE_CASES)];
    /* Texts are drawn at random: draw again until the record has a size
     * of the range, so that the load has the sizes it claims. */
    Liuhen__Entry *e = NULL;
    for (int tries = 0; tries < SIZE_TRIES; tries++) {
        e = corpus_gen_record(&c->g, k, corpus_now_ms());
        corpus_header(c, e);
        size_t len = liuhen__entry__get_packed_size(e);
        if (len >= CORPUS_ENTRY_MIN && len <= CORPUS_ENTRY_MAX)
            break;
    }
    c->current = k;
    return e;
}

void corpus_logged(corpus *c, const uint8_t id[ENTRY_ID_BYTES])
{
    corpus_case *k = c->current;
    if (k == NULL)
        return;
    c->seq++;
    memcpy(c->head, id, ENTRY_ID_BYTES);
    corpus_case_logged(k, id);
    /* A stream's cases never end: each one done is replaced. */
    if (corpus_case_left(k) == 0)
        corpus_case_start(&c->g, k, CORPUS_PLAN_MAX);
    c->current = NULL;
}

int corpus_sign_next(corpus *c, const uint8_t sk[ENTRY_SK_BYTES], uint8_t *out, size_t cap,
                     size_t *len, lh_err *err)
{
    const Liuhen__Entry *e = corpus_next(c);
    size_t elen = liuhen__entry__get_packed_size(e);
    if (elen > CORPUS_ENTRY_MAX)
        return lh_err_set(err, LH_EINTERNAL, "corpus: a record of %zu bytes, more than %d", elen,
                          CORPUS_ENTRY_MAX);
    memcpy(c->msg, ENTRY_SIG_CONTEXT, ENTRY_SIG_CONTEXT_LEN);
    uint8_t *entry = c->msg + ENTRY_SIG_CONTEXT_LEN;
    liuhen__entry__pack(e, entry);
    /* The generator checks its own output with the rules the daemon
     * applies, now and not when the daemon refuses it under load: every
     * record at first, then a sample, since signing ahead is done with
     * the clock stopped but not for free. */
    int rc;
    if (c->seq < 1000 || c->seq % 64 == 0) {
        lh_err verr = {{0}};
        if ((rc = validate_entry(entry, elen, c->g.origin, NULL, &verr)) != 0)
            return lh_err_set(err, LH_EINTERNAL, "corpus: a record does not validate: %s",
                              verr.msg);
    }
    /* Signed without entry_sign()'s check of its own signature, which
     * would double the time of signing ahead; the daemon checks every one. */
    uint8_t sig[ENTRY_SIG_BYTES];
    crypto_sign_ed25519_detached(sig, NULL, c->msg, ENTRY_SIG_CONTEXT_LEN + elen, sk);
    if ((rc = entry_signed_pack(entry, elen, sig, out, cap, len)) != 0)
        return lh_err_set(err, rc, "corpus: no room for a signed entry of %zu bytes", elen);
    uint8_t id[ENTRY_ID_BYTES];
    entry_id(entry, elen, id);
    corpus_logged(c, id);
    return 0;
}
