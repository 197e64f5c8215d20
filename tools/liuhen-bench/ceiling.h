/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * ceiling.h — this machine's ceilings, measured in the same run as the
 * workloads, so that a figure can be read as a share of what the machine
 * allows and compared across machines:
 *
 *  - Ed25519 verifications per second (libsodium's
 *    crypto_sign_verify_detached() over entry-sized messages), on one
 *    thread and on one thread per core: liuhend verifies every entry's
 *    signature, and liuhen-verify every signature of an export;
 *  - LMDB synced commits per second on the data directory's file system
 *    (one small put and one commit with fsync each): liuhend commits each
 *    batch of appends that way, so appends per second divided by it is
 *    the entries a commit carries.
 */
#ifndef LIUHEN_BENCH_CEILING_H
#define LIUHEN_BENCH_CEILING_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "latency.h"

typedef struct ceilings {
    double ed25519_one;   /**< verifications per second, one thread */
    double ed25519_all;   /**< verifications per second, `threads` threads */
    unsigned threads;     /**< one per online core */
    double message_bytes; /**< mean length of the messages verified */
    double lmdb_commits;  /**< synced commits per second */
    latency_summary lmdb; /**< the latency of one commit */
    double seconds;       /**< how long each was measured */
} ceilings;

/**
 * Measure the three ceilings, each for `seconds`; the LMDB environment is
 * made in a new directory under `dir` and removed after.
 * @return 0; LH_ENOMEM; -errno or LH_EINTERNAL with err saying what failed.
 */
int ceiling_measure(const char *dir, double seconds, ceilings *out, lh_err *err);

#endif
