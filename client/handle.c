/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * handle.c — the handle (handle.h): connecting, the checkpoints it has
 * verified, the last one seen and its state file, and consistency with it
 * (docs/design.md "Merkle tree, checkpoints, receipts").
 */
#include "handle.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <sodium.h>

#include "receipt.h"
#include "statefile.h"
#include "text.h"
#include "wire.h"

_Static_assert(LH_HASH_SIZE == MERKLE_HASH_SIZE, "leaf hashes are Merkle hashes");
_Static_assert(LH_DEFAULT_MAX_FRAME == WIRE_DEFAULT_MAX_FRAME, "the daemon's frame limit");
_Static_assert(LH_NOTE_MAX == NOTE_MAX_SIZE, "the largest note");
_Static_assert(LH_MAX_PROOF == MERKLE_MAX_PROOF, "the longest audit path");
_Static_assert(LH_VKEY_MAX >= NOTE_VKEY_MAX + 1, "room for a verifier key");

/* Whether a string from the server may be handed to a caller who prints it. */
bool handle_text_ok(const char *s)
{
    if (s == NULL)
        return true;
    size_t len = strlen(s);
    return text_utf8_valid((const uint8_t *)s, len) &&
           !text_has_control((const uint8_t *)s, len, false);
}

/* ------------------------------------------------------------------------ */
/* Verified checkpoints kept by the handle. */

/* Set k to a copy of a verified checkpoint. @return 0, LH_ENOMEM. */
static int known_set(lh_checkpoint *k, uint64_t size, const uint8_t root[LH_HASH_SIZE],
                     const uint8_t *note, size_t note_len, unsigned ncos)
{
    uint8_t *copy = malloc(note_len);
    if (copy == NULL)
        return LH_ENOMEM;
    memcpy(copy, note, note_len);
    free(k->note);
    k->size = size;
    memcpy(k->root, root, LH_HASH_SIZE);
    k->note = copy;
    k->note_len = note_len;
    k->cosignatures = ncos;
    return 0;
}

/* Whether k holds exactly these note bytes. */
static bool known_is(const lh_checkpoint *k, const uint8_t *note, size_t note_len)
{
    return k->note != NULL && k->note_len == note_len && memcmp(k->note, note, note_len) == 0;
}

const lh_checkpoint *handle_known_find(const lh_conn *c, uint64_t size)
{
    if (c->have_seen && c->seen.size == size)
        return &c->seen;
    for (size_t i = 0; i < KNOWN_MAX; i++)
        if (c->known[i].note != NULL && c->known[i].size == size)
            return &c->known[i];
    return NULL;
}

/* Remember a checkpoint that was verified and found consistent: the same
 * note with more cosignatures replaces the one of its size. */
static int known_add(lh_conn *c, uint64_t size, const uint8_t root[LH_HASH_SIZE],
                     const uint8_t *note, size_t note_len, unsigned ncos)
{
    for (size_t i = 0; i < KNOWN_MAX; i++) {
        lh_checkpoint *k = &c->known[i];
        if (k->note != NULL && k->size == size)
            return ncos > k->cosignatures ? known_set(k, size, root, note, note_len, ncos) : 0;
    }
    int rc = known_set(&c->known[c->known_next], size, root, note, note_len, ncos);
    if (rc == 0)
        c->known_next = (c->known_next + 1) % KNOWN_MAX;
    return rc;
}

int handle_checkpoint_copy(lh_checkpoint *out, const lh_checkpoint *k)
{
    memset(out, 0, sizeof *out);
    return known_set(out, k->size, k->root, k->note, k->note_len, k->cosignatures);
}

