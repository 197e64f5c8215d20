/*
 * test_keystate.c — the enrolled keys (daemon/keystate.h): staging seen by
 * keystate_find() but not by snapshots, commit and rollback, the rules of
 * enrolment and revocation, texts cut at a character boundary, many keys,
 * snapshots taken while the writer works, and the rebuild from a real LMDB
 * store (written leaf by leaf here, without the sequencer), including
 * stores whose key entries were tampered with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entry.h"
#include "keystate.h"
#include "log.h"
#include "store.h"
#include "testutil.h"

#define ORIGIN "test.example/liuhen"
#define T0     INT64_C(1779000000000)

#define ROLE(r) KEYSTATE_ROLE_BIT(LIUHEN__ROLE__ROLE_##r)

/* The last byte of this file's key seeds (tu_key_make()). */
#define KEY_TAG 0x5A

/* A key-management entry built in place (it points into itself). */
typedef struct kentry {
    Liuhen__Entry e;
    Liuhen__KeyEnroll enroll;
    Liuhen__KeyRevoke revoke;
    Liuhen__Role roles[5];
} kentry;

static void kentry_header(kentry *k, const tu_key *author, uint64_t seq)
{
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    k->e = e;
    k->e.origin = (char *)ORIGIN;
    k->e.author_key.len = 32;
    k->e.author_key.data = (uint8_t *)author->pk;
    k->e.author_seq = seq;
    k->e.recorded_at = T0 + (int64_t)seq;
}

static Liuhen__Entry *mk_enroll(kentry *k, const tu_key *author, const uint8_t pk[32],
                                const char *holder, uint32_t roles)
{
    kentry_header(k, author, 1);
    Liuhen__KeyEnroll en = LIUHEN__KEY_ENROLL__INIT;
    k->enroll = en;
    k->enroll.public_key.len = 32;
    k->enroll.public_key.data = (uint8_t *)pk;
    k->enroll.holder = (char *)holder;
    k->enroll.position = (char *)"科员";
    k->enroll.unit = (char *)"法规科";
    size_t n = 0;
    for (unsigned r = 1; r <= 5; r++) {
        if (roles & KEYSTATE_ROLE_BIT(r))
            k->roles[n++] = (Liuhen__Role)r;
    }
    k->enroll.n_roles = n;
    k->enroll.roles = k->roles;
    k->e.kind = LIUHEN__KIND__KIND_KEY_ENROLL;
    k->e.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
    k->e.key_enroll = &k->enroll;
    return &k->e;
}

static Liuhen__Entry *mk_revoke(kentry *k, const tu_key *author, const uint8_t pk[32],
                                const char *reason)
{
    kentry_header(k, author, 1);
    Liuhen__KeyRevoke rv = LIUHEN__KEY_REVOKE__INIT;
    k->revoke = rv;
    k->revoke.public_key.len = 32;
    k->revoke.public_key.data = (uint8_t *)pk;
    k->revoke.reason = (char *)reason;
    k->e.kind = LIUHEN__KIND__KIND_KEY_REVOKE;
    k->e.body_case = LIUHEN__ENTRY__BODY_KEY_REVOKE;
    k->e.key_revoke = &k->revoke;
    return &k->e;
}

static tu_key logk, admin, admin2, user, other;

static int global_setup(void **state)
{
    (void)state;
    log_set_level(LOG_LEVEL_WARN);
    if (sodium_init() < 0)
        return -1;
    tu_key_make(&logk, 1, KEY_TAG);
    tu_key_make(&admin, 2, KEY_TAG);
    tu_key_make(&admin2, 3, KEY_TAG);
    tu_key_make(&user, 4, KEY_TAG);
    tu_key_make(&other, 5, KEY_TAG);
    return 0;
}

static void stage_ok(keystate *ks, Liuhen__Entry *e, uint64_t index)
{
    lh_err err = {""};
    int rc = keystate_stage(ks, e, index, T0 + (int64_t)index, &err);
    if (rc != 0)
        fail_msg("keystate_stage at %" PRIu64 ": %s", index, err.msg);
}

/* A new key state whose entry 0, staged, enrols the first admin. */
static keystate *with_admin(kentry *k)
{
    keystate *ks;
    assert_int_equal(keystate_new(&ks), 0);
    stage_ok(ks, mk_enroll(k, &logk, admin.pk, "管理员甲", ROLE(ADMIN)), 0);
    return ks;
}

