/*
 * liuhen.c — the client API (liuhen.h): the checkpoints a handle has
 * verified, the last one seen and its state file, and the verification of
 * every answer against the log key (DESIGN.md "Merkle tree, checkpoints,
 * receipts"). Requests go over conn.h (framing, deadlines, ids); the state
 * file is read and written by statefile.h; receipts are checked offline and
 * written as JSON by receipt.h.
 *
 * Everything the server sends is suspect until verified: a checkpoint until
 * it opens with the log key and is consistent with the last one seen, a proof
 * until it hashes to a signed root, an entry until its signature verifies.
 */
#include "liuhen.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "calendar.h"
#include "checkpoint.h"
#include "conn.h"
#include "entry.h"
#include "fileio.h"
#include "heads.h"
#include "merkle.h"
#include "quote.h"
#include "receipt.h"
#include "statefile.h"
#include "text.h"
#include "tile.h"
#include "wire.h"

_Static_assert(LH_HASH_SIZE == MERKLE_HASH_SIZE, "leaf hashes are Merkle hashes");
_Static_assert(LH_HASH_SIZE == ENTRY_HASH_BYTES, "leaf hashes are entry hashes");
_Static_assert(LH_HASH_SIZE == CHECKPOINT_HASH_LEN, "roots are Merkle hashes");

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
    char *state_path;      /* NULL: no state file */
    bool have_seen;
    lh_checkpoint seen;             /* the largest checkpoint accepted */
    lh_checkpoint known[KNOWN_MAX]; /* other verified checkpoints, a ring */
    size_t known_next;
    heads *heads; /* the chain heads this handle's appends left */
};

/* Whether a string from the server may be handed to a caller who prints it. */
static bool text_ok(const char *s)
{
    if (s == NULL)
        return true;
    size_t len = strlen(s);
    return text_utf8_valid((const uint8_t *)s, len) &&
           !text_has_control((const uint8_t *)s, len, false);
}

/* ------------------------------------------------------------------------ */
/* Verified checkpoints kept by the handle. */

static int known_set(lh_checkpoint *k, uint64_t size, const uint8_t root[LH_HASH_SIZE],
                     const uint8_t *note, size_t note_len)
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
    return 0;
}

static const lh_checkpoint *known_find(const lh_conn *c, uint64_t size)
{
    if (c->have_seen && c->seen.size == size)
        return &c->seen;
    for (size_t i = 0; i < KNOWN_MAX; i++)
        if (c->known[i].note != NULL && c->known[i].size == size)
            return &c->known[i];
    return NULL;
}

/* Remember a checkpoint that was verified and found consistent. */
static int known_add(lh_conn *c, uint64_t size, const uint8_t root[LH_HASH_SIZE],
                     const uint8_t *note, size_t note_len)
{
    for (size_t i = 0; i < KNOWN_MAX; i++)
        if (c->known[i].note != NULL && c->known[i].size == size)
            return 0;
    int rc = known_set(&c->known[c->known_next], size, root, note, note_len);
    if (rc == 0)
        c->known_next = (c->known_next + 1) % KNOWN_MAX;
    return rc;
}

static int checkpoint_copy(lh_checkpoint *out, const lh_checkpoint *k)
{
    memset(out, 0, sizeof *out);
    return known_set(out, k->size, k->root, k->note, k->note_len);
}

/* ------------------------------------------------------------------------ */
/* What the wire carries. */

