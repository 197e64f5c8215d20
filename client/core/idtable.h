/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * idtable.h — one hash table for the whole project: from a key (a public
 * key, an entry id, a case id) to a 32-bit id, the position of the record
 * in the caller's own array. The caller keeps the records; the table keeps,
 * per slot, the id and the key's hash, so that growing it needs no
 * callback and a probe compares a record only when the hashes are equal.
 *
 * Keys come from outside (whoever enrols a key, appends to a case or
 * writes a log chooses them), so they are hashed with SipHash
 * (crypto_shorthash) under a random key drawn for each table: a crafted set
 * of keys cannot make every look-up probe the whole table.
 *
 * Open addressing, linear probing, at most half full. Not thread-safe: one
 * owner at a time (or a lock around it).
 */
#ifndef LIUHEN_IDTABLE_H
#define LIUHEN_IDTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** No id: what idtable_find() returns for a key that is not there. */
#define IDTABLE_NONE UINT32_MAX

typedef struct idtable_slot idtable_slot;

/** A table; idtable_init() it, idtable_free() it. */
typedef struct idtable {
    idtable_slot *slot; /**< cap slots; private */
    size_t cap;         /**< 0 or a power of two */
    size_t n;           /**< ids in the table */
    uint8_t key[16];    /**< the SipHash key; private */
} idtable;

/**
 * An empty table with a fresh random hash key (libsodium must be
 * initialised). Allocates nothing yet.
 */
void idtable_init(idtable *t);

/** Free the slots and leave the table empty. Accepts a zeroed table. */
void idtable_free(idtable *t);

/** Remove every id, keeping the slots. */
void idtable_clear(idtable *t);

/** The table's hash of a key: what idtable_find() and idtable_insert() take. */
uint64_t idtable_hash(const idtable *t, const void *key, size_t len);

/**
 * Whether the record `id` has the key being looked for.
 * @param[in] ctx  the caller's records.
 * @param[in] key  what idtable_find() was given.
 */
typedef bool (*idtable_match_fn)(const void *ctx, uint32_t id, const void *key);

/**
 * The id of the record whose key has hash h and matches key, or
 * IDTABLE_NONE.
 */
uint32_t idtable_find(const idtable *t, uint64_t h, idtable_match_fn match, const void *ctx,
                      const void *key);

/**
 * Make room for `count` ids in all, so that as many idtable_insert()s as
 * that leaves cannot fail. Unchanged on failure.
 * @return 0; LH_ENOMEM.
 */
int idtable_reserve(idtable *t, size_t count);

/**
 * Add an id under hash h. The key must not be in the table already, the id
 * must be below IDTABLE_NONE, and idtable_reserve() must have made room.
 */
void idtable_insert(idtable *t, uint64_t h, uint32_t id);

/**
 * idtable_reserve(t->n + 1) and idtable_insert(): add one id, growing as
 * needed.
 * @return 0; LH_ENOMEM (the table is unchanged).
 */
int idtable_add(idtable *t, uint64_t h, uint32_t id);

#endif
