/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_sequencer.c — the write path (daemon/sequencer.h) on a real LMDB
 * store in a temporary directory, with keys made in the test and no socket:
 * the genesis rule, the role table of docs/design.md "Kinds and roles" written out again
 * here, unknown and revoked keys, key changes effective from the next entry
 * of the same batch, preparation failures, CONFLICT with the heads,
 * DUPLICATE with the first receipt, a batch of 500 under one checkpoint
 * whose every receipt verifies, chains by entry id (an author's run of 100
 * entries in flight together, two cases interleaved, a CONFLICT inside a
 * batch), reopening (keys, heads, consistency), the keys replayed from a
 * store written by hand and from damaged ones, a log's leaves replayed
 * into another store (writer_replay(): the same store, and what the log
 * would never have written refused), integrated_at that never goes
 * backwards, map growth, a full disk (write errors injected under
 * LMDB), and a high-water mark that cannot be written after a commit.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/uio.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "entry.h"
#include "highwater.h"
#include "keyring.h"
#include "kind.h"
#include "log.h"
#include "merkle.h"
#include "note.h"
#include "role.h"
#include "sequencer.h"
#include "store.h"
#include "testutil.h"
#include "wire.h"
#include "writer.h"

#define ORIGIN "test.example/liuhen"
#define T0     INT64_C(1779000000000) /* 2026-05-17, unix ms */

#define ROLE(r)    ROLE_BIT(LIUHEN__ROLE__ROLE_##r)
#define ST(name)   LIUHEN__STATUS__STATUS_##name
#define KIND(name) LIUHEN__KIND__KIND_##name

/* ------------------------------------------------------------------------
 * Keys and entries.
 */

/* The last byte of this file's key seeds (tu_key_make()). */
#define KEY_TAG 0xA5

/* An author with its chain head as the test expects it. */
typedef struct actor {
    tu_key key;
    uint64_t seq;
    uint8_t head[32];
} actor;

/* A case with its chain head. */
typedef struct tcase {
    char id[64];
    uint64_t len;
    uint8_t head[32];
} tcase;

typedef struct spec {
    Liuhen__Kind kind;
    const tu_key *author;
    uint64_t seq;
    const uint8_t *author_prev;
    const char *case_id;
    const uint8_t *case_prev;
    const uint8_t *subject; /* KEY_ENROLL, KEY_REVOKE */
    const char *holder;
    uint32_t roles;
    const uint8_t *corrects;
    const char *origin;
    const char *content; /* INTERFERENCE content */
    int64_t recorded_at; /* 0: a fresh value, so that every entry differs */
} spec;

static int64_t next_recorded = T0;

/* Encode, sign and wrap an entry: malloc'd SignedEntry bytes. */
static uint8_t *build(const spec *s, size_t *out_len)
{
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    Liuhen__Interference interference = LIUHEN__INTERFERENCE__INIT;
    Liuhen__Guidance guidance = LIUHEN__GUIDANCE__INIT;
    Liuhen__Complaint complaint = LIUHEN__COMPLAINT__INIT;
    Liuhen__Transfer transfer = LIUHEN__TRANSFER__INIT;
    Liuhen__Reply reply = LIUHEN__REPLY__INIT;
    Liuhen__InvestigationAssigned assigned = LIUHEN__INVESTIGATION_ASSIGNED__INIT;
    Liuhen__InvestigationStep step = LIUHEN__INVESTIGATION_STEP__INIT;
    Liuhen__Decision decision = LIUHEN__DECISION__INIT;
    Liuhen__ReviewOrder review = LIUHEN__REVIEW_ORDER__INIT;
    Liuhen__Appeal appeal = LIUHEN__APPEAL__INIT;
    Liuhen__Notification notification = LIUHEN__NOTIFICATION__INIT;
    Liuhen__Correction correction = LIUHEN__CORRECTION__INIT;
    Liuhen__CaseClosed closed = LIUHEN__CASE_CLOSED__INIT;
    Liuhen__KeyEnroll enroll = LIUHEN__KEY_ENROLL__INIT;
    Liuhen__KeyRevoke revoke = LIUHEN__KEY_REVOKE__INIT;
    Liuhen__Role roles[8];
    size_t nroles = 0;

    e.origin = (char *)(s->origin != NULL ? s->origin : ORIGIN);
    e.kind = s->kind;
    e.case_id = (char *)(s->case_id != NULL ? s->case_id : "");
    e.author_key.len = 32;
    e.author_key.data = (uint8_t *)s->author->pk;
    e.author_seq = s->seq;
    if (s->author_prev != NULL) {
        e.author_prev.len = 32;
        e.author_prev.data = (uint8_t *)s->author_prev;
    }
    if (s->case_prev != NULL) {
        e.case_prev.len = 32;
        e.case_prev.data = (uint8_t *)s->case_prev;
    }
    e.recorded_at = s->recorded_at != 0 ? s->recorded_at : next_recorded++;
    e.body_case = (Liuhen__Entry__BodyCase)(19 + (int)s->kind);
    switch (s->kind) {
    case KIND(INTERFERENCE):
        if (s->content != NULL)
            interference.content = (char *)s->content;
        e.interference = &interference;
        break;
    case KIND(GUIDANCE): e.guidance = &guidance; break;
    case KIND(COMPLAINT): e.complaint = &complaint; break;
    case KIND(TRANSFER): e.transfer = &transfer; break;
    case KIND(REPLY): e.reply = &reply; break;
    case KIND(INVESTIGATION_ASSIGNED): e.investigation_assigned = &assigned; break;
    case KIND(INVESTIGATION_STEP): e.investigation_step = &step; break;
    case KIND(DECISION): e.decision = &decision; break;
    case KIND(REVIEW_ORDER): e.review_order = &review; break;
    case KIND(APPEAL): e.appeal = &appeal; break;
    case KIND(NOTIFICATION): e.notification = &notification; break;
    case KIND(CORRECTION):
        correction.corrects.len = 32;
        correction.corrects.data = (uint8_t *)s->corrects;
        e.correction = &correction;
        break;
    case KIND(CASE_CLOSED): e.case_closed = &closed; break;
    case KIND(KEY_ENROLL):
        enroll.public_key.len = 32;
        enroll.public_key.data = (uint8_t *)s->subject;
        enroll.holder = (char *)(s->holder != NULL ? s->holder : "张三");
        for (unsigned r = 1; r <= 5; r++) {
            if (s->roles & ROLE_BIT(r))
                roles[nroles++] = (Liuhen__Role)r;
        }
        enroll.n_roles = nroles;
        enroll.roles = roles;
        e.key_enroll = &enroll;
        break;
    case KIND(KEY_REVOKE):
        revoke.public_key.len = 32;
        revoke.public_key.data = (uint8_t *)s->subject;
        revoke.reason = (char *)"调离";
        e.key_revoke = &revoke;
        break;
    default: fail_msg("no body for kind %d", (int)s->kind);
    }
    size_t len = liuhen__entry__get_packed_size(&e);
    uint8_t *bytes = malloc(len);
    assert_non_null(bytes);
    liuhen__entry__pack(&e, bytes);
    uint8_t sig[64];
    assert_int_equal(entry_sign(bytes, len, s->author->sk, sig), 0);
    size_t cap = ENTRY_SIGNED_SIZE(len);
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    assert_int_equal(entry_signed_pack(bytes, len, sig, out, cap, out_len), 0);
    free(bytes);
    return out;
}

/* A spec continuing an actor's chain. */
static spec by(actor *a, Liuhen__Kind kind)
{
    spec s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.author = &a->key;
    s.seq = a->seq + 1;
    s.author_prev = a->seq > 0 ? a->head : NULL;
    return s;
}

/* ... in a case, continuing its chain. */
static spec in_case(actor *a, Liuhen__Kind kind, tcase *c)
{
    spec s = by(a, kind);
    s.case_id = c->id;
    s.case_prev = c->len > 0 ? c->head : NULL;
    return s;
}

#define assert_status(job, want)                                                                   \
    do {                                                                                           \
        if ((job)->status != (want))                                                               \
            fail_msg("status %s, expected %s: %s", wire_status_name((job)->status),                \
                     wire_status_name(want), (job)->message);                                      \
    } while (0)

#define assert_message_has(job, text)                                                              \
    do {                                                                                           \
        if (strstr((job)->message, (text)) == NULL)                                                \
            fail_msg("message \"%s\" does not say \"%s\"", (job)->message, (text));                \
    } while (0)

/* ------------------------------------------------------------------------
 * The harness: a store in a temporary directory, the key state, the log
 * key and a running sequencer whose notifications the test waits for.
 */

typedef struct harness {
    char dir[64];
    size_t map_size;
    store *st;
    keyring *ks;
    note_signer log;
    note_verifier logv;
    actor logk; /* the log key as an author: the genesis */
    sequencer *seq;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned long notified;
    bool gate_closed;
    bool gate_waiting;
    highwater *hw; /* with h->mark: the log's high-water mark */
    bool mark;
} harness;

/* Notifications come from the writer thread. With the gate closed the
 * writer waits here after a batch, so that the test can queue many jobs
 * which it then takes as one batch. */
static void on_notify(void *ctx)
{
    harness *h = ctx;
    pthread_mutex_lock(&h->mu);
    h->notified++;
    pthread_cond_broadcast(&h->cv);
    while (h->gate_closed) {
        h->gate_waiting = true;
        pthread_cond_broadcast(&h->cv);
        pthread_cond_wait(&h->cv, &h->mu);
    }
    h->gate_waiting = false;
    pthread_mutex_unlock(&h->mu);
}

static void h_start(harness *h)
{
    lh_err err = {""};
    if (store_open(&h->st, h->dir, h->map_size, &err) != 0)
        fail_msg("store_open: %s", err.msg);
    assert_int_equal(keyring_new(&h->ks), 0);
    if (h->mark && highwater_open(&h->hw, h->dir, &h->logv, &err) != 0)
        fail_msg("highwater_open: %s", err.msg);
    sequencer_config cfg = {.store = h->st,
                            .keys = h->ks,
                            .log_key = &h->log,
                            .origin = ORIGIN,
                            .highwater = h->hw,
                            .max_batch = 0,
                            .notify = on_notify,
                            .notify_ctx = h};
    if (sequencer_start(&h->seq, &cfg, &err) != 0)
        fail_msg("sequencer_start: %s", err.msg);
}

static void h_stop(harness *h)
{
    sequencer_free(h->seq);
    h->seq = NULL;
    keyring_free(h->ks);
    h->ks = NULL;
    highwater_free(h->hw);
    h->hw = NULL;
    store_close(h->st);
    h->st = NULL;
}

static harness *h_open(size_t map_size)
{
    harness *h = calloc(1, sizeof *h);
    assert_non_null(h);
    snprintf(h->dir, sizeof h->dir, "/tmp/liuhen-seq-XXXXXX");
    assert_non_null(mkdtemp(h->dir));
    h->map_size = map_size;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    uint8_t seed[32];
    memset(seed, 0x42, sizeof seed);
    assert_int_equal(
        note_signer_from_seed(&h->log, ORIGIN, strlen(ORIGIN), NOTE_TYPE_ED25519, seed), 0);
    assert_int_equal(note_signer_verifier(&h->log, &h->logv), 0);
    memcpy(h->logk.key.sk, h->log.sk, 64);
    memcpy(h->logk.key.pk, h->log.sk + 32, 32);
    h_start(h);
    return h;
}