/* Copy a list of hashes from the wire, checking each length and the count. */
static int take_hashes(const ProtobufCBinaryData *items, size_t n, uint8_t (**out)[LH_HASH_SIZE],
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
static int consistency_fetch(lh_conn *c, uint64_t first, uint64_t second, Liuhen__Response **out,
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

/* Ask for an inclusion proof, of a leaf by index or by hash. */
/* What an inclusion proof is asked for: an index, a leaf hash or an entry id. */
typedef struct proof_target {
    Liuhen__GetInclusionProofRequest__TargetCase by;
    uint64_t index;
    const uint8_t *hash; /* the leaf hash or the entry id, 32 bytes */
} proof_target;

static int inclusion_fetch(lh_conn *c, const proof_target *t, uint64_t tree_size,
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
    int rc = consistency_fetch(c, first, second, &r, &p, status, deadline, what, err);
    if (rc != 0)
        return rc;
    uint8_t(*h)[LH_HASH_SIZE];
    rc = take_hashes(p->consistency, p->n_consistency, &h, "consistency", what, err);
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
     * one, whose root must then be SHA-256(""). */
    if (lo > 0) {
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
    rc = receipt_open_checkpoint(&c->log_key, note, len, &size, root, ctx, err);
    if (rc == 0 && c->have_seen) {
        if (size == c->seen.size && memcmp(root, c->seen.root, LH_HASH_SIZE) == 0) {
            free(note);
            return 0;
        }
        rc = check_consistent(c, size, root, c->seen.size, c->seen.root, deadline, ctx, err);
    }
    if (rc == 0 && (!c->have_seen || size > c->seen.size)) {
        rc = known_set(&c->seen, size, root, note, len);
        if (rc == 0)
            c->have_seen = true;
        else
            lh_err_set(err, rc, "%s: out of memory", ctx);
    }
    if (rc == 0 && known_add(c, size, root, note, len) != 0)
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
static int seen_accept(lh_conn *c, const uint8_t *note, size_t note_len, uint64_t size,
                       const uint8_t root[LH_HASH_SIZE], bool latest, bool *state_failed,
                       int64_t deadline, const char *what, lh_err *err)
{
    if (state_failed != NULL)
        *state_failed = false;
    bool had = c->have_seen;
    uint64_t own = c->seen.size;
    int rc;
    if (c->state_path != NULL && (rc = state_refresh(c, deadline, what, err)) != 0)
        return rc;
    /* The log's latest tree never shrinks; a smaller one is a rollback. The
     * comparison is with what this handle saw itself: a checkpoint another
     * process saved meanwhile may be newer than the answer it raced with. */
    if (latest && had && size < own)
        return lh_err_set(err, LH_EFORK,
                          "%s: log fork: the latest checkpoint has size %" PRIu64
                          ", smaller than the checkpoint of size %" PRIu64 " seen before",
                          what, size, own);
    if (c->have_seen && (rc = check_consistent(c, size, root, c->seen.size, c->seen.root, deadline,
                                               what, err)) != 0)
        return rc;
    if (known_add(c, size, root, note, note_len) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    if (c->have_seen && size <= c->seen.size)
        return 0;
    if (known_set(&c->seen, size, root, note, note_len) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    c->have_seen = true;
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
static int accept_note(lh_conn *c, const ProtobufCBinaryData *note, uint64_t want_size, bool latest,
                       lh_checkpoint *out, int64_t deadline, const char *what, lh_err *err)
{
    if (note->len == 0)
        return lh_err_set(err, LH_EPROTO, "%s: the response carries no checkpoint", what);
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    int rc = receipt_open_checkpoint(&c->log_key, note->data, note->len, &size, root, what, err);
    if (rc != 0)
        return rc;
    if (want_size != UINT64_MAX && size != want_size)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the checkpoint has size %" PRIu64 ", the proof is for size %" PRIu64,
                          what, size, want_size);
    rc = seen_accept(c, note->data, note->len, size, root, latest, NULL, deadline, what, err);
    if (rc != 0 || out == NULL)
        return rc;
    memset(out, 0, sizeof *out);
    if (known_set(out, size, root, note->data, note->len) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Connecting. */

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
    if ((opts->log_vkey == NULL) == (opts->log_key == NULL))
        return lh_err_set(err, LH_EINVAL,
                          "connect %s: exactly one of log_vkey and log_key is required: every "
                          "checkpoint is verified with it",
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
                       opts->max_frame != 0 ? opts->max_frame : WIRE_DEFAULT_MAX_FRAME,
                       opts->timeout_ms != 0 ? opts->timeout_ms : LH_DEFAULT_TIMEOUT_MS);
    int64_t deadline = conn_deadline(&c->t);

    if (rc == 0)
        rc = heads_new(&c->heads);
    if (rc != 0) {
        lh_err_set(err, rc, "connect: out of memory");
    } else if (opts->log_vkey != NULL) {
        lh_err e = {{0}};
        rc = note_vkey_parse(opts->log_vkey, strlen(opts->log_vkey), &c->log_key, &e);
        if (rc != 0)
            lh_err_set(err, rc, "connect: log key: %s", e.msg);
    } else {
        c->log_key = *opts->log_key;
        /* A verifier built by hand must still be self-consistent. */
        size_t nlen = strnlen(c->log_key.name, sizeof c->log_key.name);
        if (nlen > NOTE_NAME_MAX || !note_name_valid(c->log_key.name, nlen) ||
            note_keyid(c->log_key.name, nlen, c->log_key.type, c->log_key.pubkey) !=
                c->log_key.keyid)
            rc = lh_err_set(err, LH_EINVAL,
                            "connect: the log key is not a valid verifier (name or key id)");
    }
    if (rc == 0 && c->log_key.type != NOTE_TYPE_ED25519)
        rc = lh_err_set(err, LH_EINVAL, "connect: the log key %s is not an Ed25519 (0x01) key",
                        c->log_key.name);
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
    if (checkpoint_copy(out, &c->seen) != 0)
        return lh_err_set(err, LH_ENOMEM, "seen checkpoint: out of memory");
    return 0;
}

/* Fetch, verify and accept the latest checkpoint. */
static int get_latest(lh_conn *c, lh_checkpoint *out, int64_t deadline, const char *what,
                      lh_err *err)
{
    Liuhen__GetCheckpointRequest q = LIUHEN__GET_CHECKPOINT_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CHECKPOINT;
    req.get_checkpoint = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT, "checkpoint", &r,
                        deadline, what, err);
    if (rc != 0)
        return rc;
    rc = accept_note(c, &r->get_checkpoint->checkpoint, UINT64_MAX, true, out, deadline, what, err);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

int lh_get_checkpoint(lh_conn *c, lh_checkpoint *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "checkpoint: NULL argument");
    return get_latest(c, out, conn_deadline(&c->t), "checkpoint", err);
}

/* ------------------------------------------------------------------------ */
/* Appends and their receipts. */

/* Free everything of a receipt but the signed entry (lh_append()'s rule). */
static void receipt_clear_keep_entry(lh_receipt *r)
{
    uint8_t *se = r->signed_entry;
    size_t len = r->signed_entry_len;
    r->signed_entry = NULL;
    lh_receipt_free(r);
    r->signed_entry = se;
    r->signed_entry_len = len;
}

/* Fill a receipt's fields from the wire, checking their shape. */
static int receipt_from_pb(const Liuhen__Receipt *pb, lh_receipt *out, const char *what,
                           lh_err *err)
{
    const Liuhen__InclusionProof *inc = pb->inclusion;
    if (pb->leaf_hash.len != LH_HASH_SIZE)
        return lh_err_set(err, LH_EPROTO, "%s: the receipt's leaf hash is %zu bytes, not %d", what,
                          pb->leaf_hash.len, LH_HASH_SIZE);
    if (pb->checkpoint.len == 0)
        return lh_err_set(err, LH_EPROTO, "%s: the receipt carries no checkpoint", what);
    if (inc == NULL)
        return lh_err_set(err, LH_EPROTO, "%s: the receipt carries no inclusion proof", what);
    if (inc->leaf_index != pb->leaf_index)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the receipt is for entry %" PRIu64 ", its proof for entry %" PRIu64,
                          what, pb->leaf_index, inc->leaf_index);
    if (inc->leaf_hash.len != 0 &&
        (inc->leaf_hash.len != LH_HASH_SIZE ||
         memcmp(inc->leaf_hash.data, pb->leaf_hash.data, LH_HASH_SIZE) != 0))
        return lh_err_set(err, LH_EPROTO, "%s: the receipt's proof is for another leaf hash", what);
    if (pb->integrated_at <= 0)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the receipt's integrated_at %" PRId64 " is not a positive time",
                          what, pb->integrated_at);
    uint8_t(*path)[LH_HASH_SIZE];
    int rc = take_hashes(inc->audit_path, inc->n_audit_path, &path, "audit_path", what, err);
    if (rc != 0)
        return rc;
    uint8_t *note = malloc(pb->checkpoint.len);
    if (note == NULL) {
        free(path);
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    }
    memcpy(note, pb->checkpoint.data, pb->checkpoint.len);
    out->leaf_index = pb->leaf_index;
    memcpy(out->leaf_hash, pb->leaf_hash.data, LH_HASH_SIZE);
    out->integrated_at = pb->integrated_at;
    out->tree_size = inc->tree_size;
    out->checkpoint = note;
    out->checkpoint_len = pb->checkpoint.len;
    out->audit_path = path;
    out->audit_path_len = inc->n_audit_path;
    return 0;
}

/* The entry id of a SignedEntry's entry. */
static int signed_entry_id(const uint8_t *signed_entry, size_t len, uint8_t id[LH_HASH_SIZE])
{
    const uint8_t *entry, *sig;
    size_t entry_len;
    int rc = entry_signed_unpack(signed_entry, len, &entry, &entry_len, &sig, NULL);
    if (rc == 0)
        entry_id(entry, entry_len, id);
    return rc;
}

/*
 * A DUPLICATE answer carries the leaf logged under the entry id: the
 * receipt is for it. It must hold the same Entry bytes as the entry sent
 * (the same entry id) with a signature that verifies; it then replaces the
 * bytes sent in out->signed_entry, so that the receipt is checked against
 * what the log holds.
 */
static int adopt_logged_leaf(lh_receipt *out, const ProtobufCBinaryData *leaf, const char *what,
                             lh_err *err)
{
    const uint8_t *se, *entry, *sig;
    size_t se_len, entry_len;
    int64_t at;
    uint8_t sent[LH_HASH_SIZE], logged[LH_HASH_SIZE];
    lh_err e = {{0}};
    if (entry_leaf_unpack(leaf->data, leaf->len, &se, &se_len, &at, &e) != 0 ||
        entry_signed_unpack(se, se_len, &entry, &entry_len, &sig, &e) != 0)
        return lh_err_set(err, LH_EPROTO, "%s: the DUPLICATE answer's leaf is malformed: %s", what,
                          e.msg);
    entry_id(entry, entry_len, logged);
    if (signed_entry_id(out->signed_entry, out->signed_entry_len, sent) != 0 ||
        memcmp(sent, logged, LH_HASH_SIZE) != 0)
        return lh_err_set(err, LH_EPROOF,
                          "%s: the log answered DUPLICATE with an entry of another entry id", what);
    Liuhen__Entry *parsed;
    int rc = entry_validate(entry, entry_len, NULL, &parsed, &e);
    if (rc != 0)
        return lh_err_set(err, LH_EPROOF, "%s: the logged duplicate does not validate: %s", what,
                          e.msg);
    rc = entry_verify(entry, entry_len, sig, parsed->author_key.data);
    liuhen__entry__free_unpacked(parsed, NULL);
    if (rc != 0)
        return lh_err_set(err, LH_EPROOF, "%s: the logged duplicate's signature does not verify",
                          what);
    if (se_len != out->signed_entry_len || memcmp(se, out->signed_entry, se_len) != 0) {
        uint8_t *copy = malloc(se_len);
        if (copy == NULL)
            return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
        memcpy(copy, se, se_len);
        free(out->signed_entry);
        out->signed_entry = copy;
        out->signed_entry_len = se_len;
    }
    return 0;
}

/*
 * Turn an Append response into a verified receipt in out, whose
 * signed_entry already holds the bytes sent. On failure out keeps only them.
 */
static int finish_append(lh_conn *c, const Liuhen__Response *r, lh_receipt *out, int64_t deadline,
                         const char *what, lh_err *err)
{
    if (r->status != LIUHEN__STATUS__STATUS_OK && r->status != LIUHEN__STATUS__STATUS_DUPLICATE)
        return conn_refused(r, what, err);
    if (r->result_case != LIUHEN__RESPONSE__RESULT_APPEND || r->append->receipt == NULL)
        return lh_err_set(err, LH_EPROTO, "%s: the %s answer carries no receipt", what,
                          wire_status_name(r->status));
    if (r->status == LIUHEN__STATUS__STATUS_DUPLICATE && r->append->leaf.len > 0) {
        int rc = adopt_logged_leaf(out, &r->append->leaf, what, err);
        if (rc != 0)
            return rc;
    }
    int rc = receipt_from_pb(r->append->receipt, out, what, err);
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    if (rc == 0)
        rc = receipt_check(out, &c->log_key, &size, root, what, err);
    bool state_failed = false;
    /* Not "latest": a DUPLICATE's receipt carries the checkpoint of the
     * batch that first logged the entry, which may be older than the last
     * one seen; it must then be a prefix of it. */
    if (rc == 0)
        rc = seen_accept(c, out->checkpoint, out->checkpoint_len, size, root, false, &state_failed,
                         deadline, what, err);
    if (rc != 0 && !state_failed)
        receipt_clear_keep_entry(out);
    return rc;
}

/* Send an Append of SignedEntry bytes, exactly as they are. */
static int send_append(lh_conn *c, const uint8_t *signed_entry, size_t len, Liuhen__Response **out,
                       int64_t deadline, const char *what, lh_err *err)
{
    Liuhen__AppendRequest q = LIUHEN__APPEND_REQUEST__INIT;
    q.signed_entry.data = (uint8_t *)(uintptr_t)signed_entry;
    q.signed_entry.len = len;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_APPEND;
    req.append = &q;
    return conn_call(&c->t, &req, out, deadline, what, err);
}

/* One chain head from the wire: present exactly when its count is not 0. */
static int head_from(uint64_t count, const ProtobufCBinaryData *head, bool *has,
                     uint8_t out[LH_HASH_SIZE], const char *name, const char *count_name,
                     const char *what, lh_err *err)
{
    if (count == 0 ? head->len != 0 : head->len != LH_HASH_SIZE)
        return lh_err_set(err, LH_EPROTO, "%s: %s head of %zu bytes with %s %" PRIu64, what, name,
                          head->len, count_name, count);
    if (count != 0) {
        *has = true;
        memcpy(out, head->data, LH_HASH_SIZE);
    }
    return 0;
}

/* Heads from the wire: a head is present exactly when its count is not 0. */
static int heads_from(const Liuhen__Heads *h, bool want_case, lh_heads *out, const char *what,
                      lh_err *err)
{
    memset(out, 0, sizeof *out);
    if (h == NULL)
        return lh_err_set(err, LH_EPROTO, "%s: the response carries no heads", what);
    out->author_seq = h->author_seq;
    int rc = head_from(h->author_seq, &h->author_head, &out->has_author_head, out->author_head,
                       "author", "author seq", what, err);
    if (rc != 0 || !want_case)
        return rc; /* a case head nobody asked for names no chain of ours */
    out->case_length = h->case_length;
    return head_from(h->case_length, &h->case_head, &out->has_case_head, out->case_head, "case",
                     "case length", what, err);
}

static int fetch_heads(lh_conn *c, const uint8_t key[LH_HASH_SIZE], const char *case_id,
                       lh_heads *out, int64_t deadline, const char *what, lh_err *err)
{
    bool want_case = case_id != NULL && case_id[0] != '\0';
    Liuhen__GetAuthorHeadRequest q = LIUHEN__GET_AUTHOR_HEAD_REQUEST__INIT;
    q.author_key.data = (uint8_t *)(uintptr_t)key;
    q.author_key.len = LH_HASH_SIZE;
    if (want_case)
        q.case_id = (char *)(uintptr_t)case_id;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_AUTHOR_HEAD;
    req.get_author_head = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_AUTHOR_HEAD, "author head", &r,
                        deadline, what, err);
    if (rc != 0)
        return rc;
    rc = heads_from(r->get_author_head->heads, want_case, out, what, err);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

static bool heads_equal(const lh_heads *a, const lh_heads *b)
{
    return a->author_seq == b->author_seq && a->case_length == b->case_length &&
           memcmp(a->author_head, b->author_head, LH_HASH_SIZE) == 0 &&
           memcmp(a->case_head, b->case_head, LH_HASH_SIZE) == 0;
}

/*
 * Fill the chain links of a copy of the caller's entry from the heads,
 * validate it, sign it and pack the SignedEntry into *out (malloc'd).
 */
static int sign_entry(lh_conn *c, const keyfile_key *key, const Liuhen__Entry *tmpl,
                      const lh_heads *h, int64_t recorded_at, uint8_t **out, size_t *out_len,
                      const char *what, lh_err *err)
{
    *out = NULL;
    uint8_t author_key[LH_HASH_SIZE], author_prev[LH_HASH_SIZE], case_prev[LH_HASH_SIZE];
    memcpy(author_key, keyfile_key_pubkey(key), LH_HASH_SIZE);
    memcpy(author_prev, h->author_head, LH_HASH_SIZE);
    memcpy(case_prev, h->case_head, LH_HASH_SIZE);
    if (h->author_seq == UINT64_MAX)
        return lh_err_set(err, LH_ERANGE, "%s: the author's sequence is exhausted", what);

    /* A shallow copy: the caller's message is never written, and the copy
     * shares its body, refs and attachments only to read them. */
    Liuhen__Entry e = *tmpl;
    e.origin = c->log_key.name;
    e.author_key = (ProtobufCBinaryData){LH_HASH_SIZE, author_key};
    e.author_seq = h->author_seq + 1;
    e.author_prev = h->has_author_head ? (ProtobufCBinaryData){LH_HASH_SIZE, author_prev}
                                       : (ProtobufCBinaryData){0, NULL};
    e.case_prev = h->has_case_head ? (ProtobufCBinaryData){LH_HASH_SIZE, case_prev}
                                   : (ProtobufCBinaryData){0, NULL};
    e.recorded_at = recorded_at;
    if (e.case_id == NULL)
        e.case_id = "";

    size_t len = liuhen__entry__get_packed_size(&e);
    if (len > ENTRY_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG,
                          "%s: the entry is %zu bytes, more than the %d a leaf can hold", what, len,
                          ENTRY_MAX_SIZE);
    size_t msg_cap = ENTRY_SIG_CONTEXT_LEN + len;
    uint8_t *bytes = malloc(len > 0 ? len : 1);
    uint8_t *msg = malloc(msg_cap);
    size_t signed_cap = ENTRY_SIGNED_SIZE(len);
    uint8_t *signed_buf = malloc(signed_cap);
    int rc = 0;
    if (bytes == NULL || msg == NULL || signed_buf == NULL) {
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
        goto done;
    }
    liuhen__entry__pack(&e, bytes);

    /* Refuse here, naming the field, what the server would refuse. */
    lh_err ve = {{0}};
    rc = entry_validate(bytes, len, c->log_key.name, NULL, &ve);
    if (rc != 0) {
        lh_err_set(err, rc, "%s: the entry is not valid: %s", what, ve.msg);
        goto done;
    }
    size_t msg_len, signed_len;
    uint8_t sig[ENTRY_SIG_BYTES];
    rc = entry_sig_input(bytes, len, msg, msg_cap, &msg_len);
    if (rc == 0)
        rc = keyfile_sign(key, msg, msg_len, sig);
    if (rc == 0)
        rc = entry_signed_pack(bytes, len, sig, signed_buf, signed_cap, &signed_len);
    if (rc != 0) {
        lh_err_set(err, rc, "%s: signing failed: %s", what, lh_strerror(rc));
        goto done;
    }
    *out = signed_buf;
    *out_len = signed_len;
    signed_buf = NULL;
done:
    free(bytes);
    free(msg);
    free(signed_buf);
    return rc;
}

/* The context of an append for messages: its case, or its kind. */
static void append_what(char what[WHAT_MAX], const Liuhen__Entry *e)
{
    if (e->case_id != NULL && e->case_id[0] != '\0') {
        char id[WHAT_MAX - 16];
        quote_text(id, sizeof id, e->case_id);
        snprintf(what, WHAT_MAX, "append: case %s", id);
    } else {
        snprintf(what, WHAT_MAX, "append: %s entry", entry_kind_name(e->kind));
    }
}

int lh_append(lh_conn *c, const keyfile_key *key, const Liuhen__Entry *entry, lh_receipt *out,
              lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || key == NULL || entry == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "append: NULL argument");
    int64_t deadline = conn_deadline(&c->t);
    char what[WHAT_MAX];
    append_what(what, entry);
    const uint8_t *pubkey = keyfile_key_pubkey(key);
    /* Fixed once: a retry changes only the chain links, never the record. */
    int64_t recorded_at = entry->recorded_at != 0 ? entry->recorded_at : calendar_now_ms();

    bool want_case = entry->case_id != NULL && entry->case_id[0] != '\0';
    lh_heads h, used;
    /* The heads this handle's last append by the key (and to the case)
     * left: no GetAuthorHead is needed to chain the next one. */
    bool have_heads = heads_get(c->heads, pubkey, entry->case_id, &h);
    char conflict[QUOTE_MESSAGE_MAX] = "";
    for (int attempt = 1; attempt <= LH_APPEND_MAX_ATTEMPTS; attempt++) {
        int rc;
        if (!have_heads &&
            (rc = fetch_heads(c, pubkey, entry->case_id, &h, deadline, what, err)) != 0)
            return rc;
        /* CONFLICT means "the heads moved": if they did not, signing the
         * same links again cannot help. */
        if (attempt > 1 && heads_equal(&h, &used))
            return lh_err_set(err, LH_ECONFLICT,
                              "%s: the server answered CONFLICT but the heads it reports did not "
                              "move (author seq %" PRIu64 ", case length %" PRIu64 "): %s",
                              what, h.author_seq, h.case_length, conflict);
        used = h;

        uint8_t *signed_entry = NULL;
        size_t signed_len = 0;
        rc = sign_entry(c, key, entry, &h, recorded_at, &signed_entry, &signed_len, what, err);
        if (rc != 0)
            return rc;
        free(out->signed_entry);
        out->signed_entry = signed_entry;
        out->signed_entry_len = signed_len;

        Liuhen__Response *r;
        rc = send_append(c, signed_entry, signed_len, &r, deadline, what, err);
        if (rc != 0) {
            heads_forget(c->heads, pubkey, entry->case_id);
            return rc;
        }
        if (r->status != LIUHEN__STATUS__STATUS_CONFLICT) {
            bool logged_now = r->status == LIUHEN__STATUS__STATUS_OK;
            rc = finish_append(c, r, out, deadline, what, err);
            liuhen__response__free_unpacked(r, NULL);
            /* A new entry is the head of its author's chain and of its
             * case's (DESIGN.md "Entries": chains by entry id). */
            lh_heads next = h;
            if (rc == 0 && logged_now &&
                signed_entry_id(out->signed_entry, out->signed_entry_len, next.author_head) == 0) {
                next.author_seq = h.author_seq + 1;
                next.has_author_head = true;
                next.case_length = h.case_length + 1;
                next.has_case_head = want_case;
                memcpy(next.case_head, next.author_head, LH_HASH_SIZE);
                heads_put(c->heads, pubkey, entry->case_id, &next);
            } else {
                heads_forget(c->heads, pubkey, entry->case_id);
            }
            return rc;
        }
        quote_text(conflict, sizeof conflict, r->message);
        /* The heads a CONFLICT carries are the writer's own, fresher than
         * a read of the store and one round trip nearer: sign against them
         * at once. When they are missing, malformed, or the ones just used
         * (so they explain nothing), ask for the heads again. */
        lh_err ignored = {{0}};
        have_heads = r->result_case == LIUHEN__RESPONSE__RESULT_APPEND &&
                     heads_from(r->append->heads, want_case, &h, what, &ignored) == 0 &&
                     !heads_equal(&h, &used);
        liuhen__response__free_unpacked(r, NULL);
        if (have_heads)
            heads_put(c->heads, pubkey, entry->case_id, &h);
        else
            heads_forget(c->heads, pubkey, entry->case_id);
        /* No pause before the next attempt: it already waits for a whole
         * batch to commit, so it cannot spin, and a pause would only let
         * writers that are not retrying take the case head first again
         * (measured against liuhend: after a pause a retrying writer lost
         * nearly every later race). */
    }
    return lh_err_set(err, LH_ECONFLICT,
                      "%s: the chain heads kept moving: still CONFLICT after %d attempts (%s)",
                      what, LH_APPEND_MAX_ATTEMPTS, conflict);
}

int lh_append_signed(lh_conn *c, const uint8_t *signed_entry, size_t len, lh_receipt *out,
                     lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || signed_entry == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "append: NULL argument");
    int64_t deadline = conn_deadline(&c->t);
    const uint8_t *entry, *sig;
    size_t entry_len;
    lh_err e = {{0}};
    int rc = entry_signed_unpack(signed_entry, len, &entry, &entry_len, &sig, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "append: the signed entry is malformed: %s", e.msg);
    Liuhen__Entry *parsed;
    rc = entry_validate(entry, entry_len, c->log_key.name, &parsed, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "append: the signed entry is not valid: %s", e.msg);
    char what[WHAT_MAX];
    append_what(what, parsed);
    rc = entry_verify(entry, entry_len, sig, parsed->author_key.data);
    liuhen__entry__free_unpacked(parsed, NULL);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: the entry's signature does not verify with its author key",
                          what);

    out->signed_entry = malloc(len);
    if (out->signed_entry == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    memcpy(out->signed_entry, signed_entry, len);
    out->signed_entry_len = len;
    Liuhen__Response *r;
    rc = send_append(c, out->signed_entry, len, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = finish_append(c, r, out, deadline, what, err);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Proofs. */

void lh_inclusion_free(lh_inclusion *p)
{
    if (p == NULL)
        return;
    free(p->audit_path);
    lh_checkpoint_free(&p->checkpoint);
    memset(p, 0, sizeof *p);
}

void lh_consistency_free(lh_consistency *p)
{
    if (p == NULL)
        return;
    free(p->proof);
    memset(p, 0, sizeof *p);
}

/*
 * The verified checkpoint a proof of tree size `size` is checked against:
 * the one in the response when there is one (checked and accepted), else one
 * this handle verified before.
 */
static int proof_checkpoint(lh_conn *c, const ProtobufCBinaryData *note, uint64_t size, bool latest,
                            lh_checkpoint *out, int64_t deadline, const char *what, lh_err *err)
{
    if (note->len > 0)
        return accept_note(c, note, size, latest, out, deadline, what, err);
    const lh_checkpoint *k = latest ? NULL : known_find(c, size);
    if (k == NULL)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the server sent no signed checkpoint of size %" PRIu64
                          " and this handle has verified none",
                          what, size);
    if (checkpoint_copy(out, k) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    return 0;
}

static int inclusion_common(lh_conn *c, const proof_target *t, uint64_t tree_size,
                            lh_inclusion *out, const char *what, lh_err *err)
{
    int64_t deadline = conn_deadline(&c->t);
    Liuhen__Response *r;
    int rc = inclusion_fetch(c, t, tree_size, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    const Liuhen__InclusionProof *p = r->get_inclusion_proof->proof;
    if (p == NULL)
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no inclusion proof", what);
    else if (p->leaf_hash.len != LH_HASH_SIZE)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof's leaf hash is %zu bytes, not %d", what,
                        p->leaf_hash.len, LH_HASH_SIZE);
    else if (t->by == LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX &&
             p->leaf_index != t->index)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof is for entry %" PRIu64, what, p->leaf_index);
    else if (t->by == LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH &&
             memcmp(p->leaf_hash.data, t->hash, LH_HASH_SIZE) != 0)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof is for another leaf hash", what);
    else if (tree_size != 0 && p->tree_size != tree_size)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof is for tree size %" PRIu64, what,
                        p->tree_size);
    else
        rc = take_hashes(p->audit_path, p->n_audit_path, &out->audit_path, "audit_path", what, err);
    if (rc != 0)
        goto done;
    out->audit_path_len = p->n_audit_path;
    rc = proof_checkpoint(c, &r->get_inclusion_proof->checkpoint, p->tree_size, tree_size == 0,
                          &out->checkpoint, deadline, what, err);
    if (rc != 0)
        goto done;
    if (merkle_verify_inclusion(out->audit_path != NULL ? out->audit_path[0] : NULL,
                                out->audit_path_len, p->leaf_index, p->tree_size, p->leaf_hash.data,
                                out->checkpoint.root) != 0) {
        rc = lh_err_set(err, LH_EPROOF,
                        "%s: the inclusion proof of entry %" PRIu64
                        " does not verify against the checkpoint of size %" PRIu64,
                        what, p->leaf_index, p->tree_size);
        goto done;
    }
    out->leaf_index = p->leaf_index;
    out->tree_size = p->tree_size;
    memcpy(out->leaf_hash, p->leaf_hash.data, LH_HASH_SIZE);
done:
    if (rc != 0)
        lh_inclusion_free(out);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

int lh_inclusion_proof(lh_conn *c, uint64_t index, uint64_t tree_size, lh_inclusion *out,
                       lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "inclusion proof: NULL argument");
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "inclusion proof of entry %" PRIu64, index);
    proof_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX, .index = index};
    return inclusion_common(c, &t, tree_size, out, what, err);
}

int lh_inclusion_proof_by_hash(lh_conn *c, const uint8_t leaf_hash[LH_HASH_SIZE],
                               uint64_t tree_size, lh_inclusion *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || leaf_hash == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "inclusion proof: NULL argument");
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, leaf_hash, 8);
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "inclusion proof of leaf hash %s...", hex);
    proof_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH,
                      .hash = leaf_hash};
    return inclusion_common(c, &t, tree_size, out, what, err);
}

