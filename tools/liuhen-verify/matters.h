/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * matters.h — the matters an inspector's registers list, gathered from the
 * verified entries of one pass over the log (ledger.h hands each verified
 * entry to matters_observe()): each INTERFERENCE (《干预记录制度》第三条),
 * COMPLAINT (《错案追究制度》第十条第（一）项) and DECISION (第十条第（三）项,
 * 第十一条), with what followed it.
 *
 * What follows a matter is found as the rules find it (rules.h): by the
 * field that names it (a REPLY's or TRANSFER's complaint, a SERVICE's or
 * REVIEW_ORDER's or APPEAL's decision, a SUPERVISION_CHECK's, REPORT's,
 * NOTIFICATION's or APPROVAL's concerns, a NOTIFICATION's incidents) or by
 * the entry's refs; a record that names none is its case's: the case's
 * first complaint, its latest decision, every interference of it.
 *
 * A CORRECTION of a matter by its own author in its case (R11) changes
 * the values it names (field paths as "interference.person.name") at
 * matters_finish(); the matter keeps the entry indexes of its corrections.
 *
 * Memory: per matter a fixed record, its strings in an arena; per
 * follow-up a small event. Thread safety: none; the verifier's main thread.
 */
#ifndef LIUHEN_VERIFY_MATTERS_H
#define LIUHEN_VERIFY_MATTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "deadline.h"
#include "rules.h"
#include "rules_table.h"

typedef enum matter_type {
    MATTER_INTERFERENCE,
    MATTER_COMPLAINT,
    MATTER_DECISION,
} matter_type;

/** Something recorded after a matter that names it. */
typedef struct matter_event {
    uint64_t index;
    int kind;   /* Liuhen__Kind */
    int64_t at; /* the record's own time (checked, served...), else integrated_at */
    int detail; /* REPLY: its type; SUPERVISION_CHECK: its conclusion; REVIEW_ORDER: its action */
    const char *text; /* a short account: the addressee, the authority, the document */
    struct matter_event *next;
} matter_event;

/** The most categories, sanctions, people... kept per matter. */
#define MATTER_LIST_MAX 8

typedef struct matter {
    rtable_key key; /* its entry id */
    matter_type type;
    uint64_t index;
    int64_t date; /* occurred_at, received_at, decided_at; integrated_at when not stated */
    const char *case_id, *recorder, *unit; /* unit: the recorder's enrolment's; "" none */
    uint8_t author_key[32];
    /* INTERFERENCE */
    const char *person; /* 干预人 */
    int relation;       /* B§2, Relation */
    int manner;
    const char *content;
    int categories[MATTER_LIST_MAX]; /* B§10, InterferenceCategory */
    size_t ncategories;
    int reported_to; /* ReportedTo */
    int64_t reported_at;
    /* COMPLAINT */
    const char *complainant; /* "" when anonymous */
    bool anonymous;
    int channel, source, jurisdiction;
    const char *forwarded_by;
    int64_t accepted_at;
    int conducts[MATTER_LIST_MAX]; /* A§6 */
    size_t nconducts;
    /* DECISION */
    bool wrongful;
    const char *responsible; /* names, "、" between */
    int sanctions[MATTER_LIST_MAX];
    size_t nsanctions;
    const char *document_ref;
    /* both INTERFERENCE and COMPLAINT */
    const char *enforcement_case;
    /* what followed, in log order */
    matter_event *events, *last_event;
    /* CORRECTIONs applied: their indexes, and the fields they changed */
    uint64_t corrections[MATTER_LIST_MAX];
    size_t ncorrections;
    const char *corrected_fields; /* "interference.place、interference.content" */
    uint32_t next_in_case;        /* the case's next interference (internal) */
} matter;

typedef struct matters matters;

/** @return 0, LH_ENOMEM. */
int matters_new(matters **out);
/** Accepts NULL. */
void matters_free(matters *m);
/** A verified entry, in log order (borrowed for the call). @return 0, LH_ENOMEM. */
int matters_observe(matters *m, const rules_entry *e);
/** After the last entry: apply the corrections. @return 0, LH_ENOMEM. */
int matters_finish(matters *m);
/** The matters, in log order. */
size_t matters_count(const matters *m);
const matter *matters_at(const matters *m, size_t i);

/** The first COMPLAINT of a case (its A§6 conducts are a decision's
 *  fault), or NULL. */
const matter *matters_case_complaint(const matters *m, const char *case_id);

/** What the inspector's outputs are computed with (registers.h, stats.h,
 *  openitems.h). Strings borrowed. */
typedef struct matters_scope {
    const char *origin;      /* the log's origin */
    uint64_t tree_size;      /* the verified checkpoint */
    const uint8_t *root;     /* its root, 32 bytes */
    int64_t as_of;           /* deadlines as of */
    bool have_from, have_to; /* --from, --to */
    int64_t from, to;        /* [from, to): Beijing-time midnights */
    const char *from_text, *to_text;
    const deadline_calendar *calendar;
    bool working_days;
    unsigned follow_up_days; /* 0: 30, as the rules */
} matters_scope;

/** Whether t is within the scope's --from and --to. */
bool matters_in_period(const matters_scope *s, int64_t t);

/** "2026-05-20": the Beijing-time day of t; "—" for 0. out: 16 bytes. */
const char *matters_day(char out[16], int64_t t);

/** The title line of an output: what, the log, the period, the checkpoint. */
void matters_print_title(FILE *f, const char *what, const matters_scope *s);

/** Of a protobuf enum value, the label in the language of the messages:
 *  the schema's Chinese label (labels.h), or in English its short name
 *  ("phone"); "" for 0 (not stated). Static or in a small rotating buffer
 *  good for the next 8 calls. */
const char *matters_label(const ProtobufCEnumDescriptor *d, int v);

#endif
