/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * registers.c — the interference, complaints and decisions registers
 * (registers.h).
 */
#include "registers.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "i18n.h"
#include "text.h"

/* The longest 内容摘要 in a register, in bytes (cut at a character). */
#define SUMMARY_BYTES 91
/* Room for a cell that lists what followed a matter. */
#define CELL_MAX 2048

int registers_kind_parse(const char *name, registers_kind *out)
{
    if (strcmp(name, "interference") == 0)
        *out = REGISTERS_INTERFERENCE;
    else if (strcmp(name, "complaints") == 0)
        *out = REGISTERS_COMPLAINTS;
    else if (strcmp(name, "decisions") == 0)
        *out = REGISTERS_DECISIONS;
    else
        return LH_EINVAL;
    return 0;
}

const char *registers_relation(int relation)
{
    return matters_label(&liuhen__relation__descriptor, relation);
}

registers_outcome registers_complaint_outcome(const matter *c)
{
    registers_outcome o = OUTCOME_NONE;
    for (const matter_event *ev = c->events; ev != NULL; ev = ev->next) {
        if (ev->kind == LIUHEN__KIND__KIND_TRANSFER)
            o = OUTCOME_TRANSFERRED;
        else if (ev->kind == LIUHEN__KIND__KIND_REPLY &&
                 ev->detail == LIUHEN__REPLY_TYPE__REPLY_TYPE_RESULT)
            o = OUTCOME_RESULT;
        else if (ev->kind == LIUHEN__KIND__KIND_REPLY &&
                 ev->detail == LIUHEN__REPLY_TYPE__REPLY_TYPE_NOT_ACCEPTED && o != OUTCOME_RESULT)
            o = OUTCOME_NOT_ACCEPTED;
        else if (ev->kind == LIUHEN__KIND__KIND_REPLY && o == OUTCOME_NONE)
            o = OUTCOME_ACKNOWLEDGED;
    }
    return o;
}

const char *registers_outcome_text(registers_outcome o)
{
    switch (o) {
    case OUTCOME_ACKNOWLEDGED: return _("only told it was accepted");
    case OUTCOME_RESULT: return _("result told");
    case OUTCOME_NOT_ACCEPTED: return _("told it is not accepted");
    case OUTCOME_TRANSFERRED: return _("transferred");
    case OUTCOME_NONE: break;
    }
    return _("not answered");
}

/* A growing cell. */
typedef struct cell {
    char s[CELL_MAX];
    size_t n;
} cell;

