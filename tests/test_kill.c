/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_kill.c — liuhend killed by SIGKILL, again and again, while 8 clients
 * append as fast as they can, single and pipelined; restarted after each
 * kill, on the same store. What must be true at the end:
 *  - every receipt any client ever got verifies, and its leaf is in the
 *    final tree at its index (an inclusion proof to the final checkpoint);
 *  - every checkpoint any client ever saw (in a receipt, from
 *    GetCheckpoint, or in the published directory) has a consistency proof
 *    to the final checkpoint, from the root it showed;
 *  - every entry whose append failed is in the log exactly once after the
 *    same signed bytes are sent again following the restart: DUPLICATE
 *    with its index when the kill came after its commit (always so for one
 *    reported LH_ECOMMITTED), logged then otherwise; one that failed before
 *    it was even signed (the daemon gone when the library asked for the
 *    chain heads) was never sent, and is not in the chain;
 *  - each author's chain is as long as the entries it signed, each at an
 *    index of its own;
 *  - `liuhend check` finds the final store sound.
 *
 * LIUHEN_KILL_ROUNDS (default 2) sets the kills. LIUHEN_KILL_SHIM names
 * the LD_PRELOAD library of tests/torture/shim.c, and LIUHEN_KILL_MODE
 * (commit or publish) where it makes liuhend kill itself: after a batch's
 * commit and before its answers, or in the middle of a publication
 * (tests/torture/kill.sh runs all three kinds many times).
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
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "daemon.h"
#include "fileio.h"
#include "keyfile.h"
#include "ledger.h"
#include "liuhen.h"
#include "load.h"
#include "note.h"
#include "testutil.h"

enum { WORKERS = 8, RUN = 40 };

/* An attempt that failed before its entry was signed (the daemon gone when
 * the library asked for the chain heads): never sent, so never logged. */
enum { UNSENT = 1 };

typedef struct kworker {
    const td_daemon *d;
    keyfile_key *key;
    int id;
    atomic_bool *stop;
    /* the entries sent (after a failure: the bytes sent, then the retry's
     * receipt, or the verdict UNSENT) */
    tload_attempts at;
    size_t round_start; /* the first attempt of this round */
} kworker;

/* Every checkpoint seen: size and root. */
typedef struct seen_cp {
    uint64_t size;
    uint8_t root[32];
} seen_cp;

