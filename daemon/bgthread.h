/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * bgthread.h — a background thread of liuhend (the publisher, the
 * scrubber) that blocks every signal, so that SIGTERM, SIGINT and SIGHUP
 * are delivered to the thread that handles them (the event loop's), never
 * to one that would ignore them.
 */
#ifndef LIUHEN_BGTHREAD_H
#define LIUHEN_BGTHREAD_H

#include <pthread.h>

/**
 * pthread_create(thread, NULL, fn, arg) with every signal blocked in the
 * new thread; the caller's signal mask is left as it was.
 * @return 0, or pthread_create()'s positive error number (the thread was
 *         not started and fn is never called).
 */
int bgthread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif
