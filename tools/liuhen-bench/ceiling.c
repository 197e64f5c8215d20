/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * ceiling.c — the machine's ceilings (ceiling.h). It opens an LMDB
 * environment of its own, the one place outside daemon/ that includes
 * lmdb.h: the figure must be LMDB's own synced commit, as liuhend's writer
 * pays it, not an fsync of some other file.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lmdb.h>
#include <sodium.h>

#include "ceiling.h"
#include "corpus.h"

/* Entries in the sample the verifications cycle through. */
#define SAMPLE 256

typedef struct sample {
    uint8_t *msg[SAMPLE]; /* ENTRY_SIG_CONTEXT || entry */
    size_t len[SAMPLE];
    uint8_t sig[SAMPLE][ENTRY_SIG_BYTES];
    uint8_t pk[ENTRY_KEY_BYTES];
} sample;

typedef struct verifier_thread {
    const sample *s;
    double seconds;
    uint64_t count;
    double elapsed;
    bool failed;
} verifier_thread;

static void ceiling_sample_free(sample *s)
{
    for (size_t i = 0; i < SAMPLE; i++)
        free(s->msg[i]);
}

/* Realistic entries (corpus.h), signed by a throwaway key. */
static int ceiling_sample(sample *s, double *mean, lh_err *err)
{
    memset(s, 0, sizeof *s);
    uint8_t sk[ENTRY_SK_BYTES];
    crypto_sign_ed25519_keypair(s->pk, sk);
    corpus *c = NULL;
    int rc = corpus_new("ceiling.liuhen.local/log", s->pk, "QJ-CEILING", 7, &c);
    if (rc != 0)
        return lh_err_set(err, rc, "ceilings: cannot make a sample of entries");
    uint8_t buf[CORPUS_SIGNED_MAX];
    size_t total = 0;
    for (size_t i = 0; i < SAMPLE && rc == 0; i++) {
        size_t len = 0;
        const uint8_t *entry = NULL, *sig = NULL;
        size_t elen = 0;
        if ((rc = corpus_sign_next(c, sk, buf, sizeof buf, &len, err)) != 0 ||
            (rc = entry_signed_unpack(buf, len, &entry, &elen, &sig, err)) != 0)
            break;
        s->len[i] = ENTRY_SIG_CONTEXT_LEN + elen;
        if ((s->msg[i] = malloc(s->len[i])) == NULL) {
            rc = lh_err_set(err, LH_ENOMEM, "ceilings: out of memory");
            break;
        }
        memcpy(s->msg[i], ENTRY_SIG_CONTEXT, ENTRY_SIG_CONTEXT_LEN);
        memcpy(s->msg[i] + ENTRY_SIG_CONTEXT_LEN, entry, elen);
        memcpy(s->sig[i], sig, ENTRY_SIG_BYTES);
        total += elen;
    }
    sodium_memzero(sk, sizeof sk);
    corpus_free(c);
    if (rc != 0) {
        ceiling_sample_free(s);
        return rc;
    }
    *mean = (double)total / SAMPLE;
    return 0;
}

static void *ceiling_verifier(void *arg)
{
    verifier_thread *t = arg;
    uint64_t t0 = latency_now_ns(), now;
    do {
        for (size_t i = 0; i < SAMPLE; i++, t->count++)
            if (crypto_sign_verify_detached(t->s->sig[i], t->s->msg[i], t->s->len[i], t->s->pk) !=
                0)
                t->failed = true;
        now = latency_now_ns();
    } while ((double)(now - t0) / 1e9 < t->seconds);
    t->elapsed = (double)(now - t0) / 1e9;
    return NULL;
}