/*
 * The signed root of tree size `size`: that of a checkpoint this handle
 * verified, else the stored checkpoint of that size, which the server sends
 * with an inclusion proof at that size.
 */
static int signed_root(lh_conn *c, uint64_t size, uint8_t root[LH_HASH_SIZE], int64_t deadline,
                       const char *what, lh_err *err)
{
    const lh_checkpoint *k = known_find(c, size);
    if (k != NULL) {
        memcpy(root, k->root, LH_HASH_SIZE);
        return 0;
    }
    Liuhen__Response *r;
    proof_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX, .index = 0};
    int rc = inclusion_fetch(c, &t, size, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    lh_checkpoint cp = {0};
    rc = proof_checkpoint(c, &r->get_inclusion_proof->checkpoint, size, false, &cp, deadline, what,
                          err);
    if (rc == 0)
        memcpy(root, cp.root, LH_HASH_SIZE);
    lh_checkpoint_free(&cp);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

/*
 * Every tree extends the empty one: the proof from size 0 is empty, and the
 * log is not asked for it (liuhend refuses first = 0). Only the signed root
 * of the second size is needed.
 */
static int consistency_from_empty(lh_conn *c, uint64_t second, lh_consistency *out,
                                  int64_t deadline, const char *what, lh_err *err)
{
    int rc = 0;
    if (second != 0) {
        rc = signed_root(c, second, out->second_root, deadline, what, err);
    } else {
        lh_checkpoint cp = {0};
        rc = get_latest(c, &cp, deadline, what, err);
        if (rc == 0) {
            second = cp.size;
            memcpy(out->second_root, cp.root, LH_HASH_SIZE);
        }
        lh_checkpoint_free(&cp);
    }
    if (rc != 0) {
        lh_consistency_free(out);
        return rc;
    }
    out->first = 0;
    out->second = second;
    merkle_empty_root(out->first_root);
    return 0;
}

int lh_consistency_proof(lh_conn *c, uint64_t first, uint64_t second, lh_consistency *out,
                         lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "consistency proof: NULL argument");
    char what[WHAT_MAX];
    if (second != 0)
        snprintf(what, sizeof what, "consistency proof from %" PRIu64 " to %" PRIu64, first,
                 second);
    else
        snprintf(what, sizeof what, "consistency proof from %" PRIu64 " to the latest", first);
    if (second != 0 && first > second)
        return lh_err_set(err, LH_EINVAL, "%s: the first size is the larger", what);
    int64_t deadline = conn_deadline(&c->t);
    if (first == 0)
        return consistency_from_empty(c, second, out, deadline, what, err);

    Liuhen__Response *r;
    const Liuhen__ConsistencyProof *p;
    Liuhen__Status status;
    int rc = consistency_fetch(c, first, second, &r, &p, &status, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = take_hashes(p->consistency, p->n_consistency, &out->proof, "consistency", what, err);
    lh_checkpoint cp = {0};
    if (rc == 0) {
        out->proof_len = p->n_consistency;
        out->first = first;
        out->second = p->second;
        rc = proof_checkpoint(c, &r->get_consistency_proof->checkpoint, p->second, second == 0, &cp,
                              deadline, what, err);
    }
    liuhen__response__free_unpacked(r, NULL);
    if (rc == 0) {
        memcpy(out->second_root, cp.root, LH_HASH_SIZE);
        rc = signed_root(c, first, out->first_root, deadline, what, err);
    }
    lh_checkpoint_free(&cp);
    if (rc == 0 &&
        merkle_verify_consistency(out->proof != NULL ? out->proof[0] : NULL, out->proof_len,
                                  out->first, out->second, out->first_root, out->second_root) != 0)
        rc = lh_err_set(err, LH_EPROOF,
                        "%s: the proof does not verify against the signed roots of sizes %" PRIu64
                        " and %" PRIu64,
                        what, out->first, out->second);
    if (rc != 0)
        lh_consistency_free(out);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Entries and cases. */

void lh_logged_entry_free(lh_logged_entry *it)
{
    if (it == NULL)
        return;
    free(it->leaf);
    if (it->entry != NULL)
        liuhen__entry__free_unpacked(it->entry, NULL);
    free(it->audit_path);
    memset(it, 0, sizeof *it);
}

static void items_free(lh_logged_entry *items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        lh_logged_entry_free(&items[i]);
    free(items);
}

void lh_entries_free(lh_entries *e)
{
    if (e == NULL)
        return;
    items_free(e->items, e->count);
    memset(e, 0, sizeof *e);
}

void lh_case_free(lh_case *c)
{
    if (c == NULL)
        return;
    items_free(c->items, c->count);
    lh_checkpoint_free(&c->checkpoint);
    memset(c, 0, sizeof *c);
}

/*
 * Decode a logged entry strictly and verify its signature; the leaf hash is
 * computed here. Errors name the entry's index.
 */
static int parse_logged(const lh_conn *c, const Liuhen__LoggedEntry *le, lh_logged_entry *it,
                        const char *what, lh_err *err)
{
    it->index = le->index;
    if (le->leaf.len == 0)
        return lh_err_set(err, LH_EPARSE, "%s: entry %" PRIu64 ": empty leaf", what, le->index);
    if (le->leaf.len > ENTRY_LEAF_MAX)
        return lh_err_set(err, LH_ETOOBIG, "%s: entry %" PRIu64 ": a leaf of %zu bytes", what,
                          le->index, le->leaf.len);
    it->leaf = malloc(le->leaf.len);
    if (it->leaf == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    memcpy(it->leaf, le->leaf.data, le->leaf.len);
    it->leaf_len = le->leaf.len;
    entry_leaf_hash(it->leaf, it->leaf_len, it->leaf_hash);

    lh_err e = {{0}};
    int rc = entry_leaf_unpack(it->leaf, it->leaf_len, &it->signed_entry, &it->signed_entry_len,
                               &it->integrated_at, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: entry %" PRIu64 ": leaf: %s", what, le->index, e.msg);
    rc = entry_signed_unpack(it->signed_entry, it->signed_entry_len, &it->entry_bytes,
                             &it->entry_len, &it->signature, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: entry %" PRIu64 ": signed entry: %s", what, le->index,
                          e.msg);
    entry_id(it->entry_bytes, it->entry_len, it->entry_id);
    rc = entry_validate(it->entry_bytes, it->entry_len, c->log_key.name, &it->entry, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: entry %" PRIu64 ": %s", what, le->index, e.msg);
    rc = entry_verify(it->entry_bytes, it->entry_len, it->signature, it->entry->author_key.data);
    if (rc != 0) {
        char hex[17];
        sodium_bin2hex(hex, sizeof hex, it->entry->author_key.data, 8);
        return lh_err_set(err, rc,
                          "%s: entry %" PRIu64
                          ": the signature does not verify with its author key %s...",
                          what, le->index, hex);
    }
    return 0;
}

int lh_get_entries(lh_conn *c, uint64_t start, uint32_t count, lh_entries *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "entries: NULL argument");
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "entries from %" PRIu64, start);
    if (count == 0)
        return lh_err_set(err, LH_EINVAL, "%s: count is 0", what);
    int64_t deadline = conn_deadline(&c->t);
    Liuhen__GetEntriesRequest q = LIUHEN__GET_ENTRIES_REQUEST__INIT;
    q.start = start;
    q.count = count;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_ENTRIES;
    req.get_entries = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_ENTRIES, "entries", &r, deadline,
                        what, err);
    if (rc != 0)
        return rc;
    size_t n = r->get_entries->n_entries;
    if (n > count)
        rc = lh_err_set(err, LH_EPROTO, "%s: %zu entries returned, %" PRIu32 " asked for", what, n,
                        count);
    lh_logged_entry *items = NULL;
    if (rc == 0 && n > 0 && (items = calloc(n, sizeof *items)) == NULL)
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Liuhen__LoggedEntry *le = r->get_entries->entries[i];
        if (le->index < start || le->index - start != i)
            rc = lh_err_set(err, LH_EPROTO,
                            "%s: entry %" PRIu64 " returned where entry %" PRIu64 " was expected",
                            what, le->index, start + i);
        else
            rc = parse_logged(c, le, &items[i], what, err);
    }
    liuhen__response__free_unpacked(r, NULL);
    if (rc != 0) {
        items_free(items, items != NULL ? n : 0);
        return rc;
    }
    out->items = items;
    out->count = n;
    return 0;
}

int lh_find_entry(lh_conn *c, const uint8_t id[LH_HASH_SIZE], lh_logged_entry *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || id == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "find entry: NULL argument");
    char b64[TEXT_B64_LEN(LH_HASH_SIZE)], what[WHAT_MAX];
    text_b64_encode(b64, id, LH_HASH_SIZE);
    snprintf(what, sizeof what, "entry id %s", b64);
    /* Where the log says it is, proved against its latest checkpoint... */
    lh_inclusion p;
    proof_target t = {.by = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_ENTRY_ID, .hash = id};
    int rc = inclusion_common(c, &t, 0, &p, what, err);
    if (rc != 0)
        return rc;
    /* ...and what is there: that leaf, holding an entry of that id. */
    lh_entries got;
    rc = lh_get_entries(c, p.leaf_index, 1, &got, err);
    if (rc == 0 && (got.count != 1 || got.items[0].index != p.leaf_index))
        rc = lh_err_set(err, LH_EPROTO, "%s: entry %" PRIu64 " was not returned", what,
                        p.leaf_index);
    else if (rc == 0 && memcmp(got.items[0].leaf_hash, p.leaf_hash, LH_HASH_SIZE) != 0)
        rc = lh_err_set(err, LH_EPROOF,
                        "%s: entry %" PRIu64 " as returned is not the leaf its proof is for", what,
                        p.leaf_index);
    else if (rc == 0 && memcmp(got.items[0].entry_id, id, LH_HASH_SIZE) != 0)
        rc = lh_err_set(err, LH_EPROOF, "%s: the log's entry %" PRIu64 " has another entry id",
                        what, p.leaf_index);
    if (rc == 0) {
        *out = got.items[0];
        memset(&got.items[0], 0, sizeof got.items[0]);
        out->audit_path = p.audit_path;
        out->audit_path_len = p.audit_path_len;
        p.audit_path = NULL;
    }
    lh_entries_free(&got);
    lh_inclusion_free(&p);
    return rc;
}

