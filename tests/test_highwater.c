/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_highwater.c — the log's high-water mark (daemon/highwater.h): a mark
 * recorded and read back; a store at least as long with the same root at
 * the mark's size passes; a shorter store, or one whose tree at that size
 * differs, is refused naming both sizes; the mark never goes back nor
 * takes another root for its size; a mark altered, or signed by another
 * key, does not open; a slot torn by a crash leaves the previous mark.
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

#include "checkpoint.h"
#include "highwater.h"
#include "storefill.h"
#include "testutil.h"

#define ORIGIN "hw.example/log"

/* The log: its store holds 40 leaves, tag "a". */
typedef sf_log fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL || sf_log_make(f, "highwater", ORIGIN, 40, "a") != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sf_log_free(f);
    free(f);
    return 0;
}

/* Record the checkpoint of the fixture store at size n. */
static int record(fixture *f, highwater *hw, uint64_t n, lh_err *err)
{
    uint8_t note[CHECKPOINT_SIGNED_MAX], root[MERKLE_HASH_SIZE];
    size_t len;
    assert_int_equal(sf_checkpoint(f->st, n, &f->log, note, &len, root), 0);
    return highwater_record(hw, n, root, note, len, err);
}

static int check(highwater *hw, store *st, lh_err *err)
{
    store_txn *txn;
    assert_int_equal(store_read_begin(st, &txn), 0);
    int rc = highwater_check(hw, txn, err);
    store_txn_end(txn);
    return rc;
}

/* A second store in dir/NAME with n leaves of another tag. */
static store *other_store(fixture *f, const char *name, uint64_t n, const char *tag)
{
    char d[128];
    sf_path(d, sizeof d, f->dir, name);
    assert_int_equal(mkdir(d, 0700), 0);
    store *st;
    assert_int_equal(store_open(&st, d, 0, NULL), 0);
    assert_int_equal(sf_append(st, 0, n, tag, NULL), 0);
    return st;
}

static void test_record_and_reopen(void **state)
{
    fixture *f = *state;
    highwater *hw;
    lh_err err = {{0}};
    tu_assert_code(highwater_open(&hw, f->dir, &f->vlog, &err), 0, &err);
    uint64_t size;
    uint8_t root[MERKLE_HASH_SIZE], want[MERKLE_HASH_SIZE];
    assert_false(highwater_get(hw, &size, root));
    tu_assert_code(check(hw, f->st, &err), 0, &err); /* no mark: passes */
    tu_assert_code(record(f, hw, 25, &err), 0, &err);
    highwater_free(hw);

    char path[128];
    sf_path(path, sizeof path, f->dir, "highwater");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    tu_assert_code(highwater_open(&hw, f->dir, &f->vlog, &err), 0, &err);
    assert_true(highwater_get(hw, &size, root));
    assert_int_equal(size, 25);
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    size_t len;
    assert_int_equal(sf_checkpoint(f->st, 25, &f->log, note, &len, want), 0);
    assert_memory_equal(root, want, MERKLE_HASH_SIZE);
    /* The store is longer than the mark and has its root there. */
    tu_assert_code(check(hw, f->st, &err), 0, &err);
    highwater_free(hw);
}

static void test_never_back_nor_aside(void **state)
{
    fixture *f = *state;
    highwater *hw;
    lh_err err = {{0}};
    assert_int_equal(highwater_open(&hw, f->dir, &f->vlog, NULL), 0);
    tu_assert_code(record(f, hw, 30, &err), 0, &err);
    tu_assert_code(record(f, hw, 30, &err), 0, &err); /* the same again: nothing */
    tu_assert_code(record(f, hw, 20, &err), LH_EFORK, &err);
    tu_assert_msg_has(&err, "refusing to record size 20 below the mark's 30");
    /* Another root for size 30: a fork's checkpoint. */
    store *fork = other_store(f, "fork", 30, "b");
    uint8_t note[CHECKPOINT_SIGNED_MAX], root[MERKLE_HASH_SIZE];
    size_t len;
    assert_int_equal(sf_checkpoint(fork, 30, &f->log, note, &len, root), 0);
    tu_assert_code(highwater_record(hw, 30, root, note, len, &err), LH_EFORK, &err);
    tu_assert_msg_has(&err, "another root for size 30");
    store_close(fork);
    highwater_free(hw);
}

/* With the mark at size `marked`, the store other_store(f, name, n, tag)
 * fails the check with LH_EFORK, and the message has `what`. */
