/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * openitems.h — what is still to be done, as of a time, over the verified
 * matters (matters.h), with the deadlines the rules count (rules.h,
 * deadline.h: 民法典 第二百零一条 to 第二百零三条, Beijing time, the rest
 * days of --holidays, --working-days):
 *
 *   - an interference reported to the legal section that no
 *     SUPERVISION_CHECK, RECOMMENDATION or legal section's REPORT of the
 *     clue names (a handler's own report is not the follow-up): B§4
 *     "及时", counted as the follow-up days (R15);
 *   - a complaint to be transferred that no TRANSFER names: 2 days from
 *     受理 (A§10(1), R3);
 *   - a complaint answered only with an acknowledgement (a REPLY of type
 *     ACKNOWLEDGEMENT, no result, no transfer): A§10(1) 负责答复 sets no
 *     period; counted as the follow-up days from its receipt (R4's);
 *   - a decision no SERVICE names: A§12 sets no period; counted as the
 *     follow-up days from the decision;
 *   - a decision no REVIEW_ORDER names whose review window is still open:
 *     A§10(3), one month from the decision (R8). A§12 sets no period for a
 *     petition, so this is the window the regulation has.
 *
 * Days left: the Beijing-time days from as_of's to the last day (0: the
 * last day is today); negative: overdue by that many days
 * (deadline_days_overdue()).
 */
#ifndef LIUHEN_VERIFY_OPENITEMS_H
#define LIUHEN_VERIFY_OPENITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "matters.h"

typedef enum openitems_what {
    OPEN_FOLLOW_UP,     /* interference not followed up (B§4) */
    OPEN_TRANSFER,      /* complaint not transferred (A§10(1)) */
    OPEN_RESULT,        /* complaint only acknowledged (A§10(1)) */
    OPEN_SERVICE,       /* decision not served (A§12) */
    OPEN_REVIEW_WINDOW, /* review window still open (A§10(3)) */
} openitems_what;

typedef struct openitem {
    const matter *m;
    openitems_what what;
    int64_t end;       /* the instant the period ends (deadline.h) */
    int64_t days_left; /* negative: overdue */
} openitem;

/**
 * The open items as of s->as_of, sorted by days left (then entry index).
 * Matters outside --from/--to are left out.
 * @param[out] out  malloc'd, freed by the caller; NULL when there is none.
 * @return 0, LH_ENOMEM.
 */
int openitems_collect(const matters *m, const matters_scope *s, openitem **out, size_t *n);

/** What is pending, and the article, in the language of the messages. */
const char *openitems_pending(openitems_what w);
const char *openitems_article(openitems_what w);

/** Print the open items (title and aligned columns, or CSV). @return 0, LH_ENOMEM. */
int openitems_print(FILE *f, const matters *m, const matters_scope *s, bool csv);

#endif