/* Check entry i of a case: its proof against the checkpoint and its links. */
static int case_check(const lh_case *cs, size_t i, const Liuhen__InclusionProof *pf,
                      const char *case_id, const char *what, lh_err *err)
{
    const lh_logged_entry *it = &cs->items[i];
    const Liuhen__Entry *e = it->entry;
    if (strcmp(e->case_id, case_id) != 0) {
        char other[64];
        quote_text(other, sizeof other, e->case_id);
        return lh_err_set(err, LH_EPROOF, "%s: entry %" PRIu64 " belongs to case %s", what,
                          it->index, other[0] != '\0' ? other : "(none)");
    }
    if (pf->leaf_index != it->index || pf->tree_size != cs->checkpoint.size ||
        (pf->leaf_hash.len != 0 && (pf->leaf_hash.len != LH_HASH_SIZE ||
                                    memcmp(pf->leaf_hash.data, it->leaf_hash, LH_HASH_SIZE) != 0)))
        return lh_err_set(err, LH_EPROTO,
                          "%s: entry %" PRIu64 ": its proof is for entry %" PRIu64
                          " in a tree of size %" PRIu64,
                          what, it->index, pf->leaf_index, pf->tree_size);
    if (merkle_verify_inclusion(it->audit_path != NULL ? it->audit_path[0] : NULL,
                                it->audit_path_len, it->index, cs->checkpoint.size, it->leaf_hash,
                                cs->checkpoint.root) != 0)
        return lh_err_set(err, LH_EPROOF,
                          "%s: entry %" PRIu64
                          ": the inclusion proof does not verify against the checkpoint of size "
                          "%" PRIu64,
                          what, it->index, cs->checkpoint.size);
    /* The case chain (DESIGN.md "Entries"): a dropped entry breaks the link
     * of the next one. */
    if (i == 0) {
        if (e->case_prev.len != 0)
            return lh_err_set(err, LH_EPROOF,
                              "%s: entry %" PRIu64
                              " is the first returned but its case_prev names an earlier entry: "
                              "the history is incomplete",
                              what, it->index);
        return 0;
    }
    const lh_logged_entry *prev = &cs->items[i - 1];
    if (it->index <= prev->index)
        return lh_err_set(err, LH_EPROOF,
                          "%s: entry %" PRIu64 " comes after entry %" PRIu64 ": not in log order",
                          what, it->index, prev->index);
    if (e->case_prev.len != LH_HASH_SIZE ||
        memcmp(e->case_prev.data, prev->entry_id, LH_HASH_SIZE) != 0)
        return lh_err_set(err, LH_EPROOF,
                          "%s: entry %" PRIu64 "'s case_prev does not link to entry %" PRIu64, what,
                          it->index, prev->index);
    return 0;
}

