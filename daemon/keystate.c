/*
 * keystate.c — the enrolled keys of keystate.h, replayed from the ledger's
 * KEY_ENROLL and KEY_REVOKE entries (DESIGN.md "Kinds": keys, roles and
 * revocations are never configured outside the ledger).
 *
 * Layout. The committed records live in one array in enrolment order (what
 * keystate_snapshot() copies), with an open-addressing hash index from
 * public key to position. The changes of the batch being built live in a
 * second, usually empty, array with an index of its own: keystate_find()
 * looks there first, so later entries of the batch see them, and
 * keystate_rollback() only has to forget them. keystate_stage() reserves
 * room in the committed array and index for every key it adds, so that
 * keystate_commit(), which runs after the batch is durable, never allocates
 * and cannot fail.
 *
 * The index hashes public keys with SipHash (crypto_shorthash) under a
 * random per-process key: keys are chosen by whoever enrols them, and a
 * keyed hash keeps a crafted set of keys from degrading the lookups the
 * writer does for every append.
 */
#include "keystate.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

/* An open-addressing index of record positions: slot values are position
 * + 1, 0 marks an empty slot. The capacity is a power of two and at least
 * twice the number of entries, so that probes stay short. */
typedef struct keyidx {
    uint32_t *slot;
    size_t cap;
} keyidx;

struct keystate {
    pthread_mutex_t lock; /* guards rec and n against keystate_snapshot() */

    key_record *rec; /* committed records, in enrolment order */
    size_t n, cap;
    keyidx idx;    /* public key -> position in rec */
    size_t admins; /* committed unrevoked keys with the admin role */

    key_record *stage; /* records changed or added by the current batch */
    size_t sn, scap;
    keyidx sidx;         /* public key -> position in stage */
    size_t stage_new;    /* staged keys that are not in rec yet */
    size_t stage_admins; /* unrevoked admins, staged changes included */

    unsigned char hashkey[crypto_shorthash_KEYBYTES];
};

#define ADMIN_BIT KEYSTATE_ROLE_BIT(LIUHEN__ROLE__ROLE_ADMIN)

/* The largest number of records: positions are stored as uint32_t + 1. */
#define KEYSTATE_MAX_RECORDS ((size_t)UINT32_MAX - 1)

static size_t key_hash(const keystate *ks, const uint8_t pk[32])
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, pk, 32, ks->hashkey);
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof h; i++)
        v = (v << 8) | h[i];
    return (size_t)v;
}

/* The position of pk in recs through idx, or SIZE_MAX. */
static size_t idx_find(const keystate *ks, const keyidx *idx, const key_record *recs,
                       const uint8_t pk[32])
{
    if (idx->cap == 0)
        return SIZE_MAX;
    size_t mask = idx->cap - 1;
    for (size_t i = key_hash(ks, pk) & mask;; i = (i + 1) & mask) {
        uint32_t s = idx->slot[i];
        if (s == 0)
            return SIZE_MAX;
        if (memcmp(recs[s - 1].public_key, pk, 32) == 0)
            return s - 1;
    }
}

/* Insert position pos (whose key is not in the index) without growing:
 * the caller made room with idx_reserve(). */
static void idx_insert(const keystate *ks, keyidx *idx, const key_record *recs, size_t pos)
{
    size_t mask = idx->cap - 1;
    size_t i = key_hash(ks, recs[pos].public_key) & mask;
    while (idx->slot[i] != 0)
        i = (i + 1) & mask;
    idx->slot[i] = (uint32_t)(pos + 1);
}

/* Make room in the index for `count` entries (positions 0 .. count-1 of
 * recs once they are all there; the first `have` are indexed now). On
 * failure the index is unchanged. */
