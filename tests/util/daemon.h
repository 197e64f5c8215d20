/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * daemon.h — a real liuhend for integration tests: a temporary directory
 * with an admin key, `liuhend init`, the daemon started on a socket in that
 * directory, and stopped by signal at the end.
 */
#ifndef LIUHEN_TEST_DAEMON_H
#define LIUHEN_TEST_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

#include "keyfile.h"

#define TD_PATH_MAX 512

typedef struct td_daemon {
    char dir[64];               /* the temporary directory */
    char data[TD_PATH_MAX];     /* dir/data: the log */
    char publish[TD_PATH_MAX];  /* dir/publish: the tiles directory */
    char socket[TD_PATH_MAX];   /* dir/data/liuhen.sock */
    char log[TD_PATH_MAX];      /* dir/liuhend.log: the daemon's stderr */
    char state[TD_PATH_MAX];    /* dir/client.state: a client's state file; nothing makes it */
    char vkey[TD_PATH_MAX * 2]; /* the log's verifier key */
    const char *origin;
    keyfile_key *admin; /* the admin key enrolled at init */
    pid_t pid;          /* running daemon, or 0 */
    bool no_copies;     /* td_start() gives no --export-dir, --backup-dir */
} td_daemon;

/**
 * The user liuhend runs as in the tests: NULL when they do not run as root;
 * as root, LIUHEN_TEST_USER or "daemon" (liuhend refuses to run as root
 * without --user).
 */
const char *td_user(void);

/**
 * Give path and everything under it (without following links) to
 * td_user(), so that the daemon may use what the test made; nothing when
 * not root.
 */
void td_give(const char *path);

/**
 * How many times slower the daemon is expected to be: 10 when it runs under
 * LIUHEND_WRAPPER (a command put before liuhend's, split at spaces:
 * tests/torture/valgrind.sh sets valgrind there), else 1. The start-up
 * waits below are multiplied by it.
 */
int td_slowdown(void);

/** The liuhend binary of this build (build/bin/liuhend or build/asan/bin/liuhend). */
const char *td_liuhend_path(void);

/**
 * Create a temporary directory, an admin key (dir/admin.key, dir/admin.pub)
 * and run `liuhend init` (no passphrase). Fails the test on any error.
 */
void td_init(td_daemon *d);

/**
 * Start liuhend on the initialised data directory with extra arguments
 * after the test's own (--data, --publish, and --export-dir and
 * --backup-dir both dir unless d->no_copies)
 * (NULL-terminated list, may be NULL), and wait until its socket accepts.
 * Fails the test if it exits or does not listen within 20 s (times
 * td_slowdown()). The daemon runs under LIUHEND_WRAPPER when it is set,
 * with --no-seccomp (valgrind cannot run under the filter).
 */
void td_start(td_daemon *d, const char *const *extra_args);

/**
 * Start liuhend expecting it to refuse: it must exit within timeout_ms.
 * Fails the test (after killing it) if it is still running then.
 * @return its wait status.
 */
int td_start_refused(td_daemon *d, const char *const *extra_args, int timeout_ms);

/**
 * Send `sig` to the daemon and wait for it.
 * @return its exit status as waitpid gives it.
 */
int td_stop(td_daemon *d, int sig);

/** Stop the daemon if running (SIGKILL) and remove the directory. */
void td_cleanup(td_daemon *d);

/**
 * The daemon td_teardown_running() cleans up after: a test sets it to its
 * own (static) td_daemon once made, and back to NULL once it has cleaned
 * up itself.
 */
extern td_daemon *td_running;

/**
 * A cmocka teardown for a test that sets td_running: after a failure too,
 * td_cleanup() of td_running when set (a daemon left running would hold
 * the test's files), then td_running = NULL. @return 0.
 */
int td_teardown_running(void **state);

/**
 * Serve the socket where other users may reach it: d->dir becomes
 * searchable by others (0711; the data directory inside stays 0700) and
 * d->socket is d->dir/name. The test gives "--socket", d->socket to
 * td_start() and opens the socket's mode once the daemon listens.
 */
void td_socket_for_others(td_daemon *d, const char *name);

/** td_init() then td_start(): a fresh log, served. */
void td_init_start(td_daemon *d, const char *const *extra_args);

/**
 * Stop the daemon with SIGTERM, failing the test unless it exits 0 (a clean
 * shutdown), then td_cleanup().
 */
void td_stop_cleanup(td_daemon *d);

/**
 * Run a command (argv NULL-terminated) and wait.
 * @return its wait status.
 */
int td_run(const char *const *argv, const char *stdout_path);

/**
 * `liuhend check --data d->data` on the stopped daemon's store, its output
 * in d->dir/check.out: fails the test unless it exits 0 (the store is
 * sound).
 */
void td_check_sound(const td_daemon *d);

#endif
