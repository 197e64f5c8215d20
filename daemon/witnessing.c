/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * witnessing.c — liuhend's submissions to its witnesses (witnessing.h).
 */
#include "witnessing.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "calendar.h"
#include "cosig.h"
#include "fileio.h"
#include "i18n.h"
#include "log.h"
#include "merkle.h"
#include "quote.h"
#include "text.h"
#include "witness.h"

/* Backoff after a failed submission: from 1 s, doubling, to 5 minutes. */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS (5 * 60 * 1000)
/* A grown log is submitted at most this often. */
#define GROWTH_MIN_MS 1000
/* The largest answer read. */
#define ANSWER_MAX WITNESS_REQUEST_MAX

typedef struct target target;

struct witnessing {
    store *st;
    note_verifier log_key;
    unsigned heartbeat_ms;
    size_t n;
    target *t;
};

struct target {
    witnessing *w;
    witnessing_target cfg;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool stopping;
    /* witnessing_flush(): asked, and told when the attempt is over (under mu). */
    bool flush;
    pthread_cond_t flushed;
    /* Under mu: what Status shows. */
    witnessing_state state;
    /* The thread's own. */
    bool known;          /* the witness's latest cosigned size is known */
    uint64_t known_size; /* ...and is this */
    uint64_t submitted;  /* the size of the last successful submission */
    int64_t last_ok_ms;  /* monotonic: its time */
    int64_t backoff_ms;
    CURL *curl;
    struct submission *sub; /* the request being made, 70 KB: not on the stack */
    struct answer *ans;
};

/* The monotonic clock, ms. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int witnessing_parse_arg(const char *arg, witnessing_target *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || eq[1] == '\0')
        return lh_err_set(err, LH_EINVAL,
                          "--witness %s: give VKEY_FILE=URL, the witness's verifier key file and "
                          "its submission prefix",
                          arg);
    const char *url = eq + 1;
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return lh_err_set(err, LH_EINVAL,
                          "--witness %s: the URL must begin with http:// or https://", arg);
    if (strlen(url) > WITNESSING_URL_MAX)
        return lh_err_set(err, LH_EINVAL, "--witness: the URL is longer than %d bytes",
                          WITNESSING_URL_MAX);
    for (const char *p = url; *p != '\0'; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return lh_err_set(err, LH_EINVAL,
                              "--witness: the URL holds a space or a control "
                              "character");
    snprintf(out->url, sizeof out->url, "%s", url);
    /* No trailing slash: the path is appended. */
    size_t ul = strlen(out->url);
    while (ul > 0 && out->url[ul - 1] == '/')
        out->url[--ul] = '\0';

    char path[4096];
    size_t plen = (size_t)(eq - arg);
    if (plen >= sizeof path)
        return lh_err_set(err, LH_EINVAL, "--witness: the key file name is too long");
    memcpy(path, arg, plen);
    path[plen] = '\0';
    uint8_t *text = NULL;
    size_t len = 0;
    int rc = fileio_read(path, 0, "witness key file", NOTE_VKEY_MAX + 2, &text, &len, err);
    if (rc != 0)
        return rc;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    lh_err e = {{0}};
    rc = note_vkey_parse((const char *)text, len, &out->key, &e);
    free(text);
    if (rc != 0)
        return lh_err_set(err, rc, "--witness %s: not a witness verifier key: %s", path, e.msg);
    return 0;
}

/* ---- Status ------------------------------------------------------------- */

__attribute__((format(printf, 2, 3))) static void set_error(target *t, const char *fmt, ...)
{
    char msg[sizeof t->state.last_error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&t->mu);
    bool same = strcmp(t->state.last_error, msg) == 0;
    snprintf(t->state.last_error, sizeof t->state.last_error, "%s", msg);
    pthread_mutex_unlock(&t->mu);
    /* Said once, not at every retry. */
    if (!same)
        log_error("witness %s: %s", t->cfg.key.name, msg);
}

