/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * receipt.h — receipts checked without the server (liuhen.h: lh_receipt,
 * lh_receipt_verify(), lh_receipt_to_json(), lh_receipt_from_json()), and
 * the opening of a signed checkpoint with the log key that every check of
 * the client library starts from (docs/design.md "Merkle tree,
 * checkpoints, receipts").
 */
#ifndef LIUHEN_RECEIPT_H
#define LIUHEN_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "liuhen.h"
#include "note.h"

/** The keys a checkpoint is opened with: the log's, and the witnesses' whose
 *  cosignatures count. */
typedef struct receipt_keys {
    const note_verifier *log;
    const note_verifier *witnesses; /**< nwitnesses; NULL when 0 */
    size_t nwitnesses;
} receipt_keys;

/**
 * Open a signed checkpoint with the log key (signature, strict text, origin
 * equal to the key name: checkpoint_open()) and the witnesses' keys (a
 * failing cosignature of one of them refuses it), and return its size, its
 * root and how many of the witnesses cosigned it.
 * @param[in]  what        the context, which opens the message.
 * @param[out] ncosigners  may be NULL.
 * @return 0, or checkpoint_open()'s code with a message naming the key.
 */
int receipt_open_checkpoint(const receipt_keys *keys, const uint8_t *note, size_t len,
                            uint64_t *size, uint8_t root[LH_HASH_SIZE], size_t *ncosigners,
                            const char *what, lh_err *err);

/**
 * Check a receipt against the log key, offline: the checkpoint opens and has
 * the receipt's size, the leaf rebuilt from the signed entry (when there is
 * one) has the receipt's leaf hash, and the audit path leads from that leaf
 * hash to the checkpoint's root.
 * @param[out] size, root, ncosigners  the opened checkpoint's, on 0.
 * @return 0, LH_EINVAL (no checkpoint), LH_EPROOF, LH_ENOMEM, or the code of
 *         receipt_open_checkpoint().
 */
int receipt_check(const lh_receipt *r, const receipt_keys *keys, uint64_t *size,
                  uint8_t root[LH_HASH_SIZE], size_t *ncosigners, const char *what, lh_err *err);

/**
 * receipt_check() of a receipt whose checkpoint is already opened (the
 * client library opens each note once, handle.h): the size, the leaf and
 * the inclusion proof.
 * @return 0, LH_EPROOF, LH_ENOMEM.
 */
int receipt_check_opened(const lh_receipt *r, uint64_t size, const uint8_t root[LH_HASH_SIZE],
                         const char *what, lh_err *err);

/**
 * lh_receipt_verify() with the log key already parsed (type 0x01): for
 * liuhen-verify, which holds it.
 * @return as lh_receipt_verify().
 */
int receipt_verify(const lh_receipt *r, const note_verifier *log_key, lh_err *err);

#endif
