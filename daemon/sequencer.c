/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * sequencer.c — the write path of sequencer.h: the queue of submitted
 * jobs, the preparation threads, and the writer thread that hands batches
 * to writer.h.
 *
 * The queue is a list of groups, one per sequencer_submit() call, in
 * submission order. Preparation threads take chunks of jobs from the first
 * groups that still have unprepared ones, prepare them without the lock,
 * and mark them ready. The writer takes groups from
 * the head once they are wholly ready, as many as fit in max_batch (a group
 * larger than max_batch goes in parts), so that jobs reach the rules in
 * submission order and a group is never split between batches without
 * need. A job refused in preparation is finished when the writer reaches
 * it, with its group, so that a client's answers follow its requests.
 */
#include "sequencer.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accept.h"
#include "calendar.h"
#include "checkpoint.h"
#include "i18n.h"
#include "log.h"
#include "text.h"
#include "validate.h"
#include "wire.h"
#include "writer.h"

/* Jobs a preparation thread takes at a time: few enough that one client's
 * run spreads over every thread, enough to amortise the lock. */
#define PREP_CHUNK 16

/* The appends-per-second window: one bucket per second. */
#define RATE_BUCKETS 8
#define RATE_WINDOW  5

/* entry_verify() uses about 64 KiB of stack (entry.h). */
#define PREP_STACK (1024 * 1024)

/* The jobs of one sequencer_submit() call, in order. */
typedef struct group {
    seq_job **jobs;
    size_t n;
    size_t handed; /* jobs given to preparation threads */
    size_t taken;  /* jobs given to the writer (or finished in preparation) */
    struct group *next;
} group;

struct sequencer {
    writer *w;
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    size_t max_batch;
    sequencer_notify_fn notify;
    void *notify_ctx;

    pthread_mutex_t lock;    /* guards everything below but the writer's own */
    pthread_cond_t prep_cv;  /* unprepared jobs were queued, or stop */
    pthread_cond_t write_cv; /* jobs became ready, or stop */
    group *head, *tail;      /* groups not wholly taken by the writer */
    seq_job *done_head, *done_tail;
    size_t in_flight; /* submitted, not finished */
    size_t preparing; /* chunks being prepared outside the lock */
    bool stopping;
    bool joined;
    pthread_t *prep;
    unsigned nprep;
    pthread_t writer_thread;
    bool writer_started;
    seq_checkpoint *latest;
    uint64_t pub_size;
    int64_t pub_time;
    bool disk_full;
    struct {
        int64_t sec;
        uint64_t count;
    } rate[RATE_BUCKETS];
    int64_t started_ms;

    /* Writer only. */
    seq_job **batch;
};

/* ------------------------------------------------------------------------
 * Jobs and checkpoints.
 */

seq_checkpoint *seq_checkpoint_ref(seq_checkpoint *cp)
{
    atomic_fetch_add(&cp->refs, 1);
    return cp;
}

void seq_checkpoint_unref(seq_checkpoint *cp)
{
    if (cp != NULL && atomic_fetch_sub(&cp->refs, 1) == 1)
        free(cp);
}

seq_proof *seq_proof_ref(seq_proof *p)
{
    atomic_fetch_add(&p->refs, 1);
    return p;
}

void seq_proof_unref(seq_proof *p)
{
    if (p != NULL && atomic_fetch_sub(&p->refs, 1) == 1)
        free(p);
}

seq_job *seq_job_new(uint8_t *signed_entry, size_t len, void *conn, uint64_t request_id)
{
    seq_job *job = calloc(1, sizeof *job);
    if (job == NULL)
        return NULL;
    job->signed_entry = signed_entry;
    job->signed_len = signed_entry != NULL ? len : 0;
    job->conn = conn;
    job->request_id = request_id;
    job->status = LIUHEN__STATUS__STATUS_OK;
    return job;
}

void seq_job_free(seq_job *job)
{
    if (job == NULL)
        return;
    free(job->signed_entry);
    if (job->entry != NULL)
        liuhen__entry__free_unpacked(job->entry, NULL);
    seq_checkpoint_unref(job->checkpoint);
    seq_proof_unref(job->consistency);
    free(job->logged_leaf);
    free(job);
}

