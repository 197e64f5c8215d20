/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * scrub.c — the scrub of the store (scrub.h).
 */
#define _GNU_SOURCE /* SCHED_IDLE */
#include "scrub.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bgthread.h"
#include "calendar.h"
#include "checkpoint.h"
#include "i18n.h"
#include "log.h"
#include "merkle.h"
#include "text.h"

/* Checkpoints per read transaction. */
#define CP_CHUNK 1024

typedef struct scrub {
    const scrub_config *cfg;
    scrub_report *rep;
} scrub;

__attribute__((format(printf, 2, 3))) static void found(scrub *s, const char *fmt, ...)
{
    s->rep->findings++;
    if (s->cfg->finding == NULL)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->cfg->finding(s->cfg->ctx, msg);
}

static bool stopped(const scrub *s)
{
    return s->cfg->stop != NULL && atomic_load(s->cfg->stop);
}

/* A stored hash, or a finding when it is missing. @return 0, 1 (missing),
 * or a store error. */
static int read_hash(scrub *s, store_txn *txn, int level, uint64_t n, uint8_t out[32])
{
    uint64_t x = merkle_stored_index(level, n);
    int rc = store_read_hashes(txn, &x, 1, (uint8_t(*)[32])out);
    if (rc == LH_ENOTFOUND || rc == LH_ESTORE) {
        found(s, _("stored hash at level %d, node %" PRIu64 ": missing or not 32 bytes"), level, n);
        return 1;
    }
    return rc;
}

/* Leaf i, and the interior hashes it completes. */
static int scrub_leaf(scrub *s, store_txn *txn, uint64_t i)
{
    const uint8_t *leaf;
    size_t len;
    uint8_t want[32], have[32];
    int rc = store_get_leaf(txn, i, &leaf, &len);
    if (rc == LH_ENOTFOUND) {
        found(s, _("entry %" PRIu64 ": missing from the store"), i);
    } else if (rc != 0) {
        return rc;
    } else {
        merkle_leaf_hash(want, leaf, len);
        if ((rc = read_hash(s, txn, 0, i, have)) < 0)
            return rc;
        s->rep->hashes++;
        if (rc == 0 && sodium_memcmp(want, have, 32) != 0)
            found(
                s,
                _("entry %" PRIu64 ": its stored bytes hash to %s but its stored leaf hash is %s"),
                i, text_b64_of_hash(want).s, text_b64_of_hash(have).s);
        uint64_t at;
        rc = store_find_leaf(txn, have, &at);
        if (rc != 0 && rc != LH_ENOTFOUND)
            return rc;
        if (rc == LH_ENOTFOUND || at != i)
            found(s, _("entry %" PRIu64 ": the leaf-hash index does not name it"), i);
    }
    /* Leaf i completes the subtree of level L ending at it when i + 1 is a
     * multiple of 2^L: that node is stored, from its two children. */
    for (int level = 1; level < 63 && ((i + 1) & ((UINT64_C(1) << level) - 1)) == 0; level++) {
        uint64_t n = (i + 1) >> level;
        n--;
        uint8_t l[32], r[32];
        int a = read_hash(s, txn, level - 1, 2 * n, l);
        int b = a < 0 ? a : read_hash(s, txn, level - 1, 2 * n + 1, r);
        int c = b < 0 ? b : read_hash(s, txn, level, n, have);
        if (a < 0 || b < 0 || c < 0)
            return a < 0 ? a : b < 0 ? b : c;
        s->rep->hashes++;
        if (a != 0 || b != 0 || c != 0)
            continue;
        merkle_node_hash(want, l, r);
        if (sodium_memcmp(want, have, 32) != 0) {
            uint64_t first = n << level, last = first + (UINT64_C(1) << level) - 1;
            found(s,
                  _("stored hash at level %d, node %" PRIu64 " (entries %" PRIu64 " to %" PRIu64
                    "): its children hash to %s but it is %s"),
                  level, n, first, last, text_b64_of_hash(want).s, text_b64_of_hash(have).s);
        }
    }
    return 0;
}

