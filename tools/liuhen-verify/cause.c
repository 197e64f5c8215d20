/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cause.c — which failure follows from which (cause.h).
 */
#include "cause.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"

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
    if (t->n == t->cap) {
        size_t ncap = t->cap != 0 ? t->cap * 2 : 64;
        uint64_t *idx = realloc(t->idx, ncap * sizeof *idx);
        if (idx == NULL)
            return LH_ENOMEM;
        t->idx = idx;
        size_t *nums = realloc(t->num, ncap * sizeof *nums);
        if (nums == NULL)
            return LH_ENOMEM;
        t->num = nums;
        t->cap = ncap;
    }
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
