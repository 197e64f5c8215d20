/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * memstore.c — in-memory stored-hash table for the tests.
 */
#include "memstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

int memstore_read(void *ctx, const uint64_t *indexes, size_t count,
                  uint8_t (*hashes)[MERKLE_HASH_SIZE])
{
    memstore *ms = ctx;

    ms->read_calls++;
    ms->last_read_count = count;
    for (size_t i = 0; i < count; i++) {
        if (indexes[i] >= ms->count)
            return LH_ENOTFOUND;
        memcpy(hashes[i], ms->hash[indexes[i]], MERKLE_HASH_SIZE);
    }
    return 0;
}

int memstore_append(memstore *ms, const uint8_t leaf_hash[MERKLE_HASH_SIZE])
{
    uint8_t out[MERKLE_MAX_STORED][MERKLE_HASH_SIZE];
    size_t n = 0;

    int rc = merkle_stored_hashes_for(ms->leaves, leaf_hash, memstore_read, ms, out, &n);
    if (rc != 0)
        return rc;
    /* The new hashes go right after the last ones (merkle.h). */
    if (ms->count != merkle_stored_index(0, ms->leaves))
        return LH_EINTERNAL;
    if (ms->count + n > ms->cap) {
        uint64_t cap = ms->cap == 0 ? 1024 : ms->cap * 2;
        void *p = realloc(ms->hash, (size_t)cap * MERKLE_HASH_SIZE);
        if (p == NULL)
            return LH_ENOMEM;
        ms->hash = p;
        ms->cap = cap;
    }
    memcpy(ms->hash[ms->count], out, n * MERKLE_HASH_SIZE);
    ms->count += n;
    ms->leaves++;
    return 0;
}

int memstore_append_vector_leaf(memstore *ms, uint64_t i)
{
    char data[32];
    uint8_t h[MERKLE_HASH_SIZE];

    int len = snprintf(data, sizeof data, "leaf-%llu", (unsigned long long)i);
    merkle_leaf_hash(h, (const uint8_t *)data, (size_t)len);
    return memstore_append(ms, h);
}

void memstore_free(memstore *ms)
{
    free(ms->hash);
    memset(ms, 0, sizeof *ms);
}