void seq_job_set(seq_job *job, Liuhen__Status status, const char *fmt, ...)
{
    job->status = status;
    char msg[sizeof job->message * 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A message cut by the buffer stays a valid proto3 string. */
    text_copy_cut(job->message, sizeof job->message, msg);
}

void seq_job_reset_result(seq_job *job)
{
    job->status = LIUHEN__STATUS__STATUS_OK;
    job->message[0] = '\0';
    job->index = 0;
    memset(job->leaf_hash, 0, sizeof job->leaf_hash);
    job->integrated_at = 0;
    seq_checkpoint_unref(job->checkpoint);
    job->checkpoint = NULL;
    job->proof_len = 0;
    seq_proof_unref(job->consistency);
    job->consistency = NULL;
    free(job->logged_leaf);
    job->logged_leaf = NULL;
    job->logged_leaf_len = 0;
    job->author_seq = 0;
    memset(job->author_head, 0, sizeof job->author_head);
    job->case_length = 0;
    memset(job->case_head, 0, sizeof job->case_head);
}

/* ------------------------------------------------------------------------
 * Stage 1: preparation.
 */

/* Refuse a job in preparation: the status follows the code (wire.h). */
static int prepare_fail(seq_job *job, int code, const char *msg)
{
    seq_job_set(job, wire_err_to_status(code), "%s", msg);
    return code;
}

int sequencer_prepare(seq_job *job, const char *origin)
{
    if (job->entry != NULL) {
        liuhen__entry__free_unpacked(job->entry, NULL);
        job->entry = NULL;
    }
    job->entry_bytes = NULL;
    job->entry_len = 0;
    seq_job_reset_result(job);
    lh_err err = {""};

    if (job->signed_entry == NULL || job->signed_len == 0)
        return prepare_fail(job, LH_EINVAL, "signed_entry: required");
    /* A leaf must fit a C2SP entry bundle (docs/design.md "Entries"); refuse
     * before parsing anything. */
    if (job->signed_len > ENTRY_SIGNED_MAX) {
        snprintf(err.msg, sizeof err.msg, "signed_entry: %zu bytes, at most %d", job->signed_len,
                 ENTRY_SIGNED_MAX);
        return prepare_fail(job, LH_ETOOBIG, err.msg);
    }
    const uint8_t *bytes, *sig;
    size_t len;
    int rc = entry_signed_unpack(job->signed_entry, job->signed_len, &bytes, &len, &sig, &err);
    if (rc != 0)
        return prepare_fail(job, rc, err.msg);
    Liuhen__Entry *e = NULL;
    rc = validate_entry(bytes, len, NULL, &e, &err);
    if (rc != 0)
        return prepare_fail(job, rc, err.msg);
    accept_ctx cx = {.origin = origin};
    accept_verdict v;
    if (accept_origin(&cx, e, &v) != 0) {
        liuhen__entry__free_unpacked(e, NULL);
        return prepare_fail(job, v.code, v.en);
    }
    /* The signature is checked with the key the entry names; whether that
     * key may append is the writer's question (keys change with the log). */
    if (entry_verify(bytes, len, sig, e->author_key.data) != 0) {
        char hex[17];
        sodium_bin2hex(hex, sizeof hex, e->author_key.data, 8);
        snprintf(err.msg, sizeof err.msg,
                 "signature: does not verify with author_key %s... over the entry bytes", hex);
        liuhen__entry__free_unpacked(e, NULL);
        return prepare_fail(job, LH_EBADSIG, err.msg);
    }
    job->entry = e;
    job->entry_bytes = bytes;
    job->entry_len = len;
    entry_id(bytes, len, job->entry_id);
    return 0;
}

/* ------------------------------------------------------------------------
 * The queue.
 */

/* Append a finished job to the done list; seq->lock is held. */
static void done_push_locked(sequencer *seq, seq_job *job)
{
    job->next = NULL;
    if (seq->done_tail != NULL)
        seq->done_tail->next = job;
    else
        seq->done_head = job;
    seq->done_tail = job;
}

static void group_free(group *g)
{
    free(g->jobs);
    free(g);
}

/* Finish jobs at once (UNAVAILABLE, or the status they carry) and tell. */
static void finish_now(sequencer *seq, seq_job *jobs, Liuhen__Status status, const char *why)
{
    pthread_mutex_lock(&seq->lock);
    for (seq_job *job = jobs, *next; job != NULL; job = next) {
        next = job->next;
        seq_job_reset_result(job);
        seq_job_set(job, status, "%s", why);
        done_push_locked(seq, job);
    }
    pthread_mutex_unlock(&seq->lock);
    if (seq->notify != NULL)
        seq->notify(seq->notify_ctx);
}

void sequencer_submit(sequencer *seq, seq_job *jobs)
{
    if (jobs == NULL)
        return;
    size_t n = 0;
    for (seq_job *job = jobs; job != NULL; job = job->next)
        n++;
    group *g = calloc(1, sizeof *g);
    seq_job **arr = g != NULL ? malloc(n * sizeof *arr) : NULL;
    if (arr == NULL) {
        free(g);
        log_error(_("append: out of memory for %zu appends"), n);
        finish_now(seq, jobs, LIUHEN__STATUS__STATUS_INTERNAL, "append: out of memory");
        return;
    }
    size_t i = 0;
    for (seq_job *job = jobs, *next; job != NULL; job = next) {
        next = job->next;
        job->next = NULL;
        job->ready = false;
        arr[i++] = job;
    }
    g->jobs = arr;
    g->n = n;
    pthread_mutex_lock(&seq->lock);
    if (seq->stopping) {
        pthread_mutex_unlock(&seq->lock);
        for (i = 0; i + 1 < n; i++)
            arr[i]->next = arr[i + 1];
        seq_job *list = arr[0];
        group_free(g);
        finish_now(seq, list, LIUHEN__STATUS__STATUS_UNAVAILABLE,
                   "the log is shutting down: nothing was written");
        return;
    }
    if (seq->tail != NULL)
        seq->tail->next = g;
    else
        seq->head = g;
    seq->tail = g;
    seq->in_flight += n;
    pthread_cond_broadcast(&seq->prep_cv);
    pthread_mutex_unlock(&seq->lock);
}

seq_job *sequencer_take_done(sequencer *seq)
{
    pthread_mutex_lock(&seq->lock);
    seq_job *head = seq->done_head;
    seq->done_head = NULL;
    seq->done_tail = NULL;
    pthread_mutex_unlock(&seq->lock);
    return head;
}

/* The first group with jobs not yet handed out; seq->lock is held. */
static group *unhanded_locked(sequencer *seq)
{
    for (group *g = seq->head; g != NULL; g = g->next)
        if (g->handed < g->n)
            return g;
    return NULL;
}

static void *prep_main(void *arg)
{
    sequencer *seq = arg;
    pthread_mutex_lock(&seq->lock);
    for (;;) {
        group *g = unhanded_locked(seq);
        if (g == NULL) {
            if (seq->stopping)
                break;
            pthread_cond_wait(&seq->prep_cv, &seq->lock);
            continue;
        }
        size_t from = g->handed, to = from + PREP_CHUNK < g->n ? from + PREP_CHUNK : g->n;
        g->handed = to;
        seq->preparing++;
        pthread_mutex_unlock(&seq->lock);
        for (size_t i = from; i < to; i++)
            sequencer_prepare(g->jobs[i], seq->origin);
        pthread_mutex_lock(&seq->lock);
        for (size_t i = from; i < to; i++)
            g->jobs[i]->ready = true;
        seq->preparing--;
        pthread_cond_broadcast(&seq->write_cv);
    }
    pthread_mutex_unlock(&seq->lock);
    return NULL;
}

/*
 * The next batch, in submission order: the ready prefix of the queue, as
 * long as it ends at the end of a group (a group is never cut without
 * need) or fills max_batch. Jobs refused in preparation are finished on the
 * way. seq->lock is held.
 * @return the jobs taken into seq->batch; 0 when nothing is ready.
 */
static size_t take_batch_locked(sequencer *seq, bool *finished_some)
{
    size_t n = 0;
    for (group *g = seq->head; g != NULL && n < seq->max_batch; g = g->next) {
        size_t ready = g->taken;
        while (ready < g->n && g->jobs[ready]->ready)
            ready++;
        bool whole = ready == g->n;
        /* A group that does not fit waits for the next batch, unless the
         * batch is empty and the group alone is larger than a batch. */
        if (!whole && !(n == 0 && ready - g->taken >= seq->max_batch))
            break;
        if (n > 0 && n + (g->n - g->taken) > seq->max_batch)
            break;
        while (g->taken < ready && n < seq->max_batch) {
            seq_job *job = g->jobs[g->taken++];
            if (job->entry == NULL) {
                done_push_locked(seq, job);
                seq->in_flight--;
                *finished_some = true;
            } else {
                seq->batch[n++] = job;
            }
        }
        if (g->taken < g->n)
            break;
    }
    while (seq->head != NULL && seq->head->taken == seq->head->n) {
        group *g = seq->head;
        seq->head = g->next;
        if (seq->head == NULL)
            seq->tail = NULL;
        group_free(g);
    }
    return n;
}

static void rate_add_locked(sequencer *seq, int64_t ms, uint64_t count)
{
    int64_t sec = ms / 1000;
    size_t slot = (size_t)(sec % RATE_BUCKETS);
    if (seq->rate[slot].sec != sec) {
        seq->rate[slot].sec = sec;
        seq->rate[slot].count = 0;
    }
    seq->rate[slot].count += count;
}

static void *writer_main(void *arg)
{
    sequencer *seq = arg;
    pthread_mutex_lock(&seq->lock);
    for (;;) {
        bool finished = false;
        size_t n = take_batch_locked(seq, &finished);
        if (finished && seq->notify != NULL) {
            pthread_mutex_unlock(&seq->lock);
            seq->notify(seq->notify_ctx);
            pthread_mutex_lock(&seq->lock);
        }
        if (n == 0) {
            if (seq->stopping && seq->head == NULL)
                break; /* everything submitted is done */
            if (!finished)
                pthread_cond_wait(&seq->write_cv, &seq->lock);
            continue;
        }
        pthread_mutex_unlock(&seq->lock);

        /* Refusals are logged by whoever answers them (server.c names the
         * connection and request); the writer logs what only it knows:
         * failed batches, growth, a damaged store. */
        writer_outcome out;
        writer_run(seq->w, seq->batch, n, &out);

        pthread_mutex_lock(&seq->lock);
        if (out.committed) {
            seq_checkpoint *old = seq->latest;
            seq->latest = seq_checkpoint_ref(writer_latest(seq->w));
            seq_checkpoint_unref(old);
            seq->pub_size = writer_size(seq->w);
            seq->pub_time = writer_time(seq->w);
            rate_add_locked(seq, calendar_now_ms(), out.accepted);
        }
        /* The flag says what the last commit ran into. */
        if (out.committed || out.disk_full)
            seq->disk_full = out.disk_full;
        for (size_t i = 0; i < n; i++)
            done_push_locked(seq, seq->batch[i]);
        seq->in_flight -= n;
        pthread_mutex_unlock(&seq->lock);
        if (seq->notify != NULL)
            seq->notify(seq->notify_ctx);
        pthread_mutex_lock(&seq->lock);
    }
    pthread_mutex_unlock(&seq->lock);
    return NULL;
}

/* ------------------------------------------------------------------------
 * Start and stop.
 */

static void free_groups(sequencer *seq)
{
    while (seq->head != NULL) {
        group *g = seq->head;
        seq->head = g->next;
        for (size_t i = g->taken; i < g->n; i++)
            seq_job_free(g->jobs[i]);
        group_free(g);
    }
    seq->tail = NULL;
}

static void seq_destroy(sequencer *seq)
{
    free_groups(seq);
    for (seq_job *job = seq->done_head, *next; job != NULL; job = next) {
        next = job->next;
        seq_job_free(job);
    }
    seq_checkpoint_unref(seq->latest);
    writer_free(seq->w);
    free(seq->batch);
    free(seq->prep);
    pthread_cond_destroy(&seq->write_cv);
    pthread_cond_destroy(&seq->prep_cv);
    pthread_mutex_destroy(&seq->lock);
    free(seq);
}

/* Stop the threads that started; seq->stopping makes them end. */
static void join_threads(sequencer *seq)
{
    pthread_mutex_lock(&seq->lock);
    seq->stopping = true;
    pthread_cond_broadcast(&seq->prep_cv);
    pthread_cond_broadcast(&seq->write_cv);
    bool join = !seq->joined;
    seq->joined = true;
    pthread_mutex_unlock(&seq->lock);
    if (!join)
        return;
    /* The writer ends when every group is taken, which needs the
     * preparation threads: they end after it. */
    if (seq->writer_started)
        pthread_join(seq->writer_thread, NULL);
    for (unsigned i = 0; i < seq->nprep; i++)
        pthread_join(seq->prep[i], NULL);
}

static unsigned prep_threads(unsigned asked)
{
    if (asked > 0)
        return asked;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 2)
        return 2;
    return cores > 64 ? 64 : (unsigned)cores;
}

