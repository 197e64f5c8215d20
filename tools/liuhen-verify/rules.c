/*
 * rules.c — the regulation rules R1-R12 of docs/regulation.md ("Rules the
 * verifier checks"), evaluated over the entries of a verified log in log
 * order. Each finding names the rule, the article, the case, the entry
 * index and the author's holder name, and says in Chinese and in English
 * what is missing or late, and by how much.
 *
 * This file follows the cases through the log: it keeps what the rules
 * that span several entries need (R3, R4, R5, R8, R11, R12) and decides
 * them. The rules one record meets or fails by itself (R1, R2, R6, R7, R9,
 * R10) are rules_record.c's, called from here for each entry of a case;
 * the sentences of every finding are written with finding.h.
 *
 * What the rules need to remember, and nothing more:
 *  - per case (a hash table from case id to a compact record): the id, the
 *    case's first COMPLAINT and latest DECISION, and whether an
 *    INVESTIGATION_ASSIGNED and an INVESTIGATION_STEP were seen (R3, R4,
 *    R5, R8);
 *  - per COMPLAINT: its entry id, index, case, author, receipt time,
 *    jurisdiction and whether a REPLY or TRANSFER answered it (R3, R4);
 *  - per DECISION: its entry id, index, case and decision time (R8);
 *  - per person named by a NOT_RECORDED notification: how many there were
 *    and the first few indexes (R12);
 *  - nothing per entry: R11 needs the entry a CORRECTION names, which the
 *    verifier finds in a second pass over the log and reports with
 *    rules_correction() (rules.h).
 * Strings (case ids, holder names, person names) are copied once into an
 * arena. Every table is an idtable (SipHash under a random key), so
 * entries crafted to collide (case ids, or entry ids ground by varying a
 * field) cannot make a lookup slow.
 *
 * What the regulations leave open is decided here, each at its rule:
 *  - R3, R4: a REPLY or TRANSFER answers the complaint its `complaint`
 *    names, or the first complaint of its case when that is empty; one
 *    that answers nothing, or is recorded in another case than its
 *    complaint, is itself an R4 finding. Receipt is received_at, else the
 *    complaint's integrated_at; the transfer is transferred_at, else the
 *    transfer's integrated_at. "2日内" is 48 hours.
 *  - R8: "1个月内" is a calendar month counted as the Civil Code counts
 *    periods, in China Standard Time (calendar_month_end()).
 *  - R10: besides lateness, a timestamp far ahead of the event or of the
 *    log's clock is reported too.
 *  - Key management (KEY_ENROLL, KEY_REVOKE) belongs to no case: no rule
 *    applies to it.
 *  - rules_finish() is called once; rules_observe() after it, or a second
 *    rules_finish(), is refused with LH_EINVAL.
 *
 * Times are unix milliseconds. Every time is first clamped to +-2^50 ms
 * (about +-35,000 years), so that no sum or difference of two times, or of
 * a time and a threshold, can overflow. Times are shown in China Standard
 * Time (UTC+8, without daylight saving since 1991), the bureau's time.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "calendar.h"
#include "entry.h"
#include "errors.h"
#include "finding.h"
#include "idtable.h"
#include "rules.h"
#include "kind.h"
#include "rules_record.h"

/* ---- constants ------------------------------------------------------------------------------ */

#define HOUR_MS CALENDAR_HOUR_MS
#define DAY_MS  CALENDAR_DAY_MS

/* A§10(1): 不属于本单位受理的案件，应在受理后2日内转送有权部门处理. */
#define R3_TRANSFER_WITHIN_MS (2 * DAY_MS)

/* R10's threshold when the caller gives none (rules.h: --late-after, 24 h). */
#define LATE_AFTER_DEFAULT_MS (24 * HOUR_MS)

/* R12: the earlier notifications of one person listed in a finding. */
#define R12_KEEP 4

/* No record (case, complaint, decision, author) in a uint32_t number. */
#define NO_RECORD UINT32_MAX
/* The most records of one kind: numbers are uint32_t, NO_RECORD excluded. */
#define RECORDS_MAX (UINT32_MAX - 1)

/* Longest string copied from an entry into the arena. Entries are validated
 * (case ids at most ENTRY_CASE_ID_MAX bytes, names ENTRY_SHORT_TEXT_MAX), so
 * this only guards against a caller passing something else. */
#define COPY_MAX 1024

/* ---- records -------------------------------------------------------------------------------- */