static int scrub_checkpoint(scrub *s, store_txn *txn, uint64_t size, const uint8_t *note,
                            size_t len, checkpoint_opened *op)
{
    lh_err detail = {{0}};
    s->rep->checkpoints++;
    int rc = checkpoint_open(note, len, s->cfg->log_key, NULL, 0, op, &detail);
    if (rc != 0) {
        found(s, _("checkpoint of size %" PRIu64 ": does not verify with the log key: %s"), size,
              detail.msg);
        return 0;
    }
    if (op->cp.size != size) {
        found(s, _("checkpoint stored under size %" PRIu64 " says size %" PRIu64), size,
              op->cp.size);
        return 0;
    }
    uint8_t root[32];
    rc = merkle_tree_hash(root, size, store_read_hashes, txn);
    if (rc == LH_ENOTFOUND || rc == LH_ESTORE) {
        found(s, _("checkpoint of size %" PRIu64 ": the stored tree hash cannot be read"), size);
        return 0;
    }
    if (rc != 0)
        return rc;
    if (sodium_memcmp(root, op->cp.root, 32) != 0)
        found(s,
              _("checkpoint of size %" PRIu64 ": it signs the root %s but the stored tree's is %s"),
              size, text_b64_of_hash(op->cp.root).s, text_b64_of_hash(root).s);
    return 0;
}

static int scrub_checkpoints(scrub *s, lh_err *err)
{
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL)
        return lh_err_set(err, LH_ENOMEM, "check: out of memory");
    uint64_t after = 0;
    int rc = 0;
    bool more = true;
    while (more && rc == 0) {
        if (stopped(s)) {
            rc = -ECANCELED;
            break;
        }
        store_txn *txn;
        if ((rc = store_read_begin(s->cfg->store, &txn)) != 0)
            break;
        /* No more checkpoints per transaction than leaves: each costs a
         * signature check, and the transaction holds back map growth. */
        uint64_t per = s->cfg->chunk != 0 && s->cfg->chunk < CP_CHUNK ? s->cfg->chunk : CP_CHUNK;
        for (uint64_t k = 0; k < per && rc == 0; k++) {
            uint64_t size;
            const uint8_t *note;
            size_t len;
            rc = store_next_checkpoint(txn, after, &size, &note, &len);
            if (rc == LH_ENOTFOUND || (rc == 0 && size > s->rep->size)) {
                rc = 0;
                more = false;
                break;
            }
            if (rc == 0)
                rc = scrub_checkpoint(s, txn, size, note, len, op);
            after = size;
        }
        store_txn_end(txn);
        if (s->cfg->progress != NULL)
            s->cfg->progress(s->cfg->ctx, 2, after, s->rep->size);
    }
    free(op);
    if (rc != 0 && rc != -ECANCELED)
        lh_err_set(err, rc, "check: reading the checkpoints: %s", lh_strerror(rc));
    return rc;
}

int scrub_run(const scrub_config *cfg, scrub_report *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    scrub s = {.cfg = cfg, .rep = out};
    uint64_t chunk = cfg->chunk == 0 ? SCRUB_DEFAULT_CHUNK : cfg->chunk;
    store_txn *txn;
    int rc = store_read_begin(cfg->store, &txn);
    if (rc == 0) {
        rc = store_get_size(txn, &out->size);
        store_txn_end(txn);
    }
    if (rc != 0)
        return lh_err_set(err, rc, "check: reading the tree size: %s", lh_strerror(rc));
    for (uint64_t i = 0; i < out->size && rc == 0;) {
        if (stopped(&s))
            return -ECANCELED;
        if ((rc = store_read_begin(cfg->store, &txn)) != 0)
            break;
        uint64_t end = out->size - i > chunk ? i + chunk : out->size;
        for (; i < end && rc == 0; i++)
            rc = scrub_leaf(&s, txn, i);
        store_txn_end(txn);
        if (cfg->progress != NULL)
            cfg->progress(cfg->ctx, 1, i, out->size);
    }
    if (rc != 0)
        return lh_err_set(err, rc, "check: reading the leaves: %s", lh_strerror(rc));
    return scrub_checkpoints(&s, err);
}

/* ------------------------------------------------------------------------
 * The background scrubber.
 */