static void h_close(harness *h)
{
    h_stop(h);
    DIR *d = opendir(h->dir);
    assert_non_null(d);
    struct dirent *de;
    char path[sizeof h->dir + 1 + 256];
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", h->dir, de->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(h->dir);
    note_signer_wipe(&h->log);
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

static seq_job *make_job(const spec *s)
{
    size_t len;
    uint8_t *bytes = build(s, &len);
    seq_job *job = seq_job_new(bytes, len, NULL, 0);
    assert_non_null(job);
    int rc = sequencer_prepare(job, ORIGIN);
    if (rc != 0)
        fail_msg("sequencer_prepare: %s: %s", wire_status_name(job->status), job->message);
    return job;
}

/* Wait until n more jobs are finished. The jobs stay the caller's (the
 * done list is only walked). */
static void wait_done(harness *h, size_t n)
{
    size_t got = 0;
    while (got < n) {
        pthread_mutex_lock(&h->mu);
        unsigned long seen = h->notified;
        pthread_mutex_unlock(&h->mu);
        seq_job *done = sequencer_take_done(h->seq);
        if (done != NULL) {
            for (; done != NULL; done = done->next)
                got++;
            continue;
        }
        pthread_mutex_lock(&h->mu);
        while (h->notified == seen)
            pthread_cond_wait(&h->cv, &h->mu);
        pthread_mutex_unlock(&h->mu);
    }
    assert_int_equal(got, n);
}

/* Link jobs into a list, in order. */
static seq_job *as_list(seq_job **jobs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        jobs[i]->next = i + 1 < n ? jobs[i + 1] : NULL;
    return n > 0 ? jobs[0] : NULL;
}

/* Submit jobs together, as liuhend submits the appends of one read, and
 * wait until all of them are finished. */
static void run(harness *h, seq_job **jobs, size_t n)
{
    sequencer_submit(h->seq, as_list(jobs, n));
    wait_done(h, n);
}

/* Close the gate and park the writer in it, after a batch of `warmup`. */
static void gate_close(harness *h, seq_job *warmup)
{
    pthread_mutex_lock(&h->mu);
    h->gate_closed = true;
    pthread_mutex_unlock(&h->mu);
    sequencer_submit(h->seq, warmup);
    pthread_mutex_lock(&h->mu);
    while (!h->gate_waiting)
        pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
    seq_job *done = sequencer_take_done(h->seq);
    assert_ptr_equal(done, warmup);
    assert_null(done->next);
}

static void gate_open(harness *h)
{
    pthread_mutex_lock(&h->mu);
    h->gate_closed = false;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

/* Submit the jobs, together, while the writer waits in the gate after a
 * batch of its own, then let it take them all as one batch. */
static void run_one_batch(harness *h, seq_job *warmup, seq_job **jobs, size_t n)
{
    gate_close(h, warmup);
    sequencer_submit(h->seq, as_list(jobs, n));
    gate_open(h);
    wait_done(h, n);
}

/* A new prepared job with the same SignedEntry bytes as `job`: a retry. */
static seq_job *clone_job(const seq_job *job)
{
    uint8_t *bytes = malloc(job->signed_len);
    assert_non_null(bytes);
    memcpy(bytes, job->signed_entry, job->signed_len);
    seq_job *copy = seq_job_new(bytes, job->signed_len, NULL, 0);
    assert_non_null(copy);
    assert_int_equal(sequencer_prepare(copy, ORIGIN), 0);
    return copy;
}

static seq_job *append(harness *h, const spec *s)
{
    seq_job *job = make_job(s);
    run(h, &job, 1);
    return job;
}

/* The receipt of an OK or DUPLICATE job: the checkpoint opens with the log
 * key, the proof binds the leaf hash to its root, and the stored leaf is
 * the job's entry with that hash and integrated_at. */
static void verify_receipt(harness *h, const seq_job *job)
{
    assert_non_null(job->checkpoint);
    checkpoint_opened *op = malloc(sizeof *op);
    assert_non_null(op);
    lh_err err = {""};
    if (checkpoint_open(job->checkpoint->note, job->checkpoint->len, &h->logv, NULL, 0, op, &err) !=
        0)
        fail_msg("checkpoint_open: %s", err.msg);
    assert_int_equal(op->cp.size, job->checkpoint->size);
    assert_memory_equal(op->cp.root, job->checkpoint->root, 32);
    assert_true(job->index < op->cp.size);
    assert_int_equal(merkle_verify_inclusion(job->proof_len > 0 ? job->proof[0] : NULL,
                                             job->proof_len, job->index, op->cp.size,
                                             job->leaf_hash, op->cp.root),
                     0);
    free(op);

    store_txn *txn;
    assert_int_equal(store_read_begin(h->st, &txn), 0);
    const uint8_t *leaf, *se;
    size_t leaf_len, se_len;
    int64_t t;
    assert_int_equal(store_get_leaf(txn, job->index, &leaf, &leaf_len), 0);
    uint8_t lh[32];
    entry_leaf_hash(leaf, leaf_len, lh);
    assert_memory_equal(lh, job->leaf_hash, 32);
    assert_int_equal(entry_leaf_unpack(leaf, leaf_len, &se, &se_len, &t, NULL), 0);
    assert_int_equal(t, job->integrated_at);
    assert_int_equal(se_len, job->signed_len);
    assert_memory_equal(se, job->signed_entry, se_len);
    store_txn_end(txn);
}

/* Chains name entries by entry id (docs/design.md "Entries"). */
static void advance(actor *a, const seq_job *job)
{
    a->seq++;
    memcpy(a->head, job->entry_id, 32);
}

static void advance_case(tcase *c, const seq_job *job)
{
    c->len++;
    memcpy(c->head, job->entry_id, 32);
}

/* Append and require OK, moving the author's (and the case's) head. */
static void append_ok(harness *h, actor *a, tcase *c, const spec *s)
{
    seq_job *job = append(h, s);
    assert_status(job, ST(OK));
    verify_receipt(h, job);
    advance(a, job);
    if (c != NULL)
        advance_case(c, job);
    seq_job_free(job);
}

/* The first entry: the log key enrols the first admin. */
static void genesis(harness *h, actor *admin)
{
    spec s = by(&h->logk, KIND(KEY_ENROLL));
    s.subject = admin->key.pk;
    s.holder = "管理员甲";
    s.roles = ROLE(ADMIN);
    seq_job *job = append(h, &s);
    assert_status(job, ST(OK));
    assert_int_equal(job->index, 0);
    verify_receipt(h, job);
    advance(&h->logk, job);
    seq_job_free(job);
}

static void enroll(harness *h, actor *admin, const actor *who, uint32_t roles, const char *holder)
{
    spec s = by(admin, KIND(KEY_ENROLL));
    s.subject = who->key.pk;
    s.holder = holder;
    s.roles = roles;
    append_ok(h, admin, NULL, &s);
}

/* ------------------------------------------------------------------------
 * Write errors under LMDB. liblmdb writes its pages with pwrite() and
 * writev(); these definitions in the test program take their place, and
 * fail with inject_errno while it is set (never on stdout or stderr).
 */

static atomic_int inject_errno;
static atomic_int inject_mark_errno; /* the same, for the high-water mark only */

/* Whether fd is the data directory's high-water mark. */
static bool is_mark(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return false;
    path[n] = '\0';
    return n >= 10 && strcmp(path + n - 10, "/highwater") == 0;
}
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    int e = atomic_load(&inject_errno);
    if (e == 0 && atomic_load(&inject_mark_errno) != 0 && is_mark(fd))
        e = atomic_load(&inject_mark_errno);
    if (e != 0 && fd > 2) {
        errno = e;
        return -1;
    }
    return real_pwrite(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int count)
{
    int e = atomic_load(&inject_errno);
    if (e != 0 && fd > 2) {
        errno = e;
        return -1;
    }
    return real_writev(fd, iov, count);
}

static int global_setup(void **state)
{
    (void)state;
    log_set_level(LOG_LEVEL_ERROR);
    /* POSIX's way to take a function pointer from dlsym(). */
    *(void **)&real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    *(void **)&real_writev = dlsym(RTLD_NEXT, "writev");
    if (real_pwrite == NULL || real_writev == NULL)
        return -1;
    return sodium_init() < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * Preparation (no store).
 */

static void test_prepare_failures(void **state)
{
    (void)state;
    actor a = {0};
    tu_key_make(&a.key, 7, KEY_TAG);
    spec s = by(&a, KIND(APPEAL));
    s.case_id = "QJ-1";
    uint8_t prev[32] = {1};
    s.case_prev = prev;

    /* A good one passes and names its entry id: SHA-256 of the Entry
     * bytes, not of the SignedEntry. */
    size_t len;
    uint8_t *bytes = build(&s, &len);
    seq_job *job = seq_job_new(bytes, len, NULL, 9);
    assert_int_equal(sequencer_prepare(job, ORIGIN), 0);
    assert_status(job, ST(OK));
    uint8_t want[32], whole[32];
    crypto_hash_sha256(want, job->entry_bytes, job->entry_len);
    crypto_hash_sha256(whole, job->signed_entry, job->signed_len);
    assert_memory_equal(job->entry_id, want, 32);
    assert_memory_not_equal(job->entry_id, whole, 32);
    assert_non_null(job->entry);

    /* One bit of the signature flipped: BAD_SIGNATURE. */
    job->signed_entry[job->signed_len - 1] ^= 1;
    assert_int_equal(sequencer_prepare(job, ORIGIN), LH_EBADSIG);
    assert_status(job, ST(BAD_SIGNATURE));
    assert_message_has(job, "signature");
    assert_null(job->entry);
    seq_job_free(job);

    /* Another log's entry. */
    s.origin = "other.example/log";
    bytes = build(&s, &len);
    job = seq_job_new(bytes, len, NULL, 0);
    assert_int_equal(sequencer_prepare(job, ORIGIN), LH_EORIGIN);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "origin");
    seq_job_free(job);

    /* A field out of its rules: author_seq 0. */
    s.origin = NULL;
    s.seq = 0;
    bytes = build(&s, &len);
    job = seq_job_new(bytes, len, NULL, 0);
    assert_int_equal(sequencer_prepare(job, ORIGIN), LH_EFIELD);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "author_seq");
    seq_job_free(job);

    /* Too large to be a leaf. */
    bytes = calloc(1, ENTRY_SIGNED_MAX + 1);
    job = seq_job_new(bytes, ENTRY_SIGNED_MAX + 1, NULL, 0);
    assert_int_equal(sequencer_prepare(job, ORIGIN), LH_ETOOBIG);
    assert_status(job, ST(TOO_LARGE));
    seq_job_free(job);

    /* Not a SignedEntry at all, and nothing at all. */
    bytes = malloc(5);
    memcpy(bytes, "\xff\xff\xff\xff\xff", 5);
    job = seq_job_new(bytes, 5, NULL, 0);
    assert_true(sequencer_prepare(job, ORIGIN) < 0);
    assert_status(job, ST(INVALID_ARGUMENT));
    seq_job_free(job);
    job = seq_job_new(NULL, 0, NULL, 0);
    assert_int_equal(sequencer_prepare(job, ORIGIN), LH_EINVAL);
    assert_status(job, ST(INVALID_ARGUMENT));
    seq_job_free(job);
}

/* ------------------------------------------------------------------------
 * The genesis rule and the log key.
 */

static void test_genesis(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, other = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&other.key, 2, KEY_TAG);

    /* An empty log has a signed checkpoint of size 0. */
    seq_checkpoint *cp0 = sequencer_latest(h->seq);
    assert_non_null(cp0);
    assert_int_equal(cp0->size, 0);
    seq_checkpoint_unref(cp0);

    /* Not by the log key: nobody is enrolled yet. */
    spec s = by(&other, KIND(KEY_ENROLL));
    s.subject = admin.key.pk;
    s.roles = ROLE(ADMIN);
    seq_job *job = append(h, &s);
    assert_status(job, ST(UNKNOWN_KEY));
    assert_message_has(job, "first entry");
    seq_job_free(job);

    /* By the log key, but not a KEY_ENROLL. */
    s = by(&h->logk, KIND(COMPLAINT));
    s.case_id = "QJ-0";
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "kind");
    seq_job_free(job);

    /* By the log key, a KEY_ENROLL without the admin role. */
    s = by(&h->logk, KIND(KEY_ENROLL));
    s.subject = admin.key.pk;
    s.roles = ROLE(LEGAL);
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "admin");
    seq_job_free(job);

    /* The log key cannot enrol itself. */
    s.subject = h->logk.key.pk;
    s.roles = ROLE(ADMIN);
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "log key");
    seq_job_free(job);

    /* Nothing was written by all of that. */
    sequencer_stats stats;
    sequencer_get_stats(h->seq, &stats);
    assert_int_equal(stats.tree_size, 0);

    genesis(h, &admin);

    /* Ever after, the log key authors nothing. */
    s = by(&h->logk, KIND(KEY_ENROLL));
    s.subject = other.key.pk;
    s.roles = ROLE(LEGAL);
    job = append(h, &s);
    assert_status(job, ST(PERMISSION_DENIED));
    assert_message_has(job, "log key");
    seq_job_free(job);

    /* ... and no admin can enrol it. */
    s = by(&admin, KIND(KEY_ENROLL));
    s.subject = h->logk.key.pk;
    s.roles = ROLE(LEGAL);
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    seq_job_free(job);

    /* The admin may enrol others. */
    enroll(h, &admin, &other, ROLE(LEGAL), "李四");
    keyring_key *recs;
    size_t n;
    assert_int_equal(keyring_snapshot(h->ks, &recs, &n), 0);
    assert_int_equal(n, 2);
    assert_memory_equal(recs[0].public_key, admin.key.pk, 32);
    assert_int_equal(recs[0].enrolled_index, 0);
    assert_memory_equal(recs[1].public_key, other.key.pk, 32);
    assert_int_equal(recs[1].enrolled_index, 1);
    free(recs);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * Roles: the table of docs/design.md "Kinds and roles", written out independently.
 */

