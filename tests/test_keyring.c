/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_keyring.c — the enrolled keys (keyring.h) and the rules that change
 * them (accept_key_change()): staging seen by keyring_find() but not by
 * snapshots, commit and rollback, the rules of enrolment and revocation,
 * texts cut at a character boundary, many keys, and snapshots taken while
 * the writer works. The replay of a real store is test_sequencer's.
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

#include "accept.h"
#include "entry.h"
#include "keyring.h"
#include "role.h"
#include "testutil.h"

#define ORIGIN "test.example/liuhen"
#define T0     INT64_C(1779000000000)

#define ROLE(r) ROLE_BIT(LIUHEN__ROLE__ROLE_##r)

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
        if (roles & ROLE_BIT(r))
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
    if (sodium_init() < 0)
        return -1;
    tu_key_make(&logk, 1, KEY_TAG);
    tu_key_make(&admin, 2, KEY_TAG);
    tu_key_make(&admin2, 3, KEY_TAG);
    tu_key_make(&user, 4, KEY_TAG);
    tu_key_make(&other, 5, KEY_TAG);
    return 0;
}

/* The context of the rules for an entry at index. */
static accept_ctx ctx(const keyring *kr, uint64_t index)
{
    return (accept_ctx){
        .log_key = logk.pk, .origin = ORIGIN, .keys = kr, .index = index, .logged = false};
}

/* A key change the rules accept, staged as liuhend's writer and the
 * verifier stage it. */
static void stage_ok(keyring *kr, Liuhen__Entry *e, uint64_t index)
{
    accept_ctx cx = ctx(kr, index);
    accept_verdict v;
    if (accept_key_change(&cx, e, &v) != 0)
        fail_msg("accept_key_change at %" PRIu64 ": %s", index, v.en);
    int rc = keyring_stage(kr, e, index, T0 + (int64_t)index);
    if (rc != 0)
        fail_msg("keyring_stage at %" PRIu64 ": %s", index, lh_strerror(rc));
}

/* A new key state whose entry 0, staged, enrols the first admin. */
static keyring *with_admin(kentry *k)
{
    keyring *ks;
    assert_int_equal(keyring_new(&ks), 0);
    stage_ok(ks, mk_enroll(k, &logk, admin.pk, "管理员甲", ROLE(ADMIN)), 0);
    return ks;
}

/* A key change the rules refuse (INVALID_ARGUMENT), in both languages. */
static void stage_refused(keyring *kr, Liuhen__Entry *e, uint64_t index, const char *says)
{
    accept_ctx cx = ctx(kr, index);
    accept_verdict v;
    assert_int_equal(accept_key_change(&cx, e, &v), LH_EFIELD);
    assert_string_equal(v.check, "key");
    assert_true(v.zh[0] != '\0');
    if (strstr(v.en, says) == NULL)
        fail_msg("refusal \"%s\" does not say \"%s\"", v.en, says);
}

static size_t snapshot_count(keyring *ks)
{
    keyring_key *recs;
    size_t n;
    assert_int_equal(keyring_snapshot(ks, &recs, &n), 0);
    free(recs);
    return n;
}

/* ------------------------------------------------------------------------
 * Staging, commit, rollback.
 */

static void test_stage_commit_rollback(void **state)
{
    (void)state;
    keyring *ks;
    assert_int_equal(keyring_new(&ks), 0);
    kentry k;
    assert_null(keyring_find(ks, admin.pk));
    assert_int_equal(snapshot_count(ks), 0);

    /* Staged: visible to find (the next entry of the batch), not to readers. */
    stage_ok(ks, mk_enroll(&k, &logk, admin.pk, "管理员甲", ROLE(ADMIN)), 0);
    const keyring_key *r = keyring_find(ks, admin.pk);
    assert_non_null(r);
    assert_string_equal(r->holder, "管理员甲");
    assert_int_equal(r->roles, ROLE(ADMIN));
    assert_int_equal(r->enrolled_index, 0);
    assert_int_equal(r->enrolled_at, T0);
    assert_false(r->revoked);
    assert_int_equal(snapshot_count(ks), 0);

    keyring_commit(ks);
    assert_int_equal(snapshot_count(ks), 1);
    assert_non_null(keyring_find(ks, admin.pk));

    /* Rolled back: gone, and the committed state untouched. */
    stage_ok(ks, mk_enroll(&k, &admin, user.pk, "用户", ROLE(HANDLER)), 1);
    stage_ok(ks, mk_enroll(&k, &admin, admin.pk, "管理员甲改", ROLE(ADMIN) | ROLE(LEGAL)), 2);
    assert_string_equal(keyring_find(ks, admin.pk)->holder, "管理员甲改");
    keyring_rollback(ks);
    assert_null(keyring_find(ks, user.pk));
    assert_string_equal(keyring_find(ks, admin.pk)->holder, "管理员甲");
    assert_int_equal(snapshot_count(ks), 1);

    /* A revocation staged and rolled back leaves the admin count alone:
     * the last admin is still protected afterwards. */
    stage_ok(ks, mk_enroll(&k, &admin, admin2.pk, "管理员乙", ROLE(ADMIN)), 3);
    stage_ok(ks, mk_revoke(&k, &admin, admin.pk, "调离"), 4);
    assert_true(keyring_find(ks, admin.pk)->revoked);
    keyring_rollback(ks);
    assert_false(keyring_find(ks, admin.pk)->revoked);
    assert_null(keyring_find(ks, admin2.pk));
    stage_refused(ks, mk_revoke(&k, &admin, admin.pk, "调离"), 5, "last admin");

    /* A refused stage stages nothing. */
    assert_null(keyring_find(ks, other.pk));
    keyring_commit(ks); /* nothing staged: nothing changes */
    assert_int_equal(snapshot_count(ks), 1);
    keyring_free(ks);
    keyring_free(NULL);
}

