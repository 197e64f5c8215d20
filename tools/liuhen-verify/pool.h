/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pool.h — the verifier's parallel stage (docs/design.md "The verifier",
 * check 3): each leaf of an entry bundle unpacked (Leaf, SignedEntry,
 * Entry), validated, its entry id computed and its signature verified with
 * the key the entry names, on a pool of threads, one per online core. These
 * need nothing but the leaf, so the pool works several bundles ahead of the
 * main thread, which takes the bundles back in log order and checks what
 * depends on the entries before (ledger.h).
 *
 * Work is handed out in chunks of POOL_CHUNK leaves, so that a bundle keeps
 * every core busy to its end without a lock per leaf. The memory of each
 * unpacked entry is freed by the thread that allocated it (pool_done()).
 *
 * Thread safety: one thread (the verifier's main thread) calls these
 * functions; the pool's threads are internal.
 */
#ifndef LIUHEN_VERIFY_POOL_H
#define LIUHEN_VERIFY_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "entry.h"
#include "errors.h"
#include "liuhen.pb-c.h"
#include "tiles.h"

/** Leaves a thread takes at a time: 16 chunks per full bundle. */
#define POOL_CHUNK 16

/** What the pool found about one leaf. */
typedef struct pool_leaf {
    Liuhen__Entry *entry;       /**< NULL when the leaf does not parse; the pool's */
    int rc;                     /**< 0, or the code of the step that failed */
    const char *step;           /**< that step: "leaf", "signed entry", "entry" */
    bool sig_ok;                /**< the signature verifies with entry->author_key */
    bool has_id;                /**< the signed entry unpacked: id is set */
    uint8_t id[ENTRY_ID_BYTES]; /**< the entry id, once the signed entry unpacks */
    int64_t integrated_at;      /**< the leaf's, once it unpacks */
    lh_err err;                 /**< why the step failed */
} pool_leaf;

/** A pool of threads. */
typedef struct pool pool;

/** A bundle queued to a pool, and what the pool found of its leaves. */
typedef struct pool_batch pool_batch;

/**
 * Start a pool.
 * @param[in] threads  its threads; 0: one per online core.
 * @param[out] out     freed with pool_free(); NULL on error.
 * @return 0; LH_ENOMEM; -errno when no thread can be started (one thread
 *         at least is enough).
 */
int pool_new(unsigned threads, pool **out, lh_err *err);

/** Stop the threads and free everything, the bundles still queued too.
 *  Accepts NULL. */
void pool_free(pool *p);

/**
 * Queue a bundle; the pool owns it from the call on, also on error.
 * @return 0; LH_ENOMEM.
 */
int pool_push(pool *p, tiles_bundle *b);

/**
 * Wait until every leaf of the oldest bundle queued is done and take it
 * from the queue. There must be one (pool_push() more often than
 * pool_take()).
 * @param[out] b    the bundle; valid until pool_done().
 * @param[out] res  what the pool found of leaf k, res[k] for k below the
 *                  bundle's width; the entries stay the pool's and are
 *                  valid until pool_done().
 * @return the batch, to give back to pool_done().
 */
pool_batch *pool_take(pool *p, const tiles_bundle **b, pool_leaf **res);

/** Give back a batch pool_take() returned: its bundle is freed at once,
 *  its entries by the threads that unpacked them. */
void pool_done(pool *p, pool_batch *bt);

#endif
