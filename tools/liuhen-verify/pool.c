/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * pool.c — the verifier's parallel stage (pool.h): unpacking, validating,
 * hashing and verifying the leaves of entry bundles on a pool of threads.
 *
 * Bundles are queued in log order (the queue). A thread takes the next
 * chunk of POOL_CHUNK leaves of the oldest bundle that has one, checks its
 * leaves without the lock, and counts the chunk done; the main thread
 * waits for the oldest bundle to have every chunk done (pool_take()).
 *
 * Once the main thread is done with a bundle (pool_done()), the batch goes
 * to the spent list, and each thread, before it takes new work, frees the
 * entries it unpacked there (reap()). An entry is a dozen small blocks of
 * malloc(): freed by the thread that allocated them, they return to that
 * thread's caches and serve its next entries, rather than each thread's
 * arena filling up with blocks the main thread frees into it under the
 * arena's lock.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool.h"
#include "validate.h"

/* Chunks of a full bundle. */
#define CHUNKS (TILE_WIDTH / POOL_CHUNK)

/* A chunk whose entries are freed, in pool_batch.owner. */
#define OWNER_NONE UINT16_MAX

/* One bundle in the queue, or spent. next_chunk, pending, owner and
 * unfreed are guarded by the pool's mutex; res[k] is written by the one
 * thread that took leaf k's chunk and read by the main thread once pending
 * is 0. */
struct pool_batch {
    struct pool_batch *next;
    tiles_bundle *b; /* NULL once spent: the main thread frees it */
    unsigned chunks;
    unsigned next_chunk;
    unsigned pending;
    unsigned unfreed;       /* spent: chunks whose entries are not yet freed */
    uint16_t owner[CHUNKS]; /* the thread that took each chunk */
    pool_leaf res[TILE_WIDTH];
};

/* A thread of the pool. */
typedef struct worker {
    struct pool *p;
    uint16_t id; /* its index in the pool, as pool_batch.owner holds it */
} worker;

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* a bundle was queued, or stop */
    pthread_cond_t done_cv; /* a bundle's last chunk was done */
    pthread_t *threads;
    worker *workers;
    unsigned nthreads;
    bool stop;
    pool_batch *head, *tail; /* the queue, in log order; only the main thread adds and removes */
    pool_batch *spent;       /* given back by the main thread, entries still to free */
};

/* Everything about one leaf that needs nothing but the leaf. */
static void check_leaf(const tiles_bundle *b, unsigned k, pool_leaf *r)
{
    const uint8_t *se, *bytes, *sig;
    size_t se_len, len;
    r->rc = entry_leaf_unpack(b->leaf[k], b->leaf_len[k], &se, &se_len, &r->integrated_at, &r->err);
    if (r->rc != 0) {
        r->step = "leaf";
        return;
    }
    r->rc = entry_signed_unpack(se, se_len, &bytes, &len, &sig, &r->err);
    if (r->rc != 0) {
        r->step = "signed entry";
        return;
    }
    entry_id(bytes, len, r->id);
    r->has_id = true;
    /* The origin is compared by the main thread, so that an entry of
     * another log is still parsed and its chains followed. */
    r->rc = validate_entry(bytes, len, NULL, &r->entry, &r->err);
    if (r->rc != 0) {
        r->step = "entry";
        return;
    }
    /* docs/design.md "Entries": signature = Ed25519(author key, "liuhen/entry/v1\n"
     * || entry bytes), over the bytes exactly as signed. */
    r->sig_ok = entry_verify(bytes, len, sig, r->entry->author_key.data) == 0;
}

static void batch_free(pool_batch *bt)
{
    if (bt == NULL)
        return;
    for (unsigned k = 0; k < TILE_WIDTH; k++)
        if (bt->res[k].entry != NULL)
            liuhen__entry__free_unpacked(bt->res[k].entry, NULL);
    tiles_bundle_free(bt->b);
    free(bt);
}

/*
 * Free the entries this thread unpacked in the spent batches; a batch goes
 * when its last chunk is freed, by the thread that freed it. Called and
 * returning with the pool's mutex held; false when there was nothing to
 * free.
 */
