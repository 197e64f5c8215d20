/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * query.c — the read-only calls of the wire protocol (query.h).
 *
 * A read call is answered in three steps: figures that live outside the
 * store (key state, daemon statistics) are copied first, with no store
 * transaction open, because their owners take locks of their own and a
 * reader must never hold an LMDB read transaction while it waits for
 * anything (store.h: map growth waits for every reader); then ONE read
 * transaction gives a consistent snapshot from which the response is built
 * and packed (it points into LMDB's map); then the transaction ends.
 */
#include "query.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "entry.h"
#include "fileio.h"
#include "log.h"
#include "merkle.h"
#include "publish.h"
#include "role.h"
#include "text.h"
#include "tile.h"
#include "wire.h"

/* ------------------------------------------------------------------------
 * Building a response: an arena owns every piece of it, so that a
 * response of thousands of entries and proofs is freed in one sweep
 * whatever path the call took.
 */

/* One read call being answered. */
typedef struct call {
    const query_env *env;
    store_txn *txn;
    protocol_reply r;
} call;

/* protocol_refuse() for the call's reply. */
#define refuse(c, ...) protocol_refuse(&(c)->r, __VA_ARGS__)

/* A hash or id as every liuhen output shows it: standard base64. */
static void b64_32(char out[TEXT_B64_LEN(32)], const uint8_t h[32])
{
    text_b64_encode(out, h, 32);
}
/* Bytes of a length-delimited field holding n bytes. */
static size_t field_size(uint32_t num, size_t n)
{
    return ENTRY_VARINT_SIZE((uint64_t)num << 3 | 2) + ENTRY_VARINT_SIZE((uint64_t)n) + n;
}

/* The packed size of the response once its result (field `num`) holds
 * `inner` bytes: what the frame limit is checked against while a result
 * grows, without packing it again and again. */
static size_t response_size(call *c, uint32_t num, size_t inner)
{
    Liuhen__Response bare = c->r.resp;
    bare.result_case = LIUHEN__RESPONSE__RESULT__NOT_SET;
    return liuhen__response__get_packed_size(&bare) + field_size(num, inner);
}

/* Copy proof_len hashes into the arena as a repeated bytes field. */
static int set_path(call *c, ProtobufCBinaryData **items, size_t *n,
                    uint8_t (*proof)[MERKLE_HASH_SIZE], size_t proof_len)
{
    *n = proof_len;
    *items = NULL;
    if (proof_len == 0)
        return 0;
    ProtobufCBinaryData *v = arena_alloc(&c->r.a, proof_len * sizeof *v);
    uint8_t *h = arena_alloc(&c->r.a, proof_len * MERKLE_HASH_SIZE);
    if (v == NULL || h == NULL)
        return LH_ENOMEM;
    memcpy(h, proof, proof_len * MERKLE_HASH_SIZE);
    for (size_t i = 0; i < proof_len; i++) {
        v[i].data = h + i * MERKLE_HASH_SIZE;
        v[i].len = MERKLE_HASH_SIZE;
    }
    *items = v;
    return 0;
}

/* The stored leaf hash of entry `index`, copied into the arena. */
static int leaf_hash_of(call *c, uint64_t index, ProtobufCBinaryData *out)
{
    uint8_t *h = arena_alloc(&c->r.a, MERKLE_HASH_SIZE);
    if (h == NULL)
        return LH_ENOMEM;
    uint64_t at = merkle_stored_index(0, index);
    int rc = store_read_hashes(c->txn, &at, 1, (uint8_t(*)[32])h);
    if (rc != 0)
        return rc;
    out->data = h;
    out->len = MERKLE_HASH_SIZE;
    return 0;
}

/* An inclusion proof message of leaf `index` in the tree of `size` leaves. */
static int build_inclusion(call *c, uint64_t index, uint64_t size, Liuhen__InclusionProof *p)
{
    liuhen__inclusion_proof__init(p);
    p->leaf_index = index;
    p->tree_size = size;
    int rc = leaf_hash_of(c, index, &p->leaf_hash);
    if (rc != 0)
        return rc;
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t proof_len;
    rc = merkle_inclusion_proof(proof, &proof_len, index, size, store_read_hashes, c->txn);
    if (rc != 0)
        return rc;
    return set_path(c, &p->audit_path, &p->n_audit_path, proof, proof_len);
}

/* The log's size and its latest checkpoint, both from this snapshot. */
static int log_size(call *c, uint64_t *size)
{
    return store_get_size(c->txn, size);
}

/* The latest checkpoint; LH_ENOTFOUND (already answered NOT_FOUND) when the
 * log has none, which only a store whose init never finished can show. */
/*
 * The checkpoint of `size` (UINT64_MAX: the latest) with every cosignature
 * kept for it, copied into the arena: what every call hands out.
 */
static int cosigned(call *c, uint64_t size, const uint8_t **note, size_t *len, uint64_t *size_out)
{
    const uint8_t *bare;
    size_t need;
    int rc = store_get_checkpoint(c->txn, size, &bare, &need, size_out);
    if (rc != 0)
        return rc;
    if (size == UINT64_MAX && size_out != NULL)
        size = *size_out;
    rc = store_get_cosigned(c->txn, size, NULL, 0, &need, NULL);
    if (rc != LH_ETOOBIG && rc != 0)
        return rc;
    uint8_t *buf = arena_alloc(&c->r.a, need);
    if (buf == NULL)
        return LH_ENOMEM;
    if ((rc = store_get_cosigned(c->txn, size, buf, need, len, NULL)) != 0)
        return rc;
    *note = buf;
    return 0;
}

static int latest_checkpoint(call *c, const uint8_t **note, size_t *len, uint64_t *size)
{
    int rc = cosigned(c, UINT64_MAX, note, len, size);
    if (rc == LH_ENOTFOUND)
        refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND,
               "%s: the log has no checkpoint yet (liuhend init writes the first)", c->r.name);
    return rc;
}

