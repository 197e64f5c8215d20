/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_recover.c — reading and verifying a publication for `liuhend
 * recover` (daemon/recover.c: recover_tiles_*).
 *
 * The publication is written by publish_write() from a store of 300 leaves
 * (storefill.h: a full tile and a partial one at level 0, a partial one at
 * level 1): it verifies, gives the store's tree hash at every size, and
 * hands back the checkpoint as the log signed it, a witness's line dropped.
 * Then one change each: a byte of an entry bundle, of a level-0 tile, of a
 * level-1 tile, the root, a checkpoint of another key, a missing bundle:
 * each is refused naming what is wrong. The replay of real entries through
 * the writer (recover_run()) is tests/test_recover.sh's, with a daemon.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>

#include "checkpoint.h"
#include "publish.h"
#include "recover.h"
#include "storefill.h"
#include "testutil.h"

#define ORIGIN "recover.example/log"
#define SIZE   300

typedef struct fixture {
    sf_log l; /* its store holds SIZE leaves, tag "a" */
    char pub[96];
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    size_t note_len;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL || sf_log_make(&f->l, "recover", ORIGIN, SIZE, "a") != 0)
        return -1;
    snprintf(f->pub, sizeof f->pub, "%s/pub", f->l.dir);
    if (sf_checkpoint(f->l.st, SIZE, &f->l.log, f->note, &f->note_len, NULL) != 0 ||
        publish_write(f->pub, f->l.st, SIZE, f->note, f->note_len, 0, NULL) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sf_log_free(&f->l);
    free(f);
    return 0;
}

/* Flip one bit of the byte at `at` of a file of the publication. */
static void flip(const fixture *f, const char *rel, long at)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", f->pub, rel);
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, at, SEEK_SET), 0);
    int c = fgetc(fp);
    assert_true(c != EOF);
    assert_int_equal(fseek(fp, at, SEEK_SET), 0);
    fputc(c ^ 0x01, fp);
    assert_int_equal(fclose(fp), 0);
}

/* Open the publication, which must be refused with rc, err naming what. */
static void refused(const fixture *f, int rc, const char *what)
{
    recover_tiles *t = NULL;
    lh_err err = {""};
    assert_int_equal(recover_tiles_open(&t, f->pub, &f->l.vlog, &err), rc);
    assert_null(t);
    if (strstr(err.msg, what) == NULL)
        fail_msg("\"%s\" does not name \"%s\"", err.msg, what);
}

/* The note t hands back is the log's checkpoint, as published. */
static void note_is_the_logs(const fixture *f, const recover_tiles *t)
{
    const uint8_t *note;
    size_t len;
    recover_tiles_note(t, &note, &len);
    assert_int_equal(len, f->note_len);
    assert_memory_equal(note, f->note, len);
}

static void test_verifies_and_gives_the_tree(void **state)
{
    fixture *f = *state;
    recover_tiles *t = NULL;
    lh_err err = {""};
    assert_int_equal(recover_tiles_open(&t, f->pub, &f->l.vlog, &err), 0);
    assert_int_equal(recover_tiles_size(t), SIZE);
    store_txn *txn;
    assert_int_equal(store_read_begin(f->l.st, &txn), 0);
    static const uint64_t sizes[] = {0, 1, 63, 255, 256, 257, SIZE};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t want[MERKLE_HASH_SIZE], got[MERKLE_HASH_SIZE];
        assert_int_equal(merkle_tree_hash(want, sizes[i], store_read_hashes, txn), 0);
        assert_int_equal(recover_tiles_root(t, sizes[i], got), 0);
        assert_memory_equal(got, want, MERKLE_HASH_SIZE);
    }
    store_txn_end(txn);
    uint8_t root[MERKLE_HASH_SIZE];
    assert_int_equal(recover_tiles_root(t, SIZE + 1, root), LH_ERANGE);
    note_is_the_logs(f, t);
    recover_tiles_free(t);
}

/* A witness's line after the log's: the note handed back is the log's. */
static void test_cosignature_lines_are_left_out(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/checkpoint", f->pub);
    FILE *fp = fopen(path, "ab");
    assert_non_null(fp);
    fputs("\xe2\x80\x94 witness.example/w "
          "AAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
          "AAA=\n",
          fp);
    assert_int_equal(fclose(fp), 0);
    recover_tiles *t = NULL;
    lh_err err = {""};
    assert_int_equal(recover_tiles_open(&t, f->pub, &f->l.vlog, &err), 0);
    note_is_the_logs(f, t);
    recover_tiles_free(t);
}

static void test_bundle_byte_changed(void **state)
{
    fixture *f = *state;
    flip(f, "tile/entries/000", 3); /* a letter of leaf 0 */
    refused(f, LH_EFORK, "tile/0/000");
}

static void test_level0_tile_byte_changed(void **state)
{
    fixture *f = *state;
    flip(f, "tile/0/001.p/44", 40);
    refused(f, LH_EFORK, "tile/0/001.p/44: hash 1 ");
}

static void test_level1_tile_byte_changed(void **state)
{
    fixture *f = *state;
    flip(f, "tile/1/000.p/1", 3);
    refused(f, LH_EFORK, "tile/1/000.p/1: hash 0 ");
}

/* A root the leaves do not make: the checkpoint signed over another one. */
static void test_root_not_the_checkpoints(void **state)
{
    fixture *f = *state;
    checkpoint cp = {.size = SIZE};
    memcpy(cp.origin, ORIGIN, sizeof ORIGIN);
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    size_t len;
    assert_int_equal(checkpoint_sign(&cp, &f->l.log, note, sizeof note, &len, NULL), 0);
    char path[160];
    snprintf(path, sizeof path, "%s/checkpoint", f->pub);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(note, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    refused(f, LH_EFORK, "not the checkpoint's");
}

static void test_another_logs_checkpoint(void **state)
{
    fixture *f = *state;
    note_signer other;
    note_verifier vother;
    tu_make_signer(&other, &vother, ORIGIN, NOTE_TYPE_ED25519);
    recover_tiles *t = NULL;
    lh_err err = {""};
    assert_int_not_equal(recover_tiles_open(&t, f->pub, &vother, &err), 0);
    assert_null(t);
    assert_non_null(strstr(err.msg, "not a checkpoint of the log"));
    note_signer_wipe(&other);
}

static void test_missing_bundle(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/tile/entries/001.p/44", f->pub);
    assert_int_equal(unlink(path), 0);
    refused(f, -ENOENT, "tile/entries/001.p/44");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verifies_and_gives_the_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cosignature_lines_are_left_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bundle_byte_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level0_tile_byte_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level1_tile_byte_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_not_the_checkpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_another_logs_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_bundle, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