static void set_ok(target *t, uint64_t size, uint64_t timestamp)
{
    pthread_mutex_lock(&t->mu);
    bool had_error = t->state.last_error[0] != '\0';
    t->state.last_error[0] = '\0';
    t->state.cosigned = true;
    t->state.cosigned_size = size;
    t->state.cosigned_at = (int64_t)timestamp * 1000;
    pthread_mutex_unlock(&t->mu);
    if (had_error)
        log_info(_("witness %s: cosigns again (size %" PRIu64 ")"), t->cfg.key.name, size);
    else
        log_debug("witness %s: cosigned size %" PRIu64, t->cfg.key.name, size);
}

size_t witnessing_states(witnessing *w, witnessing_state *out, size_t max)
{
    if (w == NULL)
        return 0;
    size_t n = w->n < max ? w->n : max;
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&w->t[i].mu);
        out[i] = w->t[i].state;
        pthread_mutex_unlock(&w->t[i].mu);
    }
    return n;
}

/* ---- HTTP --------------------------------------------------------------- */

struct answer {
    uint8_t data[ANSWER_MAX];
    size_t len;
    bool too_long;
};
typedef struct answer answer;

static size_t on_data(char *p, size_t size, size_t nmemb, void *ctx)
{
    answer *a = ctx;
    size_t n = size * nmemb;
    if (n > sizeof a->data - a->len) {
        a->too_long = true;
        return 0; /* curl stops: CURLE_WRITE_ERROR */
    }
    memcpy(a->data + a->len, p, n);
    a->len += n;
    return n;
}

/*
 * POST body to <url>/add-checkpoint. *status is the HTTP status, a->data
 * the body, *size_type whether Content-Type is text/x.tlog.size.
 * @return 0, or -1 with the error set (the witness is unreachable).
 */
static int post(target *t, const uint8_t *body, size_t len, long *status, answer *a,
                bool *size_type)
{
    char url[WITNESSING_URL_MAX + 32];
    snprintf(url, sizeof url, "%s/add-checkpoint", t->cfg.url);
    CURL *c = t->curl;
    curl_easy_reset(c);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: text/plain; charset=utf-8");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "liuhend");
    a->len = 0;
    a->too_long = false;
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(hdr);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && a->too_long)) {
        set_error(t, "%s unreachable: %s", url, curl_easy_strerror(rc));
        return -1;
    }
    if (a->too_long) {
        set_error(t, "%s answered more than %d bytes", url, ANSWER_MAX);
        return -1;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    char *ct = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    *size_type = ct != NULL && strncmp(ct, WITNESS_SIZE_TYPE, strlen(WITNESS_SIZE_TYPE)) == 0;
    return 0;
}

/* ---- one submission ----------------------------------------------------- */

struct submission {
    uint64_t size;
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    size_t note_len;
    uint8_t body[WITNESS_REQUEST_MAX];
    size_t body_len;
};
typedef struct submission submission;

/* The latest checkpoint and the request for it from `old`. */
static int prepare(target *t, uint64_t old, submission *s)
{
    store_txn *txn;
    int rc = store_read_begin(t->w->st, &txn);
    if (rc != 0) {
        set_error(t, "store: %s", lh_strerror(rc));
        return -1;
    }
    const uint8_t *note;
    rc = store_get_checkpoint(txn, UINT64_MAX, &note, &s->note_len, &s->size);
    if (rc == 0 && s->note_len > sizeof s->note)
        rc = LH_ETOOBIG;
    if (rc == 0)
        memcpy(s->note, note, s->note_len);
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t proof_len = 0;
    if (rc == 0 && old > s->size) {
        store_txn_end(txn);
        set_error(t,
                  "the witness has cosigned size %" PRIu64 ", more than this log's %" PRIu64
                  ": this log is behind what was witnessed (restored from an old backup?) and "
                  "cannot get a checkpoint cosigned until it is past that size",
                  old, s->size);
        return -1;
    }
    if (rc == 0 && old > 0 && old < s->size)
        rc = merkle_consistency_proof(proof, &proof_len, old, s->size, store_read_hashes, txn);
    store_txn_end(txn);
    if (rc == 0 && proof_len > WITNESS_PROOF_MAX)
        rc = LH_ETOOBIG;
    if (rc == 0)
        rc = witness_request_format(old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof, proof_len,
                                    s->note, s->note_len, s->body, sizeof s->body, &s->body_len);
    if (rc != 0) {
        set_error(t, "cannot make the request: %s", lh_strerror(rc));
        return -1;
    }
    return 0;
}

