/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * workload.c — clients on threads and what they measure (workload.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "entry.h"
#include "workload.h"

typedef enum client_kind { CLIENT_APPEND, CLIENT_APPEND_SYNC, CLIENT_PROVE } client_kind;

/* What the clients of one run share. */
typedef struct run_ctl {
    /* The start: clients count themselves ready (connected, or failed)
     * and wait for go. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t ready;
    bool go;
    atomic_bool stop;
    atomic_uint finished;
} run_ctl;

typedef struct client {
    client_kind kind;
    unsigned number;
    const lh_options *opts;
    run_ctl *ctl;
    /* append */
    const presigned *entries;
    unsigned depth;
    uint64_t interval_ns; /* paced: one entry every interval_ns, depth 1; 0: as fast as it goes */
    uint64_t phase_ns;    /* paced: this client's offset in the interval, so that the clients
                             do not all send at the same instants */
    /* append-sync */
    harness_author *author;
    /* prove */
    uint64_t rng;
    /* results */
    uint64_t ops;
    uint64_t bytes;
    bool exhausted;
    latency lat;
    uint64_t end_ns;
    int rc;
    lh_err err;
} client;

/* ---- entries signed ahead -------------------------------------------------------------------- */

typedef struct presign_job {
    harness_author *authors;
    presigned *out;
    size_t n, per_author, first, step;
    int rc;
    lh_err err;
} presign_job;

/* The Entry bytes inside SignedEntry bytes made here (0 if they do not
 * parse, which they always do). */
static size_t workload_entry_len(const uint8_t *signed_entry, size_t len)
{
    const uint8_t *entry = NULL, *sig = NULL;
    size_t elen = 0;
    return entry_signed_unpack(signed_entry, len, &entry, &elen, &sig, NULL) == 0 ? elen : 0;
}

static int workload_presign_one(harness_author *a, size_t count, presigned *p, lh_err *err)
{
    memset(p, 0, sizeof *p);
    p->buf = malloc((count + 1) * CORPUS_SIGNED_MAX);
    p->ptrs = calloc(count + 1, sizeof *p->ptrs);
    p->lens = calloc(count + 1, sizeof *p->lens);
    p->settled = calloc(count + 1, sizeof *p->settled);
    if (p->buf == NULL || p->ptrs == NULL || p->lens == NULL || p->settled == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory for %zu entries signed ahead", count);
    /* count entries, and one more if the last leaves a complaint waiting
     * for its answer (corpus_settled()): room was made for it. */
    size_t off = 0, i = 0;
    for (; i < count || (i == count && !corpus_settled(a->stream)); i++) {
        int rc =
            corpus_sign_next(a->stream, a->sk, p->buf + off, CORPUS_SIGNED_MAX, &p->lens[i], err);
        if (rc != 0)
            return rc;
        p->settled[i] = corpus_settled(a->stream);
        p->entry_bytes += workload_entry_len(p->buf + off, p->lens[i]);
        off += p->lens[i];
    }
    count = i;
    off = 0;
    for (i = 0; i < count; i++) {
        p->ptrs[i] = p->buf + off;
        off += p->lens[i];
    }
    p->n = count;
    return 0;
}

static void *workload_presign_thread(void *arg)
{
    presign_job *j = arg;
    for (size_t i = j->first; i < j->n && j->rc == 0; i += j->step)
        j->rc = workload_presign_one(&j->authors[i], j->per_author, &j->out[i], &j->err);
    return NULL;
}

int workload_presign(harness_author *authors, size_t n, size_t per_author, presigned *out,
                     lh_err *err)
{
    memset(out, 0, n * sizeof *out);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = cores > 0 ? (size_t)cores : 1;
    if (threads > n)
        threads = n;
    presign_job jobs[64];
    pthread_t tid[64];
    if (threads > 64)
        threads = 64;
    size_t started = 0;
    for (; started < threads; started++) {
        jobs[started] = (presign_job){authors, out, n, per_author, started, threads, 0, {{0}}};
        if (pthread_create(&tid[started], NULL, workload_presign_thread, &jobs[started]) != 0)
            break;
    }
    int rc = 0;
    for (size_t i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
        if (rc == 0 && jobs[i].rc != 0) {
            rc = jobs[i].rc;
            *err = jobs[i].err;
        }
    }
    /* The authors of a thread that could not start are not signed for. */
    if (rc == 0 && started < threads)
        rc = lh_err_set(err, LH_EINTERNAL, "cannot start the threads that sign entries");
    if (rc != 0)
        workload_presigned_free(out, n);
    return rc;
}

void workload_presigned_free(presigned *p, size_t n)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(p[i].buf);
        free(p[i].ptrs);
        free(p[i].lens);
        free(p[i].settled);
        memset(&p[i], 0, sizeof p[i]);
    }
}