enum { R_ADMIN, R_HANDLER, R_LEGAL, R_LEADER, R_INVESTIGATOR, R_COUNT };

static const struct {
    Liuhen__Kind kind;
    bool allowed[R_COUNT]; /* admin, handler, legal, leader, investigator */
    bool opens;
} role_table[] = {
    {KIND(INTERFERENCE), {false, true, true, false, false}, true},
    {KIND(GUIDANCE), {false, true, false, true, false}, true},
    {KIND(COMPLAINT), {false, false, true, false, false}, true},
    {KIND(TRANSFER), {false, false, true, false, false}, false},
    {KIND(REPLY), {false, false, true, false, false}, false},
    {KIND(INVESTIGATION_ASSIGNED), {false, false, false, true, false}, false},
    {KIND(INVESTIGATION_STEP), {false, false, true, false, true}, false},
    {KIND(DECISION), {false, false, false, true, false}, false},
    {KIND(REVIEW_ORDER), {false, false, false, true, false}, false},
    {KIND(APPEAL), {true, true, true, true, true}, false},
    {KIND(NOTIFICATION), {false, false, true, true, false}, false},
    {KIND(CASE_CLOSED), {false, false, true, true, false}, false},
};

static void test_roles(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor who[R_COUNT];
    memset(who, 0, sizeof who);
    static const uint32_t role_bits[R_COUNT] = {ROLE(ADMIN), ROLE(HANDLER), ROLE(LEGAL),
                                                ROLE(LEADER), ROLE(INVESTIGATOR)};
    static const char *const names[R_COUNT] = {"管理员", "办案员", "法规科", "局领导", "调查员"};
    for (int r = 0; r < R_COUNT; r++)
        tu_key_make(&who[r].key, 100 + (uint32_t)r, KEY_TAG);
    genesis(h, &who[R_ADMIN]);
    for (int r = 1; r < R_COUNT; r++)
        enroll(h, &who[R_ADMIN], &who[r], role_bits[r], names[r]);

    tcase main_case = {"QJ-R", 0, {0}};
    spec s = in_case(&who[R_LEGAL], KIND(COMPLAINT), &main_case);
    append_ok(h, &who[R_LEGAL], &main_case, &s);
    uint8_t legal_complaint[32];
    memcpy(legal_complaint, main_case.head, 32);

    uint8_t own[R_COUNT][32]; /* each role's latest entry in main_case */
    bool has_own[R_COUNT] = {false};
    memcpy(own[R_LEGAL], legal_complaint, 32);
    has_own[R_LEGAL] = true;

    for (size_t k = 0; k < sizeof role_table / sizeof role_table[0]; k++) {
        for (int r = 0; r < R_COUNT; r++) {
            tcase fresh;
            snprintf(fresh.id, sizeof fresh.id, "QJ-%zu-%d", k, r);
            fresh.len = 0;
            tcase *c = role_table[k].opens ? &fresh : &main_case;
            s = in_case(&who[r], role_table[k].kind, c);
            seq_job *job = append(h, &s);
            if (role_table[k].allowed[r]) {
                assert_status(job, ST(OK));
                verify_receipt(h, job);
                advance(&who[r], job);
                advance_case(c, job);
                if (c == &main_case) {
                    memcpy(own[r], job->entry_id, 32);
                    has_own[r] = true;
                }
            } else {
                assert_status(job, ST(PERMISSION_DENIED));
                assert_message_has(job, names[r]);
                assert_message_has(job, kind_name(role_table[k].kind));
            }
            seq_job_free(job);
        }
    }

    /* CORRECTION: any role, of its own entries only. */
    for (int r = 0; r < R_COUNT; r++) {
        assert_true(has_own[r]); /* everyone appealed in main_case */
        s = in_case(&who[r], KIND(CORRECTION), &main_case);
        s.corrects = own[r];
        append_ok(h, &who[r], &main_case, &s);
        if (r != R_LEGAL) {
            s = in_case(&who[r], KIND(CORRECTION), &main_case);
            s.corrects = legal_complaint;
            seq_job *job = append(h, &s);
            assert_status(job, ST(PERMISSION_DENIED));
            assert_message_has(job, "author");
            seq_job_free(job);
        }
    }

    /* Key management: admins only. */
    actor newcomer = {0};
    tu_key_make(&newcomer.key, 199, KEY_TAG);
    for (int r = 1; r < R_COUNT; r++) {
        s = by(&who[r], KIND(KEY_ENROLL));
        s.subject = newcomer.key.pk;
        s.roles = ROLE(HANDLER);
        seq_job *job = append(h, &s);
        assert_status(job, ST(PERMISSION_DENIED));
        seq_job_free(job);
        s = by(&who[r], KIND(KEY_REVOKE));
        s.subject = who[R_HANDLER].key.pk;
        job = append(h, &s);
        assert_status(job, ST(PERMISSION_DENIED));
        seq_job_free(job);
    }
    enroll(h, &who[R_ADMIN], &newcomer, ROLE(HANDLER), "王五");
    h_close(h);
}

/* ------------------------------------------------------------------------
 * Unknown and revoked keys; key changes effective from the next entry.
 */

static void test_keys(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, handler = {0}, stranger = {0}, late = {0}, admin2 = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&handler.key, 2, KEY_TAG);
    tu_key_make(&stranger.key, 3, KEY_TAG);
    tu_key_make(&late.key, 4, KEY_TAG);
    tu_key_make(&admin2.key, 5, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &handler, ROLE(HANDLER), "赵六");

    /* Never enrolled. */
    tcase c1 = {"QJ-K1", 0, {0}};
    spec s = in_case(&stranger, KIND(INTERFERENCE), &c1);
    seq_job *job = append(h, &s);
    assert_status(job, ST(UNKNOWN_KEY));
    assert_message_has(job, "not enrolled");
    seq_job_free(job);

    /* Revoked: the message names the holder and the revoking entry. */
    s = by(&admin, KIND(KEY_REVOKE));
    s.subject = handler.key.pk;
    job = append(h, &s);
    assert_status(job, ST(OK));
    uint64_t revoked_at = job->index;
    advance(&admin, job);
    seq_job_free(job);
    s = in_case(&handler, KIND(INTERFERENCE), &c1);
    job = append(h, &s);
    assert_status(job, ST(KEY_REVOKED));
    assert_message_has(job, "赵六");
    char want[64];
    snprintf(want, sizeof want, "entry %" PRIu64, revoked_at);
    assert_message_has(job, want);
    seq_job_free(job);

    /* A revoked key cannot be enrolled again. */
    s = by(&admin, KIND(KEY_ENROLL));
    s.subject = handler.key.pk;
    s.roles = ROLE(HANDLER);
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    seq_job_free(job);

    /* The last admin cannot be revoked. */
    s = by(&admin, KIND(KEY_REVOKE));
    s.subject = admin.key.pk;
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "last admin");
    seq_job_free(job);

    /* Same batch: an enrolment, then the enrolled key's first entry. */
    spec warm = by(&admin, KIND(APPEAL));
    warm.case_id = "QJ-W";
    uint8_t nothing[32] = {9};
    warm.case_prev = nothing; /* refused (cannot open), but it parks the writer */
    seq_job *warmup = make_job(&warm);
    s = by(&admin, KIND(KEY_ENROLL));
    s.subject = late.key.pk;
    s.roles = ROLE(HANDLER);
    seq_job *jobs[2];
    jobs[0] = make_job(&s);
    tcase c2 = {"QJ-K2", 0, {0}};
    s = in_case(&late, KIND(INTERFERENCE), &c2);
    jobs[1] = make_job(&s);
    run_one_batch(h, warmup, jobs, 2);
    assert_status(warmup, ST(INVALID_ARGUMENT));
    assert_status(jobs[0], ST(OK));
    assert_status(jobs[1], ST(OK));
    assert_ptr_equal(jobs[0]->checkpoint, jobs[1]->checkpoint);
    assert_int_equal(jobs[1]->index, jobs[0]->index + 1);
    verify_receipt(h, jobs[0]);
    verify_receipt(h, jobs[1]);
    advance(&admin, jobs[0]);
    advance(&late, jobs[1]);
    advance_case(&c2, jobs[1]);
    seq_job_free(warmup);
    seq_job_free(jobs[0]);
    seq_job_free(jobs[1]);

    /* Same batch: a revocation, then the revoked key: refused. And an
     * enrolment refused in the batch leaves no trace for the next entry. */
    enroll(h, &admin, &admin2, ROLE(ADMIN), "管理员乙");
    warm = by(&admin, KIND(APPEAL));
    warm.case_id = "QJ-W";
    warm.case_prev = nothing;
    warmup = make_job(&warm);
    s = by(&admin, KIND(KEY_REVOKE));
    s.subject = late.key.pk;
    seq_job *b[4];
    b[0] = make_job(&s);
    s = in_case(&late, KIND(INTERFERENCE), &c2);
    b[1] = make_job(&s);
    s = by(&admin2, KIND(KEY_ENROLL)); /* the log key: refused */
    s.subject = h->logk.key.pk;
    s.roles = ROLE(HANDLER);
    b[2] = make_job(&s);
    actor ghost = {0};
    tu_key_make(&ghost.key, 66, KEY_TAG);
    s = by(&admin2, KIND(KEY_ENROLL)); /* seq 1 again: the refusal moved no head */
    s.subject = ghost.key.pk;
    s.roles = ROLE(LEGAL);
    b[3] = make_job(&s);
    run_one_batch(h, warmup, b, 4);
    assert_status(b[0], ST(OK));
    assert_status(b[1], ST(KEY_REVOKED));
    assert_status(b[2], ST(INVALID_ARGUMENT));
    assert_status(b[3], ST(OK));
    assert_int_equal(b[3]->index, b[0]->index + 1);
    verify_receipt(h, b[0]);
    verify_receipt(h, b[3]);
    seq_job_free(warmup);
    for (int i = 0; i < 4; i++)
        seq_job_free(b[i]);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * CONFLICT with the heads; case openings; corrections.
 */

