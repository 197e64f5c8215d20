/*
 * verify_bench.c — the benchmark of liuhen-verify.
 *
 * It builds the tiles directory of a 1,000,000-entry log from first
 * principles with the format core: real entries, signed with Ed25519 by a
 * few thousand keys that the log enrolls itself (the genesis entry, signed
 * by the log's key, enrolls the first admin, who enrolls everyone else,
 * docs/design.md "Kinds and roles"), each kind appended by a role that may
 * append it, in cases that follow the regulations as liuhen-verify --rules
 * reads them (docs/regulation.md), with Chinese texts of realistic length,
 * author and case chains, and times a year long:
 *  - interferences with their five elements, reported with the time to the
 *    legal section, which follows them up (B§3, B§4), or to the justice
 *    bureau's supervision office; one the legal section confirms is
 *    notified after a leader's APPROVAL, which the notice names (B§10);
 *  - complaints transferred within hours of 受理 (A§10(1)), or accepted,
 *    acknowledged and reported to the principal head, whose key (enrolled
 *    as such) assigns the team; steps of the investigation; the legal
 *    section's recommendation (A§7); the decision after the collective
 *    discussion of named leaders (A§10(3)), with A§11 sanctions only, a 处分
 *    with its grade, an obstruction weighed (A§9); the result told to the
 *    complainant; the decision served (A§12), sometimes petitioned; the
 *    closing, after which nothing is added;
 *  - guidance in writing, oral guidance recorded by a handler (B§7);
 *  - the officers complained about and the persons who interfere have
 *    given names no key holder, leader or team member has, so that nobody
 *    takes part in their own case (R13).
 * The directory is written with tests/util/tamper.h (entry bundles as they
 * come, hash tiles from an in-memory stored-hash table, a checkpoint signed
 * by the log key), so building uses bounded buffers too.
 *
 * Then it runs liuhen-verify on it (by default with --rules, the whole of
 * an inspector's check) and reports, one line per figure: entries per
 * second, the verifier's CPU time and the cores it kept busy, its peak
 * memory (maximum resident set size; both from wait4()), and this
 * machine's Ed25519 verification rate measured in the same run with
 * libsodium (entry_verify() on entries of the log's sizes), on one core and
 * on every core at once: the latter is the ceiling of a verifier that
 * checks every signature, the yardstick of "signature checks use every
 * core".
 *
 * A log built once is kept in its directory with the parameters that made
 * it (DIR/../NAME.params) and reused by the next run with the same ones.
 *
 *     verify_bench [--entries N] [--keys K] [--dir DIR] [--verifier PATH]
 *                  [--no-rules] [--rebuild]
 *
 * Exit status: 0 when the verifier found the log clean, 1 when it did not
 * (the benchmark then says so: its figures would measure something else),
 * 2 for a usage error, 3 when the log cannot be built or the verifier run.
 *
 * One file, longer than most: it is one program, whose generator of
 * realistic cases is all of its length; split, no part would be used
 * twice.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "entry.h"
#include "errors.h"
#include "liuhen.pb-c.h"
#include "note.h"
#include "tamper.h"
#include "tile.h"
#include "validate.h"

#ifndef LH_BUILD_DIR
#define LH_BUILD_DIR "build"
#endif

/* The generator's version: a kept log made by another version is rebuilt. */
#define BENCH_VERSION 2
#define BENCH_ORIGIN  "bench.liuhen.example/log"
/* 2024-01-01 00:00:00 +08:00, the start of the simulated year. */
#define BENCH_T0 INT64_C(1704038400000)

#define DEFAULT_ENTRIES UINT64_C(1000000)
#define DEFAULT_KEYS    3000u
#define MAX_KEYS        100000u

/* Cases open at once: their entries interleave in the log. */
#define ACTIVE_CASES 2000
/* Entries signed together; a batch holds at most one entry per author and
 * per case, since each entry's chain links name the previous one's hash. */
#define BATCH_MAX 256
/* The longest plan of a case: complaint, acknowledgement, report,
 * assignment, 4 steps, recommendation, decision, result, service,
 * petition, closing. */
#define PLAN_MAX 14
/* The roles, by value (liuhen.proto Role: ROLE_PRINCIPAL is the last). */
#define N_ROLES 7
/* How long each Ed25519 measurement runs, and on how many entries. */
#define ED25519_SECONDS 3.0
#define ED25519_SAMPLE  512

/* What a case does next. */
typedef enum step {
    S_INTERFERENCE,
    S_CORRECTION,
    S_CHECK,
    S_APPROVAL,
    S_NOTIFICATION,
    S_CLOSED,
    S_COMPLAINT,
    S_ACKNOWLEDGEMENT,
    S_RESULT,
    S_TRANSFER,
    S_REPORT,
    S_ASSIGNED,
    S_STEP,
    S_RECOMMENDATION,
    S_DECISION,
    S_SERVICE,
    S_PETITION,
    S_GUIDANCE_WRITTEN,
    S_GUIDANCE_ORAL,
    S_ENROLL /* key management: the enrolment phase */
} step;

typedef struct bench_case {
    uint64_t number;        /* its id is QJ-2024-<number> */
    uint8_t plan[PLAN_MAX]; /* its entries, in order */
    unsigned nplan, next;   /* the plan's length; the next step */
    bool open;              /* has an entry: case_prev is head */
    uint8_t head[32];       /* entry id of its last entry */
    /* What its later entries name, by entry id: its interference or
     * complaint, the approval of the notice, the recommendation, the
     * decision. */
    uint8_t subject[32], approval[32], recommendation[32], decision[32];
    uint32_t opener;  /* the key of its first entry: a CORRECTION is by its author */
    uint64_t batch;   /* the last batch it had an entry in */
    int64_t at;       /* the time of its latest event: the next one is not earlier */
    int64_t accepted; /* its complaint's 受理 (A§10(1)) */
    /* Who its complaint concerns, or who interfered. */
    char person[32];
    const char *person_unit;
    Liuhen__Relation person_relation;
    bool to_legal;    /* the interference is reported to the legal section (B§3) */
    bool confirmed;   /* and the legal section confirms it (B§4) */
    bool to_transfer; /* the complaint is another authority's */
    bool wrongful;    /* the decision finds a wrongful case */
    bool obstruction; /* a step of the investigation meets obstruction (A§9) */
    unsigned obstructed_step, steps_done;
    Liuhen__Sanction sanctions[2];
    unsigned nsanctions;
    Liuhen__DisciplineGrade grade; /* of a 处分 (A§11(6)) */
} bench_case;

typedef struct bench_key {
    uint8_t sk[ENTRY_SK_BYTES];
    uint64_t seq; /* author_seq of its last entry */
    uint8_t head[32];
    uint64_t batch; /* the last batch it had an entry in */
    Liuhen__Role role;
} bench_key;

/* One entry of a batch, packed and waiting for its signature. */
typedef struct slot {
    uint8_t *msg; /* ENTRY_SIG_CONTEXT || entry; ENTRY_SIG_INPUT_MAX of room */
    size_t msg_len;
    uint8_t sig[ENTRY_SIG_BYTES];
    uint32_t key;
    bench_case *c; /* NULL for key management */
    step kind;
    int64_t integrated_at;
} slot;