/* ------------------------------------------------------------------------
 * The rules of keyring_stage().
 */

static void test_rules(void **state)
{
    (void)state;
    kentry k;
    keyring *ks = with_admin(&k);
    stage_ok(ks, mk_enroll(&k, &admin, user.pk, "张三", ROLE(HANDLER)), 1);
    keyring_commit(ks);

    /* Enrolling an enrolled key replaces holder, position, unit, roles. */
    mk_enroll(&k, &admin, user.pk, "张三", ROLE(LEGAL) | ROLE(LEADER));
    k.enroll.position = (char *)"副科长";
    k.enroll.unit = (char *)"执法大队";
    stage_ok(ks, &k.e, 2);
    keyring_commit(ks);
    const keyring_key *r = keyring_find(ks, user.pk);
    assert_int_equal(r->roles, ROLE(LEGAL) | ROLE(LEADER));
    assert_string_equal(r->position, "副科长");
    assert_string_equal(r->unit, "执法大队");
    assert_int_equal(r->enrolled_index, 2);
    keyring_key *recs;
    size_t n;
    assert_int_equal(keyring_snapshot(ks, &recs, &n), 0);
    assert_int_equal(n, 2); /* replaced in place, in first-enrolment order */
    assert_memory_equal(recs[1].public_key, user.pk, 32);
    assert_int_equal(recs[1].roles, ROLE(LEGAL) | ROLE(LEADER));
    free(recs);

    /* Revoking: unknown, then twice. */
    stage_refused(ks, mk_revoke(&k, &admin, other.pk, "x"), 3, "is not an enrolled key");
    stage_ok(ks, mk_revoke(&k, &admin, user.pk, "调离本岗位"), 3);
    r = keyring_find(ks, user.pk);
    assert_true(r->revoked);
    assert_int_equal(r->revoked_index, 3);
    assert_int_equal(r->revoked_at, T0 + 3);
    assert_string_equal(r->revoke_reason, "调离本岗位");
    /* Later entries of the same batch see the revocation. */
    stage_refused(ks, mk_revoke(&k, &admin, user.pk, "again"), 4, "already revoked at entry 3");
    keyring_commit(ks);
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
    keyring_commit(ks);
    stage_ok(ks, mk_enroll(&k, &admin2, admin.pk, "管理员甲", ROLE(ADMIN)), 6);
    stage_ok(ks, mk_revoke(&k, &admin2, admin2.pk, "x"), 7);
    keyring_commit(ks);
    stage_refused(ks, mk_revoke(&k, &admin, admin.pk, "x"), 8, "last admin");

    /* The log key is never enrolled. */
    stage_refused(ks, mk_enroll(&k, &admin, logk.pk, "日志", ROLE(HANDLER)), 8, "the log key");

    /* Not key management: no rule about keys applies, and nothing can be
     * staged; a malformed body (which validate_entry() refuses first)
     * stages nothing either. */
    kentry_header(&k, &admin, 1);
    k.e.kind = LIUHEN__KIND__KIND_COMPLAINT;
    accept_ctx cx = ctx(ks, 8);
    accept_verdict v;
    assert_int_equal(accept_key_change(&cx, &k.e, &v), 0);
    assert_int_equal(keyring_stage(ks, &k.e, 8, T0), LH_EINVAL);
    mk_enroll(&k, &admin, other.pk, "x", ROLE(HANDLER));
    k.enroll.public_key.len = 31;
    assert_int_equal(keyring_stage(ks, &k.e, 8, T0), LH_EINVAL);
    mk_revoke(&k, &admin, other.pk, "x");
    assert_int_equal(keyring_stage(ks, &k.e, 8, T0), LH_EINVAL);
    assert_null(keyring_find(ks, other.pk));
    keyring_free(ks);
}

