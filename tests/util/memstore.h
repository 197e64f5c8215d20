/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * memstore.h — an in-memory stored-hash table for the Merkle and tile tests.
 *
 * It plays the daemon's store: a flat array indexed by stored index
 * (merkle.h), filled leaf by leaf with merkle_stored_hashes_for() and read
 * back through memstore_read(), a merkle_read_fn.
 */
#ifndef LIUHEN_TEST_MEMSTORE_H
#define LIUHEN_TEST_MEMSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

/** A growing table of stored hashes; zero-initialise it, free with memstore_free(). */
typedef struct memstore {
    uint8_t (*hash)[MERKLE_HASH_SIZE]; /**< hash[i] is stored index i; owned. */
    uint64_t count;                    /**< stored hashes held */
    uint64_t cap;                      /**< room in hash */
    uint64_t leaves;                   /**< tree size */
    unsigned long read_calls;          /**< calls of memstore_read(), for tests */
    size_t last_read_count;            /**< indexes asked by the last call */
} memstore;

/**
 * Append a leaf: store the hashes merkle_stored_hashes_for() gives.
 * @return 0, LH_ENOMEM, or the error of merkle_stored_hashes_for().
 */
int memstore_append(memstore *ms, const uint8_t leaf_hash[MERKLE_HASH_SIZE]);

/** Append the leaf whose data is the ASCII string "leaf-<i>" (tests/vectors/README.md). */
int memstore_append_vector_leaf(memstore *ms, uint64_t i);

/** A merkle_read_fn over a memstore (ctx); LH_ENOTFOUND for an index not held. */
int memstore_read(void *ctx, const uint64_t *indexes, size_t count,
                  uint8_t (*hashes)[MERKLE_HASH_SIZE]);

/** Free the table; accepts a zeroed memstore. */
void memstore_free(memstore *ms);

#endif