struct scrubber {
    scrub_config cfg;
    unsigned interval;
    atomic_bool stop;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

static void log_finding(void *ctx, const char *finding)
{
    unsigned *shown = ctx;
    /* The first hundred are logged; the total follows. */
    if ((*shown)++ < 100)
        log_error(_("check: %s"), finding);
}

/* The lowest priority this thread may have: its CPU (SCHED_IDLE, and nice
 * 19 where that is refused) and its disk reads (the idle I/O class), so
 * that appends never wait for it. Each call may fail harmlessly. */
static void lower_priority(void)
{
    struct sched_param sp = {.sched_priority = 0};
    pid_t tid = (pid_t)syscall(SYS_gettid);
    if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) != 0)
        (void)setpriority(PRIO_PROCESS, (id_t)tid, 19);
#ifdef SYS_ioprio_set
    /* IOPRIO_WHO_PROCESS (1), IOPRIO_CLASS_IDLE (3) << IOPRIO_CLASS_SHIFT (13). */
    (void)syscall(SYS_ioprio_set, 1, (int)tid, 3 << 13);
#endif
}

static void *scrubber_main(void *arg)
{
    scrubber *sc = arg;
    lower_priority();
    for (;;) {
        pthread_mutex_lock(&sc->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += sc->interval;
        while (!atomic_load(&sc->stop) &&
               pthread_cond_timedwait(&sc->cond, &sc->lock, &until) != ETIMEDOUT)
            ;
        pthread_mutex_unlock(&sc->lock);
        if (atomic_load(&sc->stop))
            break;
        unsigned shown = 0;
        scrub_config cfg = sc->cfg;
        cfg.finding = log_finding;
        cfg.ctx = &shown;
        cfg.progress = NULL;
        cfg.stop = &sc->stop;
        scrub_report rep;
        lh_err err = {{0}};
        int64_t t0 = calendar_now_ms();
        int rc = scrub_run(&cfg, &rep, &err);
        double secs = (double)(calendar_now_ms() - t0) / 1000.0;
        if (rc == -ECANCELED)
            break;
        if (rc != 0)
            log_error(_("check: the store cannot be read to its end: %s"), err.msg);
        else if (rep.findings == 0)
            log_info(_("check: %" PRIu64 " entries, %" PRIu64 " stored hashes and %" PRIu64
                       " checkpoints recomputed: no damage (%.1f s)"),
                     rep.size, rep.hashes, rep.checkpoints, secs);
        else
            log_error(_("check: the store is damaged: %" PRIu64 " findings in %" PRIu64
                        " entries (run liuhend check for the full list)"),
                      rep.findings, rep.size);
    }
    return NULL;
}

int scrub_start(scrubber **out, const scrub_config *cfg, unsigned interval_seconds, lh_err *err)
{
    *out = NULL;
    if (interval_seconds == 0 || cfg->store == NULL || cfg->log_key == NULL)
        return lh_err_set(err, LH_EINVAL, "check: an interval, a store and a log key required");
    scrubber *sc = calloc(1, sizeof *sc);
    if (sc == NULL)
        return lh_err_set(err, LH_ENOMEM, "check: out of memory");
    sc->cfg = *cfg;
    sc->interval = interval_seconds;
    atomic_init(&sc->stop, false);
    pthread_mutex_init(&sc->lock, NULL);
    pthread_cond_init(&sc->cond, NULL);
    int rc = bgthread_start(&sc->thread, scrubber_main, sc);
    if (rc != 0) {
        pthread_cond_destroy(&sc->cond);
        pthread_mutex_destroy(&sc->lock);
        free(sc);
        return lh_err_set(err, -rc, "check: cannot start its thread: %s", strerror(rc));
    }
    *out = sc;
    return 0;
}

void scrub_stop(scrubber *sc)
{
    if (sc == NULL)
        return;
    pthread_mutex_lock(&sc->lock);
    atomic_store(&sc->stop, true);
    pthread_cond_signal(&sc->cond);
    pthread_mutex_unlock(&sc->lock);
    pthread_join(sc->thread, NULL);
    pthread_cond_destroy(&sc->cond);
    pthread_mutex_destroy(&sc->lock);
    free(sc);
}
