/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * keyring.h — who may append: the enrolled keys of a log, their roles and
 * their revocations, as its KEY_ENROLL and KEY_REVOKE entries say (docs/design.md:
 * keys are never configured outside the ledger, they are replayed from it).
 *
 * The keyring holds the state; accept.h holds the rules that decide whether
 * a key entry may change it (accept_key_change()) and whether a key may
 * append an entry (accept_author()). liuhend's sequencer and liuhen-verify
 * replay the same entries through the same two modules, so they cannot
 * disagree about who could append what, and when.
 *
 * Changes are staged: keyring_stage() makes a change visible to
 * keyring_find() at once (the next entry of the same batch sees it: a
 * change takes effect from the next entry), keyring_commit() makes it
 * visible to keyring_snapshot() (the batch is durable), keyring_rollback()
 * forgets it (the batch was not committed). Whoever replays a log entry by
 * entry simply commits after each one.
 *
 * The log's own key is never a keyring_key: it authors the first entry of
 * the log (the KEY_ENROLL of the first admin) and nothing else
 * (accept_author()).
 *
 * Thread safety: keyring_stage, keyring_commit, keyring_rollback,
 * keyring_reset, keyring_find and keyring_live_admins are called by one
 * thread at a time (liuhend's writer); keyring_snapshot may be called by any
 * thread at any time, concurrently with it.
 */
#ifndef LIUHEN_KEYRING_H
#define LIUHEN_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "liuhen.pb-c.h"

/** Room for holder, position, unit and revoke_reason, in bytes, without the NUL. */
#define KEYRING_TEXT_MAX 256

/**
 * An enrolled key. Texts are NUL-terminated UTF-8 copied from the ledger;
 * one longer than KEYRING_TEXT_MAX bytes (a revocation reason may be) is
 * cut at a character boundary: the ledger keeps the whole text.
 */
typedef struct keyring_key {
    uint8_t public_key[32];
    char holder[KEYRING_TEXT_MAX + 1];
    char position[KEYRING_TEXT_MAX + 1];
    char unit[KEYRING_TEXT_MAX + 1];
    uint32_t roles;          /**< ROLE_BIT()s of the latest enrolment */
    uint64_t enrolled_index; /**< the (latest) KEY_ENROLL entry */
    int64_t enrolled_at;     /**< its integrated_at */
    bool revoked;
    uint64_t revoked_index;
    int64_t revoked_at;
    char revoke_reason[KEYRING_TEXT_MAX + 1];
} keyring_key;

typedef struct keyring keyring;

/**
 * An empty keyring.
 * @param[out] out  the keyring, freed with keyring_free(); NULL on error.
 * @return 0; LH_ENOMEM; LH_EINTERNAL when libsodium cannot be initialised;
 *         -errno when the mutex cannot be created.
 */
int keyring_new(keyring **out);

/** Free the keyring and every key. Accepts NULL. No other thread may use it. */
void keyring_free(keyring *kr);

/** Forget every key, committed and staged, keeping the allocations. */
void keyring_reset(keyring *kr);

/**
 * The key, staged changes included, or NULL when it was never enrolled.
 * @return a borrowed record: valid until the next keyring_stage(),
 *         keyring_commit(), keyring_rollback() or keyring_reset().
 * @note O(1): a keyed hash (SipHash under a random per-process key), since
 *       keys are chosen by whoever enrols them.
 */
const keyring_key *keyring_find(const keyring *kr, const uint8_t public_key[32]);

/** Unrevoked keys with the admin role, staged changes included. */
size_t keyring_live_admins(const keyring *kr);

/** Whether a key is enrolled, unrevoked and has the admin role. */
bool keyring_is_live_admin(const keyring_key *k);

/**
 * Stage the effect of a KEY_ENROLL or KEY_REVOKE entry that the rules
 * accepted (accept_key_change()), integrated at `index`. Enrolling an
 * enrolled key replaces its holder, position, unit and roles
 * (enrolled_index and enrolled_at become this entry's); revoking marks it.
 * @param[in] entry          the entry; only read during the call.
 * @param[in] index          its leaf index.
 * @param[in] integrated_at  its leaf's integrated_at.
 * @return 0; LH_EINVAL for an entry that is not key management with its
 *         body, or a KEY_REVOKE of a key never enrolled (the rules refuse
 *         both first); LH_ENOMEM. On error nothing is staged.
 * @note Reserves the room keyring_commit() needs, so that a commit, which
 *       runs after the batch is durable, cannot fail.
 */
int keyring_stage(keyring *kr, const Liuhen__Entry *entry, uint64_t index, int64_t integrated_at);

/** Make the staged changes visible to keyring_snapshot(). Cannot fail. */
void keyring_commit(keyring *kr);

/** Drop the staged changes. */
void keyring_rollback(keyring *kr);

/** Keys ever enrolled, committed. */
size_t keyring_count(keyring *kr);

/**
 * A copy of every committed key, in order of first enrolment.
 * @param[out] out    malloc'd array (free()), NULL when empty.
 * @param[out] count  the number of keys.
 * @return 0, LH_ENOMEM (then *out is NULL and *count 0).
 * @note Any thread, concurrently with the writer: a mutex is held for the
 *       copy, staged changes are never seen.
 */
int keyring_snapshot(keyring *kr, keyring_key **out, size_t *count);

#endif
