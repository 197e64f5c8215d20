/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules.c — the regulation rules of docs/regulation.md ("Rules the verifier
 * checks") over the entries of a verified log in log order: this file
 * follows cases through the log and decides the rules about complaints,
 * investigations, decisions and closings (R3, R4, R5, R8, R11, R16); it
 * hands each entry to rules_record.h (one record by itself: R1, R2, R6, R7,
 * R9, R10), rules_people.h (R12, R13, R17) and rules_interference.h (R14,
 * R15). The sentences of every finding are written with finding.h.
 *
 * What this file remembers, and nothing more:
 *  - per case (a hash table from case id to a compact record): the id, the
 *    case's first COMPLAINT and latest DECISION, whether it was assigned an
 *    investigation team and investigated (since the latest review order),
 *    an obstruction observed, a pending review order, and whether it is
 *    closed;
 *  - per COMPLAINT: its entry id, index, case, author, times of receipt and
 *    受理, jurisdiction, and how it was answered (R3, R4);
 *  - per DECISION: its entry id, index, case and decision time (R8);
 *  - nothing per entry: R11 needs the entry a CORRECTION names, which the
 *    verifier finds in a second pass over the log and reports with
 *    rules_correction() (rules.h).
 * Strings are copied once into an arena. Every table is an idtable (SipHash
 * under a random key), so entries crafted to collide cannot make a lookup
 * slow.
 *
 * What the regulations leave open is decided here, each at its rule:
 *  - R3: "受理后2日内" runs from the 受理 time (accepted_at), counted as
 *    民法典 第201–203条 count periods (deadline.h): the day of 受理 is not
 *    counted, the period ends at 24:00 of its last day, a last day that is
 *    a rest day moves to the next working day; --working-days reads it as
 *    2 working days (cf. 行政处罚法 第85条). Without a 受理 time, receipt
 *    (received_at, else the complaint's integrated_at) stands in, and the
 *    finding says so.
 *  - R4: a REPLY answers when it tells the result (or that the complaint is
 *    not accepted, and why); an acknowledgement does not. A REPLY of no
 *    stated type counts as an answer: a wrong finding is worse than none.
 *  - R5: the team is assigned by the 主要负责人: the author of the
 *    INVESTIGATION_ASSIGNED holds ROLE_PRINCIPAL. After a REVIEW_ORDER the
 *    decision needs a new investigation: a new team and a step for
 *    REINVESTIGATE (重新组织调查), a step for DIRECT_INVESTIGATION (直接派员
 *    调查).
 *  - R8: "1个月内" is a calendar month, counted as above
 *    (deadline_months_end()).
 *  - R16: after CASE_CLOSED only a CORRECTION, an APPEAL (申诉 comes after a
 *    decision) or a REVIEW_ORDER (which reopens the case) may be added.
 *  - Key management (KEY_ENROLL, KEY_REVOKE) belongs to no case: only R17
 *    looks at a KEY_REVOKE.
 *  - rules_finish() is called once; rules_observe() after it, or a second
 *    rules_finish(), is refused with LH_EINVAL.
 *
 * Times are unix milliseconds, first clamped to +-2^50 ms, so that no sum
 * or difference can overflow. Times are shown in Beijing time (UTC+8).
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
#include "grow.h"
#include "idtable.h"
#include "rules.h"
#include "kind.h"
#include "rules_interference.h"
#include "rules_people.h"
#include "rules_record.h"
#include "role.h"

/* ---- constants ------------------------------------------------------------------------------ */

#define HOUR_MS CALENDAR_HOUR_MS
#define DAY_MS  CALENDAR_DAY_MS

/* A§10(1): 不属于本单位受理的案件，应在受理后2日内转送有权部门处理. */
#define R3_TRANSFER_DAYS 2

/* "及时" in days when the caller gives none (rules.h: --follow-up-days). */
#define FOLLOW_UP_DAYS_DEFAULT 30

/* R10's threshold when the caller gives none (rules.h: --late-after, 24 h). */
#define LATE_AFTER_DEFAULT_MS (24 * HOUR_MS)

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
    bool assigned;            /* an INVESTIGATION_ASSIGNED since the latest review order (R5) */
    bool step;                /* an INVESTIGATION_STEP since then (R5) */
    bool obstruction;         /* a step observed obstruction or false evidence (R7) */
    uint64_t obstruction_index;
    bool review;        /* a REVIEW_ORDER not yet followed by its investigation (R5) */
    bool review_direct; /* it ordered DIRECT_INVESTIGATION */
    uint64_t review_index;
    int64_t review_at;
    uint32_t review_author; /* author number */
    bool closed;            /* CASE_CLOSED, not reopened by a REVIEW_ORDER (R16) */
    uint64_t closed_index;
} rcase;

typedef struct rauthor {
    uint8_t key[ENTRY_KEY_BYTES];
    const char *name; /* holder name when first seen, in the arena */
} rauthor;

typedef struct rcomplaint {
    uint8_t hash[ENTRY_HASH_BYTES];
    uint64_t index;
    int64_t received; /* received_at, or the complaint's integrated_at */
    int64_t accepted; /* accepted_at (受理), else received */
    uint32_t case_no;
    uint32_t author_no;
    bool has_accepted; /* accepted_at was given */
    bool to_transfer;  /* jurisdiction TO_TRANSFER (R3) */
    bool answered;     /* a TRANSFER, or a REPLY telling the result, names it (R4) */
    bool acknowledged; /* a REPLY only acknowledged it (R4) */
    bool transferred;  /* a TRANSFER names it (R3) */
} rcomplaint;

typedef struct rdecision {
    uint8_t hash[ENTRY_HASH_BYTES];
    uint64_t index;
    int64_t decided; /* decided_at, or the decision's integrated_at */
    uint32_t case_no;
} rdecision;

/* A growing array of records of one kind. */
typedef struct vec {
    void *items;
    size_t len, cap;
} vec;

struct rules {
    int64_t late_after;
    rules_period period;
    arena strings;                             /* case ids, names */
    vec cases, authors, complaints, decisions; /* of rcase, rauthor, ... */
    idtable case_map, author_map, complaint_map, decision_map;
    rules_people *people;
    rules_interference *interference;
    bool finished;
};

#define CASE(r, i)      (((rcase *)(r)->cases.items)[i])
#define AUTHOR(r, i)    (((rauthor *)(r)->authors.items)[i])
#define COMPLAINT(r, i) (((rcomplaint *)(r)->complaints.items)[i])
#define DECISION(r, i)  (((rdecision *)(r)->decisions.items)[i])

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
    if (grow_room(&v->items, &v->cap, v->len + 1, size, 16, 0) != 0)
        return NO_RECORD;
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
    r->period = (rules_period){
        .calendar = opts != NULL ? opts->calendar : NULL,
        .working_days = opts != NULL && opts->working_days,
        .follow_up_days = opts != NULL && opts->follow_up_days > 0 ? opts->follow_up_days
                                                                   : FOLLOW_UP_DAYS_DEFAULT,
    };
    idtable_init(&r->case_map);
    idtable_init(&r->author_map);
    idtable_init(&r->complaint_map);
    idtable_init(&r->decision_map);
    if (rules_people_new(&r->people) != 0 || rules_interference_new(&r->interference) != 0) {
        rules_free(r);
        return LH_ENOMEM;
    }
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
    idtable_free(&r->case_map);
    idtable_free(&r->author_map);
    idtable_free(&r->complaint_map);
    idtable_free(&r->decision_map);
    rules_people_free(r->people);
    rules_interference_free(r->interference);
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
    int64_t received = c->received_at != 0 ? calendar_clamp(c->received_at) : o->rec.integrated;
    *cp = (rcomplaint){
        .index = o->rec.e->index,
        .received = received,
        .accepted = c->accepted_at != 0 ? calendar_clamp(c->accepted_at) : received,
        .has_accepted = c->accepted_at != 0,
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
 * 受理; the first TRANSFER naming it counts.
 */
/* The end of R3's period for a complaint (deadline.h), and the time it
 * runs from in words. */
static int64_t r3_end(const rules *r, const rcomplaint *c)
{
    return deadline_days_end(r->period.calendar, c->accepted, R3_TRANSFER_DAYS,
                             r->period.working_days);
}

/* "于2026年11月26日受理" or, without a 受理 time, the receipt standing in. */
static void r3_start(const rcomplaint *c, finding_text *zh, finding_text *en)
{
    char t[CALENDAR_TEXT_MAX];
    calendar_format_cst(t, c->accepted);
    if (c->has_accepted) {
        finding_printf(zh, "于%s受理", t);
        finding_printf(en, "accepted %s", t);
    } else {
        finding_printf(zh, "收到于%s（未记录受理时间，按收到时间起算）", t);
        finding_printf(en, "received %s (no 受理 time recorded: counted from receipt)", t);
    }
}

static int on_answer(obs *o, const ProtobufCBinaryData *named, bool transfer, int64_t at,
                     bool result)
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
            finding_printf(&zh, "%s记录在案件%s中，而所涉投诉（第%" PRIu64 "号记录）属于案件%s",
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
    if (result)
        c->answered = true;
    else
        c->acknowledged = true;
    if (!transfer || !c->to_transfer || c->transferred)
        return 0;
    c->transferred = true;
    int64_t end = r3_end(r, c);
    if (at <= end)
        return 0;
    char t2[CALENDAR_TEXT_MAX], e_zh[DEADLINE_TEXT_MAX], e_en[DEADLINE_TEXT_MAX];
    calendar_format_cst(t2, at);
    deadline_format_end(e_zh, e_en, end);
    int64_t late = deadline_days_overdue(end, at);
    finding_text_init(&zh);
    finding_text_init(&en);
    finding_printf(&zh, "不属于本单位受理的投诉（第%" PRIu64 "号记录）", c->index);
    finding_printf(&en, "complaint (entry %" PRIu64 ") outside the bureau's jurisdiction, ",
                   c->index);
    r3_start(c, &zh, &en);
    finding_printf(&zh, "，应在受理后2%s内转送有权部门，期限至%s，实际于%s转送，超期%" PRId64 "日",
                   r->period.working_days ? "个工作日" : "日", e_zh, t2, late);
    finding_printf(&en,
                   ", had to be transferred within 2 %sdays of 受理, by %s; it was transferred "
                   "%s, %" PRId64 " day%s late",
                   r->period.working_days ? "working " : "", e_en, t2, late, late == 1 ? "" : "s");
    return rules_record_finding(&o->rec, 3, &zh, &en);
}

/* R5 (A§10(2)): 由局主要负责人指派人员及时组成调查组: the author of the
 * assignment holds ROLE_PRINCIPAL. */
static int on_assigned(obs *o)
{
    rcase *cs = &CASE(o->r, o->case_no);
    cs->assigned = true;
    if (cs->review && !cs->review_direct && cs->step)
        cs->review = false;
    if ((o->rec.e->author_roles & ROLE_BIT(LIUHEN__ROLE__ROLE_PRINCIPAL)) != 0)
        return 0;
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    finding_printf(&zh,
                   "指派调查组的%"
                   "s不是登记为局主要负责人的人员（错案追究制度第十条第（二）项：由局主要负责人指派"
                   "人员组成调查组）",
                   o->rec.author);
    finding_printf(&en,
                   "the investigation team is assigned by %s, who is not enrolled as the "
                   "principal head (A§10(2): the principal head assigns the team)",
                   o->rec.author);
    return rules_record_finding(&o->rec, 5, &zh, &en);
}

static void on_step(obs *o, const Liuhen__InvestigationStep *st)
{
    rcase *cs = &CASE(o->r, o->case_no);
    cs->step = true;
    if (cs->review && (cs->review_direct || cs->assigned))
        cs->review = false;
    if (st != NULL && (st->obstruction_observed || st->false_evidence_observed) &&
        !cs->obstruction) {
        cs->obstruction = true;
        cs->obstruction_index = o->rec.e->index;
    }
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
     * investigates, then the decision is made; after a review order, a new
     * investigation (the review's own, rules.c's header says which). */
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
        if (cs->review_index != 0) {
            finding_printf(&zh,
                           "第%" PRIu64 "号记录责令重新调查后，本案没有新的%"
                           "s记录即作出处理决定（错案追究制度第十条第（三）项）",
                           cs->review_index, lz.s);
            finding_printf(&en,
                           "decision made after the review order (entry %" PRIu64
                           ") with %s since (A§10(3))",
                           cs->review_index, le.s);
        } else {
            finding_printf(
                &zh,
                "处理决定作出前，本案没有%"
                "s记录（错案追究制度第十条第（二）项、第（三）项：由局主要负责人指派调查组"
                "调查后，再作出处理决定）",
                lz.s);
            finding_printf(&en,
                           "decision made with %s earlier in its case (A§10(2)(3): the head "
                           "assigns an investigation team, which investigates before the "
                           "decision)",
                           le.s);
        }
        if ((rc = rules_record_finding(&o->rec, 5, &zh, &en)) != 0)
            return rc;
    }
    cs->review = false;

    /* R6 and R7: what the decision itself records, and what it weighs. */
    rules_decision_facts facts = {.obstruction = cs->obstruction,
                                  .obstruction_index = cs->obstruction_index};
    if ((rc = rules_record_decision(&o->rec, d, &facts)) != 0)
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
    /* The case is open again, and waits for its new investigation (R5). */
    rcase *cs = &CASE(r, o->case_no);
    cs->closed = false;
    cs->review = true;
    cs->review_direct = ro->action == LIUHEN__REVIEW_ACTION__REVIEW_ACTION_DIRECT_INVESTIGATION;
    cs->review_index = o->rec.e->index;
    cs->review_at = ro->ordered_at != 0 ? calendar_clamp(ro->ordered_at) : o->rec.integrated;
    cs->review_author = o->author_no;
    cs->assigned = cs->review_direct; /* a direct investigation needs no new team */
    cs->step = false;
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
                &zh, "责令重新调查记录在案件%s中，而所涉处理决定（第%" PRIu64 "号记录）属于案件%s",
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
    int64_t at = cs->review_at;
    int64_t end = deadline_months_end(r->period.calendar, d->decided, 1);
    if (at <= end)
        return 0;
    char t1[CALENDAR_TEXT_MAX], t3[CALENDAR_TEXT_MAX];
    char e_zh[DEADLINE_TEXT_MAX], e_en[DEADLINE_TEXT_MAX];
    calendar_format_cst(t1, d->decided);
    calendar_format_cst(t3, at);
    deadline_format_end(e_zh, e_en, end);
    int64_t late = deadline_days_overdue(end, at);
    finding_printf(&zh,
                   "责令重新调查应在处理决定（第%" PRIu64
                   "号记录，%s）后1个月内作出，期限至%s，实际于%s作出，超期%" PRId64 "日",
                   d->index, t1, e_zh, t3, late);
    finding_printf(&en,
                   "review order due within one month of the decision (entry %" PRIu64
                   ", %s), by %s; it came %s, %" PRId64 " day%s late",
                   d->index, t1, e_en, t3, late, late == 1 ? "" : "s");
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

/* R16: what may still be added to a closed case (rules.c's header). */
static int check_closed(obs *o)
{
    const rcase *cs = &CASE(o->r, o->case_no);
    Liuhen__Kind k = o->rec.en->kind;
    if (!cs->closed || k == LIUHEN__KIND__KIND_CORRECTION || k == LIUHEN__KIND__KIND_APPEAL ||
        k == LIUHEN__KIND__KIND_REVIEW_ORDER)
        return 0;
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    finding_printf(&zh,
                   "本案已于第%" PRIu64
                   "号记录结案，其后又追加了%s记录（结案后只应有更正、申诉或者责令重新调查）",
                   cs->closed_index, kind_label_zh(k));
    finding_printf(&en,
                   "the case was closed at entry %" PRIu64
                   ", and a record of kind %s was added after it (after closing, only a "
                   "correction, an appeal or a review order)",
                   cs->closed_index, kind_name(k));
    return rules_record_finding(&o->rec, 16, &zh, &en);
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
                .case_id = "",
                .author = e->author != NULL ? e->author : "",
                .integrated = calendar_clamp(e->integrated_at),
                .recorded = calendar_clamp(en->recorded_at),
                .late_after = r->late_after,
                .period = &r->period,
            },
        .case_no = NO_RECORD,
    };
    int rc = author_get(r, en->author_key.data, o.rec.author, &o.author_no);
    if (rc != 0)
        return rc;
    /* Key management has no case: only R17 looks at it (a revocation, and
     * the enrolment that may replace the key). */
    if (en->kind == LIUHEN__KIND__KIND_KEY_REVOKE || en->kind == LIUHEN__KIND__KIND_KEY_ENROLL)
        return rules_people_observe(r->people, &o.rec);
    if (en->case_id == NULL || en->case_id[0] == '\0' || en->kind == LIUHEN__KIND__KIND_KEY_ENROLL)
        return 0;
    if ((rc = case_get(r, en->case_id, &o.case_no)) != 0)
        return rc;
    o.rec.case_id = CASE(r, o.case_no).id;

    if ((rc = check_closed(&o)) != 0 || (rc = rules_record_late(&o.rec)) != 0)
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
                               : o.rec.integrated,
                           true);
        break;
    case LIUHEN__ENTRY__BODY_REPLY:
        if (en->reply != NULL)
            rc = on_answer(&o, &en->reply->complaint, false, 0,
                           en->reply->type != LIUHEN__REPLY_TYPE__REPLY_TYPE_ACKNOWLEDGEMENT);
        break;
    case LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED: rc = on_assigned(&o); break;
    case LIUHEN__ENTRY__BODY_INVESTIGATION_STEP: on_step(&o, en->investigation_step); break;
    case LIUHEN__ENTRY__BODY_DECISION:
        if (en->decision != NULL)
            rc = on_decision(&o, en->decision);
        break;
    case LIUHEN__ENTRY__BODY_REVIEW_ORDER:
        if (en->review_order != NULL)
            rc = on_review(&o, en->review_order);
        break;
    case LIUHEN__ENTRY__BODY_CASE_CLOSED:
        if (!CASE(r, o.case_no).closed) {
            CASE(r, o.case_no).closed = true;
            CASE(r, o.case_no).closed_index = e->index;
        }
        break;
    /* CORRECTION: rules_correction(), once its target is found. */
    default: break;
    }
    if (rc == 0)
        rc = rules_people_observe(r->people, &o.rec);
    if (rc == 0)
        rc = rules_interference_observe(r->interference, &o.rec);
    return rc;
}