static void test_conflicts(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, handler = {0}, legal = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&handler.key, 2, KEY_TAG);
    tu_key_make(&legal.key, 3, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &handler, ROLE(HANDLER), "办案员");
    enroll(h, &admin, &legal, ROLE(LEGAL), "法规科");

    tcase c = {"QJ-C", 0, {0}};
    spec s = in_case(&handler, KIND(INTERFERENCE), &c);
    append_ok(h, &handler, &c, &s);
    uint64_t first_index;
    {
        store_txn *txn;
        assert_int_equal(store_read_begin(h->st, &txn), 0);
        assert_int_equal(store_find_entry(txn, c.head, &first_index), 0);
        store_txn_end(txn);
    }

    /* A stale author_seq. */
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    s.seq = 1;
    s.author_prev = NULL;
    seq_job *job = append(h, &s);
    assert_status(job, ST(CONFLICT));
    assert_message_has(job, "author_seq 1 was already used");
    assert_int_equal(job->author_seq, 1);
    assert_memory_equal(job->author_head, handler.head, 32);
    assert_int_equal(job->case_length, 1);
    assert_memory_equal(job->case_head, c.head, 32);
    assert_null(job->checkpoint);
    seq_job_free(job);

    /* author_seq ahead of the head. */
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    s.seq = 5;
    job = append(h, &s);
    assert_status(job, ST(CONFLICT));
    assert_message_has(job, "author_seq is 5");
    seq_job_free(job);

    /* A wrong author_prev. */
    uint8_t wrong[32];
    memset(wrong, 0x77, sizeof wrong);
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    s.author_prev = wrong;
    job = append(h, &s);
    assert_status(job, ST(CONFLICT));
    assert_message_has(job, "author_prev");
    assert_int_equal(job->author_seq, 1);
    assert_memory_equal(job->author_head, handler.head, 32);
    seq_job_free(job);

    /* A wrong case_prev: the message names the case and its head entry. */
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    s.case_prev = wrong;
    job = append(h, &s);
    assert_status(job, ST(CONFLICT));
    char want[96];
    snprintf(want, sizeof want, "but the head of case QJ-C is entry %" PRIu64, first_index);
    assert_message_has(job, want);
    assert_int_equal(job->case_length, 1);
    assert_memory_equal(job->case_head, c.head, 32);
    seq_job_free(job);

    /* An opening kind without case_prev on a case that exists. */
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    s.case_prev = NULL;
    job = append(h, &s);
    assert_status(job, ST(CONFLICT));
    assert_message_has(job, "case_prev is absent");
    seq_job_free(job);

    /* ... and with case_prev on a case that does not. */
    tcase empty = {"QJ-EMPTY", 0, {0}};
    s = in_case(&handler, KIND(INTERFERENCE), &empty);
    s.case_prev = c.head;
    job = append(h, &s);
    assert_status(job, ST(CONFLICT));
    assert_int_equal(job->case_length, 0);
    seq_job_free(job);

    /* A kind that cannot open a case, on an empty case. */
    s = in_case(&legal, KIND(REPLY), &empty);
    s.case_prev = c.head;
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "REPLY cannot open case QJ-EMPTY");
    seq_job_free(job);

    /* The chains still continue where they were. */
    s = in_case(&legal, KIND(REPLY), &c);
    append_ok(h, &legal, &c, &s);

    /* Corrections: of nothing, and across cases (R11). */
    s = in_case(&handler, KIND(CORRECTION), &c);
    s.corrects = wrong;
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "is the entry id of no earlier entry of this log");
    seq_job_free(job);
    tcase other = {"QJ-OTHER", 0, {0}};
    s = in_case(&handler, KIND(INTERFERENCE), &other);
    append_ok(h, &handler, &other, &s);
    s = in_case(&handler, KIND(CORRECTION), &c);
    s.corrects = other.head;
    job = append(h, &s);
    assert_status(job, ST(INVALID_ARGUMENT));
    assert_message_has(job, "R11");
    seq_job_free(job);
    s = in_case(&handler, KIND(CORRECTION), &other);
    s.corrects = other.head;
    append_ok(h, &handler, &other, &s);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * DUPLICATE: the first receipt again, in a later batch and in the same one.
 */

static void test_duplicate(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, handler = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&handler.key, 2, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &handler, ROLE(HANDLER), "办案员");

    tcase c = {"QJ-D", 0, {0}};
    spec s = in_case(&handler, KIND(INTERFERENCE), &c);
    seq_job *first = append(h, &s);
    assert_status(first, ST(OK));

    /* A later batch: the retry is answered with the first receipt, with a
     * proof against the latest checkpoint, even after the author's head
     * moved on. */
    actor h2 = handler;
    advance(&h2, first);
    tcase c2 = c;
    advance_case(&c2, first);
    spec next = in_case(&h2, KIND(INTERFERENCE), &c2);
    seq_job *second = append(h, &next);
    assert_status(second, ST(OK));

    seq_job *again = clone_job(first);
    run(h, &again, 1);
    assert_status(again, ST(DUPLICATE));
    assert_int_equal(again->index, first->index);
    assert_memory_equal(again->leaf_hash, first->leaf_hash, 32);
    assert_int_equal(again->integrated_at, first->integrated_at);
    assert_int_equal(again->checkpoint->size, second->index + 1);
    verify_receipt(h, again);
    sequencer_stats stats;
    sequencer_get_stats(h->seq, &stats);
    assert_int_equal(stats.tree_size, second->index + 1); /* no new checkpoint for it */
    seq_job_free(again);

    /* In the same batch as the original, next to a new entry. */
    advance(&h2, second);
    advance_case(&c2, second);
    spec warm = by(&admin, KIND(APPEAL));
    warm.case_id = "QJ-W";
    uint8_t nothing[32] = {9};
    warm.case_prev = nothing;
    seq_job *warmup = make_job(&warm);
    spec third = in_case(&h2, KIND(INTERFERENCE), &c2);
    seq_job *jobs[3];
    jobs[0] = make_job(&third);
    jobs[1] = clone_job(jobs[0]);
    jobs[2] = clone_job(first);
    run_one_batch(h, warmup, jobs, 3);
    assert_status(jobs[0], ST(OK));
    assert_status(jobs[1], ST(DUPLICATE));
    assert_status(jobs[2], ST(DUPLICATE));
    assert_int_equal(jobs[1]->index, jobs[0]->index);
    assert_memory_equal(jobs[1]->leaf_hash, jobs[0]->leaf_hash, 32);
    assert_int_equal(jobs[2]->index, first->index);
    for (int i = 0; i < 3; i++) {
        assert_ptr_equal(jobs[i]->checkpoint, jobs[0]->checkpoint);
        verify_receipt(h, jobs[i]);
    }
    for (int i = 0; i < 3; i++)
        seq_job_free(jobs[i]);
    seq_job_free(warmup);
    seq_job_free(first);
    seq_job_free(second);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * 500 appends queued at once: one batch, one checkpoint, every proof good.
 */

#define BIG 500

