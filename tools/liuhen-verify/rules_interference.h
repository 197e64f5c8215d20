/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules_interference.h — what must follow an interference record
 * (docs/regulation.md "Rules the verifier checks"):
 *
 *  - R14 (B§10 报经批准后予以通报): an interference the legal section
 *    confirmed (a SUPERVISION_CHECK concluding CONFIRMED) is notified
 *    (NOTIFICATION of subject INTERFERENCE), and every such notice names the
 *    APPROVAL that approved it, an earlier record signed by a leader's own
 *    key that approves it.
 *  - R15 (B§4 如发现干预、插手案件办理线索的，应当及时向机关负责人报告并开展
 *    调查处理): an interference reported to the legal section is followed
 *    up by it: a SUPERVISION_CHECK or a REPORT that names it.
 *
 * "及时" sets no number of days: the follow-up period is an option of the
 * verifier (--follow-up-days, 30 by default), counted as every period is
 * (deadline.h). A record that names no interference (`concerns` empty)
 * follows up every interference of its case.
 *
 * Memory: per interference record and per approval, a small record.
 */
#ifndef LIUHEN_VERIFY_RULES_INTERFERENCE_H
#define LIUHEN_VERIFY_RULES_INTERFERENCE_H

#include <stdint.h>

#include "report.h"
#include "rules_record.h"

typedef struct rules_interference rules_interference;

/** New, empty. @return 0, LH_ENOMEM. */
int rules_interference_new(rules_interference **out);

/** Free. Accepts NULL. */
void rules_interference_free(rules_interference *ri);

/** One entry of a case, in log order. @return 0, LH_ENOMEM, or report_add()'s code. */
int rules_interference_observe(rules_interference *ri, const rules_record *o);

/**
 * What is still open at as_of: confirmed interferences not notified, and
 * reported ones not followed up, once their period is over. `period` gives
 * the calendar and the number of days (o->period of the observations).
 * @return 0, LH_ENOMEM, or report_add()'s code.
 */
int rules_interference_finish(rules_interference *ri, int64_t as_of, const rules_period *period,
                              report *rep);

#endif
