/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * witness.h — C2SP transparency log witnesses (c2sp.org/tlog-witness), the
 * parts that are format and rule, written once for both sides:
 * liuhen-witness (the oversight body's witness) judges add-checkpoint
 * requests with witness_check(), and liuhend, the witness's client, writes
 * them with witness_request_format() and reads the answers with
 * witness_conflict_size() and witness_response_cosig().
 *
 * An add-checkpoint request body is
 *     "old " decimal(old size) "\n"
 *     zero to 63 lines, each one base64 hash of the consistency proof
 *     "\n"
 *     the signed checkpoint.
 * The witness answers 200 with its cosignature lines, 400 (malformed, or
 * the old size larger than the checkpoint's), 403 (no signature of a
 * trusted log key), 404 (unknown origin), 409 with the size of the latest
 * checkpoint it cosigned (text/x.tlog.size), or when that size equals the
 * checkpoint's but the roots differ, 422 (the consistency proof fails).
 *
 * No allocation, no I/O, no clock.
 */
#ifndef LIUHEN_WITNESS_H
#define LIUHEN_WITNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "errors.h"
#include "merkle.h"
#include "note.h"

/** Most consistency proof lines a request may carry (tlog-witness). */
#define WITNESS_PROOF_MAX 63

/**
 * Largest request body a witness reads: the old size line, 63 proof lines
 * and a checkpoint with a hundred signature lines (NOTE_MAX_SIGS), with room to spare.
 */
#define WITNESS_REQUEST_MAX (64u * 1024u)

/** The media type of a 409 answer's body (tlog-witness). */
#define WITNESS_SIZE_TYPE "text/x.tlog.size"

/** HTTP statuses of add-checkpoint (tlog-witness). */
enum {
    WITNESS_OK = 200,
    WITNESS_BAD_REQUEST = 400,
    WITNESS_FORBIDDEN = 403,
    WITNESS_NOT_FOUND = 404,
    WITNESS_CONFLICT = 409,
    WITNESS_UNPROCESSABLE = 422,
};

/** A parsed add-checkpoint request. */
typedef struct witness_request {
    uint64_t old_size;
    size_t nproof;
    uint8_t proof[WITNESS_PROOF_MAX][MERKLE_HASH_SIZE];
    const uint8_t *note; /**< the signed checkpoint, pointing into the body */
    size_t note_len;
} witness_request;

/**
 * Parse a request body strictly: "old N" with N in decimal without leading
 * zeroes, each proof line canonical base64 of exactly 32 bytes, every line
 * ending in '\n', the blank line, then a non-empty note (checked later).
 * @return 0; LH_EPARSE naming what is wrong (answered 400); LH_ETOOBIG (a
 *         body over WITNESS_REQUEST_MAX, more than 63 proof lines).
 */
int witness_request_parse(const uint8_t *body, size_t len, witness_request *out, lh_err *err);

/**
 * Write a request body.
 * @param[in] proof  nproof hashes (at most WITNESS_PROOF_MAX).
 * @return 0; LH_EINVAL (too many proof lines); LH_ETOOBIG (cap).
 */
int witness_request_format(uint64_t old_size, const uint8_t (*proof)[MERKLE_HASH_SIZE],
                           size_t nproof, const uint8_t *note, size_t note_len, uint8_t *out,
                           size_t cap, size_t *out_len);

/** What a witness knows of one log: its key and its latest cosigned tree. */
typedef struct witness_log {
    note_verifier key; /**< the log's key; its name is the log's origin */
    bool cosigned;     /**< a checkpoint of this log was cosigned */
    uint64_t size;     /**< of the latest cosigned checkpoint */
    uint8_t root[MERKLE_HASH_SIZE];
} witness_log;

/** The judgement of a request. */
typedef struct witness_verdict {
    int status;                  /**< WITNESS_OK ... WITNESS_UNPROCESSABLE */
    size_t log;                  /**< the log's index, for every status but 400 and 404 */
    checkpoint cp;               /**< the checkpoint, when its signature verified */
    uint64_t latest;             /**< 409: the size of the latest cosigned checkpoint */
    bool misbehaviour;           /**< a checkpoint the log signed that is inconsistent
                                      with what the witness cosigned: keep it */
    char reason[LH_ERR_MSG_MAX]; /**< one sentence, for logs and the body of errors */
} witness_verdict;

/**
 * Judge a request as tlog-witness says, in its order: the origin (404), a
 * signature of the log's key (403; a failing one too), the old size not
 * above the checkpoint's (400), the old size equal to the latest cosigned
 * size, 0 for none (409 with it), equal roots when the sizes are equal
 * (409), and the consistency proof, which must be empty from 0 (422). On
 * WITNESS_OK the caller cosigns v->cp and records it as the log's latest,
 * atomically with this check (the race tlog-witness describes).
 * @param[in] logs  nlogs logs, distinct origins.
 * @return 0 (the verdict is in v, whatever its status); LH_EINVAL (NULL).
 */
int witness_check(const witness_log *logs, size_t nlogs, const witness_request *rq,
                  witness_verdict *v);

/**
 * Read a 409 answer's body: the latest cosigned size, in decimal without
 * leading zeroes, and a newline.
 * @return 0; LH_EPARSE.
 */
int witness_conflict_size(const uint8_t *body, size_t len, uint64_t *size);

/**
 * Read a 200 answer: signature lines, each "— ..." and '\n'. The one by
 * the witness key is checked as a cosignature of the checkpoint note
 * (which the log signed), and copied to line; the others are ignored, as
 * tlog-witness says.
 * @param[out] line       cap bytes (NOTE_SIGLINE_MAX suffices), its '\n'
 *                        included; not NUL-terminated.
 * @param[out] timestamp  the cosignature's time, POSIX seconds.
 * @return 0; LH_EPARSE (not signature lines); LH_ENOKEY (no line of the
 *         witness key); LH_EBADSIG; LH_ETOOBIG; the codes of
 *         checkpoint_open().
 */
int witness_response_cosig(const uint8_t *note, size_t note_len, const note_verifier *log_key,
                           const note_verifier *witness, const uint8_t *body, size_t body_len,
                           uint8_t *line, size_t cap, size_t *line_len, uint64_t *timestamp,
                           lh_err *err);

#endif