int handle_open_note(const lh_conn *c, const uint8_t *note, size_t note_len, uint64_t *size,
                     uint8_t root[LH_HASH_SIZE], size_t *ncos, const char *what, lh_err *err)
{
    /* Bytes verified before verify again: the keys are the handle's own
     * for its whole life. Most answers carry a checkpoint already seen
     * (every receipt of one batch carries the batch's). */
    const lh_checkpoint *hit = NULL;
    if (c->have_seen && known_is(&c->seen, note, note_len))
        hit = &c->seen;
    for (size_t i = 0; hit == NULL && i < KNOWN_MAX; i++)
        if (known_is(&c->known[i], note, note_len))
            hit = &c->known[i];
    if (hit == NULL)
        return receipt_open_checkpoint(&c->keys, note, note_len, size, root, ncos, what, err);
    *size = hit->size;
    memcpy(root, hit->root, LH_HASH_SIZE);
    if (ncos != NULL)
        *ncos = hit->cosignatures;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* What the wire carries. */

/* Copy a list of hashes from the wire, checking each length and the count. */
int handle_take_hashes(const ProtobufCBinaryData *items, size_t n, uint8_t (**out)[LH_HASH_SIZE],
                       const char *field, const char *what, lh_err *err)
{
    *out = NULL;
    if (n > MERKLE_MAX_PROOF)
        return lh_err_set(err, LH_EPROTO, "%s: %s has %zu hashes, more than any proof (%d)", what,
                          field, n, MERKLE_MAX_PROOF);
    for (size_t i = 0; i < n; i++)
        if (items[i].len != LH_HASH_SIZE)
            return lh_err_set(err, LH_EPROTO, "%s: %s[%zu] is %zu bytes, not %d", what, field, i,
                              items[i].len, LH_HASH_SIZE);
    if (n == 0)
        return 0;
    uint8_t(*h)[LH_HASH_SIZE] = malloc(n * LH_HASH_SIZE);
    if (h == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    for (size_t i = 0; i < n; i++)
        memcpy(h[i], items[i].data, LH_HASH_SIZE);
    *out = h;
    return 0;
}

/*
 * Ask for the consistency proof from first to second (0: to the latest).
 * On 0, *out is an OK response (the caller frees it) and *p its proof, from
 * first to what was asked for. *status is the server's answer whenever
 * there was one, STATUS_OK otherwise.
 */
int handle_consistency_fetch(lh_conn *c, uint64_t first, uint64_t second, Liuhen__Response **out,
                             const Liuhen__ConsistencyProof **p, Liuhen__Status *status,
                             int64_t deadline, const char *what, lh_err *err)
{
    Liuhen__GetConsistencyProofRequest q = LIUHEN__GET_CONSISTENCY_PROOF_REQUEST__INIT;
    q.first = first;
    q.second = second;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CONSISTENCY_PROOF;
    req.get_consistency_proof = &q;

    *status = LIUHEN__STATUS__STATUS_OK;
    Liuhen__Response *r;
    int rc = conn_call(&c->t, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    *status = r->status;
    rc = conn_expect(r, LIUHEN__RESPONSE__RESULT_GET_CONSISTENCY_PROOF, "consistency proof", what,
                     err);
    if (rc == 0 && (*p = r->get_consistency_proof->proof) == NULL)
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no consistency proof", what);
    else if (rc == 0 && ((*p)->first != first || (second != 0 && (*p)->second != second) ||
                         (*p)->second < first))
        rc = lh_err_set(err, LH_EPROTO,
                        "%s: the proof is from %" PRIu64 " to %" PRIu64 ", not what was asked for",
                        what, (*p)->first, (*p)->second);
    if (rc != 0) {
        liuhen__response__free_unpacked(r, NULL);
        return rc;
    }
    *out = r;
    return 0;
}

/* Ask for an inclusion proof, of a leaf by index, leaf hash or entry id. */
int handle_inclusion_fetch(lh_conn *c, const handle_target *t, uint64_t tree_size,
                           Liuhen__Response **out, int64_t deadline, const char *what, lh_err *err)
{
    Liuhen__GetInclusionProofRequest q = LIUHEN__GET_INCLUSION_PROOF_REQUEST__INIT;
    q.target_case = t->by;
    if (t->by == LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH)
        q.leaf_hash = (ProtobufCBinaryData){LH_HASH_SIZE, (uint8_t *)(uintptr_t)t->hash};
    else if (t->by == LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_ENTRY_ID)
        q.entry_id = (ProtobufCBinaryData){LH_HASH_SIZE, (uint8_t *)(uintptr_t)t->hash};
    else
        q.leaf_index = t->index;
    q.tree_size = tree_size;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF;
    req.get_inclusion_proof = &q;
    return conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_INCLUSION_PROOF, "inclusion proof",
                      out, deadline, what, err);
}

/* ------------------------------------------------------------------------ */
/* Consistency with the last checkpoint seen. */

/*
 * Fetch the consistency proof between two sizes, both named exactly. When
 * the server answers with a status, *status says which.
 */
static int fetch_consistency(lh_conn *c, uint64_t first, uint64_t second,
                             uint8_t proof[MERKLE_MAX_PROOF][LH_HASH_SIZE], size_t *proof_len,
                             Liuhen__Status *status, int64_t deadline, const char *what,
                             lh_err *err)
{
    Liuhen__Response *r;
    const Liuhen__ConsistencyProof *p;
    int rc = handle_consistency_fetch(c, first, second, &r, &p, status, deadline, what, err);
    if (rc != 0)
        return rc;
    uint8_t(*h)[LH_HASH_SIZE];
    rc = handle_take_hashes(p->consistency, p->n_consistency, &h, "consistency", what, err);
    if (rc == 0) {
        *proof_len = p->n_consistency;
        if (h != NULL)
            memcpy(proof, h, p->n_consistency * LH_HASH_SIZE);
        free(h);
    }
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}
/*
 * Check that a new checkpoint (n_size, n_root) and one seen before (m_size,
 * m_root) are one history: equal when of equal size, otherwise the smaller a
 * prefix of the larger, by a consistency proof fetched from the log. A log
 * that signed both but cannot prove them consistent has forked.
 */
static int check_consistent(lh_conn *c, uint64_t n_size, const uint8_t n_root[LH_HASH_SIZE],
                            uint64_t m_size, const uint8_t m_root[LH_HASH_SIZE], int64_t deadline,
                            const char *what, lh_err *err)
{
    if (n_size == m_size) {
        if (memcmp(n_root, m_root, LH_HASH_SIZE) != 0)
            return lh_err_set(err, LH_EFORK,
                              "%s: log fork: checkpoint of size %" PRIu64
                              " is inconsistent with the checkpoint of size %" PRIu64
                              " seen before (same size, different root)",
                              what, n_size, m_size);
        return 0;
    }
    uint64_t lo = n_size < m_size ? n_size : m_size;
    uint64_t hi = n_size < m_size ? m_size : n_size;
    const uint8_t *lo_root = n_size < m_size ? n_root : m_root;
    const uint8_t *hi_root = n_size < m_size ? m_root : n_root;

    uint8_t proof[MERKLE_MAX_PROOF][LH_HASH_SIZE];
    size_t proof_len = 0;
    /* From size 0 there is nothing to fetch: every tree extends the empty
     * one, whose root must then be SHA-256(""). A proof that came with
     * the answer (an append's, handle_offer_consistency()) saves the
     * round trip when it is between these two sizes. */
    if (lo > 0 && c->offered.set && c->offered.first == lo && c->offered.second == hi) {
        proof_len = c->offered.len;
        memcpy(proof, c->offered.hashes, proof_len * LH_HASH_SIZE);
    } else if (lo > 0) {
        Liuhen__Status status;
        lh_err e = {{0}};
        int rc = fetch_consistency(c, lo, hi, proof, &proof_len, &status, deadline, what, &e);
        if (rc != 0) {
            /* A log that refuses to prove two of its own checkpoints
             * consistent is forked or rolled back, unless it is merely
             * unavailable for now. */
            if (status != LIUHEN__STATUS__STATUS_OK &&
                status != LIUHEN__STATUS__STATUS_UNAVAILABLE &&
                status != LIUHEN__STATUS__STATUS_INTERNAL)
                return lh_err_set(err, LH_EFORK,
                                  "%s: log fork: the log cannot prove its checkpoint of size "
                                  "%" PRIu64 " consistent with the checkpoint of size %" PRIu64
                                  " seen before (%s)",
                                  what, n_size, m_size, e.msg);
            return lh_err_set(err, rc, "%s", e.msg);
        }
    }
    if (merkle_verify_consistency(proof[0], proof_len, lo, hi, lo_root, hi_root) != 0)
        return lh_err_set(err, LH_EFORK,
                          "%s: log fork: checkpoint of size %" PRIu64
                          " is inconsistent with the checkpoint of size %" PRIu64 " seen before",
                          what, n_size, m_size);
    return 0;
}

void handle_offer_consistency(lh_conn *c, const Liuhen__ConsistencyProof *p)
{
    c->offered.set = false;
    if (p == NULL || p->n_consistency > MERKLE_MAX_PROOF || p->first == 0 || p->first >= p->second)
        return;
    for (size_t i = 0; i < p->n_consistency; i++) {
        if (p->consistency[i].len != LH_HASH_SIZE)
            return;
        memcpy(c->offered.hashes[i], p->consistency[i].data, LH_HASH_SIZE);
    }
    c->offered.first = p->first;
    c->offered.second = p->second;
    c->offered.len = p->n_consistency;
    c->offered.set = true;
}

/*
 * Bring the handle up to date with the state file, which another handle may
 * have advanced: a checkpoint there must verify, and be consistent with what
 * this handle saw; the larger of the two becomes the last seen.
 */
static int state_refresh(lh_conn *c, int64_t deadline, const char *what, lh_err *err)
{
    uint8_t *note;
    size_t len;
    int rc = statefile_read(c->state_path, &note, &len, err);
    if (rc == -ENOENT)
        return 0;
    if (rc != 0)
        return rc;
    char ctx[WHAT_MAX + 64];
    snprintf(ctx, sizeof ctx, "%s: state file %s", what, c->state_path);
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    size_t ncos = 0;
    rc = handle_open_note(c, note, len, &size, root, &ncos, ctx, err);
    if (rc == 0 && c->have_seen) {
        if (size == c->seen.size && memcmp(root, c->seen.root, LH_HASH_SIZE) == 0) {
            free(note);
            return 0;
        }
        rc = check_consistent(c, size, root, c->seen.size, c->seen.root, deadline, ctx, err);
    }
    if (rc == 0 && (!c->have_seen || size > c->seen.size)) {
        rc = known_set(&c->seen, size, root, note, len, (unsigned)ncos);
        if (rc == 0) {
            c->have_seen = true;
            c->seen_witnessed = ncos >= c->min_cosig;
        } else
            lh_err_set(err, rc, "%s: out of memory", ctx);
    }
    if (rc == 0 && known_add(c, size, root, note, len, (unsigned)ncos) != 0)
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", ctx);
    free(note);
    return rc;
}

/*
 * Accept a verified checkpoint: consistent with the last one seen (a fork
 * otherwise), never smaller than it when it claims to be the log's latest,
 * then remembered, and saved when it is the largest yet. *state_failed is
 * set when only the state file could not be written.
 */
int handle_seen_accept(lh_conn *c, const uint8_t *note, size_t note_len, uint64_t size,
                       const uint8_t root[LH_HASH_SIZE], bool latest, unsigned ncos,
                       bool *state_failed, int64_t deadline, const char *what, lh_err *err)
{
    if (state_failed != NULL)
        *state_failed = false;
    bool witnessed = ncos >= c->min_cosig;
    /* The checkpoint last seen, again (every receipt of a batch carries
     * it): nothing to check, remember or save, unless a state file shared
     * with other handles may have moved on meanwhile. */
    if (c->state_path == NULL && c->have_seen && size == c->seen.size &&
        ncos <= c->seen.cosignatures && (c->seen_witnessed || !witnessed) &&
        memcmp(root, c->seen.root, LH_HASH_SIZE) == 0)
        return 0;
    bool had = c->have_seen && c->seen_witnessed;
    uint64_t own = c->seen.size;
    int rc;
    if (c->state_path != NULL && (rc = state_refresh(c, deadline, what, err)) != 0)
        return rc;
    /* The log's latest tree never shrinks; a smaller one is a rollback. The
     * comparison is with what this handle saw itself: a checkpoint another
     * process saved meanwhile may be newer than the answer it raced with.
     * With a witness policy, "latest" means the latest cosigned, which a
     * view saved without the policy may be ahead of: then only consistency
     * counts. */
    if (latest && had && size < own)
        return lh_err_set(err, LH_EFORK,
                          "%s: log fork: the latest checkpoint has size %" PRIu64
                          ", smaller than the checkpoint of size %" PRIu64 " seen before",
                          what, size, own);
    if (c->have_seen && (rc = check_consistent(c, size, root, c->seen.size, c->seen.root, deadline,
                                               what, err)) != 0)
        return rc;
    if (known_add(c, size, root, note, note_len, ncos) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    if (!witnessed || (c->have_seen && size <= c->seen.size))
        return 0;
    if (known_set(&c->seen, size, root, note, note_len, ncos) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    c->have_seen = true;
    c->seen_witnessed = true;
    if (c->state_path != NULL) {
        lh_err e = {{0}};
        rc = statefile_write(c->state_path, c->seen.note, c->seen.note_len, &e);
        if (rc != 0) {
            if (state_failed != NULL)
                *state_failed = true;
            return lh_err_set(err, rc, "%s: %s", what, e.msg);
        }
    }
    return 0;
}

/*
 * Open a checkpoint note from the server, check its size when one is
 * expected (UINT64_MAX: any), accept it, and copy it to out (may be NULL).
 */
int handle_accept_note(lh_conn *c, const ProtobufCBinaryData *note, uint64_t want_size, bool latest,
                       lh_checkpoint *out, int64_t deadline, const char *what, lh_err *err)
{
    if (note->len == 0)
        return lh_err_set(err, LH_EPROTO, "%s: the response carries no checkpoint", what);
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    size_t ncos = 0;
    int rc = handle_open_note(c, note->data, note->len, &size, root, &ncos, what, err);
    if (rc != 0)
        return rc;
    if (want_size != UINT64_MAX && size != want_size)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the checkpoint has size %" PRIu64 ", the proof is for size %" PRIu64,
                          what, size, want_size);
    rc = handle_seen_accept(c, note->data, note->len, size, root, latest, (unsigned)ncos, NULL,
                            deadline, what, err);
    if (rc != 0 || out == NULL)
        return rc;
    memset(out, 0, sizeof *out);
    if (known_set(out, size, root, note->data, note->len, (unsigned)ncos) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Connecting. */

/* The witnesses whose cosignatures count (lh_options). */
static int parse_witnesses(lh_conn *c, const lh_options *opts, lh_err *err)
{
    c->keys.log = &c->log_key;
    c->keys.witnesses = c->witnesses;
    if (opts->nwitness_vkeys > CHECKPOINT_WITNESS_MAX ||
        (opts->nwitness_vkeys > 0 && opts->witness_vkeys == NULL))
        return lh_err_set(err, LH_EINVAL, "connect: give at most %d witness keys",
                          CHECKPOINT_WITNESS_MAX);
    if (opts->min_cosignatures > opts->nwitness_vkeys)
        return lh_err_set(err, LH_EINVAL,
                          "connect: min_cosignatures %u, but only %zu witness keys given",
                          opts->min_cosignatures, opts->nwitness_vkeys);
    for (size_t i = 0; i < opts->nwitness_vkeys; i++) {
        const char *v = opts->witness_vkeys[i];
        lh_err e = {{0}};
        int rc = v == NULL ? LH_EINVAL : note_vkey_parse(v, strlen(v), &c->witnesses[i], &e);
        if (rc != 0)
            return lh_err_set(err, rc, "connect: witness key %zu: %s", i + 1,
                              v == NULL ? "NULL" : e.msg);
        if (c->witnesses[i].keyid == c->log_key.keyid &&
            strcmp(c->witnesses[i].name, c->log_key.name) == 0)
            return lh_err_set(err, LH_EINVAL, "connect: witness key %zu is the log's own key",
                              i + 1);
        for (size_t j = 0; j < i; j++)
            if (c->witnesses[j].keyid == c->witnesses[i].keyid &&
                strcmp(c->witnesses[j].name, c->witnesses[i].name) == 0)
                return lh_err_set(err, LH_EINVAL, "connect: witness key %s is given twice",
                                  c->witnesses[i].name);
    }
    c->keys.nwitnesses = opts->nwitness_vkeys;
    c->min_cosig = opts->min_cosignatures;
    return 0;
}

int lh_connect(const lh_options *opts, lh_conn **out, lh_err *err)
{
    if (out == NULL || opts == NULL)
        return lh_err_set(err, LH_EINVAL, "connect: NULL argument");
    *out = NULL;
    if (opts->socket_path == NULL || opts->socket_path[0] == '\0')
        return lh_err_set(err, LH_EINVAL, "connect: no socket path");
    struct sockaddr_un sa;
    if (strlen(opts->socket_path) >= sizeof sa.sun_path)
        return lh_err_set(err, LH_EINVAL, "connect %s: the socket path is longer than %zu bytes",
                          opts->socket_path, sizeof sa.sun_path - 1);
    if (opts->log_vkey == NULL)
        return lh_err_set(err, LH_EINVAL,
                          "connect %s: no log_vkey: every checkpoint is verified with the log's "
                          "key",
                          opts->socket_path);
    if (opts->timeout_ms > LH_MAX_TIMEOUT_MS)
        return lh_err_set(err, LH_EINVAL, "connect %s: timeout of %u ms, more than %u",
                          opts->socket_path, opts->timeout_ms, LH_MAX_TIMEOUT_MS);
    if (sodium_init() < 0)
        return lh_err_set(err, LH_EINTERNAL, "connect: libsodium cannot be initialised");

    lh_conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return lh_err_set(err, LH_ENOMEM, "connect: out of memory");
    int rc = conn_init(&c->t, opts->socket_path,
                       opts->max_frame != 0 ? opts->max_frame : LH_DEFAULT_MAX_FRAME,
                       opts->timeout_ms != 0 ? opts->timeout_ms : LH_DEFAULT_TIMEOUT_MS);
    int64_t deadline = conn_deadline(&c->t);

    if (rc == 0)
        rc = heads_new(&c->heads);
    if (rc != 0) {
        lh_err_set(err, rc, "connect: out of memory");
    } else {
        lh_err e = {{0}};
        rc = note_vkey_parse_type(opts->log_vkey, strlen(opts->log_vkey), NOTE_TYPE_ED25519,
                                  &c->log_key, &e);
        if (rc != 0)
            lh_err_set(err, rc, "connect: log key: %s", e.msg);
    }
    if (rc == 0)
        rc = parse_witnesses(c, opts, err);
    if (rc == 0 && opts->state_file != NULL && (c->state_path = strdup(opts->state_file)) == NULL)
        rc = lh_err_set(err, LH_ENOMEM, "connect: out of memory");
    /* The state file is read before connecting: a damaged one is refused
     * whether or not the server is up. No handle has seen anything yet, so
     * this sends nothing. */
    if (rc == 0 && c->state_path != NULL)
        rc = state_refresh(c, deadline, "connect", err);
    if (rc == 0)
        rc = conn_dial(&c->t, deadline, err);
    if (rc != 0) {
        lh_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

void lh_close(lh_conn *c)
{
    if (c == NULL)
        return;
    conn_close(&c->t);
    free(c->state_path);
    lh_checkpoint_free(&c->seen);
    for (size_t i = 0; i < KNOWN_MAX; i++)
        lh_checkpoint_free(&c->known[i]);
    heads_free(c->heads);
    free(c);
}

const char *lh_origin(const lh_conn *c)
{
    return c != NULL ? c->log_key.name : "";
}

void lh_checkpoint_free(lh_checkpoint *cp)
{
    if (cp == NULL)
        return;
    free(cp->note);
    memset(cp, 0, sizeof *cp);
}

int lh_seen_checkpoint(const lh_conn *c, lh_checkpoint *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "seen checkpoint: NULL argument");
    if (!c->have_seen)
        return lh_err_set(err, LH_ENOTFOUND, "seen checkpoint: no checkpoint of %s seen yet",
                          c->log_key.name);
    if (handle_checkpoint_copy(out, &c->seen) != 0)
        return lh_err_set(err, LH_ENOMEM, "seen checkpoint: out of memory");
    return 0;
}

/* Fetch, verify and accept the latest checkpoint. */
int handle_get_latest(lh_conn *c, lh_checkpoint *out, int64_t deadline, const char *what,
                      lh_err *err)
{
    Liuhen__GetCheckpointRequest q = LIUHEN__GET_CHECKPOINT_REQUEST__INIT;
    q.min_cosignatures = c->min_cosig;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CHECKPOINT;
    req.get_checkpoint = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT, "checkpoint", &r,
                        deadline, what, err);
    if (rc != 0)
        return rc;
    lh_checkpoint got = {0};
    lh_checkpoint *dst = out != NULL ? out : &got;
    rc = handle_accept_note(c, &r->get_checkpoint->checkpoint, UINT64_MAX, true, dst, deadline,
                            what, err);
    liuhen__response__free_unpacked(r, NULL);
    if (rc == 0 && dst->cosignatures < c->min_cosig) {
        rc = lh_err_set(err, LH_ENOKEY,
                        "%s: the checkpoint of size %" PRIu64 " has %u valid cosignatures of "
                        "the witnesses given, fewer than the %u required",
                        what, dst->size, dst->cosignatures, c->min_cosig);
        lh_checkpoint_free(dst);
    }
    lh_checkpoint_free(&got);
    return rc;
}

int lh_get_checkpoint(lh_conn *c, lh_checkpoint *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "checkpoint: NULL argument");
    return handle_get_latest(c, out, conn_deadline(&c->t), "checkpoint", err);
}
