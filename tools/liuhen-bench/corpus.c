/*
 * corpus.c — one author's stream of realistic records (corpus.h): the case
 * plans, the bodies of every kind with Chinese texts of realistic length,
 * the chain links, and signing ahead of time.
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
/* The longest plan of a case: complaint, reply, assignment, 4 steps,
 * decision, appeal, closing. */
#define PLAN_MAX 12
/* Tries at a record whose size falls in CORPUS_ENTRY_MIN..MAX. */
#define SIZE_TRIES 64

/* What a case does next. */
typedef enum step {
    S_INTERFERENCE,
    S_CORRECTION,
    S_NOTIFICATION,
    S_CLOSED,
    S_COMPLAINT,
    S_REPLY,
    S_ASSIGNED,
    S_STEP,
    S_DECISION,
    S_APPEAL,
    S_GUIDANCE_WRITTEN,
    S_GUIDANCE_ORAL
} step;

typedef struct corpus_case {
    uint64_t number;        /* its id is <prefix>-<number> */
    uint8_t plan[PLAN_MAX]; /* its entries, in order */
    unsigned nplan, next;   /* the plan's length; the next step */
    bool open;              /* has an entry: case_prev is head */
    uint8_t head[ENTRY_ID_BYTES];
    /* What its next entry refers to: the complaint (REPLY), the decision
     * (APPEAL), the interference (CORRECTION, NOTIFICATION). */
    uint8_t ref[ENTRY_ID_BYTES];
} corpus_case;

/* The strings and lists a record points to. */
typedef struct scratch {
    char case_id[96];
    char names[6][32];
    char texts[4][2048];
    char doc[64];
    Liuhen__InterferenceCategory categories[1];
    Liuhen__Conduct conducts[1];
    Liuhen__Sanction sanctions[2];
    Liuhen__Measure measures[1];
} scratch;

/* The body memory of one record: the largest body and what hangs from it. */
typedef union body_mem {
    struct {
        Liuhen__Decision d;
        Liuhen__CollectiveDiscussion cd;
        Liuhen__ResponsiblePerson rp;
    } decision;
    struct {
        Liuhen__Complaint c;
        Liuhen__Complainant who;
    } complaint;
    struct {
        Liuhen__Correction c;
        Liuhen__FieldCorrection fc;
    } correction;
    Liuhen__Interference interference;
    Liuhen__Notification notification;
    Liuhen__CaseClosed closed;
    Liuhen__Reply reply;
    Liuhen__InvestigationAssigned assigned;
    Liuhen__InvestigationStep step;
    Liuhen__Appeal appeal;
    Liuhen__Guidance guidance;
} body_mem;

struct corpus {
    const char *origin;
    uint8_t pk[ENTRY_KEY_BYTES];
    char prefix[48];
    uint64_t rng;
    /* The author's chain. */
    uint64_t seq;
    uint8_t head[ENTRY_ID_BYTES];
    /* The open cases. */
    corpus_case cases[ACTIVE_CASES];
    uint64_t next_case;
    /* The record last returned, waiting for corpus_logged(). */
    corpus_case *current;
    step current_step;
    Liuhen__Entry e;
    scratch sc;
    body_mem m;
    Liuhen__Person people[6];
    void *ptrs[8];
    /* ENTRY_SIG_CONTEXT || entry, for signing. */
    uint8_t msg[ENTRY_SIG_CONTEXT_LEN + CORPUS_ENTRY_MAX];
};

static const Liuhen__Role ROLES[] = {LIUHEN__ROLE__ROLE_HANDLER, LIUHEN__ROLE__ROLE_LEGAL,
                                     LIUHEN__ROLE__ROLE_LEADER, LIUHEN__ROLE__ROLE_INVESTIGATOR};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const Liuhen__Role *corpus_roles(size_t *n)
{
    *n = COUNT(ROLES);
    return ROLES;
}

/* xorshift64*: the same records for the same seed, on every machine. */
static uint64_t corpus_rnd(corpus *c)
{
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return c->rng * UINT64_C(0x2545f4914f6cdd1d);
}

static unsigned corpus_below(corpus *c, unsigned n)
{
    return (unsigned)(corpus_rnd(c) % n);
}

static int64_t corpus_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- texts ----------------------------------------------------------------------------------- */