static void stage_refused(keystate *ks, Liuhen__Entry *e, uint64_t index, const char *says)
{
    lh_err err = {""};
    assert_int_equal(keystate_stage(ks, e, index, T0 + (int64_t)index, &err), LH_EFIELD);
    if (strstr(err.msg, says) == NULL)
        fail_msg("refusal \"%s\" does not say \"%s\"", err.msg, says);
}

static size_t snapshot_count(keystate *ks)
{
    key_record *recs;
    size_t n;
    assert_int_equal(keystate_snapshot(ks, &recs, &n), 0);
    free(recs);
    return n;
}

/* ------------------------------------------------------------------------
 * Staging, commit, rollback.
 */

static void test_stage_commit_rollback(void **state)
{
    (void)state;
    keystate *ks;
    assert_int_equal(keystate_new(&ks), 0);
    kentry k;
    assert_null(keystate_find(ks, admin.pk));
    assert_int_equal(snapshot_count(ks), 0);

    /* Staged: visible to find (the next entry of the batch), not to readers. */
    stage_ok(ks, mk_enroll(&k, &logk, admin.pk, "管理员甲", ROLE(ADMIN)), 0);
    const key_record *r = keystate_find(ks, admin.pk);
    assert_non_null(r);
    assert_string_equal(r->holder, "管理员甲");
    assert_int_equal(r->roles, ROLE(ADMIN));
    assert_int_equal(r->enrolled_index, 0);
    assert_int_equal(r->enrolled_at, T0);
    assert_false(r->revoked);
    assert_int_equal(snapshot_count(ks), 0);

    keystate_commit(ks);
    assert_int_equal(snapshot_count(ks), 1);
    assert_non_null(keystate_find(ks, admin.pk));

    /* Rolled back: gone, and the committed state untouched. */
    stage_ok(ks, mk_enroll(&k, &admin, user.pk, "用户", ROLE(HANDLER)), 1);
    stage_ok(ks, mk_enroll(&k, &admin, admin.pk, "管理员甲改", ROLE(ADMIN) | ROLE(LEGAL)), 2);
    assert_string_equal(keystate_find(ks, admin.pk)->holder, "管理员甲改");
    keystate_rollback(ks);
    assert_null(keystate_find(ks, user.pk));
    assert_string_equal(keystate_find(ks, admin.pk)->holder, "管理员甲");
    assert_int_equal(snapshot_count(ks), 1);

    /* A revocation staged and rolled back leaves the admin count alone:
     * the last admin is still protected afterwards. */
    stage_ok(ks, mk_enroll(&k, &admin, admin2.pk, "管理员乙", ROLE(ADMIN)), 3);
    stage_ok(ks, mk_revoke(&k, &admin, admin.pk, "调离"), 4);
    assert_true(keystate_find(ks, admin.pk)->revoked);
    keystate_rollback(ks);
    assert_false(keystate_find(ks, admin.pk)->revoked);
    assert_null(keystate_find(ks, admin2.pk));
    stage_refused(ks, mk_revoke(&k, &admin, admin.pk, "调离"), 5, "last admin");

    /* A refused stage stages nothing. */
    assert_null(keystate_find(ks, other.pk));
    keystate_commit(ks); /* nothing staged: nothing changes */
    assert_int_equal(snapshot_count(ks), 1);
    keystate_free(ks);
    keystate_free(NULL);
}

/* ------------------------------------------------------------------------
 * The rules of keystate_stage().
 */

