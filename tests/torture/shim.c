/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * shim.c — an LD_PRELOAD library for the kill torture (tests/test_kill.c),
 * never linked into liuhend: it makes the daemon kill itself with SIGKILL
 * at a chosen moment, so that the kill lands where a timer cannot aim.
 *
 *   LIUHEN_SHIM_MODE=commit   after the Nth fdatasync() of a small file
 *                             returns: the high-water mark, written after
 *                             the batch's LMDB commit and before any answer
 *                             (committed, not answered);
 *   LIUHEN_SHIM_MODE=publish  at the Nth renameat() (publication's tiles,
 *                             bundles and checkpoint go into place by
 *                             renameat): before it when N is odd, after it
 *                             when N is even.
 *   LIUHEN_SHIM_AT=N          N (default 1).
 *
 * The kill is tgkill() on the calling thread: liuhend's seccomp filter
 * allows it (daemon/harden.c), and SIGKILL ends the whole process.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h> /* renameat */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { MODE_NONE, MODE_COMMIT, MODE_PUBLISH };
/* The mark is two small slots; LMDB's data file is far larger. */
enum { SMALL_FILE = 64 * 1024 };

static int mode = MODE_NONE;
static long at = 1;
static atomic_long seen;
static int (*real_fdatasync)(int);
static int (*real_renameat)(int, const char *, int, const char *);

__attribute__((constructor)) static void shim_init(void)
{
    /* POSIX's way to take a function from dlsym() (its rationale). */
    *(void **)&real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    *(void **)&real_renameat = dlsym(RTLD_NEXT, "renameat");
    const char *m = getenv("LIUHEN_SHIM_MODE");
    const char *n = getenv("LIUHEN_SHIM_AT");
    if (m != NULL && strcmp(m, "commit") == 0)
        mode = MODE_COMMIT;
    else if (m != NULL && strcmp(m, "publish") == 0)
        mode = MODE_PUBLISH;
    if (n != NULL && atol(n) > 0)
        at = atol(n);
}

static void die(void)
{
    syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGKILL);
    _exit(137); /* not reached */
}

int fdatasync(int fd)
{
    int rc = real_fdatasync(fd);
    struct stat st;
    if (mode == MODE_COMMIT && rc == 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size < SMALL_FILE && atomic_fetch_add(&seen, 1) + 1 == at)
        die();
    return rc;
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    if (mode != MODE_PUBLISH || atomic_fetch_add(&seen, 1) + 1 != at)
        return real_renameat(olddirfd, oldpath, newdirfd, newpath);
    if (at % 2 == 1)
        die();
    int rc = real_renameat(olddirfd, oldpath, newdirfd, newpath);
    die();
    return rc;
}