static struct {
    /* options */
    uint64_t entries;
    unsigned nkeys;
    char dir[PATH_MAX];
    const char *verifier;
    bool rules;
    bool rebuild;
    /* the log being built */
    note_signer log;
    bench_key *keys; /* nkeys + 1: the last one is the log's own key */
    uint32_t *by_role[N_ROLES];
    size_t nby_role[N_ROLES];
    bench_case cases[ACTIVE_CASES];
    size_t nactive;
    uint64_t next_case;
    uint64_t planned; /* entries written, in the batch, or planned for the active cases */
    uint64_t written;
    int64_t clock;
    uint64_t batch;
    slot slots[BATCH_MAX];
    size_t nslots;
    tamper_writer *w;
    uint64_t rng;
    uint64_t leaf_bytes;
    uint64_t validated;
    uint64_t next_report; /* the next count of entries written to tell */
} b;

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("verify_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(code);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: the log is the same on every machine and every run. */
static uint64_t rnd(void)
{
    b.rng ^= b.rng >> 12;
    b.rng ^= b.rng << 25;
    b.rng ^= b.rng >> 27;
    return b.rng * UINT64_C(0x2545f4914f6cdd1d);
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* ---- texts ----------------------------------------------------------------------------------- */

static const char *const SURNAMES[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
                                       "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧"};
/* Given names of the key holders, leaders and investigation teams, and of
 * the officers complained about and the persons who interfere: two lists
 * with no name in common, so that nobody takes part in their own case
 * (R13: matched by name as well as by key). */
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

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A holder's name: surname and given name, from the key's number. */
static void holder_name(char *out, size_t cap, uint32_t i)
{
    snprintf(out, cap, "%s%s", SURNAMES[i % COUNT(SURNAMES)],
             GIVEN_STAFF[(i / COUNT(SURNAMES)) % COUNT(GIVEN_STAFF)]);
}

/* A leader's or an investigation team member's name. */
static void staff_name(char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", SURNAMES[below(COUNT(SURNAMES))],
             GIVEN_STAFF[below(COUNT(GIVEN_STAFF))]);
}

/* Anyone else's name: an officer complained about, a person who
 * interfered, a complainant, a person questioned. */
static void random_name(char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", SURNAMES[below(COUNT(SURNAMES))],
             GIVEN_OTHERS[below(COUNT(GIVEN_OTHERS))]);
}

/* min..max sentences of the corpus. */
static void text(char *out, size_t cap, unsigned min, unsigned max)
{
    size_t len = 0;
    unsigned n = min + below(max - min + 1);
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        const char *s = SENTENCES[below(COUNT(SENTENCES))];
        size_t l = strlen(s);
        if (len + l + 1 > cap)
            break;
        memcpy(out + len, s, l + 1);
        len += l;
    }
}

/* ---- keys and roles ---------------------------------------------------------------------------
 */

/* Roles by the key's number: 45% handlers, 15% the legal section, 5%
 * principal heads (A§10(2): they assign the teams), 5% other leaders, 30%
 * investigators; key 0 is the first admin. */
static Liuhen__Role role_of(uint32_t i)
{
    if (i == 0)
        return LIUHEN__ROLE__ROLE_ADMIN;
    unsigned r = i % 20;
    return r < 9    ? LIUHEN__ROLE__ROLE_HANDLER
           : r < 12 ? LIUHEN__ROLE__ROLE_LEGAL
           : r < 13 ? LIUHEN__ROLE__ROLE_PRINCIPAL
           : r < 14 ? LIUHEN__ROLE__ROLE_LEADER
                    : LIUHEN__ROLE__ROLE_INVESTIGATOR;
}

static void make_keys(void)
{
    b.keys = calloc(b.nkeys + 1, sizeof *b.keys);
    for (int r = 0; r < N_ROLES; r++)
        if ((b.by_role[r] = calloc(b.nkeys, sizeof *b.by_role[r])) == NULL)
            die(3, "out of memory for %u keys", b.nkeys);
    if (b.keys == NULL)
        die(3, "out of memory for %u keys", b.nkeys);
    for (uint32_t i = 0; i < b.nkeys; i++) {
        uint8_t seed[32], pk[32];
        char label[64];
        snprintf(label, sizeof label, "liuhen bench key %" PRIu32, i);
        crypto_generichash(seed, sizeof seed, (const uint8_t *)label, strlen(label), NULL, 0);
        crypto_sign_seed_keypair(pk, b.keys[i].sk, seed);
        b.keys[i].role = role_of(i);
        b.by_role[b.keys[i].role][b.nby_role[b.keys[i].role]++] = i;
    }
    uint8_t seed[32];
    crypto_generichash(seed, sizeof seed, (const uint8_t *)"liuhen bench log key", 20, NULL, 0);
    if (note_signer_from_seed(&b.log, BENCH_ORIGIN, strlen(BENCH_ORIGIN), NOTE_TYPE_ED25519,
                              seed) != 0)
        die(3, "cannot make the log key");
    memcpy(b.keys[b.nkeys].sk, b.log.sk, ENTRY_SK_BYTES);
    sodium_memzero(seed, sizeof seed);
}

/* A key of the role, not yet in this batch; UINT32_MAX if none was found. */
static uint32_t pick_key(Liuhen__Role role)
{
    for (int tries = 0; tries < 16; tries++) {
        uint32_t k = b.by_role[role][below((unsigned)b.nby_role[role])];
        if (b.keys[k].batch != b.batch)
            return k;
    }
    return UINT32_MAX;
}

/* The role that appends a step (docs/design.md "Kinds and roles"). */
static Liuhen__Role role_for(step s)
{
    switch (s) {
    case S_INTERFERENCE:
    case S_GUIDANCE_ORAL:
    case S_PETITION: return LIUHEN__ROLE__ROLE_HANDLER;
    /* A§10(2) (R5): only the principal head assigns the team. */
    case S_ASSIGNED: return LIUHEN__ROLE__ROLE_PRINCIPAL;
    case S_DECISION:
    case S_APPROVAL:
    case S_GUIDANCE_WRITTEN:
        return below(2) == 0 ? LIUHEN__ROLE__ROLE_PRINCIPAL : LIUHEN__ROLE__ROLE_LEADER;
    case S_STEP: return below(5) == 0 ? LIUHEN__ROLE__ROLE_LEGAL : LIUHEN__ROLE__ROLE_INVESTIGATOR;
    case S_CLOSED: return below(3) == 0 ? LIUHEN__ROLE__ROLE_LEADER : LIUHEN__ROLE__ROLE_LEGAL;
    /* Complaints, replies, transfers, reports, checks, recommendations,
     * notifications, services: the legal section. A CORRECTION is by the
     * corrected entry's author, chosen by the caller. */
    default: return LIUHEN__ROLE__ROLE_LEGAL;
    }
}

/* ---- cases ----------------------------------------------------------------------------------- */

/* The sanctions of a wrongful case (A§11), and the grade of a 处分 among
 * them (A§11(6)). */
static void plan_sanctions(bench_case *c)
{
    c->sanctions[0] = (Liuhen__Sanction)(1 + below(3));
    c->nsanctions = 1;
    if (below(2) == 0)
        c->sanctions[c->nsanctions++] = (Liuhen__Sanction)(4 + below(3));
    for (unsigned i = 0; i < c->nsanctions; i++)
        if (c->sanctions[i] == LIUHEN__SANCTION__SANCTION_ADMINISTRATIVE_SANCTION)
            c->grade = (Liuhen__DisciplineGrade)(1 + below(3));
}

/* A new case's plan: an interference (45%), a complaint (35%: one in
 * seven transferred, the others carried to their decision), guidance
 * (20%); or a single interference, reported to the justice bureau's office
 * (which the legal section does not follow up), when only `room` entries
 * are left to plan. */
static void plan_case(bench_case *c, uint64_t room)
{
    memset(c, 0, sizeof *c);
    c->number = ++b.next_case;
    unsigned n = 0, kind = below(20);
    if (kind < 9 || room < PLAN_MAX) {
        c->plan[n++] = S_INTERFERENCE;
        if (room >= PLAN_MAX) {
            if (below(10) == 0)
                c->plan[n++] = S_CORRECTION;
            c->to_legal = below(5) != 0;
            if (c->to_legal) {
                c->plan[n++] = S_CHECK;
                c->confirmed = below(5) < 2;
                if (c->confirmed) {
                    c->plan[n++] = S_APPROVAL;
                    c->plan[n++] = S_NOTIFICATION;
                }
            }
            if (below(2) == 0)
                c->plan[n++] = S_CLOSED;
        }
    } else if (kind < 16) {
        c->plan[n++] = S_COMPLAINT;
        c->to_transfer = below(7) == 0;
        if (c->to_transfer) {
            c->plan[n++] = S_TRANSFER;
        } else {
            c->plan[n++] = S_ACKNOWLEDGEMENT;
            c->plan[n++] = S_REPORT;
            c->plan[n++] = S_ASSIGNED;
            unsigned steps = 1 + below(4);
            for (unsigned i = 0; i < steps; i++)
                c->plan[n++] = S_STEP;
            c->plan[n++] = S_RECOMMENDATION;
            c->plan[n++] = S_DECISION;
            c->plan[n++] = S_RESULT;
            c->plan[n++] = S_SERVICE;
            if (below(5) == 0)
                c->plan[n++] = S_PETITION;
            c->wrongful = below(10) < 3;
            if (c->wrongful) {
                plan_sanctions(c);
                c->obstruction = below(5) == 0;
                c->obstructed_step = 1 + below(steps);
            }
        }
        c->plan[n++] = S_CLOSED;
    } else {
        c->plan[n++] = S_GUIDANCE_WRITTEN;
        if (below(2) == 0)
            c->plan[n++] = S_GUIDANCE_ORAL;
        if (below(2) == 0)
            c->plan[n++] = S_CLOSED;
    }
    c->nplan = n;
    b.planned += n;
}

