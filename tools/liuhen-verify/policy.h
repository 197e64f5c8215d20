/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * policy.h — a checkpoint held to the inspector's trust: the log's key and
 * the witness policy (--witness-key, --min-cosignatures). The export's
 * checkpoint and an evidence package's are held to it alike.
 */
#ifndef LIUHEN_VERIFY_POLICY_H
#define LIUHEN_VERIFY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "note.h"

/** What a checkpoint failed, when policy_open() does not answer POLICY_OK. */
enum {
    POLICY_OK = 0,
    POLICY_LOG_KEY,     /**< it does not verify with the log key: check "checkpoint" */
    POLICY_COSIGNATURE, /**< a witness's cosignature fails, or too few: check "cosignature" */
};

/**
 * Open a checkpoint with the log key and then with the witnesses' keys
 * too, and count the valid cosignatures against min.
 * @param[out] out     the checkpoint opened with the witnesses' keys (with
 *                     the log key alone when a cosignature failed or there
 *                     are no witnesses); valid unless POLICY_LOG_KEY.
 * @param[out] zh, en  on failure, the sentence in Chinese and in English
 *                     (cap bytes each).
 * @return POLICY_OK, POLICY_LOG_KEY or POLICY_COSIGNATURE.
 */
/**
 * Whether the checkpoint is of another log than the one the log key is for:
 * its origin line (the first line) is a valid key name other than the log
 * key's, and no signature line bears the log key's name. The inspector then
 * brought the wrong key: a usage error, not a tampering verdict. A
 * checkpoint that the log key's name signed but whose origin differs was
 * altered after signing, and is left to policy_open() (POLICY_LOG_KEY).
 * Nothing is verified here: the origin is only quoted, to name the key to
 * bring.
 * @param[in]  note    len bytes, the signed checkpoint as read.
 * @param[out] origin  the checkpoint's origin, NUL-terminated, when true
 *                     (NOTE_NAME_MAX + 1 bytes).
 * @return true when the checkpoint is of another log.
 */
bool policy_other_log(const uint8_t *note, size_t len, const note_verifier *log_key,
                      char origin[NOTE_NAME_MAX + 1]);

int policy_open(const uint8_t *note, size_t len, const note_verifier *log_key,
                const note_verifier *witnesses, size_t nwitnesses, size_t min,
                checkpoint_opened *out, char *zh, char *en, size_t cap);

#endif
