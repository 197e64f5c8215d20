/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules_record.h — the regulation rules of docs/regulation.md that one record
 * meets or fails by itself, whatever came before it in the log: R1 and R2
 * (an interference record in full, and to whom it was reported, B§3), R6
 * and R7 (what a decision records, A§10(3), A§8, A§9, A§11), R9 (a
 * leader's guidance written, or recorded by a handler, B§7) and R10
 * (interference and guidance recorded in time, B§3, B§7).
 *
 * rules.c calls these for each entry of a case, with the state it keeps for
 * the rules that follow a case through the log; they keep nothing.
 */
#ifndef LIUHEN_VERIFY_RULES_RECORD_H
#define LIUHEN_VERIFY_RULES_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"
#include "finding.h"
#include "liuhen.pb-c.h"
#include "report.h"
#include "rules.h"

/** How the periods of the rules are counted (deadline.h), and the number
 *  of days the verifier allows for what the regulations ask "及时". */
typedef struct rules_period {
    const deadline_calendar *calendar; /* rest days; NULL: Saturdays and Sundays */
    bool working_days;                 /* periods in days read as working days */
    unsigned follow_up_days;           /* R5, R14, R15 */
} rules_period;

/** The record being judged, and where its findings go. Everything is borrowed. */
typedef struct rules_record {
    report *rep;
    const rules_entry *e;    /* as rules_observe() was given it */
    const Liuhen__Entry *en; /* e->entry */
    const char *case_id;     /* its case */
    const char *author;      /* its author's holder name; never NULL */
    int64_t integrated;      /* e->integrated_at, clamped (calendar_clamp()) */
    int64_t recorded;        /* en->recorded_at, clamped */
    int64_t late_after;      /* R10's threshold, clamped */
    const rules_period *period;
} rules_record;

/**
 * Whether a text says nothing: NULL, empty, or only white space (ASCII
 * blanks and the ideographic space U+3000).
 */
bool rules_record_blank(const char *s);

/** Report a finding of rule R`rule` about the record o (finding_add()). */
int rules_record_finding(const rules_record *o, int rule, const finding_text *zh,
                         const finding_text *en);

/**
 * R1 and R2 (B§3): the five elements of an interference record; whether it
 * was reported to the legal section or the justice bureau's supervision
 * office (a report to the bureau head alone is B§4's matter, not B§3's),
 * and when.
 * @return 0, or report_add()'s code.
 */
int rules_record_interference(const rules_record *o, const Liuhen__Interference *in);

/**
 * R9 (B§7): a leader's guidance is written; oral guidance is recorded by
 * the case handler (e->author_roles). A handler may also enter a written
 * guidance.
 * @return 0, or report_add()'s code.
 */
int rules_record_guidance(const rules_record *o, const Liuhen__Guidance *g);

/**
 * R10 (B§3 全程留痕, B§7 记录在案): an interference or guidance record made
 * long after the event it records, or integrated by the log long after its
 * author's timestamp; and the reverse, a timestamp far ahead of the event
 * or of the log's clock, which no truthful record has. Other kinds (letters,
 * decisions) have no such limit in the regulations: nothing is reported.
 * @return 0, or report_add()'s code.
 */
int rules_record_late(const rules_record *o);

/** What the case recorded before a decision that R7 weighs. */
typedef struct rules_decision_facts {
    bool obstruction;           /* an investigation step observed obstruction or false evidence */
    uint64_t obstruction_index; /* the first such step */
} rules_decision_facts;

/**
 * R6 (A§10(3)): a decision follows the leadership's collective discussion:
 * held before the decision (held_at no later than decided_at), with more
 * than one participant named. R7 (A§8, A§9, A§11): a decision finding a
 * wrongful case names who is responsible, sanctions them only in the ways
 * A§11 lists (a 行政处分 with its grade), does not both exempt and sanction
 * one person, and weighs an obstruction of the investigation (A§9 从重).
 * @return 0, or report_add()'s code.
 */
int rules_record_decision(const rules_record *o, const Liuhen__Decision *d,
                          const rules_decision_facts *facts);

#endif