static void test_big_batch(void **state)
{
    (void)state;
    harness *h = h_open(0);
    /* 512 admins first, doubling their number with each batch, so that the
     * batch of 500 has 500 authors. */
    size_t nkeys = 512;
    actor *a = calloc(nkeys, sizeof *a);
    assert_non_null(a);
    for (size_t i = 0; i < nkeys; i++)
        tu_key_make(&a[i].key, 1000 + (uint32_t)i, KEY_TAG);
    genesis(h, &a[0]);
    seq_job **jobs = calloc(nkeys, sizeof *jobs);
    assert_non_null(jobs);
    for (size_t have = 1; have < nkeys; have *= 2) {
        for (size_t i = 0; i < have; i++) {
            spec s = by(&a[i], KIND(KEY_ENROLL));
            s.subject = a[have + i].key.pk;
            s.holder = "管理员";
            s.roles = ROLE(ADMIN) | ROLE(LEGAL);
            jobs[i] = make_job(&s);
        }
        run(h, jobs, have);
        for (size_t i = 0; i < have; i++) {
            assert_status(jobs[i], ST(OK));
            advance(&a[i], jobs[i]);
            seq_job_free(jobs[i]);
        }
    }
    sequencer_stats stats;
    sequencer_get_stats(h->seq, &stats);
    uint64_t before = stats.tree_size;
    assert_int_equal(before, nkeys);

    spec warm = by(&a[511], KIND(APPEAL));
    warm.case_id = "QJ-W";
    uint8_t nothing[32] = {9};
    warm.case_prev = nothing;
    seq_job *warmup = make_job(&warm);
    tcase *cases = calloc(BIG, sizeof *cases);
    assert_non_null(cases);
    for (size_t i = 0; i < BIG; i++) {
        snprintf(cases[i].id, sizeof cases[i].id, "QJ-B-%zu", i);
        spec s = in_case(&a[i + 1], KIND(COMPLAINT), &cases[i]); /* a[0] is admin only */
        jobs[i] = make_job(&s);
    }
    run_one_batch(h, warmup, jobs, BIG);
    seq_job_free(warmup);
    assert_status(jobs[0], ST(OK));
    seq_checkpoint *cp = jobs[0]->checkpoint;
    assert_non_null(cp);
    assert_int_equal(cp->size, before + BIG);
    int64_t t = jobs[0]->integrated_at;
    for (size_t i = 0; i < BIG; i++) {
        assert_status(jobs[i], ST(OK));
        assert_int_equal(jobs[i]->index, before + i);
        assert_ptr_equal(jobs[i]->checkpoint, cp);
        assert_int_equal(jobs[i]->integrated_at, t);
        verify_receipt(h, jobs[i]);
    }
    for (size_t i = 0; i < BIG; i++)
        seq_job_free(jobs[i]);
    seq_checkpoint *latest = sequencer_latest(h->seq);
    assert_int_equal(latest->size, before + BIG);
    seq_checkpoint_unref(latest);
    sequencer_get_stats(h->seq, &stats);
    assert_int_equal(stats.tree_size, before + BIG);
    assert_int_equal(stats.queue_depth, 0);
    assert_true(stats.appends_per_second > 0);
    assert_false(stats.disk_full);
    free(cases);
    free(jobs);
    free(a);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * Reopening: the same keys, the chains continue, the new checkpoint is
 * consistent with the old one; integrated_at never goes backwards.
 */

static void open_checkpoint(harness *h, const seq_checkpoint *cp, checkpoint *out)
{
    checkpoint_opened *op = malloc(sizeof *op);
    assert_non_null(op);
    assert_int_equal(checkpoint_open(cp->note, cp->len, &h->logv, NULL, 0, op, NULL), 0);
    *out = op->cp;
    free(op);
}

static void test_reopen(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, handler = {0}, gone = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&handler.key, 2, KEY_TAG);
    tu_key_make(&gone.key, 3, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &handler, ROLE(HANDLER) | ROLE(LEGAL), "办案员");
    enroll(h, &admin, &gone, ROLE(LEADER), "离任者");
    spec s = by(&admin, KIND(KEY_REVOKE));
    s.subject = gone.key.pk;
    append_ok(h, &admin, NULL, &s);
    tcase c = {"QJ-O", 0, {0}};
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    append_ok(h, &handler, &c, &s);

    keyring_key *before, *after;
    size_t nbefore, nafter;
    assert_int_equal(keyring_snapshot(h->ks, &before, &nbefore), 0);
    seq_checkpoint *old = sequencer_latest(h->seq);
    int64_t last_time = 0;
    {
        store_txn *txn;
        assert_int_equal(store_read_begin(h->st, &txn), 0);
        assert_int_equal(store_get_time(txn, &last_time), 0);
        store_txn_end(txn);
    }

    /* Reopen, with the last integrated_at set an hour ahead of the clock,
     * as after a clock that went back. */
    h_stop(h);
    lh_err err = {""};
    assert_int_equal(store_open(&h->st, h->dir, 0, &err), 0);
    store_txn *txn;
    assert_int_equal(store_write_begin(h->st, &txn), 0);
    int64_t future = last_time + 3600 * 1000;
    assert_int_equal(store_set_size(txn, old->size, future), 0);
    assert_int_equal(store_commit(txn), 0);
    store_close(h->st);
    h_start(h);

    assert_int_equal(keyring_snapshot(h->ks, &after, &nafter), 0);
    assert_int_equal(nafter, nbefore);
    assert_int_equal(nafter, 3);
    assert_memory_equal(after, before, nafter * sizeof *after);
    assert_true(after[2].revoked);
    free(before);
    free(after);

    seq_checkpoint *same = sequencer_latest(h->seq);
    assert_int_equal(same->size, old->size);
    assert_int_equal(same->len, old->len);
    assert_memory_equal(same->note, old->note, old->len);
    seq_checkpoint_unref(same);

    /* The revoked key is still revoked; the chains continue. */
    tcase g = {"QJ-G", 0, {0}};
    s = in_case(&gone, KIND(GUIDANCE), &g);
    seq_job *job = append(h, &s);
    assert_status(job, ST(KEY_REVOKED));
    seq_job_free(job);
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    job = append(h, &s);
    assert_status(job, ST(OK));
    verify_receipt(h, job);
    assert_int_equal(job->integrated_at, future); /* never backwards */
    advance(&handler, job);
    advance_case(&c, job);
    seq_job_free(job);
    s = in_case(&handler, KIND(TRANSFER), &c);
    job = append(h, &s);
    assert_status(job, ST(OK));
    assert_true(job->integrated_at >= future);

    /* The new checkpoint extends the old one. */
    checkpoint cold, cnew;
    open_checkpoint(h, old, &cold);
    open_checkpoint(h, job->checkpoint, &cnew);
    assert_true(cnew.size > cold.size);
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t proof_len;
    assert_int_equal(store_read_begin(h->st, &txn), 0);
    assert_int_equal(
        merkle_consistency_proof(proof, &proof_len, cold.size, cnew.size, store_read_hashes, txn),
        0);
    store_txn_end(txn);
    assert_int_equal(
        merkle_verify_consistency(proof[0], proof_len, cold.size, cnew.size, cold.root, cnew.root),
        0);
    seq_job_free(job);
    seq_checkpoint_unref(old);

    /* The same store refuses another log key. */
    h_stop(h);
    assert_int_equal(store_open(&h->st, h->dir, 0, &err), 0);
    assert_int_equal(keyring_new(&h->ks), 0);
    note_signer wrong;
    uint8_t seed[32];
    memset(seed, 0x43, sizeof seed);
    assert_int_equal(note_signer_from_seed(&wrong, ORIGIN, strlen(ORIGIN), NOTE_TYPE_ED25519, seed),
                     0);
    sequencer_config cfg = {.store = h->st, .keys = h->ks, .log_key = &wrong, .origin = ORIGIN};
    sequencer *seq = NULL;
    assert_true(sequencer_start(&seq, &cfg, &err) < 0);
    assert_null(seq);
    note_signer_wipe(&wrong);
    /* The keys are replayed from the store at start, whatever the keyring
     * held before. */
    keyring *stale;
    assert_int_equal(keyring_new(&stale), 0);
    assert_int_equal(keyring_stage(stale, &(Liuhen__Entry){0}, 0, 1), LH_EINVAL);
    cfg.keys = stale;
    cfg.log_key = &h->log;
    assert_int_equal(sequencer_start(&seq, &cfg, &err), 0);
    keyring_key *recs;
    size_t nrecs;
    assert_int_equal(keyring_snapshot(stale, &recs, &nrecs), 0);
    assert_true(nrecs >= 1);
    assert_int_equal(recs[0].enrolled_index, 0);
    free(recs);
    sequencer_free(seq);
    seq = NULL;
    keyring_free(stale);
    /* ... and a store that says it is another log; the right names pass. */
    cfg.keys = h->ks;
    assert_int_equal(store_write_begin(h->st, &txn), 0);
    assert_int_equal(store_put_meta(txn, "origin", "other.example/log", 17), 0);
    assert_int_equal(store_commit(txn), 0);
    assert_int_equal(sequencer_start(&seq, &cfg, &err), LH_EINVAL);
    assert_non_null(strstr(err.msg, "origin"));
    assert_int_equal(store_write_begin(h->st, &txn), 0);
    assert_int_equal(store_put_meta(txn, "origin", ORIGIN, strlen(ORIGIN)), 0);
    assert_int_equal(store_put_meta(txn, "log_key", h->logv.pubkey, 32), 0);
    assert_int_equal(store_commit(txn), 0);
    assert_int_equal(sequencer_start(&seq, &cfg, &err), 0);
    sequencer_free(seq);
    keyring_free(h->ks);
    store_close(h->st);
    h->ks = NULL;
    h->st = NULL;
    h_start(h);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * A tiny map that must grow several times; every acknowledged entry is
 * there after reopening.
 */

#define GROW_ENTRIES 48

static void test_map_growth(void **state)
{
    (void)state;
    harness *h = h_open((size_t)256 << 10);
    size_t initial = store_map_size(h->st);
    actor admin = {0}, handler = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&handler.key, 2, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &handler, ROLE(HANDLER), "办案员");

    char *content = malloc(12001);
    assert_non_null(content);
    memset(content, 'x', 12000);
    content[12000] = '\0';
    tcase c = {"QJ-M", 0, {0}};
    uint64_t indexes[GROW_ENTRIES];
    uint8_t hashes[GROW_ENTRIES][32];
    for (int i = 0; i < GROW_ENTRIES; i++) {
        spec s = in_case(&handler, KIND(INTERFERENCE), &c);
        s.content = content;
        seq_job *job = append(h, &s);
        assert_status(job, ST(OK));
        indexes[i] = job->index;
        memcpy(hashes[i], job->leaf_hash, 32);
        advance(&handler, job);
        advance_case(&c, job);
        seq_job_free(job);
    }
    free(content);
    size_t grown = store_map_size(h->st);
    assert_true(grown >= 4 * initial); /* at least two growths */

    h_stop(h);
    h_start(h);
    store_txn *txn;
    assert_int_equal(store_read_begin(h->st, &txn), 0);
    for (int i = 0; i < GROW_ENTRIES; i++) {
        uint64_t index;
        assert_int_equal(store_find_leaf(txn, hashes[i], &index), 0);
        assert_int_equal(index, indexes[i]);
        const uint8_t *leaf;
        size_t len;
        assert_int_equal(store_get_leaf(txn, index, &leaf, &len), 0);
        uint8_t lh[32];
        entry_leaf_hash(leaf, len, lh);
        assert_memory_equal(lh, hashes[i], 32);
    }
    accept_head head;
    assert_int_equal(store_get_case(txn, "QJ-M", &head), 0);
    assert_int_equal(head.count, GROW_ENTRIES);
    assert_int_equal(head.index, indexes[GROW_ENTRIES - 1]);
    assert_memory_equal(head.id, c.head, 32);
    store_txn_end(txn);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * Stopping: what was queued is finished, what comes later is refused.
 */

static void test_stop(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    genesis(h, &admin);
    actor handler = {0};
    tu_key_make(&handler.key, 2, KEY_TAG);
    spec s = by(&admin, KIND(KEY_ENROLL));
    s.subject = handler.key.pk;
    s.roles = ROLE(HANDLER);
    seq_job *queued = make_job(&s);
    sequencer_submit(h->seq, queued);
    sequencer_stop(h->seq);
    assert_status(queued, ST(OK)); /* finished before the thread ended */
    verify_receipt(h, queued);

    advance(&admin, queued);
    s = by(&admin, KIND(KEY_REVOKE));
    s.subject = handler.key.pk;
    seq_job *late = make_job(&s);
    sequencer_submit(h->seq, late);
    assert_status(late, ST(UNAVAILABLE));
    assert_message_has(late, "shutting down");

    /* So is a job that would not even pass preparation. */
    seq_job *unprepared = seq_job_new(NULL, 0, NULL, 0);
    sequencer_submit(h->seq, unprepared);

    seq_job *done = sequencer_take_done(h->seq);
    assert_ptr_equal(done, queued);
    assert_ptr_equal(done->next, late);
    assert_ptr_equal(late->next, unprepared);
    assert_null(unprepared->next);
    assert_status(unprepared, ST(UNAVAILABLE));
    seq_job_free(queued);
    seq_job_free(late);
    seq_job_free(unprepared);
    sequencer_stop(h->seq); /* again: nothing */
    h_close(h);
}

/* ------------------------------------------------------------------------
 * A batch whose commit fails: nothing is acknowledged, refusals decided on
 * committed state keep their status, duplicates of committed entries keep
 * their receipt, and the log goes on once writes work again.
 */

static void failed_commit(harness *h, int error, Liuhen__Status want, actor *admin, actor *hd,
                          tcase *c, const seq_job *committed)
{
    sequencer_stats stats;
    sequencer_get_stats(h->seq, &stats);
    uint64_t size = stats.tree_size;
    seq_checkpoint *before = sequencer_latest(h->seq);

    spec warm = by(admin, KIND(APPEAL));
    warm.case_id = "QJ-W";
    uint8_t nothing[32] = {9};
    warm.case_prev = nothing;
    seq_job *warmup = make_job(&warm);
    seq_job *jobs[5];
    tcase empty = {"QJ-NONE", 0, {0}};
    spec s = in_case(hd, KIND(APPEAL), &empty); /* refused on committed state */
    s.case_prev = nothing;
    jobs[0] = make_job(&s);
    jobs[1] = clone_job(committed); /* a duplicate of a committed entry */
    s = in_case(hd, KIND(INTERFERENCE), c);
    jobs[2] = make_job(&s);       /* to be accepted */
    jobs[3] = make_job(&s);       /* the same links: a conflict with jobs[2] */
    jobs[4] = clone_job(jobs[2]); /* a duplicate of jobs[2] */

    gate_close(h, warmup);
    atomic_store(&inject_errno, error);
    for (int i = 0; i < 5; i++)
        sequencer_submit(h->seq, jobs[i]);
    gate_open(h);
    wait_done(h, 5);
    atomic_store(&inject_errno, 0);

    assert_status(jobs[0], ST(INVALID_ARGUMENT));
    assert_status(jobs[1], ST(DUPLICATE));
    assert_int_equal(jobs[1]->index, committed->index);
    assert_int_equal(jobs[1]->checkpoint->size, size);
    verify_receipt(h, jobs[1]);
    for (int i = 2; i < 5; i++) {
        assert_status(jobs[i], want);
        assert_message_has(jobs[i], "nothing was written");
        assert_null(jobs[i]->checkpoint);
    }
    sequencer_get_stats(h->seq, &stats);
    assert_int_equal(stats.tree_size, size);
    assert_int_equal(stats.disk_full, want == ST(UNAVAILABLE));
    seq_checkpoint *after = sequencer_latest(h->seq);
    assert_ptr_equal(after, before);
    seq_checkpoint_unref(after);
    seq_checkpoint_unref(before);

    /* Reads go on; the store holds nothing of the batch. */
    store_txn *txn;
    assert_int_equal(store_read_begin(h->st, &txn), 0);
    uint64_t stored;
    assert_int_equal(store_get_size(txn, &stored), 0);
    assert_int_equal(stored, size);
    store_txn_end(txn);

    /* Writes work again: the same entry is accepted now. */
    seq_job *retry = clone_job(jobs[2]);
    run(h, &retry, 1);
    assert_status(retry, ST(OK));
    assert_int_equal(retry->index, size);
    verify_receipt(h, retry);
    sequencer_get_stats(h->seq, &stats);
    assert_false(stats.disk_full);
    advance(hd, retry);
    advance_case(c, retry);
    seq_job_free(retry);
    seq_job_free(warmup);
    for (int i = 0; i < 5; i++)
        seq_job_free(jobs[i]);
}

static void test_write_errors(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, hd = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&hd.key, 2, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &hd, ROLE(HANDLER), "办案员");
    tcase c = {"QJ-F", 0, {0}};
    spec s = in_case(&hd, KIND(INTERFERENCE), &c);
    seq_job *committed = append(h, &s);
    assert_status(committed, ST(OK));
    advance(&hd, committed);
    advance_case(&c, committed);

    /* docs/design.md: disk full gives UNAVAILABLE to appends. */
    failed_commit(h, ENOSPC, ST(UNAVAILABLE), &admin, &hd, &c, committed);
    /* A short write shows as EIO (LMDB's page flush): also UNAVAILABLE. */
    failed_commit(h, EIO, ST(UNAVAILABLE), &admin, &hd, &c, committed);
    /* Any other write error: INTERNAL, and likewise nothing written. */
    failed_commit(h, EBADF, ST(INTERNAL), &admin, &hd, &c, committed);
    seq_job_free(committed);

    /* Everything acknowledged is there after reopening: the genesis, the
     * enrolment, the first entry and one retry after each failure. */
    h_stop(h);
    h_start(h);
    sequencer_stats stats;
    sequencer_get_stats(h->seq, &stats);
    assert_int_equal(stats.tree_size, 6);
    h_close(h);
}

