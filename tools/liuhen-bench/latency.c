/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * latency.c — samples kept whole, percentiles by sorting (latency.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "grow.h"
#include "latency.h"

static int latency_reserve(latency *l, size_t more)
{
    return grow_room(&l->ns, &l->cap, l->n + more, sizeof *l->ns, 4096, 0);
}

int latency_add(latency *l, uint64_t ns, size_t count)
{
    if (latency_reserve(l, count) != 0)
        return LH_ENOMEM;
    for (size_t i = 0; i < count; i++)
        l->ns[l->n++] = ns;
    return 0;
}

int latency_merge(latency *into, const latency *from)
{
    if (from->n == 0)
        return 0;
    if (latency_reserve(into, from->n) != 0)
        return LH_ENOMEM;
    memcpy(into->ns + into->n, from->ns, from->n * sizeof *from->ns);
    into->n += from->n;
    return 0;
}

static int latency_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The sample of rank ceil(q * n) (nearest rank), 1-based. */
static double latency_rank_ms(const latency *l, double q)
{
    size_t rank = (size_t)(q * (double)l->n);
    if ((double)rank < q * (double)l->n)
        rank++;
    if (rank < 1)
        rank = 1;
    if (rank > l->n)
        rank = l->n;
    return (double)l->ns[rank - 1] / 1e6;
}

void latency_summarize(latency *l, latency_summary *out)
{
    memset(out, 0, sizeof *out);
    if (l->n == 0)
        return;
    qsort(l->ns, l->n, sizeof *l->ns, latency_cmp);
    double sum = 0;
    for (size_t i = 0; i < l->n; i++)
        sum += (double)l->ns[i];
    out->samples = l->n;
    out->mean_ms = sum / (double)l->n / 1e6;
    out->p50_ms = latency_rank_ms(l, 0.50);
    out->p99_ms = latency_rank_ms(l, 0.99);
    out->p999_ms = latency_rank_ms(l, 0.999);
    out->max_ms = (double)l->ns[l->n - 1] / 1e6;
}

void latency_free(latency *l)
{
    if (l == NULL)
        return;
    free(l->ns);
    memset(l, 0, sizeof *l);
}

uint64_t latency_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
