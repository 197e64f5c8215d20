/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules_interference.c — R14 and R15: what must follow an interference
 * record (rules_interference.h).
 */
#include "rules_interference.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "deadline.h"
#include "entry.h"
#include "role.h"
#include "rules_table.h"

#define NONE UINT32_MAX

typedef struct rinterference {
    rtable_key key; /* its entry id */
    uint64_t index;
    const char *case_id, *author; /* in the table's arena */
    int64_t reported_at;          /* reported to the legal section: when (else 0) */
    bool reported_legal;
    bool followed; /* a check or report names it */
    bool confirmed;
    uint64_t confirmed_index;
    int64_t confirmed_at;
    bool notified;
    uint32_t next_in_case; /* the case's next interference, or NONE */
} rinterference;

typedef struct rcase_list {
    rtable_key key;     /* case id */
    uint32_t first;     /* its first interference, or NONE */
    uint32_t last;      /* its latest */
    uint32_t confirmed; /* an interference of it confirmed, or NONE */
} rcase_list;

typedef struct rapproval {
    rtable_key key; /* its entry id */
    uint64_t index;
    bool approved;
    uint8_t concerns[ENTRY_HASH_BYTES];
    bool has_concerns;
    const char *case_id;
} rapproval;

struct rules_interference {
    rtable items, cases, approvals;
};

int rules_interference_new(rules_interference **out)
{
    rules_interference *ri = calloc(1, sizeof *ri);
    if (ri == NULL)
        return LH_ENOMEM;
    rtable_init(&ri->items, sizeof(rinterference));
    rtable_init(&ri->cases, sizeof(rcase_list));
    rtable_init(&ri->approvals, sizeof(rapproval));
    *out = ri;
    return 0;
}

void rules_interference_free(rules_interference *ri)
{
    if (ri == NULL)
        return;
    rtable_free(&ri->items);
    rtable_free(&ri->cases);
    rtable_free(&ri->approvals);
    free(ri);
}

static uint32_t item_no(const rules_interference *ri, const rinterference *it)
{
    return (uint32_t)(((const char *)it - (const char *)ri->items.items) / (ptrdiff_t)sizeof *it);
}

static int on_interference(rules_interference *ri, const rules_record *o,
                           const Liuhen__Interference *in)
{
    bool added;
    rinterference *it = rtable_get(&ri->items, o->e->entry_id, ENTRY_HASH_BYTES, &added);
    if (it == NULL)
        return LH_ENOMEM;
    if (!added)
        return 0;
    it->index = o->e->index;
    it->case_id = arena_dup(&ri->items.keys, o->case_id, strlen(o->case_id));
    it->author = arena_dup(&ri->items.keys, o->author, strlen(o->author));
    if (it->case_id == NULL || it->author == NULL)
        return LH_ENOMEM;
    it->reported_legal = in->reported_to == LIUHEN__REPORTED_TO__REPORTED_TO_LEGAL_SECTION;
    it->reported_at = in->reported_at != 0 ? calendar_clamp(in->reported_at) : o->integrated;
    it->next_in_case = NONE;
    uint32_t no = item_no(ri, it);
    rcase_list *cl = rtable_get(&ri->cases, o->case_id, strlen(o->case_id), &added);
    if (cl == NULL)
        return LH_ENOMEM;
    if (added) {
        cl->first = no;
        cl->confirmed = NONE;
    } else {
        ((rinterference *)rtable_at(&ri->items, cl->last))->next_in_case = no;
    }
    cl->last = no;
    return 0;
}

/* The interference a record names, or NULL; an empty `concerns` is the
 * case's (first) interference. */
static rinterference *named(rules_interference *ri, const rules_record *o,
                            const ProtobufCBinaryData *concerns)
{
    if (concerns->len == ENTRY_HASH_BYTES)
        return rtable_find(&ri->items, concerns->data, ENTRY_HASH_BYTES);
    if (concerns->len != 0)
        return NULL;
    const rcase_list *cl = rtable_find(&ri->cases, o->case_id, strlen(o->case_id));
    return cl != NULL ? rtable_at(&ri->items, cl->first) : NULL;
}