/* ---- the clients ----------------------------------------------------------------------------- */

static void workload_fail(client *c, int rc, const char *what, const lh_err *err)
{
    c->rc = rc;
    lh_err_set(&c->err, rc, "client %u: %s: %s", c->number, what,
               err->msg[0] != '\0' ? err->msg : lh_strerror(rc));
}

/* Sleep until a time of latency_now_ns(). */
static void sleep_until_ns(uint64_t t)
{
    for (uint64_t now = latency_now_ns(); now < t; now = latency_now_ns()) {
        struct timespec ts = {.tv_sec = (time_t)((t - now) / 1000000000u),
                              .tv_nsec = (long)((t - now) % 1000000000u)};
        nanosleep(&ts, NULL);
    }
}

static void workload_append_loop(client *c, lh_conn *conn, lh_receipt *receipts)
{
    const presigned *p = c->entries;
    size_t i = 0;
    /* Paced, an entry is due every interval_ns from the start, whether the
     * one before it came back or not (an open loop): its latency counts
     * from when it was due, so that a slow answer delays the next ones and
     * shows in their latency too, instead of slowing the clock down. */
    uint64_t due = latency_now_ns() + c->phase_ns;
    for (;;) {
        /* Told to stop, a client stops where its stream is settled, at
         * most one entry later (corpus_settled()). */
        bool stopping = atomic_load(&c->ctl->stop);
        if (i == p->n) {
            c->exhausted = !stopping;
            break;
        }
        if (stopping && (i == 0 || p->settled[i - 1]))
            break;
        size_t run = p->n - i < c->depth ? p->n - i : c->depth, done = 0;
        for (size_t k = i; stopping && k < i + run; k++)
            if (p->settled[k])
                run = k - i + 1;
        lh_err err = {{0}};
        uint64_t t0 = latency_now_ns();
        if (c->interval_ns > 0) {
            sleep_until_ns(due);
            t0 = due;
            due += c->interval_ns;
        }
        int rc = lh_append_signed_many(conn, p->ptrs + i, p->lens + i, run, receipts, &done, &err);
        uint64_t t1 = latency_now_ns();
        for (size_t k = 0; k < run; k++)
            lh_receipt_free(&receipts[k]);
        c->ops += done;
        for (size_t k = 0; k < done; k++)
            c->bytes += workload_entry_len(p->ptrs[i + k], p->lens[i + k]);
        if (rc != 0) {
            workload_fail(c, rc, "lh_append_signed_many", &err);
            return;
        }
        if (latency_add(&c->lat, t1 - t0, run) != 0) {
            workload_fail(c, LH_ENOMEM, "latencies", &err);
            return;
        }
        i += run;
    }
}

static void workload_sync_loop(client *c, lh_conn *conn)
{
    harness_author *a = c->author;
    /* Told to stop, a client stops where its stream is settled. */
    while (!atomic_load(&c->ctl->stop) || !corpus_settled(a->stream)) {
        const Liuhen__Entry *e = corpus_next(a->stream);
        lh_receipt r;
        lh_err err = {{0}};
        uint64_t t0 = latency_now_ns();
        int rc = lh_append(conn, a->key, e, &r, &err);
        uint64_t t1 = latency_now_ns();
        const uint8_t *entry = NULL, *sig = NULL;
        size_t elen = 0;
        if (rc == 0 && (rc = entry_signed_unpack(r.signed_entry, r.signed_entry_len, &entry, &elen,
                                                 &sig, &err)) == 0) {
            /* The stream's later records of the case refer to this one. */
            uint8_t id[ENTRY_ID_BYTES];
            entry_id(entry, elen, id);
            corpus_logged(a->stream, id);
            c->bytes += elen;
        }
        lh_receipt_free(&r);
        if (rc != 0) {
            workload_fail(c, rc, "lh_append", &err);
            return;
        }
        c->ops++;
        if (latency_add(&c->lat, t1 - t0, 1) != 0) {
            workload_fail(c, LH_ENOMEM, "latencies", &err);
            return;
        }
    }
}

static uint64_t workload_rnd(client *c)
{
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return c->rng * UINT64_C(0x2545f4914f6cdd1d);
}

static void workload_prove_loop(client *c, lh_conn *conn, uint64_t size)
{
    while (!atomic_load(&c->ctl->stop)) {
        uint64_t index = workload_rnd(c) % size;
        lh_inclusion p;
        lh_err err = {{0}};
        uint64_t t0 = latency_now_ns();
        int rc = lh_inclusion_proof(conn, index, 0, &p, &err);
        uint64_t t1 = latency_now_ns();
        /* Indexes are drawn from the log as the latest proof saw it. */
        if (rc == 0 && p.tree_size > size)
            size = p.tree_size;
        lh_inclusion_free(&p);
        if (rc != 0) {
            workload_fail(c, rc, "lh_inclusion_proof", &err);
            return;
        }
        c->ops++;
        if (latency_add(&c->lat, t1 - t0, 1) != 0) {
            workload_fail(c, LH_ENOMEM, "latencies", &err);
            return;
        }
    }
}

