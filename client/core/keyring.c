/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * keyring.c — the enrolled keys of keyring.h.
 *
 * Layout. The committed keys live in one array in enrolment order (what
 * keyring_snapshot() copies), indexed by public key (idtable.h). The changes
 * of the batch being built live in a second, usually empty, array with an
 * index of its own: keyring_find() looks there first, so later entries of
 * the batch see them, and keyring_rollback() only has to forget them.
 * keyring_stage() reserves room in the committed array and index for every
 * key it adds, so that keyring_commit(), which runs after the batch is
 * durable, never allocates and cannot fail.
 */
#include "keyring.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "grow.h"
#include "idtable.h"
#include "role.h"
#include "text.h"

/* Keys with ids below IDTABLE_NONE. */
#define KEYRING_MAX_KEYS ((size_t)IDTABLE_NONE - 1)

typedef struct keyset {
    keyring_key *key;
    size_t n, cap;
    idtable idx; /* public key -> position in key */
} keyset;

struct keyring {
    pthread_mutex_t lock; /* guards committed.key and committed.n against snapshots */
    keyset committed;     /* in enrolment order */
    size_t admins;        /* committed live admins */
    keyset staged;        /* keys changed or added by the current batch */
    size_t staged_new;    /* staged keys that are not committed yet */
    size_t staged_admins; /* live admins, staged changes included */
};

static bool key_matches(const void *ctx, uint32_t id, const void *pk)
{
    const keyring_key *keys = ctx;
    return memcmp(keys[id].public_key, pk, 32) == 0;
}

static uint32_t set_find(const keyset *s, const uint8_t pk[32])
{
    return idtable_find(&s->idx, idtable_hash(&s->idx, pk, 32), key_matches, s->key, pk);
}

/* Room for `need` keys in a set, array and index; unchanged on failure. */
static int set_reserve(keyset *s, size_t need)
{
    int rc = grow_room(&s->key, &s->cap, need, sizeof *s->key, 16, KEYRING_MAX_KEYS);
    return rc != 0 ? rc : idtable_reserve(&s->idx, need);
}

/* Add a key that is not in the set; set_reserve() made room. */
static void set_add(keyset *s, const keyring_key *k)
{
    s->key[s->n] = *k;
    idtable_insert(&s->idx, idtable_hash(&s->idx, k->public_key, 32), (uint32_t)s->n);
    s->n++;
}

static void set_clear(keyset *s)
{
    s->n = 0;
    idtable_clear(&s->idx);
}

static void set_free(keyset *s)
{
    free(s->key);
    idtable_free(&s->idx);
}

int keyring_new(keyring **out)
{
    *out = NULL;
    /* The index keys come from libsodium's generator; sodium_init() is
     * idempotent and thread-safe. */
    if (sodium_init() < 0)
        return LH_EINTERNAL;
    keyring *kr = calloc(1, sizeof *kr);
    if (kr == NULL)
        return LH_ENOMEM;
    int rc = pthread_mutex_init(&kr->lock, NULL);
    if (rc != 0) {
        free(kr);
        return -rc;
    }
    idtable_init(&kr->committed.idx);
    idtable_init(&kr->staged.idx);
    *out = kr;
    return 0;
}

void keyring_free(keyring *kr)
{
    if (kr == NULL)
        return;
    pthread_mutex_destroy(&kr->lock);
    set_free(&kr->committed);
    set_free(&kr->staged);
    free(kr);
}

const keyring_key *keyring_find(const keyring *kr, const uint8_t public_key[32])
{
    if (kr->staged.n > 0) {
        uint32_t id = set_find(&kr->staged, public_key);
        if (id != IDTABLE_NONE)
            return &kr->staged.key[id];
    }
    uint32_t id = set_find(&kr->committed, public_key);
    return id == IDTABLE_NONE ? NULL : &kr->committed.key[id];
}

bool keyring_is_live_admin(const keyring_key *k)
{
    return k != NULL && !k->revoked && (k->roles & ROLE_BIT(LIUHEN__ROLE__ROLE_ADMIN)) != 0;
}

size_t keyring_live_admins(const keyring *kr)
{
    return kr->staged_admins;
}

/* Copy a text of the ledger into a key's field, cut at a character
 * boundary when it is longer: the record is a summary for GetKeys and
 * messages, the ledger keeps the whole text. */
static void copy_text(char dst[KEYRING_TEXT_MAX + 1], const char *src)
{
    text_copy_cut(dst, KEYRING_TEXT_MAX + 1, src != NULL ? src : "");
}

/* Put the new version of a key into the stage. Allocation happens before
 * anything changes, so a failure leaves the keyring as it was. */