/* Keep a verified cosignature line next to its checkpoint. */
static int keep(target *t, uint64_t size, const uint8_t *line, size_t len)
{
    store_txn *txn;
    int rc = store_write_begin(t->w->st, &txn);
    if (rc == 0) {
        rc = store_put_cosig(txn, size, t->cfg.key.keyid, t->cfg.key.name, line, len);
        if (rc == 0)
            rc = store_commit(txn);
        else
            store_txn_end(txn);
    }
    if (rc != 0) {
        set_error(t, "cannot keep its cosignature of size %" PRIu64 ": %s", size, lh_strerror(rc));
        return -1;
    }
    return 0;
}

/* A short printable excerpt of a witness's answer, for messages. */
static void excerpt(char *out, size_t cap, const answer *a)
{
    size_t n = a->len;
    while (n > 0 && (a->data[n - 1] == '\n' || a->data[n - 1] == '\r'))
        n--;
    quote_escape(out, cap, (const char *)a->data, n, 120, false);
}

/*
 * Submit the latest checkpoint once, following one 409 to the size the
 * witness names. @return 0 on a kept cosignature, -1 otherwise.
 */
static int submit(target *t)
{
    submission *s = t->sub;
    answer *a = t->ans;
    for (int attempt = 0; attempt < 3; attempt++) {
        uint64_t old = t->known ? t->known_size : 0;
        if (prepare(t, old, s) != 0)
            return -1;
        pthread_mutex_lock(&t->mu);
        t->state.last_attempt_at = calendar_now_ms();
        pthread_mutex_unlock(&t->mu);
        long status = 0;
        bool size_type = false;
        if (post(t, s->body, s->body_len, &status, a, &size_type) != 0)
            return -1;
        char said[160];
        excerpt(said, sizeof said, a);
        if (status == 200) {
            uint8_t line[NOTE_SIGLINE_MAX];
            size_t line_len;
            uint64_t ts;
            lh_err e = {{0}};
            int rc = witness_response_cosig(s->note, s->note_len, &t->w->log_key, &t->cfg.key,
                                            a->data, a->len, line, sizeof line, &line_len, &ts, &e);
            if (rc != 0) {
                set_error(t, "its answer is not a valid cosignature of size %" PRIu64 ": %s",
                          s->size, e.msg);
                return -1;
            }
            if (keep(t, s->size, line, line_len) != 0)
                return -1;
            t->known = true;
            t->known_size = s->size;
            t->submitted = s->size;
            set_ok(t, s->size, ts);
            return 0;
        }
        if (status == 409 && size_type) {
            uint64_t latest;
            if (witness_conflict_size(a->data, a->len, &latest) != 0) {
                set_error(t, "409 with a malformed size: %s", said);
                return -1;
            }
            if (t->known && latest == t->known_size) {
                /* Same size, another root: this log and what it cosigned differ. */
                set_error(t,
                          "409: the witness cosigned another checkpoint of size %" PRIu64
                          " than this log's: this log has forked from what was witnessed",
                          latest);
                return -1;
            }
            log_info(_("witness %s: it last cosigned size %" PRIu64 ", not %" PRIu64
                       ": submitting from there"),
                     t->cfg.key.name, latest, old);
            t->known = true;
            t->known_size = latest;
            continue;
        }
        const char *meaning = status == 403   ? "it does not trust this log's key"
                              : status == 404 ? "it does not witness this log's origin"
                              : status == 422 ? "the consistency proof did not verify for it: "
                                                "this log is not an extension of what it cosigned"
                              : status == 400 ? "it found the request malformed"
                                              : "unexpected answer";
        set_error(t, "HTTP %ld: %s (%s)", status, meaning, said);
        return -1;
    }
    set_error(t, "409 again and again: the witness's size keeps changing");
    return -1;
}

