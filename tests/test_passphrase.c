/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_passphrase.c — client/passphrase.h: a secret key's passphrase from a
 * file (first line, mode 0600 or stricter, not empty, not too long, no NUL
 * byte) or from LIUHEN_PASSPHRASE (read once, wiped and removed). The
 * terminal, the third source, is reached by test_cli without one.
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
#include "passphrase.h"
#include "testutil.h"

/* A temporary directory for the passphrase files. */
static char dir[64];

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1; /* the passphrase lives in sodium_malloc'd memory */
    snprintf(dir, sizeof dir, "/tmp/liuhen-test-XXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    return 0;
}

/* The sources of client/passphrase.h other than the terminal (which the CLI
 * tests reach without one: see test_keygen in test_cli.c). */
static void test_passphrase_sources(void **state)
{
    (void)state;
    char path[sizeof dir + 16];
    char *pass = NULL;
    lh_err err = {{0}};
    snprintf(path, sizeof path, "%s/p.pass", dir);

    tu_write_file(path, "口令 one\r\nsecond line\n", 0600);
    assert_int_equal(passphrase_get(path, true, "k", &pass, &err), 0);
    assert_string_equal(pass, "口令 one");
    passphrase_free(pass);

    tu_write_file(path, "secret\n", 0640);
    assert_int_equal(passphrase_get(path, false, "k", &pass, &err), LH_EPERMFILE);
    assert_null(pass);
    assert_non_null(strstr(err.msg, "chmod 600"));

    tu_write_file(path, "\n", 0600);
    assert_int_equal(passphrase_get(path, false, "k", &pass, &err), LH_EPASSPHRASE);
    assert_non_null(strstr(err.msg, "empty"));

    char *big = malloc(PASSPHRASE_MAX + 3);
    assert_non_null(big);
    memset(big, 'x', PASSPHRASE_MAX + 1);
    big[PASSPHRASE_MAX + 1] = '\0';
    tu_write_file(path, big, 0600);
    assert_int_equal(passphrase_get(path, false, "k", &pass, &err), LH_ETOOBIG);
    big[PASSPHRASE_MAX] = '\n';
    tu_write_file(path, big, 0600); /* exactly PASSPHRASE_MAX bytes, then a newline */
    assert_int_equal(passphrase_get(path, false, "k", &pass, &err), 0);
    assert_int_equal(strlen(pass), PASSPHRASE_MAX);
    passphrase_free(pass);
    free(big);

    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("ab\0cd\n", 1, 6, f);
    fclose(f);
    assert_int_equal(passphrase_get(path, false, "k", &pass, &err), LH_EINVAL);
    assert_int_equal(passphrase_get(dir, false, "k", &pass, &err), -EISDIR);
    assert_non_null(strstr(err.msg, "is a directory"));
    assert_int_equal(passphrase_get("/nonexistent/p", false, "k", &pass, &err), -ENOENT);
    assert_int_equal(passphrase_get(path, false, "k", NULL, &err), LH_EINVAL);

    /* The variable is read once, wiped and removed. */
    setenv(PASSPHRASE_ENV, "环境口令", 1);
    assert_int_equal(passphrase_get(NULL, true, "k", &pass, &err), 0);
    assert_string_equal(pass, "环境口令");
    assert_null(getenv(PASSPHRASE_ENV));
    passphrase_free(pass);
    setenv(PASSPHRASE_ENV, "", 1);
    assert_int_equal(passphrase_get(NULL, false, "k", &pass, &err), LH_EPASSPHRASE);
    assert_null(getenv(PASSPHRASE_ENV));
    passphrase_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passphrase_sources),
    };
    return cmocka_run_group_tests_name("passphrase", tests, group_setup, group_teardown);
}
