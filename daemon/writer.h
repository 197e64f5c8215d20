/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * writer.h — what liuhend's writer thread does with the store (the second
 * stage of sequencer.h): at start, check the store against the
 * configuration, replay the keys from the ledger and load the tree; then,
 * batch after batch, apply the acceptance rules (accept.h) to each job in
 * order and integrate the accepted ones in one write transaction with one
 * signed checkpoint and one fsync (docs/design.md "The daemon").
 *
 * Work per batch is done once: one clock read, one tree hash, one
 * checkpoint signature, one store_put_hashes() of the batch's new stored
 * hashes (contiguous in the merkle.h numbering, so they are buffered in
 * memory and appended at the end). Work per entry is what the rules need:
 * the duplicate look-up by entry id, the key look-up (in memory), the two
 * chain heads, the leaf's hashes and its writes, and its inclusion proof.
 *
 * The rules, in this order (the first that fails decides the status):
 *   - DUPLICATE: an entry with the same entry id is logged (also earlier in
 *     the same batch): its receipt and its leaf are returned.
 *   - accept_author(), accept_correction(), accept_author_chain(),
 *     accept_case_chain(), accept_key_change(): each verdict's code gives
 *     the status (wire_err_to_status()); CONFLICT carries the current
 *     heads. A key change is staged in the keyring at once, so the next
 *     entry of the same batch sees it.
 *
 * A batch whose checkpoint cannot be recorded in the high-water mark after
 * its commit answers its appends UNAVAILABLE (logged, ask again), and the
 * next batch records it first.
 *
 * Thread safety: one thread (the writer) uses a writer after
 * writer_open(); writer_latest() is that thread's too.
 */
#ifndef LIUHEN_WRITER_H
#define LIUHEN_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "sequencer.h"

typedef struct writer writer;

/**
 * Open the writer over cfg->store: the stored origin and log key (when
 * present) must be cfg's; entry 0 must be authored by the log key; the keys
 * are replayed from the ledger's KEY_ENROLL and KEY_REVOKE entries into
 * cfg->keys, each checked with the acceptance rules and its signature; the
 * latest stored checkpoint must verify with the log key, not be beyond the
 * tree, and have the stored tree's root; with cfg->highwater, the store
 * must pass highwater_check(), and the mark is brought up to the latest
 * checkpoint (then and after each batch's commit, before its receipts:
 * highwater.h). If the store has leaves but no
 * checkpoint for its size (which one write transaction per batch prevents,
 * but a store restored by hand could show), one is signed and stored. An
 * empty log gets a signed checkpoint of size 0, kept in memory only.
 * @param[out] out  the writer; NULL on error.
 * @param[out] err  optional: names the object and the cause.
 * @return 0; LH_EINVAL (bad configuration, a store of another origin or
 *         log key); LH_EBADSIG (the latest checkpoint is not signed by the
 *         log key); LH_EFORK (its root is not the stored tree's, or the
 *         store is behind or forked from the high-water mark); LH_ESTORE
 *         (a damaged store: a key entry that breaks a rule or does not
 *         verify); LH_EPARSE; LH_ENOMEM; -errno.
 */
int writer_open(writer **out, const sequencer_config *cfg, lh_err *err);

/**
 * Open a writer that integrates again leaves the log logged before
 * (`liuhend recover`, writer_replay()), with no signer and no high-water
 * mark: the checks of writer_open() on the store (origin and log key,
 * entry 0, the keys replayed from the ledger, the latest checkpoint against
 * the tree), nothing signed or written. A store with more leaves than its
 * latest checkpoint (a replay stopped between two of its transactions) is
 * accepted: the replay goes on from its size.
 * @param[in] log_key    the log's type 0x01 verifier key; its name is the
 *                       origin. Copied.
 * @param[in] max_batch  the most leaves of one writer_replay() (0:
 *                       SEQUENCER_DEFAULT_BATCH; at most SEQUENCER_MAX_BATCH).
 * @return as writer_open().
 */
int writer_open_replay(writer **out, store *st, keyring *keys, const note_verifier *log_key,
                       size_t max_batch, lh_err *err);

/**
 * Integrate n leaves the log logged before, at indexes writer_size()
 * onwards, exactly as writer_run() integrated them: each one's entry is
 * prepared (sequencer_prepare()), checked for a duplicate and against the
 * acceptance rules, and integrated by the writer's own code with the
 * leaf's integrated_at, which must not go back; its leaf must be the very
 * bytes the writer would write. All in one write transaction, committed
 * with one fsync (the map grown and the transaction tried again when full).
 * @param[in] leaves  n Leaf bytes (lens[i] each); n at most max_batch.
 * @param[in] note    NULL, or the log's signed checkpoint (the log's own
 *                    signature line only) of the tree after the last leaf:
 *                    it must open with the log key and have that size and
 *                    root, and is stored with the leaves.
 * @param[out] err    names the entry and what is wrong.
 * @return 0; LH_EFORK (a leaf this log would not have written at that
 *         index, or a checkpoint of another tree); LH_EBADSIG (a checkpoint
 *         not signed by the log key); LH_ESTORE and other store errors;
 *         LH_ENOMEM; LH_EINVAL (too many leaves). On error nothing of the
 *         call is stored.
 */
int writer_replay(writer *w, const uint8_t *const *leaves, const size_t *lens, size_t n,
                  const uint8_t *note, size_t note_len, lh_err *err);

/** Free a writer. Accepts NULL. */
void writer_free(writer *w);

/** What one batch did. */
typedef struct writer_outcome {
    uint64_t accepted; /**< new leaves */
    bool committed;    /**< a new checkpoint was committed */
    bool disk_full;    /**< the commit failed for lack of space or an I/O error */
} writer_outcome;

/**
 * Integrate a batch of prepared jobs (sequencer_prepare() passed them), in
 * order, and finish every one of them: a receipt (OK, DUPLICATE), the
 * heads (CONFLICT), or a refusal with its message.
 */
void writer_run(writer *w, seq_job **jobs, size_t n, writer_outcome *out);

/** The latest checkpoint (borrowed: take a reference to keep it). */
seq_checkpoint *writer_latest(const writer *w);

/** The committed tree size and last integrated_at. */
uint64_t writer_size(const writer *w);
int64_t writer_time(const writer *w);

#endif
