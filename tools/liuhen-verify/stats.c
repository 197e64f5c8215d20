/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * stats.c — counts by quarter, person or category (stats.h).
 */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "calendar.h"
#include "errors.h"
#include "i18n.h"
#include "openitems.h"
#include "registers.h"
#include "rules_table.h"
#include "table.h"

/* The key of a counter: group, measure number, value, NUL-separated. */
typedef struct counter {
    rtable_key key;
    const char *group, *value;
    int measure;
    uint64_t count;
    size_t order;
} counter;

typedef struct group {
    rtable_key key;
    const char *name;
    uint64_t interference;
} group;

enum {
    M_INTERFERENCE,
    M_CATEGORY,
    M_REPEAT,
    M_SOURCE,
    M_OUTCOME,
    M_FAULT,
    M_SANCTION,
    M_OVERDUE,
    M_PERSON, /* internal: interferers, for M_REPEAT */
};

struct stats {
    stats_by by;
    rtable counters, groups;
    arena text;
    stats_row *rows;
    size_t nrows;
    group **sorted;
    size_t ngroups;
};

int stats_by_parse(const char *name, stats_by *out)
{
    if (strcmp(name, "quarter") == 0)
        *out = STATS_BY_QUARTER;
    else if (strcmp(name, "person") == 0)
        *out = STATS_BY_PERSON;
    else if (strcmp(name, "unit") == 0)
        *out = STATS_BY_UNIT;
    else if (strcmp(name, "category") == 0)
        *out = STATS_BY_CATEGORY;
    else
        return LH_EINVAL;
    return 0;
}

const char *stats_by_text(stats_by by)
{
    switch (by) {
    case STATS_BY_QUARTER: return _("quarter");
    case STATS_BY_PERSON: return _("recorder");
    case STATS_BY_UNIT: return _("recorder's unit");
    case STATS_BY_CATEGORY: return _("B§10 category");
    }
    return "";
}

stats_by stats_grouping(const stats *st)
{
    return st->by;
}

static const char *measure_text(int m)
{
    switch (m) {
    case M_INTERFERENCE: return _("interference records");
    case M_CATEGORY: return _("interference by category (B§10)");
    case M_REPEAT: return _("repeat interferers");
    case M_SOURCE: return _("complaints by source (A§5)");
    case M_OUTCOME: return _("complaints by outcome");
    case M_FAULT: return _("wrongful cases by fault (A§6)");
    case M_SANCTION: return _("wrongful cases by sanction (A§11)");
    case M_OVERDUE: return _("overdue items");
    }
    return "";
}

static group *group_get(stats *st, const char *name)
{
    bool added;
    group *g = rtable_get(&st->groups, name, strlen(name), &added);
    if (g != NULL && added && (g->name = arena_dup(&st->text, name, strlen(name))) == NULL)
        return NULL;
    return g;
}

static int count(stats *st, const char *grp, int measure, const char *value, uint64_t n)
{
    if (group_get(st, grp) == NULL)
        return LH_ENOMEM;
    char key[1024];
    int k = snprintf(key, sizeof key, "%s%c%d%c%s", grp, 0, measure, 0, value);
    size_t len = k < 0 ? 0 : (size_t)k < sizeof key ? (size_t)k : sizeof key - 1;
    bool added;
    counter *c = rtable_get(&st->counters, key, len, &added);
    if (c == NULL)
        return LH_ENOMEM;
    if (added) {
        c->group = arena_dup(&st->text, grp, strlen(grp));
        c->value = arena_dup(&st->text, value, strlen(value));
        c->measure = measure;
        c->order = rtable_len(&st->counters);
        if (c->group == NULL || c->value == NULL)
            return LH_ENOMEM;
    }
    c->count += n;
    return 0;
}

