/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules_people.h — the rules about people that span a log (docs/regulation.md
 * "Rules the verifier checks"):
 *
 *  - R12 (B§12): a handler who does not record, or not truthfully, is
 *    given a warning or 通报批评 the first time, and referred to the
 *    discipline inspection and supervision organs from the second incident
 *    on (incidents are counted, not notices: two notices of one incident
 *    are one); a leader who told a handler not to record is held to
 *    account.
 *  - R13 (回避, recusal): the officers a complaint is about, and the person
 *    who interfered, do not sit on the case's investigation team or its
 *    collective discussion, and do not sign its decision.
 *  - R17 (B§9): a handler who recorded an interference is not removed,
 *    demoted or sanctioned for it: a revocation of their key within a year
 *    of their record (unless a key is enrolled for them again: a lost or
 *    replaced key), and a decision within a year of it that removes,
 *    demotes or sanctions them outside a case in which they are
 *    complained about, are reported for the inspector to check the lawful
 *    ground and procedure.
 *
 * A person is known by the public key a record gives for them, else by
 * their name (white space around it ignored); an author by their key and
 * by their holder name. Two people of one name are one person to these
 * rules: the findings say which records they come from, for the inspector
 * to check.
 *
 * Memory: per person notified, per person with a conflict in a case, per
 * recorder and per instigating leader, a small record; nothing per entry.
 */
#ifndef LIUHEN_VERIFY_RULES_PEOPLE_H
#define LIUHEN_VERIFY_RULES_PEOPLE_H

#include <stdint.h>

#include "report.h"
#include "rules_record.h"

typedef struct rules_people rules_people;

/** New, empty. @return 0, LH_ENOMEM. */
int rules_people_new(rules_people **out);

/** Free. Accepts NULL. */
void rules_people_free(rules_people *p);

/**
 * One entry, in log order: every entry of a case, and the KEY_REVOKE
 * entries (which have no case: o->case_id is "").
 * @return 0, LH_ENOMEM, or report_add()'s code.
 */
int rules_people_observe(rules_people *p, const rules_record *o);

/**
 * What is still open at the end (as_of): instigating leaders not held to
 * account (R12).
 * @return 0, LH_ENOMEM, or report_add()'s code.
 */
int rules_people_finish(rules_people *p, int64_t as_of, report *rep);

#endif
