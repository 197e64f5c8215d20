/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * evidence.h — what an inspector brings from outside the log, checked against
 * its tiles (docs/design.md "The verifier", checks 2 and 4): the checkpoints
 * they trust (--trusted), which the log must extend, and the receipts its
 * clients kept (--receipts), whose entries the log must still hold, each
 * with the very leaf hash the receipt names.
 *
 * Each problem is a failure in the report ("consistency", "receipt"),
 * naming both tree sizes and roots, or both leaf hashes.
 *
 * Thread safety: one thread (the verifier's main thread) calls these, after
 * tiles_stream().
 */
#ifndef LIUHEN_VERIFY_EVIDENCE_H
#define LIUHEN_VERIFY_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "liuhen.h"
#include "note.h"
#include "report.h"
#include "tiles.h"

/**
 * Check a checkpoint the inspector trusts (--trusted): it must open with the
 * log key, and the log must extend it (docs/design.md "The verifier", check
 * 2): its size at most the log's, and the tree hash at its size, computed
 * from the tiles, equal to its root. Each problem is a "consistency"
 * failure in the report, naming both sizes and roots.
 * @param[in] name   the file, for the messages.
 * @param[in] note   the signed checkpoint, len bytes.
 * @param[in] size   the size of the log's verified checkpoint.
 * @param[in] root   its root.
 * @param[out] ok    whether it was found consistent.
 * @return 0 (failures are in the report); LH_ENOMEM; an error of the report.
 * @note Call after tiles_stream().
 */
int evidence_check_trusted(tiles *t, const note_verifier *log_key, const char *name,
                           const uint8_t *note, size_t len, uint64_t size,
                           const uint8_t root[MERKLE_HASH_SIZE], report *rep, bool *ok,
                           lh_err *err);

/**
 * Check a receipt (--receipts): it must verify offline (receipt_verify(), receipt.h:
 * its checkpoint opens with the log key, its inclusion proof holds), its
 * checkpoint must be consistent with the log as for evidence_check_trusted(),
 * and the log's leaf at leaf_index must have exactly its leaf_hash ("entry
 * N has hash X, the receipt says Y", or "the log has only M entries"): a
 * receipt is proof, forever, that the log accepted the entry (docs/design.md
 * "Receipt"). Problems are "receipt" and "consistency" failures.
 * @param[out] ok  whether the receipt is included as it says.
 * @return as evidence_check_trusted().
 */
int evidence_check_receipt(tiles *t, const note_verifier *log_key, const char *name,
                           const lh_receipt *r, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE],
                           report *rep, bool *ok, lh_err *err);

#endif