/* Attach the checkpoint of exactly `size` leaves when the log signed one;
 * see query.h for why a size between batches has none. */
static int attach_checkpoint_of(call *c, uint64_t size, ProtobufCBinaryData *field)
{
    const uint8_t *note;
    size_t len;
    int rc = cosigned(c, size, &note, &len, NULL);
    if (rc == LH_ENOTFOUND) {
        snprintf(c->r.msg, sizeof c->r.msg,
                 "no checkpoint was signed at tree size %" PRIu64
                 " (the log signs one per batch): the proof comes without one",
                 size);
        c->r.resp.message = c->r.msg;
        return 0;
    }
    if (rc != 0)
        return rc;
    field->data = (uint8_t *)note;
    field->len = len;
    return 0;
}

/* ------------------------------------------------------------------------
 * The calls
 */

static int do_get_checkpoint(call *c, const Liuhen__GetCheckpointRequest *rq)
{
    const uint8_t *note;
    size_t len;
    uint64_t size;
    int rc;
    if (rq->min_cosignatures > 0) {
        /* The largest checkpoint that many witnesses cosigned. */
        rc = store_latest_cosigned(c->txn, rq->min_cosignatures, &size);
        if (rc == LH_ENOTFOUND)
            return refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND,
                          "get_checkpoint: no checkpoint has %" PRIu32
                          " cosignatures yet (witnesses: liuhen status)",
                          rq->min_cosignatures);
        if (rc == 0)
            rc = cosigned(c, size, &note, &len, NULL);
    } else {
        rc = latest_checkpoint(c, &note, &len, &size);
        if (rc == LH_ENOTFOUND)
            return 0;
    }
    if (rc != 0)
        return rc;
    Liuhen__GetCheckpointResponse *r = arena_alloc(&c->r.a, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    liuhen__get_checkpoint_response__init(r);
    r->checkpoint.data = (uint8_t *)note;
    r->checkpoint.len = len;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT;
    c->r.resp.get_checkpoint = r;
    return 0;
}

