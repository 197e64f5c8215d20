/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * bgthread.c — background threads that block every signal (bgthread.h).
 */
#include "bgthread.h"

#include <signal.h>

int bgthread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
    /* A new thread inherits the mask of the thread that creates it. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(thread, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
