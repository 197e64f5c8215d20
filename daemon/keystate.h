/*
 * keystate.h — who may append: the enrolled keys, their roles and their
 * revocations, as the ledger's KEY_ENROLL and KEY_REVOKE entries say
 * (DESIGN.md: keys are never configured outside the ledger, they are
 * replayed from it).
 *
 * The writer thread changes the state; the event loop reads it (GetKeys).
 * Changes made while a batch is being built are staged: later entries of
 * the same batch see them ("effective from the next entry"), readers do
 * not, and they vanish if the batch is not committed.
 *
 * The log's own key is not a key_record: it authors the first entry of the
 * log (the KEY_ENROLL of the first admin) and nothing else, which the
 * sequencer enforces.
 *
 * Thread safety: keystate_stage, keystate_commit, keystate_rollback and
 * keystate_find are called by one thread at a time, the writer (and
 * keystate_rebuild before the writer starts); keystate_snapshot may be
 * called by any thread at any time, concurrently with the writer.
 */
#ifndef LIUHEN_KEYSTATE_H
#define LIUHEN_KEYSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "liuhen.pb-c.h"
#include "store.h"

/** Room for holder, position, unit and revoke_reason, in bytes, without the NUL. */
#define KEYSTATE_TEXT_MAX 256

/** Bit for a role in key_record.roles: 1u << LIUHEN__ROLE__ROLE_HANDLER etc.
 *  (the same bits as entry.h's ENTRY_ROLE_BIT, so entry_kind_allowed() takes them). */
#define KEYSTATE_ROLE_BIT(role) (1u << (unsigned)(role))

/**
 * An enrolled key. Texts are NUL-terminated UTF-8 copied from the ledger;
 * one longer than KEYSTATE_TEXT_MAX bytes (a revocation reason may be) is
 * cut at a character boundary: the ledger keeps the whole text.
 */
typedef struct key_record {
    uint8_t public_key[32];
    char holder[KEYSTATE_TEXT_MAX + 1];
    char position[KEYSTATE_TEXT_MAX + 1];
    char unit[KEYSTATE_TEXT_MAX + 1];
    uint32_t roles;          /* KEYSTATE_ROLE_BIT()s */
    uint64_t enrolled_index; /* the (last) KEY_ENROLL entry */
    int64_t enrolled_at;     /* its integrated_at */
    bool revoked;
    uint64_t revoked_index;
    int64_t revoked_at;
    char revoke_reason[KEYSTATE_TEXT_MAX + 1];
} key_record;

typedef struct keystate keystate;

/**
 * An empty key state.
 * @param[out] out  the state, freed with keystate_free(); NULL on error.
 * @return 0; LH_ENOMEM; LH_EINTERNAL when libsodium cannot be initialised;
 *         -errno when the mutex cannot be created.
 */
int keystate_new(keystate **out);

/** Free the state and every record. Accepts NULL. No other thread may use it. */
void keystate_free(keystate *ks);

/**
 * Rebuild from the ledger: forget every record, then read the
 * key-management entries of the store (store_keylog_entries) in one read
 * transaction and apply them in order, each visible to the next. Each
 * replayed entry is checked as the sequencer checked it: its signature
 * verifies with its author_key, and its author was then an unrevoked admin
 * (except for entry 0, the genesis, which the log key signed:
 * sequencer_start() checks that key).
 * @param[in]  st   the store; a read transaction is opened and ended here.
 * @param[out] err  optional: names the entry and the cause.
 * @return 0; LH_ESTORE (the store cannot be read, or a stored key entry is
 *         missing, badly signed, not by an admin or breaks a rule of
 *         keystate_stage(): the store is damaged); LH_EPARSE (a stored entry
 *         does not parse: the store is damaged); LH_ENOMEM. On error the
 *         state is left empty.
 * @note Call before sequencer_start(), never while the writer runs.
 */
int keystate_rebuild(keystate *ks, store *st, lh_err *err);

/**
 * The record of a key, staged changes included, or NULL when unknown.
 * @return a borrowed record: valid until the next keystate_stage(),
 *         keystate_commit(), keystate_rollback() or keystate_rebuild().
 * @note Writer thread only; O(1).
 */
const key_record *keystate_find(const keystate *ks, const uint8_t public_key[32]);

/**
 * Stage the effect of a KEY_ENROLL or KEY_REVOKE entry integrated at
 * `index`. Enrolling an enrolled key replaces its holder, position, unit and
 * roles (enrolled_index and enrolled_at become this entry's); a revoked key
 * cannot be enrolled again; revoking needs an enrolled, unrevoked key; the
 * last unrevoked admin can neither be revoked nor enrolled again without the
 * admin role. The author's right to do this (the admin role) is the
 * caller's check.
 * @param[in]  entry          the entry; only read during the call.
 * @param[in]  index          its leaf index.
 * @param[in]  integrated_at  its leaf's integrated_at.
 * @param[out] err            optional: names the field and the rule.
 * @return 0; LH_EFIELD with err naming the problem when the entry may not be
 *         applied (the writer refuses it with INVALID_ARGUMENT), also for an
 *         entry that is not key management; LH_ENOMEM. On error nothing is
 *         staged.
 * @note Writer thread only. Reserves the room keystate_commit() needs.
 */
int keystate_stage(keystate *ks, const Liuhen__Entry *entry, uint64_t index, int64_t integrated_at,
                   lh_err *err);

/**
 * Make the staged changes visible to keystate_snapshot() (after the batch
 * committed). Never allocates and cannot fail.
 * @note Writer thread only.
 */
void keystate_commit(keystate *ks);

/**
 * Drop the staged changes (the batch was not committed).
 * @note Writer thread only.
 */
void keystate_rollback(keystate *ks);

/**
 * A copy of every committed record, in order of first enrolment.
 * @param[out] out    malloc'd array (free()), NULL when empty.
 * @param[out] count  the number of records.
 * @return 0, LH_ENOMEM (then *out is NULL and *count 0).
 * @note Any thread, concurrently with the writer: a mutex is held for the
 *       copy, staged changes are never seen.
 */
int keystate_snapshot(keystate *ks, key_record **out, size_t *count);

#endif
