/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_scrub.c — the scrub of the store (daemon/scrub.h) over a real store
 * altered at rest through LMDB directly, as whoever holds the disk could:
 * a sound store has no finding; a byte of an entry, a stored leaf hash, a
 * stored interior hash, a checkpoint's signature and a checkpoint of
 * another root (validly signed) are each found and named, with the entry
 * index, the hash's level and node, or the checkpoint's size. The
 * background scrubber stops at once when asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "scrub.h"
#include "storefill.h"
#include "testutil.h"

#define ORIGIN "scrub.example/log"
#define LEAVES 300

typedef struct fixture {
    char dir[64];
    note_signer log;
    note_verifier vlog;
    char found[16][512];
    size_t nfound;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/liuhen-scrub-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    tu_make_signer(&f->log, &f->vlog, ORIGIN, NOTE_TYPE_ED25519);
    store *st;
    if (store_open(&st, f->dir, 0, NULL) != 0)
        return -1;
    /* Batches of 7 to 100 leaves, each with its checkpoint. */
    for (uint64_t n = 0; n < LEAVES;) {
        uint64_t next = n + 7 + (n * 13) % 94;
        if (next > LEAVES)
            next = LEAVES;
        if (sf_append(st, n, next, "a", &f->log) != 0)
            return -1;
        n = next;
    }
    store_close(st);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    note_signer_wipe(&f->log);
    free(f);
    return 0;
}

static void keep_finding(void *ctx, const char *finding)
{
    fixture *f = ctx;
    if (f->nfound < 16)
        snprintf(f->found[f->nfound++], sizeof f->found[0], "%s", finding);
}

static scrub_report run(fixture *f)
{
    store *st;
    assert_int_equal(store_open_readonly(&st, f->dir, NULL), 0);
    f->nfound = 0;
    scrub_config cfg = {
        .store = st, .log_key = &f->vlog, .finding = keep_finding, .ctx = f, .chunk = 64};
    scrub_report rep;
    lh_err err = {{0}};
    tu_assert_code(scrub_run(&cfg, &rep, &err), 0, &err);
    store_close(st);
    return rep;
}

static bool found(const fixture *f, const char *part)
{
    for (size_t i = 0; i < f->nfound; i++)
        if (strstr(f->found[i], part) != NULL)
            return true;
    return false;
}

/* Change the value of a key of one named database, through LMDB: `edit`
 * gets a copy of the value to alter. */