static int idx_reserve(const keystate *ks, keyidx *idx, const key_record *recs, size_t have,
                       size_t count)
{
    if (count <= idx->cap / 2)
        return 0;
    size_t cap = idx->cap == 0 ? 16 : idx->cap;
    while (count > cap / 2) {
        if (cap > SIZE_MAX / 2 / sizeof(uint32_t))
            return LH_ENOMEM;
        cap *= 2;
    }
    uint32_t *slot = calloc(cap, sizeof *slot);
    if (slot == NULL)
        return LH_ENOMEM;
    free(idx->slot);
    idx->slot = slot;
    idx->cap = cap;
    for (size_t pos = 0; pos < have; pos++)
        idx_insert(ks, idx, recs, pos);
    return 0;
}

static void idx_clear(keyidx *idx)
{
    if (idx->cap > 0)
        memset(idx->slot, 0, idx->cap * sizeof *idx->slot);
}

/* Grow an array of records to hold at least `need`; unchanged on failure. */
static int rec_reserve(key_record **recs, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    if (need > KEYSTATE_MAX_RECORDS)
        return LH_ENOMEM;
    size_t ncap = *cap == 0 ? 16 : *cap;
    while (ncap < need)
        ncap = ncap > KEYSTATE_MAX_RECORDS / 2 ? KEYSTATE_MAX_RECORDS : ncap * 2;
    key_record *p = realloc(*recs, ncap * sizeof *p);
    if (p == NULL)
        return LH_ENOMEM;
    *recs = p;
    *cap = ncap;
    return 0;
}

int keystate_new(keystate **out)
{
    *out = NULL;
    /* The index key comes from libsodium's generator; sodium_init() is
     * idempotent and thread-safe. */
    if (sodium_init() < 0)
        return LH_EINTERNAL;
    keystate *ks = calloc(1, sizeof *ks);
    if (ks == NULL)
        return LH_ENOMEM;
    int rc = pthread_mutex_init(&ks->lock, NULL);
    if (rc != 0) {
        free(ks);
        return -rc;
    }
    crypto_shorthash_keygen(ks->hashkey);
    *out = ks;
    return 0;
}

void keystate_free(keystate *ks)
{
    if (ks == NULL)
        return;
    pthread_mutex_destroy(&ks->lock);
    free(ks->rec);
    free(ks->idx.slot);
    free(ks->stage);
    free(ks->sidx.slot);
    free(ks);
}

const key_record *keystate_find(const keystate *ks, const uint8_t public_key[32])
{
    if (ks->sn > 0) {
        size_t pos = idx_find(ks, &ks->sidx, ks->stage, public_key);
        if (pos != SIZE_MAX)
            return &ks->stage[pos];
    }
    size_t pos = idx_find(ks, &ks->idx, ks->rec, public_key);
    return pos == SIZE_MAX ? NULL : &ks->rec[pos];
}

/* Copy a text of the ledger into a record field, cutting it at a character
 * boundary when it is longer than the field: the record is a summary for
 * GetKeys and messages, the ledger keeps the whole text. */
