/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * handle.h — the client library's handle (struct lh_conn, liuhen.h) and
 * its trust state, shared by the modules that implement liuhen.h: the
 * checkpoints a handle has verified, the last one seen and its state file,
 * and the fetching and checking that every answer goes through.
 *
 * Everything the server sends is suspect until verified: a checkpoint until
 * it opens with the log key and is consistent with the last one seen, a
 * proof until it hashes to a signed root, an entry until its signature
 * verifies. Requests go over conn.h (framing, deadlines, ids); the state
 * file is read and written by statefile.h.
 */
#ifndef LIUHEN_HANDLE_H
#define LIUHEN_HANDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "heads.h"
#include "liuhen.h"
#include "checkpoint.h"
#include "merkle.h"
#include "note.h"
#include "receipt.h"

/* How many verified checkpoints a handle remembers besides the last seen, so
 * that a proof at a size it verified before needs no second signature check
 * and no checkpoint from the server. */
#define KNOWN_MAX 16

/* Room for the context of a call ("append: case QJ-2026-7"), which prefixes
 * every error message; the rest of lh_err's 256 bytes names the cause. */
#define WHAT_MAX 96

struct lh_conn {
    conn t;                /* the socket, framing and deadlines */
    note_verifier log_key; /* type 0x01; its name is the origin */
    /* The witnesses whose cosignatures count, and how many the handle's
     * view requires (lh_options). */
    note_verifier witnesses[CHECKPOINT_WITNESS_MAX];
    receipt_keys keys; /* the log key and the witnesses, for receipt.h */
    unsigned min_cosig;
    char *state_path; /* NULL: no state file */
    bool have_seen;
    lh_checkpoint seen; /* the largest checkpoint accepted */
    /* Whether seen has the cosignatures the policy requires: one saved in
     * the state file by a handle without the policy may not. */
    bool seen_witnessed;
    lh_checkpoint known[KNOWN_MAX]; /* other verified checkpoints, a ring */
    size_t known_next;
    heads *heads; /* the chain heads this handle's appends left */
    /* A consistency proof the server sent with an answer (an append's),
     * used once by the check of the checkpoint that answer carries. */
    struct {
        bool set;
        uint64_t first, second;
        size_t len;
        uint8_t hashes[MERKLE_MAX_PROOF][LH_HASH_SIZE];
    } offered;
};

/* What an inclusion proof is asked for: an index, a leaf hash or an entry id. */
typedef struct handle_target {
    Liuhen__GetInclusionProofRequest__TargetCase by;
    uint64_t index;
    const uint8_t *hash; /* the leaf hash or the entry id, 32 bytes */
} handle_target;

/* Whether a string from the server may be handed to a caller who prints it:
 * UTF-8 without control characters. NULL passes. */
bool handle_text_ok(const char *s);

/* The verified checkpoint of this size the handle remembers, or NULL. */
const lh_checkpoint *handle_known_find(const lh_conn *c, uint64_t size);

/* A copy of a remembered checkpoint into out. @return 0, LH_ENOMEM. */
int handle_checkpoint_copy(lh_checkpoint *out, const lh_checkpoint *k);

/* Copy a list of hashes from the wire, checking each length and the count
 * (at most MERKLE_MAX_PROOF). *out is malloc'd, NULL for none. */
int handle_take_hashes(const ProtobufCBinaryData *items, size_t n, uint8_t (**out)[LH_HASH_SIZE],
                       const char *field, const char *what, lh_err *err);

/*
 * Ask for the consistency proof from first to second (0: to the latest).
 * On 0, *out is an OK response (the caller frees it) and *p its proof, from
 * first to what was asked for. *status is the server's answer whenever
 * there was one, STATUS_OK otherwise.
 */
int handle_consistency_fetch(lh_conn *c, uint64_t first, uint64_t second, Liuhen__Response **out,
                             const Liuhen__ConsistencyProof **p, Liuhen__Status *status,
                             int64_t deadline, const char *what, lh_err *err);

/* Ask for an inclusion proof at tree_size (0: the latest checkpoint's). */
int handle_inclusion_fetch(lh_conn *c, const handle_target *t, uint64_t tree_size,
                           Liuhen__Response **out, int64_t deadline, const char *what, lh_err *err);

/*
 * Open a checkpoint note with the log key and the witnesses' keys
 * (receipt_open_checkpoint()), or find it among the notes this handle
 * verified before (the same bytes: no signature is checked twice).
 * @param[out] ncos  may be NULL.
 */
int handle_open_note(const lh_conn *c, const uint8_t *note, size_t note_len, uint64_t *size,
                     uint8_t root[LH_HASH_SIZE], size_t *ncos, const char *what, lh_err *err);

/*
 * Keep a consistency proof that came with an answer (AppendResponse's),
 * for the check of the checkpoint that answer carries: when it is from the
 * size last seen to that checkpoint's, no GetConsistencyProof is sent. A
 * malformed one, or NULL, is dropped (the proof is then fetched). Only its
 * shape is checked here; it is verified where it is used.
 */
void handle_offer_consistency(lh_conn *c, const Liuhen__ConsistencyProof *p);

/*
 * Accept a verified checkpoint: consistent with the last one seen (a fork
 * otherwise: LH_EFORK), never smaller than it when it claims to be the
 * log's latest, then remembered, and, when it has the ncos cosignatures
 * the handle requires, made the last one seen and saved in the state file
 * when it is the largest yet. *state_failed (may be NULL) is set when only
 * the state file could not be written.
 */
int handle_seen_accept(lh_conn *c, const uint8_t *note, size_t note_len, uint64_t size,
                       const uint8_t root[LH_HASH_SIZE], bool latest, unsigned ncos,
                       bool *state_failed, int64_t deadline, const char *what, lh_err *err);

/*
 * Open a checkpoint note from the server with the log key and the
 * witnesses' keys, check its size when one is expected (UINT64_MAX: any),
 * accept it (handle_seen_accept(): it becomes the view only with the
 * cosignatures required) and copy it to out (may be NULL), with its count
 * of cosignatures.
 */
int handle_accept_note(lh_conn *c, const ProtobufCBinaryData *note, uint64_t want_size, bool latest,
                       lh_checkpoint *out, int64_t deadline, const char *what, lh_err *err);

/* Fetch, verify and accept the latest checkpoint: with a witness policy,
 * the largest one with the cosignatures it requires. */
int handle_get_latest(lh_conn *c, lh_checkpoint *out, int64_t deadline, const char *what,
                      lh_err *err);

#endif
