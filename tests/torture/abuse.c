/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * abuse.c — liuhend under hostile clients, while a probe client asks for
 * the checkpoint (run by tests/torture/abuse.sh; a measurement, so never
 * part of `make check`). The probe runs twice, at the same pace: with the
 * daemon idle, then under
 *  - LIUHEN_ABUSE_IDLE (default 1000) connections that send nothing;
 *  - a pipeliner that sends GetEntries requests (each for the largest
 *    answer) as fast as it can and never reads;
 *  - clients that claim a frame of 4 GiB (length prefix 0xFFFFFFF0), over
 *    and over, each on a new connection;
 *  - a slowloris that sends a frame one byte a second (and starts again
 *    when --frame-timeout closes it).
 * Asserted: the probe is answered every time; its median latency under
 * abuse is at most 10 times the idle one (the 99th percentile is
 * reported); none of the idle connections is refused; every 4 GiB claim is
 * answered TOO_LARGE or closed; liuhend's peak resident size (VmHWM) stays
 * under the bound of docs/design.md "Connections and memory":
 *     max_output + N × (2 × max_frame + 64 KiB + 256 receipts)
 * (receipts counted at 1 KiB each). LIUHEN_ABUSE_SECONDS (default 40) is
 * how long each probe phase runs, a probe every 10 ms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "keyfile.h"
#include "ledger.h"
#include "liuhen.h"
#include "testutil.h"
#include "wire.h"

enum { PACE_MS = 10, MAX_OUTPUT_MIB = 64 };

static const td_daemon *daemon_;
static atomic_bool stop;
static atomic_long claims, claims_answered, slow_bytes, slow_closed, pipelined;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A connection, or -1 (no asserts: these run on threads of their own). */
static int raw_connect(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, daemon_->socket, strlen(daemon_->socket) + 1);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static long vm_kib(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    long kib = -1;
    size_t flen = strlen(field);
    while (fgets(line, sizeof line, fp) != NULL)
        if (strncmp(line, field, flen) == 0 && line[flen] == ':')
            kib = strtol(line + flen + 1, NULL, 10);
    fclose(fp);
    assert_true(kib >= 0);
    return kib;
}

/* GetEntries for the largest answer, as fast as the socket takes them. */
static void *pipeliner(void *arg)
{
    int fd = *(int *)arg;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    Liuhen__GetEntriesRequest ge = LIUHEN__GET_ENTRIES_REQUEST__INIT;
    ge.start = 0;
    ge.count = 1000;
    req.call_case = LIUHEN__REQUEST__CALL_GET_ENTRIES;
    req.get_entries = &ge;
    uint8_t frame[256];
    for (uint64_t id = 1; !atomic_load(&stop); id++) {
        req.id = id;
        size_t len = liuhen__request__pack(&req, frame + WIRE_HEADER_SIZE);
        wire_put_header(frame, (uint32_t)len);
        if (!send_all(fd, frame, WIRE_HEADER_SIZE + len))
            break;
        atomic_fetch_add(&pipelined, 1);
    }
    return NULL;
}

/* A 4 GiB frame claimed, again and again. */
static void *claimer(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        int fd = raw_connect();
        if (fd < 0) {
            sleep_ms(10);
            continue;
        }
        uint8_t hdr[WIRE_HEADER_SIZE];
        wire_put_header(hdr, 0xFFFFFFF0u);
        atomic_fetch_add(&claims, 1);
        if (send_all(fd, hdr, sizeof hdr)) {
            /* An answer (TOO_LARGE) and the close, or the close alone. */
            uint8_t buf[4096];
            struct pollfd p = {.fd = fd, .events = POLLIN};
            for (;;) {
                if (poll(&p, 1, 5000) != 1)
                    break;
                ssize_t n = recv(fd, buf, sizeof buf, 0);
                if (n <= 0) {
                    atomic_fetch_add(&claims_answered, 1);
                    break;
                }
            }
        }
        close(fd);
        sleep_ms(20);
    }
    return NULL;
}