static int stage_put(keyring *kr, const keyring_key *k)
{
    uint32_t id = set_find(&kr->staged, k->public_key);
    if (id != IDTABLE_NONE) {
        kr->staged.key[id] = *k;
        return 0;
    }
    bool is_new = set_find(&kr->committed, k->public_key) == IDTABLE_NONE;
    int rc = set_reserve(&kr->staged, kr->staged.n + 1);
    /* Room in the committed set for every new key staged, so that
     * keyring_commit() cannot fail after the batch is durable. realloc()
     * may move the committed array under a snapshot: hold the lock. */
    if (rc == 0 && is_new) {
        pthread_mutex_lock(&kr->lock);
        rc = set_reserve(&kr->committed, kr->committed.n + kr->staged_new + 1);
        pthread_mutex_unlock(&kr->lock);
    }
    if (rc != 0)
        return rc;
    set_add(&kr->staged, k);
    if (is_new)
        kr->staged_new++;
    return 0;
}

int keyring_stage(keyring *kr, const Liuhen__Entry *e, uint64_t index, int64_t integrated_at)
{
    bool enroll = e->kind == LIUHEN__KIND__KIND_KEY_ENROLL &&
                  e->body_case == LIUHEN__ENTRY__BODY_KEY_ENROLL && e->key_enroll != NULL &&
                  e->key_enroll->public_key.len == 32;
    bool revoke = e->kind == LIUHEN__KIND__KIND_KEY_REVOKE &&
                  e->body_case == LIUHEN__ENTRY__BODY_KEY_REVOKE && e->key_revoke != NULL &&
                  e->key_revoke->public_key.len == 32;
    if (!enroll && !revoke)
        return LH_EINVAL;
    const uint8_t *pk = enroll ? e->key_enroll->public_key.data : e->key_revoke->public_key.data;
    const keyring_key *cur = keyring_find(kr, pk);
    if (revoke && cur == NULL)
        return LH_EINVAL;
    bool was_admin = keyring_is_live_admin(cur);

    keyring_key k;
    if (cur != NULL) {
        k = *cur;
    } else {
        memset(&k, 0, sizeof k);
        memcpy(k.public_key, pk, 32);
    }
    if (enroll) {
        /* docs/design.md "Kinds and roles": enrolling an enrolled key replaces who holds
         * it and what it may do; the enrolment that counts is the latest. */
        const Liuhen__KeyEnroll *b = e->key_enroll;
        copy_text(k.holder, b->holder);
        copy_text(k.position, b->position);
        copy_text(k.unit, b->unit);
        k.roles = role_mask(b->roles, b->n_roles);
        k.enrolled_index = index;
        k.enrolled_at = integrated_at;
    } else {
        k.revoked = true;
        k.revoked_index = index;
        k.revoked_at = integrated_at;
        copy_text(k.revoke_reason, e->key_revoke->reason);
    }
    int rc = stage_put(kr, &k);
    if (rc != 0)
        return rc;
    kr->staged_admins += keyring_is_live_admin(&k) ? 1 : 0;
    kr->staged_admins -= was_admin ? 1 : 0;
    return 0;
}

static void stage_clear(keyring *kr)
{
    if (kr->staged.n > 0)
        set_clear(&kr->staged);
    kr->staged_new = 0;
    kr->staged_admins = kr->admins;
}

void keyring_commit(keyring *kr)
{
    if (kr->staged.n == 0)
        return;
    pthread_mutex_lock(&kr->lock);
    for (size_t i = 0; i < kr->staged.n; i++) {
        const keyring_key *k = &kr->staged.key[i];
        uint32_t id = set_find(&kr->committed, k->public_key);
        if (id != IDTABLE_NONE)
            kr->committed.key[id] = *k;
        else
            set_add(&kr->committed, k); /* stage_put() reserved the room */
    }
    kr->admins = kr->staged_admins;
    pthread_mutex_unlock(&kr->lock);
    stage_clear(kr);
}

void keyring_rollback(keyring *kr)
{
    stage_clear(kr);
}

void keyring_reset(keyring *kr)
{
    pthread_mutex_lock(&kr->lock);
    set_clear(&kr->committed);
    kr->admins = 0;
    pthread_mutex_unlock(&kr->lock);
    stage_clear(kr);
}

size_t keyring_count(keyring *kr)
{
    pthread_mutex_lock(&kr->lock);
    size_t n = kr->committed.n;
    pthread_mutex_unlock(&kr->lock);
    return n;
}

int keyring_snapshot(keyring *kr, keyring_key **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    pthread_mutex_lock(&kr->lock);
    size_t n = kr->committed.n;
    keyring_key *copy = NULL;
    if (n > 0) {
        copy = malloc(n * sizeof *copy);
        if (copy != NULL)
            memcpy(copy, kr->committed.key, n * sizeof *copy);
    }
    pthread_mutex_unlock(&kr->lock);
    if (n > 0 && copy == NULL)
        return LH_ENOMEM;
    *out = copy;
    *count = n;
    return 0;
}
