/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * witnessing.h — liuhend as the client of its witnesses (C2SP tlog-witness,
 * docs/design.md "Witnesses"): the oversight body's liuhen-witness, or any
 * witness of the public ecosystem, cosigns the log's checkpoints, and a
 * log that showed the witness one history cannot show anyone a cosigned
 * other one.
 *
 * One thread per witness (an unreachable witness delays nobody else, and
 * never an append). Each thread submits the latest checkpoint:
 *   - when the log has grown, at most once a second;
 *   - every heartbeat interval even when it has not, so that the witness's
 *     fresh cosignature shows the log was alive and that size at that time,
 *     and silence shows too.
 * A submission carries the consistency proof from the size the witness
 * last cosigned: what this log kept of it, or, when the witness answers 409
 * with another size, that size. Each cosignature is verified, then kept in
 * the store next to its checkpoint (store_put_cosig()), from where the read
 * calls and the publication serve it. Failures are retried with a backoff
 * from 1 s doubling to 5 minutes and shown by Status.
 *
 * HTTP with libcurl: POST <url>/add-checkpoint, 5 s to connect, 20 s in
 * all, no redirects, no proxy (liuhend talks only to the witnesses it is
 * given), answers of at most 64 KiB read. curl_global_init() must have
 * been called by the program (liuhend's main) before witnessing_start().
 */
#ifndef LIUHEN_WITNESSING_H
#define LIUHEN_WITNESSING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "note.h"
#include "store.h"

/** Most witnesses liuhend submits to: their lines and the log's fit a note. */
#define WITNESSING_MAX 8

/** Longest witness URL accepted. */
#define WITNESSING_URL_MAX 512

/** A witness to submit to. */
typedef struct witnessing_target {
    note_verifier key;                /**< type 0x04 (or 0x01); its name is the witness's */
    char url[WITNESSING_URL_MAX + 1]; /**< the submission prefix, http:// or https:// */
} witnessing_target;

/** What is known of one witness, for Status. */
typedef struct witnessing_state {
    char name[NOTE_NAME_MAX + 1];
    char url[WITNESSING_URL_MAX + 1];
    bool cosigned;           /**< it cosigned a checkpoint of this log */
    uint64_t cosigned_size;  /**< the largest it cosigned */
    int64_t cosigned_at;     /**< unix ms: the time in that cosignature */
    int64_t last_attempt_at; /**< unix ms, 0: none yet */
    char last_error[256];    /**< empty when the last submission succeeded */
} witnessing_state;

typedef struct witnessing witnessing;

/**
 * Parse a --witness argument, "VKEY_FILE=URL": the witness's verifier key
 * file (one line) and its submission prefix.
 * @return 0; LH_EINVAL naming what is wrong; the codes of fileio_read() and
 *         note_vkey_parse().
 */
int witnessing_parse_arg(const char *arg, witnessing_target *out, lh_err *err);

/**
 * Start one thread per target.
 * @param[in] st         the log's store: cosignatures are kept there.
 * @param[in] log_key    the log's verifier key (the witness's answers are
 *                       checked against the checkpoint it signed).
 * @param[in] heartbeat  seconds between submissions of an unchanged log.
 * @return 0; LH_EINVAL (no target, more than WITNESSING_MAX, two with one
 *         key); LH_ENOMEM; -errno (a thread).
 */
int witnessing_start(witnessing **out, store *st, const note_verifier *log_key,
                     const witnessing_target *targets, size_t ntargets, unsigned heartbeat,
                     lh_err *err);

/** What is known of each witness, in the order given; returns how many. Thread-safe. */
size_t witnessing_states(witnessing *w, witnessing_state *out, size_t max);

/**
 * Ask every witness to cosign the log as it is now, and wait until each
 * has answered or failed once, or until timeout_ms have passed. liuhend
 * calls it once its last appends are committed, before its final
 * publication, so that the checkpoint it publishes at stop carries the
 * witnesses' cosignatures. A witness that is down fails at once; one that
 * hangs costs at most timeout_ms. Accepts NULL.
 */
void witnessing_flush(witnessing *w, unsigned timeout_ms);

/** Stop the threads (an HTTP request in flight ends within its timeout) and free. Accepts NULL. */
void witnessing_stop(witnessing *w);

#endif