/* One byte a second of a 100-byte frame; again when closed. */
static void *slowloris(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        int fd = raw_connect();
        if (fd < 0) {
            sleep_ms(100);
            continue;
        }
        uint8_t hdr[WIRE_HEADER_SIZE];
        wire_put_header(hdr, 100);
        bool ok = send_all(fd, hdr, sizeof hdr);
        for (int i = 0; ok && i < 100 && !atomic_load(&stop); i++) {
            for (int t = 0; t < 10 && !atomic_load(&stop); t++)
                sleep_ms(100);
            ok = send_all(fd, "x", 1);
            if (ok)
                atomic_fetch_add(&slow_bytes, 1);
        }
        if (!ok)
            atomic_fetch_add(&slow_closed, 1);
        close(fd);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct probe_stats {
    size_t n;
    double p50, p99, max;
    long rss_peak_kib; /* the largest VmRSS sampled meanwhile */
} probe_stats;

/* GetCheckpoint every PACE_MS for `seconds`: every call must succeed. */
static probe_stats probe(lh_conn *c, pid_t pid, unsigned seconds)
{
    size_t cap = (size_t)seconds * 1000 / PACE_MS + 1;
    double *lat = calloc(cap, sizeof *lat);
    assert_non_null(lat);
    probe_stats s = {0};
    lh_err err = {{0}};
    double end = now_ms() + seconds * 1000.0;
    while (s.n < cap && now_ms() < end) {
        lh_checkpoint cp = {0};
        double t0 = now_ms();
        int rc = lh_get_checkpoint(c, &cp, &err);
        double t1 = now_ms();
        if (rc != 0)
            fail_msg("probe %zu: GetCheckpoint failed: %s", s.n, err.msg);
        lh_checkpoint_free(&cp);
        lat[s.n++] = t1 - t0;
        if (s.n % 20 == 0) {
            long rss = vm_kib(pid, "VmRSS");
            if (rss > s.rss_peak_kib)
                s.rss_peak_kib = rss;
        }
        double left = PACE_MS - (now_ms() - t0);
        if (left > 0)
            sleep_ms((long)left);
    }
    qsort(lat, s.n, sizeof *lat, cmp_double);
    s.p50 = lat[s.n / 2];
    s.p99 = lat[s.n * 99 / 100];
    s.max = lat[s.n - 1];
    free(lat);
    return s;
}

static unsigned env_uint(const char *name, unsigned def)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? (unsigned)strtoul(v, NULL, 10) : def;
}