/* The group of a matter (by category: its first category, or "—"). */
static const char *group_of(const stats *st, const matter *it, char buf[32])
{
    switch (st->by) {
    case STATS_BY_QUARTER: {
        int64_t y, mo, d;
        calendar_civil_from_days(
            calendar_floor_div(it->date + CALENDAR_CST_OFFSET_MS, CALENDAR_DAY_MS), &y, &mo, &d);
        snprintf(buf, 32, "%04d-Q%d", (int)(y % 10000), (int)((mo - 1) / 3 + 1));
        return buf;
    }
    case STATS_BY_PERSON: return it->recorder;
    case STATS_BY_UNIT: return it->unit[0] != '\0' ? it->unit : "—";
    case STATS_BY_CATEGORY: break;
    }
    return "—";
}

/* Each group a matter counts in: by category, one per category. */
static int each_group(stats *st, const matter *it, int measure, const char *value)
{
    char buf[32];
    if (st->by == STATS_BY_CATEGORY && it->type == MATTER_INTERFERENCE && it->ncategories > 0) {
        for (size_t i = 0; i < it->ncategories; i++) {
            int rc = count(
                st, matters_label(&liuhen__interference_category__descriptor, it->categories[i]),
                measure, value, 1);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    return count(st, group_of(st, it, buf), measure, value, 1);
}

static int count_matter(stats *st, const matters *m, const matter *it)
{
    int rc = 0;
    char who[512];
    switch (it->type) {
    case MATTER_INTERFERENCE:
        if ((rc = each_group(st, it, M_INTERFERENCE, "")) != 0)
            return rc;
        for (size_t i = 0; i < it->ncategories && rc == 0; i++)
            rc = each_group(
                st, it, M_CATEGORY,
                matters_label(&liuhen__interference_category__descriptor, it->categories[i]));
        if (it->ncategories == 0 && rc == 0)
            rc = each_group(st, it, M_CATEGORY, _("not stated"));
        snprintf(who, sizeof who, "%s/%s", it->person, registers_relation(it->relation));
        return rc != 0 ? rc : each_group(st, it, M_PERSON, who);
    case MATTER_COMPLAINT:
        if ((rc = each_group(st, it, M_SOURCE,
                             it->source != 0
                                 ? matters_label(&liuhen__case_source__descriptor, it->source)
                                 : _("not stated"))) != 0)
            return rc;
        return each_group(st, it, M_OUTCOME,
                          registers_outcome_text(registers_complaint_outcome(it)));
    case MATTER_DECISION: {
        if (!it->wrongful)
            return 0;
        const matter *c = matters_case_complaint(m, it->case_id);
        for (size_t i = 0; c != NULL && i < c->nconducts && rc == 0; i++)
            rc = each_group(st, it, M_FAULT,
                            matters_label(&liuhen__conduct__descriptor, c->conducts[i]));
        if ((c == NULL || c->nconducts == 0) && rc == 0)
            rc = each_group(st, it, M_FAULT, _("not stated"));
        for (size_t i = 0; i < it->nsanctions && rc == 0; i++)
            rc = each_group(st, it, M_SANCTION,
                            matters_label(&liuhen__sanction__descriptor, it->sanctions[i]));
        return rc;
    }
    }
    return 0;
}

static int cmp_groups(const void *a, const void *b)
{
    return strcmp((*(group *const *)a)->name, (*(group *const *)b)->name);
}

static size_t group_rank(const stats *st, const char *name)
{
    for (size_t i = 0; i < st->ngroups; i++)
        if (strcmp(st->sorted[i]->name, name) == 0)
            return i;
    return st->ngroups;
}

typedef struct keyed {
    size_t rank;
    const counter *c;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->c->measure != y->c->measure)
        return x->c->measure < y->c->measure ? -1 : 1;
    return x->c->order < y->c->order ? -1 : x->c->order > y->c->order;
}

int stats_compute(const matters *m, const matters_scope *s, stats_by by, stats **out)
{
    stats *st = calloc(1, sizeof *st);
    if (st == NULL)
        return LH_ENOMEM;
    st->by = by;
    rtable_init(&st->counters, sizeof(counter));
    rtable_init(&st->groups, sizeof(group));
    int rc = 0;
    for (size_t i = 0; i < matters_count(m) && rc == 0; i++) {
        const matter *it = matters_at(m, i);
        if (matters_in_period(s, it->date))
            rc = count_matter(st, m, it);
    }
    openitem *items = NULL;
    size_t nitems = 0;
    if (rc == 0)
        rc = openitems_collect(m, s, &items, &nitems);
    for (size_t i = 0; i < nitems && rc == 0; i++)
        if (items[i].days_left < 0)
            rc = each_group(st, items[i].m, M_OVERDUE, openitems_pending(items[i].what));
    free(items);
    /* The groups in order, with their interference records. */
    st->ngroups = rtable_len(&st->groups);
    st->sorted = calloc(st->ngroups + 1, sizeof *st->sorted);
    size_t nc = rtable_len(&st->counters);
    keyed *k = calloc(nc + 1, sizeof *k);
    st->rows = calloc(nc + 1, sizeof *st->rows);
    if (rc == 0 && (st->sorted == NULL || k == NULL || st->rows == NULL))
        rc = LH_ENOMEM;
    if (rc != 0) {
        free(k);
        stats_free(st);
        return rc;
    }
    for (size_t i = 0; i < st->ngroups; i++)
        st->sorted[i] = rtable_at(&st->groups, i);
    qsort(st->sorted, st->ngroups, sizeof *st->sorted, cmp_groups);
    for (size_t i = 0; i < nc; i++) {
        const counter *c = rtable_at(&st->counters, i);
        k[i] = (keyed){.rank = group_rank(st, c->group), .c = c};
        if (c->measure == M_INTERFERENCE && k[i].rank < st->ngroups)
            st->sorted[k[i].rank]->interference = c->count;
    }
    qsort(k, nc, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < nc; i++) {
        const counter *c = k[i].c;
        if (c->measure == M_PERSON) {
            if (c->count < 2)
                continue;
            st->rows[st->nrows++] =
                (stats_row){c->group, measure_text(M_REPEAT), c->value, c->count};
            continue;
        }
        st->rows[st->nrows++] = (stats_row){c->group, measure_text(c->measure), c->value, c->count};
    }
    free(k);
    *out = st;
    return 0;
}

void stats_free(stats *st)
{
    if (st == NULL)
        return;
    rtable_free(&st->counters);
    rtable_free(&st->groups);
    arena_free(&st->text);
    free(st->rows);
    free(st->sorted);
    free(st);
}

size_t stats_rows(const stats *st)
{
    return st->nrows;
}

const stats_row *stats_row_at(const stats *st, size_t i)
{
    return &st->rows[i];
}

size_t stats_groups(const stats *st)
{
    return st->ngroups;
}

const char *stats_group(const stats *st, size_t i)
{
    return st->sorted[i]->name;
}

uint64_t stats_group_interference(const stats *st, size_t i)
{
    return st->sorted[i]->interference;
}

int stats_print(FILE *f, const stats *st, const matters_scope *s, bool csv)
{
    const char *h[] = {stats_by_text(st->by), _("Measure"), _("Value"), _("Count")};
    table *t = table_new(4, h);
    int rc = t == NULL ? LH_ENOMEM : 0;
    for (size_t i = 0; i < st->nrows && rc == 0; i++) {
        char n[24];
        snprintf(n, sizeof n, "%llu", (unsigned long long)st->rows[i].count);
        const char *row[] = {st->rows[i].group, st->rows[i].measure, st->rows[i].value, n};
        rc = table_add(t, row);
    }
    if (rc == 0) {
        if (csv) {
            table_print_csv(t, f, true);
        } else {
            char title[256];
            snprintf(title, sizeof title, _("Statistics by %s"), stats_by_text(st->by));
            matters_print_title(f, title, s);
            table_print_text(t, f);
        }
    }
    table_free(t);
    return rc;
}
