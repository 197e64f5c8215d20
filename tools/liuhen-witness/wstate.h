/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * wstate.h — what the witness remembers, and the one code path that judges
 * an add-checkpoint request (c2sp.org/tlog-witness), cosigns it and records
 * it. `liuhen-witness serve` (over HTTP, whttp.h) and `liuhen-witness
 * add-checkpoint` (one request on standard input) both go through
 * wstate_add_checkpoint(), so the air-gapped form follows the same rules
 * and keeps the same state.
 *
 * The state directory DIR (mode 0700, the user's own: whoever can write in
 * it can roll a log back and have a fork cosigned) holds:
 *
 *     DIR/lock                    flock()ed exclusively by the process that
 *                                 uses the state, for as long as it does
 *     DIR/<hex>.checkpoint        per log, <hex> the lowercase hex SHA-256 of
 *                                 its origin: the latest checkpoint this
 *                                 witness cosigned, the signed note exactly as
 *                                 it was received
 *     DIR/evidence/<hex>-<size>-<YYYYmmddTHHMMSSZ>[-<n>].evidence
 *                                 one file per misbehaviour: a signed
 *                                 checkpoint inconsistent with what was
 *                                 cosigned (format below)
 *
 * A checkpoint file is replaced atomically (a temporary file, fsync,
 * rename, fsync of DIR) before the cosignature is handed out: acknowledged
 * means durable. At open, each is read back and verified with its log's key;
 * one that does not verify stops the witness, naming the file.
 *
 * Atomicity (tlog-witness "add-checkpoint": the check of the old size and
 * the update must be one step, or a slow request could roll the state back
 * past a faster one): within a process, one mutex covers the check, the
 * cosignature and the write; between processes, the flock() on DIR/lock
 * lets only one process use DIR at a time (`serve` holds it for its life,
 * `add-checkpoint` for its run).
 *
 * An evidence file is text, then bytes:
 *
 *     liuhen-witness evidence v1
 *     origin <the log's origin>
 *     size <the refused checkpoint's tree size>
 *     cosigned-size <the tree size this witness had cosigned>
 *     time <POSIX seconds>
 *     status <the HTTP status answered, 409 or 422>
 *     reason <one line: what is inconsistent>
 *     request <n>
 *     cosigned <m>
 *     <an empty line>
 *     <n bytes: the request body exactly as received: the old size, the
 *      consistency proof and the signed checkpoint>
 *     <m bytes: the checkpoint this witness had cosigned, as received then>
 *
 * so that an inspector holds two statements signed by the log that cannot
 * both be true (or, for a proof that failed, the two checkpoints to ask the
 * log for a proof between).
 */
#ifndef LIUHEN_WSTATE_H
#define LIUHEN_WSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "errors.h"
#include "note.h"
#include "witness.h"

/** Statuses the witness answers beyond those of witness.h. */
enum {
    WSTATE_TOO_LARGE = 413, /**< a body over WITNESS_REQUEST_MAX */
    WSTATE_INTERNAL = 500,  /**< the state could not be saved: nothing was cosigned */
};

/** Room for an answer's body: one cosignature line, or a reason and '\n'. */
#define WSTATE_BODY_MAX (NOTE_SIGLINE_MAX + LH_ERR_MSG_MAX)

/** Room for a file name under DIR or DIR/evidence, with its NUL. */
#define WSTATE_NAME_MAX 128

/** What opens a state directory. */
typedef struct wstate_config {
    const char *dir;           /**< the state directory; created (0700) if missing */
    const note_verifier *logs; /**< nlogs type 0x01 log keys, distinct names (origins) */
    size_t nlogs;              /**< at least 1 */
    const note_signer *signer; /**< the witness key, type 0x04; borrowed until wstate_close() */
    unsigned lock_wait_ms;     /**< how long to wait for DIR/lock held by another process */
    FILE *log;                 /**< where misbehaviour is reported (stderr), or NULL */
} wstate_config;

/** An open state directory. Opaque. */
typedef struct wstate wstate;

/**
 * Open the state directory: create it (0700) if missing, refuse one that
 * group or others may access or that another user owns, take DIR/lock,
 * create DIR/evidence (0700), then read and verify each log's checkpoint
 * file.
 * @param[out] out  the state; free it with wstate_close().
 * @param[out] err  a sentence naming the directory or file and the cause.
 * @return 0; LH_EINVAL (no logs, two logs of one origin, a signer that is
 *         not type 0x04, a log key that is not type 0x01); LH_EPERMFILE (DIR
 *         too open, or not the user's); LH_EUNAVAILABLE (another process
 *         holds DIR/lock after lock_wait_ms); -errno; LH_ENOMEM; for a
 *         checkpoint file that does not verify with its log's key, the code
 *         of checkpoint_open() (LH_EBADSIG, LH_ENOKEY, LH_EPARSE...).
 */