static void test_rules(void **state)
{
    (void)state;
    kentry k;
    keystate *ks = with_admin(&k);
    stage_ok(ks, mk_enroll(&k, &admin, user.pk, "张三", ROLE(HANDLER)), 1);
    keystate_commit(ks);

    /* Enrolling an enrolled key replaces holder, position, unit, roles. */
    mk_enroll(&k, &admin, user.pk, "张三", ROLE(LEGAL) | ROLE(LEADER));
    k.enroll.position = (char *)"副科长";
    k.enroll.unit = (char *)"执法大队";
    stage_ok(ks, &k.e, 2);
    keystate_commit(ks);
    const key_record *r = keystate_find(ks, user.pk);
    assert_int_equal(r->roles, ROLE(LEGAL) | ROLE(LEADER));
    assert_string_equal(r->position, "副科长");
    assert_string_equal(r->unit, "执法大队");
    assert_int_equal(r->enrolled_index, 2);
    key_record *recs;
    size_t n;
    assert_int_equal(keystate_snapshot(ks, &recs, &n), 0);
    assert_int_equal(n, 2); /* replaced in place, in first-enrolment order */
    assert_memory_equal(recs[1].public_key, user.pk, 32);
    assert_int_equal(recs[1].roles, ROLE(LEGAL) | ROLE(LEADER));
    free(recs);

    /* Revoking: unknown, then twice. */
    stage_refused(ks, mk_revoke(&k, &admin, other.pk, "x"), 3, "no such key");
    stage_ok(ks, mk_revoke(&k, &admin, user.pk, "调离本岗位"), 3);
    r = keystate_find(ks, user.pk);
    assert_true(r->revoked);
    assert_int_equal(r->revoked_index, 3);
    assert_int_equal(r->revoked_at, T0 + 3);
    assert_string_equal(r->revoke_reason, "调离本岗位");
    /* Later entries of the same batch see the revocation. */
    stage_refused(ks, mk_revoke(&k, &admin, user.pk, "again"), 4, "already revoked at entry 3");
    keystate_commit(ks);
    stage_refused(ks, mk_revoke(&k, &admin, user.pk, "again"), 4, "already revoked at entry 3");

    /* A revoked key cannot be enrolled again. */
    stage_refused(ks, mk_enroll(&k, &admin, user.pk, "张三", ROLE(HANDLER)), 4,
                  "cannot be enrolled again");

    /* The last admin: neither revoked nor stripped of the role. */
    stage_refused(ks, mk_revoke(&k, &admin, admin.pk, "x"), 4, "last admin");
    stage_refused(ks, mk_enroll(&k, &admin, admin.pk, "管理员甲", ROLE(LEGAL)), 4, "last admin");
    /* With a second admin (staged in the same batch), both are possible. */
    stage_ok(ks, mk_enroll(&k, &admin, admin2.pk, "管理员乙", ROLE(ADMIN)), 4);
    stage_ok(ks, mk_enroll(&k, &admin, admin.pk, "管理员甲", ROLE(LEGAL)), 5);
    stage_refused(ks, mk_revoke(&k, &admin2, admin2.pk, "x"), 6, "last admin");
    keystate_commit(ks);
    stage_ok(ks, mk_enroll(&k, &admin2, admin.pk, "管理员甲", ROLE(ADMIN)), 6);
    stage_ok(ks, mk_revoke(&k, &admin2, admin2.pk, "x"), 7);
    keystate_commit(ks);
    stage_refused(ks, mk_revoke(&k, &admin, admin.pk, "x"), 8, "last admin");

    /* Not key management, or malformed. */
    kentry_header(&k, &admin, 1);
    k.e.kind = LIUHEN__KIND__KIND_COMPLAINT;
    stage_refused(ks, &k.e, 8, "not key management");
    mk_enroll(&k, &admin, other.pk, "x", ROLE(HANDLER));
    k.enroll.public_key.len = 31;
    stage_refused(ks, &k.e, 8, "public_key");
    mk_enroll(&k, &admin, other.pk, "x", 0);
    stage_refused(ks, &k.e, 8, "role");
    mk_enroll(&k, &admin, other.pk, "", ROLE(HANDLER));
    stage_refused(ks, &k.e, 8, "holder");
    assert_null(keystate_find(ks, other.pk));
    keystate_free(ks);
}

/* A text longer than a record's field is cut at a character boundary. */
static void test_long_text(void **state)
{
    (void)state;
    kentry k;
    keystate *ks = with_admin(&k);
    stage_ok(ks, mk_enroll(&k, &admin, user.pk, "张三", ROLE(HANDLER)), 1);
    char reason[400];
    size_t len = 0;
    for (int i = 0; i < 100; i++) { /* 300 bytes: "调" is three */
        memcpy(reason + len, "调", 3);
        len += 3;
    }
    reason[len] = '\0';
    stage_ok(ks, mk_revoke(&k, &admin, user.pk, reason), 2);
    const key_record *r = keystate_find(ks, user.pk);
    assert_int_equal(strlen(r->revoke_reason), 255); /* 85 whole characters */
    assert_memory_equal(r->revoke_reason, reason, 255);
    keystate_free(ks);
}

/* ------------------------------------------------------------------------
 * Many keys: the indexes grow while staged and committed.
 */

#define MANY 3000