static const char *const SURNAMES[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
                                       "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧"};
static const char *const GIVEN[] = {"伟",   "芳",   "娜",   "敏",   "静",   "丽",   "强",
                                    "磊",   "军",   "洋",   "勇",   "艳",   "杰",   "娟",
                                    "涛",   "明",   "超",   "霞",   "平",   "刚",   "桂英",
                                    "秀英", "建华", "建国", "志强", "海燕", "晓东", "文博"};
static const char *const PLACES[] = {"执法支队办公室", "局机关三楼会议室", "当事人企业厂区",
                                     "执法支队值班室", "局机关法规科",     "区政务服务中心"};
static const char *const UNITS[] = {"区应急管理局执法支队", "区应急管理局法规科",
                                    "区应急管理局危化科",   "区应急管理局办公室",
                                    "某街道办事处",         "区市场监督管理局"};
static const char *const POSITIONS[] = {"科员", "副科长", "科长", "执法队员", "副局长", "退休干部"};
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
};

static void corpus_name(corpus *c, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", SURNAMES[corpus_below(c, COUNT(SURNAMES))],
             GIVEN[corpus_below(c, COUNT(GIVEN))]);
}

/* min..max sentences of the corpus. */
static void corpus_text(corpus *c, char *out, size_t cap, unsigned min, unsigned max)
{
    size_t len = 0;
    unsigned n = min + corpus_below(c, max - min + 1);
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        const char *s = SENTENCES[corpus_below(c, COUNT(SENTENCES))];
        size_t l = strlen(s);
        if (len + l + 1 > cap)
            break;
        memcpy(out + len, s, l + 1);
        len += l;
    }
}

/* ---- cases ----------------------------------------------------------------------------------- */

/* A new case's plan: an interference (45%), a complaint carried to its
 * decision (35%), guidance (20%). */
static void corpus_plan_case(corpus *c, corpus_case *k)
{
    memset(k, 0, sizeof *k);
    k->number = ++c->next_case;
    unsigned n = 0, kind = corpus_below(c, 20);
    if (kind < 9) {
        k->plan[n++] = S_INTERFERENCE;
        if (corpus_below(c, 10) == 0)
            k->plan[n++] = S_CORRECTION;
        if (corpus_below(c, 10) < 3)
            k->plan[n++] = S_NOTIFICATION;
        if (corpus_below(c, 2) == 0)
            k->plan[n++] = S_CLOSED;
    } else if (kind < 16) {
        k->plan[n++] = S_COMPLAINT;
        k->plan[n++] = S_REPLY;
        k->plan[n++] = S_ASSIGNED;
        for (unsigned i = 1 + corpus_below(c, 4); i > 0; i--)
            k->plan[n++] = S_STEP;
        k->plan[n++] = S_DECISION;
        if (corpus_below(c, 5) == 0)
            k->plan[n++] = S_APPEAL;
        k->plan[n++] = S_CLOSED;
    } else {
        k->plan[n++] = S_GUIDANCE_WRITTEN;
        if (corpus_below(c, 2) == 0)
            k->plan[n++] = S_GUIDANCE_ORAL;
        if (corpus_below(c, 2) == 0)
            k->plan[n++] = S_CLOSED;
    }
    k->nplan = n;
}

static void corpus_set_person(corpus *c, Liuhen__Person *p, char *name, const char *unit,
                              Liuhen__Relation rel)
{
    *p = (Liuhen__Person)LIUHEN__PERSON__INIT;
    p->name = name;
    p->position = (char *)POSITIONS[corpus_below(c, COUNT(POSITIONS))];
    p->unit = (char *)unit;
    p->relation = rel;
}

/*
 * Fill c->e's kind, case, recorded_at and body for step s of case k, in the
 * stream's record memory. Times: B§3, B§12 (R10) want records made soon
 * after the event; recorded a few seconds to two minutes before now, the
 * event up to four hours before that.
 */
