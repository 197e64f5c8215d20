/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_lmdbmeta.c — the check of an LMDB data file before it is mapped
 * (daemon/lmdbmeta.h): a real store passes; truncated copies, an empty
 * file, a random file and a damaged meta page are refused with a message
 * naming the file and its size, by lmdbmeta_check() and by store_open(),
 * which without the check would die of SIGBUS on a truncated file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lmdbmeta.h"
#include "storefill.h"
#include "testutil.h"

typedef struct fixture {
    char dir[64];
    char data[96]; /* dir/data.mdb of a store of 3000 leaves */
    uint8_t *good;
    size_t good_len;
    char bad[64]; /* a second directory for damaged copies */
    char bad_data[96];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/liuhen-lmdbmeta-XXXXXX");
    snprintf(f->bad, sizeof f->bad, "/tmp/liuhen-lmdbmeta-XXXXXX");
    if (mkdtemp(f->dir) == NULL || mkdtemp(f->bad) == NULL)
        return -1;
    sf_path(f->data, sizeof f->data, f->dir, "data.mdb");
    sf_path(f->bad_data, sizeof f->bad_data, f->bad, "data.mdb");
    store *st;
    if (store_open(&st, f->dir, 0, NULL) != 0)
        return -1;
    for (uint64_t n = 0; n < 3000; n += 500)
        if (sf_append(st, n, n + 500, "a", NULL) != 0)
            return -1;
    store_close(st);
    f->good = tu_read_file(f->data, &f->good_len);
    *state = f;
    return f->good == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    tu_rmtree(f->bad);
    free(f->good);
    free(f);
    return 0;
}

/* Write `len` bytes of data as the damaged copy's data.mdb. */
static void write_bad(fixture *f, const uint8_t *data, size_t len)
{
    FILE *fp = fopen(f->bad_data, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Both the check and store_open() refuse the damaged copy with `part`. */
static void assert_refused(fixture *f, const char *part)
{
    lh_err err = {{0}};
    tu_assert_code(lmdbmeta_check(f->bad_data, NULL, &err), LH_ESTORE, &err);
    tu_assert_msg_has(&err, f->bad_data);
    tu_assert_msg_has(&err, part);
    store *st = NULL;
    memset(&err, 0, sizeof err);
    tu_assert_code(store_open(&st, f->bad, 0, &err), LH_ESTORE, &err);
    assert_null(st);
    tu_assert_msg_has(&err, part);
}

static void test_real_store_passes(void **state)
{
    fixture *f = *state;
    lmdbmeta m;
    lh_err err = {{0}};
    tu_assert_code(lmdbmeta_check(f->data, &m, &err), 0, &err);
    assert_int_equal(m.file_size, f->good_len);
    assert_true(m.need <= m.file_size);
    assert_true(m.need > 2 * (uint64_t)m.psize);
    assert_int_equal(m.need % m.psize, 0);
    /* A file longer than its meta needs (LMDB leaves free pages) passes. */
    uint8_t *longer = calloc(1, f->good_len + 3 * 4096);
    memcpy(longer, f->good, f->good_len);
    write_bad(f, longer, f->good_len + 3 * 4096);
    free(longer);
    tu_assert_code(lmdbmeta_check(f->bad_data, NULL, &err), 0, &err);
}

static void test_missing_is_new(void **state)
{
    fixture *f = *state;
    char path[128];
    sf_path(path, sizeof path, f->bad, "nothing.mdb");
    assert_int_equal(lmdbmeta_check(path, NULL, NULL), -ENOENT);
}

static void test_truncated(void **state)
{
    fixture *f = *state;
    lmdbmeta m;
    assert_int_equal(lmdbmeta_check(f->data, &m, NULL), 0);
    /* Cut at a page boundary, in the middle of a page, one byte short. */
    size_t cuts[] = {(size_t)m.need / 2, (size_t)m.need / 2 + 100, (size_t)m.need - 1,
                     2 * (size_t)m.psize};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        write_bad(f, f->good, cuts[i]);
        char part[96];
        snprintf(part, sizeof part, "holds %zu bytes but its LMDB meta", cuts[i]);
        assert_refused(f, part);
        snprintf(part, sizeof part, "needs %llu: the file is truncated",
                 (unsigned long long)m.need);
        assert_refused(f, part);
    }
    /* Shorter than the two meta pages. */
    write_bad(f, f->good, m.psize + 10);
    assert_refused(f, "fewer than LMDB's two meta pages");
}

static void test_empty_random_damaged(void **state)
{
    fixture *f = *state;
    write_bad(f, f->good, 0);
    assert_refused(f, "is empty (0 bytes)");

    uint8_t *junk = malloc(f->good_len);
    tu_rng_seed(7);
    tu_rng_bytes(junk, f->good_len);
    write_bad(f, junk, f->good_len);
    assert_refused(f, "is not an LMDB store");
    write_bad(f, junk, 10);
    assert_refused(f, "is not an LMDB store");

    /* The second meta page's magic broken. */
    memcpy(junk, f->good, f->good_len);
    junk[4096 + 16] ^= 0x01;
    write_bad(f, junk, f->good_len);
    assert_refused(f, "LMDB meta page 1 is damaged");
    /* Another data version. */
    memcpy(junk, f->good, f->good_len);
    junk[20] = 9;
    write_bad(f, junk, f->good_len);
    assert_refused(f, "another data version");
    free(junk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_store_passes),
        cmocka_unit_test(test_missing_is_new),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_empty_random_damaged),
    };
    return cmocka_run_group_tests_name("lmdbmeta", tests, setup, teardown);
}
