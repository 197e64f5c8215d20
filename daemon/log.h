/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * log.h — liuhend's log lines on standard error, in the manner of OpenBSD's
 * log.c: each names the object and the cause
 * ("append: case QJ-2026-7: CONFLICT: case_prev is not the case head").
 */
#ifndef LIUHEN_LOG_H
#define LIUHEN_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/** Set the most verbose level printed (default LOG_LEVEL_INFO). */
void log_set_level(enum log_level level);

/**
 * Parse "error", "warn", "info" or "debug".
 * @return 0, or -1 for an unknown name.
 */
int log_level_parse(const char *name, enum log_level *level);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Log at LOG_LEVEL_ERROR and exit(1): for start-up only. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