/* Resolve the tree size a proof call asks for: 0 means the latest
 * checkpoint's size; anything else must not exceed the log's size. */
static int resolve_size(call *c, const char *field, uint64_t asked, uint64_t *size, bool *refused)
{
    *refused = false;
    uint64_t have;
    int rc = log_size(c, &have);
    if (rc != 0)
        return rc;
    if (asked == 0) {
        const uint8_t *note;
        size_t len;
        rc = latest_checkpoint(c, &note, &len, size);
        if (rc == LH_ENOTFOUND)
            *refused = true;
        return rc == LH_ENOTFOUND ? 0 : rc;
    }
    if (asked > have) {
        *refused = true;
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "%s.%s: tree_size %" PRIu64 " is beyond the log's size %" PRIu64, c->r.name,
                      field, asked, have);
    }
    *size = asked;
    return 0;
}

static int do_get_inclusion_proof(call *c, const Liuhen__GetInclusionProofRequest *rq)
{
    uint64_t index;
    char b64[TEXT_B64_LEN(32)];
    int rc;
    switch (rq->target_case) {
    case LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX: index = rq->leaf_index; break;
    case LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH:
        if (rq->leaf_hash.len != MERKLE_HASH_SIZE)
            return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                          "get_inclusion_proof.leaf_hash: %zu bytes, want a 32-byte leaf hash",
                          rq->leaf_hash.len);
        rc = store_find_leaf(c->txn, rq->leaf_hash.data, &index);
        if (rc == LH_ENOTFOUND) {
            b64_32(b64, rq->leaf_hash.data);
            return refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND,
                          "get_inclusion_proof.leaf_hash: no entry of the log has leaf hash %s",
                          b64);
        }
        if (rc != 0)
            return rc;
        break;
    case LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_ENTRY_ID:
        if (rq->entry_id.len != ENTRY_ID_BYTES)
            return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                          "get_inclusion_proof.entry_id: %zu bytes, want a 32-byte entry id",
                          rq->entry_id.len);
        rc = store_find_entry(c->txn, rq->entry_id.data, &index);
        if (rc == LH_ENOTFOUND) {
            b64_32(b64, rq->entry_id.data);
            return refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND,
                          "get_inclusion_proof.entry_id: no entry of the log has entry id %s", b64);
        }
        if (rc != 0)
            return rc;
        break;
    default:
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "get_inclusion_proof: set leaf_index, leaf_hash or entry_id");
    }
    uint64_t size;
    bool refused;
    if ((rc = resolve_size(c, "tree_size", rq->tree_size, &size, &refused)) != 0 || refused)
        return rc;
    if (index >= size) {
        /* With tree_size 0 the entry does not exist yet; with an explicit
         * size the request contradicts itself. */
        if (rq->tree_size == 0)
            return refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND,
                          "get_inclusion_proof.leaf_index: entry %" PRIu64
                          " does not exist: the latest checkpoint has %" PRIu64 " entries",
                          index, size);
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "get_inclusion_proof: entry %" PRIu64 " is not in a tree of size %" PRIu64
                      " (leaf_index must be below tree_size)",
                      index, size);
    }
    Liuhen__GetInclusionProofResponse *r = arena_alloc(&c->r.a, sizeof *r);
    Liuhen__InclusionProof *p = arena_alloc(&c->r.a, sizeof *p);
    if (r == NULL || p == NULL)
        return LH_ENOMEM;
    liuhen__get_inclusion_proof_response__init(r);
    if ((rc = build_inclusion(c, index, size, p)) != 0)
        return rc;
    r->proof = p;
    if ((rc = attach_checkpoint_of(c, size, &r->checkpoint)) != 0)
        return rc;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_GET_INCLUSION_PROOF;
    c->r.resp.get_inclusion_proof = r;
    return 0;
}