static void test_many_keys(void **state)
{
    (void)state;
    kentry k;
    keystate *ks = with_admin(&k);
    keystate_commit(ks);
    tu_key *keys = malloc(2 * MANY * sizeof *keys);
    assert_non_null(keys);
    for (uint32_t i = 0; i < 2 * MANY; i++)
        tu_key_make(&keys[i], 1000 + i, KEY_TAG);

    /* One batch of MANY enrolments, rolled back, then again committed. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < MANY; i++)
            stage_ok(ks, mk_enroll(&k, &admin, keys[i].pk, "用户", ROLE(HANDLER)), 1 + i);
        for (size_t i = 0; i < MANY; i++)
            assert_int_equal(keystate_find(ks, keys[i].pk)->enrolled_index, 1 + i);
        if (round == 0) {
            keystate_rollback(ks);
            for (size_t i = 0; i < MANY; i++)
                assert_null(keystate_find(ks, keys[i].pk));
        } else {
            keystate_commit(ks);
        }
    }
    /* Then MANY more, one batch each, with a revocation of an earlier key
     * in every batch. */
    for (size_t i = 0; i < MANY; i++) {
        stage_ok(ks, mk_enroll(&k, &admin, keys[MANY + i].pk, "用户", ROLE(LEGAL)), 1 + MANY + i);
        stage_ok(ks, mk_revoke(&k, &admin, keys[i].pk, "x"), 1 + 2 * MANY + i);
        keystate_commit(ks);
    }
    key_record *recs;
    size_t n;
    assert_int_equal(keystate_snapshot(ks, &recs, &n), 0);
    assert_int_equal(n, 1 + 2 * MANY);
    assert_memory_equal(recs[0].public_key, admin.pk, 32);
    for (size_t i = 0; i < 2 * MANY; i++) {
        assert_memory_equal(recs[1 + i].public_key, keys[i].pk, 32);
        assert_int_equal(recs[1 + i].revoked, i < MANY);
        const key_record *r = keystate_find(ks, keys[i].pk);
        assert_non_null(r);
        assert_memory_equal(r, &recs[1 + i], sizeof *r);
    }
    free(recs);
    free(keys);
    keystate_free(ks);
}

/* Snapshots from another thread while the writer stages and commits: the
 * reader sees whole batches only (ASan and TSan runs make this a race test). */
typedef struct snap_ctx {
    keystate *ks;
    atomic_bool stop;
    size_t max_seen;
    bool torn;
} snap_ctx;

static void *snapper(void *arg)
{
    snap_ctx *c = arg;
    while (!atomic_load(&c->stop)) {
        key_record *recs;
        size_t n;
        if (keystate_snapshot(c->ks, &recs, &n) != 0)
            continue;
        /* Batches enrol two keys at a time after the admin. */
        if (n % 2 != 1)
            c->torn = true;
        if (n > c->max_seen)
            c->max_seen = n;
        free(recs);
    }
    return NULL;
}

static void test_snapshot_concurrent(void **state)
{
    (void)state;
    kentry k;
    keystate *ks = with_admin(&k);
    keystate_commit(ks);
    snap_ctx c = {.ks = ks, .max_seen = 0, .torn = false};
    atomic_init(&c.stop, false);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, snapper, &c), 0);
    tu_key key;
    for (uint32_t i = 0; i < 400; i++) {
        tu_key_make(&key, 5000 + 2 * i, KEY_TAG);
        stage_ok(ks, mk_enroll(&k, &admin, key.pk, "用户", ROLE(HANDLER)), 1 + 2 * i);
        tu_key_make(&key, 5001 + 2 * i, KEY_TAG);
        stage_ok(ks, mk_enroll(&k, &admin, key.pk, "用户", ROLE(HANDLER)), 2 + 2 * i);
        keystate_commit(ks);
    }
    atomic_store(&c.stop, true);
    pthread_join(t, NULL);
    assert_false(c.torn);
    assert_true(c.max_seen <= 801);
    assert_int_equal(snapshot_count(ks), 801);
    keystate_free(ks);
}

/* ------------------------------------------------------------------------
 * Rebuild from a real store.
 */

typedef struct tstore {
    char dir[64];
    store *st;
    uint64_t size;
} tstore;

static void ts_open(tstore *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/liuhen-ks-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    lh_err err = {""};
    if (store_open(&t->st, t->dir, 0, &err) != 0)
        fail_msg("store_open: %s", err.msg);
    t->size = 0;
}