int wstate_open(const wstate_config *cfg, wstate **out, lh_err *err);

/** Release DIR/lock and free the state. @param[in] ws  may be NULL. */
void wstate_close(wstate *ws);

/**
 * What the witness knows of log i (in the order of wstate_config.logs):
 * whether it cosigned one of its checkpoints, and the latest one's size and
 * root. Taken under the state's mutex.
 * @return 0; LH_ERANGE for i out of range.
 */
int wstate_get_log(wstate *ws, size_t i, witness_log *out);

/** The answer to one add-checkpoint request. */
typedef struct wstate_answer {
    int status;                    /**< 200, 400, 403, 404, 409, 413, 422 or 500 */
    const char *content_type;      /**< a static string */
    uint8_t body[WSTATE_BODY_MAX]; /**< 200: the cosignature line; 409: the size and
                                        '\n'; otherwise the reason and '\n' */
    size_t body_len;
    char reason[LH_ERR_MSG_MAX];    /**< one line, for logs and standard error */
    bool misbehaviour;              /**< a signed checkpoint inconsistent with what was
                                         cosigned (witness_verdict.misbehaviour) */
    char evidence[WSTATE_NAME_MAX]; /**< its file under DIR/evidence; "" when none was
                                         written */
} wstate_answer;

/**
 * Judge an add-checkpoint request body with witness_request_parse() and
 * witness_check(), and on success cosign the checkpoint with the witness
 * key at time now and record it as its log's latest, durably, before
 * returning. A checkpoint refused as misbehaviour is never cosigned: the
 * body is kept as evidence (see the top of this file) and reported on
 * cfg->log. Safe to call from several threads.
 * @param[in] body  len bytes, the request body; len over WITNESS_REQUEST_MAX
 *                  is answered 413 without being looked at.
 * @param[in] now   the cosignature's timestamp, POSIX seconds (at most
 *                  COSIG_TIMESTAMP_MAX).
 * @param[out] a    the answer, whatever the outcome.
 * @return 0 when the request was judged (any status but 500); a negative
 *         code when the witness itself failed (a->status is then 500 and
 *         nothing was cosigned): -errno writing the state, LH_ENOMEM,
 *         LH_EINTERNAL.
 */
int wstate_add_checkpoint(wstate *ws, const uint8_t *body, size_t len, uint64_t now,
                          wstate_answer *a);

/** Fill a with the 413 answer to a body over WITNESS_REQUEST_MAX (not read). */
void wstate_answer_too_large(wstate_answer *a);

/** The reason phrase of an HTTP status the witness answers ("Conflict"). */
const char *wstate_status_text(int status);

/** The hex SHA-256 of an origin: the name of its files. @param[out] hex  65 bytes. */
void wstate_origin_hex(char hex[65], const char *origin);

/** One evidence file, as wstate_evidence_list() reads it. */
typedef struct wstate_evidence {
    char file[WSTATE_NAME_MAX];     /**< its name under DIR/evidence */
    bool ok;                        /**< its header was read; else see problem */
    char problem[LH_ERR_MSG_MAX];   /**< why it could not be read */
    char origin[NOTE_NAME_MAX + 1]; /**< the log's origin, as the header says */
    uint64_t size;                  /**< the refused checkpoint's size */
    uint64_t cosigned_size;         /**< the size that was cosigned */
    uint64_t time;                  /**< POSIX seconds */
    int status;                     /**< 409 or 422 */
    char reason[LH_ERR_MSG_MAX];
} wstate_evidence;

/**
 * List the evidence kept under DIR/evidence, oldest first (by time, then
 * name). Reads only; takes no lock, so it works beside a running `serve`.
 * Files whose header cannot be read are listed last, with ok false and
 * the problem.
 * @param[out] out  n entries, malloc'd (the caller frees it); NULL when n is 0.
 * @return 0 (DIR/evidence missing: n is 0); -errno (DIR missing or
 *         unreadable); LH_ENOMEM.
 */
int wstate_evidence_list(const char *dir, wstate_evidence **out, size_t *n, lh_err *err);

#endif
