/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cause.c — which failure follows from which (cause.h).
 */
#include "cause.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "grow.h"

void cause_init(cause_table *t)
{
    memset(t, 0, sizeof *t);
}

void cause_free(cause_table *t)
{
    free(t->idx);
    free(t->num);
    cause_init(t);
}

/* The position of the first remembered entry at or after index. */
static size_t lower_bound(const cause_table *t, uint64_t index)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->idx[mid] < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t cause_find(const cause_table *t, uint64_t first, uint64_t last)
{
    if (first > last)
        return 0;
    size_t i = lower_bound(t, first);
    if (i < t->n && t->idx[i] <= last)
        return t->num[i];
    for (size_t s = 0; s < t->nspans; s++)
        if (t->span[s].first <= last && first <= t->span[s].last)
            return t->span[s].num;
    return 0;
}

int cause_add(cause_table *t, uint64_t index, size_t num)
{
    size_t i = lower_bound(t, index);
    if (i < t->n && t->idx[i] == index)
        return 0;
    if (t->n >= CAUSE_POINTS_MAX)
        return 0;
    /* Two arrays of one capacity: both grow alike from t->cap, which is
     * set when both have grown (if the second fails, the first is only
     * larger than t->cap says). */
    size_t cap_idx = t->cap, cap_num = t->cap;
    if (grow_room(&t->idx, &cap_idx, t->n + 1, sizeof *t->idx, 64, 0) != 0 ||
        grow_room(&t->num, &cap_num, t->n + 1, sizeof *t->num, 64, 0) != 0)
        return LH_ENOMEM;
    t->cap = cap_num < cap_idx ? cap_num : cap_idx;
    /* Failures come mostly in log order: the move is usually empty. */
    memmove(t->idx + i + 1, t->idx + i, (t->n - i) * sizeof *t->idx);
    memmove(t->num + i + 1, t->num + i, (t->n - i) * sizeof *t->num);
    t->idx[i] = index;
    t->num[i] = num;
    t->n++;
    return 0;
}

void cause_add_span(cause_table *t, uint64_t first, uint64_t last, size_t num)
{
    if (first > last || t->nspans >= CAUSE_SPANS_MAX)
        return;
    t->span[t->nspans].first = first;
    t->span[t->nspans].last = last;
    t->span[t->nspans].num = num;
    t->nspans++;
}