static void ts_close(tstore *t)
{
    store_close(t->st);
    DIR *d = opendir(t->dir);
    assert_non_null(d);
    struct dirent *de;
    char path[sizeof t->dir + 1 + 256];
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", t->dir, de->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(t->dir);
}

enum { TAMPER_NONE, TAMPER_SIGNATURE, TAMPER_LEAF };

/* Store an entry as the next leaf, signed by `signer`, in the key log when
 * it is key management. */
static void ts_put(tstore *t, Liuhen__Entry *e, const tu_key *signer, int tamper)
{
    e->author_seq = t->size + 1; /* any distinct value: rebuild does not check chains */
    e->author_prev.len = 0;
    if (e->author_seq > 1) {
        static uint8_t prev[32] = {1};
        e->author_prev.len = 32;
        e->author_prev.data = prev;
    }
    if (e->kind == LIUHEN__KIND__KIND_COMPLAINT)
        e->case_id = (char *)"QJ-1";
    size_t len = liuhen__entry__get_packed_size(e);
    uint8_t *bytes = malloc(len);
    assert_non_null(bytes);
    liuhen__entry__pack(e, bytes);
    uint8_t sig[64];
    assert_int_equal(entry_sign(bytes, len, signer->sk, sig), 0);
    if (tamper == TAMPER_SIGNATURE)
        sig[0] ^= 1;
    uint8_t *se = malloc(ENTRY_SIGNED_MAX);
    uint8_t *leaf = malloc(ENTRY_LEAF_MAX);
    assert_non_null(se);
    assert_non_null(leaf);
    size_t se_len, leaf_len;
    assert_int_equal(entry_signed_pack(bytes, len, sig, se, ENTRY_SIGNED_MAX, &se_len), 0);
    assert_int_equal(
        entry_leaf_pack(se, se_len, T0 + (int64_t)t->size, leaf, ENTRY_LEAF_MAX, &leaf_len), 0);
    if (tamper == TAMPER_LEAF)
        leaf[0] = 0x7F;
    uint8_t lh[32], sh[32];
    entry_leaf_hash(leaf, leaf_len, lh);
    entry_signed_hash(se, se_len, sh);
    store_txn *txn;
    assert_int_equal(store_write_begin(t->st, &txn), 0);
    assert_int_equal(store_put_leaf(txn, t->size, leaf, leaf_len, lh, sh), 0);
    if (e->kind == LIUHEN__KIND__KIND_KEY_ENROLL || e->kind == LIUHEN__KIND__KIND_KEY_REVOKE)
        assert_int_equal(store_keylog_append(txn, t->size), 0);
    assert_int_equal(store_set_size(txn, t->size + 1, T0 + (int64_t)t->size), 0);
    assert_int_equal(store_commit(txn), 0);
    t->size++;
    free(bytes);
    free(se);
    free(leaf);
}