/* The latest checkpoint any reader of the store is shown. */
static uint64_t shown_size(harness *h)
{
    store_txn *txn;
    const uint8_t *note;
    size_t len;
    uint64_t size = 0;
    assert_int_equal(store_read_begin(h->st, &txn), 0);
    assert_int_equal(store_get_checkpoint(txn, UINT64_MAX, &note, &len, &size), 0);
    store_txn_end(txn);
    return size;
}

/*
 * docs/design.md "The high-water mark": a batch committed whose checkpoint
 * cannot be recorded in the mark is not answered with it, nor shown to any
 * reader; the next batch records it first (or fails whole); once the mark
 * is written, asking again gets the receipt.
 */
static void test_mark_not_written(void **state)
{
    (void)state;
    harness *h = h_open(0);
    h_stop(h);
    h->mark = true;
    h_start(h);
    actor admin = {0}, hd = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&hd.key, 2, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &hd, ROLE(HANDLER), "办案员");
    assert_int_equal(shown_size(h), 2);
    tcase c = {"QJ-M", 0, {0}};

    atomic_store(&inject_mark_errno, ENOSPC);
    spec s = in_case(&hd, KIND(INTERFERENCE), &c);
    seq_job *first = append(h, &s);
    assert_status(first, ST(UNAVAILABLE));
    assert_message_has(first, "logged as entry 2, but the log cannot record its checkpoint");
    assert_null(first->checkpoint);
    /* Committed, yet nobody is shown its checkpoint. */
    store_txn *txn;
    uint64_t stored;
    assert_int_equal(store_read_begin(h->st, &txn), 0);
    assert_int_equal(store_get_size(txn, &stored), 0);
    store_txn_end(txn);
    assert_int_equal(stored, 3);
    assert_int_equal(shown_size(h), 2);
    /* The next batch tries the mark first, and fails whole. */
    seq_job *again = clone_job(first);
    run(h, &again, 1);
    assert_status(again, ST(UNAVAILABLE));
    assert_message_has(again, "nothing was written");
    seq_job_free(again);

    atomic_store(&inject_mark_errno, 0);
    again = clone_job(first);
    run(h, &again, 1);
    assert_status(again, ST(DUPLICATE));
    assert_int_equal(again->index, 2);
    assert_int_equal(again->checkpoint->size, 3);
    verify_receipt(h, again);
    assert_int_equal(shown_size(h), 3);
    seq_job_free(again);
    seq_job_free(first);

    /* The mark holds size 3 after a restart. */
    h_stop(h);
    h_start(h);
    uint64_t size;
    uint8_t root[MERKLE_HASH_SIZE];
    assert_true(highwater_get(h->hw, &size, root));
    assert_int_equal(size, 3);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * Chains by entry id: runs signed ahead, in flight together, in one batch.
 */

#define PIPELINED 100

/* One author signs 100 entries, each naming the one before by its entry id
 * (author_prev and case_prev), without waiting for the log; submitted
 * together they land in one batch, in order, under one checkpoint. */
static void test_pipelined_author(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, handler = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&handler.key, 2, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &handler, ROLE(HANDLER), "办案员");
    sequencer_stats stats;
    sequencer_get_stats(h->seq, &stats);
    uint64_t before = stats.tree_size;

    seq_job *jobs[PIPELINED];
    tcase c = {"QJ-PIPE", 0, {0}};
    actor signer = handler;
    tcase head = c;
    for (size_t i = 0; i < PIPELINED; i++) {
        spec s = in_case(&signer, KIND(INTERFERENCE), &head);
        jobs[i] = make_job(&s);
        /* The next entry chains to this one at once: its entry id is known
         * the moment it is signed. */
        advance(&signer, jobs[i]);
        advance_case(&head, jobs[i]);
    }
    run(h, jobs, PIPELINED);
    seq_checkpoint *cp = jobs[0]->checkpoint;
    assert_non_null(cp);
    assert_int_equal(cp->size, before + PIPELINED);
    for (size_t i = 0; i < PIPELINED; i++) {
        assert_status(jobs[i], ST(OK));
        assert_int_equal(jobs[i]->index, before + i);
        assert_ptr_equal(jobs[i]->checkpoint, cp);
        verify_receipt(h, jobs[i]);
    }
    /* The heads are the last entry's: the log goes on from it. */
    store_txn *txn;
    accept_head ah, ch;
    assert_int_equal(store_read_begin(h->st, &txn), 0);
    assert_int_equal(store_get_author(txn, handler.key.pk, &ah), 0);
    assert_int_equal(store_get_case(txn, c.id, &ch), 0);
    store_txn_end(txn);
    assert_int_equal(ah.count, PIPELINED);
    assert_int_equal(ah.index, before + PIPELINED - 1);
    assert_memory_equal(ah.id, jobs[PIPELINED - 1]->entry_id, 32);
    assert_int_equal(ch.count, PIPELINED);
    assert_memory_equal(ch.id, signer.head, 32);
    for (size_t i = 0; i < PIPELINED; i++)
        seq_job_free(jobs[i]);
    spec s = in_case(&signer, KIND(INTERFERENCE), &head);
    append_ok(h, &signer, &head, &s);
    h_close(h);
}

/* Two cases, each with its own author, their entries interleaved in one
 * batch: each case's chain holds, whatever lies between its links. */
static void test_interleaved_cases(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, a = {0}, b = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&a.key, 2, KEY_TAG);
    tu_key_make(&b.key, 3, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &a, ROLE(HANDLER), "甲");
    enroll(h, &admin, &b, ROLE(HANDLER) | ROLE(LEGAL), "乙");

    tcase ca = {"QJ-A", 0, {0}}, cb = {"QJ-B", 0, {0}};
    enum { N = 20 };
    seq_job *jobs[2 * N];
    for (size_t i = 0; i < N; i++) {
        spec s = in_case(&a, KIND(INTERFERENCE), &ca);
        jobs[2 * i] = make_job(&s);
        advance(&a, jobs[2 * i]);
        advance_case(&ca, jobs[2 * i]);
        /* b opens QJ-B, then writes in both cases: its author chain
         * crosses them, and a's next entry in QJ-A follows whatever b put
         * there. */
        tcase *into = i % 3 == 2 ? &ca : &cb;
        s = in_case(&b, i == 0 ? KIND(INTERFERENCE) : KIND(NOTIFICATION), into);
        jobs[2 * i + 1] = make_job(&s);
        advance(&b, jobs[2 * i + 1]);
        advance_case(into, jobs[2 * i + 1]);
    }
    run(h, jobs, 2 * N);
    for (size_t i = 0; i < 2 * N; i++) {
        assert_status(jobs[i], ST(OK));
        assert_ptr_equal(jobs[i]->checkpoint, jobs[0]->checkpoint);
        assert_int_equal(jobs[i]->index, jobs[0]->index + i);
    }
    for (size_t i = 0; i < 2 * N; i++)
        seq_job_free(jobs[i]);
    store_txn *txn;
    accept_head head;
    assert_int_equal(store_read_begin(h->st, &txn), 0);
    assert_int_equal(store_get_case(txn, "QJ-A", &head), 0);
    assert_int_equal(head.count, ca.len);
    assert_memory_equal(head.id, ca.head, 32);
    assert_int_equal(store_get_case(txn, "QJ-B", &head), 0);
    assert_int_equal(head.count, cb.len);
    assert_memory_equal(head.id, cb.head, 32);
    store_txn_end(txn);
    h_close(h);
}

