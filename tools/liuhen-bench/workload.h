/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * workload.h — the timed workloads: clients on threads, each with its own
 * connection (lh_connect()), started together, stopped together, every
 * call's latency kept.
 *
 *  - append: each client sends entries signed before the clock started
 *    (workload_presign()) with lh_append_signed_many(), in runs of `depth`
 *    entries, so that up to `depth` requests are in flight on its
 *    connection (at most LH_PIPELINE_WINDOW). The call returns when every
 *    receipt of the run is verified: the latency kept for each entry is
 *    that of its run, from the call (the first send) to its return (the
 *    last receipt verified) — exact for depth 1, an upper bound of each
 *    entry's own latency otherwise.
 *  - append-sync: each client appends one record at a time with
 *    lh_append(), which fills the chain links, signs, sends and verifies
 *    the receipt, as a real client does; the latency is that of the call.
 *  - prove: each client asks lh_inclusion_proof() for a random index of
 *    the log at its latest checkpoint and verifies it; latency of the call.
 *
 * Told to stop, an appending client goes on to the next point where its
 * author's stream is settled (corpus_settled(): no complaint waiting for
 * its answer), at most one entry later, so that the log stays one an
 * inspector finds clean.
 *
 * A workload's rate is the operations completed divided by the time from
 * the moment every client was connected and ready to the end of the last
 * call.
 */
#ifndef LIUHEN_BENCH_WORKLOAD_H
#define LIUHEN_BENCH_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "latency.h"
#include "liuhen.h"

/** One author's entries signed ahead, in chain order. */
typedef struct presigned {
    uint8_t *buf;         /**< all of them, back to back */
    const uint8_t **ptrs; /**< n SignedEntry byte strings in buf */
    size_t *lens;
    bool *settled; /**< settled[i]: the stream may stop after entry i (corpus_settled()) */
    size_t n;
    uint64_t entry_bytes; /**< the Entry bytes of them all (without signature and framing) */
} presigned;

/**
 * Sign per_author entries for each of n authors, continuing each author's
 * stream, on one thread per core; one more for an author whose stream
 * would not be settled otherwise.
 * @param[out] out  n sets; free with workload_presigned_free(out, n).
 * @return 0; LH_ENOMEM; the codes of corpus_sign_next(), with err.
 */
int workload_presign(harness_author *authors, size_t n, size_t per_author, presigned *out,
                     lh_err *err);

/** Free n sets of entries signed ahead. Accepts NULL. */
void workload_presigned_free(presigned *p, size_t n);

/** What a workload measured. */
typedef struct workload_figures {
    unsigned clients;
    unsigned depth;       /**< append: entries per run; 0 otherwise */
    uint64_t ops;         /**< appends or proofs completed */
    double seconds;       /**< the measured time */
    double per_s;         /**< ops / seconds */
    double entry_bytes;   /**< mean size of the entries appended; 0 for proofs */
    latency_summary lat;  /**< per entry (append: of its run), per proof */
    bool exhausted;       /**< append: a client ran out of entries signed ahead */
    double offered_per_s; /**< append paced: the rate asked for; 0 when as fast as it goes */
} workload_figures;

/**
 * The append workload: n clients, client i sending p[i]'s entries in runs
 * of depth, until `seconds` have passed (0: until every entry is sent).
 * Paced (rate > 0: appends/s of all clients together), each client sends
 * one entry at a time when it is due, rate / n times a second, and an
 * entry's latency counts from when it was due (an open loop).
 * @return 0; the first client's error, with err naming the client.
 */
int workload_append(const lh_options *opts, const presigned *p, size_t n, unsigned depth,
                    double rate, double seconds, workload_figures *out, lh_err *err);

/** The append-sync workload: one client per author, for `seconds`. */
int workload_append_sync(const lh_options *opts, harness_author *authors, size_t n, double seconds,
                         workload_figures *out, lh_err *err);

/** The prove workload: `clients` clients for `seconds`. */
int workload_prove(const lh_options *opts, unsigned clients, double seconds, workload_figures *out,
                   lh_err *err);

/**
 * Appends (as workload_append()) and proofs (as workload_prove()) at once,
 * started and stopped together; each measured apart.
 */
int workload_mixed(const lh_options *opts, const presigned *p, size_t nappend, unsigned depth,
                   unsigned nprove, double seconds, workload_figures *appends,
                   workload_figures *proofs, lh_err *err);

#endif