static int do_get_consistency_proof(call *c, const Liuhen__GetConsistencyProofRequest *rq)
{
    if (rq->first == 0)
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "get_consistency_proof.first: 0: every tree extends the empty tree; ask "
                      "from the size of a checkpoint you hold (first >= 1)");
    uint64_t second;
    bool refused;
    int rc = resolve_size(c, "second", rq->second, &second, &refused);
    if (rc != 0 || refused)
        return rc;
    if (rq->first > second)
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "get_consistency_proof.first: %" PRIu64 " is beyond second (%" PRIu64
                      "): a proof goes from an older tree to a newer one",
                      rq->first, second);
    Liuhen__GetConsistencyProofResponse *r = arena_alloc(&c->r.a, sizeof *r);
    Liuhen__ConsistencyProof *p = arena_alloc(&c->r.a, sizeof *p);
    if (r == NULL || p == NULL)
        return LH_ENOMEM;
    liuhen__get_consistency_proof_response__init(r);
    liuhen__consistency_proof__init(p);
    p->first = rq->first;
    p->second = second;
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t proof_len;
    rc = merkle_consistency_proof(proof, &proof_len, rq->first, second, store_read_hashes, c->txn);
    if (rc == 0)
        rc = set_path(c, &p->consistency, &p->n_consistency, proof, proof_len);
    if (rc != 0)
        return rc;
    r->proof = p;
    if ((rc = attach_checkpoint_of(c, second, &r->checkpoint)) != 0)
        return rc;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_GET_CONSISTENCY_PROOF;
    c->r.resp.get_consistency_proof = r;
    return 0;
}

static int do_get_entries(call *c, const Liuhen__GetEntriesRequest *rq)
{
    if (rq->count == 0)
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "get_entries.count: 0: ask for 1 to %d entries", QUERY_MAX_ENTRIES);
    uint64_t size;
    int rc = log_size(c, &size);
    if (rc != 0)
        return rc;
    if (rq->start >= size)
        return refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND,
                      "get_entries.start: entry %" PRIu64 " does not exist: the log has %" PRIu64
                      " entries",
                      rq->start, size);
    uint64_t want = rq->count < QUERY_MAX_ENTRIES ? rq->count : QUERY_MAX_ENTRIES;
    if (want > size - rq->start)
        want = size - rq->start;
    Liuhen__GetEntriesResponse *r = arena_alloc(&c->r.a, sizeof *r);
    Liuhen__LoggedEntry *items = arena_alloc(&c->r.a, (size_t)want * sizeof *items);
    Liuhen__LoggedEntry **ptrs = arena_alloc(&c->r.a, (size_t)want * sizeof *ptrs);
    if (r == NULL || items == NULL || ptrs == NULL)
        return LH_ENOMEM;
    liuhen__get_entries_response__init(r);
    size_t inner = 0, n = 0;
    for (; n < want; n++) {
        uint64_t index = rq->start + n;
        Liuhen__LoggedEntry *e = &items[n];
        liuhen__logged_entry__init(e);
        e->index = index;
        const uint8_t *leaf;
        size_t len;
        if ((rc = store_get_leaf(c->txn, index, &leaf, &len)) != 0)
            return rc;
        e->leaf.data = (uint8_t *)leaf;
        e->leaf.len = len;
        size_t item = field_size(1, liuhen__logged_entry__get_packed_size(e));
        /* Stop before the frame limit: the client asks again from the
         * next index (docs/design.md "The daemon": limits on frame size). */
        if (response_size(c, LIUHEN__RESPONSE__RESULT_GET_ENTRIES, inner + item) >
            c->env->max_frame)
            break;
        inner += item;
        ptrs[n] = e;
    }
    if (n == 0)
        return refuse(c, LIUHEN__STATUS__STATUS_TOO_LARGE,
                      "get_entries: entry %" PRIu64
                      " (%zu bytes) does not fit in a frame of %" PRIu32 " bytes",
                      rq->start, items[0].leaf.len, c->env->max_frame);
    r->n_entries = n;
    r->entries = ptrs;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_GET_ENTRIES;
    c->r.resp.get_entries = r;
    return 0;
}