static void *workload_client(void *arg)
{
    client *c = arg;
    lh_conn *conn = NULL;
    lh_receipt *receipts = NULL;
    lh_err err = {{0}};
    uint64_t size = 0;
    int rc = lh_connect(c->opts, &conn, &err);
    if (rc != 0) {
        workload_fail(c, rc, "connect", &err);
    } else if (c->kind == CLIENT_APPEND) {
        if ((receipts = calloc(c->depth, sizeof *receipts)) == NULL)
            workload_fail(c, LH_ENOMEM, "receipts", &err);
    } else if (c->kind == CLIENT_PROVE) {
        lh_checkpoint cp;
        if ((rc = lh_get_checkpoint(conn, &cp, &err)) != 0)
            workload_fail(c, rc, "lh_get_checkpoint", &err);
        else if ((size = cp.size) == 0)
            workload_fail(c, LH_EPROTO, "an empty log has nothing to prove", &err);
        lh_checkpoint_free(&cp);
    }
    /* Everyone starts together, ready or failed. */
    pthread_mutex_lock(&c->ctl->mu);
    c->ctl->ready++;
    pthread_cond_broadcast(&c->ctl->cv);
    while (!c->ctl->go)
        pthread_cond_wait(&c->ctl->cv, &c->ctl->mu);
    pthread_mutex_unlock(&c->ctl->mu);
    if (c->rc == 0) {
        switch (c->kind) {
        case CLIENT_APPEND: workload_append_loop(c, conn, receipts); break;
        case CLIENT_APPEND_SYNC: workload_sync_loop(c, conn); break;
        case CLIENT_PROVE: workload_prove_loop(c, conn, size); break;
        }
    }
    c->end_ns = latency_now_ns();
    atomic_fetch_add(&c->ctl->finished, 1);
    free(receipts);
    lh_close(conn);
    return NULL;
}

/* Run the clients: all connect, start at once, stop after `seconds` (0:
 * when they have all finished by themselves) or at the first failure. */
static int workload_run(client *clients, size_t n, double seconds, double *elapsed, lh_err *err)
{
    run_ctl ctl = {.ready = 0, .go = false};
    pthread_mutex_init(&ctl.mu, NULL);
    pthread_cond_init(&ctl.cv, NULL);
    atomic_init(&ctl.stop, false);
    atomic_init(&ctl.finished, 0);
    pthread_t *tid = calloc(n, sizeof *tid);
    if (tid == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        clients[i].ctl = &ctl;
        clients[i].number = (unsigned)i + 1;
        if (clients[i].rng == 0)
            clients[i].rng = UINT64_C(0x70726f6f66000000) + i;
    }
    size_t started = 0;
    for (; started < n; started++)
        if (pthread_create(&tid[started], NULL, workload_client, &clients[started]) != 0)
            break;
    /* Those started go when all are ready; if some could not start, they
     * go with stop set, and end at once. */
    if (started < n)
        atomic_store(&ctl.stop, true);
    pthread_mutex_lock(&ctl.mu);
    while (ctl.ready < started)
        pthread_cond_wait(&ctl.cv, &ctl.mu);
    ctl.go = true;
    pthread_cond_broadcast(&ctl.cv);
    pthread_mutex_unlock(&ctl.mu);
    uint64_t t0 = latency_now_ns();
    for (;;) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
        if (atomic_load(&ctl.finished) == started)
            break;
        bool failed = false;
        for (size_t i = 0; i < n; i++)
            failed = failed || clients[i].rc != 0;
        double t = (double)(latency_now_ns() - t0) / 1e9;
        if (failed || (seconds > 0 && t >= seconds))
            atomic_store(&ctl.stop, true);
    }
    uint64_t end = t0;
    int rc = 0;
    for (size_t i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
        if (clients[i].end_ns > end)
            end = clients[i].end_ns;
        if (rc == 0 && clients[i].rc != 0) {
            rc = clients[i].rc;
            *err = clients[i].err;
        }
    }
    free(tid);
    pthread_cond_destroy(&ctl.cv);
    pthread_mutex_destroy(&ctl.mu);
    *elapsed = (double)(end - t0) / 1e9;
    if (rc == 0 && started < n)
        rc = lh_err_set(err, LH_EINTERNAL, "cannot start %zu client threads", n);
    return rc;
}

