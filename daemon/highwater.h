/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * highwater.h — the log's high-water mark: the latest checkpoint the log
 * key signed and handed out, kept in DIR/highwater beside the store but
 * outside it, so that a store put back from an old backup, or a store whose
 * tree differs, is refused before the log key signs a second root for a
 * tree size it signed before (docs/design.md "The high-water mark").
 *
 * The file holds that checkpoint's signed note exactly as signed (C2SP
 * tlog-checkpoint): its size and root under the log's signature, so that
 * the mark is checked with the log's verifier key and cannot be set
 * forward or back without the log key. The file has two slots of 4096
 * bytes, each a note followed by NULs; a new mark overwrites the slot that
 * does not hold the current one, with one fdatasync (a quarter of a
 * batch's commit, where write, fsync, rename and a directory sync cost as
 * much as the commit: docs/reliability.md). A write torn by a crash spoils
 * that slot only, and the other holds the previous mark, as LMDB keeps two
 * meta pages. The first mark creates the file whole (fileio.h: write,
 * fsync, rename, directory sync).
 *
 * Order (writer.c): a batch's checkpoint is signed, committed with the
 * batch, then recorded here, and only then handed out (receipts, and every
 * reader of the store through store_set_checkpoint_limit()). A crash
 * between the commit and the mark leaves a store ahead of the mark, which
 * the next start accepts and records; nothing the mark does not know was
 * ever shown to anyone.
 *
 * Thread safety: one thread (the writer) uses a highwater after it is open.
 */
#ifndef LIUHEN_HIGHWATER_H
#define LIUHEN_HIGHWATER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "merkle.h"
#include "note.h"
#include "store.h"

typedef struct highwater highwater;

/**
 * Open the data directory's high-water mark and read it if it exists.
 * @param[out] out      the mark, freed with highwater_free().
 * @param[in]  dir      the data directory (must exist).
 * @param[in]  log_key  the log's type 0x01 verifier key; copied.
 * @param[out] err      optional detail naming DIR/highwater and the cause.
 * @return 0 (also when the file does not exist yet: an empty mark);
 *         LH_EBADSIG and the other codes of checkpoint_open() for a file
 *         that does not verify with log_key; LH_ETOOBIG; LH_ENOMEM; -errno.
 */
int highwater_open(highwater **out, const char *dir, const note_verifier *log_key, lh_err *err);

/** Close the directory and free. Accepts NULL. */
void highwater_free(highwater *hw);

/**
 * The mark's tree size and root.
 * @return false when there is no mark yet (root untouched).
 */
bool highwater_get(const highwater *hw, uint64_t *size, uint8_t root[MERKLE_HASH_SIZE]);

/**
 * Check a store against the mark: its tree must have at least the mark's
 * size, and its tree hash at that size (from the stored hashes, O(log n)
 * reads) must be the mark's root. An empty mark passes.
 * @param[in]  txn  a transaction of the store.
 * @param[out] err  optional: both sizes or both roots, and how to recover.
 * @return 0; LH_EFORK (shorter or different); LH_ESTORE (a hash missing).
 */
int highwater_check(const highwater *hw, store_txn *txn, lh_err *err);

/**
 * Record a signed checkpoint as the new mark, durably, before it is handed
 * out. A size below the mark's is never recorded (LH_EFORK), nor another
 * root for the mark's own size; the mark's own checkpoint again writes
 * nothing.
 * @param[in] note  len bytes: the signed note of (size, root).
 * @return 0; LH_EFORK; LH_ETOOBIG; -errno (e.g. -ENOSPC; the old mark stays).
 */
int highwater_record(highwater *hw, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE],
                     const uint8_t *note, size_t len, lh_err *err);

#endif