/* A case id from a request: the rules of entry.h for case_id, so that a
 * case that could never hold an entry is named as a bad argument. */
static bool case_id_ok(call *c, const char *field, const char *id, bool required)
{
    size_t len = strlen(id);
    if (len == 0 && !required)
        return true;
    if (len == 0)
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: empty", c->r.name, field);
    else if (len > ENTRY_CASE_ID_MAX)
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s: %zu bytes, longer than the %d a case id may have", c->r.name, field, len,
               ENTRY_CASE_ID_MAX);
    else if (!text_utf8_valid((const uint8_t *)id, len))
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: not valid UTF-8", c->r.name,
               field);
    else if (text_has_control((const uint8_t *)id, len, false))
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: holds a control character",
               c->r.name, field);
    else
        return true;
    return false;
}

static int do_get_author_head(call *c, const Liuhen__GetAuthorHeadRequest *rq)
{
    if (rq->author_key.len != ENTRY_KEY_BYTES)
        return refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                      "get_author_head.author_key: %zu bytes, want a 32-byte Ed25519 public key",
                      rq->author_key.len);
    if (!case_id_ok(c, "case_id", rq->case_id, false))
        return 0;
    Liuhen__GetAuthorHeadResponse *r = arena_alloc(&c->r.a, sizeof *r);
    Liuhen__Heads *h = arena_alloc(&c->r.a, sizeof *h);
    accept_head *heads = arena_alloc(&c->r.a, 2 * sizeof *heads);
    if (r == NULL || h == NULL || heads == NULL)
        return LH_ENOMEM;
    liuhen__get_author_head_response__init(r);
    liuhen__heads__init(h);
    int rc = store_get_author(c->txn, rq->author_key.data, &heads[0]);
    if (rc != 0)
        return rc;
    /* A head is given only when there is one: an author or a case with no
     * entry has none, and its first entry names no predecessor. Heads are
     * entry ids (docs/design.md "Entries"). */
    h->author_seq = heads[0].count;
    if (h->author_seq > 0) {
        h->author_head.data = heads[0].id;
        h->author_head.len = ENTRY_ID_BYTES;
    }
    if (rq->case_id[0] != '\0') {
        rc = store_get_case(c->txn, rq->case_id, &heads[1]);
        if (rc != 0)
            return rc;
        h->case_length = heads[1].count;
        if (h->case_length > 0) {
            h->case_head.data = heads[1].id;
            h->case_head.len = ENTRY_ID_BYTES;
        }
    }
    r->heads = h;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_GET_AUTHOR_HEAD;
    c->r.resp.get_author_head = r;
    return 0;
}

/* The fewest bytes one entry of a GetCaseResponse takes: its LoggedEntry
 * (tag, length, a leaf of at least one byte with its tag and length: 5)
 * and its InclusionProof (tag, length, tree_size, and the 32-byte leaf
 * hash with its tag and length: 38), rounded down. */
#define CASE_ENTRY_MIN 40

