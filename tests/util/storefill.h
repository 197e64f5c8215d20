/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * storefill.h — fill a daemon store (daemon/store.h) for the tests of the
 * modules that read one (high-water mark, LMDB meta check, scrub), as the
 * writer does: each batch's leaves, their stored hashes, the tree size and
 * a checkpoint signed by the log key, in one write transaction.
 *
 * Leaf i holds the bytes "leaf-<i>-<tag>": a different tag makes a tree of
 * the same size with other leaves (a fork). Every function returns 0 or the
 * store's error code.
 */
#ifndef LIUHEN_TEST_STOREFILL_H
#define LIUHEN_TEST_STOREFILL_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"
#include "note.h"
#include "store.h"

/**
 * Append leaves [from, to) in one write transaction, and, when log is not
 * NULL, the checkpoint of size `to` signed by it (its name is the origin).
 */
int sf_append(store *st, uint64_t from, uint64_t to, const char *tag, const note_signer *log);

/**
 * Sign the checkpoint of the store's tree at size n.
 * @param[out] note  room for CHECKPOINT_SIGNED_MAX bytes.
 * @param[out] root  NULL, or the root.
 */
int sf_checkpoint(store *st, uint64_t n, const note_signer *log, uint8_t *note, size_t *len,
                  uint8_t root[MERKLE_HASH_SIZE]);

/** A log for a module's tests: a store in a new temporary directory, and the log's key. */
typedef struct sf_log {
    char dir[64];       /* /tmp/liuhen-NAME-XXXXXX, the store's directory */
    note_signer log;    /* the log's key (Ed25519), named for the origin */
    note_verifier vlog; /* its verifier */
    store *st;          /* leaves [0, n) of a tag, without a checkpoint */
} sf_log;

/**
 * Make l: the directory, the key (tu_make_signer()) and the store, opened,
 * with leaves [0, n) of tag (sf_append(), no checkpoint).
 * @return 0, or -1 on any failure (as a cmocka setup returns).
 */
int sf_log_make(sf_log *l, const char *name, const char *origin, uint64_t n, const char *tag);

/** Close l's store, remove its directory, wipe its key. */
void sf_log_free(sf_log *l);

/** dir/name into out (cap bytes), for the tests' paths. */
void sf_path(char *out, size_t cap, const char *dir, const char *name);

#endif