/* Mark every interference a follow-up covers: the one named, or all of the case. */
static void follow(rules_interference *ri, const rules_record *o, const ProtobufCBinaryData *c,
                   bool confirmed, int64_t at)
{
    rinterference *one = c->len != 0 ? named(ri, o, c) : NULL;
    const rcase_list *cl = rtable_find(&ri->cases, o->case_id, strlen(o->case_id));
    uint32_t no = one != NULL ? item_no(ri, one) : (c->len == 0 && cl != NULL ? cl->first : NONE);
    while (no != NONE) {
        rinterference *it = rtable_at(&ri->items, no);
        it->followed = true;
        if (confirmed && !it->confirmed) {
            it->confirmed = true;
            it->confirmed_index = o->e->index;
            it->confirmed_at = at;
        }
        no = one != NULL ? NONE : it->next_in_case;
    }
}

static int on_approval(rules_interference *ri, const rules_record *o, const Liuhen__Approval *a)
{
    bool added;
    rapproval *ap = rtable_get(&ri->approvals, o->e->entry_id, ENTRY_HASH_BYTES, &added);
    if (ap == NULL)
        return LH_ENOMEM;
    if (!added)
        return 0;
    ap->index = o->e->index;
    ap->approved = a->approved;
    ap->case_id = arena_dup(&ri->approvals.keys, o->case_id, strlen(o->case_id));
    if (ap->case_id == NULL)
        return LH_ENOMEM;
    if (a->concerns.len == ENTRY_HASH_BYTES) {
        memcpy(ap->concerns, a->concerns.data, ENTRY_HASH_BYTES);
        ap->has_concerns = true;
    }
    return 0;
}

/* R14 at a notice of interference: it names an approval that approves it. */
static int on_notice(rules_interference *ri, const rules_record *o, const Liuhen__Notification *n)
{
    finding_text zh, en;
    finding_text_init(&zh);
    finding_text_init(&en);
    const rapproval *ap = n->approval.len == ENTRY_HASH_BYTES
                              ? rtable_find(&ri->approvals, n->approval.data, ENTRY_HASH_BYTES)
                              : NULL;
    if (n->approval.len == 0) {
        finding_printf(
            &zh, "干预情况通报未载明批准记录（干预记录制度第十条：应按人事管理权限报经批准后予以"
                 "通报）");
        finding_printf(&en, "notice of interference names no approval (B§10: approved, as "
                            "personnel authority requires, before it is issued)");
    } else if (ap == NULL) {
        char h[20];
        finding_hash_short(h, n->approval.data, n->approval.len);
        finding_printf(&zh, "干预情况通报所称的批准记录（%s）不是日志中此前的批准记录", h);
        finding_printf(&en,
                       "notice of interference names approval %s, which is no earlier "
                       "APPROVAL of the log",
                       h);
    } else if (!ap->approved) {
        finding_printf(&zh, "干预情况通报所称的批准记录（第%" PRIu64 "号记录）未予批准", ap->index);
        finding_printf(
            &en, "notice of interference names approval entry %" PRIu64 ", which did not approve",
            ap->index);
    }
    /* The interference it notifies: the one it names, else the one its
     * approval names, else every one of its case. A record named that is
     * no interference (the check that confirmed it, which an approval may
     * name) stands for its case's, as naming none does. */
    ProtobufCBinaryData c = n->concerns;
    if (c.len == 0 && ap != NULL && ap->has_concerns)
        c = (ProtobufCBinaryData){ENTRY_HASH_BYTES, (uint8_t *)ap->concerns};
    rinterference *one = c.len != 0 ? named(ri, o, &c) : NULL;
    const rcase_list *cl = rtable_find(&ri->cases, o->case_id, strlen(o->case_id));
    uint32_t no = one != NULL ? item_no(ri, one) : (cl != NULL ? cl->first : NONE);
    while (no != NONE) {
        rinterference *it = rtable_at(&ri->items, no);
        if (zh.len == 0)
            it->notified = true;
        no = one != NULL ? NONE : it->next_in_case;
    }
    return zh.len > 0 ? rules_record_finding(o, 14, &zh, &en) : 0;
}

