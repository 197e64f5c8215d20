/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_peer.c — peer.h: who is a socket admin. Root and the daemon's own
 * uid always; another uid only through --admin-group, by the peer's gid
 * or by its passwd entry's groups; an unknown peer never.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pwd.h>
#include <stdbool.h>

#include "peer.h"

/* nobody, with its passwd entry's primary group. */
static peer_cred nobody(gid_t *primary)
{
    struct passwd *pw = getpwnam("nobody");
    assert_non_null(pw);
    *primary = pw->pw_gid;
    return (peer_cred){.known = true, .uid = pw->pw_uid, .gid = 12345, .pid = 1};
}

static void test_admins(void **state)
{
    (void)state;
    peer_admins admins = {.self = 4242};
    peer_cred root = {.known = true, .uid = 0, .gid = 0, .pid = 1};
    peer_cred self = {.known = true, .uid = 4242, .gid = 4242, .pid = 1};
    gid_t primary;
    peer_cred other = nobody(&primary);
    peer_cred unknown = {.known = false, .uid = 0};

    assert_true(peer_is_admin(&root, &admins));
    assert_true(peer_is_admin(&self, &admins));
    assert_false(peer_is_admin(&other, &admins));
    assert_false(peer_is_admin(&unknown, &admins));
    assert_false(peer_is_admin(NULL, &admins));

    /* A group nobody is not in. */
    admins.has_group = true;
    admins.group = 54321;
    assert_false(peer_is_admin(&other, &admins));
    /* Its passwd entry's primary group. */
    admins.group = primary;
    assert_true(peer_is_admin(&other, &admins));
    /* The process's own gid, even without the passwd entry's say. */
    admins.group = 12345;
    assert_true(peer_is_admin(&other, &admins));
    /* A uid with no passwd entry: only by its gid. */
    peer_cred ghost = {.known = true, .uid = 3999999, .gid = 3999999, .pid = 1};
    admins.group = primary;
    assert_false(peer_is_admin(&ghost, &admins));
    admins.group = 3999999;
    assert_true(peer_is_admin(&ghost, &admins));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