/* Inside one batch a CONFLICT refuses only the entry that does not continue
 * the heads as the batch left them: a second entry with the same author_seq
 * (a fork), and an entry naming one that was refused; the entries around
 * them, and other authors', are integrated. */
static void test_conflict_in_batch(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, a = {0}, b = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&a.key, 2, KEY_TAG);
    tu_key_make(&b.key, 3, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &a, ROLE(HANDLER), "甲");
    enroll(h, &admin, &b, ROLE(HANDLER), "乙");

    tcase c = {"QJ-F", 0, {0}}, d = {"QJ-G", 0, {0}};
    seq_job *jobs[6];
    spec s = in_case(&a, KIND(INTERFERENCE), &c);
    jobs[0] = make_job(&s); /* a1 */
    actor a_at1 = a;
    tcase c_at1 = c;
    advance(&a_at1, jobs[0]);
    advance_case(&c_at1, jobs[0]);
    s = in_case(&a_at1, KIND(INTERFERENCE), &c_at1);
    jobs[1] = make_job(&s); /* a2, after a1 */
    s = in_case(&a_at1, KIND(INTERFERENCE), &c_at1);
    s.content = "另一版本";
    jobs[2] = make_job(&s); /* a2', also after a1: a fork */
    actor a_fork = a_at1;
    tcase c_fork = c_at1;
    advance(&a_fork, jobs[2]);
    advance_case(&c_fork, jobs[2]);
    s = in_case(&a_fork, KIND(INTERFERENCE), &c_fork);
    jobs[3] = make_job(&s); /* after the refused fork: names a missing entry */
    s = in_case(&b, KIND(INTERFERENCE), &d);
    jobs[4] = make_job(&s); /* another author, another case */
    actor a_at2 = a_at1;
    tcase c_at2 = c_at1;
    advance(&a_at2, jobs[1]);
    advance_case(&c_at2, jobs[1]);
    s = in_case(&a_at2, KIND(INTERFERENCE), &c_at2);
    jobs[5] = make_job(&s); /* a3, after a2 */
    run(h, jobs, 6);

    assert_status(jobs[0], ST(OK));
    assert_status(jobs[1], ST(OK));
    assert_status(jobs[2], ST(CONFLICT));
    assert_message_has(jobs[2], "author_seq 2 was already used");
    /* The heads it carries are those the batch left: a2's. */
    assert_int_equal(jobs[2]->author_seq, 2);
    assert_memory_equal(jobs[2]->author_head, jobs[1]->entry_id, 32);
    assert_int_equal(jobs[2]->case_length, 2);
    assert_memory_equal(jobs[2]->case_head, jobs[1]->entry_id, 32);
    assert_status(jobs[3], ST(CONFLICT));
    assert_message_has(jobs[3], "but the entry of 甲 with seq 2");
    assert_status(jobs[4], ST(OK));
    assert_status(jobs[5], ST(OK));
    assert_ptr_equal(jobs[5]->checkpoint, jobs[0]->checkpoint);
    assert_int_equal(jobs[1]->index, jobs[0]->index + 1);
    assert_int_equal(jobs[4]->index, jobs[0]->index + 2);
    assert_int_equal(jobs[5]->index, jobs[0]->index + 3);
    for (size_t i = 0; i < 6; i++)
        seq_job_free(jobs[i]);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * The keys replayed from a store written by hand, entry by entry (without
 * the sequencer), with the rules of accept.h; and damaged stores.
 */

typedef struct tstore {
    char dir[64];
    store *st;
    uint64_t size;
} tstore;

static void ts_open(tstore *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/liuhen-ks-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    lh_err err = {""};
    if (store_open(&t->st, t->dir, 0, &err) != 0)
        fail_msg("store_open: %s", err.msg);
    t->size = 0;
}

static void ts_close(tstore *t)
{
    store_close(t->st);
    DIR *d = opendir(t->dir);
    assert_non_null(d);
    struct dirent *de;
    char path[sizeof t->dir + 1 + 256];
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", t->dir, de->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(t->dir);
}

enum { TAMPER_NONE, TAMPER_SIGNATURE, TAMPER_LEAF };

/* Store a spec's entry as the next leaf, with its stored hashes, in the key
 * log when it is key management. */
static void ts_put(tstore *t, const spec *sp, int tamper)
{
    size_t se_len;
    uint8_t *se = build(sp, &se_len);
    if (tamper == TAMPER_SIGNATURE)
        se[se_len - 1] ^= 1;
    uint8_t *leaf = malloc(ENTRY_LEAF_MAX);
    assert_non_null(leaf);
    size_t leaf_len;
    assert_int_equal(
        entry_leaf_pack(se, se_len, T0 + (int64_t)t->size, leaf, ENTRY_LEAF_MAX, &leaf_len), 0);
    if (tamper == TAMPER_LEAF)
        leaf[0] = 0x7F;
    const uint8_t *eb, *sig;
    size_t elen;
    uint8_t lh[32], id[32], hashes[MERKLE_MAX_STORED][32];
    size_t nh;
    entry_leaf_hash(leaf, leaf_len, lh);
    assert_int_equal(entry_signed_unpack(se, se_len, &eb, &elen, &sig, NULL), 0);
    entry_id(eb, elen, id);
    store_txn *txn;
    assert_int_equal(store_write_begin(t->st, &txn), 0);
    assert_int_equal(merkle_stored_hashes_for(t->size, lh, store_read_hashes, txn, hashes, &nh), 0);
    assert_int_equal(
        store_put_hashes(txn, merkle_stored_index(0, t->size), (const uint8_t(*)[32])hashes, nh),
        0);
    assert_int_equal(store_put_leaf(txn, t->size, leaf, leaf_len, lh, id), 0);
    if (sp->kind == KIND(KEY_ENROLL) || sp->kind == KIND(KEY_REVOKE))
        assert_int_equal(store_keylog_append(txn, t->size), 0);
    assert_int_equal(store_set_size(txn, t->size + 1, T0 + (int64_t)t->size), 0);
    assert_int_equal(store_commit(txn), 0);
    t->size++;
    free(se);
    free(leaf);
}

/* Start a sequencer over the hand-written store. */
static int ts_start(tstore *t, const harness *h, keyring *kr, lh_err *err)
{
    sequencer_config cfg = {.store = t->st, .keys = kr, .log_key = &h->log, .origin = ORIGIN};
    sequencer *seq = NULL;
    int rc = sequencer_start(&seq, &cfg, err);
    sequencer_free(seq);
    return rc;
}

static spec key_spec(Liuhen__Kind kind, actor *author, const actor *subject, uint32_t roles,
                     const char *holder)
{
    spec s = by(author, kind);
    s.subject = subject->key.pk;
    s.roles = roles;
    s.holder = holder;
    author->seq++; /* any distinct seq: the replay does not follow chains */
    return s;
}

static void test_replay_keys(void **state)
{
    (void)state;
    harness *h = h_open(0); /* for its log key */
    actor admin = {0}, user = {0}, other = {0}, logk = h->logk;
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&user.key, 2, KEY_TAG);
    tu_key_make(&other.key, 3, KEY_TAG);
    tstore t;
    ts_open(&t);
    keyring *kr;
    assert_int_equal(keyring_new(&kr), 0);
    lh_err err = {""};

    spec s = key_spec(KIND(KEY_ENROLL), &logk, &admin, ROLE(ADMIN), "管理员甲");
    ts_put(&t, &s, TAMPER_NONE);
    s = key_spec(KIND(KEY_ENROLL), &admin, &user, ROLE(HANDLER), "张三");
    ts_put(&t, &s, TAMPER_NONE);
    s = by(&user, KIND(COMPLAINT)); /* a case entry between them: not in the key log */
    s.case_id = "QJ-1";
    ts_put(&t, &s, TAMPER_NONE);
    s = key_spec(KIND(KEY_ENROLL), &admin, &other, ROLE(LEGAL) | ROLE(ADMIN), "李四");
    ts_put(&t, &s, TAMPER_NONE);
    s = key_spec(KIND(KEY_ENROLL), &other, &user, ROLE(HANDLER) | ROLE(INVESTIGATOR), "张三");
    ts_put(&t, &s, TAMPER_NONE);
    s = key_spec(KIND(KEY_REVOKE), &other, &admin, 0, NULL);
    ts_put(&t, &s, TAMPER_NONE);

    if (ts_start(&t, h, kr, &err) != 0)
        fail_msg("sequencer_start: %s", err.msg);
    keyring_key *recs;
    size_t n;
    assert_int_equal(keyring_snapshot(kr, &recs, &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(recs[0].public_key, admin.key.pk, 32);
    assert_true(recs[0].revoked);
    assert_int_equal(recs[0].revoked_index, 5);
    assert_int_equal(recs[0].revoked_at, T0 + 5);
    assert_memory_equal(recs[1].public_key, user.key.pk, 32);
    assert_int_equal(recs[1].enrolled_index, 4);
    assert_int_equal(recs[1].enrolled_at, T0 + 4);
    assert_int_equal(recs[1].roles, ROLE(HANDLER) | ROLE(INVESTIGATOR));
    assert_string_equal(recs[2].holder, "李四");
    free(recs);
    /* Replaying again gives the same, not twice as much. */
    assert_int_equal(ts_start(&t, h, kr, &err), 0);
    assert_int_equal(keyring_snapshot(kr, &recs, &n), 0);
    assert_int_equal(n, 3);
    free(recs);

    /* A key entry by a key that is not an admin: the store is damaged. */
    s = key_spec(KIND(KEY_ENROLL), &user, &other, ROLE(HANDLER), "x");
    ts_put(&t, &s, TAMPER_NONE);
    assert_int_equal(ts_start(&t, h, kr, &err), LH_ESTORE);
    assert_non_null(strstr(err.msg, "entry 6"));
    assert_non_null(strstr(err.msg, "may not append"));
    assert_int_equal(keyring_snapshot(kr, &recs, &n), 0);
    assert_int_equal(n, 0); /* left empty */
    free(recs);
    keyring_free(kr);
    ts_close(&t);
    h_close(h);
}

static void test_replay_damaged(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, user = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&user.key, 2, KEY_TAG);
    keyring *kr;
    assert_int_equal(keyring_new(&kr), 0);
    lh_err err = {""};
    tstore t;

    /* A signature that does not verify. */
    ts_open(&t);
    actor logk = h->logk, a = admin;
    spec s = key_spec(KIND(KEY_ENROLL), &logk, &admin, ROLE(ADMIN), "管理员甲");
    ts_put(&t, &s, TAMPER_NONE);
    s = key_spec(KIND(KEY_ENROLL), &a, &user, ROLE(HANDLER), "张三");
    ts_put(&t, &s, TAMPER_SIGNATURE);
    assert_int_equal(ts_start(&t, h, kr, &err), LH_ESTORE);
    assert_non_null(strstr(err.msg, "signature"));
    ts_close(&t);

    /* A leaf that does not parse. */
    ts_open(&t);
    logk = h->logk;
    s = key_spec(KIND(KEY_ENROLL), &logk, &admin, ROLE(ADMIN), "管理员甲");
    ts_put(&t, &s, TAMPER_LEAF);
    assert_int_equal(ts_start(&t, h, kr, &err), LH_EPARSE);
    assert_non_null(strstr(err.msg, "entry 0"));
    ts_close(&t);

    /* A rule broken on replay: revoking the only admin. */
    ts_open(&t);
    logk = h->logk;
    a = admin;
    s = key_spec(KIND(KEY_ENROLL), &logk, &admin, ROLE(ADMIN), "管理员甲");
    ts_put(&t, &s, TAMPER_NONE);
    s = key_spec(KIND(KEY_REVOKE), &a, &admin, 0, NULL);
    ts_put(&t, &s, TAMPER_NONE);
    assert_int_equal(ts_start(&t, h, kr, &err), LH_ESTORE);
    assert_non_null(strstr(err.msg, "last admin"));
    ts_close(&t);

    /* Entry 0 by another key than the log's: not this log. */
    ts_open(&t);
    a = admin;
    s = key_spec(KIND(KEY_ENROLL), &a, &user, ROLE(ADMIN), "张三");
    ts_put(&t, &s, TAMPER_NONE);
    assert_int_equal(ts_start(&t, h, kr, &err), LH_EINVAL);
    assert_non_null(strstr(err.msg, "entry 0 is not a KEY_ENROLL by the log key"));
    ts_close(&t);

    /* The key log names an entry that is not stored. */
    ts_open(&t);
    logk = h->logk;
    s = key_spec(KIND(KEY_ENROLL), &logk, &admin, ROLE(ADMIN), "管理员甲");
    ts_put(&t, &s, TAMPER_NONE);
    store_txn *txn;
    assert_int_equal(store_write_begin(t.st, &txn), 0);
    assert_int_equal(store_keylog_append(txn, 7), 0);
    assert_int_equal(store_commit(txn), 0);
    assert_int_equal(ts_start(&t, h, kr, &err), LH_ESTORE);
    assert_non_null(strstr(err.msg, "entry 7"));
    ts_close(&t);
    keyring_free(kr);
    h_close(h);
}