static bool reap(worker *w)
{
    pool *p = w->p;
    struct {
        pool_batch *bt;
        unsigned c;
    } got[CHUNKS];
    unsigned n = 0;
    for (pool_batch *bt = p->spent; bt != NULL && n < CHUNKS; bt = bt->next)
        for (unsigned c = 0; c < bt->chunks && n < CHUNKS; c++)
            if (bt->owner[c] == w->id) {
                bt->owner[c] = OWNER_NONE;
                got[n].bt = bt;
                got[n++].c = c;
            }
    if (n == 0)
        return false;
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < n; i++) {
        pool_leaf *res = got[i].bt->res;
        for (unsigned k = got[i].c * POOL_CHUNK; k < (got[i].c + 1) * POOL_CHUNK; k++)
            if (res[k].entry != NULL) {
                liuhen__entry__free_unpacked(res[k].entry, NULL);
                res[k].entry = NULL;
            }
    }
    pool_batch *dead = NULL;
    pthread_mutex_lock(&p->mu);
    for (unsigned i = 0; i < n; i++) {
        pool_batch *bt = got[i].bt;
        if (--bt->unfreed > 0)
            continue;
        pool_batch **pp = &p->spent;
        while (*pp != bt)
            pp = &(*pp)->next;
        *pp = bt->next;
        bt->next = dead;
        dead = bt;
    }
    if (dead != NULL) {
        pthread_mutex_unlock(&p->mu);
        while (dead != NULL) {
            pool_batch *bt = dead;
            dead = bt->next;
            batch_free(bt);
        }
        pthread_mutex_lock(&p->mu);
    }
    return true;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->spent != NULL && reap(w))
            continue;
        pool_batch *bt = NULL;
        for (pool_batch *x = p->head; x != NULL; x = x->next)
            if (x->next_chunk < x->chunks) {
                bt = x;
                break;
            }
        if (bt == NULL) {
            if (p->stop)
                break;
            pthread_cond_wait(&p->work_cv, &p->mu);
            continue;
        }
        unsigned c = bt->next_chunk++;
        bt->owner[c] = w->id;
        pthread_mutex_unlock(&p->mu);
        unsigned from = c * POOL_CHUNK, to = from + POOL_CHUNK;
        if (to > bt->b->width)
            to = bt->b->width;
        for (unsigned k = from; k < to; k++)
            check_leaf(bt->b, k, &bt->res[k]);
        pthread_mutex_lock(&p->mu);
        if (--bt->pending == 0)
            pthread_cond_broadcast(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int pool_new(unsigned threads, pool **out, lh_err *err)
{
    *out = NULL;
    unsigned n = threads;
    if (n == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores > 0 ? (unsigned)(cores < 256 ? cores : 256) : 1;
    }
    pool *p = calloc(1, sizeof *p);
    if (p != NULL) {
        p->threads = calloc(n, sizeof *p->threads);
        p->workers = calloc(n, sizeof *p->workers);
    }
    if (p == NULL || p->threads == NULL || p->workers == NULL) {
        if (p != NULL) {
            free(p->threads);
            free(p->workers);
        }
        free(p);
        return lh_err_set(err, LH_ENOMEM, "ledger: out of memory");
    }
    int rc = pthread_mutex_init(&p->mu, NULL);
    if (rc == 0 && (rc = pthread_cond_init(&p->work_cv, NULL)) != 0)
        pthread_mutex_destroy(&p->mu);
    if (rc == 0 && (rc = pthread_cond_init(&p->done_cv, NULL)) != 0) {
        pthread_cond_destroy(&p->work_cv);
        pthread_mutex_destroy(&p->mu);
    }
    if (rc != 0) {
        free(p->threads);
        free(p->workers);
        free(p);
        return lh_err_set(err, -rc, "ledger: cannot make the pool's lock: %s", strerror(rc));
    }
    /* entry_verify() uses about 64 KiB of stack (entry.h): give each
     * thread room for it and for validate_entry()'s descent. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1024 * 1024);
    for (unsigned i = 0; i < n; i++) {
        p->workers[i] = (worker){.p = p, .id = (uint16_t)i};
        rc = pthread_create(&p->threads[i], &attr, worker_main, &p->workers[i]);
        if (rc != 0)
            break;
        p->nthreads++;
    }
    pthread_attr_destroy(&attr);
    if (p->nthreads == 0) {
        pool_free(p);
        return lh_err_set(err, -rc, "ledger: cannot start a signature thread: %s", strerror(rc));
    }
    *out = p;
    return 0;
}

void pool_free(pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    /* With every thread gone, the bundles still queued (after an error)
     * and the entries of the spent ones are the main thread's to free. */
    while (p->head != NULL) {
        pool_batch *bt = p->head;
        p->head = bt->next;
        batch_free(bt);
    }
    while (p->spent != NULL) {
        pool_batch *bt = p->spent;
        p->spent = bt->next;
        batch_free(bt);
    }
    pthread_cond_destroy(&p->done_cv);
    pthread_cond_destroy(&p->work_cv);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p->workers);
    free(p);
}

int pool_push(pool *p, tiles_bundle *b)
{
    pool_batch *bt = calloc(1, sizeof *bt);
    if (bt == NULL) {
        tiles_bundle_free(b);
        return LH_ENOMEM;
    }
    bt->b = b;
    bt->chunks = (b->width + POOL_CHUNK - 1) / POOL_CHUNK;
    bt->pending = bt->chunks;
    pthread_mutex_lock(&p->mu);
    if (p->tail != NULL)
        p->tail->next = bt;
    else
        p->head = bt;
    p->tail = bt;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

pool_batch *pool_take(pool *p, const tiles_bundle **b, pool_leaf **res)
{
    pthread_mutex_lock(&p->mu);
    pool_batch *bt = p->head;
    while (bt->pending > 0)
        pthread_cond_wait(&p->done_cv, &p->mu);
    p->head = bt->next;
    if (p->head == NULL)
        p->tail = NULL;
    pthread_mutex_unlock(&p->mu);
    bt->next = NULL;
    *b = bt->b;
    *res = bt->res;
    return bt;
}

void pool_done(pool *p, pool_batch *bt)
{
    /* The bundle is the main thread's: tiles_stream() read it. */
    tiles_bundle_free(bt->b);
    bt->b = NULL;
    pthread_mutex_lock(&p->mu);
    bt->unfreed = bt->chunks;
    bt->next = p->spent;
    p->spent = bt;
    pthread_mutex_unlock(&p->mu);
}
