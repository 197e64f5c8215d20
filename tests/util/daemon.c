/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * daemon.c — start and stop a real liuhend for the integration tests.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#ifndef LH_BUILD_DIR
#define LH_BUILD_DIR "build"
#endif

const char *td_liuhend_path(void)
{
    return LH_BUILD_DIR "/bin/liuhend";
}

int td_run(const char *const *argv, const char *stdout_path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (stdout_path != NULL) {
            int fd = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0 || dup2(fd, 1) < 0)
                _exit(127);
            close(fd);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

void td_check_sound(const td_daemon *d)
{
    char out[TD_PATH_MAX + 16];
    snprintf(out, sizeof out, "%s/check.out", d->dir);
    const char *argv[] = {td_liuhend_path(), "check", "--data", d->data, NULL};
    int status = td_run(argv, out);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("liuhend check: status %d; see %s", status, out);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

const char *td_user(void)
{
    if (geteuid() != 0)
        return NULL;
    const char *user = getenv("LIUHEN_TEST_USER");
    return user != NULL && user[0] != '\0' ? user : "daemon";
}

static uid_t give_uid;
static gid_t give_gid;

static int give_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (lchown(path, give_uid, give_gid) != 0 && errno != ENOENT)
        fail_msg("chown %s to uid %u: %s", path, (unsigned)give_uid, strerror(errno));
    return 0;
}

void td_give(const char *path)
{
    const char *user = td_user();
    if (user == NULL)
        return;
    struct passwd *pw = getpwnam(user);
    if (pw == NULL)
        fail_msg("the test user %s does not exist (LIUHEN_TEST_USER)", user);
    give_uid = pw->pw_uid;
    give_gid = pw->pw_gid;
    assert_int_equal(nftw(path, give_one, 16, FTW_PHYS), 0);
}

void td_init(td_daemon *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->dir, sizeof d->dir, "/tmp/liuhen-test-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    snprintf(d->data, sizeof d->data, "%s/data", d->dir);
    snprintf(d->publish, sizeof d->publish, "%s/publish", d->dir);
    snprintf(d->socket, sizeof d->socket, "%s/data/liuhen.sock", d->dir);
    snprintf(d->log, sizeof d->log, "%s/liuhend.log", d->dir);
    snprintf(d->state, sizeof d->state, "%s/client.state", d->dir);
    d->origin = "test.liuhen.example/log";

    char key_path[TD_PATH_MAX + 16], pub_path[TD_PATH_MAX + 16], out_path[TD_PATH_MAX + 16];
    snprintf(key_path, sizeof key_path, "%s/admin.key", d->dir);
    snprintf(pub_path, sizeof pub_path, "%s/admin.pub", d->dir);
    snprintf(out_path, sizeof out_path, "%s/init.out", d->dir);
    lh_err err = {{0}};
    assert_int_equal(keyfile_generate("管理员", &d->admin, &err), 0);
    assert_int_equal(keyfile_write_secret(key_path, d->admin, NULL, KEYFILE_KDF_INTERACTIVE, &err),
                     0);
    assert_int_equal(keyfile_write_public(pub_path, d->admin, &err), 0);

    td_give(d->dir);
    const char *user = td_user();
    const char *argv[] = {td_liuhend_path(),
                          "init",
                          "--data",
                          d->data,
                          "--origin",
                          d->origin,
                          "--admin",
                          pub_path,
                          "--no-passphrase",
                          user != NULL ? "--user" : NULL,
                          user,
                          NULL};
    int status = td_run(argv, out_path);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("liuhend init failed (status %d)", status);

    /* init prints the log's verifier key. */
    FILE *fp = fopen(out_path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(d->vkey, sizeof d->vkey, fp));
    fclose(fp);
    d->vkey[strcspn(d->vkey, "\n")] = '\0';
    assert_true(strlen(d->vkey) > 0);
}

static bool socket_accepts(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        close(fd);
        return false;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    bool ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

/* LIUHEND_WRAPPER split at spaces into argv (at most max words, kept in
 * buf): the command the daemon is run under (valgrind...); 0 words when
 * unset. */
static size_t wrapper_words(const char **argv, size_t max, char *buf, size_t cap)
{
    const char *w = getenv("LIUHEND_WRAPPER");
    if (w == NULL || w[0] == '\0')
        return 0;
    snprintf(buf, cap, "%s", w);
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, " ", &save); t != NULL && n < max; t = strtok_r(NULL, " ", &save))
        argv[n++] = t;
    return n;
}

