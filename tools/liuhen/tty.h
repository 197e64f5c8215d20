/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tty.h — what `liuhen` does only when a person is at a terminal: ask them
 * to confirm (an incomplete record, a holder enrolled twice), and show that
 * a long call (export, backup) is still going. Without a terminal (a
 * script, a pipe, cron) nothing is asked and nothing is drawn: the caller
 * decides what to do instead, which is to warn and go on.
 *
 * Prompts and progress go to the terminal's standard error, answers are
 * read from /dev/tty (as passphrases are, passphrase.h): standard input
 * may carry the records.
 */
#ifndef LIUHEN_TTY_H
#define LIUHEN_TTY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/** Whether a person is at a terminal: standard input and standard error
 *  are both terminals. */
bool tty_interactive(void);

/**
 * Ask a yes/no question on the terminal; the default is no.
 * @param[in] question  printed on standard error as it is, followed by
 *                      " [y/N] " ("[是/否]" answers count too).
 * @return true only when the answer begins with y or Y, or is 是; false
 *         for anything else, an empty line, end of input, or no terminal.
 */
bool tty_confirm(const char *question);

/** How long a call runs before its progress is shown, in ms. */
#define TTY_PROGRESS_AFTER_MS 1000

/** A spinner with the elapsed time ("| 1:05"), drawn on standard error by
 *  a thread of its own while the caller waits in a blocking call. */
typedef struct tty_progress {
    bool running;      /* the thread was started */
    bool stop;         /* guarded by lock: the call returned */
    bool drawn;        /* something is on the line, to be cleared */
    int64_t start_ms;  /* CLOCK_MONOTONIC */
    const char *label; /* "liuhen export: writing the tiles directory"; borrowed */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} tty_progress;

/**
 * Start showing progress, after TTY_PROGRESS_AFTER_MS, when standard error
 * is a terminal; otherwise do nothing.
 * @param[in] label  borrowed until tty_progress_stop().
 */
void tty_progress_start(tty_progress *p, const char *label);

/** Stop showing progress and clear its line; a no-op when nothing was started. */
void tty_progress_stop(tty_progress *p);

#endif