typedef struct rcase {
    const char *id;           /* in the arena */
    uint32_t first_complaint; /* complaint number, or NO_RECORD */
    uint32_t last_decision;   /* decision number, or NO_RECORD */
    bool assigned;            /* an INVESTIGATION_ASSIGNED was seen (R5) */
    bool step;                /* an INVESTIGATION_STEP was seen (R5) */
} rcase;

typedef struct rauthor {
    uint8_t key[ENTRY_KEY_BYTES];
    const char *name; /* holder name when first seen, in the arena */
} rauthor;

typedef struct rcomplaint {
    uint8_t hash[ENTRY_HASH_BYTES];
    uint64_t index;
    int64_t received; /* received_at, or the complaint's integrated_at */
    uint32_t case_no;
    uint32_t author_no;
    bool to_transfer; /* jurisdiction TO_TRANSFER (R3) */
    bool answered;    /* a REPLY or TRANSFER names it (R4) */
    bool transferred; /* a TRANSFER names it (R3) */
} rcomplaint;

typedef struct rdecision {
    uint8_t hash[ENTRY_HASH_BYTES];
    uint64_t index;
    int64_t decided; /* decided_at, or the decision's integrated_at */
    uint32_t case_no;
} rdecision;

typedef struct rperson {
    const uint8_t *id; /* the identity bytes, in the arena */
    uint32_t id_len;
    uint8_t id_type; /* 'k': person.public_key; 'n': person.name */
    uint32_t count;  /* NOT_RECORDED notifications so far */
    uint64_t earlier[R12_KEEP];
} rperson;

/* A growing array of records of one kind. */
typedef struct vec {
    void *items;
    size_t len, cap;
} vec;

struct rules {
    int64_t late_after;
    arena strings;                                      /* case ids, names, person ids */
    vec cases, authors, complaints, decisions, persons; /* of rcase, rauthor, ... */
    idtable case_map, author_map, complaint_map, decision_map, person_map;
    bool finished;
};

#define CASE(r, i)      (((rcase *)(r)->cases.items)[i])
#define AUTHOR(r, i)    (((rauthor *)(r)->authors.items)[i])
#define COMPLAINT(r, i) (((rcomplaint *)(r)->complaints.items)[i])
#define DECISION(r, i)  (((rdecision *)(r)->decisions.items)[i])
#define PERSON(r, i)    (((rperson *)(r)->persons.items)[i])

/* ---- storage -------------------------------------------------------------------------------- */

/* A copy of s in the arena, cut at COPY_MAX bytes on a character boundary. */
static const char *copy_string(rules *r, const char *s)
{
    size_t n = strnlen(s, COPY_MAX);
    if (n == COPY_MAX)
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    return arena_dup(&r->strings, s, n);
}

/* Room for one more item; returns its number, or NO_RECORD when memory or
 * the number space runs out. */
static uint32_t vec_push(vec *v, size_t size)
{
    if (v->len >= RECORDS_MAX)
        return NO_RECORD;
    if (v->len == v->cap) {
        size_t cap = v->cap == 0 ? 16 : v->cap * 2;
        if (cap > SIZE_MAX / size)
            return NO_RECORD;
        void *p = realloc(v->items, cap * size);
        if (p == NULL)
            return NO_RECORD;
        v->items = p;
        v->cap = cap;
    }
    return (uint32_t)v->len++;
}

/* Add the record no under key to m (its record is already pushed): on
 * failure the record is taken back. */
static int map_add(idtable *m, const void *key, size_t len, vec *v, uint32_t no)
{
    int rc = idtable_add(m, idtable_hash(m, key, len), no);
    if (rc != 0)
        v->len--;
    return rc;
}

static bool match_case(const void *ctx, uint32_t rec, const void *arg)
{
    const rules *r = ctx;
    return strcmp(CASE(r, rec).id, arg) == 0;
}

static bool match_author(const void *ctx, uint32_t rec, const void *arg)
{
    const rules *r = ctx;
    return memcmp(AUTHOR(r, rec).key, arg, ENTRY_KEY_BYTES) == 0;
}

static bool match_complaint(const void *ctx, uint32_t rec, const void *arg)
{
    const rules *r = ctx;
    return memcmp(COMPLAINT(r, rec).hash, arg, ENTRY_HASH_BYTES) == 0;
}

static bool match_decision(const void *ctx, uint32_t rec, const void *arg)
{
    const rules *r = ctx;
    return memcmp(DECISION(r, rec).hash, arg, ENTRY_HASH_BYTES) == 0;
}

