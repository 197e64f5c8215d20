/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_bgthread.c — bgthread.h: a background thread starts with every
 * signal blocked, and its creator's mask is left as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "bgthread.h"

/* The thread's own mask, as it found it. */
static void *report_mask(void *arg)
{
    pthread_sigmask(SIG_SETMASK, NULL, arg);
    return NULL;
}

static void test_blocks_every_signal(void **state)
{
    (void)state;
    sigset_t before, after, seen;
    sigemptyset(&before);
    sigaddset(&before, SIGUSR1);
    assert_int_equal(pthread_sigmask(SIG_SETMASK, &before, NULL), 0);
    sigemptyset(&seen);
    pthread_t t;
    assert_int_equal(bgthread_start(&t, report_mask, &seen), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    /* The signals liuhend handles on its loop's thread, and the others. */
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        assert_int_equal(sigismember(&seen, sigs[i]), 1);
    /* The creator's mask is unchanged: SIGUSR1 alone. */
    assert_int_equal(pthread_sigmask(SIG_SETMASK, NULL, &after), 0);
    assert_int_equal(sigismember(&after, SIGUSR1), 1);
    assert_int_equal(sigismember(&after, SIGTERM), 0);
    assert_int_equal(sigismember(&after, SIGINT), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_every_signal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