int rules_interference_observe(rules_interference *ri, const rules_record *o)
{
    const Liuhen__Entry *en = o->en;
    switch (en->body_case) {
    case LIUHEN__ENTRY__BODY_INTERFERENCE:
        return en->interference != NULL ? on_interference(ri, o, en->interference) : 0;
    case LIUHEN__ENTRY__BODY_SUPERVISION_CHECK: {
        const Liuhen__SupervisionCheck *sc = en->supervision_check;
        if (sc != NULL)
            follow(ri, o, &sc->concerns,
                   sc->conclusion == LIUHEN__CHECK_CONCLUSION__CHECK_CONCLUSION_CONFIRMED,
                   sc->conducted_at != 0 ? calendar_clamp(sc->conducted_at) : o->integrated);
        return 0;
    }
    case LIUHEN__ENTRY__BODY_REPORT:
        /* B§4 is the legal section's duty: a handler's report is not it. */
        if (en->report != NULL &&
            en->report->matter == LIUHEN__REPORT_MATTER__REPORT_MATTER_INTERFERENCE_CLUE &&
            (o->e->author_roles & ROLE_BIT(LIUHEN__ROLE__ROLE_LEGAL)) != 0)
            follow(ri, o, &en->report->concerns, false, 0);
        return 0;
    case LIUHEN__ENTRY__BODY_APPROVAL:
        return en->approval != NULL ? on_approval(ri, o, en->approval) : 0;
    case LIUHEN__ENTRY__BODY_NOTIFICATION:
        if (en->notification != NULL &&
            en->notification->subject ==
                LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_INTERFERENCE)
            return on_notice(ri, o, en->notification);
        return 0;
    default: return 0;
    }
}

int rules_interference_finish(rules_interference *ri, int64_t as_of, const rules_period *period,
                              report *rep)
{
    char t[CALENDAR_TEXT_MAX], end_zh[DEADLINE_TEXT_MAX], end_en[DEADLINE_TEXT_MAX];
    calendar_format_cst(t, as_of);
    unsigned days = period->follow_up_days;
    for (size_t i = 0; i < rtable_len(&ri->items); i++) {
        const rinterference *it = rtable_at(&ri->items, i);
        finding_text zh, en;
        int rc;
        if (it->reported_legal && !it->followed) {
            int64_t end =
                deadline_days_end(period->calendar, it->reported_at, days, period->working_days);
            if (as_of > end) {
                deadline_format_end(end_zh, end_en, end);
                finding_text_init(&zh);
                finding_text_init(&en);
                finding_printf(
                    &zh,
                    "干预情况已报告局机关法规部门，截至%s未见其检查、调查处理或者"
                    "向机关负责人报告的记录（本工具按%u日计，期限至%s；干预记录制度第四条：应当及时"
                    "报告并开展调查处理）",
                    t, days, end_zh);
                finding_printf(&en,
                               "interference reported to the legal section: as of %s no check, "
                               "investigation or report by it names the record (counted as %u "
                               "days: by %s; B§4: promptly)",
                               t, days, end_en);
                if ((rc = finding_add(rep, 15, it->index, it->case_id, it->author, &zh, &en)) != 0)
                    return rc;
            }
        }
        if (it->confirmed && !it->notified) {
            int64_t end =
                deadline_days_end(period->calendar, it->confirmed_at, days, period->working_days);
            if (as_of > end) {
                deadline_format_end(end_zh, end_en, end);
                finding_text_init(&zh);
                finding_text_init(&en);
                finding_printf(&zh,
                               "第%" PRIu64
                               "号记录查实违反规定干预办案，截至%s未见经批准的通报（本工具按%u日"
                               "计，期限至%s；干预记录制度第十条：报经批准后予以通报）",
                               it->confirmed_index, t, days, end_zh);
                finding_printf(&en,
                               "entry %" PRIu64
                               " confirmed the interference; as of %s no approved notice of it "
                               "(counted as %u days: by %s; B§10)",
                               it->confirmed_index, t, days, end_en);
                if ((rc = finding_add(rep, 14, it->index, it->case_id, it->author, &zh, &en)) != 0)
                    return rc;
            }
        }
    }
    return 0;
}
