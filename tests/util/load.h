/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * load.h — load on a test liuhend (daemon.h, ledger.h): a writer's round
 * of appends, one entry by lh_append() or a run by lh_append_many(), with
 * the library's verdict on each entry of it.
 *
 * Everything here fails the running cmocka test when memory runs out.
 */
#ifndef LIUHEN_TEST_LOAD_H
#define LIUHEN_TEST_LOAD_H

#include <stdatomic.h>
#include <stddef.h>

#include "daemon.h"
#include "keyfile.h"
#include "liuhen.h"

/**
 * A writer's own handle on d's socket with d's log key and a 30 s timeout,
 * or NULL when the daemon does not take it (it may be stopping).
 */
lh_conn *tload_connect(const td_daemon *d);

/**
 * Append n entries signed by key: n == 1 by lh_append(), more by
 * lh_append_many(). Each entry's own verdict goes to codes[i]: 0 when it
 * is logged with a verified receipt; LH_ECOMMITTED when it is logged
 * without one (lh_append()'s LH_ECOMMITTED, or in a run an entry from
 * *done on whose out[i].checkpoint is set); after a run's failure, the
 * others get the run's code, but LH_ECLOSED where that code is another
 * entry's LH_ECOMMITTED.
 * @param[out] out    n receipts as lh_append() or lh_append_many() leaves
 *                    them; free each with lh_receipt_free().
 * @param[out] codes  n verdicts.
 * @return the code of lh_append() or lh_append_many().
 */
int tload_append(lh_conn *c, const keyfile_key *key, const Liuhen__Entry *const *e, size_t n,
                 lh_receipt *out, int *codes, lh_err *err);

/** One entry sent: the library's verdict on it, and its receipt. */
typedef struct tload_attempt {
    int rc;       /* 0, LH_ECOMMITTED, or the failure */
    lh_receipt r; /* the receipt (rc 0, LH_ECOMMITTED), or the bytes sent */
} tload_attempt;

/** A writer's entries sent, in order. */
typedef struct tload_attempts {
    tload_attempt *a;
    size_t n, cap;
    atomic_int *logged; /* counts, across writers, the verdicts 0 and LH_ECOMMITTED */
} tload_attempts;

/**
 * Add the attempt of verdict rc (a tload_keep_fn, ctx a tload_attempts):
 * it takes *r, and leaves r zeroed.
 */
void tload_keep(void *attempts, int rc, lh_receipt *r);

/** Free each attempt's receipt, and the array. */
void tload_attempts_free(tload_attempts *at);

/** What a writer does with each entry's verdict and receipt (it takes *r; ctx is its own). */
typedef void tload_keep_fn(void *ctx, int code, lh_receipt *r);

/**
 * A writer's round: n entries of KIND_INTERFERENCE in case case_id, entry
 * i with the content "<writer> entry <first + i>", appended by
 * tload_append(); then keep(ctx, codes[i], &out[i]) for each in order.
 * @return tload_append()'s code.
 */
int tload_round(lh_conn *c, const keyfile_key *key, const char *case_id, const char *writer,
                size_t first, size_t n, tload_keep_fn *keep, void *ctx, lh_err *err);

#endif
