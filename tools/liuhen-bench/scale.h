/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * scale.h — the scale workload: the append rate and the cost of proofs as
 * the log grows, to ten million entries by default.
 *
 * The log grows in chunks: each chunk's entries are signed ahead with the
 * clock stopped (corpus.h), then appended by the clients pipelined as the
 * append workload does, and timed. At each point (100,000, 200,000,
 * 500,000, 1,000,000... entries, and the target) the rate of the last
 * chunk before it is kept, then the proof clients ask for inclusion proofs
 * at random indexes for a while, the log standing still.
 */
#ifndef LIUHEN_BENCH_SCALE_H
#define LIUHEN_BENCH_SCALE_H

#include "harness.h"
#include "results.h"

typedef struct scale_config {
    uint64_t target;  /**< the log's final size */
    unsigned clients; /**< append clients, one author each */
    unsigned depth;   /**< entries per run */
    unsigned prove_clients;
    double prove_seconds; /**< at each point */
    uint64_t chunk;       /**< most entries signed ahead at once */
} scale_config;

/**
 * Grow the log to cfg->target entries, measuring at each point.
 * @param[out] points  free with free(); *npoints of them, also on failure
 *                     (those measured before it).
 * @return 0; the codes of the workloads, with err.
 */
int scale_run(harness *h, const scale_config *cfg, scale_point **points, size_t *npoints,
              lh_err *err);

#endif