static void copy_text(char dst[KEYSTATE_TEXT_MAX + 1], const char *src)
{
    if (src == NULL)
        src = "";
    size_t len = strnlen(src, KEYSTATE_TEXT_MAX + 1);
    if (len > KEYSTATE_TEXT_MAX) {
        len = KEYSTATE_TEXT_MAX;
        /* Step back over continuation bytes to the start of the character
         * that the cut would split. */
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static bool is_live_admin(const key_record *r)
{
    return r != NULL && !r->revoked && (r->roles & ADMIN_BIT) != 0;
}

/* Put the new version of a record into the stage. Allocation happens
 * before anything changes, so a failure leaves the state as it was. */
static int stage_put(keystate *ks, const key_record *r)
{
    size_t pos = idx_find(ks, &ks->sidx, ks->stage, r->public_key);
    if (pos != SIZE_MAX) {
        ks->stage[pos] = *r;
        return 0;
    }
    bool is_new = idx_find(ks, &ks->idx, ks->rec, r->public_key) == SIZE_MAX;
    int rc = rec_reserve(&ks->stage, &ks->scap, ks->sn + 1);
    if (rc == 0)
        rc = idx_reserve(ks, &ks->sidx, ks->stage, ks->sn, ks->sn + 1);
    /* Room in the committed array and index for every new key staged, so
     * that keystate_commit() cannot fail after the batch is durable. */
    if (rc == 0 && is_new) {
        /* realloc() may move the committed array under a snapshot. */
        pthread_mutex_lock(&ks->lock);
        rc = rec_reserve(&ks->rec, &ks->cap, ks->n + ks->stage_new + 1);
        if (rc == 0)
            rc = idx_reserve(ks, &ks->idx, ks->rec, ks->n, ks->n + ks->stage_new + 1);
        pthread_mutex_unlock(&ks->lock);
    }
    if (rc != 0)
        return rc;
    ks->stage[ks->sn] = *r;
    idx_insert(ks, &ks->sidx, ks->stage, ks->sn);
    ks->sn++;
    if (is_new)
        ks->stage_new++;
    return 0;
}

static int stage_enroll(keystate *ks, const Liuhen__KeyEnroll *b, uint64_t index,
                        int64_t integrated_at, lh_err *err)
{
    const key_record *cur = keystate_find(ks, b->public_key.data);
    if (cur != NULL && cur->revoked)
        return lh_err_set(err, LH_EFIELD,
                          "key_enroll.public_key: the key of %s was revoked at entry %" PRIu64
                          " and cannot be enrolled again",
                          cur->holder, cur->revoked_index);
    uint32_t roles = entry_roles_mask(b->roles, b->n_roles);
    if (roles == 0)
        return lh_err_set(err, LH_EFIELD, "key_enroll.roles: at least one defined role");
    if (b->holder == NULL || b->holder[0] == '\0')
        return lh_err_set(err, LH_EFIELD, "key_enroll.holder: required: who holds the key");
    /* Re-enrolling the last admin without the admin role would leave no
     * one able to enrol or revoke keys, which is what the rule on
     * revocation prevents too. */
    bool was_admin = is_live_admin(cur);
    bool now_admin = (roles & ADMIN_BIT) != 0;
    if (was_admin && !now_admin && ks->stage_admins == 1)
        return lh_err_set(err, LH_EFIELD,
                          "key_enroll.roles: %s holds the last admin key; enrolling it without "
                          "the admin role would leave the log without an admin",
                          cur->holder);

    key_record r;
    if (cur != NULL)
        r = *cur;
    else {
        memset(&r, 0, sizeof r);
        memcpy(r.public_key, b->public_key.data, 32);
    }
    /* DESIGN.md "Kinds": enrolling an enrolled key replaces who holds it
     * and what it may do; the enrolment that counts is the latest. */
    copy_text(r.holder, b->holder);
    copy_text(r.position, b->position);
    copy_text(r.unit, b->unit);
    r.roles = roles;
    r.enrolled_index = index;
    r.enrolled_at = integrated_at;
    int rc = stage_put(ks, &r);
    if (rc != 0)
        return lh_err_set(err, rc, "key_enroll: out of memory while staging the key of %s",
                          r.holder);
    ks->stage_admins = ks->stage_admins - (was_admin ? 1 : 0) + (now_admin ? 1 : 0);
    return 0;
}

static int stage_revoke(keystate *ks, const Liuhen__KeyRevoke *b, uint64_t index,
                        int64_t integrated_at, lh_err *err)
{
    const key_record *cur = keystate_find(ks, b->public_key.data);
    if (cur == NULL)
        return lh_err_set(err, LH_EFIELD, "key_revoke.public_key: no such key is enrolled");
    if (cur->revoked)
        return lh_err_set(err, LH_EFIELD,
                          "key_revoke.public_key: the key of %s was already revoked at entry "
                          "%" PRIu64,
                          cur->holder, cur->revoked_index);
    bool was_admin = is_live_admin(cur);
    if (was_admin && ks->stage_admins == 1)
        return lh_err_set(err, LH_EFIELD,
                          "key_revoke.public_key: %s holds the last admin key, which cannot be "
                          "revoked (enrol another admin first)",
                          cur->holder);
    key_record r = *cur;
    r.revoked = true;
    r.revoked_index = index;
    r.revoked_at = integrated_at;
    copy_text(r.revoke_reason, b->reason);
    int rc = stage_put(ks, &r);
    if (rc != 0)
        return lh_err_set(err, rc, "key_revoke: out of memory while staging the key of %s",
                          r.holder);
    if (was_admin)
        ks->stage_admins--;
    return 0;
}

int keystate_stage(keystate *ks, const Liuhen__Entry *entry, uint64_t index, int64_t integrated_at,
                   lh_err *err)
{
    /* Entries come validated from the sequencer, but keystate_rebuild()
     * replays stored bytes: check the shape again rather than trust it. */
    if (entry->kind == LIUHEN__KIND__KIND_KEY_ENROLL &&
        entry->body_case == LIUHEN__ENTRY__BODY_KEY_ENROLL && entry->key_enroll != NULL) {
        if (entry->key_enroll->public_key.len != 32)
            return lh_err_set(err, LH_EFIELD,
                              "key_enroll.public_key: required: the Ed25519 key enrolled");
        return stage_enroll(ks, entry->key_enroll, index, integrated_at, err);
    }
    if (entry->kind == LIUHEN__KIND__KIND_KEY_REVOKE &&
        entry->body_case == LIUHEN__ENTRY__BODY_KEY_REVOKE && entry->key_revoke != NULL) {
        if (entry->key_revoke->public_key.len != 32)
            return lh_err_set(err, LH_EFIELD,
                              "key_revoke.public_key: required: the Ed25519 key revoked");
        return stage_revoke(ks, entry->key_revoke, index, integrated_at, err);
    }
    return lh_err_set(err, LH_EFIELD,
                      "kind: %s is not key management (KEY_ENROLL or KEY_REVOKE with its body)",
                      entry_kind_name(entry->kind));
}

static void stage_clear(keystate *ks)
{
    if (ks->sn > 0)
        idx_clear(&ks->sidx);
    ks->sn = 0;
    ks->stage_new = 0;
    ks->stage_admins = ks->admins;
}

void keystate_commit(keystate *ks)
{
    if (ks->sn == 0)
        return;
    pthread_mutex_lock(&ks->lock);
    for (size_t i = 0; i < ks->sn; i++) {
        const key_record *r = &ks->stage[i];
        size_t pos = idx_find(ks, &ks->idx, ks->rec, r->public_key);
        if (pos != SIZE_MAX) {
            ks->rec[pos] = *r;
        } else {
            /* stage_put() reserved this room: no allocation here. */
            ks->rec[ks->n] = *r;
            idx_insert(ks, &ks->idx, ks->rec, ks->n);
            ks->n++;
        }
    }
    ks->admins = ks->stage_admins;
    pthread_mutex_unlock(&ks->lock);
    stage_clear(ks);
}

void keystate_rollback(keystate *ks)
{
    stage_clear(ks);
}

/* Forget everything, committed and staged, keeping the allocations. */
static void keystate_reset(keystate *ks)
{
    pthread_mutex_lock(&ks->lock);
    ks->n = 0;
    idx_clear(&ks->idx);
    ks->admins = 0;
    pthread_mutex_unlock(&ks->lock);
    stage_clear(ks);
}

/* Replay one key-management entry of the store, checking it as the
 * sequencer did when it accepted it: the author's signature, and that the
 * author was then an unrevoked admin (except for the log's first entry,
 * which the log key signs; sequencer_start() checks that key). */
static int replay_one(keystate *ks, store_txn *txn, uint64_t index, lh_err *err)
{
    const uint8_t *leaf, *signed_entry, *bytes, *sig;
    size_t leaf_len, signed_len, len;
    int64_t integrated_at;
    int rc = store_get_leaf(txn, index, &leaf, &leaf_len);
    if (rc == LH_ENOTFOUND)
        return lh_err_set(err, LH_ESTORE,
                          "keys: the key log names entry %" PRIu64 ", which is not stored", index);
    if (rc != 0)
        return lh_err_set(err, rc, "keys: reading entry %" PRIu64 ": %s", index, lh_strerror(rc));
    lh_err detail = {""};
    if (entry_leaf_unpack(leaf, leaf_len, &signed_entry, &signed_len, &integrated_at, &detail) !=
            0 ||
        entry_signed_unpack(signed_entry, signed_len, &bytes, &len, &sig, &detail) != 0)
        return lh_err_set(err, LH_EPARSE, "keys: entry %" PRIu64 ": %s: the store is damaged",
                          index, detail.msg);
    bool failed = false;
    ProtobufCAllocator allocator = entry_allocator(&failed);
    Liuhen__Entry *e = liuhen__entry__unpack(&allocator, len, bytes);
    if (e == NULL && failed)
        return lh_err_set(err, LH_ENOMEM, "keys: entry %" PRIu64 ": out of memory", index);
    if (e == NULL)
        return lh_err_set(err, LH_EPARSE,
                          "keys: entry %" PRIu64 " is not a liuhen.Entry: the store is damaged",
                          index);
    if (e->author_key.len != 32 || entry_verify(bytes, len, sig, e->author_key.data) != 0) {
        rc = lh_err_set(err, LH_ESTORE,
                        "keys: entry %" PRIu64
                        ": the author's signature does not verify: the store is damaged",
                        index);
    } else if (index != 0) {
        const key_record *author = keystate_find(ks, e->author_key.data);
        if (!is_live_admin(author))
            rc = lh_err_set(err, LH_ESTORE,
                            "keys: entry %" PRIu64
                            " (%s) is not by an unrevoked admin key: the store is damaged",
                            index, entry_kind_name(e->kind));
    }
    if (rc == 0) {
        rc = keystate_stage(ks, e, index, integrated_at, &detail);
        if (rc == LH_EFIELD)
            rc = lh_err_set(err, LH_ESTORE,
                            "keys: entry %" PRIu64 " breaks a key rule on replay (%s): the "
                            "store is damaged",
                            index, detail.msg);
        else if (rc != 0)
            rc = lh_err_set(err, rc, "keys: entry %" PRIu64 ": %s", index, detail.msg);
    }
    liuhen__entry__free_unpacked(e, NULL);
    return rc;
}

int keystate_rebuild(keystate *ks, store *st, lh_err *err)
{
    keystate_reset(ks);
    store_txn *txn;
    int rc = store_read_begin(st, &txn);
    if (rc != 0)
        return lh_err_set(err, rc, "keys: cannot read the store: %s", lh_strerror(rc));
    uint64_t *indexes = NULL;
    size_t count = 0;
    rc = store_keylog_entries(txn, &indexes, &count);
    if (rc != 0) {
        store_txn_end(txn);
        return lh_err_set(err, rc, "keys: cannot list the key entries: %s", lh_strerror(rc));
    }
    for (size_t i = 0; i < count && rc == 0; i++) {
        rc = replay_one(ks, txn, indexes[i], err);
        /* Each replayed entry becomes visible to the next one's checks,
         * exactly as it was when the sequencer accepted them. */
        if (rc == 0)
            keystate_commit(ks);
    }
    free(indexes);
    store_txn_end(txn);
    if (rc != 0)
        keystate_reset(ks);
    return rc;
}

int keystate_snapshot(keystate *ks, key_record **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    pthread_mutex_lock(&ks->lock);
    size_t n = ks->n;
    key_record *copy = NULL;
    if (n > 0) {
        copy = malloc(n * sizeof *copy);
        if (copy != NULL)
            memcpy(copy, ks->rec, n * sizeof *copy);
    }
    pthread_mutex_unlock(&ks->lock);
    if (n > 0 && copy == NULL)
        return LH_ENOMEM;
    *out = copy;
    *count = n;
    return 0;
}
