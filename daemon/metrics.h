/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * metrics.h — what liuhend counts about itself for monitoring, since it
 * started: Append answers by status, batch sizes, commit (fdatasync) and
 * append latencies as histograms, refused connections. One set per
 * process, updated from the writer thread and the event loop under one
 * mutex (a few updates per batch: no measurable cost), read by the Status
 * call (query.h) into StatusResponse.metrics, which `liuhen status
 * --prometheus` prints in Prometheus's text exposition format.
 */
#ifndef LIUHEN_METRICS_H
#define LIUHEN_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "liuhen.pb-c.h"

/** Buckets of the latency histograms (seconds) and of batch sizes (entries). */
#define METRICS_LATENCY_BOUNDS 14
#define METRICS_BATCH_BOUNDS   13
/** Statuses counted: Liuhen__Status values 0..METRICS_STATUSES-1. */
#define METRICS_STATUSES 16

typedef struct metrics_hist {
    size_t nbounds;
    const double *bounds;
    uint64_t counts[METRICS_LATENCY_BOUNDS + 1]; /* per bucket, the last above every bound */
    uint64_t count;
    double sum;
} metrics_hist;

/** A copy of every figure, taken at once. */
typedef struct metrics_snapshot {
    uint64_t appends;
    uint64_t answers[METRICS_STATUSES];
    uint64_t refused_connections;
    metrics_hist batch_entries, commit_seconds, append_seconds;
} metrics_snapshot;

/** A batch of n entries was committed in seconds (writer thread). */
void metrics_commit(size_t n, double seconds);

/** An Append was answered with status, seconds after its frame was read. */
void metrics_append(Liuhen__Status status, double seconds);

/** A connection was refused by the limits. */
void metrics_refused(void);

/** Copy every figure. */
void metrics_get(metrics_snapshot *out);

/** Seconds on the monotonic clock, for the latencies. */
double metrics_now(void);

/**
 * Fill m (a Liuhen__Metrics just initialised) from s; the repeated fields
 * point into s and into the three arrays given, which must outlive m's
 * packing. answers needs room for METRICS_STATUSES entries and ptrs.
 */
void metrics_to_proto(const metrics_snapshot *s, Liuhen__Metrics *m, Liuhen__StatusCount *answers,
                      Liuhen__StatusCount **answer_ptrs, Liuhen__Histogram hist[3]);

#endif