int lh_get_case(lh_conn *c, const char *case_id, lh_case *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || case_id == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "case: NULL argument");
    size_t id_len = strlen(case_id);
    if (id_len == 0 || id_len > ENTRY_CASE_ID_MAX || !text_ok(case_id))
        return lh_err_set(err, LH_EINVAL,
                          "case: the case id is empty, longer than %d bytes, not UTF-8 or holds a "
                          "control character",
                          ENTRY_CASE_ID_MAX);
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "case %.*s", WHAT_MAX - 8, case_id);
    int64_t deadline = conn_deadline(&c->t);
    Liuhen__GetCaseRequest q = LIUHEN__GET_CASE_REQUEST__INIT;
    q.case_id = (char *)(uintptr_t)case_id;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CASE;
    req.get_case = &q;
    Liuhen__Response *r;
    int rc =
        conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_CASE, "case", &r, deadline, what, err);
    if (rc != 0)
        return rc;
    const Liuhen__GetCaseResponse *g = r->get_case;
    if (g->n_proofs != g->n_entries)
        rc = lh_err_set(err, LH_EPROTO, "%s: %zu entries but %zu proofs", what, g->n_entries,
                        g->n_proofs);
    /* The checkpoint is the log's latest: a case read from an older tree
     * could hide the case's newest entries. */
    if (rc == 0 && (g->n_entries > 0 || g->checkpoint.len > 0))
        rc =
            accept_note(c, &g->checkpoint, UINT64_MAX, true, &out->checkpoint, deadline, what, err);
    if (rc == 0 && g->n_entries > 0 &&
        (out->items = calloc(g->n_entries, sizeof *out->items)) == NULL)
        rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    for (size_t i = 0; rc == 0 && i < g->n_entries; i++) {
        out->count = i + 1;
        lh_logged_entry *it = &out->items[i];
        const Liuhen__InclusionProof *pf = g->proofs[i];
        rc = parse_logged(c, g->entries[i], it, what, err);
        if (rc == 0)
            rc = take_hashes(pf->audit_path, pf->n_audit_path, &it->audit_path, "audit_path", what,
                             err);
        if (rc == 0) {
            it->audit_path_len = pf->n_audit_path;
            rc = case_check(out, i, pf, case_id, what, err);
        }
    }
    liuhen__response__free_unpacked(r, NULL);
    if (rc != 0)
        lh_case_free(out);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Heads, keys, status. */