/* Verifications per second on n threads at once. */
static int ceiling_ed25519(const sample *s, unsigned n, double seconds, double *rate, lh_err *err)
{
    verifier_thread *t = calloc(n, sizeof *t);
    pthread_t *tid = calloc(n, sizeof *tid);
    if (t == NULL || tid == NULL) {
        free(t);
        free(tid);
        return lh_err_set(err, LH_ENOMEM, "ceilings: out of memory");
    }
    unsigned started = 0;
    int rc = 0;
    for (; started < n; started++) {
        t[started] = (verifier_thread){.s = s, .seconds = seconds};
        if ((rc = pthread_create(&tid[started], NULL, ceiling_verifier, &t[started])) != 0)
            break;
    }
    *rate = 0;
    bool failed = false;
    for (unsigned i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
        *rate += (double)t[i].count / t[i].elapsed;
        failed = failed || t[i].failed;
    }
    free(t);
    free(tid);
    if (rc != 0)
        return lh_err_set(err, -rc, "ceilings: cannot start a thread: %s", strerror(rc));
    if (failed)
        return lh_err_set(err, LH_EINTERNAL, "ceilings: a sample signature does not verify");
    return 0;
}

/* LMDB synced commits: one put of an entry-sized value and one commit,
 * with LMDB's default durability (fsync of the data file at commit). */
static int ceiling_lmdb(const char *dir, double seconds, ceilings *out, lh_err *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/lmdb-ceiling", dir) >= (int)sizeof path)
        return lh_err_set(err, LH_EINVAL, "ceilings: %s: path too long", dir);
    if (mkdir(path, 0700) != 0)
        return lh_err_set(err, -errno, "ceilings: cannot make %s: %s", path, strerror(errno));
    MDB_env *env = NULL;
    MDB_dbi dbi;
    MDB_txn *txn = NULL;
    latency lat = {0};
    uint8_t value[640];
    memset(value, 0x5a, sizeof value);
    uint64_t count = 0, t0 = 0, now = 0;
    int rc = mdb_env_create(&env);
    if (rc == 0)
        rc = mdb_env_set_mapsize(env, (size_t)256 << 20);
    if (rc == 0)
        rc = mdb_env_open(env, path, 0, 0600);
    if (rc == 0 && (rc = mdb_txn_begin(env, NULL, 0, &txn)) == 0) {
        if ((rc = mdb_dbi_open(txn, NULL, 0, &dbi)) == 0)
            rc = mdb_txn_commit(txn);
        else
            mdb_txn_abort(txn);
    }
    t0 = latency_now_ns();
    now = t0;
    while (rc == 0 && (double)(now - t0) / 1e9 < seconds) {
        uint64_t start = now;
        /* A few keys over and over: the store stays small however long
         * the measurement, and each commit still writes and syncs pages. */
        uint64_t key = count % 1024;
        MDB_val k = {sizeof key, &key}, v = {sizeof value, value};
        if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0)
            break;
        if ((rc = mdb_put(txn, dbi, &k, &v, 0)) != 0) {
            mdb_txn_abort(txn);
            break;
        }
        if ((rc = mdb_txn_commit(txn)) != 0)
            break;
        now = latency_now_ns();
        count++;
        if (latency_add(&lat, now - start, 1) != 0) {
            rc = ENOMEM;
            break;
        }
    }
    if (env != NULL)
        mdb_env_close(env);
    char file[PATH_MAX + 16];
    snprintf(file, sizeof file, "%s/data.mdb", path);
    unlink(file);
    snprintf(file, sizeof file, "%s/lock.mdb", path);
    unlink(file);
    rmdir(path);
    if (rc != 0) {
        latency_free(&lat);
        return lh_err_set(err, LH_EINTERNAL, "ceilings: LMDB in %s: %s", path, mdb_strerror(rc));
    }
    out->lmdb_commits = (double)count / ((double)(now - t0) / 1e9);
    latency_summarize(&lat, &out->lmdb);
    latency_free(&lat);
    return 0;
}

int ceiling_measure(const char *dir, double seconds, ceilings *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    out->threads = cores > 0 ? (unsigned)cores : 1;
    out->seconds = seconds;
    sample s;
    int rc = ceiling_sample(&s, &out->message_bytes, err);
    if (rc != 0)
        return rc;
    if ((rc = ceiling_ed25519(&s, 1, seconds, &out->ed25519_one, err)) == 0)
        rc = ceiling_ed25519(&s, out->threads, seconds, &out->ed25519_all, err);
    ceiling_sample_free(&s);
    if (rc == 0)
        rc = ceiling_lmdb(dir, seconds, out, err);
    return rc;
}
