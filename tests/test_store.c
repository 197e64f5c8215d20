/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_store.c — the LMDB layout of daemon/store.h: batches, lookups, chain
 * heads, case lists, the key-management log, checkpoints, map growth,
 * persistence across reopening and hot backup.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "merkle.h"
#include "store.h"

static char dir[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/liuhen-store-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* Leaf i of the tests: distinct bytes whose hashes are easy to recompute. */
static void leaf_bytes(uint64_t i, uint8_t *buf, size_t *len)
{
    *len = (size_t)snprintf((char *)buf, 64, "leaf-%llu", (unsigned long long)i);
}

/* Append leaves [from, to) in one write transaction, as the sequencer does:
 * the leaf, its stored hashes, and the tree size. */
static int append_leaves(store *st, uint64_t from, uint64_t to)
{
    store_txn *txn;
    int rc = store_write_begin(st, &txn);
    if (rc != 0)
        return rc;
    for (uint64_t i = from; i < to; i++) {
        uint8_t buf[64], lh[32], sh[32], hashes[MERKLE_MAX_STORED][32];
        size_t len, n;
        leaf_bytes(i, buf, &len);
        merkle_leaf_hash(lh, buf, len);
        memcpy(sh, lh, 32);
        sh[0] ^= 0xff;
        if ((rc = merkle_stored_hashes_for(i, lh, store_read_hashes, txn, hashes, &n)) != 0 ||
            (rc = store_put_hashes(txn, merkle_stored_index(0, i), (const uint8_t(*)[32])hashes,
                                   n)) != 0 ||
            (rc = store_put_leaf(txn, i, buf, len, lh, sh)) != 0) {
            store_txn_end(txn);
            return rc;
        }
    }
    if ((rc = store_set_size(txn, to, (int64_t)to * 1000)) != 0) {
        store_txn_end(txn);
        return rc;
    }
    return store_commit(txn);
}

static void test_leaves_and_hashes(void **state)
{
    (void)state;
    store *st;
    lh_err err;
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    assert_int_equal(append_leaves(st, 0, 300), 0);

    store_txn *r;
    assert_int_equal(store_read_begin(st, &r), 0);
    uint64_t size;
    int64_t t;
    assert_int_equal(store_get_size(r, &size), 0);
    assert_int_equal(size, 300);
    assert_int_equal(store_get_time(r, &t), 0);
    assert_int_equal(t, 300000);

    /* Every leaf reads back exactly, and is found by its hashes. */
    for (uint64_t i = 0; i < 300; i++) {
        const uint8_t *leaf;
        size_t len, want_len;
        uint8_t want[64], lh[32];
        leaf_bytes(i, want, &want_len);
        assert_int_equal(store_get_leaf(r, i, &leaf, &len), 0);
        assert_int_equal(len, want_len);
        assert_memory_equal(leaf, want, len);
        merkle_leaf_hash(lh, want, want_len);
        uint64_t idx = 99999;
        assert_int_equal(store_find_leaf(r, lh, &idx), 0);
        assert_int_equal(idx, i);
        lh[0] ^= 0xff;
        assert_int_equal(store_find_entry(r, lh, &idx), 0);
        assert_int_equal(idx, i);
    }
    const uint8_t *leaf;
    size_t len;
    assert_int_equal(store_get_leaf(r, 300, &leaf, &len), LH_ENOTFOUND);
    uint8_t zero[32] = {0};
    uint64_t idx;
    assert_int_equal(store_find_leaf(r, zero, &idx), LH_ENOTFOUND);

    /* The tree hash through the store equals the one of an independent
     * computation: RFC 6962 MTH over the same leaves, built level by level. */
    uint8_t root[32], level[300][32];
    assert_int_equal(merkle_tree_hash(root, 300, store_read_hashes, r), 0);
    size_t n = 300;
    for (uint64_t i = 0; i < 300; i++) {
        uint8_t buf[64];
        size_t blen;
        leaf_bytes(i, buf, &blen);
        merkle_leaf_hash(level[i], buf, blen);
    }
    while (n > 1) {
        size_t m = 0;
        for (size_t i = 0; i + 1 < n; i += 2)
            merkle_node_hash(level[m++], level[i], level[i + 1]);
        if (n % 2 == 1)
            memcpy(level[m++], level[n - 1], 32);
        n = m;
    }
    /* Pairing left to right and promoting the odd node matches RFC 6962's
     * split at the largest power of two for every size. */
    assert_memory_equal(root, level[0], 32);
    store_txn_end(r);

    /* A leaf index that is not past the last one is refused (MDB_APPEND),
     * and so is a second leaf with a known leaf hash. */
    store_txn *w;
    assert_int_equal(store_write_begin(st, &w), 0);
    uint8_t buf[64], lh[32];
    leaf_bytes(5, buf, &len);
    merkle_leaf_hash(lh, buf, len);
    assert_int_not_equal(store_put_leaf(w, 5, buf, len, lh, lh), 0);
    assert_int_equal(store_put_leaf(w, 300, buf, len, lh, zero), LH_EEXIST);
    store_txn_end(w);
    store_close(st);
}

static void test_heads_cases_keylog_checkpoints(void **state)
{
    (void)state;
    store *st;
    lh_err err;
    assert_int_equal(store_open(&st, dir, 0, &err), 0);

    uint8_t key[32], h1[32], h2[32];
    memset(key, 7, 32);
    memset(h1, 1, 32);
    memset(h2, 2, 32);
    accept_head head;

    store_txn *w;
    assert_int_equal(store_write_begin(st, &w), 0);
    /* Unknown author and case: empty heads. */
    assert_int_equal(store_get_author(w, key, &head), 0);
    assert_int_equal(head.count, 0);
    assert_int_equal(store_get_case(w, "QJ-2026-7", &head), 0);
    assert_int_equal(head.count, 0);
    assert_int_equal(store_get_case(w, "", &head), LH_EINVAL);

    accept_head a1 = {.count = 1, .index = 4};
    memcpy(a1.id, h1, 32);
    assert_int_equal(store_set_author(w, key, &a1), 0);
    assert_int_equal(store_case_append(w, "QJ-2026-7", 4, h1), 0);
    assert_int_equal(store_case_append(w, "QJ-2026-7", 9, h2), 0);
    assert_int_equal(store_case_append(w, "QJ-2026-8", 10, h2), 0);
    /* The write transaction sees its own writes: length, head index, id. */
    assert_int_equal(store_get_case(w, "QJ-2026-7", &head), 0);
    assert_int_equal(head.count, 2);
    assert_int_equal(head.index, 9);
    assert_memory_equal(head.id, h2, 32);
    assert_int_equal(store_keylog_append(w, 0), 0);
    assert_int_equal(store_keylog_append(w, 12), 0);
    assert_int_equal(store_put_checkpoint(w, 1, (const uint8_t *)"cp1", 3), 0);
    assert_int_equal(store_put_checkpoint(w, 12, (const uint8_t *)"cp12", 4), 0);
    assert_int_equal(store_put_meta(w, "origin", "example.org/log", 15), 0);
    assert_int_equal(store_commit(w), 0);

    /* A transaction that is aborted leaves nothing behind. */
    assert_int_equal(store_write_begin(st, &w), 0);
    accept_head a2 = {.count = 2, .index = 11};
    memcpy(a2.id, h2, 32);
    assert_int_equal(store_set_author(w, key, &a2), 0);
    assert_int_equal(store_case_append(w, "QJ-2026-7", 11, h1), 0);
    store_txn_end(w);

    store_close(st);
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    store_txn *r;
    assert_int_equal(store_read_begin(st, &r), 0);
    assert_int_equal(store_get_author(r, key, &head), 0);
    assert_int_equal(head.count, 1);
    assert_int_equal(head.index, 4);
    assert_memory_equal(head.id, h1, 32);

    uint64_t *idx;
    size_t count;
    assert_int_equal(store_case_entries(r, "QJ-2026-7", &idx, &count), 0);
    assert_int_equal(count, 2);
    assert_int_equal(idx[0], 4);
    assert_int_equal(idx[1], 9);
    free(idx);
    assert_int_equal(store_case_entries(r, "QJ-2026-9", &idx, &count), 0);
    assert_int_equal(count, 0);
    assert_null(idx);

    assert_int_equal(store_keylog_entries(r, &idx, &count), 0);
    assert_int_equal(count, 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 12);
    free(idx);

    const uint8_t *note;
    size_t len;
    uint64_t size;
    assert_int_equal(store_get_checkpoint(r, UINT64_MAX, &note, &len, &size), 0);
    assert_int_equal(size, 12);
    assert_memory_equal(note, "cp12", 4);
    assert_int_equal(store_get_checkpoint(r, 1, &note, &len, &size), 0);
    assert_int_equal(len, 3);
    assert_int_equal(store_get_checkpoint(r, 2, &note, &len, &size), LH_ENOTFOUND);
    const uint8_t *val;
    assert_int_equal(store_get_meta(r, "origin", &val, &len), 0);
    assert_int_equal(len, 15);
    assert_int_equal(store_get_meta(r, "nothing", &val, &len), LH_ENOTFOUND);
    store_txn_end(r);
    store_close(st);
}

/* A tiny map fills; the writer grows it and retries the whole batch, and
 * everything committed survives reopening. */
static void test_growth(void **state)
{
    (void)state;
    store *st;
    lh_err err;
    assert_int_equal(store_open(&st, dir, 64 * 1024, &err), 0);
    size_t start_size = store_map_size(st);
    uint64_t size = 0;
    int grows = 0;
    while (size < 20000) {
        uint64_t to = size + 1000;
        int rc = append_leaves(st, size, to);
        if (rc != 0) {
            assert_true(store_last_map_full(st));
            assert_int_equal(store_grow(st, 0), 0);
            grows++;
            assert_true(grows < 40);
            continue;
        }
        size = to;
    }
    assert_true(grows > 0);
    assert_true(store_map_size(st) > start_size);
    store_close(st);

    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    store_txn *r;
    assert_int_equal(store_read_begin(st, &r), 0);
    assert_int_equal(store_get_size(r, &size), 0);
    assert_int_equal(size, 20000);
    const uint8_t *leaf;
    size_t len;
    assert_int_equal(store_get_leaf(r, 19999, &leaf, &len), 0);
    assert_memory_equal(leaf, "leaf-19999", len);
    store_txn_end(r);
    store_close(st);
}

/* A hot backup, taken while a read transaction is open, is a complete store. */
static void test_backup(void **state)
{
    (void)state;
    store *st;
    lh_err err;
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    assert_int_equal(append_leaves(st, 0, 500), 0);
    store_txn *r;
    assert_int_equal(store_read_begin(st, &r), 0);
    char copy[128];
    snprintf(copy, sizeof copy, "%s/backup", dir);
    assert_int_equal(mkdir(copy, 0700), 0);
    assert_int_equal(store_backup(st, copy, &err), 0);
    uint8_t root[32], root_copy[32];
    assert_int_equal(merkle_tree_hash(root, 500, store_read_hashes, r), 0);
    store_txn_end(r);
    store_close(st);

    assert_int_equal(store_open(&st, copy, 0, &err), 0);
    assert_int_equal(store_read_begin(st, &r), 0);
    uint64_t size;
    assert_int_equal(store_get_size(r, &size), 0);
    assert_int_equal(size, 500);
    assert_int_equal(merkle_tree_hash(root_copy, 500, store_read_hashes, r), 0);
    assert_memory_equal(root, root_copy, 32);
    store_txn_end(r);
    store_close(st);

    /* An existing non-empty backup directory is refused. */
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    assert_int_not_equal(store_backup(st, copy, &err), 0);
    store_close(st);
}

/* A copy into an open file (liuhend's Backup call) is a complete store once
 * placed as data.mdb of a directory. */
static void test_backup_fd(void **state)
{
    (void)state;
    store *st;
    lh_err err;
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    assert_int_equal(append_leaves(st, 0, 700), 0);
    char copy_dir[128], copy_file[160];
    snprintf(copy_dir, sizeof copy_dir, "%s/restored", dir);
    assert_int_equal(mkdir(copy_dir, 0700), 0);
    snprintf(copy_file, sizeof copy_file, "%s/data.mdb", copy_dir);
    int fd = open(copy_file, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(store_backup_fd(st, fd, &err), 0);
    assert_int_equal(fsync(fd), 0);
    close(fd);
    store_close(st);

    assert_int_equal(store_open(&st, copy_dir, 0, &err), 0);
    store_txn *r;
    assert_int_equal(store_read_begin(st, &r), 0);
    uint64_t size;
    assert_int_equal(store_get_size(r, &size), 0);
    assert_int_equal(size, 700);
    const uint8_t *leaf;
    size_t len;
    assert_int_equal(store_get_leaf(r, 699, &leaf, &len), 0);
    assert_memory_equal(leaf, "leaf-699", len);
    store_txn_end(r);
    store_close(st);

    /* A descriptor that cannot be written is an error, not a crash. */
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    assert_int_not_equal(store_backup_fd(st, -1, &err), 0);
    store_close(st);
}

/* A new store is written in STORE_FORMAT; a store of another layout (or of
 * the first one, which had no "format") is refused with the reason. */
static void test_format(void **state)
{
    (void)state;
    store *st;
    lh_err err = {""};
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    store_txn *t;
    assert_int_equal(store_read_begin(st, &t), 0);
    const uint8_t *v;
    size_t len;
    assert_int_equal(store_get_meta(t, "format", &v, &len), 0);
    assert_int_equal(len, 8);
    assert_int_equal(v[7], STORE_FORMAT);
    store_txn_end(t);
    assert_int_equal(append_leaves(st, 0, 3), 0);

    /* An older layout: entries and format 1. */
    assert_int_equal(store_write_begin(st, &t), 0);
    uint8_t one[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    assert_int_equal(store_put_meta(t, "format", one, 8), 0);
    assert_int_equal(store_commit(t), 0);
    store_close(st);
    assert_int_equal(store_open(&st, dir, 0, &err), LH_ESTORE);
    assert_null(st);
    assert_non_null(strstr(err.msg, "layout 1 was written by another version of liuhend"));
    assert_non_null(strstr(err.msg, "entry id"));
}

/* Checkpoints above the limit are hidden from every reader: the latest,
 * one by size, the walk over them, and the size a publication takes. */
static void test_checkpoint_limit(void **state)
{
    (void)state;
    store *st;
    lh_err err;
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    assert_int_equal(append_leaves(st, 0, 9), 0);
    store_txn *w;
    assert_int_equal(store_write_begin(st, &w), 0);
    assert_int_equal(store_put_checkpoint(w, 3, (const uint8_t *)"cp3", 3), 0);
    assert_int_equal(store_put_checkpoint(w, 5, (const uint8_t *)"cp5", 3), 0);
    assert_int_equal(store_put_checkpoint(w, 9, (const uint8_t *)"cp9", 3), 0);
    assert_int_equal(store_commit(w), 0);

    store_txn *r;
    const uint8_t *note;
    size_t len;
    uint64_t size;
    /* No limit: everything. */
    assert_int_equal(store_read_begin(st, &r), 0);
    assert_int_equal(store_get_checkpoint(r, UINT64_MAX, &note, &len, &size), 0);
    assert_int_equal(size, 9);
    store_txn_end(r);

    store_set_checkpoint_limit(st, 5);
    assert_int_equal(store_read_begin(st, &r), 0);
    assert_int_equal(store_get_checkpoint(r, UINT64_MAX, &note, &len, &size), 0);
    assert_int_equal(size, 5);
    assert_memory_equal(note, "cp5", 3);
    assert_int_equal(store_get_checkpoint(r, 9, &note, &len, NULL), LH_ENOTFOUND);
    assert_int_equal(store_get_checkpoint(r, 3, &note, &len, NULL), 0);
    assert_int_equal(store_next_checkpoint(r, 0, &size, &note, &len), 0);
    assert_int_equal(size, 3);
    assert_int_equal(store_next_checkpoint(r, 3, &size, &note, &len), 0);
    assert_int_equal(size, 5);
    assert_int_equal(store_next_checkpoint(r, 5, &size, &note, &len), LH_ENOTFOUND);
    assert_int_equal(store_latest_cosigned(r, 0, &size), 0);
    assert_int_equal(size, 5);
    uint8_t buf[64];
    assert_int_equal(store_get_cosigned(r, 9, buf, sizeof buf, &len, NULL), LH_ENOTFOUND);
    store_txn_end(r);
    /* The writer's start sees past the limit. */
    assert_int_equal(store_read_begin_all(st, &r), 0);
    assert_int_equal(store_get_checkpoint(r, UINT64_MAX, &note, &len, &size), 0);
    assert_int_equal(size, 9);
    store_txn_end(r);

    /* Below the first checkpoint: none at all. */
    store_set_checkpoint_limit(st, 2);
    assert_int_equal(store_read_begin(st, &r), 0);
    assert_int_equal(store_get_checkpoint(r, UINT64_MAX, &note, &len, &size), LH_ENOTFOUND);
    store_txn_end(r);
    store_close(st);
}

static void test_open_errors(void **state)
{
    (void)state;
    store *st = NULL;
    lh_err err = {{0}};
    assert_int_not_equal(store_open(&st, "/nonexistent/liuhen/store", 0, &err), 0);
    assert_null(st);
    assert_non_null(strstr(err.msg, "/nonexistent/liuhen/store"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_leaves_and_hashes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heads_cases_keylog_checkpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_limit, setup, teardown),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