/* A text longer than a record's field is cut at a character boundary. */
static void test_long_text(void **state)
{
    (void)state;
    kentry k;
    keyring *ks = with_admin(&k);
    stage_ok(ks, mk_enroll(&k, &admin, user.pk, "张三", ROLE(HANDLER)), 1);
    char reason[400];
    size_t len = 0;
    for (int i = 0; i < 100; i++) { /* 300 bytes: "调" is three */
        memcpy(reason + len, "调", 3);
        len += 3;
    }
    reason[len] = '\0';
    stage_ok(ks, mk_revoke(&k, &admin, user.pk, reason), 2);
    const keyring_key *r = keyring_find(ks, user.pk);
    assert_int_equal(strlen(r->revoke_reason), 255); /* 85 whole characters */
    assert_memory_equal(r->revoke_reason, reason, 255);
    keyring_free(ks);
}

/* ------------------------------------------------------------------------
 * Many keys: the indexes grow while staged and committed.
 */

#define MANY 3000

static void test_many_keys(void **state)
{
    (void)state;
    kentry k;
    keyring *ks = with_admin(&k);
    keyring_commit(ks);
    tu_key *keys = malloc(2 * MANY * sizeof *keys);
    assert_non_null(keys);
    for (uint32_t i = 0; i < 2 * MANY; i++)
        tu_key_make(&keys[i], 1000 + i, KEY_TAG);

    /* One batch of MANY enrolments, rolled back, then again committed. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < MANY; i++)
            stage_ok(ks, mk_enroll(&k, &admin, keys[i].pk, "用户", ROLE(HANDLER)), 1 + i);
        for (size_t i = 0; i < MANY; i++)
            assert_int_equal(keyring_find(ks, keys[i].pk)->enrolled_index, 1 + i);
        if (round == 0) {
            keyring_rollback(ks);
            for (size_t i = 0; i < MANY; i++)
                assert_null(keyring_find(ks, keys[i].pk));
        } else {
            keyring_commit(ks);
        }
    }
    /* Then MANY more, one batch each, with a revocation of an earlier key
     * in every batch. */
    for (size_t i = 0; i < MANY; i++) {
        stage_ok(ks, mk_enroll(&k, &admin, keys[MANY + i].pk, "用户", ROLE(LEGAL)), 1 + MANY + i);
        stage_ok(ks, mk_revoke(&k, &admin, keys[i].pk, "x"), 1 + 2 * MANY + i);
        keyring_commit(ks);
    }
    keyring_key *recs;
    size_t n;
    assert_int_equal(keyring_snapshot(ks, &recs, &n), 0);
    assert_int_equal(n, 1 + 2 * MANY);
    assert_memory_equal(recs[0].public_key, admin.pk, 32);
    for (size_t i = 0; i < 2 * MANY; i++) {
        assert_memory_equal(recs[1 + i].public_key, keys[i].pk, 32);
        assert_int_equal(recs[1 + i].revoked, i < MANY);
        const keyring_key *r = keyring_find(ks, keys[i].pk);
        assert_non_null(r);
        assert_memory_equal(r, &recs[1 + i], sizeof *r);
    }
    free(recs);
    free(keys);
    keyring_free(ks);
}

/* Snapshots from another thread while the writer stages and commits: the
 * reader sees whole batches only (ASan and TSan runs make this a race test). */
typedef struct snap_ctx {
    keyring *ks;
    atomic_bool stop;
    size_t max_seen;
    bool torn;
} snap_ctx;

static void *snapper(void *arg)
{
    snap_ctx *c = arg;
    while (!atomic_load(&c->stop)) {
        keyring_key *recs;
        size_t n;
        if (keyring_snapshot(c->ks, &recs, &n) != 0)
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
    keyring *ks = with_admin(&k);
    keyring_commit(ks);
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
        keyring_commit(ks);
    }
    atomic_store(&c.stop, true);
    pthread_join(t, NULL);
    assert_false(c.torn);
    assert_true(c.max_seen <= 801);
    assert_int_equal(snapshot_count(ks), 801);
    keyring_free(ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stage_commit_rollback),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_snapshot_concurrent),
    };
    return cmocka_run_group_tests(tests, global_setup, NULL);
}
