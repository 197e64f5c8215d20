/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * log.c — timestamped log lines on standard error; safe from any thread
 * (one fprintf per line, which stdio locks).
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_int max_level = LOG_LEVEL_INFO;

void log_set_level(enum log_level level)
{
    atomic_store(&max_level, (int)level);
}

int log_level_parse(const char *name, enum log_level *level)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) {
            *level = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
    static const char *const tags[] = {"error", "warn", "info", "debug"};
    if ((int)level > atomic_load(&max_level))
        return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%03ldZ liuhend %s: %s\n", when, ts.tv_nsec / 1000000, tags[level], msg);
}

#define LOG_FN(fn, level)                                                                          \
    void fn(const char *fmt, ...)                                                                  \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        vlog(level, fmt, ap);                                                                      \
        va_end(ap);                                                                                \
    }
LOG_FN(log_error, LOG_LEVEL_ERROR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

void log_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(LOG_LEVEL_ERROR, fmt, ap);
    va_end(ap);
    exit(1);
}
