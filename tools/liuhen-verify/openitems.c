/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * openitems.c — open items and their deadlines (openitems.h).
 */
#include "openitems.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cite.h"
#include "deadline.h"
#include "errors.h"
#include "grow.h"
#include "i18n.h"
#include "registers.h"
#include "table.h"

/* As the rules count them (rules.c). */
#define TRANSFER_DAYS          2
#define FOLLOW_UP_DAYS_DEFAULT 30

static bool has(const matter *it, int kind)
{
    for (const matter_event *ev = it->events; ev != NULL; ev = ev->next)
        if (ev->kind == kind)
            return true;
    return false;
}

/* B§4: the legal section followed the interference up: a check, a
 * recommendation, or its report of the clue to the bureau head (R15). */
static bool followed_up(const matter *it)
{
    for (const matter_event *ev = it->events; ev != NULL; ev = ev->next)
        if (ev->kind == LIUHEN__KIND__KIND_SUPERVISION_CHECK ||
            ev->kind == LIUHEN__KIND__KIND_RECOMMENDATION ||
            (ev->kind == LIUHEN__KIND__KIND_REPORT &&
             ev->detail == LIUHEN__REPORT_MATTER__REPORT_MATTER_INTERFERENCE_CLUE))
            return true;
    return false;
}

static int64_t days_left(int64_t end, int64_t as_of)
{
    if (as_of > end)
        return -deadline_days_overdue(end, as_of);
    int64_t last = calendar_floor_div(end - 1 + CALENDAR_CST_OFFSET_MS, CALENDAR_DAY_MS);
    int64_t today = calendar_floor_div(as_of + CALENDAR_CST_OFFSET_MS, CALENDAR_DAY_MS);
    return last - today;
}

static int push(openitem **out, size_t *n, size_t *cap, const matter *it, openitems_what w,
                int64_t end, int64_t as_of)
{
    if (grow_room(out, cap, *n + 1, sizeof **out, 32, 0) != 0)
        return LH_ENOMEM;
    (*out)[(*n)++] = (openitem){.m = it, .what = w, .end = end, .days_left = days_left(end, as_of)};
    return 0;
}

static int cmp_items(const void *a, const void *b)
{
    const openitem *x = a, *y = b;
    if (x->days_left != y->days_left)
        return x->days_left < y->days_left ? -1 : 1;
    if (x->m->index != y->m->index)
        return x->m->index < y->m->index ? -1 : 1;
    return (int)x->what - (int)y->what;
}

int openitems_collect(const matters *m, const matters_scope *s, openitem **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    unsigned days = s->follow_up_days > 0 ? s->follow_up_days : FOLLOW_UP_DAYS_DEFAULT;
    const deadline_calendar *cal = s->calendar;
    int rc = 0;
    for (size_t i = 0; i < matters_count(m) && rc == 0; i++) {
        const matter *it = matters_at(m, i);
        if (!matters_in_period(s, it->date))
            continue;
        switch (it->type) {
        case MATTER_INTERFERENCE:
            if (it->reported_to == LIUHEN__REPORTED_TO__REPORTED_TO_LEGAL_SECTION &&
                !followed_up(it))
                rc = push(out, n, &cap, it, OPEN_FOLLOW_UP,
                          deadline_days_end(cal, it->reported_at != 0 ? it->reported_at : it->date,
                                            days, s->working_days),
                          s->as_of);
            break;
        case MATTER_COMPLAINT: {
            registers_outcome o = registers_complaint_outcome(it);
            if (it->jurisdiction == LIUHEN__JURISDICTION__JURISDICTION_TO_TRANSFER &&
                o != OUTCOME_TRANSFERRED)
                rc = push(out, n, &cap, it, OPEN_TRANSFER,
                          deadline_days_end(cal, it->accepted_at != 0 ? it->accepted_at : it->date,
                                            TRANSFER_DAYS, s->working_days),
                          s->as_of);
            else if (o == OUTCOME_ACKNOWLEDGED)
                rc = push(out, n, &cap, it, OPEN_RESULT,
                          deadline_days_end(cal, it->date, days, s->working_days), s->as_of);
            break;
        }
        case MATTER_DECISION:
            if (!has(it, LIUHEN__KIND__KIND_SERVICE))
                rc = push(out, n, &cap, it, OPEN_SERVICE,
                          deadline_days_end(cal, it->date, days, s->working_days), s->as_of);
            if (rc == 0 && !has(it, LIUHEN__KIND__KIND_REVIEW_ORDER)) {
                int64_t end = deadline_months_end(cal, it->date, 1);
                if (s->as_of <= end)
                    rc = push(out, n, &cap, it, OPEN_REVIEW_WINDOW, end, s->as_of);
            }
            break;
        }
    }
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    if (*n > 1)
        qsort(*out, *n, sizeof **out, cmp_items);
    return 0;
}

const char *openitems_pending(openitems_what w)
{
    switch (w) {
    case OPEN_FOLLOW_UP:
        return _("interference reported to the legal section, not followed up (no check, "
                 "recommendation or report names it)");
    case OPEN_TRANSFER: return _("complaint to be transferred, no TRANSFER");
    case OPEN_RESULT: return _("complaint only acknowledged, its result not told");
    case OPEN_SERVICE: return _("decision not served (no SERVICE)");
    case OPEN_REVIEW_WINDOW: return _("review window open: no review order yet");
    }
    return "";
}

const char *openitems_article(openitems_what w)
{
    switch (w) {
    case OPEN_FOLLOW_UP: return "B§4";
    case OPEN_TRANSFER:
    case OPEN_RESULT: return "A§10(1)";
    case OPEN_SERVICE: return "A§12";
    case OPEN_REVIEW_WINDOW: return "A§10(3)";
    }
    return "";
}

int openitems_print(FILE *f, const matters *m, const matters_scope *s, bool csv)
{
    openitem *items;
    size_t n;
    int rc = openitems_collect(m, s, &items, &n);
    if (rc != 0)
        return rc;
    const char *h[] = {_("Days left"), _("Case"),     _("Entry"),
                       _("Pending"),   _("Deadline"), _("Citation")};
    table *t = table_new(sizeof h / sizeof *h, h);
    for (size_t i = 0; t != NULL && i < n && rc == 0; i++) {
        const openitem *it = &items[i];
        char left[64], idx[24], zh[DEADLINE_TEXT_MAX], en[DEADLINE_TEXT_MAX], cite[CITE_MAX];
        if (it->days_left >= 0)
            snprintf(left, sizeof left, _("%lld left"), (long long)it->days_left);
        else
            snprintf(left, sizeof left, _("overdue %lld"), (long long)-it->days_left);
        snprintf(idx, sizeof idx, "%" PRIu64, it->m->index);
        deadline_format_end(zh, en, it->end);
        cite_format(cite, sizeof cite, openitems_article(it->what),
                    i18n_zh() ? CITE_ZH_SHORT : CITE_EN);
        const char *row[] = {
            left, it->m->case_id, idx, openitems_pending(it->what), i18n_pick(zh, en), cite};
        rc = table_add(t, row);
    }
    if (t == NULL)
        rc = LH_ENOMEM;
    if (rc == 0) {
        if (csv) {
            table_print_csv(t, f, true);
        } else {
            char asof[CALENDAR_TEXT_MAX];
            matters_print_title(f, _("Open items"), s);
            fprintf(f,
                    _("As of %s; periods in days counted as the rules count them "
                      "(follow-up: %u days).\n"),
                    calendar_format_cst(asof, s->as_of),
                    s->follow_up_days > 0 ? s->follow_up_days : FOLLOW_UP_DAYS_DEFAULT);
            table_print_text(t, f);
            fprintf(f, _("%zu open items.\n"), table_rows(t));
        }
    }
    table_free(t);
    free(items);
    return rc;
}