static void store_refused(fixture *f, uint64_t marked, const char *name, uint64_t n,
                          const char *tag, const char *what)
{
    highwater *hw;
    lh_err err = {{0}};
    assert_int_equal(highwater_open(&hw, f->dir, &f->vlog, NULL), 0);
    tu_assert_code(record(f, hw, marked, &err), 0, &err);
    store *other = other_store(f, name, n, tag);
    tu_assert_code(check(hw, other, &err), LH_EFORK, &err);
    tu_assert_msg_has(&err, what);
    store_close(other);
    highwater_free(hw);
}

static void test_shorter_store_refused(void **state)
{
    /* An old copy: the same leaves, fewer of them. */
    store_refused(*state, 40, "old", 32, "a",
                  "the store has 32 entries but the log signed a checkpoint of 40");
}

static void test_other_root_refused(void **state)
{
    /* As long, and longer, but another tree. */
    store_refused(*state, 17, "fork", 50, "b",
                  "at size 17 the store's tree is not the one the log signed");
}

/* Rewrite the whole mark file, its mode kept. */
static void rewrite(const char *path, const uint8_t *data, size_t len)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void test_altered_or_foreign_mark(void **state)
{
    fixture *f = *state;
    highwater *hw;
    lh_err err = {{0}};
    assert_int_equal(highwater_open(&hw, f->dir, &f->vlog, NULL), 0);
    tu_assert_code(record(f, hw, 12, &err), 0, &err);
    highwater_free(hw);
    char path[128];
    sf_path(path, sizeof path, f->dir, "highwater");
    size_t len;
    uint8_t *file = tu_read_file(path, &len);
    assert_non_null(file);
    assert_int_equal(len, 8192);

    /* Its size changed from 12 to 13: the signature no longer holds. */
    char *nl = strchr((char *)file, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[2], '2');
    nl[2] = '3';
    rewrite(path, file, len);
    hw = NULL;
    assert_int_not_equal(highwater_open(&hw, f->dir, &f->vlog, &err), 0);
    assert_null(hw);
    tu_assert_msg_has(&err, "does not verify");
    nl[2] = '2';
    rewrite(path, file, len);

    /* Another log's key. */
    note_signer other;
    note_verifier vother;
    tu_make_signer(&other, &vother, ORIGIN, NOTE_TYPE_ED25519);
    assert_int_not_equal(highwater_open(&hw, f->dir, &vother, &err), 0);
    tu_assert_msg_has(&err, "does not verify");
    note_signer_wipe(&other);

    /* Not a mark file at all: another length. */
    tu_write_file(path, (char *)file, 0600);
    assert_int_not_equal(highwater_open(&hw, f->dir, &f->vlog, &err), 0);
    tu_assert_msg_has(&err, "is not a high-water mark");
    free(file);
}

/* The mark file opens, and holds a mark of size want. */
static void mark_is(fixture *f, uint64_t want)
{
    highwater *hw;
    lh_err err = {{0}};
    uint64_t size;
    uint8_t root[MERKLE_HASH_SIZE];
    tu_assert_code(highwater_open(&hw, f->dir, &f->vlog, &err), 0, &err);
    assert_true(highwater_get(hw, &size, root));
    assert_int_equal(size, want);
    highwater_free(hw);
}

/* Marks alternate between two slots; a slot torn by a crash leaves the
 * previous mark in the other, and the next mark overwrites the torn one. */
static void test_torn_slot(void **state)
{
    fixture *f = *state;
    highwater *hw;
    lh_err err = {{0}};
    assert_int_equal(highwater_open(&hw, f->dir, &f->vlog, NULL), 0);
    tu_assert_code(record(f, hw, 12, &err), 0, &err);
    tu_assert_code(record(f, hw, 20, &err), 0, &err);
    tu_assert_code(record(f, hw, 30, &err), 0, &err);
    highwater_free(hw);
    mark_is(f, 30);

    /* 30 went to slot 0 (12, 20, 30: slots 0, 1, 0); tear it. */
    char path[128];
    sf_path(path, sizeof path, f->dir, "highwater");
    size_t len;
    uint8_t *file = tu_read_file(path, &len);
    assert_non_null(file);
    memset(file + 100, 0x41, 300);
    rewrite(path, file, len);
    uint64_t size;
    uint8_t root[MERKLE_HASH_SIZE];
    tu_assert_code(highwater_open(&hw, f->dir, &f->vlog, &err), 0, &err);
    assert_true(highwater_get(hw, &size, root));
    assert_int_equal(size, 20);
    tu_assert_code(record(f, hw, 35, &err), 0, &err); /* into the torn slot */
    highwater_free(hw);
    mark_is(f, 35);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_back_nor_aside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shorter_store_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_root_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_altered_or_foreign_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_slot, setup, teardown),
    };
    return cmocka_run_group_tests_name("highwater", tests, NULL, NULL);
}
