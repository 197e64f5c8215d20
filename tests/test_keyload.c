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
static uint8_t pubkey[KEYFILE_PUBLICKEYBYTES];

/* A file of dir, in a static buffer of its own per slot. */
static const char *in_dir(int slot, const char *name)
{
    static char paths[4][sizeof dir + 32];
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", dir, name);
    return paths[slot];
}

/* Two files of one key: plain.key unencrypted, sealed.key encrypted with
 * the passphrase "口令" (the smallest Argon2id limits: a test). */
static int group_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/liuhen-test-XXXXXX");
    if (sodium_init() < 0 || mkdtemp(dir) == NULL)
        return -1;
    unsetenv(PASSPHRASE_ENV);
    keyfile_key *key = NULL;
    int rc = keyfile_generate("张三", &key, NULL);
    if (rc == 0)
        rc = keyfile_write_secret(in_dir(0, "plain.key"), key, NULL, KEYFILE_KDF_MIN, NULL);
    if (rc == 0)
        rc = keyfile_write_secret(in_dir(0, "sealed.key"), key, "口令", KEYFILE_KDF_MIN, NULL);
    if (rc == 0)
        memcpy(pubkey, keyfile_key_pubkey(key), sizeof pubkey);
    keyfile_key_free(key);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    return 0;
}

/* The key file of dir named key_name is read, with the passphrase file
 * holding pass (NULL: none given), and it is the key made above. */
static void assert_reads(const char *key_name, const char *pass)
{
    const char *passfile = NULL;
    if (pass != NULL)
        tu_write_file(passfile = in_dir(1, "p.pass"), pass, 0600);
    keyfile_key *key = NULL;
    keyload_step step = KEYLOAD_OPEN;
    assert_int_equal(keyload_secret(in_dir(2, key_name), passfile, &key, &step, NULL), 0);
    assert_non_null(key);
    assert_memory_equal(keyfile_key_pubkey(key), pubkey, sizeof pubkey);
    keyfile_key_free(key);
}

/* Reading it fails at step with the error rc, and err says msg. */
static void assert_fails(const char *key_name, const char *pass, keyload_step step, int rc,
                         const char *msg)
{
    const char *passfile = NULL;
    if (pass != NULL)
        tu_write_file(passfile = in_dir(1, "p.pass"), pass, 0600);
    keyfile_key *key = (keyfile_key *)dir; /* not NULL: the call must clear it */
    keyload_step failed = step == KEYLOAD_OPEN ? KEYLOAD_READ : KEYLOAD_OPEN;
    lh_err err = {{0}};
    assert_int_equal(keyload_secret(in_dir(2, key_name), passfile, &key, &failed, &err), rc);
    assert_int_equal(failed, step);
    assert_null(key);
    assert_non_null(strstr(err.msg, msg));
}

/* Not encrypted: read without a passphrase, even where none can be had
 * (no file, no variable, and no terminal under the test runner). */
static void test_plain_needs_no_passphrase(void **state)
{
    (void)state;
    assert_reads("plain.key", NULL);
}

static void test_sealed_with_passphrase_file(void **state)
{
    (void)state;
    assert_reads("sealed.key", "口令\n");
}

static void test_sealed_with_environment(void **state)
{
    (void)state;
    setenv(PASSPHRASE_ENV, "口令", 1);
    assert_reads("sealed.key", NULL);
    assert_null(getenv(PASSPHRASE_ENV)); /* passphrase.h: read once, then removed */
}

static void test_missing_file_fails_at_open(void **state)
{
    (void)state;
    assert_fails("none.key", NULL, KEYLOAD_OPEN, -ENOENT, "none.key");
}

static void test_empty_passphrase_fails_at_passphrase(void **state)
{
    (void)state;
    assert_fails("sealed.key", "\n", KEYLOAD_PASSPHRASE, LH_EPASSPHRASE, "empty");
}

static void test_wrong_passphrase_fails_at_read(void **state)
{
    (void)state;
    assert_fails("sealed.key", "not it\n", KEYLOAD_READ, LH_EPASSPHRASE, "wrong passphrase");
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
