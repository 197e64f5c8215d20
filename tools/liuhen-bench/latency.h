/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * latency.h — latencies as they were measured, every sample kept (a few
 * megabytes for a run of ten seconds), and their percentiles computed
 * exactly by sorting: no histogram's rounding in the figures reported.
 */
#ifndef LIUHEN_BENCH_LATENCY_H
#define LIUHEN_BENCH_LATENCY_H

#include <stddef.h>
#include <stdint.h>

/** Samples in nanoseconds. Zero-initialise; free with latency_free(). */
typedef struct latency {
    uint64_t *ns;
    size_t n, cap;
} latency;

/** What is reported of a set of samples, in milliseconds. */
typedef struct latency_summary {
    size_t samples;
    double mean_ms, p50_ms, p99_ms, p999_ms, max_ms;
} latency_summary;

/**
 * Add `count` samples of `ns` nanoseconds (a run of entries that all
 * waited for the same call counts once per entry).
 * @return 0; LH_ENOMEM.
 */
int latency_add(latency *l, uint64_t ns, size_t count);

/** Add every sample of `from` to `into`. @return 0; LH_ENOMEM. */
int latency_merge(latency *into, const latency *from);

/**
 * The summary: p50, p99 and p99.9 are the samples of those ranks (nearest
 * rank) in sorted order. Sorts l->ns. All zero when there is no sample.
 */
void latency_summarize(latency *l, latency_summary *out);

/** Free the samples and zero l. @param[in,out] l  may be NULL. */
void latency_free(latency *l);

/** CLOCK_MONOTONIC, in nanoseconds. */
uint64_t latency_now_ns(void);

#endif
