/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * harness.c — the liuhend under test and its authors (harness.h).
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "fileio.h"
#include "harness.h"
#include "keyfile.h"

/* The origin of a log the harness makes. */
#define HARNESS_ORIGIN "bench.liuhen.local/log"
/* How long a new daemon has to answer, and a stopping one to exit. */
#define HARNESS_START_MS 20000
#define HARNESS_STOP_MS  30000
/* The deadline of each call: long, since a pipelined run of appends on a
 * loaded two-core machine may wait behind many batches. */
#define HARNESS_TIMEOUT_MS 120000u

struct harness {
    lh_options opts;
    bool own;
    bool keep;
    pid_t pid;
    char dir[PATH_MAX];
    char data[PATH_MAX + 16];
    char socket[PATH_MAX + 16];
    char vkey_path[PATH_MAX + 16];
    char log_path[PATH_MAX + 16];
    char vkey[LH_VKEY_MAX];
    char origin[ENTRY_ORIGIN_MAX + 1]; /* the log's, which every entry names */
    lh_key *admin;
    lh_conn *conn;   /* the admin's, for enrolments */
    uint32_t run_id; /* in case ids, so that runs against one log never share a case */
    size_t nauthors; /* enrolled so far */
};

/* The daemon to kill if the benchmark is interrupted. */
static volatile pid_t harness_child = 0;