int lh_author_head(lh_conn *c, const uint8_t author_key[LH_HASH_SIZE], const char *case_id,
                   lh_heads *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || author_key == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "author head: NULL argument");
    if (case_id != NULL && (strlen(case_id) > ENTRY_CASE_ID_MAX || !text_ok(case_id)))
        return lh_err_set(err, LH_EINVAL,
                          "author head: the case id is longer than %d bytes, not UTF-8 or holds a "
                          "control character",
                          ENTRY_CASE_ID_MAX);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, author_key, 8);
    char what[WHAT_MAX];
    snprintf(what, sizeof what, "author head of %s...", hex);
    return fetch_heads(c, author_key, case_id, out, conn_deadline(&c->t), what, err);
}

void lh_keys_free(lh_keys *k)
{
    if (k == NULL)
        return;
    if (k->priv != NULL)
        liuhen__response__free_unpacked(k->priv, NULL);
    memset(k, 0, sizeof *k);
}

int lh_get_keys(lh_conn *c, lh_keys *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "keys: NULL argument");
    const char *what = "keys";
    Liuhen__GetKeysRequest q = LIUHEN__GET_KEYS_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_KEYS;
    req.get_keys = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_GET_KEYS, "keys", &r,
                        conn_deadline(&c->t), what, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < r->get_keys->n_keys; i++) {
        const Liuhen__KeyInfo *k = r->get_keys->keys[i];
        if (k->public_key.len != LH_HASH_SIZE)
            rc = lh_err_set(err, LH_EPROTO, "%s: key %zu: a public key of %zu bytes", what, i,
                            k->public_key.len);
        else if (!text_ok(k->holder) || !text_ok(k->position) || !text_ok(k->unit) ||
                 !text_ok(k->revoke_reason))
            rc = lh_err_set(err, LH_EPROTO,
                            "%s: key %zu: a text that is not UTF-8 or holds a control character",
                            what, i);
    }
    if (rc != 0) {
        liuhen__response__free_unpacked(r, NULL);
        return rc;
    }
    out->keys = r->get_keys->keys;
    out->count = r->get_keys->n_keys;
    out->priv = r;
    return 0;
}