int td_slowdown(void)
{
    const char *w = getenv("LIUHEND_WRAPPER");
    return w != NULL && w[0] != '\0' ? 10 : 1;
}

/* Fork liuhend with the test's standard arguments; stderr to d->log. */
static pid_t spawn_daemon(td_daemon *d, const char *const *extra_args)
{
    const char *argv[96];
    char wrapper[1024];
    size_t n = wrapper_words(argv, 24, wrapper, sizeof wrapper);
    argv[n++] = td_liuhend_path();
    argv[n++] = "--data";
    argv[n++] = d->data;
    argv[n++] = "--publish";
    argv[n++] = d->publish;
    argv[n++] = "--log-level";
    argv[n++] = "debug";
    /* Run as root (CI), liuhend must be told whom to become: everything
     * under the test's directory is given to that user first. */
    const char *user = td_user();
    if (user != NULL) {
        td_give(d->dir);
        argv[n++] = "--user";
        argv[n++] = user;
    }
    /* A wrapper (valgrind) cannot run under the seccomp filter. */
    if (td_slowdown() > 1)
        argv[n++] = "--no-seccomp";
    if (!d->no_copies) {
        argv[n++] = "--export-dir";
        argv[n++] = d->dir;
        argv[n++] = "--backup-dir";
        argv[n++] = d->dir;
    }
    for (size_t i = 0; extra_args != NULL && extra_args[i] != NULL && n < 94; i++)
        argv[n++] = extra_args[i];
    argv[n] = NULL;

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd < 0 || dup2(fd, 2) < 0 || dup2(fd, 1) < 0)
            _exit(127);
        close(fd);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

int td_start_refused(td_daemon *d, const char *const *extra_args, int timeout_ms)
{
    pid_t pid = spawn_daemon(d, extra_args);
    timeout_ms *= td_slowdown();
    for (int waited = 0; waited < timeout_ms; waited += 20) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return status;
        sleep_ms(20);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fail_msg("liuhend did not refuse to start within %d ms; see %s", timeout_ms, d->log);
    return -1;
}

void td_start(td_daemon *d, const char *const *extra_args)
{
    pid_t pid = spawn_daemon(d, extra_args);
    d->pid = pid;
    int timeout_ms = 20000 * td_slowdown();
    for (int waited = 0; waited < timeout_ms; waited += 20) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            d->pid = 0;
            fail_msg("liuhend exited at start (status %d); see %s", status, d->log);
        }
        if (socket_accepts(d->socket))
            return;
        sleep_ms(20);
    }
    fail_msg("liuhend did not listen on %s within %d s; see %s", d->socket, timeout_ms / 1000,
             d->log);
}

int td_stop(td_daemon *d, int sig)
{
    assert_true(d->pid > 0);
    kill(d->pid, sig);
    int status = 0;
    while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
        ;
    d->pid = 0;
    return status;
}

void td_cleanup(td_daemon *d)
{
    if (d->pid > 0)
        td_stop(d, SIGKILL);
    keyfile_key_free(d->admin);
    d->admin = NULL;
    if (d->dir[0] != '\0' && getenv("LIUHEN_KEEP_TEST_DIRS") == NULL)
        tu_rmtree(d->dir);
}

td_daemon *td_running;

int td_teardown_running(void **state)
{
    (void)state;
    if (td_running != NULL)
        td_cleanup(td_running);
    td_running = NULL;
    return 0;
}

void td_socket_for_others(td_daemon *d, const char *name)
{
    assert_int_equal(chmod(d->dir, 0711), 0);
    int n = snprintf(d->socket, sizeof d->socket, "%s/%s", d->dir, name);
    assert_true(n > 0 && (size_t)n < sizeof d->socket);
}

void td_init_start(td_daemon *d, const char *const *extra_args)
{
    td_init(d);
    td_start(d, extra_args);
}

void td_stop_cleanup(td_daemon *d)
{
    assert_int_equal(WEXITSTATUS(td_stop(d, SIGTERM)), 0);
    td_cleanup(d);
}