typedef struct person_id {
    uint8_t type;
    const uint8_t *bytes;
    size_t len;
} person_id;

static bool match_person(const void *ctx, uint32_t rec, const void *arg)
{
    const rules *r = ctx;
    const person_id *id = arg;
    const rperson *p = &PERSON(r, rec);
    return p->id_type == id->type && p->id_len == id->len && memcmp(p->id, id->bytes, id->len) == 0;
}

/* The case's number, adding it when new. */
static int case_get(rules *r, const char *id, uint32_t *out)
{
    idtable *m = &r->case_map;
    uint32_t no = idtable_find(m, idtable_hash(m, id, strlen(id)), match_case, r, id);
    if (no == IDTABLE_NONE) {
        const char *copy = copy_string(r, id);
        if (copy == NULL || (no = vec_push(&r->cases, sizeof(rcase))) == NO_RECORD)
            return LH_ENOMEM;
        CASE(r, no) = (rcase){.id = copy, .first_complaint = NO_RECORD, .last_decision = NO_RECORD};
        int rc = map_add(m, copy, strlen(copy), &r->cases, no);
        if (rc != 0)
            return rc;
    }
    *out = no;
    return 0;
}

/* The author's number, adding the key when new. */
static int author_get(rules *r, const uint8_t key[ENTRY_KEY_BYTES], const char *name, uint32_t *out)
{
    idtable *m = &r->author_map;
    uint32_t no = idtable_find(m, idtable_hash(m, key, ENTRY_KEY_BYTES), match_author, r, key);
    if (no == IDTABLE_NONE) {
        const char *copy = copy_string(r, name != NULL ? name : "");
        if (copy == NULL || (no = vec_push(&r->authors, sizeof(rauthor))) == NO_RECORD)
            return LH_ENOMEM;
        memcpy(AUTHOR(r, no).key, key, ENTRY_KEY_BYTES);
        AUTHOR(r, no).name = copy;
        int rc = map_add(m, key, ENTRY_KEY_BYTES, &r->authors, no);
        if (rc != 0)
            return rc;
    }
    *out = no;
    return 0;
}

/* ---- life cycle ----------------------------------------------------------------------------- */