__attribute__((format(printf, 2, 3))) static void put(cell *c, const char *fmt, ...)
{
    if (c->n >= sizeof c->s - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(c->s + c->n, sizeof c->s - c->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        c->n += (size_t)k < sizeof c->s - c->n ? (size_t)k : sizeof c->s - c->n - 1;
}

static void sep(cell *c)
{
    if (c->n > 0)
        put(c, "%s", i18n_zh() ? "；" : "; ");
}

/* Labels of enum values, "、" between. */
static void labels(cell *c, const ProtobufCEnumDescriptor *d, const int *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(c, "%s%s", i > 0 ? (i18n_zh() ? "、" : ", ") : "", matters_label(d, v[i]));
}

/* One record that followed: its day, its kind, what it said, its index. */
static void event(cell *c, const matter_event *ev)
{
    char day[16];
    sep(c);
    put(c, "%s %s", matters_day(day, ev->at), matters_label(&liuhen__kind__descriptor, ev->kind));
    const char *detail = "";
    if (ev->kind == LIUHEN__KIND__KIND_SUPERVISION_CHECK)
        detail = matters_label(&liuhen__check_conclusion__descriptor, ev->detail);
    else if (ev->kind == LIUHEN__KIND__KIND_REPLY)
        detail = matters_label(&liuhen__reply_type__descriptor, ev->detail);
    else if (ev->kind == LIUHEN__KIND__KIND_REVIEW_ORDER)
        detail = matters_label(&liuhen__review_action__descriptor, ev->detail);
    else if (ev->kind == LIUHEN__KIND__KIND_APPEAL)
        detail = matters_label(&liuhen__appeal_outcome__descriptor, ev->detail);
    if (detail[0] != '\0')
        put(c, i18n_zh() ? "（%s）" : " (%s)", detail);
    if (ev->text[0] != '\0')
        put(c, " %s", ev->text);
    put(c, " #%" PRIu64, ev->index);
}

/* The events of the given kinds. */
static void events(cell *c, const matter *it, const int *kinds, size_t nkinds)
{
    for (const matter_event *ev = it->events; ev != NULL; ev = ev->next)
        for (size_t k = 0; k < nkinds; k++)
            if (ev->kind == kinds[k])
                event(c, ev);
}

/* The corrections of a row: "#12 interference.place". */
static void corrections(cell *c, const matter *it)
{
    for (size_t i = 0; i < it->ncorrections; i++)
        put(c, "%s#%" PRIu64, i > 0 ? " " : "", it->corrections[i]);
    if (it->ncorrections > 0)
        put(c, _(" corrected: %s"), it->corrected_fields);
}

static void summary(char out[SUMMARY_BYTES + 4], const char *s)
{
    size_t n = text_copy_cut(out, SUMMARY_BYTES, s);
    if (n < strlen(s))
        memcpy(out + n, "…", sizeof "…");
}

/* Adds to t the row of matter it of a register, its first cells given:
 * its number in the register, its day and its entry's index. */
typedef int (*registers_row_fn)(table *t, const matters *m, const matter *it, const char *seq,
                                const char *date, const char *idx);

/* A register with the columns h: a row for each matter of the type in the
 * scope's period, numbered from 1. */
static table *register_table(const matters *m, const matters_scope *s, matter_type type,
                             const char *const *h, size_t ncols, registers_row_fn add_row, int *rc)
{
    table *t = table_new(ncols, h);
    *rc = t == NULL ? LH_ENOMEM : 0;
    size_t no = 0;
    for (size_t i = 0; t != NULL && i < matters_count(m) && *rc == 0; i++) {
        const matter *it = matters_at(m, i);
        if (it->type != type || !matters_in_period(s, it->date))
            continue;
        char seq[24], date[16], idx[24];
        snprintf(seq, sizeof seq, "%zu", ++no);
        snprintf(idx, sizeof idx, "%" PRIu64, it->index);
        *rc = add_row(t, m, it, seq, matters_day(date, it->date), idx);
    }
    return t;
}

static int interference_row(table *t, const matters *m, const matter *it, const char *seq,
                            const char *date, const char *idx)
{
    (void)m;
    char rday[16], sum[SUMMARY_BYTES + 4];
    cell who = {.n = 0}, cat = {.n = 0}, rep = {.n = 0}, fol = {.n = 0}, note = {.n = 0},
         cor = {.n = 0};
    put(&who, "%s", it->person);
    if (it->relation != 0)
        put(&who, "/%s", registers_relation(it->relation));
    labels(&cat, &liuhen__interference_category__descriptor, it->categories, it->ncategories);
    put(&rep, "%s", matters_label(&liuhen__reported_to__descriptor, it->reported_to));
    if (it->reported_at != 0)
        put(&rep, " %s", matters_day(rday, it->reported_at));
    static const int follow_kinds[] = {LIUHEN__KIND__KIND_SUPERVISION_CHECK,
                                       LIUHEN__KIND__KIND_RECOMMENDATION, LIUHEN__KIND__KIND_REPORT,
                                       LIUHEN__KIND__KIND_APPROVAL};
    static const int note_kinds[] = {LIUHEN__KIND__KIND_NOTIFICATION};
    events(&fol, it, follow_kinds, 4);
    events(&note, it, note_kinds, 1);
    corrections(&cor, it);
    summary(sum, it->content);
    const char *row[] = {
        seq,    date,  it->case_id,  who.s, matters_label(&liuhen__manner__descriptor, it->manner),
        sum,    cat.s, it->recorder, rep.s, fol.s,
        note.s, idx,   cor.s};
    return table_add(t, row);
}

static table *interference_table(const matters *m, const matters_scope *s, int *rc)
{
    const char *h[] = {_("No."),
                       _("Date"),
                       _("Case"),
                       _("Interferer / relation"),
                       _("Manner"),
                       _("Summary of content"),
                       _("Category (B§10)"),
                       _("Recorder"),
                       _("Reported to / when"),
                       _("Follow-up"),
                       _("Notification"),
                       _("Entry"),
                       _("Correction")};
    return register_table(m, s, MATTER_INTERFERENCE, h, sizeof h / sizeof *h, interference_row, rc);
}

static int complaint_row(table *t, const matters *m, const matter *it, const char *seq,
                         const char *date, const char *idx)
{
    (void)m;
    char aday[16];
    cell ch = {.n = 0}, acc = {.n = 0}, ev = {.n = 0}, cor = {.n = 0};
    put(&ch, "%s", matters_label(&liuhen__channel__descriptor, it->channel));
    if (it->forwarded_by[0] != '\0')
        put(&ch, i18n_zh() ? "（%s）" : " (%s)", it->forwarded_by);
    put(&acc, "%s", matters_label(&liuhen__jurisdiction__descriptor, it->jurisdiction));
    if (it->accepted_at != 0)
        put(&acc, " %s", matters_day(aday, it->accepted_at));
    static const int kinds[] = {LIUHEN__KIND__KIND_TRANSFER, LIUHEN__KIND__KIND_REPLY};
    events(&ev, it, kinds, 2);
    corrections(&cor, it);
    const char *row[] = {seq,
                         date,
                         it->case_id,
                         ch.s,
                         matters_label(&liuhen__case_source__descriptor, it->source),
                         it->anonymous ? _("anonymous") : it->complainant,
                         it->enforcement_case,
                         acc.s,
                         ev.s,
                         registers_outcome_text(registers_complaint_outcome(it)),
                         it->recorder,
                         idx,
                         cor.s};
    return table_add(t, row);
}

static table *complaints_table(const matters *m, const matters_scope *s, int *rc)
{
    const char *h[] = {_("No."),
                       _("Received"),
                       _("Case"),
                       _("Channel"),
                       _("Source (A§5)"),
                       _("Complainant"),
                       _("Enforcement case"),
                       _("Acceptance"),
                       _("Transfers and replies"),
                       _("Outcome"),
                       _("Recorder"),
                       _("Entry"),
                       _("Correction")};
    return register_table(m, s, MATTER_COMPLAINT, h, sizeof h / sizeof *h, complaint_row, rc);
}

static int decision_row(table *t, const matters *m, const matter *it, const char *seq,
                        const char *date, const char *idx)
{
    cell fault = {.n = 0}, sanc = {.n = 0}, served = {.n = 0}, review = {.n = 0}, cor = {.n = 0};
    const matter *c = matters_case_complaint(m, it->case_id);
    if (c != NULL)
        labels(&fault, &liuhen__conduct__descriptor, c->conducts, c->nconducts);
    labels(&sanc, &liuhen__sanction__descriptor, it->sanctions, it->nsanctions);
    static const int serve_kinds[] = {LIUHEN__KIND__KIND_SERVICE};
    static const int review_kinds[] = {LIUHEN__KIND__KIND_REVIEW_ORDER, LIUHEN__KIND__KIND_APPEAL};
    events(&served, it, serve_kinds, 1);
    events(&review, it, review_kinds, 2);
    corrections(&cor, it);
    const char *row[] = {seq,          date,
                         it->case_id,  it->wrongful ? _("yes") : _("no"),
                         fault.s,      it->responsible,
                         sanc.s,       it->document_ref,
                         served.s,     review.s,
                         it->recorder, idx,
                         cor.s};
    return table_add(t, row);
}

static table *decisions_table(const matters *m, const matters_scope *s, int *rc)
{
    const char *h[] = {_("No."),
                       _("Decided"),
                       _("Case"),
                       _("Wrongful case"),
                       _("Fault (A§6)"),
                       _("Responsible persons"),
                       _("Sanctions (A§11)"),
                       _("Document"),
                       _("Served"),
                       _("Review order"),
                       _("Recorder"),
                       _("Entry"),
                       _("Correction")};
    return register_table(m, s, MATTER_DECISION, h, sizeof h / sizeof *h, decision_row, rc);
}

int registers_print(FILE *f, registers_kind kind, const matters *m, const matters_scope *s,
                    bool csv)
{
    int rc;
    table *t = kind == REGISTERS_INTERFERENCE ? interference_table(m, s, &rc)
               : kind == REGISTERS_COMPLAINTS ? complaints_table(m, s, &rc)
                                              : decisions_table(m, s, &rc);
    if (rc != 0) {
        table_free(t);
        return rc;
    }
    if (csv) {
        table_print_csv(t, f, true);
    } else {
        const char *what = kind == REGISTERS_INTERFERENCE ? _("Register of interference records")
                           : kind == REGISTERS_COMPLAINTS ? _("Register of complaints")
                                                          : _("Register of decisions");
        matters_print_title(f, what, s);
        table_print_text(t, f);
        fprintf(f, _("%zu rows. Rows a CORRECTION changed show the corrected values.\n"),
                table_rows(t));
    }
    table_free(t);
    return 0;
}
