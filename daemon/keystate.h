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
 * Thread safety: keystate_stage_*, keystate_commit and keystate_rollback
 * are called by the writer thread only; keystate_find may be called by the
 * writer; keystate_snapshot by any thread.
 */
#ifndef LIUHEN_KEYSTATE_H
#define LIUHEN_KEYSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "liuhen.pb-c.h"
#include "store.h"

#define KEYSTATE_TEXT_MAX 256

/** Bit for a role in key_record.roles: 1u << LIUHEN__ROLE__ROLE_HANDLER etc. */
#define KEYSTATE_ROLE_BIT(role) (1u << (unsigned)(role))

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

/** An empty key state. @return 0, LH_ENOMEM. */
int keystate_new(keystate **out);

/** Free. Accepts NULL. */
void keystate_free(keystate *ks);

/**
 * Rebuild from the ledger: read the key-management entries of the store
 * (store_keylog_entries) and apply them in order.
 * @return 0, LH_ESTORE, LH_EPARSE (a stored entry does not parse: the store
 *         is damaged), LH_ENOMEM.
 */
int keystate_rebuild(keystate *ks, store *st, lh_err *err);

/**
 * The record of a key, staged changes included, or NULL when unknown.
 * @note Valid until the next change of the state (writer thread only).
 */
const key_record *keystate_find(const keystate *ks, const uint8_t public_key[32]);

/**
 * Stage the effect of a KEY_ENROLL or KEY_REVOKE entry integrated at
 * `index`. Enrolling an enrolled key replaces its holder, position, unit and
 * roles; a revoked key cannot be enrolled again; revoking needs an enrolled,
 * unrevoked key; the last unrevoked admin cannot be revoked.
 * @return 0; LH_EFIELD with err naming the problem when the entry may not be
 *         applied (the writer refuses it with INVALID_ARGUMENT); LH_ENOMEM.
 */
int keystate_stage(keystate *ks, const Liuhen__Entry *entry, uint64_t index, int64_t integrated_at,
                   lh_err *err);

/** Make the staged changes visible (after the batch committed). */
void keystate_commit(keystate *ks);

/** Drop the staged changes (the batch was not committed). */
void keystate_rollback(keystate *ks);

/**
 * A copy of every committed record, in enrolment order.
 * @param[out] out  malloc'd array (free()), NULL when empty.
 * @return 0, LH_ENOMEM.
 */
int keystate_snapshot(keystate *ks, key_record **out, size_t *count);

#endif
