/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_keyload.c — client/core/keyload.h: a secret key file is read with
 * no passphrase when it is not encrypted, with the passphrase of
 * --passphrase-file or LIUHEN_PASSPHRASE when it is, and each failure says
 * which step failed: the file, the passphrase that cannot be had, the
 * passphrase that is wrong. (Asking on the terminal is passphrase.h's.)
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

#include <sodium.h>

#include "errors.h"
#include "keyfile.h"
#include "keyload.h"
#include "passphrase.h"
#include "testutil.h"

static char dir[64];
static char plain_path[sizeof dir + 16], sealed_path[sizeof dir + 16], pass_path[sizeof dir + 16];
static uint8_t pubkey[KEYFILE_PUBLICKEYBYTES];

/* Two files of one key: plain.key unencrypted, sealed.key encrypted with
 * the passphrase "口令" (the smallest Argon2id limits: a test). */
static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    snprintf(dir, sizeof dir, "/tmp/liuhen-test-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(plain_path, sizeof plain_path, "%s/plain.key", dir);
    snprintf(sealed_path, sizeof sealed_path, "%s/sealed.key", dir);
    snprintf(pass_path, sizeof pass_path, "%s/p.pass", dir);
    keyfile_key *key = NULL;
    lh_err err = {{0}};
    int rc = keyfile_generate("张三", &key, &err);
    if (rc == 0)
        rc = keyfile_write_secret(plain_path, key, NULL, KEYFILE_KDF_MIN, &err);
    if (rc == 0)
        rc = keyfile_write_secret(sealed_path, key, "口令", KEYFILE_KDF_MIN, &err);
    if (rc == 0)
        memcpy(pubkey, keyfile_key_pubkey(key), sizeof pubkey);
    keyfile_key_free(key);
    unsetenv(PASSPHRASE_ENV);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    return 0;
}

/* Not encrypted: read without a passphrase, even where none can be had
 * (no file, no variable, and no terminal under the test runner). */
static void test_plain_needs_no_passphrase(void **state)
{
    (void)state;
    keyfile_key *key = NULL;
    keyload_step step = KEYLOAD_READ;
    lh_err err = {{0}};
    assert_int_equal(keyload_secret(plain_path, NULL, &key, &step, &err), 0);
    assert_non_null(key);
    assert_memory_equal(keyfile_key_pubkey(key), pubkey, sizeof pubkey);
    keyfile_key_free(key);
}

static void test_sealed_with_passphrase_file(void **state)
{
    (void)state;
    tu_write_file(pass_path, "口令\n", 0600);
    keyfile_key *key = NULL;
    keyload_step step = KEYLOAD_OPEN;
    lh_err err = {{0}};
    assert_int_equal(keyload_secret(sealed_path, pass_path, &key, &step, &err), 0);
    assert_non_null(key);
    assert_memory_equal(keyfile_key_pubkey(key), pubkey, sizeof pubkey);
    keyfile_key_free(key);
}

static void test_sealed_with_environment(void **state)
{
    (void)state;
    setenv(PASSPHRASE_ENV, "口令", 1);
    keyfile_key *key = NULL;
    keyload_step step = KEYLOAD_OPEN;
    lh_err err = {{0}};
    assert_int_equal(keyload_secret(sealed_path, NULL, &key, &step, &err), 0);
    assert_non_null(key);
    keyfile_key_free(key);
    assert_null(getenv(PASSPHRASE_ENV)); /* passphrase.h: read once, then removed */
}

static void test_missing_file_fails_at_open(void **state)
{
    (void)state;
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/none.key", dir);
    keyfile_key *key = (keyfile_key *)1;
    keyload_step step = KEYLOAD_READ;
    lh_err err = {{0}};
    assert_int_equal(keyload_secret(path, NULL, &key, &step, &err), -ENOENT);
    assert_int_equal(step, KEYLOAD_OPEN);
    assert_null(key);
}

static void test_empty_passphrase_fails_at_passphrase(void **state)
{
    (void)state;
    unsetenv(PASSPHRASE_ENV);
    keyfile_key *key = NULL;
    keyload_step step = KEYLOAD_OPEN;
    lh_err err = {{0}};
    char empty[sizeof dir + 16];
    snprintf(empty, sizeof empty, "%s/empty.pass", dir);
    tu_write_file(empty, "\n", 0600);
    assert_int_equal(keyload_secret(sealed_path, empty, &key, &step, &err), LH_EPASSPHRASE);
    assert_int_equal(step, KEYLOAD_PASSPHRASE);
    assert_non_null(strstr(err.msg, "empty"));
    assert_null(key);
}

static void test_wrong_passphrase_fails_at_read(void **state)
{
    (void)state;
    tu_write_file(pass_path, "not it\n", 0600);
    keyfile_key *key = NULL;
    keyload_step step = KEYLOAD_OPEN;
    lh_err err = {{0}};
    assert_int_equal(keyload_secret(sealed_path, pass_path, &key, &step, &err), LH_EPASSPHRASE);
    assert_int_equal(step, KEYLOAD_READ);
    assert_null(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_needs_no_passphrase),
        cmocka_unit_test(test_sealed_with_passphrase_file),
        cmocka_unit_test(test_sealed_with_environment),
        cmocka_unit_test(test_missing_file_fails_at_open),
        cmocka_unit_test(test_empty_passphrase_fails_at_passphrase),
        cmocka_unit_test(test_wrong_passphrase_fails_at_read),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