static int do_get_case(call *c, const Liuhen__GetCaseRequest *rq)
{
    if (!case_id_ok(c, "case_id", rq->case_id, true))
        return 0;
    uint64_t *indexes = NULL;
    size_t count = 0;
    int rc = store_case_entries(c->txn, rq->case_id, &indexes, &count);
    if (rc != 0)
        return rc;
    if (count == 0)
        return refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND, "get_case: case %s has no entry",
                      rq->case_id);
    /* Each entry costs at least CASE_ENTRY_MIN bytes with its proof, so a
     * case with more entries than the frame can hold that many is refused
     * before anything is read or allocated for it. */
    if (count > c->env->max_frame / CASE_ENTRY_MIN) {
        rc = refuse(c, LIUHEN__STATUS__STATUS_TOO_LARGE,
                    "get_case: case %s has %zu entries; with their proofs they exceed the frame "
                    "limit of %" PRIu32 " bytes: fetch them with GetEntries (first entry %" PRIu64
                    ") and GetInclusionProof",
                    rq->case_id, count, c->env->max_frame, indexes[0]);
        free(indexes);
        return rc;
    }
    const uint8_t *note;
    size_t note_len;
    uint64_t size;
    Liuhen__GetCaseResponse *r = NULL;
    Liuhen__LoggedEntry *items = NULL, **eptrs = NULL;
    Liuhen__InclusionProof *proofs = NULL, **pptrs = NULL;
    if ((rc = latest_checkpoint(c, &note, &note_len, &size)) != 0) {
        rc = rc == LH_ENOTFOUND ? 0 : rc;
        goto out;
    }
    r = arena_alloc(&c->r.a, sizeof *r);
    items = arena_alloc(&c->r.a, count * sizeof *items);
    eptrs = arena_alloc(&c->r.a, count * sizeof *eptrs);
    proofs = arena_alloc(&c->r.a, count * sizeof *proofs);
    pptrs = arena_alloc(&c->r.a, count * sizeof *pptrs);
    if (r == NULL || items == NULL || eptrs == NULL || proofs == NULL || pptrs == NULL) {
        rc = LH_ENOMEM;
        goto out;
    }
    liuhen__get_case_response__init(r);
    r->checkpoint.data = (uint8_t *)note;
    r->checkpoint.len = note_len;
    size_t inner = field_size(3, note_len);
    for (size_t i = 0; i < count; i++) {
        /* The case index and the checkpoint are committed in the same
         * batch transaction, so every entry of the case is in the tree of
         * the latest checkpoint; anything else is a damaged store. */
        if (indexes[i] >= size) {
            rc = LH_ESTORE;
            goto out;
        }
        Liuhen__LoggedEntry *e = &items[i];
        liuhen__logged_entry__init(e);
        e->index = indexes[i];
        const uint8_t *leaf;
        size_t len;
        if ((rc = store_get_leaf(c->txn, indexes[i], &leaf, &len)) != 0)
            goto out;
        e->leaf.data = (uint8_t *)leaf;
        e->leaf.len = len;
        if ((rc = build_inclusion(c, indexes[i], size, &proofs[i])) != 0)
            goto out;
        inner += field_size(1, liuhen__logged_entry__get_packed_size(e)) +
                 field_size(2, liuhen__inclusion_proof__get_packed_size(&proofs[i]));
        /* A case is answered whole or not at all: a client checks that
         * its chain is complete, which a part could not show. */
        if (response_size(c, LIUHEN__RESPONSE__RESULT_GET_CASE, inner) > c->env->max_frame) {
            rc = refuse(c, LIUHEN__STATUS__STATUS_TOO_LARGE,
                        "get_case: case %s has %zu entries; with their proofs they exceed the "
                        "frame limit of %" PRIu32
                        " bytes: fetch them with GetEntries (first entry %" PRIu64
                        ") and GetInclusionProof",
                        rq->case_id, count, c->env->max_frame, indexes[0]);
            goto out;
        }
        eptrs[i] = e;
        pptrs[i] = &proofs[i];
    }
    r->n_entries = count;
    r->entries = eptrs;
    r->n_proofs = count;
    r->proofs = pptrs;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_GET_CASE;
    c->r.resp.get_case = r;
out:
    free(indexes);
    return rc;
}