static void test_rebuild(void **state)
{
    (void)state;
    tstore t;
    ts_open(&t);
    keystate *ks, *direct;
    assert_int_equal(keystate_new(&ks), 0);
    assert_int_equal(keystate_new(&direct), 0);
    lh_err err = {""};

    /* An empty store: no keys. */
    assert_int_equal(keystate_rebuild(ks, t.st, &err), 0);
    assert_int_equal(snapshot_count(ks), 0);

    /* The ledger, and the same entries staged directly. */
    kentry k;
    Liuhen__Entry *e;
    e = mk_enroll(&k, &logk, admin.pk, "管理员甲", ROLE(ADMIN));
    ts_put(&t, e, &logk, TAMPER_NONE);
    stage_ok(direct, e, 0);
    keystate_commit(direct);
    e = mk_enroll(&k, &admin, user.pk, "张三", ROLE(HANDLER));
    ts_put(&t, e, &admin, TAMPER_NONE);
    stage_ok(direct, e, 1);
    keystate_commit(direct);
    kentry_header(&k, &user, 1); /* a case entry between them: not in the key log */
    k.e.kind = LIUHEN__KIND__KIND_COMPLAINT;
    ts_put(&t, &k.e, &user, TAMPER_NONE);
    e = mk_enroll(&k, &admin, other.pk, "李四", ROLE(LEGAL) | ROLE(ADMIN));
    ts_put(&t, e, &admin, TAMPER_NONE);
    stage_ok(direct, e, 3);
    keystate_commit(direct);
    e = mk_enroll(&k, &other, user.pk, "张三", ROLE(HANDLER) | ROLE(INVESTIGATOR));
    ts_put(&t, e, &other, TAMPER_NONE);
    stage_ok(direct, e, 4);
    keystate_commit(direct);
    e = mk_revoke(&k, &other, admin.pk, "退休");
    ts_put(&t, e, &other, TAMPER_NONE);
    stage_ok(direct, e, 5);
    keystate_commit(direct);

    assert_int_equal(keystate_rebuild(ks, t.st, &err), 0);
    key_record *a, *b;
    size_t na, nb;
    assert_int_equal(keystate_snapshot(ks, &a, &na), 0);
    assert_int_equal(keystate_snapshot(direct, &b, &nb), 0);
    assert_int_equal(na, 3);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        /* integrated_at comes from the leaves: T0 + index, as staged. */
        assert_memory_equal(&a[i], &b[i], sizeof a[i]);
    }
    assert_true(a[0].revoked);
    assert_int_equal(a[0].revoked_index, 5);
    assert_int_equal(a[1].enrolled_index, 4);
    free(a);
    free(b);

    /* Rebuilding again gives the same, not twice as much. */
    assert_int_equal(keystate_rebuild(ks, t.st, &err), 0);
    assert_int_equal(snapshot_count(ks), 3);

    /* A key entry by a key that is not an admin: the store is damaged. */
    e = mk_enroll(&k, &user, logk.pk, "x", ROLE(HANDLER));
    ts_put(&t, e, &user, TAMPER_NONE);
    assert_int_equal(keystate_rebuild(ks, t.st, &err), LH_ESTORE);
    assert_non_null(strstr(err.msg, "entry 6"));
    assert_non_null(strstr(err.msg, "admin"));
    assert_int_equal(snapshot_count(ks), 0); /* left empty */
    keystate_free(ks);
    keystate_free(direct);
    ts_close(&t);
}

static void test_rebuild_damaged(void **state)
{
    (void)state;
    lh_err err = {""};
    kentry k;
    keystate *ks;
    assert_int_equal(keystate_new(&ks), 0);

    /* A signature that does not verify. */
    tstore t;
    ts_open(&t);
    ts_put(&t, mk_enroll(&k, &logk, admin.pk, "管理员甲", ROLE(ADMIN)), &logk, TAMPER_NONE);
    ts_put(&t, mk_enroll(&k, &admin, user.pk, "张三", ROLE(HANDLER)), &admin, TAMPER_SIGNATURE);
    assert_int_equal(keystate_rebuild(ks, t.st, &err), LH_ESTORE);
    assert_non_null(strstr(err.msg, "signature"));
    assert_int_equal(snapshot_count(ks), 0);
    ts_close(&t);

    /* A leaf that does not parse. */
    ts_open(&t);
    ts_put(&t, mk_enroll(&k, &logk, admin.pk, "管理员甲", ROLE(ADMIN)), &logk, TAMPER_LEAF);
    assert_int_equal(keystate_rebuild(ks, t.st, &err), LH_EPARSE);
    assert_non_null(strstr(err.msg, "entry 0"));
    ts_close(&t);

    /* A rule broken on replay: revoking the only admin. */
    ts_open(&t);
    ts_put(&t, mk_enroll(&k, &logk, admin.pk, "管理员甲", ROLE(ADMIN)), &logk, TAMPER_NONE);
    ts_put(&t, mk_revoke(&k, &admin, admin.pk, "x"), &admin, TAMPER_NONE);
    assert_int_equal(keystate_rebuild(ks, t.st, &err), LH_ESTORE);
    assert_non_null(strstr(err.msg, "last admin"));
    ts_close(&t);

    /* The key log names an entry that is not stored. */
    ts_open(&t);
    ts_put(&t, mk_enroll(&k, &logk, admin.pk, "管理员甲", ROLE(ADMIN)), &logk, TAMPER_NONE);
    store_txn *txn;
    assert_int_equal(store_write_begin(t.st, &txn), 0);
    assert_int_equal(store_keylog_append(txn, 7), 0);
    assert_int_equal(store_commit(txn), 0);
    assert_int_equal(keystate_rebuild(ks, t.st, &err), LH_ESTORE);
    assert_non_null(strstr(err.msg, "entry 7"));
    ts_close(&t);
    keystate_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stage_commit_rollback),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_snapshot_concurrent),
        cmocka_unit_test(test_rebuild),
        cmocka_unit_test(test_rebuild_damaged),
    };
    return cmocka_run_group_tests(tests, global_setup, NULL);
}