static void test_abuse(void **state)
{
    (void)state;
    unsigned nidle = env_uint("LIUHEN_ABUSE_IDLE", 1000);
    unsigned seconds = env_uint("LIUHEN_ABUSE_SECONDS", 40);
    /* Room for the idle connections, here and in liuhend (which inherits it). */
    struct rlimit rl = {nidle + 512, nidle + 512};
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        fail_msg("cannot raise RLIMIT_NOFILE to %u (run as root): %s", nidle + 512,
                 strerror(errno));
    char maxconn[32];
    snprintf(maxconn, sizeof maxconn, "%u", nidle + 64);
    const char *args[] = {"--max-connections", maxconn, "--max-connections-per-user", maxconn,
                          NULL};
    static td_daemon d; /* static: td_teardown_running() reaches it after a failure */
    lh_conn *c = tl_start(&d, args);
    td_running = &d;
    daemon_ = &d;

    /* A log of 300 entries of 8 KB, so that one GetEntries answer is large. */
    keyfile_key *key = tl_new_key("abuse");
    tl_enroll(c, &d, key, "[\"handler\"]");
    lh_err err = {{0}};
    static char json[12 * 1024];
    for (int i = 0; i < 300; i++) {
        int n = snprintf(json, sizeof json,
                         "{\"case_id\":\"A-%d\",\"kind\":\"KIND_INTERFERENCE\",\"interference\":"
                         "{\"content\":\"",
                         i % 9);
        for (int k = 0; k < 800; k++)
            n += snprintf(json + n, sizeof json - (size_t)n, "%09d ", i * 800 + k);
        snprintf(json + n, sizeof json - (size_t)n, "\"}}");
        lh_receipt r = {0};
        tu_assert_code(tl_append_json(c, key, json, &r, &err), 0, &err);
        lh_receipt_free(&r);
    }

    long rss_start = vm_kib(d.pid, "VmRSS");
    probe_stats idle = probe(c, d.pid, seconds);

    /* The abuse. */
    int *fds = calloc(nidle, sizeof *fds);
    assert_non_null(fds);
    for (unsigned i = 0; i < nidle; i++) {
        fds[i] = raw_connect();
        if (fds[i] < 0)
            fail_msg("idle connection %u: %s", i, strerror(errno));
    }
    int pfd = raw_connect();
    assert_true(pfd >= 0);
    pthread_t th[3];
    assert_int_equal(pthread_create(&th[0], NULL, pipeliner, &pfd), 0);
    assert_int_equal(pthread_create(&th[1], NULL, claimer, NULL), 0);
    assert_int_equal(pthread_create(&th[2], NULL, slowloris, NULL), 0);
    sleep_ms(500);
    long rss_conns = vm_kib(d.pid, "VmRSS");
    probe_stats busy = probe(c, d.pid, seconds);

    /* None of the idle connections was refused (a refusal is an answer
     * and a close: something to read). */
    unsigned refused = 0;
    for (unsigned i = 0; i < nidle; i++) {
        struct pollfd p = {.fd = fds[i], .events = POLLIN};
        if (poll(&p, 1, 0) == 1)
            refused++;
    }
    long hwm = vm_kib(d.pid, "VmHWM");
    atomic_store(&stop, true);
    shutdown(pfd, SHUT_RDWR);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    close(pfd);
    for (unsigned i = 0; i < nidle; i++)
        close(fds[i]);
    free(fds);

    unsigned long long n = nidle + 4;
    unsigned long long bound_kib = (unsigned long long)MAX_OUTPUT_MIB * 1024 +
                                   n * (2ULL * WIRE_DEFAULT_MAX_FRAME / 1024 + 64 + 256);
    fprintf(stderr,
            "abuse: %u idle connections (%u refused), a non-reading pipeliner (%ld GetEntries "
            "sent), %ld claims of a 4 GiB frame (%ld answered and closed), a slowloris (%ld "
            "bytes, closed %ld times)\n",
            nidle, refused, atomic_load(&pipelined), atomic_load(&claims),
            atomic_load(&claims_answered), atomic_load(&slow_bytes), atomic_load(&slow_closed));
    fprintf(stderr,
            "abuse: probe (GetCheckpoint every %d ms, %u s): idle %zu calls p50 %.3f ms p99 %.3f "
            "ms max %.3f ms; under abuse %zu calls p50 %.3f ms p99 %.3f ms max %.3f ms; ratio "
            "p50 %.2fx p99 %.2fx\n",
            PACE_MS, seconds, idle.n, idle.p50, idle.p99, idle.max, busy.n, busy.p50, busy.p99,
            busy.max, busy.p50 / idle.p50, busy.p99 / idle.p99);
    fprintf(stderr,
            "abuse: liuhend VmRSS %.1f MiB before, %.1f MiB with the connections open, %.1f MiB "
            "at most sampled under abuse; VmHWM %.1f MiB; the bound for %llu connections: %.1f "
            "MiB\n",
            rss_start / 1024.0, rss_conns / 1024.0, busy.rss_peak_kib / 1024.0, hwm / 1024.0, n,
            bound_kib / 1024.0);
    assert_int_equal(refused, 0);
    assert_true(atomic_load(&claims) > 0);
    assert_int_equal(atomic_load(&claims_answered), atomic_load(&claims));
    if (busy.p50 > 10 * idle.p50)
        fail_msg("the probe's median under abuse, %.3f ms, is more than 10 times the idle %.3f ms",
                 busy.p50, idle.p50);
    if ((unsigned long long)hwm > bound_kib)
        fail_msg("liuhend's peak resident size %ld KiB is over the bound %llu KiB", hwm, bound_kib);
    /* Still serving, and it stops cleanly. */
    lh_checkpoint cp = {0};
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), 0, &err);
    lh_checkpoint_free(&cp);
    keyfile_key_free(key);
    tl_stop(&d, c);
    td_running = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_abuse, td_teardown_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