int sequencer_start(sequencer **out, const sequencer_config *cfg, lh_err *err)
{
    *out = NULL;
    sequencer *seq = calloc(1, sizeof *seq);
    if (seq == NULL)
        return lh_err_set(err, LH_ENOMEM, "sequencer: out of memory");
    int rc = pthread_mutex_init(&seq->lock, NULL);
    if (rc != 0) {
        free(seq);
        return lh_err_set(err, -rc, "sequencer: mutex: %s", strerror(rc));
    }
    pthread_cond_init(&seq->prep_cv, NULL);
    pthread_cond_init(&seq->write_cv, NULL);
    seq->joined = true; /* nothing to join until the threads run */
    if ((rc = writer_open(&seq->w, cfg, err)) != 0) {
        seq_destroy(seq);
        return rc;
    }
    memcpy(seq->origin, cfg->origin, strlen(cfg->origin) + 1);
    seq->notify = cfg->notify;
    seq->notify_ctx = cfg->notify_ctx;
    seq->max_batch = cfg->max_batch == 0 ? SEQUENCER_DEFAULT_BATCH : cfg->max_batch;
    if (seq->max_batch > SEQUENCER_MAX_BATCH)
        seq->max_batch = SEQUENCER_MAX_BATCH;
    seq->started_ms = calendar_now_ms();
    for (size_t i = 0; i < RATE_BUCKETS; i++)
        seq->rate[i].sec = -1;
    seq->latest = seq_checkpoint_ref(writer_latest(seq->w));
    seq->pub_size = writer_size(seq->w);
    seq->pub_time = writer_time(seq->w);
    unsigned nprep = prep_threads(cfg->threads);
    seq->batch = calloc(seq->max_batch, sizeof *seq->batch);
    seq->prep = calloc(nprep, sizeof *seq->prep);
    if (seq->batch == NULL || seq->prep == NULL) {
        seq_destroy(seq);
        return lh_err_set(err, LH_ENOMEM, "sequencer: out of memory");
    }

    seq->joined = false;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PREP_STACK);
    for (unsigned i = 0; i < nprep && rc == 0; i++) {
        rc = pthread_create(&seq->prep[i], &attr, prep_main, seq);
        if (rc == 0)
            seq->nprep++;
    }
    pthread_attr_destroy(&attr);
    if (rc == 0) {
        rc = pthread_create(&seq->writer_thread, NULL, writer_main, seq);
        seq->writer_started = rc == 0;
    }
    if (rc != 0) {
        join_threads(seq);
        seq_destroy(seq);
        return lh_err_set(err, -rc, "sequencer: cannot start its threads: %s", strerror(rc));
    }
    log_info(_("sequencer: log %s at size %" PRIu64 ", batches of up to %zu, %u preparation "
               "threads"),
             seq->origin, seq->pub_size, seq->max_batch, seq->nprep);
    *out = seq;
    return 0;
}

