/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_connlimit.c — the admission decision of daemon/connlimit.h: the
 * total, the administrators' reserve, the per-user limit, and the counts
 * by uid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "connlimit.h"

static void test_policy_defaults(void **state)
{
    (void)state;
    connlimit_policy p;
    connlimit_policy_init(&p, 256, 0);
    assert_int_equal(p.max_total, 256);
    assert_int_equal(p.reserved, 4);
    assert_int_equal(p.max_per_user, 64);
    /* A small daemon keeps at most a quarter for administrators. */
    connlimit_policy_init(&p, 8, 0);
    assert_int_equal(p.reserved, 2);
    assert_int_equal(p.max_per_user, 2);
    connlimit_policy_init(&p, 1, 0);
    assert_int_equal(p.reserved, 0);
    assert_int_equal(p.max_per_user, 1);
    /* A per-user limit above what users may take is what they may take. */
    connlimit_policy_init(&p, 16, 100);
    assert_int_equal(p.max_per_user, 12);
}

static void test_reserve(void **state)
{
    (void)state;
    connlimit_policy p;
    connlimit_policy_init(&p, 16, 16);
    unsigned limit = 0;
    assert_int_equal(connlimit_decide(&p, 11, 0, false, &limit), CONNLIMIT_ADMIT);
    /* Only the reserve is left: a user is refused, an administrator not. */
    assert_int_equal(connlimit_decide(&p, 12, 0, false, &limit), CONNLIMIT_FULL);
    assert_int_equal(limit, 12);
    assert_int_equal(connlimit_decide(&p, 12, 0, true, &limit), CONNLIMIT_ADMIT);
    assert_int_equal(connlimit_decide(&p, 15, 0, true, &limit), CONNLIMIT_ADMIT);
    assert_int_equal(connlimit_decide(&p, 16, 0, true, &limit), CONNLIMIT_FULL);
    assert_int_equal(limit, 16);
}

static void test_per_user(void **state)
{
    (void)state;
    connlimit_policy p;
    connlimit_policy_init(&p, 256, 3);
    unsigned limit = 0;
    assert_int_equal(connlimit_decide(&p, 10, 2, false, &limit), CONNLIMIT_ADMIT);
    assert_int_equal(connlimit_decide(&p, 10, 3, false, &limit), CONNLIMIT_USER);
    assert_int_equal(limit, 3);
    /* Administrators are bound by the total alone. */
    assert_int_equal(connlimit_decide(&p, 10, 200, true, &limit), CONNLIMIT_ADMIT);
}

static void test_users_count(void **state)
{
    (void)state;
    connlimit_users u = {0};
    for (uid_t uid = 1000; uid < 1020; uid++)
        assert_int_equal(connlimit_users_add(&u, uid), 0);
    assert_int_equal(connlimit_users_add(&u, 1005), 0);
    assert_int_equal(connlimit_users_count(&u, 1005), 2);
    assert_int_equal(connlimit_users_count(&u, 1019), 1);
    assert_int_equal(connlimit_users_count(&u, 7), 0);
    connlimit_users_remove(&u, 1005);
    assert_int_equal(connlimit_users_count(&u, 1005), 1);
    connlimit_users_remove(&u, 1005);
    assert_int_equal(connlimit_users_count(&u, 1005), 0);
    assert_int_equal(u.n, 19);
    /* The uid moved into the freed place keeps its count. */
    assert_int_equal(connlimit_users_count(&u, 1019), 1);
    connlimit_users_remove(&u, 7); /* never counted: nothing happens */
    assert_int_equal(u.n, 19);
    connlimit_users_free(&u);
    assert_null(u.v);
    connlimit_users_free(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_defaults),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_per_user),
        cmocka_unit_test(test_users_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
