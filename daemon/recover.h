/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * recover.h — bring a store put back from an old backup up to the log's
 * published tiles (`liuhend recover`, recovercmd.h): the entries the log
 * acknowledged after the backup are in its publication (C2SP tlog-tiles,
 * publish.h) or an export, and nowhere else once data.mdb is lost.
 *
 * Two stages. recover_tiles_open() reads the publication and checks it
 * whole before the store is touched: the checkpoint against the log's
 * verifier key, every entry bundle against the level-0 tiles, every hash
 * tile against the tree the leaves make, and that tree's root against the
 * checkpoint. It keeps the tree's stored hashes (merkle.h numbering) in
 * memory, about 64 bytes per entry, so that the tree hash at any size (the
 * store's, the high-water mark's) is read from it. recover_run() then
 * compares the store's tree with the publication's (same leaves up to the
 * store's size, else a fork) and the high-water mark's root with the
 * publication's tree at the mark's size, and appends the missing leaves
 * through the writer's own code (writer_replay()), in transactions of at
 * most RECOVER_CHUNK leaves, each durable: a run stopped half-way leaves a
 * consistent shorter store that the next run continues. The last
 * transaction stores the published checkpoint (the log's signature line;
 * witnesses' cosignatures are left out: their keys are not at hand, and
 * they cosign again at the next checkpoint); then the high-water mark is
 * raised to it when it is ahead of the mark.
 *
 * Nothing is signed: no secret key is needed.
 */
#ifndef LIUHEN_RECOVER_H
#define LIUHEN_RECOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "merkle.h"
#include "note.h"
#include "store.h"

/** Leaves per write transaction of recover_run(). */
#define RECOVER_CHUNK 4096

/** A publication, read and verified. */
typedef struct recover_tiles recover_tiles;

/**
 * Read and verify a tiles directory (`checkpoint`, `tile/L/N[.p/W]`,
 * `tile/entries/N[.p/W]`, as liuhend --publish and `liuhen export` write
 * them). A partial tile or bundle that is missing is read from the full
 * one, as C2SP allows. Files are opened beneath dir without following
 * symbolic links.
 * @param[out] out      the publication, freed with recover_tiles_free().
 * @param[in]  dir      the directory.
 * @param[in]  log_key  the log's type 0x01 verifier key.
 * @param[out] err      names the first resource that is wrong and how.
 * @return 0; LH_EBADSIG, LH_ENOKEY, LH_EORIGIN... (the checkpoint does not
 *         open with log_key: another log); LH_EFORK (a tile, a bundle or
 *         the root that does not match); LH_EPARSE (a malformed bundle or a
 *         file of the wrong size); LH_ERANGE (a size beyond MERKLE_MAX_SIZE);
 *         LH_ENOMEM; -errno (-ENOENT for a missing resource).
 */
int recover_tiles_open(recover_tiles **out, const char *dir, const note_verifier *log_key,
                       lh_err *err);

/** Free. Accepts NULL. */
void recover_tiles_free(recover_tiles *t);

/** The checkpoint's tree size. */
uint64_t recover_tiles_size(const recover_tiles *t);

/**
 * The published tree's hash at size m (m at most its size).
 * @return 0; LH_ERANGE.
 */
int recover_tiles_root(const recover_tiles *t, uint64_t m, uint8_t root[MERKLE_HASH_SIZE]);

/**
 * The published checkpoint with the log's signature line only: the note
 * as the log signed it.
 * @param[out] note  points into t: valid until recover_tiles_free().
 */
void recover_tiles_note(const recover_tiles *t, const uint8_t **note, size_t *len);

/** What recover_run() found and did. */
typedef struct recover_result {
    uint64_t store_size;            /**< the store's size before (B) */
    uint64_t tiles_size;            /**< the publication's (T) */
    uint64_t added;                 /**< leaves appended */
    bool mark;                      /**< there is a high-water mark */
    uint64_t mark_size;             /**< its size (H) */
    bool mark_raised;               /**< it was raised to T */
    uint8_t root[MERKLE_HASH_SIZE]; /**< the store's root after, at max(B, T) */
} recover_result;

/**
 * Bring the store up to the publication.
 * @param[in]  st       the store, open for writing, nobody else writing it
 *                      (the caller holds the data directory's lock).
 * @param[in]  dir      the data directory (its high-water mark).
 * @param[in]  t        the verified publication.
 * @param[in]  log_key  the log's verifier key.
 * @param[out] res      what was found and done, also on error as far as it got.
 * @param[out] err      names what is wrong.
 * @return 0 (also when the store already holds the publication's tree:
 *         res->added is 0); LH_EFORK (the store's tree or the mark's root
 *         is not the publication's, or an entry the log would not have
 *         logged: nothing of that transaction is stored); the other codes
 *         of writer_open_replay(), writer_replay() and highwater_open().
 */
int recover_run(store *st, const char *dir, const recover_tiles *t, const note_verifier *log_key,
                recover_result *res, lh_err *err);

#endif