void sequencer_stop(sequencer *seq)
{
    bool first = !seq->joined;
    join_threads(seq);
    if (first)
        log_info(_("sequencer: stopped at size %" PRIu64), seq->pub_size);
}

void sequencer_free(sequencer *seq)
{
    if (seq == NULL)
        return;
    sequencer_stop(seq);
    seq_destroy(seq);
}

void sequencer_get_stats(sequencer *seq, sequencer_stats *out)
{
    int64_t now = calendar_now_ms();
    int64_t sec = now / 1000;
    pthread_mutex_lock(&seq->lock);
    out->tree_size = seq->pub_size;
    out->last_checkpoint_at = seq->pub_time;
    out->queue_depth = seq->in_flight;
    out->disk_full = seq->disk_full;
    uint64_t count = 0;
    for (size_t i = 0; i < RATE_BUCKETS; i++) {
        if (seq->rate[i].sec > sec - RATE_WINDOW && seq->rate[i].sec <= sec)
            count += seq->rate[i].count;
    }
    int64_t started = seq->started_ms;
    pthread_mutex_unlock(&seq->lock);
    /* The window is the last RATE_WINDOW whole seconds with the current
     * one partly elapsed, and no longer than the sequencer has run. */
    double window = (RATE_WINDOW - 1) + (double)(now % 1000) / 1000.0;
    double ran = (double)(now - started) / 1000.0;
    if (ran < window)
        window = ran;
    if (window < 1.0)
        window = 1.0;
    out->appends_per_second = (double)count / window;
}

seq_checkpoint *sequencer_latest(sequencer *seq)
{
    pthread_mutex_lock(&seq->lock);
    seq_checkpoint *cp = seq_checkpoint_ref(seq->latest);
    pthread_mutex_unlock(&seq->lock);
    return cp;
}