/* Sum the clients of one kind into figures. */
static int workload_sum(client *clients, size_t n, client_kind kind, double elapsed,
                        workload_figures *out)
{
    latency all = {0};
    uint64_t bytes = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (clients[i].kind != kind)
            continue;
        out->clients++;
        out->ops += clients[i].ops;
        bytes += clients[i].bytes;
        out->exhausted = out->exhausted || clients[i].exhausted;
        if (rc == 0)
            rc = latency_merge(&all, &clients[i].lat);
    }
    out->seconds = elapsed;
    out->per_s = elapsed > 0 ? (double)out->ops / elapsed : 0;
    out->entry_bytes = kind != CLIENT_PROVE && out->ops > 0 ? (double)bytes / (double)out->ops : 0;
    latency_summarize(&all, &out->lat);
    latency_free(&all);
    return rc;
}

static void workload_clients_free(client *clients, size_t n)
{
    for (size_t i = 0; clients != NULL && i < n; i++)
        latency_free(&clients[i].lat);
    free(clients);
}

int workload_append(const lh_options *opts, const presigned *p, size_t n, unsigned depth,
                    double rate, double seconds, workload_figures *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    client *clients = calloc(n, sizeof *clients);
    if (clients == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    uint64_t interval = rate > 0 ? (uint64_t)(1e9 * (double)n / rate) : 0;
    if (interval > 0)
        depth = 1;
    for (size_t i = 0; i < n; i++)
        clients[i] = (client){.kind = CLIENT_APPEND,
                              .opts = opts,
                              .entries = &p[i],
                              .depth = depth,
                              .interval_ns = interval,
                              .phase_ns = interval * i / n};
    double elapsed = 0;
    int rc = workload_run(clients, n, seconds, &elapsed, err);
    if (rc == 0 && workload_sum(clients, n, CLIENT_APPEND, elapsed, out) != 0)
        rc = lh_err_set(err, LH_ENOMEM, "out of memory");
    out->depth = depth;
    out->offered_per_s = rate;
    workload_clients_free(clients, n);
    return rc;
}

int workload_append_sync(const lh_options *opts, harness_author *authors, size_t n, double seconds,
                         workload_figures *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    client *clients = calloc(n, sizeof *clients);
    if (clients == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        clients[i] = (client){.kind = CLIENT_APPEND_SYNC, .opts = opts, .author = &authors[i]};
    double elapsed = 0;
    int rc = workload_run(clients, n, seconds, &elapsed, err);
    if (rc == 0 && workload_sum(clients, n, CLIENT_APPEND_SYNC, elapsed, out) != 0)
        rc = lh_err_set(err, LH_ENOMEM, "out of memory");
    workload_clients_free(clients, n);
    return rc;
}

int workload_prove(const lh_options *opts, unsigned nclients, double seconds, workload_figures *out,
                   lh_err *err)
{
    memset(out, 0, sizeof *out);
    client *clients = calloc(nclients, sizeof *clients);
    if (clients == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    for (unsigned i = 0; i < nclients; i++)
        clients[i] = (client){.kind = CLIENT_PROVE, .opts = opts};
    double elapsed = 0;
    int rc = workload_run(clients, nclients, seconds, &elapsed, err);
    if (rc == 0 && workload_sum(clients, nclients, CLIENT_PROVE, elapsed, out) != 0)
        rc = lh_err_set(err, LH_ENOMEM, "out of memory");
    workload_clients_free(clients, nclients);
    return rc;
}

int workload_mixed(const lh_options *opts, const presigned *p, size_t nappend, unsigned depth,
                   unsigned nprove, double seconds, workload_figures *appends,
                   workload_figures *proofs, lh_err *err)
{
    memset(appends, 0, sizeof *appends);
    memset(proofs, 0, sizeof *proofs);
    size_t n = nappend + nprove;
    client *clients = calloc(n, sizeof *clients);
    if (clients == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of memory");
    for (size_t i = 0; i < nappend; i++)
        clients[i] =
            (client){.kind = CLIENT_APPEND, .opts = opts, .entries = &p[i], .depth = depth};
    for (size_t i = nappend; i < n; i++)
        clients[i] = (client){.kind = CLIENT_PROVE, .opts = opts};
    double elapsed = 0;
    int rc = workload_run(clients, n, seconds, &elapsed, err);
    if (rc == 0 && (workload_sum(clients, n, CLIENT_APPEND, elapsed, appends) != 0 ||
                    workload_sum(clients, n, CLIENT_PROVE, elapsed, proofs) != 0))
        rc = lh_err_set(err, LH_ENOMEM, "out of memory");
    appends->depth = depth;
    workload_clients_free(clients, n);
    return rc;
}