static void alter(fixture *f, const char *db, const void *key, size_t klen,
                  void (*edit)(uint8_t *v, size_t len, void *ctx), void *ctx)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_val k = {klen, (void *)key}, v;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
    assert_int_equal(mdb_env_set_mapsize(env, (size_t)64 << 20), 0);
    assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
    assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
    uint8_t *copy = malloc(v.mv_size + 1);
    memcpy(copy, v.mv_data, v.mv_size);
    size_t len = v.mv_size;
    edit(copy, len, ctx);
    MDB_val nv = {len, copy};
    assert_int_equal(mdb_put(txn, dbi, &k, &nv, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    free(copy);
}

static void flip_first(uint8_t *v, size_t len, void *ctx)
{
    (void)ctx;
    assert_true(len > 0);
    v[0] ^= 0x20;
}

static void put_be64(uint8_t k[8], uint64_t v)
{
    tu_put_be64(k, v);
}

static void test_sound_store(void **state)
{
    fixture *f = *state;
    scrub_report rep = run(f);
    assert_int_equal(rep.findings, 0);
    assert_int_equal(rep.size, LEAVES);
    assert_int_equal(rep.hashes, merkle_stored_count(LEAVES));
    assert_true(rep.checkpoints > 5);
}

static void test_entry_byte(void **state)
{
    fixture *f = *state;
    uint8_t k[8];
    put_be64(k, 123);
    alter(f, "leaf", k, 8, flip_first, NULL);
    scrub_report rep = run(f);
    assert_int_equal(rep.findings, 1);
    assert_true(found(f, "entry 123: its stored bytes hash to "));
    assert_true(found(f, "but its stored leaf hash is"));
}

static void test_leaf_hash(void **state)
{
    fixture *f = *state;
    uint8_t k[8];
    put_be64(k, merkle_stored_index(0, 41));
    alter(f, "hash", k, 8, flip_first, NULL);
    scrub_report rep = run(f);
    /* The leaf's hash, the index that no longer names it, its parent, and
     * every checkpoint whose tree reads it. */
    assert_true(found(f, "entry 41: its stored bytes hash to "));
    assert_true(found(f, "entry 41: the leaf-hash index does not name it"));
    assert_true(
        found(f, "stored hash at level 1, node 20 (entries 40 to 41): its children hash to"));
    assert_true(rep.findings >= 3);
}

static void test_interior_hash(void **state)
{
    fixture *f = *state;
    uint8_t k[8];
    put_be64(k, merkle_stored_index(3, 5));
    alter(f, "hash", k, 8, flip_first, NULL);
    run(f);
    assert_true(
        found(f, "stored hash at level 3, node 5 (entries 40 to 47): its children hash to"));
    assert_true(found(f, "stored hash at level 4, node 2 (entries 32 to 47)"));
    assert_false(found(f, "entry 4"));
}

static void test_checkpoint_signature(void **state)
{
    fixture *f = *state;
    uint8_t k[8];
    put_be64(k, LEAVES);
    /* A byte of the note's text (the origin): the signature fails. */
    alter(f, "checkpoint", k, 8, flip_first, NULL);
    scrub_report rep = run(f);
    assert_int_equal(rep.findings, 1);
    char want[96];
    snprintf(want, sizeof want, "checkpoint of size %d: does not verify with the log key", LEAVES);
    assert_true(found(f, want));
}

typedef struct resign {
    fixture *f;
    uint64_t size;
} resign;

/* Replace a checkpoint by one of another root, validly signed: only the
 * log key's holder could, and the stored tree still convicts it. */
static void other_root(uint8_t *v, size_t len, void *ctx)
{
    resign *r = ctx;
    (void)v;
    (void)len;
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", ORIGIN);
    cp.size = r->size;
    memset(cp.root, 0x5a, sizeof cp.root);
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    size_t n;
    assert_int_equal(checkpoint_sign(&cp, &r->f->log, note, sizeof note, &n, NULL), 0);
    assert_true(n <= len);
    memcpy(v, note, n); /* the same length: only the root and signature differ */
}

static void test_checkpoint_root(void **state)
{
    fixture *f = *state;
    uint8_t k[8];
    put_be64(k, LEAVES);
    resign r = {f, LEAVES};
    alter(f, "checkpoint", k, 8, other_root, &r);
    scrub_report rep = run(f);
    assert_int_equal(rep.findings, 1);
    char want[128];
    snprintf(
        want, sizeof want,
        "checkpoint of size %d: it signs the root WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo= "
        "but the stored tree's is",
        LEAVES);
    assert_true(found(f, want));
}

static void test_scrubber_stops(void **state)
{
    fixture *f = *state;
    store *st;
    assert_int_equal(store_open_readonly(&st, f->dir, NULL), 0);
    scrub_config cfg = {.store = st, .log_key = &f->vlog};
    scrubber *sc;
    lh_err err = {{0}};
    tu_assert_code(scrub_start(&sc, &cfg, 3600, &err), 0, &err);
    scrub_stop(sc); /* returns at once, not after the hour */
    tu_assert_code(scrub_start(&sc, &cfg, 0, &err), LH_EINVAL, &err);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sound_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entry_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leaf_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interior_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scrubber_stops, setup, teardown),
    };
    return cmocka_run_group_tests_name("scrub", tests, NULL, NULL);
}