void lh_server_status_free(lh_server_status *s)
{
    if (s == NULL)
        return;
    free(s->origin);
    free(s->log_vkey);
    lh_checkpoint_free(&s->checkpoint);
    memset(s, 0, sizeof *s);
}

int lh_status(lh_conn *c, lh_server_status *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "status: NULL argument");
    const char *what = "status";
    int64_t deadline = conn_deadline(&c->t);
    Liuhen__StatusRequest q = LIUHEN__STATUS_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_SERVER_STATUS;
    req.server_status = &q;
    Liuhen__Response *r;
    int rc = conn_fetch(&c->t, &req, LIUHEN__RESPONSE__RESULT_SERVER_STATUS, "status", &r, deadline,
                        what, err);
    if (rc != 0)
        return rc;
    const Liuhen__StatusResponse *s = r->server_status;
    if (!text_ok(s->origin) || !text_ok(s->log_vkey))
        rc = lh_err_set(err, LH_EPROTO,
                        "%s: the origin or the log key is not UTF-8 or holds a control character",
                        what);
    if (rc == 0 && (s->origin == NULL || strcmp(s->origin, c->log_key.name) != 0)) {
        char o[64];
        quote_text(o, sizeof o, s->origin);
        rc = lh_err_set(err, LH_EORIGIN, "%s: the server is the log %s, not %s", what, o,
                        c->log_key.name);
    }
    if (rc == 0 && s->checkpoint.len > 0)
        rc =
            accept_note(c, &s->checkpoint, UINT64_MAX, true, &out->checkpoint, deadline, what, err);
    if (rc == 0) {
        out->origin = strdup(s->origin);
        out->log_vkey = strdup(s->log_vkey != NULL ? s->log_vkey : "");
        if (out->origin == NULL || out->log_vkey == NULL)
            rc = lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    }
    if (rc == 0) {
        out->tree_size = s->tree_size;
        out->last_checkpoint_at = s->last_checkpoint_at;
        out->last_publish_at = s->last_publish_at;
        out->connections = s->connections;
        out->appends_per_second = s->appends_per_second;
        out->queue_depth = s->queue_depth;
        out->started_at = s->started_at;
    } else {
        lh_server_status_free(out);
    }
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Export and backup: written by the daemon, verified here. */

