/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * rules.h — the regulation rules R1-R17 of docs/regulation.md, evaluated per
 * case over the entries of a verified log, in log order. Each finding goes
 * to the report with the case id, the entry index, the author's holder
 * name, the rule id, the article and a plain sentence in Chinese and
 * English.
 *
 * Most rules are decided as each entry arrives; what is still open at the
 * end of the log (R3: a transfer due within 2 days of 受理; R4: complaints
 * whose result was never told; R5: a re-investigation ordered and not
 * begun; R12: an instigating leader not held to account; R14, R15: an
 * interference not notified or not followed up) is decided by
 * rules_finish() as of a time: --as-of, by default the latest
 * integrated_at in the log. Periods are counted as 民法典 第201–203条 say,
 * in Beijing time (deadline.h), in working days with --working-days.
 * rules_finish() is called once; a late_after_ms of 0 means the default of
 * 24 hours.
 *
 * R11 (a correction of an earlier entry of its case, by its author) needs
 * the entry a CORRECTION names, which only the verifier's second pass over
 * the log finds (ledger.h): rules_observe() does not decide it; the
 * verifier reports what it found with rules_correction(), before
 * rules_finish().
 *
 * The rules are written in three files besides this one: rules_record.h
 * (what one record meets by itself: R1, R2, R6, R7, R9, R10),
 * rules_people.h (R12, R13, R17) and rules_interference.h (R14, R15);
 * rules.c follows complaints, investigations, decisions and closings (R3,
 * R4, R5, R8, R11, R16).
 *
 * Memory: state per case and per referenced entry, compact; nothing kept
 * per entry beyond what a later rule needs.
 */
#ifndef LIUHEN_VERIFY_RULES_H
#define LIUHEN_VERIFY_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"
#include "liuhen.pb-c.h"
#include "report.h"

/** One verified entry, as the rules see it. Everything is borrowed for the call. */
typedef struct rules_entry {
    uint64_t index;
    const uint8_t *entry_id;    /* 32 bytes: how other entries name it */
    int64_t integrated_at;      /* log's clock, unix ms */
    const Liuhen__Entry *entry; /* parsed and signature-verified */
    const char *author;         /* holder name at that index */
    uint32_t author_roles;      /* ROLE_BIT()s at that index */
    const char *author_unit;    /* the unit of that enrolment; "" when none */
} rules_entry;

typedef struct rules_options {
    int64_t late_after_ms;             /* R10 threshold (--late-after; default 24 h) */
    const deadline_calendar *calendar; /* --holidays: rest days; NULL: Saturdays, Sundays */
    bool working_days;                 /* --working-days: periods in days are working days */
    unsigned follow_up_days;           /* --follow-up-days: "及时" (R5, R14, R15); 0: 30 */
} rules_options;

typedef struct rules rules;

/**
 * New rules, before any entry.
 * @param[in] opts  the options, copied; NULL for the defaults.
 * @param[out] out  freed with rules_free(); NULL on error.
 * @return 0; LH_EINVAL (out NULL, or a negative late_after_ms); LH_ENOMEM;
 *         LH_EINTERNAL when libsodium cannot be initialised.
 */
int rules_new(const rules_options *opts, rules **out);

/** Free the rules. Accepts NULL. */
void rules_free(rules *r);

/** Feed one entry, in log order (key-management entries too). @return 0, LH_ENOMEM. */
int rules_observe(rules *r, const rules_entry *e, report *rep);

/** A verified CORRECTION and the entry it names, as the verifier found it
 * (R11). Everything is borrowed for the call. */
typedef struct rules_correction_facts {
    uint64_t index;            /* the CORRECTION's */
    const char *case_id;       /* its case */
    const char *author;        /* its author's holder name at that index */
    const uint8_t *author_key; /* its author's key, 32 bytes */
    const uint8_t *corrects;   /* correction.corrects, 32 bytes */
    bool found;                /* a verified entry before it has that entry id */
    const char *target_case;   /* that entry's case; NULL or "" for key management */
    const uint8_t *target_key; /* that entry's author key, 32 bytes, when found */
} rules_correction_facts;

/**
 * R11 for a CORRECTION that rules_observe() was given: a finding unless it
 * names an earlier verified entry of its own case by its own author. Call
 * before rules_finish(), in any order.
 * @return 0, LH_ENOMEM, LH_EINVAL.
 */
int rules_correction(rules *r, const rules_correction_facts *c, report *rep);

/**
 * Evaluate what depends on the whole log or on time (R3, R4, R8, R12...)
 * as of `as_of_ms`, adding the findings to the report.
 * @return 0, LH_ENOMEM.
 */
int rules_finish(rules *r, int64_t as_of_ms, report *rep);

#endif