static void corpus_fill(corpus *c, step s, corpus_case *k)
{
    scratch *sc = &c->sc;
    body_mem *m = &c->m;
    Liuhen__Entry *e = &c->e;
    Liuhen__Person *people = c->people;
    void **ptrs = c->ptrs;
    int64_t recorded = corpus_now_ms() - 1000 - (int64_t)corpus_below(c, 120000);
    int64_t event = recorded - (int64_t)corpus_below(c, 4 * 3600 * 1000);
    *e = (Liuhen__Entry)LIUHEN__ENTRY__INIT;
    snprintf(sc->case_id, sizeof sc->case_id, "%s-%05" PRIu64, c->prefix, k->number);
    e->case_id = sc->case_id;
    e->recorded_at = recorded;
    for (int i = 0; i < 6; i++)
        corpus_name(c, sc->names[i], sizeof sc->names[i]);

    switch (s) {
    case S_INTERFERENCE: {
        Liuhen__Interference *x = &m->interference;
        *x = (Liuhen__Interference)LIUHEN__INTERFERENCE__INIT;
        sc->categories[0] = (Liuhen__InterferenceCategory)(1 + corpus_below(c, 7));
        x->occurred_at = event;
        x->place = (char *)PLACES[corpus_below(c, COUNT(PLACES))];
        corpus_set_person(c, &people[0], sc->names[0], UNITS[corpus_below(c, COUNT(UNITS))],
                          (Liuhen__Relation)(1 + corpus_below(c, 4)));
        x->person = &people[0];
        x->manner = (Liuhen__Manner)(1 + corpus_below(c, 6));
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->content = sc->texts[0];
        x->n_categories = 1;
        x->categories = sc->categories;
        x->response = (Liuhen__HandlerResponse)(1 + corpus_below(c, 2));
        corpus_text(c, sc->texts[1], sizeof sc->texts[1], 1, 1);
        x->response_detail = sc->texts[1];
        x->reported_to = (Liuhen__ReportedTo)(1 + corpus_below(c, 3));
        x->reported_at = recorded;
        e->kind = LIUHEN__KIND__KIND_INTERFERENCE;
        e->body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
        e->interference = x;
        break;
    }
    case S_CORRECTION: {
        Liuhen__Correction *x = &m->correction.c;
        Liuhen__FieldCorrection *fc = &m->correction.fc;
        *x = (Liuhen__Correction)LIUHEN__CORRECTION__INIT;
        *fc = (Liuhen__FieldCorrection)LIUHEN__FIELD_CORRECTION__INIT;
        fc->field = "interference.place";
        fc->old_value = (char *)PLACES[0];
        fc->new_value = (char *)PLACES[1];
        ptrs[0] = fc;
        x->corrects.data = k->ref;
        x->corrects.len = ENTRY_ID_BYTES;
        x->n_changes = 1;
        x->changes = (Liuhen__FieldCorrection **)ptrs;
        snprintf(sc->texts[0], sizeof sc->texts[0], "地点记录不准确，予以更正。%s",
                 SENTENCES[corpus_below(c, COUNT(SENTENCES))]);
        x->reason = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_CORRECTION;
        e->body_case = LIUHEN__ENTRY__BODY_CORRECTION;
        e->correction = x;
        break;
    }
    case S_NOTIFICATION: {
        Liuhen__Notification *x = &m->notification;
        sc->measures[0] = LIUHEN__MEASURE__MEASURE_CIRCULATED_CRITICISM;
        *x = (Liuhen__Notification)LIUHEN__NOTIFICATION__INIT;
        x->subject = LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_INTERFERENCE;
        corpus_set_person(c, &people[0], sc->names[0], UNITS[corpus_below(c, COUNT(UNITS))],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        x->person = &people[0];
        x->n_measures = 1;
        x->measures = sc->measures;
        x->issued_at = event;
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->content = sc->texts[0];
        x->approved_by = sc->names[1];
        x->concerns.data = k->ref;
        x->concerns.len = ENTRY_ID_BYTES;
        e->kind = LIUHEN__KIND__KIND_NOTIFICATION;
        e->body_case = LIUHEN__ENTRY__BODY_NOTIFICATION;
        e->notification = x;
        break;
    }
    case S_CLOSED: {
        Liuhen__CaseClosed *x = &m->closed;
        *x = (Liuhen__CaseClosed)LIUHEN__CASE_CLOSED__INIT;
        x->closed_at = event;
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->summary = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_CASE_CLOSED;
        e->body_case = LIUHEN__ENTRY__BODY_CASE_CLOSED;
        e->case_closed = x;
        break;
    }
    case S_COMPLAINT: {
        Liuhen__Complaint *x = &m->complaint.c;
        Liuhen__Complainant *who = &m->complaint.who;
        sc->conducts[0] = (Liuhen__Conduct)(1 + corpus_below(c, 10));
        *x = (Liuhen__Complaint)LIUHEN__COMPLAINT__INIT;
        *who = (Liuhen__Complainant)LIUHEN__COMPLAINANT__INIT;
        who->name = sc->names[0];
        who->contact = "023-8888xxxx";
        corpus_set_person(c, &people[0], sc->names[1], UNITS[0],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        ptrs[0] = &people[0];
        x->complainant = who;
        x->channel = (Liuhen__Channel)(1 + corpus_below(c, 6));
        x->received_at = event;
        x->n_officers_concerned = 1;
        x->officers_concerned = (Liuhen__Person **)ptrs;
        x->n_conducts = 1;
        x->conducts = sc->conducts;
        x->source = (Liuhen__CaseSource)(1 + corpus_below(c, 7));
        snprintf(sc->doc, sizeof sc->doc, "渝黔应急罚〔2023〕%u号", 1 + corpus_below(c, 900));
        x->enforcement_case = sc->doc;
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->summary = sc->texts[0];
        x->jurisdiction = LIUHEN__JURISDICTION__JURISDICTION_ACCEPTED;
        e->kind = LIUHEN__KIND__KIND_COMPLAINT;
        e->body_case = LIUHEN__ENTRY__BODY_COMPLAINT;
        e->complaint = x;
        break;
    }
    case S_REPLY: {
        Liuhen__Reply *x = &m->reply;
        *x = (Liuhen__Reply)LIUHEN__REPLY__INIT;
        x->complaint.data = k->ref;
        x->complaint.len = ENTRY_ID_BYTES;
        x->replied_at = event;
        x->addressee = sc->names[0];
        x->method = (Liuhen__ReplyMethod)(1 + corpus_below(c, 4));
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->content = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_REPLY;
        e->body_case = LIUHEN__ENTRY__BODY_REPLY;
        e->reply = x;
        break;
    }
    case S_ASSIGNED: {
        Liuhen__InvestigationAssigned *x = &m->assigned;
        *x = (Liuhen__InvestigationAssigned)LIUHEN__INVESTIGATION_ASSIGNED__INIT;
        corpus_set_person(c, &people[0], sc->names[0], UNITS[3],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        corpus_set_person(c, &people[1], sc->names[1], UNITS[1],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        corpus_set_person(c, &people[2], sc->names[2], UNITS[0],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        ptrs[0] = &people[1];
        ptrs[1] = &people[2];
        x->assigned_by = &people[0];
        x->n_team = 2;
        x->team = (Liuhen__Person **)ptrs;
        x->assigned_at = event;
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 3);
        x->scope = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED;
        e->body_case = LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED;
        e->investigation_assigned = x;
        break;
    }
    case S_STEP: {
        Liuhen__InvestigationStep *x = &m->step;
        *x = (Liuhen__InvestigationStep)LIUHEN__INVESTIGATION_STEP__INIT;
        x->method = (Liuhen__InvestigationMethod)(1 + corpus_below(c, 4));
        x->conducted_at = event;
        x->place = (char *)PLACES[corpus_below(c, COUNT(PLACES))];
        corpus_set_person(c, &people[0], sc->names[0], UNITS[0],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        ptrs[0] = &people[0];
        x->n_persons_questioned = 1;
        x->persons_questioned = (Liuhen__Person **)ptrs;
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 2, 6);
        x->summary = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_INVESTIGATION_STEP;
        e->body_case = LIUHEN__ENTRY__BODY_INVESTIGATION_STEP;
        e->investigation_step = x;
        break;
    }
    case S_DECISION: {
        /* A§10(3), A§11 (R6, R7): discussed by the leadership; a wrongful
         * case names the responsible person and A§11 sanctions only. */
        Liuhen__Decision *x = &m->decision.d;
        Liuhen__CollectiveDiscussion *cd = &m->decision.cd;
        Liuhen__ResponsiblePerson *rp = &m->decision.rp;
        sc->sanctions[0] = (Liuhen__Sanction)(1 + corpus_below(c, 3));
        sc->sanctions[1] = (Liuhen__Sanction)(4 + corpus_below(c, 3));
        *x = (Liuhen__Decision)LIUHEN__DECISION__INIT;
        *cd = (Liuhen__CollectiveDiscussion)LIUHEN__COLLECTIVE_DISCUSSION__INIT;
        *rp = (Liuhen__ResponsiblePerson)LIUHEN__RESPONSIBLE_PERSON__INIT;
        for (int i = 0; i < 3; i++) {
            corpus_set_person(c, &people[i], sc->names[i], UNITS[3],
                              LIUHEN__RELATION__RELATION_ON_STAFF);
            ptrs[i] = &people[i];
        }
        cd->held_at = event;
        cd->n_participants = 3;
        cd->participants = (Liuhen__Person **)ptrs;
        snprintf(sc->doc, sizeof sc->doc, "党组会纪要〔2024〕%u号", 1 + corpus_below(c, 60));
        cd->minutes_ref = sc->doc;
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 1);
        cd->conclusion = sc->texts[0];
        x->collective_discussion = cd;
        x->wrongful_case = corpus_below(c, 10) < 3;
        if (x->wrongful_case) {
            corpus_set_person(c, &people[3], sc->names[3], UNITS[0],
                              LIUHEN__RELATION__RELATION_ON_STAFF);
            rp->person = &people[3];
            corpus_text(c, sc->texts[1], sizeof sc->texts[1], 1, 1);
            rp->responsibility = sc->texts[1];
            rp->n_sanctions = 1 + corpus_below(c, 2);
            rp->sanctions = sc->sanctions;
            ptrs[3] = rp;
            x->n_responsible = 1;
            x->responsible = (Liuhen__ResponsiblePerson **)&ptrs[3];
        }
        x->source = (Liuhen__CaseSource)(1 + corpus_below(c, 7));
        x->referral = LIUHEN__REFERRAL__REFERRAL_NONE;
        x->decided_at = event;
        corpus_text(c, sc->texts[2], sizeof sc->texts[2], 1, 3);
        x->summary = sc->texts[2];
        e->kind = LIUHEN__KIND__KIND_DECISION;
        e->body_case = LIUHEN__ENTRY__BODY_DECISION;
        e->decision = x;
        break;
    }
    case S_APPEAL: {
        Liuhen__Appeal *x = &m->appeal;
        *x = (Liuhen__Appeal)LIUHEN__APPEAL__INIT;
        x->decision.data = k->ref;
        x->decision.len = ENTRY_ID_BYTES;
        x->type = LIUHEN__APPEAL_TYPE__APPEAL_TYPE_STATEMENT_DEFENCE;
        x->venue = (Liuhen__AppealVenue)(1 + corpus_below(c, 4));
        corpus_set_person(c, &people[0], sc->names[0], UNITS[0],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        x->appellant = &people[0];
        x->filed_at = event;
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->grounds = sc->texts[0];
        x->outcome = LIUHEN__APPEAL_OUTCOME__APPEAL_OUTCOME_PENDING;
        e->kind = LIUHEN__KIND__KIND_APPEAL;
        e->body_case = LIUHEN__ENTRY__BODY_APPEAL;
        e->appeal = x;
        break;
    }
    case S_GUIDANCE_WRITTEN:
    case S_GUIDANCE_ORAL: {
        /* B§7 (R9): a leader's guidance in writing; oral guidance recorded
         * by the handler. */
        Liuhen__Guidance *x = &m->guidance;
        *x = (Liuhen__Guidance)LIUHEN__GUIDANCE__INIT;
        bool written = s == S_GUIDANCE_WRITTEN;
        x->form = written ? LIUHEN__GUIDANCE_FORM__GUIDANCE_FORM_WRITTEN
                          : LIUHEN__GUIDANCE_FORM__GUIDANCE_FORM_ORAL_RECORDED;
        x->basis = written ? LIUHEN__GUIDANCE_BASIS__GUIDANCE_BASIS_LEADERSHIP_SUPERVISION
                           : LIUHEN__GUIDANCE_BASIS__GUIDANCE_BASIS_ROUTINE_INQUIRY;
        corpus_set_person(c, &people[0], sc->names[0], UNITS[3],
                          LIUHEN__RELATION__RELATION_ON_STAFF);
        x->given_by = &people[0];
        x->given_at = event;
        corpus_text(c, sc->texts[0], sizeof sc->texts[0], 1, 5);
        x->content = sc->texts[0];
        if (written) {
            snprintf(sc->doc, sizeof sc->doc, "黔应急〔2024〕%u号", 1 + corpus_below(c, 300));
            x->document_ref = sc->doc;
        }
        e->kind = LIUHEN__KIND__KIND_GUIDANCE;
        e->body_case = LIUHEN__ENTRY__BODY_GUIDANCE;
        e->guidance = x;
        break;
    }
    }
}

/* The header fields the author fills: origin, key, and the chain links
 * from the heads this stream holds (docs/design.md "Entries"). */
static void corpus_header(corpus *c, corpus_case *k)
{
    Liuhen__Entry *e = &c->e;
    e->origin = (char *)c->origin;
    e->author_key.data = c->pk;
    e->author_key.len = ENTRY_KEY_BYTES;
    e->author_seq = c->seq + 1;
    if (c->seq > 0) {
        e->author_prev.data = c->head;
        e->author_prev.len = ENTRY_ID_BYTES;
    }
    if (k->open) {
        e->case_prev.data = k->head;
        e->case_prev.len = ENTRY_ID_BYTES;
    }
}

/* ---- the stream ------------------------------------------------------------------------------ */

int corpus_new(const char *origin, const uint8_t author_key[ENTRY_KEY_BYTES],
               const char *case_prefix, uint64_t seed, corpus **out)
{
    *out = NULL;
    if (origin == NULL || author_key == NULL || case_prefix == NULL || strlen(case_prefix) > 40)
        return LH_EINVAL;
    corpus *c = calloc(1, sizeof *c);
    if (c == NULL)
        return LH_ENOMEM;
    c->origin = origin;
    memcpy(c->pk, author_key, ENTRY_KEY_BYTES);
    snprintf(c->prefix, sizeof c->prefix, "%s", case_prefix);
    /* xorshift must not start from zero. */
    c->rng = seed != 0 ? seed : UINT64_C(0x6c697568656e0005);
    for (size_t i = 0; i < ACTIVE_CASES; i++)
        corpus_plan_case(c, &c->cases[i]);
    *out = c;
    return 0;
}

void corpus_free(corpus *c)
{
    free(c);
}

/* A case whose complaint waits for its REPLY, or NULL. */
static corpus_case *corpus_reply_due(corpus *c)
{
    for (size_t i = 0; i < ACTIVE_CASES; i++)
        if (c->cases[i].next < c->cases[i].nplan && c->cases[i].plan[c->cases[i].next] == S_REPLY)
            return &c->cases[i];
    return NULL;
}

bool corpus_settled(const corpus *c)
{
    return corpus_reply_due((corpus *)c) == NULL;
}

const Liuhen__Entry *corpus_next(corpus *c)
{
    /* A complaint is answered by the author's very next record, so that
     * the stream is almost always at a point where it may stop. */
    corpus_case *k = corpus_reply_due(c);
    if (k == NULL)
        k = &c->cases[corpus_below(c, ACTIVE_CASES)];
    step s = (step)k->plan[k->next];
    /* Texts are drawn at random: draw again until the record has a size
     * of the range, so that the load has the sizes it claims. */
    for (int tries = 0; tries < SIZE_TRIES; tries++) {
        corpus_fill(c, s, k);
        corpus_header(c, k);
        size_t len = liuhen__entry__get_packed_size(&c->e);
        if (len >= CORPUS_ENTRY_MIN && len <= CORPUS_ENTRY_MAX)
            break;
    }
    c->current = k;
    c->current_step = s;
    return &c->e;
}

void corpus_logged(corpus *c, const uint8_t id[ENTRY_ID_BYTES])
{
    corpus_case *k = c->current;
    if (k == NULL)
        return;
    c->seq++;
    memcpy(c->head, id, ENTRY_ID_BYTES);
    memcpy(k->head, id, ENTRY_ID_BYTES);
    k->open = true;
    step s = c->current_step;
    if (s == S_INTERFERENCE || s == S_COMPLAINT || s == S_DECISION)
        memcpy(k->ref, id, ENTRY_ID_BYTES);
    if (++k->next == k->nplan)
        corpus_plan_case(c, k);
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
        if ((rc = validate_entry(entry, elen, c->origin, NULL, &verr)) != 0)
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