static struct {
    pthread_mutex_t mu;
    seen_cp *cp;
    size_t n, cap;
    note_verifier vkey;
} seen = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* Remember the checkpoint in a signed note (a receipt's, a published one). */
static void see_note(const uint8_t *note, size_t len)
{
    checkpoint_opened co;
    lh_err err = {{0}};
    tu_assert_code(checkpoint_open(note, len, &seen.vkey, NULL, 0, &co, &err), 0, &err);
    pthread_mutex_lock(&seen.mu);
    bool known = false;
    for (size_t i = 0; i < seen.n && !known; i++) {
        if (seen.cp[i].size != co.cp.size)
            continue;
        if (memcmp(seen.cp[i].root, co.cp.root, 32) != 0)
            fail_msg("two checkpoints of size %" PRIu64 " with different roots", co.cp.size);
        known = true;
    }
    if (!known) {
        if (seen.n == seen.cap) {
            seen.cap = seen.cap ? 2 * seen.cap : 256;
            seen.cp = realloc(seen.cp, seen.cap * sizeof *seen.cp);
            assert_non_null(seen.cp);
        }
        seen.cp[seen.n].size = co.cp.size;
        memcpy(seen.cp[seen.n].root, co.cp.root, 32);
        seen.n++;
    }
    pthread_mutex_unlock(&seen.mu);
}

/* Keep one entry's verdict and receipt, and its checkpoint (a tload_keep_fn). */
static void record(void *ctx, int rc, lh_receipt *r)
{
    kworker *w = ctx;
    if (r->checkpoint != NULL)
        see_note(r->checkpoint, r->checkpoint_len);
    tload_keep(&w->at, rc, r);
}

/* Append, alternating single appends and pipelined runs, until the first
 * failure (the daemon killed) or the stop flag. */
static void *kworker_run(void *arg)
{
    kworker *w = arg;
    lh_conn *c = tload_connect(w->d);
    if (c == NULL)
        return NULL;
    lh_err err = {{0}};
    char case_id[32], writer[32];
    snprintf(case_id, sizeof case_id, "K-%d", w->id);
    snprintf(writer, sizeof writer, "writer %d", w->id);
    for (unsigned round = 0; !atomic_load(w->stop); round++) {
        size_t n = (round + (unsigned)w->id) % 2 == 0 ? 1 : RUN;
        if (tload_round(c, w->key, case_id, writer, w->at.n, n, record, w, &err) != 0)
            break;
    }
    lh_close(c);
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The published checkpoint, if there is one: a complete note that opens. */
static void see_published(const td_daemon *d)
{
    char path[TD_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/checkpoint", d->publish);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return;
    uint8_t buf[8192];
    size_t len = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    see_note(buf, len);
}

static void checkpoint_now(const td_daemon *d)
{
    lh_conn *c = tl_connect(d, NULL);
    lh_checkpoint cp = {0};
    lh_err err = {{0}};
    if (lh_get_checkpoint(c, &cp, &err) == 0) {
        see_note(cp.note, cp.note_len);
        lh_checkpoint_free(&cp);
    }
    lh_close(c);
}

typedef struct tally {
    size_t kills, appends, failed, unsent, found, logged_after, committed;
} tally;

/* One round: the writers run until the daemon dies (killed here, or by
 * the shim), then it restarts and every failed entry is sent again. */
static void one_round(td_daemon *d, kworker *w, unsigned round, const char *shim, const char *mode,
                      tally *t)
{
    atomic_bool stop = false;
    atomic_int logged = 0;
    pthread_t th[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        w[i].stop = &stop;
        w[i].at.logged = &logged;
        w[i].round_start = w[i].at.n;
        assert_int_equal(pthread_create(&th[i], NULL, kworker_run, &w[i]), 0);
    }
    int status;
    if (shim == NULL) {
        int want = 100 + (int)(round * 53 % 700);
        for (int waited = 0; atomic_load(&logged) < want; waited++) {
            if (waited == 200)
                checkpoint_now(d);
            sleep_ms(1);
        }
        status = td_stop(d, SIGKILL);
    } else {
        /* The shim kills it: wait (at most two minutes) without reaping. */
        siginfo_t si;
        int waited = 0;
        for (;; waited += 10) {
            memset(&si, 0, sizeof si);
            assert_int_equal(waitid(P_PID, (id_t)d->pid, &si, WEXITED | WNOHANG | WNOWAIT), 0);
            if (si.si_pid == d->pid)
                break;
            if (waited >= 120000)
                fail_msg("round %u: the shim (%s) did not kill liuhend in 2 minutes; see %s", round,
                         mode, d->log);
            if (waited == 300)
                checkpoint_now(d);
            sleep_ms(10);
        }
        status = td_stop(d, SIGKILL);
    }
    atomic_store(&stop, true);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(th[i], NULL);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    t->kills++;
    see_published(d);

    td_start(d, NULL);
    see_published(d);
    lh_conn *c = tl_connect(d, NULL);
    lh_checkpoint cp = {0};
    lh_err err = {{0}};
    tu_assert_code(lh_get_checkpoint(c, &cp, &err), 0, &err);
    see_note(cp.note, cp.note_len);
    uint64_t size_before = cp.size;
    lh_checkpoint_free(&cp);
    /* The same signed bytes again, in each author's order: a committed
     * entry gets its receipt (DUPLICATE: an index below the size at the
     * restart), a lost one is logged now. */
    for (int i = 0; i < WORKERS; i++) {
        for (size_t j = w[i].round_start; j < w[i].at.n; j++) {
            tload_attempt *a = &w[i].at.a[j];
            t->appends++;
            if (a->rc == 0)
                continue;
            if (a->r.signed_entry == NULL) {
                assert_int_not_equal(a->rc, LH_ECOMMITTED);
                a->rc = UNSENT;
                t->unsent++;
                continue;
            }
            t->failed++;
            lh_receipt again;
            tu_assert_code(
                lh_append_signed(c, a->r.signed_entry, a->r.signed_entry_len, &again, &err), 0,
                &err);
            see_note(again.checkpoint, again.checkpoint_len);
            if (a->rc == LH_ECOMMITTED) {
                t->committed++;
                assert_int_equal(again.leaf_index, a->r.leaf_index);
                assert_memory_equal(again.leaf_hash, a->r.leaf_hash, 32);
                /* Both receipts must verify at the end. */
                tu_assert_code(lh_receipt_verify(&a->r, d->vkey, &err), 0, &err);
            }
            if (again.leaf_index < size_before)
                t->found++;
            else
                t->logged_after++;
            lh_receipt_free(&a->r);
            a->r = again;
            a->rc = 0;
        }
    }
    lh_close(c);
}

static void test_sigkill_torture(void **state)
{
    (void)state;
    const char *env = getenv("LIUHEN_KILL_ROUNDS");
    unsigned rounds = env != NULL ? (unsigned)strtoul(env, NULL, 10) : 2;
    const char *shim = getenv("LIUHEN_KILL_SHIM");
    const char *mode = getenv("LIUHEN_KILL_MODE");
    if (shim != NULL && shim[0] == '\0')
        shim = NULL;
    if (shim != NULL && mode == NULL)
        fail_msg("LIUHEN_KILL_SHIM needs LIUHEN_KILL_MODE (commit or publish)");
    bool publish = mode != NULL && strcmp(mode, "publish") == 0;

    static td_daemon d; /* static: td_teardown_running() reaches it after a failure */
    const char *fast_publish[] = {"--checkpoint-interval", "1", NULL};
    td_init(&d);
    td_running = &d;
    lh_err err = {{0}};
    tu_assert_code(note_vkey_parse(d.vkey, strlen(d.vkey), &seen.vkey, &err), 0, &err);
    td_start(&d, NULL);
    lh_conn *c = tl_connect(&d, NULL);
    keyfile_key *keys[WORKERS];
    kworker w[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        char name[32];
        snprintf(name, sizeof name, "k%d", i);
        keys[i] = tl_new_key(name);
        tl_enroll(c, &d, keys[i], "[\"handler\"]");
        w[i] = (kworker){.d = &d, .key = keys[i], .id = i};
    }
    lh_close(c);
    td_stop(&d, SIGTERM);

    tally t = {0};
    for (unsigned r = 0; r < rounds; r++) {
        /* The daemon of this round: with the shim set to kill it at a
         * moment of this round's own. */
        char at[32];
        if (shim != NULL) {
            snprintf(at, sizeof at, "%u", publish ? 1 + r * 5 % 24 : 2 + r * 7 % 40);
            setenv("LD_PRELOAD", shim, 1);
            setenv("LIUHEN_SHIM_MODE", mode, 1);
            setenv("LIUHEN_SHIM_AT", at, 1);
        }
        td_start(&d, publish ? fast_publish : NULL);
        unsetenv("LD_PRELOAD");
        unsetenv("LIUHEN_SHIM_MODE");
        unsetenv("LIUHEN_SHIM_AT");
        one_round(&d, w, r, shim, mode, &t);
        td_stop(&d, SIGTERM);
    }

    /* The final tree: every receipt, every checkpoint, every chain. */
    td_start(&d, NULL);
    c = tl_connect(&d, NULL);
    lh_checkpoint fin = {0};
    tu_assert_code(lh_get_checkpoint(c, &fin, &err), 0, &err);
    see_note(fin.note, fin.note_len);
    size_t receipts = 0;
    uint8_t *used = calloc(fin.size, 1);
    assert_non_null(used);
    for (int i = 0; i < WORKERS; i++) {
        size_t signed_ = 0;
        for (size_t j = 0; j < w[i].at.n; j++) {
            lh_receipt *r = &w[i].at.a[j].r;
            if (w[i].at.a[j].rc == UNSENT)
                continue;
            assert_int_equal(w[i].at.a[j].rc, 0);
            signed_++;
            tu_assert_code(lh_receipt_verify(r, d.vkey, &err), 0, &err);
            assert_true(r->leaf_index < fin.size);
            if (used[r->leaf_index]++)
                fail_msg("writer %d entry %zu: index %" PRIu64 " given twice", i, j, r->leaf_index);
            lh_inclusion inc = {0};
            tu_assert_code(lh_inclusion_proof(c, r->leaf_index, fin.size, &inc, &err), 0, &err);
            assert_memory_equal(inc.leaf_hash, r->leaf_hash, 32);
            lh_inclusion_free(&inc);
            receipts++;
        }
        lh_heads h;
        tu_assert_code(lh_author_head(c, keyfile_key_pubkey(keys[i]), NULL, &h, &err), 0, &err);
        if (h.author_seq != signed_)
            fail_msg("writer %d: its chain holds %" PRIu64 " entries, it signed %zu", i,
                     h.author_seq, signed_);
    }
    free(used);
    for (size_t i = 0; i < seen.n; i++) {
        if (seen.cp[i].size == 0)
            continue;
        assert_true(seen.cp[i].size <= fin.size);
        lh_consistency p = {0};
        tu_assert_code(lh_consistency_proof(c, seen.cp[i].size, fin.size, &p, &err), 0, &err);
        assert_memory_equal(p.first_root, seen.cp[i].root, 32);
        assert_memory_equal(p.second_root, fin.root, 32);
        lh_consistency_free(&p);
    }
    lh_checkpoint_free(&fin);
    lh_close(c);
    assert_int_equal(WEXITSTATUS(td_stop(&d, SIGTERM)), 0);

    /* liuhend check: the store is sound. */
    td_check_sound(&d);

    fprintf(stderr,
            "kill%s%s: %zu kills, %zu appends, %zu failed (%zu reported LH_ECOMMITTED; "
            "%zu more failed before they were signed), %zu of them found logged after the "
            "restart, %zu logged on retry; %zu receipts and %zu checkpoints checked against "
            "the final tree\n",
            shim != NULL ? " " : "", shim != NULL ? mode : "", t.kills, t.appends, t.failed,
            t.committed, t.unsent, t.found, t.logged_after, receipts, seen.n);
    for (int i = 0; i < WORKERS; i++) {
        tload_attempts_free(&w[i].at);
        keyfile_key_free(keys[i]);
    }
    free(seen.cp);
    td_cleanup(&d);
    td_running = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_sigkill_torture, td_teardown_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
