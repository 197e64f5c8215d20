/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_drain.c — liuhend stopped by SIGTERM while clients append, single
 * and pipelined, as fast as they can (docs/design.md "The daemon": the
 * drain). What must be true, round after round:
 *  - every append the library reports as done has a receipt that verifies;
 *  - one reported LH_ECOMMITTED (or, in a run, with out[i].checkpoint set)
 *    has such a receipt too, and is in the log;
 *  - every other failure is not in the log: each author's chain holds
 *    exactly the entries reported logged;
 *  - after a restart, sending the very same signed bytes again logs each
 *    failed entry, and gives a committed one its receipt again (DUPLICATE,
 *    same index).
 * LIUHEN_DRAIN_ROUNDS (default 4) sets the rounds (tests/torture/drain.sh
 * runs many).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "keyfile.h"
#include "ledger.h"
#include "liuhen.h"
#include "load.h"
#include "testutil.h"

/* Runs long enough to span batches, so that a receipt's checkpoint is
 * often not the one its request knew: the library then asks for a
 * consistency proof, which a draining daemon no longer reads. */
enum { WORKERS = 4, RUN = 200, MAX_ATTEMPTS = 20000 };

typedef struct dworker {
    const td_daemon *d;
    keyfile_key *key;
    int id;
    atomic_bool *stop;
    tload_attempts at; /* the entries sent */
} dworker;

/* Append, alternating single appends and pipelined runs, until the first
 * failure (the daemon stopping) or the stop flag. */
static void *dworker_run(void *arg)
{
    dworker *w = arg;
    lh_conn *c = tload_connect(w->d);
    if (c == NULL)
        return NULL;
    lh_err err = {{0}};
    char case_id[32], writer[32];
    snprintf(case_id, sizeof case_id, "D-%d", w->id);
    snprintf(writer, sizeof writer, "worker %d", w->id);
    for (unsigned round = 0; !atomic_load(w->stop) && w->at.n + RUN < MAX_ATTEMPTS; round++) {
        size_t n = round % 2 == 0 ? 1 : RUN;
        if (tload_round(c, w->key, case_id, writer, w->at.n, n, tload_keep, &w->at, &err) != 0)
            break;
    }
    lh_close(c);
    return NULL;
}

static uint64_t author_seq(lh_conn *c, const keyfile_key *key)
{
    lh_heads h;
    lh_err err = {{0}};
    tu_assert_code(lh_author_head(c, keyfile_key_pubkey(key), NULL, &h, &err), 0, &err);
    return h.author_seq;
}

static void one_round(unsigned round, size_t *committed)
{
    td_daemon d;
    lh_conn *c = tl_start(&d, NULL);
    keyfile_key *keys[WORKERS];
    dworker w[WORKERS];
    pthread_t th[WORKERS];
    atomic_bool stop = false;
    atomic_int logged = 0;
    for (int i = 0; i < WORKERS; i++) {
        char name[32];
        snprintf(name, sizeof name, "d%d", i);
        keys[i] = tl_new_key(name);
        tl_enroll(c, &d, keys[i], "[\"handler\"]");
        w[i] = (dworker){.d = &d, .key = keys[i], .id = i, .stop = &stop, .at.logged = &logged};
    }
    lh_close(c);
    for (int i = 0; i < WORKERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, dworker_run, &w[i]), 0);
    /* Stop at a different moment each round. */
    int want = 60 + (int)(round * 37 % 400);
    while (atomic_load(&logged) < want)
        usleep(1000);
    int status = td_stop(&d, SIGTERM);
    atomic_store(&stop, true);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(th[i], NULL);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    td_start(&d, NULL);
    c = tl_connect(&d, NULL);
    lh_err err = {{0}};
    for (int i = 0; i < WORKERS; i++) {
        uint64_t nlogged = 0;
        for (size_t j = 0; j < w[i].at.n; j++) {
            tload_attempt *a = &w[i].at.a[j];
            if (a->rc != 0 && a->rc != LH_ECOMMITTED)
                continue;
            /* A receipt handed back verifies, and it is of entry j. */
            tu_assert_code(lh_receipt_verify(&a->r, d.vkey, &err), 0, &err);
            nlogged++;
            if (a->rc == LH_ECOMMITTED)
                (*committed)++;
        }
        /* The log holds what was reported logged, and nothing else: the
         * author's chain is as long as that. */
        if (author_seq(c, keys[i]) != nlogged)
            fail_msg("round %u worker %d: the log holds %" PRIu64
                     " of its entries, the library reported %" PRIu64 " logged",
                     round, i, author_seq(c, keys[i]), nlogged);
        /* The same signed bytes again: a committed entry gets its receipt
         * (same index), a failed one is logged now, in its order. */
        for (size_t j = 0; j < w[i].at.n; j++) {
            tload_attempt *a = &w[i].at.a[j];
            if (a->rc == 0 || a->r.signed_entry == NULL)
                continue;
            lh_receipt again;
            tu_assert_code(
                lh_append_signed(c, a->r.signed_entry, a->r.signed_entry_len, &again, &err), 0,
                &err);
            if (a->rc == LH_ECOMMITTED)
                assert_int_equal(again.leaf_index, a->r.leaf_index);
            lh_receipt_free(&again);
        }
        tload_attempts_free(&w[i].at);
    }
    for (int i = 0; i < WORKERS; i++)
        keyfile_key_free(keys[i]);
    tl_stop(&d, c);
}

static void test_sigterm_receipts(void **state)
{
    (void)state;
    const char *env = getenv("LIUHEN_DRAIN_ROUNDS");
    unsigned rounds = env != NULL ? (unsigned)strtoul(env, NULL, 10) : 4;
    size_t committed = 0;
    for (unsigned r = 0; r < rounds; r++)
        one_round(r, &committed);
    fprintf(stderr, "drain: %u rounds, %zu appends reported LH_ECOMMITTED\n", rounds, committed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigterm_receipts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