/* ---- the thread --------------------------------------------------------- */

/* The log's size now, or 0. */
static uint64_t log_size(store *st)
{
    store_txn *txn;
    uint64_t size = 0;
    if (store_read_begin(st, &txn) == 0) {
        if (store_get_size(txn, &size) != 0)
            size = 0;
        store_txn_end(txn);
    }
    return size;
}

static void *target_main(void *arg)
{
    target *t = arg;
    int64_t next_try = 0; /* monotonic ms: no submission before */
    t->last_ok_ms = 0;
    t->backoff_ms = BACKOFF_MIN_MS;
    pthread_mutex_lock(&t->mu);
    while (!t->stopping) {
        bool flushing = t->flush;
        pthread_mutex_unlock(&t->mu);
        int64_t now = mono_ms();
        uint64_t size = log_size(t->w->st);
        bool grown = size > 0 && (t->last_ok_ms == 0 || size != t->submitted);
        bool heartbeat = t->last_ok_ms != 0 && now - t->last_ok_ms >= (int64_t)t->w->heartbeat_ms;
        /* A flush tries a grown log at once, backoff or not. */
        if (size > 0 && (grown || heartbeat) && (now >= next_try || (flushing && grown))) {
            if (submit(t) == 0) {
                t->last_ok_ms = mono_ms();
                t->backoff_ms = BACKOFF_MIN_MS;
                next_try = t->last_ok_ms + GROWTH_MIN_MS;
            } else {
                next_try = mono_ms() + t->backoff_ms;
                t->backoff_ms =
                    t->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : t->backoff_ms * 2;
            }
        }
        /* Look again in a quarter of a second: cheap, and a new batch is
         * seen soon enough. */
        pthread_mutex_lock(&t->mu);
        if (flushing) {
            t->flush = false;
            pthread_cond_broadcast(&t->flushed);
        }
        if (t->stopping)
            break;
        if (t->flush)
            continue;
        struct timespec until = calendar_realtime_after(250);
        pthread_cond_timedwait(&t->cond, &t->mu, &until);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* What this log kept of the witness: the largest size it cosigned. */
static void load_known(target *t)
{
    store_txn *txn;
    if (store_read_begin(t->w->st, &txn) != 0)
        return;
    uint64_t size;
    const uint8_t *line;
    size_t len;
    if (store_witness_latest(txn, t->cfg.key.keyid, t->cfg.key.name, &size, &line, &len) == 0) {
        t->known = true;
        t->known_size = size;
        t->state.cosigned = true;
        t->state.cosigned_size = size;
        /* The line's timestamp: bytes 4..12 of its signature, the base64
         * after the line's last space. */
        size_t end = len > 0 && line[len - 1] == '\n' ? len - 1 : len, sp = end;
        while (sp > 0 && line[sp - 1] != ' ')
            sp--;
        uint8_t sig[4 + NOTE_SIG_MAX];
        size_t got;
        if (sp > 0 &&
            text_b64_decode(sig, sizeof sig, &got, (const char *)line + sp, end - sp, sizeof sig) ==
                0 &&
            got == 4 + COSIG_SIG_LEN) {
            uint64_t ts = 0;
            for (int i = 0; i < 8; i++)
                ts = ts << 8 | sig[4 + i];
            t->state.cosigned_at = (int64_t)ts * 1000;
        }
    }
    store_txn_end(txn);
}

int witnessing_start(witnessing **out, store *st, const note_verifier *log_key,
                     const witnessing_target *targets, size_t ntargets, unsigned heartbeat,
                     lh_err *err)
{
    *out = NULL;
    if (ntargets == 0 || ntargets > WITNESSING_MAX)
        return lh_err_set(err, LH_EINVAL, "between 1 and %d witnesses", WITNESSING_MAX);
    for (size_t i = 0; i < ntargets; i++)
        for (size_t j = 0; j < i; j++)
            if (targets[i].key.keyid == targets[j].key.keyid &&
                strcmp(targets[i].key.name, targets[j].key.name) == 0)
                return lh_err_set(err, LH_EINVAL, "witness %s is given twice", targets[i].key.name);
    witnessing *w = calloc(1, sizeof *w);
    target *t = calloc(ntargets, sizeof *t);
    if (w == NULL || t == NULL) {
        free(w);
        free(t);
        return lh_err_set(err, LH_ENOMEM, "witnesses: out of memory");
    }
    w->st = st;
    w->log_key = *log_key;
    w->heartbeat_ms = (heartbeat > 0 ? heartbeat : 60) * 1000u;
    w->n = ntargets;
    w->t = t;
    int rc = 0;
    for (size_t i = 0; i < ntargets && rc == 0; i++) {
        t[i].w = w;
        t[i].cfg = targets[i];
        snprintf(t[i].state.name, sizeof t[i].state.name, "%s", targets[i].key.name);
        snprintf(t[i].state.url, sizeof t[i].state.url, "%s", targets[i].url);
        pthread_mutex_init(&t[i].mu, NULL);
        pthread_cond_init(&t[i].cond, NULL);
        pthread_cond_init(&t[i].flushed, NULL);
        load_known(&t[i]);
        t[i].sub = malloc(sizeof *t[i].sub);
        t[i].ans = malloc(sizeof *t[i].ans);
        if (t[i].sub == NULL || t[i].ans == NULL || (t[i].curl = curl_easy_init()) == NULL) {
            rc = lh_err_set(err, LH_ENOMEM, "witness %s: cannot make an HTTP handle",
                            targets[i].key.name);
            break;
        }
        int e = pthread_create(&t[i].thread, NULL, target_main, &t[i]);
        if (e != 0) {
            rc = lh_err_set(err, -e, "witness %s: cannot start its thread: %s", targets[i].key.name,
                            strerror(e));
            break;
        }
        t[i].started = true;
    }
    if (rc != 0) {
        witnessing_stop(w);
        return rc;
    }
    *out = w;
    return 0;
}

void witnessing_flush(witnessing *w, unsigned timeout_ms)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->n; i++) {
        target *t = &w->t[i];
        pthread_mutex_lock(&t->mu);
        t->flush = true;
        pthread_cond_signal(&t->cond);
        pthread_mutex_unlock(&t->mu);
    }
    struct timespec until = calendar_realtime_after(timeout_ms);
    for (size_t i = 0; i < w->n; i++) {
        target *t = &w->t[i];
        pthread_mutex_lock(&t->mu);
        while (t->flush && pthread_cond_timedwait(&t->flushed, &t->mu, &until) == 0)
            ;
        t->flush = false;
        pthread_mutex_unlock(&t->mu);
    }
}

void witnessing_stop(witnessing *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->n; i++) {
        target *t = &w->t[i];
        if (t->w == NULL)
            continue;
        pthread_mutex_lock(&t->mu);
        t->stopping = true;
        pthread_cond_signal(&t->cond);
        pthread_mutex_unlock(&t->mu);
    }
    for (size_t i = 0; i < w->n; i++) {
        target *t = &w->t[i];
        if (t->w == NULL)
            continue;
        if (t->started)
            pthread_join(t->thread, NULL);
        if (t->curl != NULL)
            curl_easy_cleanup(t->curl);
        free(t->sub);
        free(t->ans);
        pthread_cond_destroy(&t->cond);
        pthread_cond_destroy(&t->flushed);
        pthread_mutex_destroy(&t->mu);
    }
    free(w->t);
    free(w);
}
