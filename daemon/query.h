/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * query.h — the read-only calls of liuhend's wire protocol (docs/design.md
 * "Wire protocol"): GetCheckpoint, GetInclusionProof, GetConsistencyProof,
 * GetEntries, GetAuthorHead, GetCase, GetKeys and Status, answered from the
 * store. Requests are decoded and responses framed by protocol.h; appends
 * go through the sequencer, Export and Backup through snapshot.h.
 *
 * Every read call runs in ONE store read transaction, so that what it
 * returns (a proof, the checkpoint it verifies against, the entries) is one
 * consistent snapshot of the log; the response is packed before the
 * transaction ends because it points into LMDB's map. LMDB readers never
 * wait for the writer, so the event loop may call these functions directly.
 *
 * Tree sizes in proofs (the rule clients rely on):
 *  - GetInclusionProof answers at any tree size N with leaf_index < N <= the
 *    log's size; tree_size 0 means the latest checkpoint's size.
 *    GetConsistencyProof answers for 0 < first <= second <= the log's size;
 *    second 0 means the latest checkpoint's size.
 *  - The response's checkpoint is the signed checkpoint OF THAT SIZE
 *    (N, or second). The log signs one per committed batch and stores
 *    every one, so every size a client can hold a checkpoint for (from a
 *    receipt, a publication, Status or a witness) has one. For a size
 *    between two batches the log never signed a root: the proof is still
 *    returned (status OK) with no checkpoint, and the response's message
 *    says so; such a proof is only useful against a root the client
 *    computed itself.
 *
 * Limits: no response is larger than the frame limit. GetEntries returns at
 * most QUERY_MAX_ENTRIES entries and stops before the frame limit; GetCase
 * answers TOO_LARGE (saying how many entries the case has) when the whole
 * case with its proofs does not fit, since a partial case could not be
 * checked for completeness.
 *
 * Thread safety: the functions keep no state of their own; each call uses
 * its own read transaction. A thread must not call them while it holds
 * another read transaction of the same store (store.h: a pending map growth
 * would deadlock).
 */
#ifndef LIUHEN_QUERY_H
#define LIUHEN_QUERY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "keyring.h"
#include "metrics.h"
#include "liuhen.pb-c.h"
#include "protocol.h"
#include "store.h"
#include "witnessing.h"

/** Most entries one GetEntries response carries. */
#define QUERY_MAX_ENTRIES 1000

/**
 * Figures for a Status response that only the running daemon knows: the
 * sequencer, the publisher and the server fill them in.
 */
typedef struct query_status {
    int64_t last_checkpoint_at;
    int64_t last_publish_at; /**< 0: not publishing, or nothing published yet */
    uint32_t connections;
    double appends_per_second;
    uint32_t queue_depth;
    int64_t started_at; /**< unix ms */
    size_t nwitnesses;  /**< liuhend --witness */
    witnessing_state witnesses[WITNESSING_MAX];
    uint32_t min_cosignatures; /**< liuhend --min-cosignatures */
    metrics_snapshot metrics;  /**< counted since the start (metrics.h) */
    uint64_t store_bytes, store_used_bytes;
} query_status;

/** Fills in the running daemon's figures; called before the read transaction begins. */
typedef void (*query_status_fn)(void *ctx, query_status *out);

/** What the read calls read from, shared by every call. */
typedef struct query_env {
    store *store;              /**< the log */
    keyring *keys;             /**< GetKeys; NULL answers GetKeys UNAVAILABLE */
    const char *origin;        /**< the log's origin (Status) */
    const char *log_vkey;      /**< the log's note verifier key (Status) */
    uint32_t max_frame;        /**< largest frame body sent or received */
    query_status_fn status_fn; /**< may be NULL: the figures are then 0 */
    void *status_ctx;
} query_env;

/**
 * Answer a read call (every call but Append, Export and Backup) and append
 * its response frame to out. Refusals (INVALID_ARGUMENT naming the field, NOT_FOUND naming
 * the object, TOO_LARGE) are answers too: they are logged (info, debug for
 * NOT_FOUND) and appended like any other response.
 * @param[in]  env     what to read.
 * @param[in]  req     a request from query_parse_request(), not an Append.
 * @param[out] out     receives one frame.
 * @param[out] status  optional: the status answered.
 * @return 0; LH_ENOMEM when not even an error response could be appended
 *         (out is unchanged: the caller closes the connection); LH_EINVAL
 *         for an Append, a slow call or a request with no call (a caller's
 *         bug).
 */
int query_answer(const query_env *env, const Liuhen__Request *req, protocol_buf *out,
                 Liuhen__Status *status);

#endif