static int do_get_keys(call *c, const keyring_key *keys, size_t nkeys)
{
    Liuhen__GetKeysResponse *r = arena_alloc(&c->r.a, sizeof *r);
    Liuhen__KeyInfo *infos = arena_alloc(&c->r.a, nkeys * sizeof *infos);
    Liuhen__KeyInfo **ptrs = arena_alloc(&c->r.a, nkeys * sizeof *ptrs);
    if (r == NULL || infos == NULL || ptrs == NULL)
        return LH_ENOMEM;
    liuhen__get_keys_response__init(r);
    for (size_t i = 0; i < nkeys; i++) {
        const keyring_key *k = &keys[i];
        Liuhen__KeyInfo *ki = &infos[i];
        liuhen__key_info__init(ki);
        ki->public_key.data = (uint8_t *)k->public_key;
        ki->public_key.len = sizeof k->public_key;
        ki->holder = (char *)k->holder;
        ki->position = (char *)k->position;
        ki->unit = (char *)k->unit;
        Liuhen__Role *roles = arena_alloc(&c->r.a, 32 * sizeof *roles);
        if (roles == NULL)
            return LH_ENOMEM;
        size_t nroles = 0;
        for (unsigned role = 1; role < 32; role++)
            if ((k->roles & ROLE_BIT(role)) != 0)
                roles[nroles++] = (Liuhen__Role)role;
        ki->roles = roles;
        ki->n_roles = nroles;
        ki->enrolled_index = k->enrolled_index;
        ki->enrolled_at = k->enrolled_at;
        ki->revoked = k->revoked;
        ki->revoked_index = k->revoked_index;
        ki->revoked_at = k->revoked_at;
        ki->revoke_reason = (char *)k->revoke_reason;
        ptrs[i] = ki;
    }
    r->n_keys = nkeys;
    r->keys = ptrs;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_GET_KEYS;
    c->r.resp.get_keys = r;
    return 0;
}

