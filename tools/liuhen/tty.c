/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tty.c — confirmations and progress, on a terminal only (tty.h).
 */
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"

bool tty_interactive(void)
{
    return isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

bool tty_confirm(const char *question)
{
    if (!tty_interactive())
        return false;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return false;
    fflush(stdout);
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    char line[64];
    size_t n = 0;
    for (;;) {
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || ch == '\n')
            break;
        if (n + 1 < sizeof line)
            line[n++] = ch;
    }
    close(fd);
    line[n] = '\0';
    size_t skip = strspn(line, " \t");
    const char *a = line + skip;
    return a[0] == 'y' || a[0] == 'Y' || strncmp(a, "是", strlen("是")) == 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The thread: wait until the call has run long enough, then redraw the
 * spinner and the elapsed seconds five times a second until stopped. */
static void *progress_run(void *arg)
{
    static const char spin[] = "|/-\\";
    tty_progress *p = arg;
    unsigned turn = 0;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        struct timespec until = calendar_realtime_after(200);
        pthread_cond_timedwait(&p->cond, &p->lock, &until);
        int64_t elapsed = now_ms() - p->start_ms;
        if (p->stop || elapsed < TTY_PROGRESS_AFTER_MS)
            continue;
        long long s = (long long)(elapsed / 1000);
        fprintf(stderr, "\r%s %c %lld:%02lld ", p->label, spin[turn++ % 4], s / 60, s % 60);
        fflush(stderr);
        p->drawn = true;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void tty_progress_start(tty_progress *p, const char *label)
{
    memset(p, 0, sizeof *p);
    if (!isatty(STDERR_FILENO))
        return;
    p->label = label;
    p->start_ms = now_ms();
    if (pthread_mutex_init(&p->lock, NULL) != 0)
        return;
    if (pthread_cond_init(&p->cond, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        return;
    }
    fflush(stdout);
    /* Without the thread, the call simply shows no progress. */
    if (pthread_create(&p->thread, NULL, progress_run, p) != 0) {
        pthread_cond_destroy(&p->cond);
        pthread_mutex_destroy(&p->lock);
        return;
    }
    p->running = true;
}

void tty_progress_stop(tty_progress *p)
{
    if (!p->running)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    if (p->drawn) {
        /* Clear the line, so that what follows starts at its beginning. */
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    p->running = false;
}
