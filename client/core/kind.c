/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * kind.c — the kinds of records, as data (kind.h, docs/design.md "Kinds
 * and roles").
 */
#include "kind.h"

#include "labels.h"
#include "text.h"

#define R(role) ROLE_BIT(LIUHEN__ROLE__ROLE_##role)
/* The principal head is a leader too. */
#define LEADERS (R(LEADER) | R(PRINCIPAL))

struct kind_info {
    const char *name;             /* the enum value's name without "KIND_" */
    Liuhen__Entry__BodyCase body; /* the body this kind carries */
    uint32_t roles;               /* who may append it */
    bool opens_case;              /* may be the first entry of a case */
    bool in_case;                 /* belongs to a case: case_id required */
};

static const struct kind_info kinds[] = {
    [LIUHEN__KIND__KIND_INTERFERENCE] = {"INTERFERENCE", LIUHEN__ENTRY__BODY_INTERFERENCE,
                                         R(HANDLER) | R(LEGAL), true, true},
    /* B§7: written by a leader, or oral and recorded by the handler. */
    [LIUHEN__KIND__KIND_GUIDANCE] = {"GUIDANCE", LIUHEN__ENTRY__BODY_GUIDANCE, LEADERS | R(HANDLER),
                                     true, true},
    /* A§10(1): the legal section accepts complaints and answers them. */
    [LIUHEN__KIND__KIND_COMPLAINT] = {"COMPLAINT", LIUHEN__ENTRY__BODY_COMPLAINT, R(LEGAL), true,
                                      true},
    [LIUHEN__KIND__KIND_TRANSFER] = {"TRANSFER", LIUHEN__ENTRY__BODY_TRANSFER, R(LEGAL), false,
                                     true},
    [LIUHEN__KIND__KIND_REPLY] = {"REPLY", LIUHEN__ENTRY__BODY_REPLY, R(LEGAL), false, true},
    /* A§10(2): the principal head assigns the team. */
    [LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED] = {"INVESTIGATION_ASSIGNED",
                                                   LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED,
                                                   LEADERS, false, true},
    [LIUHEN__KIND__KIND_INVESTIGATION_STEP] = {"INVESTIGATION_STEP",
                                               LIUHEN__ENTRY__BODY_INVESTIGATION_STEP,
                                               R(INVESTIGATOR) | R(LEGAL), false, true},
    /* A§10(3): decided by the leadership's collective discussion. */
    [LIUHEN__KIND__KIND_DECISION] = {"DECISION", LIUHEN__ENTRY__BODY_DECISION, LEADERS, false,
                                     true},
    [LIUHEN__KIND__KIND_REVIEW_ORDER] = {"REVIEW_ORDER", LIUHEN__ENTRY__BODY_REVIEW_ORDER, LEADERS,
                                         false, true},
    /* A§12: whoever is concerned states a defence or petitions. */
    [LIUHEN__KIND__KIND_APPEAL] = {"APPEAL", LIUHEN__ENTRY__BODY_APPEAL, ROLE_ALL, false, true},
    [LIUHEN__KIND__KIND_NOTIFICATION] = {"NOTIFICATION", LIUHEN__ENTRY__BODY_NOTIFICATION,
                                         R(LEGAL) | LEADERS, false, true},
    /* Any enrolled key, and only for its own entries: kind_allowed(). */
    [LIUHEN__KIND__KIND_CORRECTION] = {"CORRECTION", LIUHEN__ENTRY__BODY_CORRECTION, ROLE_ALL,
                                       false, true},
    [LIUHEN__KIND__KIND_CASE_CLOSED] = {"CASE_CLOSED", LIUHEN__ENTRY__BODY_CASE_CLOSED,
                                        R(LEGAL) | LEADERS, false, true},
    /* Keys and roles are only ever decided by the ledger (docs/design.md). */
    [LIUHEN__KIND__KIND_KEY_ENROLL] = {"KEY_ENROLL", LIUHEN__ENTRY__BODY_KEY_ENROLL, R(ADMIN),
                                       false, false},
    [LIUHEN__KIND__KIND_KEY_REVOKE] = {"KEY_REVOKE", LIUHEN__ENTRY__BODY_KEY_REVOKE, R(ADMIN),
                                       false, false},
    /* A§10(2): the legal section reports an accepted complaint to the
     * principal head; B§3, B§4: an interference, or a clue of one. */
    [LIUHEN__KIND__KIND_REPORT] = {"REPORT", LIUHEN__ENTRY__BODY_REPORT, R(HANDLER) | R(LEGAL),
                                   false, true},
    /* A§7: the legal section proposes how to hold people to account. */
    [LIUHEN__KIND__KIND_RECOMMENDATION] = {"RECOMMENDATION", LIUHEN__ENTRY__BODY_RECOMMENDATION,
                                           R(LEGAL), false, true},
    /* B§4: the legal section's checks may open a matter of their own. */
    [LIUHEN__KIND__KIND_SUPERVISION_CHECK] = {"SUPERVISION_CHECK",
                                              LIUHEN__ENTRY__BODY_SUPERVISION_CHECK, R(LEGAL), true,
                                              true},
    /* A§12: the decision served, the rights told. */
    [LIUHEN__KIND__KIND_SERVICE] = {"SERVICE", LIUHEN__ENTRY__BODY_SERVICE, R(LEGAL) | LEADERS,
                                    false, true},
    /* B§10: approved by a leader, with the leader's own key. */
    [LIUHEN__KIND__KIND_APPROVAL] = {"APPROVAL", LIUHEN__ENTRY__BODY_APPROVAL, LEADERS, false,
                                     true},
};

#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* The table entry of a defined kind; NULL for KIND_UNSPECIFIED and for
 * values this version does not know. */
static const struct kind_info *kind_info(int kind)
{
    if (kind <= 0 || (size_t)kind >= N_KINDS || kinds[kind].name == NULL)
        return NULL;
    return &kinds[kind];
}

const char *kind_name(Liuhen__Kind kind)
{
    const struct kind_info *k = kind_info((int)kind);
    if (k != NULL)
        return k->name;
    return kind == LIUHEN__KIND__KIND_UNSPECIFIED ? "UNSPECIFIED" : "UNKNOWN";
}

const char *kind_label_zh(Liuhen__Kind kind)
{
    /* The schema's comments are the one source of the terms (labels.h). */
    const char *label = kind_info((int)kind) != NULL
                            ? labels_enum_value(&liuhen__kind__descriptor, (int)kind)
                            : NULL;
    if (label != NULL)
        return label;
    return kind == LIUHEN__KIND__KIND_UNSPECIFIED ? "未指明类型" : "未知类型";
}

Liuhen__Kind kind_from_name(const char *name)
{
    if (name == NULL)
        return LIUHEN__KIND__KIND_UNSPECIFIED;
    for (size_t k = 1; k < N_KINDS; k++) {
        if (kinds[k].name != NULL && text_enum_name_is(name, "KIND_", kinds[k].name))
            return (Liuhen__Kind)k;
    }
    return LIUHEN__KIND__KIND_UNSPECIFIED;
}

bool kind_opens_case(Liuhen__Kind kind)
{
    const struct kind_info *k = kind_info((int)kind);
    return k != NULL && k->opens_case;
}

bool kind_allowed(Liuhen__Kind kind, uint32_t roles, bool corrects_own_entry)
{
    const struct kind_info *k = kind_info((int)kind);
    if (k == NULL)
        return false;
    /* docs/design.md: a CORRECTION is appended by the original author only. */
    if (kind == LIUHEN__KIND__KIND_CORRECTION && !corrects_own_entry)
        return false;
    /* Bits outside the defined roles (ROLE_UNSPECIFIED among them) grant
     * nothing, so that a key enrolled without a real role appends nothing. */
    return (roles & ROLE_ALL & k->roles) != 0;
}

bool kind_in_case(Liuhen__Kind kind)
{
    const struct kind_info *k = kind_info((int)kind);
    return k != NULL && k->in_case;
}

Liuhen__Entry__BodyCase kind_body(Liuhen__Kind kind)
{
    const struct kind_info *k = kind_info((int)kind);
    return k != NULL ? k->body : LIUHEN__ENTRY__BODY__NOT_SET;
}