/* ------------------------------------------------------------------------
 * Replay (writer_replay(), `liuhend recover`): a log's leaves integrated
 * again into another store by the writer's own code.
 */

/* The leaves [0, n) of a store, copied (free each, then the array). */
static uint8_t **copy_leaves(store *st, uint64_t n, size_t *lens)
{
    uint8_t **leaves = calloc(n, sizeof *leaves);
    assert_non_null(leaves);
    store_txn *txn;
    assert_int_equal(store_read_begin(st, &txn), 0);
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *leaf;
        assert_int_equal(store_get_leaf(txn, i, &leaf, &lens[i]), 0);
        leaves[i] = malloc(lens[i]);
        assert_non_null(leaves[i]);
        memcpy(leaves[i], leaf, lens[i]);
    }
    store_txn_end(txn);
    return leaves;
}

/* A replayed store holds what the original holds: every leaf, the root,
 * the heads, the checkpoint. */
static void same_store(store *a, store *b, uint64_t n, const uint8_t *const *keys, size_t nkeys,
                       const char *case_id)
{
    store_txn *ta, *tb;
    assert_int_equal(store_read_begin(a, &ta), 0);
    assert_int_equal(store_read_begin(b, &tb), 0);
    uint64_t na, nb;
    assert_int_equal(store_get_size(ta, &na), 0);
    assert_int_equal(store_get_size(tb, &nb), 0);
    assert_int_equal(na, n);
    assert_int_equal(nb, n);
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *la, *lb;
        size_t lena, lenb;
        assert_int_equal(store_get_leaf(ta, i, &la, &lena), 0);
        assert_int_equal(store_get_leaf(tb, i, &lb, &lenb), 0);
        assert_int_equal(lena, lenb);
        assert_memory_equal(la, lb, lena);
    }
    uint8_t ra[32], rb[32];
    assert_int_equal(merkle_tree_hash(ra, n, store_read_hashes, ta), 0);
    assert_int_equal(merkle_tree_hash(rb, n, store_read_hashes, tb), 0);
    assert_memory_equal(ra, rb, 32);
    for (size_t i = 0; i < nkeys; i++) {
        accept_head ha, hb;
        assert_int_equal(store_get_author(ta, keys[i], &ha), 0);
        assert_int_equal(store_get_author(tb, keys[i], &hb), 0);
        assert_memory_equal(&ha, &hb, sizeof ha);
    }
    accept_head ca, cb;
    assert_int_equal(store_get_case(ta, case_id, &ca), 0);
    assert_int_equal(store_get_case(tb, case_id, &cb), 0);
    assert_memory_equal(&ca, &cb, sizeof ca);
    const uint8_t *na_note, *nb_note;
    size_t na_len, nb_len;
    assert_int_equal(store_get_checkpoint(ta, n, &na_note, &na_len, NULL), 0);
    assert_int_equal(store_get_checkpoint(tb, n, &nb_note, &nb_len, NULL), 0);
    assert_int_equal(na_len, nb_len);
    assert_memory_equal(na_note, nb_note, na_len);
    store_txn_end(ta);
    store_txn_end(tb);
}

/* writer_replay() refuses one leaf with LH_EFORK saying `what`, and the
 * store stays at its size. */
static void replay_refused(writer *w, store *st, const uint8_t *leaf, size_t len, const char *what)
{
    uint64_t before = writer_size(w);
    lh_err err = {""};
    assert_int_equal(writer_replay(w, &leaf, &len, 1, NULL, 0, &err), LH_EFORK);
    if (strstr(err.msg, what) == NULL)
        fail_msg("\"%s\" does not say \"%s\"", err.msg, what);
    assert_int_equal(writer_size(w), before);
    store_txn *txn;
    uint64_t n;
    assert_int_equal(store_read_begin(st, &txn), 0);
    assert_int_equal(store_get_size(txn, &n), 0);
    store_txn_end(txn);
    assert_int_equal(n, before);
}

static void test_replay_leaves(void **state)
{
    (void)state;
    harness *h = h_open(0);
    actor admin = {0}, handler = {0}, stranger = {0};
    tu_key_make(&admin.key, 1, KEY_TAG);
    tu_key_make(&handler.key, 2, KEY_TAG);
    tu_key_make(&stranger.key, 3, KEY_TAG);
    genesis(h, &admin);
    enroll(h, &admin, &handler, ROLE(HANDLER), "办案员");
    tcase c = {"QJ-R", 0, {0}};
    for (int i = 0; i < 4; i++) {
        spec s = in_case(&handler, KIND(INTERFERENCE), &c);
        append_ok(h, &handler, &c, &s);
    }
    seq_checkpoint *cp = sequencer_latest(h->seq);
    uint64_t n = cp->size;
    assert_int_equal(n, 6);
    size_t lens[6];
    uint8_t **leaves = copy_leaves(h->st, n, lens);

    /* Into a new store, in two calls, the checkpoint with the second. */
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/liuhen-replay-XXXXXX");
    assert_non_null(mkdtemp(dir));
    store *st;
    keyring *kr;
    writer *w;
    lh_err err = {""};
    assert_int_equal(store_open(&st, dir, 0, &err), 0);
    assert_int_equal(keyring_new(&kr), 0);
    if (writer_open_replay(&w, st, kr, &h->logv, 0, &err) != 0)
        fail_msg("writer_open_replay: %s", err.msg);
    const uint8_t *const *ls = (const uint8_t *const *)leaves;
    if (writer_replay(w, ls, lens, 2, NULL, 0, &err) != 0 ||
        writer_replay(w, ls + 2, lens + 2, n - 2, cp->note, cp->len, &err) != 0)
        fail_msg("writer_replay: %s", err.msg);
    assert_int_equal(writer_size(w), n);
    const uint8_t *keys[] = {h->logk.key.pk, admin.key.pk, handler.key.pk};
    same_store(h->st, st, n, keys, 3, c.id);

    /* What the log would never have written at index n. */
    replay_refused(w, st, leaves[n - 1], lens[n - 1], "already logged as entry 5");
    spec s = in_case(&handler, KIND(INTERFERENCE), &c);
    seq_job *job = make_job(&s);
    uint8_t leaf[ENTRY_LEAF_MAX];
    size_t len;
    assert_int_equal(
        entry_leaf_pack(job->signed_entry, job->signed_len, 1, leaf, sizeof leaf, &len), 0);
    replay_refused(w, st, leaf, len, "the log never goes back");
    seq_job_free(job);
    s = by(&stranger, KIND(INTERFERENCE));
    s.case_id = "QJ-R2";
    job = make_job(&s);
    assert_int_equal(entry_leaf_pack(job->signed_entry, job->signed_len, INT64_C(1) << 50, leaf,
                                     sizeof leaf, &len),
                     0);
    replay_refused(w, st, leaf, len, "the log would refuse it (UNKNOWN_KEY)");
    seq_job_free(job);
    /* The next entry, right, but with the checkpoint of another tree. */
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    job = make_job(&s);
    assert_int_equal(entry_leaf_pack(job->signed_entry, job->signed_len, INT64_C(1) << 50, leaf,
                                     sizeof leaf, &len),
                     0);
    const uint8_t *lp = leaf;
    assert_int_equal(writer_replay(w, &lp, &len, 1, cp->note, cp->len, &err), LH_EFORK);
    assert_non_null(strstr(err.msg, "which is not the tree of 7 entries rebuilt"));
    assert_int_equal(writer_size(w), n);
    seq_job_free(job);
    writer_free(w);
    keyring_free(kr);
    store_close(st);
    seq_checkpoint_unref(cp);

    /* The replayed store starts as a log, and appends chain on its heads. */
    h_stop(h);
    char orig[64];
    memcpy(orig, h->dir, sizeof orig);
    memcpy(h->dir, dir, sizeof dir);
    h_start(h);
    s = in_case(&handler, KIND(INTERFERENCE), &c);
    append_ok(h, &handler, &c, &s);
    h_stop(h);
    tu_rmtree(orig);
    h_start(h);
    for (uint64_t i = 0; i < n; i++)
        free(leaves[i]);
    free(leaves);
    h_close(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepare_failures),
        cmocka_unit_test(test_genesis),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_duplicate),
        cmocka_unit_test(test_big_batch),
        cmocka_unit_test(test_pipelined_author),
        cmocka_unit_test(test_interleaved_cases),
        cmocka_unit_test(test_conflict_in_batch),
        cmocka_unit_test(test_replay_keys),
        cmocka_unit_test(test_replay_damaged),
        cmocka_unit_test(test_replay_leaves),
        cmocka_unit_test(test_reopen),
        cmocka_unit_test(test_map_growth),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_mark_not_written),
    };
    return cmocka_run_group_tests(tests, global_setup, NULL);
}