/* Keep ACTIVE_CASES cases open while entries are left to plan. Finished
 * cases are replaced, which moves cases in the array: only between batches,
 * when no slot points to a case. */
static void refill_cases(void)
{
    if (b.nslots != 0)
        die(3, "internal error: cases moved while a batch refers to them");
    for (size_t i = 0; i < b.nactive;) {
        if (b.cases[i].next == b.cases[i].nplan)
            b.cases[i] = b.cases[--b.nactive];
        else
            i++;
    }
    while (b.nactive < ACTIVE_CASES && b.planned < b.entries)
        plan_case(&b.cases[b.nactive++], b.entries - b.planned);
}

/* ---- entries --------------------------------------------------------------------------------- */

/* The strings and lists an entry points to while it is packed. */
typedef struct scratch {
    char case_id[32];
    char holder[32]; /* the author's name */
    char names[6][32];
    char texts[4][2048];
    char lines[2][ENTRY_SHORT_TEXT_MAX];
    char doc[64], doc2[64], file[96];
    Liuhen__InterferenceCategory categories[1];
    Liuhen__Conduct conducts[1];
    Liuhen__Measure measures[1];
    Liuhen__CheckAction actions[2];
    Liuhen__Aggravation aggravations[1];
    Liuhen__Mitigation mitigations[1];
    uint8_t sha[32];
    void *atts[1];
} scratch;

/* The body memory of one entry: the largest body and what hangs from it. */
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

static void set_person(Liuhen__Person *p, char *name, const char *unit, Liuhen__Relation rel)
{
    p->name = name;
    p->position = (char *)POSITIONS[below(COUNT(POSITIONS))];
    p->unit = (char *)unit;
    p->relation = rel;
}

/* A leader of the bureau, for discussions, reports and assignments. */
static void set_leader(Liuhen__Person *p, char *name, const char *position)
{
    p->name = name;
    p->position = (char *)position;
    p->unit = (char *)"区应急管理局";
    p->relation = LIUHEN__RELATION__RELATION_ON_STAFF;
}

/* The person the case is about: complained about, or who interfered. */
static void set_subject(Liuhen__Person *p, bench_case *c)
{
    set_person(p, c->person, c->person_unit, c->person_relation);
}

/* A time from lo to hi (lo <= hi). */
static int64_t between(int64_t lo, int64_t hi)
{
    return hi > lo ? lo + (int64_t)(rnd() % (uint64_t)(hi - lo)) : lo;
}

/* A responsible person as the legal section proposes and the leadership
 * decides (A§11; R7): the officer, the sanctions planned, the grade of a
 * 处分, the A§9 aggravation where the investigation was obstructed, A§8
 * leniency now and then otherwise (never exemption with a sanction). */
static void set_responsible(Liuhen__ResponsiblePerson *rp, Liuhen__Person *person, bench_case *c,
                            scratch *sc, char *responsibility, size_t cap)
{
    set_subject(person, c);
    rp->person = person;
    text(responsibility, cap, 1, 2);
    rp->responsibility = responsibility;
    rp->n_sanctions = c->nsanctions;
    rp->sanctions = c->sanctions;
    if (c->grade != LIUHEN__DISCIPLINE_GRADE__DISCIPLINE_GRADE_UNSPECIFIED) {
        rp->discipline_grade = c->grade;
        rp->discipline_authority =
            LIUHEN__DISCIPLINE_AUTHORITY__DISCIPLINE_AUTHORITY_APPOINTING_ORGAN;
    }
    if (c->obstruction) {
        sc->aggravations[0] = LIUHEN__AGGRAVATION__AGGRAVATION_OBSTRUCTED_INVESTIGATION;
        rp->n_aggravations = 1;
        rp->aggravations = sc->aggravations;
        rp->leniency = LIUHEN__LENIENCY__LENIENCY_NONE;
    } else if (below(3) == 0) {
        sc->mitigations[0] = LIUHEN__MITIGATION__MITIGATION_SELF_CORRECTED;
        rp->n_mitigations = 1;
        rp->mitigations = sc->mitigations;
        rp->leniency = LIUHEN__LENIENCY__LENIENCY_LIGHTER;
    }
}

/*
 * Fill entry e (its header but the author and the chain links) and its body
 * for step s of case c, by key `author` (its holder is named where the
 * entry names its author: the head who assigns a team, the leader who
 * decides), at times before `integrated_at`, in the memory of m, sc, people
 * and ptrs. What later entries of the case name again (the person it is
 * about, the time of 受理, the time of its latest event) is kept in c.
 */