static int do_status(call *c, const query_status *fig)
{
    Liuhen__StatusResponse *r = arena_alloc(&c->r.a, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    liuhen__status_response__init(r);
    r->origin = (char *)(c->env->origin != NULL ? c->env->origin : "");
    r->log_vkey = (char *)(c->env->log_vkey != NULL ? c->env->log_vkey : "");
    int rc = log_size(c, &r->tree_size);
    if (rc != 0)
        return rc;
    const uint8_t *note;
    size_t len;
    uint64_t cp_size;
    rc = cosigned(c, UINT64_MAX, &note, &len, &cp_size);
    if (rc == 0) {
        r->checkpoint.data = (uint8_t *)note;
        r->checkpoint.len = len;
    } else if (rc != LH_ENOTFOUND) {
        return rc;
    }
    if (fig->nwitnesses > 0) {
        Liuhen__WitnessStatus *ws = arena_alloc(&c->r.a, fig->nwitnesses * sizeof *ws);
        Liuhen__WitnessStatus **wp = arena_alloc(&c->r.a, fig->nwitnesses * sizeof *wp);
        if (ws == NULL || wp == NULL)
            return LH_ENOMEM;
        for (size_t i = 0; i < fig->nwitnesses; i++) {
            const witnessing_state *f = &fig->witnesses[i];
            liuhen__witness_status__init(&ws[i]);
            ws[i].name = arena_dup(&c->r.a, f->name, strlen(f->name));
            ws[i].url = arena_dup(&c->r.a, f->url, strlen(f->url));
            ws[i].last_error = arena_dup(&c->r.a, f->last_error, strlen(f->last_error));
            if (ws[i].name == NULL || ws[i].url == NULL || ws[i].last_error == NULL)
                return LH_ENOMEM;
            ws[i].cosigned_size = f->cosigned ? f->cosigned_size : 0;
            ws[i].cosigned_at = f->cosigned ? f->cosigned_at : 0;
            ws[i].last_attempt_at = f->last_attempt_at;
            wp[i] = &ws[i];
        }
        r->n_witnesses = fig->nwitnesses;
        r->witnesses = wp;
    }
    r->min_cosignatures = fig->min_cosignatures;
    r->last_checkpoint_at = fig->last_checkpoint_at;
    r->last_publish_at = fig->last_publish_at;
    r->connections = fig->connections;
    r->appends_per_second = fig->appends_per_second;
    r->queue_depth = fig->queue_depth;
    r->started_at = fig->started_at;
    Liuhen__Metrics *m = arena_alloc(&c->r.a, sizeof *m);
    Liuhen__StatusCount *answers = arena_alloc(&c->r.a, METRICS_STATUSES * sizeof *answers);
    Liuhen__StatusCount **answer_ptrs =
        arena_alloc(&c->r.a, METRICS_STATUSES * sizeof *answer_ptrs);
    Liuhen__Histogram *hist = arena_alloc(&c->r.a, 3 * sizeof *hist);
    if (m == NULL || answers == NULL || answer_ptrs == NULL || hist == NULL)
        return LH_ENOMEM;
    liuhen__metrics__init(m);
    metrics_to_proto(&fig->metrics, m, answers, answer_ptrs, hist);
    m->store_bytes = fig->store_bytes;
    m->store_used_bytes = fig->store_used_bytes;
    r->metrics = m;
    c->r.resp.result_case = LIUHEN__RESPONSE__RESULT_SERVER_STATUS;
    c->r.resp.server_status = r;
    return 0;
}

int query_answer(const query_env *env, const Liuhen__Request *req, protocol_buf *out,
                 Liuhen__Status *status_out)
{
    Liuhen__Request__CallCase which = req->call_case;
    if (which == LIUHEN__REQUEST__CALL_APPEND || which == LIUHEN__REQUEST__CALL__NOT_SET ||
        protocol_call_is_slow(which))
        return LH_EINVAL;
    call c = {.env = env};
    protocol_reply_init(&c.r, req->id, which);

    /* Figures kept outside the store are copied before the read
     * transaction begins (see the top of this file). */
    keyring_key *keys = NULL;
    size_t nkeys = 0;
    query_status fig = {0};
    int rc = 0;
    bool unavailable = false;
    if (which == LIUHEN__REQUEST__CALL_GET_KEYS) {
        if (env->keys == NULL)
            unavailable = true;
        else
            rc = keyring_snapshot(env->keys, &keys, &nkeys);
    } else if (which == LIUHEN__REQUEST__CALL_SERVER_STATUS && env->status_fn != NULL) {
        env->status_fn(env->status_ctx, &fig);
    }

    if (rc == 0 && unavailable)
        refuse(&c, LIUHEN__STATUS__STATUS_UNAVAILABLE, "get_keys: the key state is not loaded");
    else if (rc == 0)
        rc = store_read_begin(env->store, &c.txn);
    if (rc == 0 && c.txn != NULL) {
        switch (which) {
        case LIUHEN__REQUEST__CALL_GET_CHECKPOINT:
            rc = do_get_checkpoint(&c, req->get_checkpoint);
            break;
        case LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF:
            rc = do_get_inclusion_proof(&c, req->get_inclusion_proof);
            break;
        case LIUHEN__REQUEST__CALL_GET_CONSISTENCY_PROOF:
            rc = do_get_consistency_proof(&c, req->get_consistency_proof);
            break;
        case LIUHEN__REQUEST__CALL_GET_ENTRIES: rc = do_get_entries(&c, req->get_entries); break;
        case LIUHEN__REQUEST__CALL_GET_AUTHOR_HEAD:
            rc = do_get_author_head(&c, req->get_author_head);
            break;
        case LIUHEN__REQUEST__CALL_GET_CASE: rc = do_get_case(&c, req->get_case); break;
        case LIUHEN__REQUEST__CALL_GET_KEYS: rc = do_get_keys(&c, keys, nkeys); break;
        case LIUHEN__REQUEST__CALL_SERVER_STATUS: rc = do_status(&c, &fig); break;
        default:
            refuse(&c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "unknown call %d", (int)which);
            break;
        }
    }
    bool too_large = false;
    size_t size = 0;
    int prc = protocol_reply_finish(&c.r, rc, out, env->max_frame, &too_large, &size);
    store_txn_end(c.txn);
    free(keys);
    Liuhen__Status st = protocol_reply_status(&c.r, too_large, size, env->max_frame);
    protocol_reply_free(&c.r);
    if (status_out != NULL)
        *status_out = st;
    return prc == 0 ? 0 : LH_ENOMEM;
}