/*
 * What is open as of a time: a complaint to be transferred that no
 * TRANSFER names is overdue once its period (R3) is over; a complaint
 * whose result nobody told is reported with its age (R4); a review order
 * not followed by its investigation within the follow-up period (R5);
 * then R12, R14 and R15 (rules_people_finish(),
 * rules_interference_finish()). as_of only decides whether what is still
 * open is overdue: what the log records (a late transfer, say) is judged at
 * rules_observe(), whatever as_of says.
 */
int rules_finish(rules *r, int64_t as_of_ms, report *rep)
{
    if (r == NULL || rep == NULL || r->finished)
        return LH_EINVAL;
    r->finished = true;
    int64_t as_of = calendar_clamp(as_of_ms);
    char t1[CALENDAR_TEXT_MAX], t2[CALENDAR_TEXT_MAX];
    char e_zh[DEADLINE_TEXT_MAX], e_en[DEADLINE_TEXT_MAX];
    calendar_format_cst(t2, as_of);
    int rc;
    for (size_t i = 0; i < r->complaints.len; i++) {
        const rcomplaint *c = &COMPLAINT(r, i);
        const char *case_id = CASE(r, c->case_no).id, *author = AUTHOR(r, c->author_no).name;
        calendar_format_cst(t1, c->received);
        finding_text zh, en;
        int64_t end = r3_end(r, c);
        if (c->to_transfer && !c->transferred && as_of > end) {
            deadline_format_end(e_zh, e_en, end);
            int64_t late = deadline_days_overdue(end, as_of);
            finding_text_init(&zh);
            finding_text_init(&en);
            finding_printf(&zh, "不属于本单位受理的投诉");
            finding_printf(&en, "complaint outside the bureau's jurisdiction, ");
            r3_start(c, &zh, &en);
            finding_printf(
                &zh, "，应在受理后2%s内转送有权部门，期限至%s，截至%s仍未转送，已超期%" PRId64 "日",
                r->period.working_days ? "个工作日" : "日", e_zh, t2, late);
            finding_printf(&en,
                           ", had to be transferred within 2 %sdays of 受理, by %s: no TRANSFER "
                           "as of %s, %" PRId64 " day%s overdue",
                           r->period.working_days ? "working " : "", e_en, t2, late,
                           late == 1 ? "" : "s");
            if ((rc = finding_add(rep, 3, c->index, case_id, author, &zh, &en)) != 0)
                return rc;
        }
        /* A§10(1) 负责答复 sets no period, and the result exists only once
         * the matter is decided: a complaint is reported when its case was
         * decided or closed with no result told, or when nothing at all
         * answered it within the follow-up period. */
        const rcase *cs = &CASE(r, c->case_no);
        bool concluded = cs->last_decision != NO_RECORD || cs->closed;
        int64_t silent_end = deadline_days_end(r->period.calendar, c->received,
                                               r->period.follow_up_days, r->period.working_days);
        if (!c->answered && (concluded || (!c->acknowledged && as_of > silent_end))) {
            int64_t days = deadline_days_overdue(c->received, as_of);
            finding_text_init(&zh);
            finding_text_init(&en);
            if (c->acknowledged) {
                finding_printf(
                    &zh,
                    "投诉收到于%s，本案已作出处理决定或者结案，截至%s只告知了已受理，"
                    "未答复处理结果（错案追究制度第十条第（一）项：负责答复），已%" PRId64 "日",
                    t1, t2, days);
                finding_printf(&en,
                               "complaint received %s was only acknowledged, and its case is "
                               "decided or closed: no answer telling the result as of %s, "
                               "%" PRId64 " day%s on (A§10(1))",
                               t1, t2, days, days == 1 ? "" : "s");
            } else if (concluded) {
                finding_printf(&zh,
                               "投诉收到于%s，本案已作出处理决定或者结案，截至%s未答复处理结果或者"
                               "转送，已%" PRId64 "日",
                               t1, t2, days);
                finding_printf(&en,
                               "complaint received %s: its case is decided or closed, and no "
                               "answer or transfer as of %s, %" PRId64 " day%s on",
                               t1, t2, days, days == 1 ? "" : "s");
            } else {
                finding_printf(&zh,
                               "投诉收到于%s，截至%s既未答复也未告知受理，已%" PRId64
                               "日（本工具按%u日计及时）",
                               t1, t2, days, r->period.follow_up_days);
                finding_printf(&en,
                               "complaint received %s has had no answer, acknowledgement or "
                               "transfer as of %s, %" PRId64 " day%s on (counted as %u days)",
                               t1, t2, days, days == 1 ? "" : "s", r->period.follow_up_days);
            }
            if ((rc = finding_add(rep, 4, c->index, case_id, author, &zh, &en)) != 0)
                return rc;
        }
    }
    for (size_t i = 0; i < r->cases.len; i++) {
        const rcase *cs = &CASE(r, i);
        if (!cs->review)
            continue;
        int64_t end = deadline_days_end(r->period.calendar, cs->review_at, r->period.follow_up_days,
                                        r->period.working_days);
        if (as_of <= end)
            continue;
        deadline_format_end(e_zh, e_en, end);
        finding_text zh, en;
        finding_text_init(&zh);
        finding_text_init(&en);
        finding_printf(
            &zh, "第%" PRIu64 "号记录责令%s，截至%s未见新的调查记录（本工具按%u日计，期限至%s）",
            cs->review_index, cs->review_direct ? "直接派员调查" : "重新组织调查", t2,
            r->period.follow_up_days, e_zh);
        finding_printf(&en,
                       "entry %" PRIu64 " ordered %s; as of %s no new investigation is recorded "
                       "(counted as %u days: by %s)",
                       cs->review_index,
                       cs->review_direct ? "a direct investigation" : "a new investigation", t2,
                       r->period.follow_up_days, e_en);
        if ((rc = finding_add(rep, 5, cs->review_index, cs->id, AUTHOR(r, cs->review_author).name,
                              &zh, &en)) != 0)
            return rc;
    }
    if ((rc = rules_people_finish(r->people, as_of, rep)) != 0)
        return rc;
    return rules_interference_finish(r->interference, as_of, &r->period, rep);
}