int rules_new(const rules_options *opts, rules **out)
{
    if (out == NULL)
        return LH_EINVAL;
    *out = NULL;
    if (opts != NULL && opts->late_after_ms < 0)
        return LH_EINVAL;
    if (sodium_init() < 0)
        return LH_EINTERNAL;
    rules *r = calloc(1, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    r->late_after = opts != NULL && opts->late_after_ms > 0 ? calendar_clamp(opts->late_after_ms)
                                                            : LATE_AFTER_DEFAULT_MS;
    idtable_init(&r->case_map);
    idtable_init(&r->author_map);
    idtable_init(&r->complaint_map);
    idtable_init(&r->decision_map);
    idtable_init(&r->person_map);
    *out = r;
    return 0;
}

void rules_free(rules *r)
{
    if (r == NULL)
        return;
    arena_free(&r->strings);
    free(r->cases.items);
    free(r->authors.items);
    free(r->complaints.items);
    free(r->decisions.items);
    free(r->persons.items);
    idtable_free(&r->case_map);
    idtable_free(&r->author_map);
    idtable_free(&r->complaint_map);
    idtable_free(&r->decision_map);
    idtable_free(&r->person_map);
    free(r);
}

/* ---- one observation ------------------------------------------------------------------------ */

/* The entry being observed: the record as rules_record.h judges it, and
 * the numbers of its case and author in the tables above. */
typedef struct obs {
    rules *r;
    rules_record rec;
    uint32_t case_no;
    uint32_t author_no;
} obs;

/* A COMPLAINT, remembered for R3 and R4, and as its case's first. */
static int on_complaint(obs *o, const Liuhen__Complaint *c)
{
    rules *r = o->r;
    uint32_t no = vec_push(&r->complaints, sizeof(rcomplaint));
    if (no == NO_RECORD)
        return LH_ENOMEM;
    rcomplaint *cp = &COMPLAINT(r, no);
    *cp = (rcomplaint){
        .index = o->rec.e->index,
        .received = c->received_at != 0 ? calendar_clamp(c->received_at) : o->rec.integrated,
        .case_no = o->case_no,
        .author_no = o->author_no,
        .to_transfer = c->jurisdiction == LIUHEN__JURISDICTION__JURISDICTION_TO_TRANSFER,
    };
    memcpy(cp->hash, o->rec.e->entry_id, ENTRY_HASH_BYTES);
    int err = map_add(&r->complaint_map, cp->hash, ENTRY_HASH_BYTES, &r->complaints, no);
    if (err != 0)
        return err;
    if (CASE(r, o->case_no).first_complaint == NO_RECORD)
        CASE(r, o->case_no).first_complaint = no;
    return 0;
}

/*
 * A REPLY or TRANSFER (A§10(1)) answers the complaint its `complaint` field
 * names, or the case's first complaint when the field is empty. R4 reports
 * one that answers nothing (an unknown hash, or a case without complaint)
 * and one recorded in another case than its complaint's. R3: a complaint
 * outside the bureau's jurisdiction is transferred within 2 days of its
 * receipt; the first TRANSFER naming it counts.
 */
static int on_answer(obs *o, const ProtobufCBinaryData *named, bool transfer, int64_t at)
{
    rules *r = o->r;
    const char *what_zh = kind_label_zh(o->rec.en->kind),
               *what_en = transfer ? "transfer" : "reply";
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    uint32_t no;
    if (named->len != 0) {
        char h[20];
        finding_hash_short(h, named->data, named->len);
        no = named->len == ENTRY_HASH_BYTES
                 ? idtable_find(&r->complaint_map,
                                idtable_hash(&r->complaint_map, named->data, ENTRY_HASH_BYTES),
                                match_complaint, r, named->data)
                 : NO_RECORD;
        if (no == NO_RECORD) {
            finding_printf(&zh, "%s所涉投诉（%s）不是日志中此前的投诉记录", what_zh, h);
            finding_printf(&en,
                           "the %s names complaint %s, which is no earlier COMPLAINT of the log",
                           what_en, h);
        } else if (COMPLAINT(r, no).case_no != o->case_no) {
            finding_printf(&zh, "%s记录在案件%s中，而所涉投诉（第%" PRIu64 "条）属于案件%s",
                           what_zh, o->rec.case_id, COMPLAINT(r, no).index,
                           CASE(r, COMPLAINT(r, no).case_no).id);
            finding_printf(&en,
                           "the %s is recorded in case %s but its complaint (entry %" PRIu64
                           ") belongs to case %s",
                           what_en, o->rec.case_id, COMPLAINT(r, no).index,
                           CASE(r, COMPLAINT(r, no).case_no).id);
        }
    } else {
        no = CASE(r, o->case_no).first_complaint;
        if (no == NO_RECORD) {
            finding_printf(&zh, "%s所在案件此前没有投诉记录，且未写明所涉投诉", what_zh);
            finding_printf(&en, "the %s names no complaint and its case has no earlier COMPLAINT",
                           what_en);
        }
    }
    if (zh.len > 0) {
        int rc = rules_record_finding(&o->rec, 4, &zh, &en);
        if (rc != 0)
            return rc;
    }
    if (no == NO_RECORD)
        return 0;
    rcomplaint *c = &COMPLAINT(r, no);
    c->answered = true;
    if (!transfer || !c->to_transfer || c->transferred)
        return 0;
    c->transferred = true;
    int64_t deadline = c->received + R3_TRANSFER_WITHIN_MS;
    if (at <= deadline)
        return 0;
    char t1[CALENDAR_TEXT_MAX], t2[CALENDAR_TEXT_MAX], d_zh[64], d_en[64];
    calendar_format_cst(t1, c->received);
    calendar_format_cst(t2, at);
    finding_duration(d_zh, d_en, at - deadline);
    finding_text_init(&zh);
    finding_text_init(&en);
    finding_printf(&zh,
                   "不属于本单位受理的投诉（第%" PRIu64
                   "条）收到于%s，应在2日内转送有权部门，实际转送于%s，超期%s",
                   c->index, t1, t2, d_zh);
    finding_printf(&en,
                   "complaint (entry %" PRIu64
                   ") outside the bureau's jurisdiction was received %s and had to be transferred "
                   "within 2 days; it was transferred %s, %s late",
                   c->index, t1, t2, d_en);
    return rules_record_finding(&o->rec, 3, &zh, &en);
}

/* R5 on a DECISION, then R6 and R7 (rules_record_decision()); then
 * remember it for R8. */
static int on_decision(obs *o, const Liuhen__Decision *d)
{
    rules *r = o->r;
    rcase *cs = &CASE(r, o->case_no);
    finding_text zh, en, lz, le;
    int n = 0, rc;

    /* R5 (A§10(2)(3)): the head assigns an investigation team, it
     * investigates, then the decision is made. */
    finding_text_init(&lz);
    finding_text_init(&le);
    if (!cs->assigned)
        finding_list_add(&lz, &le, &n, "指派调查组", "no INVESTIGATION_ASSIGNED");
    if (!cs->step) {
        finding_list_add(&lz, &le, &n, "调查", "no INVESTIGATION_STEP");
        if (n == 2) { /* "no X and no Y" reads better than a list of two */
            finding_text_init(&le);
            finding_printf(&le, "no INVESTIGATION_ASSIGNED and no INVESTIGATION_STEP");
        }
    }
    if (n > 0) {
        finding_text_init(&zh);
        finding_text_init(&en);
        finding_printf(
            &zh,
            "处理决定作出前，本案没有%s记录（A§10(2)(3)：由局主要负责人指派调查组调查后，再作出"
            "处理决定）",
            lz.s);
        finding_printf(&en,
                       "decision made with %s earlier in its case (A§10(2)(3): the head assigns "
                       "an investigation team, which investigates before the decision)",
                       le.s);
        if ((rc = rules_record_finding(&o->rec, 5, &zh, &en)) != 0)
            return rc;
    }

    /* R6 and R7: what the decision itself records. */
    if ((rc = rules_record_decision(&o->rec, d)) != 0)
        return rc;

    uint32_t no = vec_push(&r->decisions, sizeof(rdecision));
    if (no == NO_RECORD)
        return LH_ENOMEM;
    rdecision *rd = &DECISION(r, no);
    *rd = (rdecision){
        .index = o->rec.e->index,
        .decided = d->decided_at != 0 ? calendar_clamp(d->decided_at) : o->rec.integrated,
        .case_no = o->case_no,
    };
    memcpy(rd->hash, o->rec.e->entry_id, ENTRY_HASH_BYTES);
    if ((rc = map_add(&r->decision_map, rd->hash, ENTRY_HASH_BYTES, &r->decisions, no)) != 0)
        return rc;
    CASE(r, o->case_no).last_decision = no;
    return 0;
}

/* R8 (A§10(3)): a review order comes within one month of the decision it
 * concerns (calendar_month_end() says how the month is counted). */
static int on_review(const obs *o, const Liuhen__ReviewOrder *ro)
{
    rules *r = o->r;
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    uint32_t no;
    if (ro->decision.len != 0) {
        char h[20];
        finding_hash_short(h, ro->decision.data, ro->decision.len);
        no = ro->decision.len == ENTRY_HASH_BYTES
                 ? idtable_find(&r->decision_map,
                                idtable_hash(&r->decision_map, ro->decision.data, ENTRY_HASH_BYTES),
                                match_decision, r, ro->decision.data)
                 : NO_RECORD;
        if (no == NO_RECORD) {
            finding_printf(&zh, "责令重新调查所涉处理决定（%s）不是日志中此前的处理决定", h);
            finding_printf(&en,
                           "the review order names decision %s, which is no earlier DECISION of "
                           "the log",
                           h);
        } else if (DECISION(r, no).case_no != o->case_no) {
            finding_printf(
                &zh, "责令重新调查记录在案件%s中，而所涉处理决定（第%" PRIu64 "条）属于案件%s",
                o->rec.case_id, DECISION(r, no).index, CASE(r, DECISION(r, no).case_no).id);
            finding_printf(
                &en,
                "the review order is recorded in case %s but its decision (entry %" PRIu64
                ") belongs to case %s",
                o->rec.case_id, DECISION(r, no).index, CASE(r, DECISION(r, no).case_no).id);
        }
    } else {
        no = CASE(r, o->case_no).last_decision;
        if (no == NO_RECORD) {
            finding_printf(&zh, "责令重新调查所在案件此前没有处理决定");
            finding_printf(&en, "review order without any earlier DECISION in its case");
        }
    }
    if (zh.len > 0)
        return rules_record_finding(&o->rec, 8, &zh, &en);
    const rdecision *d = &DECISION(r, no);
    int64_t at = ro->ordered_at != 0 ? calendar_clamp(ro->ordered_at) : o->rec.integrated;
    int64_t deadline = calendar_month_end(d->decided);
    if (at <= deadline)
        return 0;
    char t1[CALENDAR_TEXT_MAX], t2[CALENDAR_TEXT_MAX], t3[CALENDAR_TEXT_MAX], d_zh[64], d_en[64];
    calendar_format_cst(t1, d->decided);
    calendar_format_cst(t2, deadline);
    calendar_format_cst(t3, at);
    finding_duration(d_zh, d_en, at - deadline);
    finding_printf(&zh,
                   "责令重新调查应在处理决定（第%" PRIu64
                   "条，%s）后1个月内作出，期限至%s，实际于%s，超期%s",
                   d->index, t1, t2, t3, d_zh);
    finding_printf(&en,
                   "review order due within one month of the decision (entry %" PRIu64
                   ", %s), by %s; it came %s, %s late",
                   d->index, t1, t2, t3, d_en);
    return rules_record_finding(&o->rec, 8, &zh, &en);
}

/* R11 (B§3 如实记录): a correction concerns an earlier entry of the same case
 * by the same author; the original stays in the log, as every entry does. */
int rules_correction(rules *r, const rules_correction_facts *c, report *rep)
{
    if (r == NULL || c == NULL || rep == NULL || c->case_id == NULL || c->author_key == NULL ||
        c->corrects == NULL || (c->found && c->target_key == NULL))
        return LH_EINVAL;
    if (r->finished)
        return LH_EINVAL;
    const char *author = c->author != NULL ? c->author : "";
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    char h[20];
    finding_hash_short(h, c->corrects, ENTRY_HASH_BYTES);
    if (!c->found) {
        finding_printf(&zh, "更正所指的记录（%s）不是日志中此前的记录", h);
        finding_printf(&en, "the correction names entry %s, which is no earlier entry of the log",
                       h);
    } else if (c->target_case == NULL || c->target_case[0] == '\0') {
        finding_printf(&zh, "更正所指的记录（%s）是密钥管理记录，不属于任何案件", h);
        finding_printf(&en, "the correction names entry %s, a key-management entry of no case", h);
    } else {
        bool other_case = strcmp(c->target_case, c->case_id) != 0,
             other_author = memcmp(c->target_key, c->author_key, ENTRY_KEY_BYTES) != 0;
        if (!other_case && !other_author)
            return 0;
        finding_printf(&zh, "更正所指的记录（%s）", h);
        finding_printf(&en, "the correction names entry %s, ", h);
        if (other_case) {
            finding_printf(&zh, "属于案件%s而不是本案", c->target_case);
            finding_printf(&en, "of case %s, not of this case", c->target_case);
        }
        if (other_author) {
            /* The name the rules first knew its author by, as elsewhere. */
            const idtable *m = &r->author_map;
            uint32_t no = idtable_find(m, idtable_hash(m, c->target_key, ENTRY_KEY_BYTES),
                                       match_author, r, c->target_key);
            const char *name = no != NO_RECORD ? AUTHOR(r, no).name : "?";
            finding_printf(&zh,
                           "%s由%s记录，更正人%s不是原记录人（只有原记录人可以更正自己的记录）",
                           other_case ? "，且" : "", name, author);
            finding_printf(&en,
                           "%srecorded by %s: %s is not its author (only the original author may "
                           "correct a record)",
                           other_case ? ", and " : "", name, author);
        }
    }
    return finding_add(rep, 11, c->index, c->case_id, author, &zh, &en);
}

/* R12 (B§12): 两次以上不记录或者不如实记录的，移交纪检部门给予纪律处分. A
 * person is known by person.public_key when the notification gives it, else
 * by person.name; a notification naming neither cannot be counted. */
static int on_notification(const obs *o, const Liuhen__Notification *nt)
{
    rules *r = o->r;
    if (nt->subject != LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_NOT_RECORDED ||
        nt->person == NULL)
        return 0;
    const Liuhen__Person *p = nt->person;
    person_id id;
    if (p->public_key.len == ENTRY_KEY_BYTES)
        id = (person_id){.type = 'k', .bytes = p->public_key.data, .len = p->public_key.len};
    else if (!rules_record_blank(p->name))
        id = (person_id){.type = 'n', .bytes = (const uint8_t *)p->name, .len = strlen(p->name)};
    else
        return 0;
    if (id.len > COPY_MAX)
        id.len = COPY_MAX;
    uint8_t keybuf[1 + COPY_MAX];
    keybuf[0] = id.type;
    memcpy(keybuf + 1, id.bytes, id.len);
    idtable *m = &r->person_map;
    uint32_t no = idtable_find(m, idtable_hash(m, keybuf, 1 + id.len), match_person, r, &id);
    if (no == IDTABLE_NONE) {
        const uint8_t *copy =
            (const uint8_t *)arena_dup(&r->strings, (const char *)id.bytes, id.len);
        if (copy == NULL || (no = vec_push(&r->persons, sizeof(rperson))) == NO_RECORD)
            return LH_ENOMEM;
        PERSON(r, no) = (rperson){.id = copy, .id_len = (uint32_t)id.len, .id_type = id.type};
        int rc = map_add(m, keybuf, 1 + id.len, &r->persons, no);
        if (rc != 0)
            return rc;
    }
    rperson *pr = &PERSON(r, no);
    uint32_t count = pr->count < UINT32_MAX ? pr->count + 1 : UINT32_MAX;
    bool referred = false;
    for (size_t i = 0; i < nt->n_measures; i++)
        if (nt->measures[i] == LIUHEN__MEASURE__MEASURE_REFERRED_DISCIPLINE)
            referred = true;
    int rc = 0;
    if (count >= 2 && !referred) {
        char key_hex[20], nth[24];
        finding_hash_short(key_hex, p->public_key.data, p->public_key.len);
        const char *who = !rules_record_blank(p->name) ? p->name : key_hex;
        finding_ordinal(nth, count);
        finding_text lz, le, zh, en;
        finding_text_init(&lz);
        finding_text_init(&le);
        uint32_t kept = pr->count < R12_KEEP ? pr->count : R12_KEEP;
        finding_printf(&lz, "第");
        for (uint32_t i = 0; i < kept; i++) {
            finding_printf(&lz, "%s%" PRIu64, i > 0 ? "、" : "", pr->earlier[i]);
            finding_printf(&le, "%s%" PRIu64, i > 0 ? ", " : "", pr->earlier[i]);
        }
        finding_printf(&lz, "条");
        if (pr->count > kept) {
            finding_printf(&lz, "等%" PRIu32 "次", pr->count);
            finding_printf(&le, " and %" PRIu32 " more", pr->count - kept);
        }
        finding_text_init(&zh);
        finding_text_init(&en);
        finding_printf(
            &zh,
            "%s第%" PRIu32
            "次因不记录或者不如实记录被通报（此前的通报：%s），B§12要求两次以上的移交纪检部门"
            "给予纪律处分，本次通报的处理措施中没有移交纪检部门",
            who, count, lz.s);
        finding_printf(&en,
                       "%s is notified for not recording (or not truthfully recording) for the %s "
                       "time (earlier notifications: entries %s); B§12 refers a second offence to "
                       "discipline, and this notification's measures lack "
                       "MEASURE_REFERRED_DISCIPLINE",
                       who, nth, le.s);
        rc = rules_record_finding(&o->rec, 12, &zh, &en);
    }
    if (pr->count < R12_KEEP)
        pr->earlier[pr->count] = o->rec.e->index;
    pr->count = count;
    return rc;
}

int rules_observe(rules *r, const rules_entry *e, report *rep)
{
    if (r == NULL || e == NULL || e->entry == NULL || e->entry_id == NULL || rep == NULL)
        return LH_EINVAL;
    if (r->finished)
        return LH_EINVAL;
    const Liuhen__Entry *en = e->entry;
    if (en->author_key.len != ENTRY_KEY_BYTES || en->author_key.data == NULL)
        return LH_EINVAL;
    obs o = {
        .r = r,
        .rec =
            {
                .rep = rep,
                .e = e,
                .en = en,
                .author = e->author != NULL ? e->author : "",
                .integrated = calendar_clamp(e->integrated_at),
                .recorded = calendar_clamp(en->recorded_at),
                .late_after = r->late_after,
            },
        .case_no = NO_RECORD,
    };
    int rc = author_get(r, en->author_key.data, o.rec.author, &o.author_no);
    if (rc != 0)
        return rc;
    /* Key management has no case, and the rules are about cases. */
    if (en->case_id == NULL || en->case_id[0] == '\0' ||
        en->kind == LIUHEN__KIND__KIND_KEY_ENROLL || en->kind == LIUHEN__KIND__KIND_KEY_REVOKE)
        return 0;
    if ((rc = case_get(r, en->case_id, &o.case_no)) != 0)
        return rc;
    o.rec.case_id = CASE(r, o.case_no).id;

    if ((rc = rules_record_late(&o.rec)) != 0)
        return rc;
    switch (en->body_case) {
    case LIUHEN__ENTRY__BODY_INTERFERENCE:
        if (en->interference != NULL)
            rc = rules_record_interference(&o.rec, en->interference);
        break;
    case LIUHEN__ENTRY__BODY_GUIDANCE:
        if (en->guidance != NULL)
            rc = rules_record_guidance(&o.rec, en->guidance);
        break;
    case LIUHEN__ENTRY__BODY_COMPLAINT:
        if (en->complaint != NULL)
            rc = on_complaint(&o, en->complaint);
        break;
    case LIUHEN__ENTRY__BODY_TRANSFER:
        if (en->transfer != NULL)
            rc = on_answer(&o, &en->transfer->complaint, true,
                           en->transfer->transferred_at != 0
                               ? calendar_clamp(en->transfer->transferred_at)
                               : o.rec.integrated);
        break;
    case LIUHEN__ENTRY__BODY_REPLY:
        if (en->reply != NULL)
            rc = on_answer(&o, &en->reply->complaint, false, 0);
        break;
    case LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED: CASE(r, o.case_no).assigned = true; break;
    case LIUHEN__ENTRY__BODY_INVESTIGATION_STEP: CASE(r, o.case_no).step = true; break;
    case LIUHEN__ENTRY__BODY_DECISION:
        if (en->decision != NULL)
            rc = on_decision(&o, en->decision);
        break;
    case LIUHEN__ENTRY__BODY_REVIEW_ORDER:
        if (en->review_order != NULL)
            rc = on_review(&o, en->review_order);
        break;
    case LIUHEN__ENTRY__BODY_NOTIFICATION:
        if (en->notification != NULL)
            rc = on_notification(&o, en->notification);
        break;
    /* CORRECTION: rules_correction(), once its target is found. */
    default: break;
    }
    return rc;
}

/*
 * R3 and R4 as of a time. A complaint to be transferred that no TRANSFER
 * names is overdue once as_of is past its receipt plus 2 days; a complaint
 * that no REPLY or TRANSFER names is open, and reported with its age.
 * as_of only decides whether what is still open is overdue: what the log
 * records (a late transfer, say) is judged at rules_observe(), whatever
 * as_of says.
 */
int rules_finish(rules *r, int64_t as_of_ms, report *rep)
{
    if (r == NULL || rep == NULL || r->finished)
        return LH_EINVAL;
    r->finished = true;
    int64_t as_of = calendar_clamp(as_of_ms);
    char t1[CALENDAR_TEXT_MAX], t2[CALENDAR_TEXT_MAX], d_zh[64], d_en[64];
    calendar_format_cst(t2, as_of);
    for (size_t i = 0; i < r->complaints.len; i++) {
        const rcomplaint *c = &COMPLAINT(r, i);
        const char *case_id = CASE(r, c->case_no).id, *author = AUTHOR(r, c->author_no).name;
        calendar_format_cst(t1, c->received);
        finding_text zh, en;
        int rc;
        if (c->to_transfer && !c->transferred && as_of > c->received + R3_TRANSFER_WITHIN_MS) {
            finding_duration(d_zh, d_en, as_of - (c->received + R3_TRANSFER_WITHIN_MS));
            finding_text_init(&zh);
            finding_text_init(&en);
            finding_printf(
                &zh,
                "不属于本单位受理的投诉收到于%s，应在2日内转送有权部门，截至%s仍未转送，已超期%s",
                t1, t2, d_zh);
            finding_printf(&en,
                           "complaint outside the bureau's jurisdiction, received %s, had to be "
                           "transferred within 2 days: no TRANSFER as of %s, %s overdue",
                           t1, t2, d_en);
            if ((rc = finding_add(rep, 3, c->index, case_id, author, &zh, &en)) != 0)
                return rc;
        }
        if (!c->answered) {
            finding_duration(d_zh, d_en, as_of - c->received);
            finding_text_init(&zh);
            finding_text_init(&en);
            finding_printf(&zh, "投诉收到于%s，截至%s尚未答复或转送，已%s", t1, t2, d_zh);
            finding_printf(&en,
                           "complaint received %s has no REPLY or TRANSFER: open for %s as of %s",
                           t1, d_en, t2);
            if ((rc = finding_add(rep, 4, c->index, case_id, author, &zh, &en)) != 0)
                return rc;
        }
    }
    return 0;
}