static void fill_entry(Liuhen__Entry *e, step s, bench_case *c, uint32_t author,
                       int64_t integrated_at, scratch *sc, body_mem *m, Liuhen__Person *people,
                       void **ptrs)
{
    /* B§3, B§12 (R10): recorded within minutes of the event, integrated
     * within minutes of being recorded. An event of a case is not earlier
     * than the case's latest one. */
    int64_t recorded = integrated_at - 1000 - (int64_t)below(120000);
    int64_t event = recorded - (int64_t)below(4 * 3600 * 1000);
    if (event < c->at)
        event = c->at < recorded ? c->at : recorded;
    c->at = event;
    snprintf(sc->case_id, sizeof sc->case_id, "QJ-2024-%07" PRIu64, c->number);
    e->case_id = sc->case_id;
    e->recorded_at = recorded;
    for (int i = 0; i < 6; i++)
        random_name(sc->names[i], sizeof sc->names[i]);
    char *holder = sc->holder;
    holder_name(holder, sizeof sc->holder, author);
    const char *post = b.keys[author].role == LIUHEN__ROLE__ROLE_PRINCIPAL ? "局长" : "副局长";

    switch (s) {
    case S_INTERFERENCE: {
        Liuhen__Interference *x = &m->interference;
        *x = (Liuhen__Interference)LIUHEN__INTERFERENCE__INIT;
        sc->categories[0] = (Liuhen__InterferenceCategory)(1 + below(7));
        x->occurred_at = event;
        x->place = (char *)PLACES[below(COUNT(PLACES))];
        random_name(c->person, sizeof c->person);
        c->person_unit = UNITS[below(COUNT(UNITS))];
        c->person_relation = (Liuhen__Relation)(1 + below(4));
        set_subject(&people[0], c);
        x->person = &people[0];
        x->manner = (Liuhen__Manner)(1 + below(6));
        text(sc->texts[0], sizeof sc->texts[0], 2, 8);
        x->content = sc->texts[0];
        x->n_categories = 1;
        x->categories = sc->categories;
        x->response = (Liuhen__HandlerResponse)(1 + below(2));
        text(sc->texts[1], sizeof sc->texts[1], 1, 2);
        x->response_detail = sc->texts[1];
        /* B§3 (R2): to the legal section, or the justice bureau's office. */
        x->reported_to = c->to_legal ? LIUHEN__REPORTED_TO__REPORTED_TO_LEGAL_SECTION
                                     : LIUHEN__REPORTED_TO__REPORTED_TO_JUSTICE_SUPERVISION;
        x->reported_at = between(event, recorded);
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
        x->corrects.data = c->subject;
        x->corrects.len = 32;
        x->n_changes = 1;
        x->changes = (Liuhen__FieldCorrection **)ptrs;
        x->reason = "地点记录不准确，予以更正";
        e->kind = LIUHEN__KIND__KIND_CORRECTION;
        e->body_case = LIUHEN__ENTRY__BODY_CORRECTION;
        e->correction = x;
        break;
    }
    case S_CHECK: {
        /* B§4 (R15): the legal section follows the report up. */
        Liuhen__SupervisionCheck *x = &m->check;
        *x = (Liuhen__SupervisionCheck)LIUHEN__SUPERVISION_CHECK__INIT;
        x->type = LIUHEN__CHECK_TYPE__CHECK_TYPE_FOLLOW_UP;
        x->conducted_at = event;
        text(sc->texts[0], sizeof sc->texts[0], 1, 2);
        x->scope = sc->texts[0];
        text(sc->lines[0], sizeof sc->lines[0], 1, 1);
        x->findings = sc->lines[0];
        x->concerns.data = c->subject;
        x->concerns.len = 32;
        if (c->confirmed) {
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
    case S_APPROVAL: {
        /* B§10 (R14): a leader approves the notice, with the leader's key. */
        Liuhen__Approval *x = &m->approval;
        *x = (Liuhen__Approval)LIUHEN__APPROVAL__INIT;
        x->concerns.data = c->subject;
        x->concerns.len = 32;
        snprintf(sc->lines[0], sizeof sc->lines[0], "对%s违反规定干预、插手案件办理的情况予以通报",
                 c->person);
        x->matter = sc->lines[0];
        x->approved = true;
        x->approved_at = event;
        snprintf(sc->lines[1], sizeof sc->lines[1], "同意通报。%s",
                 SENTENCES[below(COUNT(SENTENCES))]);
        x->opinion = sc->lines[1];
        e->kind = LIUHEN__KIND__KIND_APPROVAL;
        e->body_case = LIUHEN__ENTRY__BODY_APPROVAL;
        e->approval = x;
        break;
    }
    case S_NOTIFICATION: {
        Liuhen__Notification *x = &m->notification;
        sc->measures[0] = LIUHEN__MEASURE__MEASURE_CIRCULATED_CRITICISM;
        *x = (Liuhen__Notification)LIUHEN__NOTIFICATION__INIT;
        x->subject = LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_INTERFERENCE;
        set_subject(&people[0], c);
        x->person = &people[0];
        x->n_measures = 1;
        x->measures = sc->measures;
        x->issued_at = event;
        text(sc->texts[0], sizeof sc->texts[0], 2, 4);
        x->content = sc->texts[0];
        staff_name(sc->names[1], sizeof sc->names[1]);
        x->approved_by = sc->names[1];
        x->concerns.data = c->subject;
        x->concerns.len = 32;
        x->approval.data = c->approval;
        x->approval.len = 32;
        snprintf(sc->doc, sizeof sc->doc, "黔应急通〔2024〕%u号", 1 + below(900));
        x->document_ref = sc->doc;
        e->kind = LIUHEN__KIND__KIND_NOTIFICATION;
        e->body_case = LIUHEN__ENTRY__BODY_NOTIFICATION;
        e->notification = x;
        break;
    }
    case S_CLOSED: {
        Liuhen__CaseClosed *x = &m->closed;
        *x = (Liuhen__CaseClosed)LIUHEN__CASE_CLOSED__INIT;
        x->closed_at = event;
        text(sc->texts[0], sizeof sc->texts[0], 1, 3);
        x->summary = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_CASE_CLOSED;
        e->body_case = LIUHEN__ENTRY__BODY_CASE_CLOSED;
        e->case_closed = x;
        break;
    }
    case S_COMPLAINT: {
        Liuhen__Complaint *x = &m->complaint.c;
        Liuhen__Complainant *who = &m->complaint.who;
        sc->conducts[0] = (Liuhen__Conduct)(1 + below(10));
        *x = (Liuhen__Complaint)LIUHEN__COMPLAINT__INIT;
        *who = (Liuhen__Complainant)LIUHEN__COMPLAINANT__INIT;
        who->name = sc->names[0];
        who->contact = "023-8888xxxx";
        random_name(c->person, sizeof c->person);
        c->person_unit = UNITS[0];
        c->person_relation = LIUHEN__RELATION__RELATION_ON_STAFF;
        set_subject(&people[0], c);
        ptrs[0] = &people[0];
        x->complainant = who;
        x->channel = (Liuhen__Channel)(1 + below(6));
        x->received_at = event;
        /* A§10(1): accepted (受理) the day it is received. */
        c->accepted = between(event, recorded);
        x->accepted_at = c->accepted;
        x->n_officers_concerned = 1;
        x->officers_concerned = (Liuhen__Person **)ptrs;
        x->n_conducts = 1;
        x->conducts = sc->conducts;
        x->source = (Liuhen__CaseSource)(1 + below(7));
        snprintf(sc->doc, sizeof sc->doc, "渝黔应急罚〔2023〕%u号", 1 + below(900));
        x->enforcement_case = sc->doc;
        text(sc->texts[0], sizeof sc->texts[0], 3, 8);
        x->summary = sc->texts[0];
        x->jurisdiction = c->to_transfer ? LIUHEN__JURISDICTION__JURISDICTION_TO_TRANSFER
                                         : LIUHEN__JURISDICTION__JURISDICTION_ACCEPTED;
        e->kind = LIUHEN__KIND__KIND_COMPLAINT;
        e->body_case = LIUHEN__ENTRY__BODY_COMPLAINT;
        e->complaint = x;
        break;
    }
    case S_ACKNOWLEDGEMENT:
    case S_RESULT: {
        /* A§10(1): the complainant is told the complaint is accepted, and
         * once the case is decided, the result: only the result is the
         * answer (R4). */
        Liuhen__Reply *x = &m->reply;
        *x = (Liuhen__Reply)LIUHEN__REPLY__INIT;
        bool result = s == S_RESULT;
        x->complaint.data = c->subject;
        x->complaint.len = 32;
        x->replied_at = event;
        x->addressee = sc->names[0];
        x->method = (Liuhen__ReplyMethod)(1 + below(4));
        size_t len = (size_t)snprintf(sc->texts[0], sizeof sc->texts[0], "%s",
                                      result ? "经调查，现将处理结果告知如下："
                                             : "您反映的问题已受理，我局将依法组织调查，"
                                               "调查处理结束后书面告知处理结果。");
        text(sc->texts[0] + len, sizeof sc->texts[0] - len, result ? 1 : 0, 3);
        x->content = sc->texts[0];
        x->type = result ? LIUHEN__REPLY_TYPE__REPLY_TYPE_RESULT
                         : LIUHEN__REPLY_TYPE__REPLY_TYPE_ACKNOWLEDGEMENT;
        snprintf(sc->doc, sizeof sc->doc, "黔应急复〔2024〕%u号", 1 + below(900));
        x->document_ref = sc->doc;
        e->kind = LIUHEN__KIND__KIND_REPLY;
        e->body_case = LIUHEN__ENTRY__BODY_REPLY;
        e->reply = x;
        break;
    }
    case S_TRANSFER: {
        /* A§10(1) (R3): transferred within hours of 受理, whenever the
         * transfer is recorded. */
        Liuhen__Transfer *x = &m->transfer;
        *x = (Liuhen__Transfer)LIUHEN__TRANSFER__INIT;
        x->complaint.data = c->subject;
        x->complaint.len = 32;
        x->to_authority = (char *)AUTHORITIES[below(COUNT(AUTHORITIES))];
        int64_t by = c->accepted + 12 * 3600 * 1000;
        x->transferred_at = between(c->accepted, recorded < by ? recorded : by);
        text(sc->texts[0], sizeof sc->texts[0], 1, 3);
        x->reason = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_TRANSFER;
        e->body_case = LIUHEN__ENTRY__BODY_TRANSFER;
        e->transfer = x;
        break;
    }
    case S_REPORT: {
        /* A§10(2): the legal section reports the accepted complaint to the
         * principal head. */
        Liuhen__Report *x = &m->report;
        *x = (Liuhen__Report)LIUHEN__REPORT__INIT;
        x->matter = LIUHEN__REPORT_MATTER__REPORT_MATTER_COMPLAINT;
        x->concerns.data = c->subject;
        x->concerns.len = 32;
        staff_name(sc->names[1], sizeof sc->names[1]);
        set_leader(&people[0], sc->names[1], "局长");
        x->reported_to = &people[0];
        x->reported_at = event;
        text(sc->texts[0], sizeof sc->texts[0], 1, 3);
        x->content = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_REPORT;
        e->body_case = LIUHEN__ENTRY__BODY_REPORT;
        e->report = x;
        break;
    }
    case S_ASSIGNED: {
        /* A§10(2): the principal head (the author) assigns a team of the
         * bureau's staff, none of them the officer complained about. */
        Liuhen__InvestigationAssigned *x = &m->assigned;
        *x = (Liuhen__InvestigationAssigned)LIUHEN__INVESTIGATION_ASSIGNED__INIT;
        staff_name(sc->names[1], sizeof sc->names[1]);
        staff_name(sc->names[2], sizeof sc->names[2]);
        set_leader(&people[0], holder, "局长");
        set_person(&people[1], sc->names[1], UNITS[1], LIUHEN__RELATION__RELATION_ON_STAFF);
        set_person(&people[2], sc->names[2], UNITS[0], LIUHEN__RELATION__RELATION_ON_STAFF);
        ptrs[0] = &people[1];
        ptrs[1] = &people[2];
        x->assigned_by = &people[0];
        x->n_team = 2;
        x->team = (Liuhen__Person **)ptrs;
        x->assigned_at = event;
        text(sc->texts[0], sizeof sc->texts[0], 1, 2);
        x->scope = sc->texts[0];
        e->kind = LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED;
        e->body_case = LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED;
        e->investigation_assigned = x;
        break;
    }
    case S_STEP: {
        Liuhen__InvestigationStep *x = &m->step;
        *x = (Liuhen__InvestigationStep)LIUHEN__INVESTIGATION_STEP__INIT;
        x->method = (Liuhen__InvestigationMethod)(1 + below(4));
        x->conducted_at = event;
        x->place = (char *)PLACES[below(COUNT(PLACES))];
        if (x->method == LIUHEN__INVESTIGATION_METHOD__INVESTIGATION_METHOD_QUESTION_OFFICER)
            set_subject(&people[0], c);
        else
            set_person(&people[0], sc->names[0], UNITS[0], LIUHEN__RELATION__RELATION_ON_STAFF);
        ptrs[0] = &people[0];
        x->n_persons_questioned = 1;
        x->persons_questioned = (Liuhen__Person **)ptrs;
        text(sc->texts[0], sizeof sc->texts[0], 3, 10);
        x->summary = sc->texts[0];
        /* A§9, A§10(2): an obstruction the decision weighs (R7). */
        if (c->obstruction && ++c->steps_done == c->obstructed_step) {
            x->obstruction_observed = true;
            snprintf(sc->texts[1], sizeof sc->texts[1],
                     "%s拒不提供有关案卷材料，并要求其他人员统一口径。", c->person);
            x->obstruction_detail = sc->texts[1];
        }
        e->kind = LIUHEN__KIND__KIND_INVESTIGATION_STEP;
        e->body_case = LIUHEN__ENTRY__BODY_INVESTIGATION_STEP;
        e->investigation_step = x;
        break;
    }
    case S_RECOMMENDATION: {
        /* A§7: the legal section proposes; the leadership decides. */
        Liuhen__Recommendation *x = &m->recommendation.r;
        *x = (Liuhen__Recommendation)LIUHEN__RECOMMENDATION__INIT;
        x->wrongful_case = c->wrongful;
        if (c->wrongful) {
            Liuhen__ResponsiblePerson *rp = &m->recommendation.rp;
            *rp = (Liuhen__ResponsiblePerson)LIUHEN__RESPONSIBLE_PERSON__INIT;
            set_responsible(rp, &people[0], c, sc, sc->texts[1], sizeof sc->texts[1]);
            ptrs[0] = rp;
            x->n_responsible = 1;
            x->responsible = (Liuhen__ResponsiblePerson **)ptrs;
        }
        x->made_at = event;
        text(sc->texts[0], sizeof sc->texts[0], 1, 3);
        x->summary = sc->texts[0];
        snprintf(sc->doc, sizeof sc->doc, "黔应急法建〔2024〕%u号", 1 + below(900));
        x->document_ref = sc->doc;
        x->source = (Liuhen__CaseSource)(1 + below(7));
        e->kind = LIUHEN__KIND__KIND_RECOMMENDATION;
        e->body_case = LIUHEN__ENTRY__BODY_RECOMMENDATION;
        e->recommendation = x;
        break;
    }
    case S_DECISION: {
        /* A§10(3), A§11 (R6, R7): named leaders, the decider among them,
         * discuss before the decision; a wrongful case names the
         * responsible person and A§11 sanctions only. */
        Liuhen__Decision *x = &m->decision.d;
        Liuhen__CollectiveDiscussion *cd = &m->decision.cd;
        *x = (Liuhen__Decision)LIUHEN__DECISION__INIT;
        *cd = (Liuhen__CollectiveDiscussion)LIUHEN__COLLECTIVE_DISCUSSION__INIT;
        set_leader(&people[0], holder, post);
        ptrs[0] = &people[0];
        for (int i = 1; i < 3; i++) {
            staff_name(sc->names[i], sizeof sc->names[i]);
            set_leader(&people[i], sc->names[i], "副局长");
            ptrs[i] = &people[i];
        }
        cd->held_at = between(event - (int64_t)below(2 * 3600 * 1000), event);
        cd->n_participants = 3;
        cd->participants = (Liuhen__Person **)ptrs;
        snprintf(sc->doc, sizeof sc->doc, "党组会纪要〔2024〕%u号", 1 + below(60));
        cd->minutes_ref = sc->doc;
        text(sc->texts[0], sizeof sc->texts[0], 1, 2);
        cd->conclusion = sc->texts[0];
        x->collective_discussion = cd;
        x->wrongful_case = c->wrongful;
        if (c->wrongful) {
            Liuhen__ResponsiblePerson *rp = &m->decision.rp;
            *rp = (Liuhen__ResponsiblePerson)LIUHEN__RESPONSIBLE_PERSON__INIT;
            set_responsible(rp, &people[3], c, sc, sc->texts[1], sizeof sc->texts[1]);
            ptrs[3] = rp;
            x->n_responsible = 1;
            x->responsible = (Liuhen__ResponsiblePerson **)&ptrs[3];
            x->source = (Liuhen__CaseSource)(1 + below(7));
        }
        x->referral = LIUHEN__REFERRAL__REFERRAL_NONE;
        x->decided_at = event;
        text(sc->texts[2], sizeof sc->texts[2], 2, 6);
        x->summary = sc->texts[2];
        snprintf(sc->doc2, sizeof sc->doc2, "黔应急责〔2024〕%u号", 1 + below(900));
        x->document_ref = sc->doc2;
        x->recommendation.data = c->recommendation;
        x->recommendation.len = 32;
        e->kind = LIUHEN__KIND__KIND_DECISION;
        e->body_case = LIUHEN__ENTRY__BODY_DECISION;
        e->decision = x;
        break;
    }
    case S_SERVICE: {
        /* A§12: served on the officer, told the right to state a defence
         * and to petition; the signed receipt scanned. */
        Liuhen__Service *x = &m->service.s;
        Liuhen__Attachment *a = &m->service.a;
        *x = (Liuhen__Service)LIUHEN__SERVICE__INIT;
        *a = (Liuhen__Attachment)LIUHEN__ATTACHMENT__INIT;
        x->decision.data = c->decision;
        x->decision.len = 32;
        set_subject(&people[0], c);
        x->served_on = &people[0];
        x->served_at = event;
        x->method = (Liuhen__ServiceMethod)(1 + below(3));
        x->rights_told = true;
        snprintf(sc->doc, sizeof sc->doc, "黔应急送〔2024〕%u号", 1 + below(900));
        x->receipt_ref = sc->doc;
        for (size_t i = 0; i < sizeof sc->sha; i++)
            sc->sha[i] = (uint8_t)rnd();
        snprintf(sc->file, sizeof sc->file, "送达回证-%s.pdf", sc->case_id);
        a->name = sc->file;
        a->sha256.data = sc->sha;
        a->sha256.len = sizeof sc->sha;
        a->size = 40000 + below(400000);
        a->media_type = "application/pdf";
        sc->atts[0] = a;
        e->n_attachments = 1;
        e->attachments = (Liuhen__Attachment **)sc->atts;
        e->kind = LIUHEN__KIND__KIND_SERVICE;
        e->body_case = LIUHEN__ENTRY__BODY_SERVICE;
        e->service = x;
        break;
    }
    case S_PETITION: {
        /* A§12: a petition against the decision. */
        Liuhen__Appeal *x = &m->appeal;
        *x = (Liuhen__Appeal)LIUHEN__APPEAL__INIT;
        x->decision.data = c->decision;
        x->decision.len = 32;
        x->type = LIUHEN__APPEAL_TYPE__APPEAL_TYPE_PETITION;
        x->venue = (Liuhen__AppealVenue)(1 + below(4));
        set_subject(&people[0], c);
        x->appellant = &people[0];
        x->filed_at = event;
        text(sc->texts[0], sizeof sc->texts[0], 2, 5);
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
        if (written) {
            set_leader(&people[0], holder, post);
        } else {
            staff_name(sc->names[0], sizeof sc->names[0]);
            set_leader(&people[0], sc->names[0], "副局长");
        }
        x->given_by = &people[0];
        x->given_at = event;
        text(sc->texts[0], sizeof sc->texts[0], 1, 4);
        x->content = sc->texts[0];
        if (written) {
            snprintf(sc->doc, sizeof sc->doc, "黔应急〔2024〕%u号", 1 + below(300));
            x->document_ref = sc->doc;
        }
        e->kind = LIUHEN__KIND__KIND_GUIDANCE;
        e->body_case = LIUHEN__ENTRY__BODY_GUIDANCE;
        e->guidance = x;
        break;
    }
    case S_ENROLL: break;
    }
}

/* Pack e (its header completed from the chain heads of key k and case c)
 * into a new slot's signed message. */
static void pack_slot(Liuhen__Entry *e, uint32_t k, bench_case *c, step s, int64_t integrated_at)
{
    bench_key *key = &b.keys[k];
    e->origin = BENCH_ORIGIN;
    e->author_key.data = key->sk + 32;
    e->author_key.len = 32;
    e->author_seq = key->seq + 1;
    if (key->seq > 0) {
        e->author_prev.data = key->head;
        e->author_prev.len = 32;
    }
    if (c != NULL && c->open) {
        e->case_prev.data = c->head;
        e->case_prev.len = 32;
    }
    size_t len = liuhen__entry__get_packed_size(e);
    if (len > ENTRY_MAX_SIZE)
        die(3, "entry %" PRIu64 ": %zu bytes, more than %d", b.written + b.nslots, len,
            ENTRY_MAX_SIZE);
    slot *sl = &b.slots[b.nslots++];
    memcpy(sl->msg, ENTRY_SIG_CONTEXT, ENTRY_SIG_CONTEXT_LEN);
    liuhen__entry__pack(e, sl->msg + ENTRY_SIG_CONTEXT_LEN);
    sl->msg_len = ENTRY_SIG_CONTEXT_LEN + len;
    sl->key = k;
    sl->c = c;
    sl->kind = s;
    sl->integrated_at = integrated_at;
    key->batch = b.batch;
    if (c != NULL)
        c->batch = b.batch;

    /* The generator checks its own output: every entry at first, then a
     * sample, with the same validation as the daemon and the verifier. */
    uint64_t index = b.written + b.nslots - 1;
    if (index < 20000 || index % 64 == 0) {
        lh_err err = {{0}};
        int rc = validate_entry(sl->msg + ENTRY_SIG_CONTEXT_LEN, len, BENCH_ORIGIN, NULL, &err);
        if (rc != 0)
            die(3, "entry %" PRIu64 " is not valid: %s (%s)", index, err.msg, lh_strerror(rc));
        b.validated++;
    }
}

/* The simulated log clock: 1 to 60 s between entries, a year for a million. */
static int64_t tick(void)
{
    b.clock += 1 + (int64_t)below(60000);
    return b.clock;
}

typedef struct sign_job {
    size_t from, to;
} sign_job;

static void *sign_range(void *arg)
{
    sign_job *j = arg;
    for (size_t i = j->from; i < j->to; i++) {
        slot *sl = &b.slots[i];
        crypto_sign_ed25519_detached(sl->sig, NULL, sl->msg, sl->msg_len, b.keys[sl->key].sk);
    }
    return NULL;
}

/* Sign the batch on two threads, then wrap, hash and write its leaves in
 * order and move the chain heads. */
static void flush_batch(void)
{
    if (b.nslots == 0)
        return;
    sign_job second = {b.nslots / 2, b.nslots};
    sign_job first = {0, b.nslots / 2};
    pthread_t t;
    bool threaded = b.nslots >= 16 && pthread_create(&t, NULL, sign_range, &second) == 0;
    if (!threaded)
        first.to = b.nslots;
    sign_range(&first);
    if (threaded)
        pthread_join(t, NULL);

    for (size_t i = 0; i < b.nslots; i++) {
        slot *sl = &b.slots[i];
        uint8_t *leaf = NULL;
        size_t leaf_len = 0;
        uint8_t h[32];
        lh_err err = {{0}};
        if (tamper_wrap_leaf(sl->msg + ENTRY_SIG_CONTEXT_LEN, sl->msg_len - ENTRY_SIG_CONTEXT_LEN,
                             sl->sig, sl->integrated_at, &leaf, &leaf_len, &err) != 0 ||
            tamper_writer_add(b.w, leaf, leaf_len, h, &err) != 0)
            die(3, "entry %" PRIu64 ": %s", b.written, err.msg);
        free(leaf);
        b.leaf_bytes += leaf_len;
        b.written++;
        /* Chains and references name entries by entry id (docs/design.md
         * "Entries"): SHA-256 of the signed Entry bytes. */
        uint8_t id[32];
        entry_id(sl->msg + ENTRY_SIG_CONTEXT_LEN, sl->msg_len - ENTRY_SIG_CONTEXT_LEN, id);
        bench_key *key = &b.keys[sl->key];
        key->seq++;
        memcpy(key->head, id, 32);
        if (sl->c != NULL) {
            memcpy(sl->c->head, id, 32);
            sl->c->open = true;
            switch (sl->kind) {
            case S_INTERFERENCE:
            case S_COMPLAINT: memcpy(sl->c->subject, id, 32); break;
            case S_APPROVAL: memcpy(sl->c->approval, id, 32); break;
            case S_RECOMMENDATION: memcpy(sl->c->recommendation, id, 32); break;
            case S_DECISION: memcpy(sl->c->decision, id, 32); break;
            default: break;
            }
        }
    }
    b.nslots = 0;
    b.batch++;
    if (b.written >= b.next_report) {
        fprintf(stderr, "verify_bench: %" PRIu64 " entries written\n", b.written);
        b.next_report += 100000;
    }
}

/* Entries 0 .. nkeys-1: the genesis entry (the log's key enrolls key 0 as
 * the first admin), then the admin enrolls every other key. */
static void enroll_keys(void)
{
    for (uint32_t i = 0; i < b.nkeys; i++) {
        char holder[32];
        holder_name(holder, sizeof holder, i);
        Liuhen__Entry e = LIUHEN__ENTRY__INIT;
        Liuhen__KeyEnroll ke = LIUHEN__KEY_ENROLL__INIT;
        Liuhen__Role roles[1] = {b.keys[i].role};
        ke.public_key.data = b.keys[i].sk + 32;
        ke.public_key.len = 32;
        ke.holder = holder;
        ke.position = (char *)POSITIONS[i % 5];
        ke.unit = (char *)UNITS[i % 4];
        ke.n_roles = 1;
        ke.roles = roles;
        e.kind = LIUHEN__KIND__KIND_KEY_ENROLL;
        e.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
        e.key_enroll = &ke;
        int64_t at = tick();
        e.recorded_at = at - 500;
        pack_slot(&e, i == 0 ? b.nkeys : 0, NULL, S_ENROLL, at);
        flush_batch(); /* one author: one entry per batch */
    }
    b.planned = b.nkeys;
}

/* Entries nkeys .. entries-1: the steps of interleaved cases. */
static void write_cases(void)
{
    static scratch sc;
    body_mem body;
    Liuhen__Person people[6];
    void *ptrs[8];
    refill_cases();
    while (b.nactive > 0) {
        bench_case *c = NULL;
        for (int tries = 0; tries < 16 && c == NULL; tries++) {
            bench_case *cand = &b.cases[below((unsigned)b.nactive)];
            if (cand->batch != b.batch && cand->next < cand->nplan)
                c = cand;
        }
        if (c == NULL || b.nslots == BATCH_MAX) {
            flush_batch();
            refill_cases();
            continue;
        }
        step s = (step)c->plan[c->next];
        uint32_t k = s == S_CORRECTION ? c->opener : pick_key(role_for(s));
        if (k == UINT32_MAX || b.keys[k].batch == b.batch) {
            flush_batch();
            refill_cases();
            continue;
        }
        for (int i = 0; i < 6; i++)
            people[i] = (Liuhen__Person)LIUHEN__PERSON__INIT;
        Liuhen__Entry e = LIUHEN__ENTRY__INIT;
        int64_t at = tick();
        fill_entry(&e, s, c, k, at, &sc, &body, people, ptrs);
        if (c->next == 0)
            c->opener = k;
        pack_slot(&e, k, c, s, at);
        c->next++;
    }
    flush_batch();
}

/* ---- building or reusing the log ------------------------------------------------------------ */

static void params_text(char *out, size_t cap)
{
    snprintf(out, cap, "liuhen verify_bench log: version %d, %" PRIu64 " entries, %u keys\n",
             BENCH_VERSION, b.entries, b.nkeys);
}

static void params_path(char *out, size_t cap)
{
    snprintf(out, cap, "%s.params", b.dir);
}

static bool log_reusable(void)
{
    char path[PATH_MAX + 16], want[256], have[256] = "";
    params_path(path, sizeof path);
    params_text(want, sizeof want);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return false;
    bool same = fgets(have, sizeof have, fp) != NULL && strcmp(have, want) == 0;
    fclose(fp);
    char cp[PATH_MAX + 16];
    snprintf(cp, sizeof cp, "%s/checkpoint", b.dir);
    return same && access(cp, R_OK) == 0;
}

static void build_log(void)
{
    char path[PATH_MAX + 16], params[256];
    params_path(path, sizeof path);
    unlink(path);
    struct stat st;
    if (lstat(b.dir, &st) == 0 && tamper_remove_dir(b.dir) != 0)
        die(3, "%s: cannot remove the old log: %s", b.dir, strerror(errno));
    lh_err err = {{0}};
    if (tamper_writer_new(b.dir, &b.w, &err) != 0)
        die(3, "%s", err.msg);
    for (size_t i = 0; i < BATCH_MAX; i++)
        if ((b.slots[i].msg = malloc(ENTRY_SIG_INPUT_MAX)) == NULL)
            die(3, "out of memory for a batch");
    b.rng = UINT64_C(0x6c697568656e0004);
    b.clock = BENCH_T0;
    b.batch = 1;
    b.next_report = 100000;

    double t0 = now_s();
    enroll_keys();
    write_cases();
    uint64_t size = 0;
    if (tamper_writer_finish(b.w, &b.log, &size, NULL, &err) != 0)
        die(3, "%s", err.msg);
    tamper_writer_free(b.w);
    b.w = NULL;
    for (size_t i = 0; i < BATCH_MAX; i++)
        free(b.slots[i].msg);
    if (size != b.entries)
        die(3, "the log has %" PRIu64 " entries, not %" PRIu64, size, b.entries);

    params_text(params, sizeof params);
    FILE *fp = fopen(path, "w");
    if (fp == NULL || fputs(params, fp) == EOF || fclose(fp) != 0)
        die(3, "%s: cannot write: %s", path, strerror(errno));
    printf("log: %" PRIu64 " entries by %u keys in %" PRIu64
           " cases, %.1f MiB of leaves (%.0f bytes each on average), built in %.1f s "
           "(%" PRIu64 " entries validated)\n",
           size, b.nkeys, b.next_case, (double)b.leaf_bytes / 1048576.0,
           (double)b.leaf_bytes / (double)size, now_s() - t0, b.validated);
}

/* The log's verifier key beside the directory. */
static void write_vkey(char *path, size_t cap)
{
    snprintf(path, cap, "%s.vkey", b.dir);
    note_verifier v;
    lh_err err = {{0}};
    if (note_signer_verifier(&b.log, &v) != 0 || tamper_write_vkey(path, &v, &err) != 0)
        die(3, "%s: cannot write the log key: %s", path, err.msg);
}

/* ---- measuring ------------------------------------------------------------------------------- */

/* The sample the Ed25519 rates are measured on: entries of the log's sizes,
 * signed by keys of the log. Read-only once made, shared by the threads. */
typedef struct ed_sample {
    uint8_t *msgs[ED25519_SAMPLE];
    size_t lens[ED25519_SAMPLE];
    uint8_t sigs[ED25519_SAMPLE][64];
    uint32_t keys[ED25519_SAMPLE];
} ed_sample;

/* One thread of a measurement: verify the sample round and round, from
 * its own starting point, until ED25519_SECONDS have passed. */
typedef struct ed_run {
    const ed_sample *s;
    size_t start;
    uint64_t n;
    double seconds;
} ed_run;

static void *ed_loop(void *arg)
{
    ed_run *r = arg;
    const ed_sample *s = r->s;
    uint64_t n = 0;
    double t0 = now_s(), t;
    do {
        for (size_t j = 0; j < ED25519_SAMPLE; j++, n++) {
            size_t i = (r->start + j) % ED25519_SAMPLE;
            if (entry_verify(s->msgs[i], s->lens[i], s->sigs[i], b.keys[s->keys[i]].sk + 32) != 0)
                die(3, "a sample signature does not verify");
        }
    } while ((t = now_s() - t0) < ED25519_SECONDS);
    r->n = n;
    r->seconds = t;
    return NULL;
}

/* Signatures per second with `threads` threads verifying at once. */
static double ed_measure(const ed_sample *s, unsigned threads)
{
    ed_run runs[256];
    pthread_t tids[256];
    if (threads > 256)
        threads = 256;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    /* entry_verify() uses about 64 KiB of stack (entry.h). */
    pthread_attr_setstacksize(&attr, 1024 * 1024);
    for (unsigned i = 0; i < threads; i++) {
        runs[i] = (ed_run){.s = s, .start = i * ED25519_SAMPLE / threads};
        int rc = pthread_create(&tids[i], &attr, ed_loop, &runs[i]);
        if (rc != 0)
            die(3, "cannot start a thread: %s", strerror(rc));
    }
    pthread_attr_destroy(&attr);
    double rate = 0;
    for (unsigned i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        rate += (double)runs[i].n / runs[i].seconds;
    }
    return rate;
}

/*
 * This machine's Ed25519 verification rate, in the same run: entry_verify()
 * (SHA-512 of the context and the entry, then the curve arithmetic) over
 * entries of the log's sizes, for ED25519_SECONDS, on one core, then with
 * one thread per online core at once. The second is the ceiling of a
 * verifier that checks every signature: twice the first on two cores, less
 * what the cores take from each other (shared caches, memory, the
 * hypervisor's other guests).
 */
static void ed25519_rates(unsigned cores, double *one, double *all, double *mean_len)
{
    static scratch sc;
    static ed_sample s;
    body_mem body;
    Liuhen__Person people[6];
    void *ptrs[8];
    static const step kinds[] = {S_INTERFERENCE, S_COMPLAINT,       S_STEP,  S_DECISION,
                                 S_RESULT,       S_CLOSED,          S_CHECK, S_REPORT,
                                 S_SERVICE,      S_GUIDANCE_WRITTEN};
    bench_case c;
    memset(&c, 0, sizeof c);
    c.number = 1;
    /* The same sample whether the log was built by this run or kept. */
    b.rng = UINT64_C(0x6564323535313921);
    size_t total = 0;
    for (size_t i = 0; i < ED25519_SAMPLE; i++) {
        for (int p = 0; p < 6; p++)
            people[p] = (Liuhen__Person)LIUHEN__PERSON__INIT;
        Liuhen__Entry e = LIUHEN__ENTRY__INIT;
        s.keys[i] = 1 + below(b.nkeys - 1);
        fill_entry(&e, kinds[i % COUNT(kinds)], &c, s.keys[i], BENCH_T0, &sc, &body, people, ptrs);
        e.origin = BENCH_ORIGIN;
        e.author_key.data = b.keys[s.keys[i]].sk + 32;
        e.author_key.len = 32;
        e.author_seq = 1;
        s.lens[i] = liuhen__entry__get_packed_size(&e);
        if ((s.msgs[i] = malloc(s.lens[i])) == NULL)
            die(3, "out of memory");
        liuhen__entry__pack(&e, s.msgs[i]);
        if (entry_sign(s.msgs[i], s.lens[i], b.keys[s.keys[i]].sk, s.sigs[i]) != 0)
            die(3, "cannot sign a sample entry");
        total += s.lens[i];
    }
    *mean_len = (double)total / ED25519_SAMPLE;
    *one = ed_measure(&s, 1);
    *all = ed_measure(&s, cores);
    for (size_t i = 0; i < ED25519_SAMPLE; i++)
        free(s.msgs[i]);
}

/* Run the verifier; its wall time, CPU time (user and system), peak memory
 * and exit status. */
static int run_verifier(const char *vkey, double *seconds, double *cpu_seconds, long *maxrss_kib)
{
    const char *argv[12];
    size_t n = 0;
    argv[n++] = b.verifier;
    argv[n++] = b.dir;
    argv[n++] = "--log-key";
    argv[n++] = vkey;
    argv[n++] = "--quiet";
    if (b.rules)
        argv[n++] = "--rules";
    argv[n] = NULL;
    fflush(stdout);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        die(3, "cannot fork: %s", strerror(errno));
    if (pid == 0) {
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "verify_bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            die(3, "cannot wait for %s: %s", argv[0], strerror(errno));
    *seconds = now_s() - t0;
    *cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    *maxrss_kib = ru.ru_maxrss; /* Linux: kilobytes */
    if (WIFSIGNALED(status))
        die(3, "%s was killed by signal %d", argv[0], WTERMSIG(status));
    if (WEXITSTATUS(status) == 127)
        die(3, "%s could not be run", argv[0]);
    return WEXITSTATUS(status);
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: verify_bench [--entries N] [--keys K] [--dir DIR] [--verifier PATH]\n"
            "                    [--no-rules] [--rebuild]\n"
            "  --entries N      entries of the log (default %" PRIu64 ")\n"
            "  --keys K         keys enrolled by the log, 20 to %u (default %u)\n"
            "  --dir DIR        the tiles directory, kept for the next run\n"
            "                   (default %s/bench/verify-log-N)\n"
            "  --verifier PATH  the program measured (default %s/bin/liuhen-verify)\n"
            "  --no-rules       verify without --rules\n"
            "  --rebuild        build the log even if DIR holds it\n",
            DEFAULT_ENTRIES, MAX_KEYS, DEFAULT_KEYS, LH_BUILD_DIR, LH_BUILD_DIR);
}

static uint64_t parse_count(const char *opt, const char *s, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max)
        die(2, "%s %s: want a number from %" PRIu64 " to %" PRIu64, opt, s, min, max);
    return v;
}

int main(int argc, char **argv)
{
    b.entries = DEFAULT_ENTRIES;
    b.nkeys = DEFAULT_KEYS;
    b.verifier = LH_BUILD_DIR "/bin/liuhen-verify";
    b.rules = true;
    const char *dir = NULL;
    static const struct option opts[] = {
        {"entries", required_argument, NULL, 'n'}, {"keys", required_argument, NULL, 'k'},
        {"dir", required_argument, NULL, 'd'},     {"verifier", required_argument, NULL, 'v'},
        {"no-rules", no_argument, NULL, 'R'},      {"rebuild", no_argument, NULL, 'B'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'n': b.entries = parse_count("--entries", optarg, 0, UINT64_C(1) << 40); break;
        case 'k': b.nkeys = (unsigned)parse_count("--keys", optarg, 20, MAX_KEYS); break;
        case 'd': dir = optarg; break;
        case 'v': b.verifier = optarg; break;
        case 'R': b.rules = false; break;
        case 'B': b.rebuild = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    /* The log holds the enrolment entries and at least one case. */
    if (b.entries < (uint64_t)b.nkeys + PLAN_MAX)
        die(2, "--entries %" PRIu64 ": at least %u for %u keys", b.entries, b.nkeys + PLAN_MAX,
            b.nkeys);
    int n = dir != NULL ? snprintf(b.dir, sizeof b.dir, "%s", dir)
                        : snprintf(b.dir, sizeof b.dir, "%s/bench/verify-log-%" PRIu64,
                                   LH_BUILD_DIR, b.entries);
    if (n < 0 || (size_t)n >= sizeof b.dir - 16)
        die(2, "--dir: path too long");
    if (access(b.verifier, X_OK) != 0)
        die(3, "%s: %s (build it first: make %s)", b.verifier, strerror(errno), b.verifier);
    if (sodium_init() < 0)
        die(3, "libsodium cannot be initialised");

    make_keys();
    if (!b.rebuild && log_reusable())
        printf("log: %" PRIu64 " entries by %u keys, reused from %s\n", b.entries, b.nkeys, b.dir);
    else
        build_log();
    char vkey[PATH_MAX + 16];
    write_vkey(vkey, sizeof vkey);

    double seconds = 0, cpu = 0;
    long maxrss = 0;
    int code = run_verifier(vkey, &seconds, &cpu, &maxrss);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    double rate = (double)b.entries / seconds;
    printf("liuhen-verify%s: %" PRIu64 " entries in %.2f s: %.0f entries/s on %ld cores "
           "(exit %d)\n",
           b.rules ? " --rules" : "", b.entries, seconds, rate, cpus, code);
    /* The cores it kept busy: on a machine that runs other work meanwhile,
     * fewer than it could. */
    printf("liuhen-verify CPU time: %.2f s (user and system), %.2f cores busy on average\n", cpu,
           cpu / seconds);
    printf("liuhen-verify peak memory: %.1f MiB (maximum resident set size)\n",
           (double)maxrss / 1024.0);
    double mean_len = 0, ed = 0, ed_all = 0;
    ed25519_rates(cpus > 0 ? (unsigned)cpus : 1, &ed, &ed_all, &mean_len);
    printf("Ed25519 verification on one core: %.0f signatures/s (libsodium, entry_verify() on "
           "%.0f-byte entries)\n",
           ed, mean_len);
    printf("liuhen-verify / one core's Ed25519 rate: %.2f\n", rate / ed);
    printf("Ed25519 verification on all %ld cores at once: %.0f signatures/s (%.2f x one core)\n",
           cpus, ed_all, ed_all / ed);
    printf("liuhen-verify / all cores' Ed25519 rate: %.2f\n", rate / ed_all);

    sodium_memzero(b.keys, (b.nkeys + 1) * sizeof *b.keys);
    note_signer_wipe(&b.log);
    free(b.keys);
    for (int r = 0; r < N_ROLES; r++)
        free(b.by_role[r]);
    if (code != 0) {
        fprintf(stderr,
                "verify_bench: liuhen-verify did not find the log clean (exit %d): the figures "
                "above do not measure a clean verification\n",
                code);
        return 1;
    }
    return 0;
}