static void harness_on_signal(int sig)
{
    pid_t pid = harness_child;
    if (pid > 0)
        kill(pid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void harness_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Start argv with standard output and error appended to log: its process
 * id, or -1. */
static pid_t harness_spawn(const char *const *argv, const char *log, bool die_with_parent)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* The daemon must not outlive a benchmark killed with SIGKILL. */
    if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent))
        _exit(127);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    int null = open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        _exit(127);
    close(fd);
    close(null);
    execv(argv[0], (char *const *)argv);
    fprintf(stderr, "liuhen-bench: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static int harness_wait(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

/* The end of the daemon's log (at most cap - 1 bytes), for a message. */
static void harness_log_tail(const harness *h, char *out, size_t cap)
{
    out[0] = '\0';
    FILE *fp = fopen(h->log_path, "r");
    if (fp == NULL)
        return;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    size_t keep = n < cap - 1 ? n : cap - 1;
    memcpy(out, buf + n - keep, keep);
    out[keep] = '\0';
    while (keep > 0 && out[keep - 1] == '\n')
        out[--keep] = '\0';
}

static int harness_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void harness_remove_tree(const char *dir)
{
    nftw(dir, harness_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The log key's line of a log.vkey file. */
static int harness_read_vkey(harness *h, const char *path, lh_err *err)
{
    size_t len = 0;
    int rc = fileio_read_into(path, 0, "log verifier key", h->vkey, sizeof h->vkey - 1, &len, err);
    if (rc != 0)
        return rc;
    h->vkey[strcspn(h->vkey, "\r\n")] = '\0';
    if (h->vkey[0] == '\0')
        return lh_err_set(err, LH_EPARSE, "%s: empty log verifier key", path);
    return 0;
}

/* Wait until the daemon answers Status, or has died. */
static int harness_wait_ready(harness *h, lh_err *err)
{
    lh_err last = {{0}};
    for (long waited = 0; waited < HARNESS_START_MS; waited += 100) {
        if (h->own) {
            int status = 0;
            if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
                h->pid = 0;
                harness_child = 0;
                char tail[700];
                harness_log_tail(h, tail, sizeof tail);
                return lh_err_set(err, LH_EUNAVAILABLE, "liuhend exited at start (status %d): %s",
                                  status, tail);
            }
        }
        lh_conn *conn = NULL;
        lh_server_status st;
        int rc = lh_connect(&h->opts, &conn, &last);
        if (rc == 0 && (rc = lh_status(conn, &st, &last)) == 0) {
            lh_server_status_free(&st);
            h->conn = conn;
            snprintf(h->origin, sizeof h->origin, "%s", lh_origin(conn));
            return 0;
        }
        lh_close(conn);
        if (!h->own)
            return lh_err_set(err, rc, "liuhend at %s does not answer: %s", h->socket, last.msg);
        harness_sleep_ms(100);
    }
    return lh_err_set(err, LH_ETIMEOUT, "liuhend did not answer within %d s: %s",
                      HARNESS_START_MS / 1000, last.msg);
}

/* A temporary directory, an admin key, `liuhend init`, then liuhend. */
static int harness_start(harness *h, const harness_config *cfg, lh_err *err)
{
    const char *base = cfg->dir != NULL ? cfg->dir : getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    if (snprintf(h->dir, sizeof h->dir, "%s/liuhen-bench.XXXXXX", base) >= (int)sizeof h->dir)
        return lh_err_set(err, LH_EINVAL, "%s: path too long", base);
    if (mkdtemp(h->dir) == NULL)
        return lh_err_set(err, -errno, "cannot make a temporary directory in %s: %s", base,
                          strerror(errno));
    snprintf(h->data, sizeof h->data, "%s/data", h->dir);
    snprintf(h->socket, sizeof h->socket, "%s/liuhen.sock", h->dir);
    snprintf(h->vkey_path, sizeof h->vkey_path, "%s/data/log.vkey", h->dir);
    snprintf(h->log_path, sizeof h->log_path, "%s/liuhend.log", h->dir);
    if (strlen(h->socket) >= 108)
        return lh_err_set(err, LH_EINVAL, "%s: too long for a Unix socket: give a shorter --dir",
                          h->socket);
    if (access(cfg->liuhend, X_OK) != 0)
        return lh_err_set(err, -errno, "%s: %s (build it first: make)", cfg->liuhend,
                          strerror(errno));

    char pub[PATH_MAX + 16];
    snprintf(pub, sizeof pub, "%s/admin.pub", h->dir);
    int rc = keyfile_generate("bench-admin", &h->admin, err);
    if (rc == 0)
        rc = keyfile_write_public(pub, h->admin, err);
    if (rc != 0)
        return rc;

    /* liuhend never serves as root: as root, it becomes LIUHEN_USER
     * (default daemon), to whom the directory is given. */
    const char *user = NULL;
    if (geteuid() == 0) {
        user = getenv("LIUHEN_USER");
        if (user == NULL || user[0] == '\0')
            user = "daemon";
        struct passwd *pw = getpwnam(user);
        if (pw == NULL)
            return lh_err_set(
                err, LH_EINVAL,
                "running as root, liuhend becomes LIUHEN_USER=%s, which does not exist", user);
        if (chown(h->dir, pw->pw_uid, pw->pw_gid) != 0 || chown(pub, pw->pw_uid, pw->pw_gid) != 0)
            return lh_err_set(err, -errno, "%s: cannot give it to %s: %s", h->dir, user,
                              strerror(errno));
    }
    const char *init[] = {cfg->liuhend,  "init",     "--data",
                          h->data,       "--origin", HARNESS_ORIGIN,
                          "--admin",     pub,        "--no-passphrase",
                          "--log-level", "warn",     user != NULL ? "--user" : NULL,
                          user,          NULL};
    int status = 0;
    pid_t pid = harness_spawn(init, h->log_path, false);
    if (pid < 0 || harness_wait(pid, &status) != 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        char tail[700];
        harness_log_tail(h, tail, sizeof tail);
        return lh_err_set(err, LH_EINTERNAL, "liuhend init failed: %s", tail);
    }
    if ((rc = harness_read_vkey(h, h->vkey_path, err)) != 0)
        return rc;

    /* Killed with the benchmark: on SIGINT and SIGTERM here, by the
     * kernel (PR_SET_PDEATHSIG) on anything else. */
    signal(SIGINT, harness_on_signal);
    signal(SIGTERM, harness_on_signal);
    signal(SIGHUP, harness_on_signal);
    const char *serve[] = {cfg->liuhend, "--data",      h->data, "--socket",
                           h->socket,    "--log-level", "warn",  user != NULL ? "--user" : NULL,
                           user,         NULL};
    if ((h->pid = harness_spawn(serve, h->log_path, true)) < 0) {
        h->pid = 0;
        return lh_err_set(err, -errno, "cannot start %s: %s", cfg->liuhend, strerror(errno));
    }
    harness_child = h->pid;
    return 0;
}

int harness_open(const harness_config *cfg, harness **out, lh_err *err)
{
    *out = NULL;
    if (sodium_init() < 0)
        return lh_err_set(err, LH_EINTERNAL, "libsodium cannot be initialised");
    harness *h = calloc(1, sizeof *h);
    if (h == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    h->keep = cfg->keep;
    h->run_id = randombytes_random();
    int rc;
    if (cfg->socket != NULL) {
        snprintf(h->socket, sizeof h->socket, "%s", cfg->socket);
        snprintf(h->vkey_path, sizeof h->vkey_path, "%s", cfg->log_key);
        const char *base = cfg->dir != NULL ? cfg->dir : getenv("TMPDIR");
        if (base == NULL || base[0] == '\0')
            base = "/tmp";
        snprintf(h->dir, sizeof h->dir, "%s/liuhen-bench.XXXXXX", base);
        if (mkdtemp(h->dir) == NULL) {
            rc = lh_err_set(err, -errno, "cannot make a temporary directory in %s: %s", base,
                            strerror(errno));
            h->dir[0] = '\0';
        } else if ((rc = harness_read_vkey(h, cfg->log_key, err)) == 0) {
            rc = lh_key_read(cfg->admin_key, getenv("LIUHEN_PASSPHRASE"), &h->admin, err);
        }
    } else {
        h->own = true;
        rc = harness_start(h, cfg, err);
    }
    h->opts.socket_path = h->socket;
    h->opts.log_vkey = h->vkey;
    h->opts.timeout_ms = HARNESS_TIMEOUT_MS;
    if (rc == 0)
        rc = harness_wait_ready(h, err);
    if (rc != 0) {
        harness_close(h);
        return rc;
    }
    *out = h;
    return 0;
}

int harness_close(harness *h)
{
    if (h == NULL)
        return 0;
    int status = 0;
    lh_close(h->conn);
    lh_key_free(h->admin);
    if (h->pid > 0) {
        kill(h->pid, SIGTERM);
        long waited = 0;
        while (waitpid(h->pid, &status, WNOHANG) == 0) {
            if (waited >= HARNESS_STOP_MS) {
                kill(h->pid, SIGKILL);
                harness_wait(h->pid, &status);
                break;
            }
            harness_sleep_ms(20);
            waited += 20;
        }
        harness_child = 0;
    }
    if (h->dir[0] != '\0') {
        if (h->keep)
            fprintf(stderr, "liuhen-bench: kept %s\n", h->dir);
        else
            harness_remove_tree(h->dir);
    }
    free(h);
    return status;
}

const lh_options *harness_options(const harness *h)
{
    return &h->opts;
}

int harness_tree_size(const harness *h, uint64_t *size, lh_err *err)
{
    lh_conn *conn = NULL;
    lh_checkpoint cp;
    int rc = lh_connect(&h->opts, &conn, err);
    if (rc == 0 && (rc = lh_get_checkpoint(conn, &cp, err)) == 0) {
        *size = cp.size;
        lh_checkpoint_free(&cp);
    }
    lh_close(conn);
    return rc;
}

const char *harness_workdir(const harness *h)
{
    return h->dir;
}

const char *harness_vkey_path(const harness *h)
{
    return h->vkey_path;
}

const char *harness_data_dir(const harness *h)
{
    return h->own ? h->data : NULL;
}

pid_t harness_daemon_pid(const harness *h)
{
    return h->own ? h->pid : 0;
}

double harness_daemon_cpu(const harness *h)
{
    if (!h->own || h->pid <= 0)
        return -1;
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)h->pid);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    /* After the command's closing parenthesis: field 3 (state) on; utime
     * and stime are fields 14 and 15, in clock ticks. */
    char *p = strrchr(buf, ')');
    if (p == NULL)
        return -1;
    unsigned long long utime = 0, stime = 0;
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) !=
        2)
        return -1;
    long tick = sysconf(_SC_CLK_TCK);
    return tick > 0 ? (double)(utime + stime) / (double)tick : -1;
}

