/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * genesis.c — the log's first entry (genesis.h).
 */
#include "genesis.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "calendar.h"
#include "entry.h"
#include "keyring.h"
#include "liuhen.pb-c.h"
#include "i18n.h"
#include "log.h"
#include "sequencer.h"
#include "validate.h"
#include "wire.h"

/* Waits for the genesis entry to come back from the writer thread. */
typedef struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool signalled;
} waiter;

static void waiter_notify(void *ctx)
{
    waiter *w = ctx;
    pthread_mutex_lock(&w->mu);
    w->signalled = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mu);
}

/* Take the finished genesis job, waiting at most `seconds`. */
static seq_job *wait_done(sequencer *seq, waiter *w, int seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    for (;;) {
        seq_job *done = sequencer_take_done(seq);
        if (done != NULL)
            return done;
        pthread_mutex_lock(&w->mu);
        int rc = 0;
        while (!w->signalled && rc == 0)
            rc = pthread_cond_timedwait(&w->cond, &w->mu, &until);
        w->signalled = false;
        pthread_mutex_unlock(&w->mu);
        if (rc != 0)
            return sequencer_take_done(seq);
    }
}

/* Build and sign the genesis entry (docs/design.md "Kinds": the first entry of
 * the log enrols the first admin key; it is authored and signed by the
 * log's own key). Returns the SignedEntry bytes, malloc'd. */
static uint8_t *genesis_entry(const keyfile_key *key, const keyfile_pub *admin, const char *origin,
                              size_t *out_len)
{
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    Liuhen__KeyEnroll ke = LIUHEN__KEY_ENROLL__INIT;
    Liuhen__Role roles[1] = {LIUHEN__ROLE__ROLE_ADMIN};
    e.origin = (char *)origin;
    e.kind = LIUHEN__KIND__KIND_KEY_ENROLL;
    e.author_key.data = (uint8_t *)keyfile_key_pubkey(key);
    e.author_key.len = KEYFILE_PUBLICKEYBYTES;
    e.author_seq = 1;
    e.recorded_at = calendar_now_ms();
    ke.public_key.data = (uint8_t *)admin->pubkey;
    ke.public_key.len = sizeof admin->pubkey;
    ke.holder = (char *)admin->name;
    ke.n_roles = 1;
    ke.roles = roles;
    e.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
    e.key_enroll = &ke;

    size_t len = liuhen__entry__get_packed_size(&e);
    if (len > ENTRY_MAX_SIZE) {
        log_error(_("genesis entry: %zu bytes, more than %d"), len, ENTRY_MAX_SIZE);
        return NULL;
    }
    uint8_t *entry = malloc(len);
    uint8_t *msg = malloc(ENTRY_SIG_INPUT_MAX);
    uint8_t *signed_entry = malloc(ENTRY_SIGNED_MAX);
    uint8_t sig[ENTRY_SIG_BYTES];
    size_t msg_len, signed_len;
    lh_err err = {{0}};
    int rc = LH_ENOMEM;
    if (entry == NULL || msg == NULL || signed_entry == NULL) {
        log_error(_("genesis entry: out of memory"));
        goto fail;
    }
    liuhen__entry__pack(&e, entry);
    /* The daemon checks it again; checking here names a bad --origin or
     * admin key name before anything is signed. */
    if ((rc = validate_entry(entry, len, origin, NULL, &err)) != 0) {
        log_error(_("genesis entry: %s (%s)"), err.msg, lh_strerror(rc));
        goto fail;
    }
    if ((rc = entry_sig_input(entry, len, msg, ENTRY_SIG_INPUT_MAX, &msg_len)) != 0 ||
        (rc = keyfile_sign(key, msg, msg_len, sig)) != 0 ||
        (rc = entry_signed_pack(entry, len, sig, signed_entry, ENTRY_SIGNED_MAX, &signed_len)) !=
            0) {
        log_error(_("genesis entry: cannot sign it: %s"), lh_strerror(rc));
        goto fail;
    }
    free(entry);
    free(msg);
    *out_len = signed_len;
    return signed_entry;
fail:
    free(entry);
    free(msg);
    free(signed_entry);
    return NULL;
}

/* Append the genesis entry through the real write path, so that index 0
 * and its checkpoint are written exactly as any other entry. */
int genesis_append(store *st, const keyfile_key *key, const note_signer *signer,
                   const keyfile_pub *admin, const char *origin, highwater *hw)
{
    keyring *keys = NULL;
    sequencer *seq = NULL;
    seq_job *job = NULL, *done = NULL;
    waiter w = {.signalled = false};
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cond, NULL);
    lh_err err = {{0}};
    int result = -1;
    int rc = keyring_new(&keys);
    if (rc != 0) {
        log_error(_("keys: %s"), lh_strerror(rc));
        goto out;
    }
    sequencer_config cfg = {
        .store = st,
        .keys = keys,
        .log_key = signer,
        .origin = origin,
        .highwater = hw,
        .notify = waiter_notify,
        .notify_ctx = &w,
    };
    if ((rc = sequencer_start(&seq, &cfg, &err)) != 0) {
        log_error(_("cannot start the sequencer: %s (%s)"), err.msg, lh_strerror(rc));
        goto out;
    }
    size_t len;
    uint8_t *bytes = genesis_entry(key, admin, origin, &len);
    if (bytes == NULL)
        goto out;
    job = seq_job_new(bytes, len, NULL, 0);
    if (job == NULL) {
        free(bytes);
        log_error(_("genesis entry: out of memory"));
        goto out;
    }
    sequencer_submit(seq, job);
    job = NULL;
    done = wait_done(seq, &w, 120);
    if (done == NULL) {
        log_error(_("genesis entry: the writer did not answer within 120 s"));
        goto out;
    }
    if (done->status != LIUHEN__STATUS__STATUS_OK || done->index != 0) {
        log_error(_("genesis entry: %s: %s"), wire_status_name(done->status), done->message);
        goto out;
    }
    log_info(_("genesis entry: entry 0 enrols %s as the first admin; checkpoint of size %" PRIu64
               " signed"),
             admin->name, done->checkpoint != NULL ? done->checkpoint->size : 0);
    result = 0;
out:
    seq_job_free(job);
    while (done != NULL) {
        seq_job *next = done->next;
        seq_job_free(done);
        done = next;
    }
    if (seq != NULL) {
        sequencer_stop(seq);
        sequencer_free(seq);
    }
    keyring_free(keys);
    pthread_cond_destroy(&w.cond);
    pthread_mutex_destroy(&w.mu);
    return result;
}