void lh_export_result_free(lh_export_result *r)
{
    if (r == NULL)
        return;
    lh_checkpoint_free(&r->checkpoint);
    memset(r, 0, sizeof *r);
}

void lh_backup_result_free(lh_backup_result *r)
{
    if (r == NULL)
        return;
    lh_checkpoint_free(&r->checkpoint);
    memset(r, 0, sizeof *r);
}

/*
 * The context of a slow call ("export /srv/x") and its path checked: the
 * daemon resolves the path in its own view, so only an absolute one means
 * the same place to both.
 */
static int slow_path(const char *call, const char *path, char what[WHAT_MAX], lh_err *err)
{
    char shown[WHAT_MAX - 16];
    quote_text(shown, sizeof shown, path);
    snprintf(what, WHAT_MAX, "%s %s", call, shown);
    size_t len = strlen(path);
    if (len == 0)
        return lh_err_set(err, LH_EINVAL, "%s: no path given", call);
    if (path[0] != '/')
        return lh_err_set(err, LH_EINVAL,
                          "%s: a relative path: give an absolute path, as the daemon sees it",
                          what);
    if (len >= PATH_MAX)
        return lh_err_set(err, LH_EINVAL, "%s: the path is %zu bytes, longer than a path may be",
                          what, len);
    return 0;
}

/*
 * The error of a slow call the daemon refused. Its message names the path
 * and the cause, so it is quoted after the call's name alone, leaving it
 * all the room of the error.
 */
static int slow_refused(const Liuhen__Response *r, const char *call, lh_err *err)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: the daemon answered %s: ", call,
             wire_status_name(r->status));
    char msg[LH_ERR_MSG_MAX];
    quote_text(msg, sizeof msg - strlen(prefix), r->message);
    return lh_err_set(err, wire_status_to_err(r->status), "%s%s", prefix, msg);
}

/*
 * Send a slow call (export or backup) of `path` with its own deadline
 * (LH_SLOW_TIMEOUT_MS at least), after checking the path. On 0, *out is an
 * OK response carrying the `call` result and what names the call.
 */
static int slow_call(lh_conn *c, const char *call, const char *path, Liuhen__Request *req,
                     Liuhen__Response__ResultCase want, Liuhen__Response **out, int64_t *deadline,
                     char what[WHAT_MAX], lh_err *err)
{
    *out = NULL;
    int rc = slow_path(call, path, what, err);
    if (rc != 0)
        return rc;
    Liuhen__Response *r;
    rc = conn_call_slow(&c->t, req, &r, LH_SLOW_TIMEOUT_MS, deadline, what, err);
    if (rc != 0)
        return rc;
    if (r->status != LIUHEN__STATUS__STATUS_OK)
        rc = slow_refused(r, call, err);
    else
        rc = conn_expect(r, want, call, what, err);
    if (rc != 0) {
        liuhen__response__free_unpacked(r, NULL);
        return rc;
    }
    *out = r;
    return 0;
}

/*
 * Compare DIR/checkpoint, as this process reads it, with the checkpoint the
 * daemon answered. A file that cannot be opened here (another machine or
 * mount namespace, no permission) leaves *checked false; one that can be
 * read and differs is a failure.
 */
static int export_check_local(const char *dir, const lh_checkpoint *cp, bool *checked,
                              const char *what, lh_err *err)
{
    *checked = false;
    size_t dlen = strlen(dir);
    char *path = malloc(dlen + sizeof "/checkpoint");
    if (path == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    memcpy(path, dir, dlen);
    memcpy(path + dlen, "/checkpoint", sizeof "/checkpoint");
    /* Read to one byte past the note's length, so that a longer file is
     * seen to differ. */
    uint8_t *buf = NULL;
    size_t got = 0;
    int rc = fileio_read(path, FILEIO_NOFOLLOW, "checkpoint file", cp->note_len, &buf, &got, NULL);
    free(path);
    if (rc == LH_ENOMEM)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    if (rc != 0 && rc != LH_ETOOBIG && rc != LH_EINVAL && rc != -EISDIR)
        return 0; /* unreadable here: not checked */
    /* A file that is not regular, or not the note, differs. */
    bool same = rc == 0 && got == cp->note_len && memcmp(buf, cp->note, got) == 0;
    free(buf);
    if (!same)
        return lh_err_set(err, LH_EPROOF,
                          "%s: its checkpoint file, as read here, is not the checkpoint the log "
                          "answered (tree size %" PRIu64
                          "): the directory changed after the export, or this machine sees "
                          "another directory at that path",
                          what, cp->size);
    *checked = true;
    return 0;
}

int lh_export(lh_conn *c, const char *directory, lh_export_result *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || directory == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "export: NULL argument");
    Liuhen__ExportRequest q = LIUHEN__EXPORT_REQUEST__INIT;
    q.directory = (char *)directory;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_EXPORT;
    req.export = &q;
    char what[WHAT_MAX];
    Liuhen__Response *r;
    int64_t deadline;
    int rc = slow_call(c, "export", directory, &req, LIUHEN__RESPONSE__RESULT_EXPORT, &r, &deadline,
                       what, err);
    if (rc != 0)
        return rc;
    const Liuhen__ExportResponse *e = r->export;
    if (e == NULL) {
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no export result", what);
        goto out;
    }
    /* The checkpoint must be of the answered size, which the count of
     * files then follows from. */
    rc = accept_note(c, &e->checkpoint, e->tree_size, true, &out->checkpoint, deadline, what, err);
    if (rc != 0)
        goto out;
    uint64_t want = 1;
    tile_iter it;
    tile t;
    tile_iter_init(&it, e->tree_size);
    while (tile_iter_next(&it, &t) == 1)
        want++;
    if (e->files != want) {
        rc = lh_err_set(err, LH_EPROTO,
                        "%s: the daemon says it wrote %" PRIu64 " files; a tree of size %" PRIu64
                        " has %" PRIu64 " with its checkpoint",
                        what, e->files, e->tree_size, want);
        goto out;
    }
    out->tree_size = e->tree_size;
    out->files = e->files;
    rc = export_check_local(directory, &out->checkpoint, &out->checked_locally, what, err);
out:
    if (rc != 0)
        lh_export_result_free(out);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

int lh_backup(lh_conn *c, const char *path, lh_backup_result *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || path == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "backup: NULL argument");
    Liuhen__BackupRequest q = LIUHEN__BACKUP_REQUEST__INIT;
    q.path = (char *)path;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_BACKUP;
    req.backup = &q;
    char what[WHAT_MAX];
    Liuhen__Response *r;
    int64_t deadline;
    int rc = slow_call(c, "backup", path, &req, LIUHEN__RESPONSE__RESULT_BACKUP, &r, &deadline,
                       what, err);
    if (rc != 0)
        return rc;
    const Liuhen__BackupResponse *b = r->backup;
    if (b == NULL) {
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no backup result", what);
        goto out;
    }
    if (b->bytes == 0) {
        rc = lh_err_set(err, LH_EPROTO, "%s: the daemon says the copy is empty", what);
        goto out;
    }
    rc = accept_note(c, &b->checkpoint, b->tree_size, true, &out->checkpoint, deadline, what, err);
    if (rc != 0)
        goto out;
    out->tree_size = b->tree_size;
    out->bytes = b->bytes;
out:
    if (rc != 0)
        lh_backup_result_free(out);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}