void harness_authors_free(harness_author *a, size_t n)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        lh_key_free(a[i].key);
        if (a[i].sk != NULL)
            sodium_free(a[i].sk);
        corpus_free(a[i].stream);
    }
    free(a);
}

/* A new author: a key pair from a fresh seed, both forms of it, and its
 * stream of records. */
static int harness_author_new(harness *h, harness_author *a, lh_err *err)
{
    size_t number = ++h->nauthors;
    snprintf(a->holder, sizeof a->holder, "压测用户-%08" PRIx32 "-%03zu", h->run_id, number);
    uint8_t seed[KEYFILE_SEEDBYTES], pk[ENTRY_KEY_BYTES];
    randombytes_buf(seed, sizeof seed);
    if ((a->sk = sodium_malloc(ENTRY_SK_BYTES)) == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of secure memory for keys");
    crypto_sign_ed25519_seed_keypair(pk, a->sk, seed);
    char name[48];
    snprintf(name, sizeof name, "bench-%08" PRIx32 "-%03zu", h->run_id, number);
    int rc = keyfile_from_seed(name, seed, &a->key, err);
    sodium_memzero(seed, sizeof seed);
    if (rc != 0)
        return rc;
    char prefix[48];
    snprintf(prefix, sizeof prefix, "QJ-%08" PRIx32 "-%03zu", h->run_id, number);
    uint64_t stream_seed =
        UINT64_C(0x6c697568656e0006) ^ ((uint64_t)number * UINT64_C(0x9e3779b97f4a7c15));
    if ((rc = corpus_new(h->origin, pk, prefix, stream_seed, &a->stream)) != 0)
        return lh_err_set(err, rc, "out of memory");
    return 0;
}

int harness_enroll(harness *h, size_t n, harness_author **out, lh_err *err)
{
    *out = NULL;
    harness_author *a = calloc(n, sizeof *a);
    if (a == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    size_t nroles = 0;
    const Liuhen__Role *roles = corpus_roles(&nroles);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((rc = harness_author_new(h, &a[i], err)) != 0)
            break;
        Liuhen__Entry e = LIUHEN__ENTRY__INIT;
        Liuhen__KeyEnroll body = LIUHEN__KEY_ENROLL__INIT;
        e.kind = LIUHEN__KIND__KIND_KEY_ENROLL;
        e.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
        e.key_enroll = &body;
        body.public_key.data = (uint8_t *)lh_key_public(a[i].key);
        body.public_key.len = ENTRY_KEY_BYTES;
        body.holder = a[i].holder;
        body.position = "执法队员";
        body.unit = "区应急管理局执法支队";
        body.roles = (Liuhen__Role *)roles;
        body.n_roles = nroles;
        lh_receipt r;
        lh_err aerr = {{0}};
        rc = lh_append(h->conn, h->admin, &e, &r, &aerr);
        lh_receipt_free(&r);
        if (rc != 0)
            rc = lh_err_set(err, rc, "enrolling %s: %s", a[i].holder, aerr.msg);
    }
    if (rc != 0) {
        harness_authors_free(a, n);
        return rc;
    }
    *out = a;
    return 0;
}
