/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * metrics.c — metrics.h.
 */
#include "metrics.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

/* From half a millisecond (a pipelined append's answer) to 10 s (a disk
 * that stalls); Prometheus's own defaults, with 0.0005 added. */
static const double latency_bounds[METRICS_LATENCY_BOUNDS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

/* Powers of two up to the sequencer's largest batch (4096). */
static const double batch_bounds[METRICS_BATCH_BOUNDS] = {
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096,
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static metrics_snapshot figures = {
    .batch_entries = {.nbounds = METRICS_BATCH_BOUNDS, .bounds = batch_bounds},
    .commit_seconds = {.nbounds = METRICS_LATENCY_BOUNDS, .bounds = latency_bounds},
    .append_seconds = {.nbounds = METRICS_LATENCY_BOUNDS, .bounds = latency_bounds},
};

static void observe(metrics_hist *h, double v)
{
    size_t i = 0;
    while (i < h->nbounds && v > h->bounds[i])
        i++;
    h->counts[i]++;
    h->count++;
    h->sum += v;
}

double metrics_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void metrics_commit(size_t n, double seconds)
{
    pthread_mutex_lock(&lock);
    observe(&figures.batch_entries, (double)n);
    observe(&figures.commit_seconds, seconds);
    pthread_mutex_unlock(&lock);
}

void metrics_append(Liuhen__Status status, double seconds)
{
    pthread_mutex_lock(&lock);
    figures.appends++;
    if ((unsigned)status < METRICS_STATUSES)
        figures.answers[status]++;
    observe(&figures.append_seconds, seconds);
    pthread_mutex_unlock(&lock);
}

void metrics_refused(void)
{
    pthread_mutex_lock(&lock);
    figures.refused_connections++;
    pthread_mutex_unlock(&lock);
}

void metrics_get(metrics_snapshot *out)
{
    pthread_mutex_lock(&lock);
    *out = figures;
    pthread_mutex_unlock(&lock);
}

static void hist_to_proto(const metrics_hist *h, Liuhen__Histogram *p)
{
    liuhen__histogram__init(p);
    p->n_upper_bounds = h->nbounds;
    p->upper_bounds = (double *)h->bounds;
    p->n_counts = h->nbounds + 1;
    p->counts = (uint64_t *)h->counts;
    p->count = h->count;
    p->sum = h->sum;
}

void metrics_to_proto(const metrics_snapshot *s, Liuhen__Metrics *m, Liuhen__StatusCount *answers,
                      Liuhen__StatusCount **answer_ptrs, Liuhen__Histogram hist[3])
{
    m->appends = s->appends;
    m->refused_connections = s->refused_connections;
    size_t n = 0;
    for (unsigned st = 0; st < METRICS_STATUSES; st++) {
        if (s->answers[st] == 0)
            continue;
        liuhen__status_count__init(&answers[n]);
        answers[n].status = (Liuhen__Status)st;
        answers[n].count = s->answers[st];
        answer_ptrs[n] = &answers[n];
        n++;
    }
    m->n_answers = n;
    m->answers = answer_ptrs;
    hist_to_proto(&s->batch_entries, &hist[0]);
    hist_to_proto(&s->commit_seconds, &hist[1]);
    hist_to_proto(&s->append_seconds, &hist[2]);
    m->batch_entries = &hist[0];
    m->commit_seconds = &hist[1];
    m->append_seconds = &hist[2];
}
