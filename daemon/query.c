/*
 * query.c — strict request decoding, response frames and the read-only
 * calls of the wire protocol (query.h).
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
#include "text.h"
#include "tile.h"
#include "wire.h"

/* ------------------------------------------------------------------------
 * Output buffer
 */

void query_buf_free(query_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

/* Make room for `more` bytes after buf->len. */
static int buf_reserve(query_buf *buf, size_t more)
{
    if (more > SIZE_MAX - buf->len)
        return LH_ENOMEM;
    size_t need = buf->len + more;
    if (need <= buf->cap)
        return 0;
    size_t cap = buf->cap < 4096 ? 4096 : buf->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *p = realloc(buf->data, cap);
    if (p == NULL)
        return LH_ENOMEM;
    buf->data = p;
    buf->cap = cap;
    return 0;
}

/* Pack a response that is known to fit into one frame. */
static int put_frame(query_buf *out, const Liuhen__Response *resp, size_t n)
{
    if (buf_reserve(out, WIRE_HEADER_SIZE + n) != 0)
        return LH_ENOMEM;
    uint8_t *p = out->data + out->len;
    wire_put_header(p, (uint32_t)n);
    size_t packed = liuhen__response__pack(resp, p + WIRE_HEADER_SIZE);
    if (packed != n)
        return LH_EINTERNAL; /* protobuf-c disagrees with itself: never commit the frame */
    out->len += WIRE_HEADER_SIZE + n;
    return 0;
}

static int put_verror(query_buf *out, uint64_t id, Liuhen__Status status, const char *fmt,
                      va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    Liuhen__Response resp = LIUHEN__RESPONSE__INIT;
    resp.id = id;
    resp.status = status;
    resp.message = msg;
    /* An error response is a few hundred bytes, below any frame limit the
     * daemon accepts (liuhend refuses --max-frame below 72 KiB). */
    return put_frame(out, &resp, liuhen__response__get_packed_size(&resp));
}

int query_put_error(query_buf *out, uint64_t id, Liuhen__Status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = put_verror(out, id, status, fmt, ap);
    va_end(ap);
    return rc;
}

/* Pack a response, or the TOO_LARGE answer that replaces it when it would
 * exceed the frame limit; *size is the size the response would have had. */
static int put_response(query_buf *out, const Liuhen__Response *resp, uint32_t max_frame,
                        bool *too_large, size_t *size)
{
    size_t n = liuhen__response__get_packed_size(resp);
    *too_large = n > max_frame;
    *size = n;
    if (*too_large)
        return query_put_error(out, resp->id, LIUHEN__STATUS__STATUS_TOO_LARGE,
                               "the response to request %" PRIu64
                               " would be %zu bytes, more than the frame limit of %" PRIu32
                               " bytes",
                               resp->id, n, max_frame);
    return put_frame(out, resp, n);
}

int query_put_response(query_buf *out, const Liuhen__Response *resp, uint32_t max_frame)
{
    bool too_large;
    size_t size;
    return put_response(out, resp, max_frame, &too_large, &size);
}

/* ------------------------------------------------------------------------
 * Request decoding
 */

static const char *const call_names[] = {
    [LIUHEN__REQUEST__CALL_APPEND] = "append",
    [LIUHEN__REQUEST__CALL_GET_CHECKPOINT] = "get_checkpoint",
    [LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF] = "get_inclusion_proof",
    [LIUHEN__REQUEST__CALL_GET_CONSISTENCY_PROOF] = "get_consistency_proof",
    [LIUHEN__REQUEST__CALL_GET_ENTRIES] = "get_entries",
    [LIUHEN__REQUEST__CALL_GET_AUTHOR_HEAD] = "get_author_head",
    [LIUHEN__REQUEST__CALL_GET_CASE] = "get_case",
    [LIUHEN__REQUEST__CALL_GET_KEYS] = "get_keys",
    [LIUHEN__REQUEST__CALL_SERVER_STATUS] = "server_status",
    [LIUHEN__REQUEST__CALL_EXPORT] = "export",
    [LIUHEN__REQUEST__CALL_BACKUP] = "backup",
};

#define CALL_FIRST LIUHEN__REQUEST__CALL_APPEND
#define CALL_LAST  LIUHEN__REQUEST__CALL_BACKUP

const char *query_call_name(Liuhen__Request__CallCase call)
{
    if (call >= CALL_FIRST && call <= CALL_LAST && call_names[call] != NULL)
        return call_names[call];
    return "none";
}

/* Refuse unknown fields anywhere in the request: a field this daemon does
 * not know could carry a meaning the client relies on and the daemon would
 * silently ignore (DESIGN.md "Daemon behaviour": unknown fields get a clear
 * status). */
static int check_unknown(const ProtobufCMessage *m, const char *path, unsigned depth, lh_err *err)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (m->n_unknown_fields > 0)
        return lh_err_set(err, LH_EUNKNOWNFIELD,
                          "unknown field %" PRIu32 " in %s (%s): this daemon's liuhen.proto has "
                          "no such field",
                          m->unknown_fields[0].tag, d->name, path);
    if (depth >= 8)
        return 0; /* requests nest three deep; protobuf-c bounds the rest */
    const char *base = (const char *)m;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        char sub[256];
        snprintf(sub, sizeof sub, "%s.%s", path, f->name);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(const void *)(base + f->quantifier_offset);
            ProtobufCMessage *const *items =
                *(ProtobufCMessage *const *const *)(const void *)(base + f->offset);
            for (size_t k = 0; k < n; k++) {
                int rc = check_unknown(items[k], sub, depth + 1, err);
                if (rc != 0)
                    return rc;
            }
            continue;
        }
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 &&
            *(const uint32_t *)(const void *)(base + f->quantifier_offset) != f->id)
            continue;
        const ProtobufCMessage *sm = *(ProtobufCMessage *const *)(const void *)(base + f->offset);
        if (sm != NULL) {
            int rc = check_unknown(sm, sub, depth + 1, err);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

int query_parse_request(const uint8_t *body, size_t len, query_request *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    Liuhen__Request *m = liuhen__request__unpack(NULL, len, body);
    if (m == NULL)
        return lh_err_set(err, LH_EPARSE, "malformed request: not a liuhen.Request protobuf");
    out->id = m->id;
    out->msg = m;
    int rc = check_unknown(&m->base, "request", 0, err);
    if (rc == 0 && m->call_case == LIUHEN__REQUEST__CALL__NOT_SET)
        rc = lh_err_set(err, LH_EPARSE,
                        "request %" PRIu64 " sets no call: set one of append, get_checkpoint, "
                        "get_inclusion_proof, get_consistency_proof, get_entries, "
                        "get_author_head, get_case, get_keys, server_status, export, backup",
                        m->id);
    /* One encoding only (wire_is_canonical()): a call given twice would be
     * merged by protobuf-c, and a NUL would cut a case id or a path. */
    size_t at;
    if (rc == 0 && !wire_is_canonical(&m->base, body, len, &at))
        rc = lh_err_set(err, LH_EPARSE,
                        "request %" PRIu64 ": not in canonical protobuf encoding (differs from "
                        "byte %zu): a field or call given twice, out of order or set to its "
                        "default, a long varint, or a NUL in a string",
                        m->id, at);
    if (rc == 0 && m->call_case == LIUHEN__REQUEST__CALL_APPEND) {
        /* DESIGN.md: the daemon never re-serialises what an author sent;
         * the bytes field holds the SignedEntry exactly as it came. */
        out->signed_entry = m->append->signed_entry.data;
        out->signed_len = m->append->signed_entry.len;
        if (out->signed_len == 0)
            rc = lh_err_set(err, LH_EFIELD, "append.signed_entry is missing or empty");
    }
    if (rc != 0) {
        liuhen__request__free_unpacked(m, NULL);
        out->msg = NULL;
        out->signed_entry = NULL;
        out->signed_len = 0;
    }
    return rc;
}

void query_request_clear(query_request *req)
{
    if (req->msg != NULL)
        liuhen__request__free_unpacked(req->msg, NULL);
    memset(req, 0, sizeof *req);
}

/* ------------------------------------------------------------------------
 * Building a response: an arena owns every piece of it, so that a
 * response of thousands of entries and proofs is freed in one sweep
 * whatever path the call took.
 */

/* One read call being answered. */
typedef struct call {
    const query_env *env;
    store_txn *txn;
    arena a;
    Liuhen__Response resp;
    const char *name; /* the call's name, for messages and logs */
    char msg[512];
} call;

/* Answer the call with a status and a message naming the problem; the
 * result is dropped. Returns 0 so that handlers can `return refuse(...)`. */
static int refuse(call *c, Liuhen__Status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(call *c, Liuhen__Status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    c->resp.status = status;
    c->resp.message = c->msg;
    c->resp.result_case = LIUHEN__RESPONSE__RESULT__NOT_SET;
    return 0;
}

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
    Liuhen__Response bare = c->resp;
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
    ProtobufCBinaryData *v = arena_alloc(&c->a, proof_len * sizeof *v);
    uint8_t *h = arena_alloc(&c->a, proof_len * MERKLE_HASH_SIZE);
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
    uint8_t *h = arena_alloc(&c->a, MERKLE_HASH_SIZE);
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
static int latest_checkpoint(call *c, const uint8_t **note, size_t *len, uint64_t *size)
{
    int rc = store_get_checkpoint(c->txn, UINT64_MAX, note, len, size);
    if (rc == LH_ENOTFOUND)
        refuse(c, LIUHEN__STATUS__STATUS_NOT_FOUND,
               "%s: the log has no checkpoint yet (liuhend init writes the first)", c->name);
    return rc;
}

/* Attach the checkpoint of exactly `size` leaves when the log signed one;
 * see query.h for why a size between batches has none. */
static int attach_checkpoint_of(call *c, uint64_t size, ProtobufCBinaryData *field)
{
    const uint8_t *note;
    size_t len;
    int rc = store_get_checkpoint(c->txn, size, &note, &len, NULL);
    if (rc == LH_ENOTFOUND) {
        snprintf(c->msg, sizeof c->msg,
                 "no checkpoint was signed at tree size %" PRIu64
                 " (the log signs one per batch): the proof comes without one",
                 size);
        c->resp.message = c->msg;
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

static int do_get_checkpoint(call *c)
{
    const uint8_t *note;
    size_t len;
    uint64_t size;
    int rc = latest_checkpoint(c, &note, &len, &size);
    if (rc != 0)
        return rc == LH_ENOTFOUND ? 0 : rc;
    Liuhen__GetCheckpointResponse *r = arena_alloc(&c->a, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    liuhen__get_checkpoint_response__init(r);
    r->checkpoint.data = (uint8_t *)note;
    r->checkpoint.len = len;
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT;
    c->resp.get_checkpoint = r;
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
                      "%s.%s: tree_size %" PRIu64 " is beyond the log's size %" PRIu64, c->name,
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
    Liuhen__GetInclusionProofResponse *r = arena_alloc(&c->a, sizeof *r);
    Liuhen__InclusionProof *p = arena_alloc(&c->a, sizeof *p);
    if (r == NULL || p == NULL)
        return LH_ENOMEM;
    liuhen__get_inclusion_proof_response__init(r);
    if ((rc = build_inclusion(c, index, size, p)) != 0)
        return rc;
    r->proof = p;
    if ((rc = attach_checkpoint_of(c, size, &r->checkpoint)) != 0)
        return rc;
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_GET_INCLUSION_PROOF;
    c->resp.get_inclusion_proof = r;
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
    Liuhen__GetConsistencyProofResponse *r = arena_alloc(&c->a, sizeof *r);
    Liuhen__ConsistencyProof *p = arena_alloc(&c->a, sizeof *p);
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
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_GET_CONSISTENCY_PROOF;
    c->resp.get_consistency_proof = r;
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
    Liuhen__GetEntriesResponse *r = arena_alloc(&c->a, sizeof *r);
    Liuhen__LoggedEntry *items = arena_alloc(&c->a, (size_t)want * sizeof *items);
    Liuhen__LoggedEntry **ptrs = arena_alloc(&c->a, (size_t)want * sizeof *ptrs);
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
         * next index (DESIGN.md "Daemon behaviour": limits on frame size). */
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
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_GET_ENTRIES;
    c->resp.get_entries = r;
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
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: empty", c->name, field);
    else if (len > ENTRY_CASE_ID_MAX)
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s: %zu bytes, longer than the %d a case id may have", c->name, field, len,
               ENTRY_CASE_ID_MAX);
    else if (!text_utf8_valid((const uint8_t *)id, len))
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: not valid UTF-8", c->name,
               field);
    else if (text_has_control((const uint8_t *)id, len, false))
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: holds a control character",
               c->name, field);
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
    Liuhen__GetAuthorHeadResponse *r = arena_alloc(&c->a, sizeof *r);
    Liuhen__Heads *h = arena_alloc(&c->a, sizeof *h);
    accept_head *heads = arena_alloc(&c->a, 2 * sizeof *heads);
    if (r == NULL || h == NULL || heads == NULL)
        return LH_ENOMEM;
    liuhen__get_author_head_response__init(r);
    liuhen__heads__init(h);
    int rc = store_get_author(c->txn, rq->author_key.data, &heads[0]);
    if (rc != 0)
        return rc;
    /* A head is given only when there is one: an author or a case with no
     * entry has none, and its first entry names no predecessor. Heads are
     * entry ids (DESIGN.md "Entries"). */
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
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_GET_AUTHOR_HEAD;
    c->resp.get_author_head = r;
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
    r = arena_alloc(&c->a, sizeof *r);
    items = arena_alloc(&c->a, count * sizeof *items);
    eptrs = arena_alloc(&c->a, count * sizeof *eptrs);
    proofs = arena_alloc(&c->a, count * sizeof *proofs);
    pptrs = arena_alloc(&c->a, count * sizeof *pptrs);
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
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_GET_CASE;
    c->resp.get_case = r;
out:
    free(indexes);
    return rc;
}

static int do_get_keys(call *c, const keyring_key *keys, size_t nkeys)
{
    Liuhen__GetKeysResponse *r = arena_alloc(&c->a, sizeof *r);
    Liuhen__KeyInfo *infos = arena_alloc(&c->a, nkeys * sizeof *infos);
    Liuhen__KeyInfo **ptrs = arena_alloc(&c->a, nkeys * sizeof *ptrs);
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
        Liuhen__Role *roles = arena_alloc(&c->a, 32 * sizeof *roles);
        if (roles == NULL)
            return LH_ENOMEM;
        size_t nroles = 0;
        for (unsigned role = 1; role < 32; role++)
            if ((k->roles & ENTRY_ROLE_BIT(role)) != 0)
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
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_GET_KEYS;
    c->resp.get_keys = r;
    return 0;
}

static int do_status(call *c, const query_status *fig)
{
    Liuhen__StatusResponse *r = arena_alloc(&c->a, sizeof *r);
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
    rc = store_get_checkpoint(c->txn, UINT64_MAX, &note, &len, &cp_size);
    if (rc == 0) {
        r->checkpoint.data = (uint8_t *)note;
        r->checkpoint.len = len;
    } else if (rc != LH_ENOTFOUND) {
        return rc;
    }
    r->last_checkpoint_at = fig->last_checkpoint_at;
    r->last_publish_at = fig->last_publish_at;
    r->connections = fig->connections;
    r->appends_per_second = fig->appends_per_second;
    r->queue_depth = fig->queue_depth;
    r->started_at = fig->started_at;
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_SERVER_STATUS;
    c->resp.server_status = r;
    return 0;
}

/*
 * Frame a call's response into out. A failure of the daemon's own (rc: a
 * store error or memory exhaustion) is answered INTERNAL first; when memory
 * for the full response is lacking, the short INTERNAL answer is tried.
 * Sets *too_large and *size as put_response() does.
 * @return 0, or LH_ENOMEM when not even the short answer could be framed.
 */
static int call_finish(call *c, uint64_t id, int rc, query_buf *out, bool *too_large, size_t *size)
{
    if (rc != 0) {
        /* Store errors and memory exhaustion are the daemon's fault, never
         * the client's: INTERNAL, named and logged as errors. */
        refuse(c, LIUHEN__STATUS__STATUS_INTERNAL, "%s: request %" PRIu64 ": %s (%s)", c->name, id,
               lh_strerror(rc), lh_errname(rc));
        log_error("%s", c->msg);
    }
    int prc = put_response(out, &c->resp, c->env->max_frame, too_large, size);
    if (prc != 0 && c->resp.status == LIUHEN__STATUS__STATUS_OK) {
        prc = query_put_error(out, id, LIUHEN__STATUS__STATUS_INTERNAL,
                              "%s: request %" PRIu64 ": out of memory", c->name, id);
        c->resp.status = LIUHEN__STATUS__STATUS_INTERNAL;
    }
    return prc;
}

int query_answer(const query_env *env, const Liuhen__Request *req, query_buf *out,
                 Liuhen__Status *status_out)
{
    Liuhen__Request__CallCase which = req->call_case;
    if (which == LIUHEN__REQUEST__CALL_APPEND || which == LIUHEN__REQUEST__CALL__NOT_SET ||
        query_call_is_slow(which))
        return LH_EINVAL;
    call c = {.env = env, .name = query_call_name(which)};
    liuhen__response__init(&c.resp);
    c.resp.id = req->id;

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
        case LIUHEN__REQUEST__CALL_GET_CHECKPOINT: rc = do_get_checkpoint(&c); break;
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
    int prc = call_finish(&c, req->id, rc, out, &too_large, &size);
    store_txn_end(c.txn);
    arena_free(&c.a);
    free(keys);

    Liuhen__Status st = too_large ? LIUHEN__STATUS__STATUS_TOO_LARGE : c.resp.status;
    if (too_large)
        log_info("%s: request %" PRIu64 ": TOO_LARGE: the response would be %zu bytes, more "
                 "than the frame limit of %" PRIu32 " bytes",
                 c.name, req->id, size, env->max_frame);
    else if (st == LIUHEN__STATUS__STATUS_NOT_FOUND)
        log_debug("%s: request %" PRIu64 ": NOT_FOUND: %s", c.name, req->id, c.msg);
    else if (st != LIUHEN__STATUS__STATUS_OK && st != LIUHEN__STATUS__STATUS_INTERNAL)
        log_info("%s: request %" PRIu64 ": %s: %s", c.name, req->id, wire_status_name(st), c.msg);
    if (status_out != NULL)
        *status_out = st;
    return prc == 0 ? 0 : LH_ENOMEM;
}

/* ------------------------------------------------------------------------
 * The slow calls: Export and Backup (query.h). They write files that the
 * client names, as the daemon's user, so every refusal names the path and
 * the cause, and nothing already there is ever overwritten.
 */

bool query_call_is_slow(Liuhen__Request__CallCase which)
{
    return which == LIUHEN__REQUEST__CALL_EXPORT || which == LIUHEN__REQUEST__CALL_BACKUP;
}

/* Bytes of a path shown in a message: the client quotes the message into
 * an error of 256 bytes, which must keep room for the cause after it. */
#define PATH_SHOWN 96

/* A path for a message: a long one is shown by its end, which names the
 * file, after "...", cut at a UTF-8 character boundary so that the message
 * stays valid UTF-8 (the client quotes it). */
static void show_path(char out[PATH_SHOWN], const char *path)
{
    size_t len = strlen(path);
    if (len < PATH_SHOWN) {
        memcpy(out, path, len + 1);
        return;
    }
    size_t from = len - (PATH_SHOWN - 4);
    while (from < len && ((unsigned char)path[from] & 0xC0) == 0x80)
        from++;
    memcpy(out, "...", 3);
    memcpy(out + 3, path + from, len - from + 1);
}

/* A path from a request: absolute, shorter than PATH_MAX, UTF-8 without
 * control characters (it goes into logs and messages). The daemon resolves
 * it in its own file system view, so a relative path would name a place
 * relative to the daemon's working directory, which no client knows. */
static bool path_ok(call *c, const char *field, const char *path)
{
    size_t len = strlen(path);
    if (len == 0) {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s: empty: give an absolute path, as the daemon sees it", c->name, field);
        return false;
    }
    if (!text_utf8_valid((const uint8_t *)path, len)) {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: not valid UTF-8", c->name,
               field);
        return false;
    }
    if (text_has_control((const uint8_t *)path, len, false)) {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s.%s: holds a control character",
               c->name, field);
        return false;
    }
    char shown[PATH_SHOWN];
    show_path(shown, path);
    if (len >= PATH_MAX) {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s %s: %zu bytes, longer than a path may be (%d)", c->name, field, shown, len,
               PATH_MAX - 1);
        return false;
    }
    if (path[0] != '/') {
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "%s.%s %s: a relative path: give an absolute path, as the daemon sees it", c->name,
               field, shown);
        return false;
    }
    return true;
}

/* What a failed file operation on a path the client named means for the
 * client. A full disk may clear up (UNAVAILABLE, try again later or
 * elsewhere); a path the daemon cannot use is the request's fault
 * (INVALID_ARGUMENT); anything else is the daemon's (INTERNAL). */
static Liuhen__Status file_status(int code)
{
    switch (code) {
    case -ENOSPC:
    case -EDQUOT:
    case -EFBIG:
    case -EIO: return LIUHEN__STATUS__STATUS_UNAVAILABLE;
    case -EACCES:
    case -EPERM:
    case -EROFS:
    case -ENOENT:
    case -ENOTDIR:
    case -EISDIR:
    case -ELOOP:
    case -ENAMETOOLONG:
    case -EEXIST:
    case -EXDEV:
    case -ENOTEMPTY: return LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
    default: return LIUHEN__STATUS__STATUS_INTERNAL;
    }
}

/* Whether a code is -errno rather than one of the LH_E* codes (errors.h:
 * those are all -1000 or below). */
static bool is_errno(int code)
{
    return code < 0 && code > LH_EINVAL;
}

/* The cause of a failed file operation, in words a user acts on. */
static const char *file_cause(int code)
{
    switch (code) {
    case -EACCES:
    case -EPERM: return "the daemon's user cannot write it";
    case -ENOSPC: return "no space left on its file system";
    case -EDQUOT: return "the daemon's user is over its disk quota there";
    case -EFBIG: return "the file grew beyond the largest file its file system allows";
    case -EIO: return "an I/O error on its file system";
    case -EROFS: return "it is on a read-only file system";
    case -ENOENT: return "its parent directory does not exist";
    case -ENOTDIR: return "a component of the path is not a directory";
    case -EISDIR: return "it is a directory";
    case -ELOOP: return "it is a symbolic link (give the real path)";
    case -ENAMETOOLONG: return "the path or a component of it is too long";
    case -EEXIST: return "it exists already";
    default: return lh_strerror(code);
    }
}

/* Refuse a slow call whose file operation `op` failed with -errno `code`. */
static int refuse_file(call *c, const char *field, const char *path, const char *op, int code)
{
    char shown[PATH_SHOWN];
    show_path(shown, path);
    return refuse(c, file_status(code), "%s.%s %s: %s: %s (%s)", c->name, field, shown, op,
                  file_cause(code), lh_errname(code));
}

/* The latest checkpoint, copied into the arena: a slow call works from a
 * copy, since it must not hold a read transaction while it writes files
 * (store.h: that would hold back the map's growth for as long). */
typedef struct latest_copy {
    uint8_t *note; /* in the call's arena */
    size_t len;
    uint64_t size; /* its tree size */
} latest_copy;

static int copy_latest(call *c, latest_copy *out, bool *refused)
{
    *refused = false;
    int rc = store_read_begin(c->env->store, &c->txn);
    if (rc != 0)
        return rc;
    const uint8_t *n;
    rc = latest_checkpoint(c, &n, &out->len, &out->size);
    if (rc == 0) {
        out->note = arena_alloc(&c->a, out->len);
        if (out->note == NULL)
            rc = LH_ENOMEM;
        else
            memcpy(out->note, n, out->len);
    } else if (rc == LH_ENOTFOUND) {
        *refused = true;
        rc = 0;
    }
    store_txn_end(c->txn);
    c->txn = NULL;
    return rc;
}

/* An export directory: created 0755 (whatever the umask: it is meant to
 * be served to others, as publish.h does) or, if it exists, an empty
 * directory that is not a symbolic link. Refuses and returns false
 * otherwise. */
static bool export_dir_ready(call *c, const char *dir)
{
    if (mkdir(dir, 0755) == 0) {
        if (chmod(dir, 0755) != 0) {
            refuse_file(c, "directory", dir, "chmod", -errno);
            return false;
        }
        return true;
    }
    if (errno != EEXIST) {
        refuse_file(c, "directory", dir, "mkdir", -errno);
        return false;
    }
    char shown[PATH_SHOWN];
    show_path(shown, dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        /* With O_DIRECTORY, Linux answers ENOTDIR for a symbolic link as
         * for a file: lstat() tells them apart for the message. */
        int e = errno;
        struct stat st;
        if ((e == ENOTDIR || e == ELOOP) && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
            refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                   "export.directory %s: a symbolic link: give the directory itself", shown);
        else if (e == ENOTDIR)
            refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
                   "export.directory %s: exists and is not a directory", shown);
        else
            refuse_file(c, "directory", dir, "open", -e);
        return false;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int e = errno;
        close(fd);
        refuse_file(c, "directory", dir, "opendir", -e);
        return false;
    }
    char first[64] = "";
    errno = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t n = strlen(de->d_name);
        if (n >= sizeof first || !text_utf8_valid((const uint8_t *)de->d_name, n) ||
            text_has_control((const uint8_t *)de->d_name, n, false))
            snprintf(first, sizeof first, "a file whose name cannot be shown");
        else
            memcpy(first, de->d_name, n + 1);
        break;
    }
    int e = errno;
    closedir(d);
    if (first[0] != '\0') {
        /* Never mix an export with other files: an inspector must be able
         * to take the whole directory as the log's. */
        refuse(c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT,
               "export.directory %s: exists and is not empty (it holds %s): export into a new "
               "or an empty directory",
               shown, first);
        return false;
    }
    if (e != 0) {
        refuse_file(c, "directory", dir, "readdir", -e);
        return false;
    }
    return true;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int do_export(call *c, const Liuhen__ExportRequest *rq, uint64_t id)
{
    if (!path_ok(c, "directory", rq->directory))
        return 0;
    /* Trailing slashes would make the kernel follow a symbolic link that
     * O_NOFOLLOW is there to refuse; "/srv/x/" means "/srv/x". */
    size_t len = strlen(rq->directory);
    char *dir = arena_alloc(&c->a, len + 1);
    if (dir == NULL)
        return LH_ENOMEM;
    memcpy(dir, rq->directory, len + 1);
    while (len > 1 && dir[len - 1] == '/')
        dir[--len] = '\0';

    latest_copy cp;
    bool refused;
    int rc = copy_latest(c, &cp, &refused);
    if (rc != 0 || refused)
        return rc;
    if (!export_dir_ready(c, dir))
        return 0;

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lh_err err = {{0}};
    rc = publish_write(dir, c->env->store, cp.size, cp.note, cp.len, 0, &err);
    if (rc != 0) {
        char shown[PATH_SHOWN];
        show_path(shown, dir);
        bool sys = is_errno(rc);
        Liuhen__Status st = sys ? file_status(rc) : LIUHEN__STATUS__STATUS_INTERNAL;
        /* publish_write() writes the checkpoint last: a directory left
         * without one is visibly incomplete, never mistaken for a log. Its
         * detail names the file that failed: the log keeps it. */
        refuse(c, st,
               "export.directory %s: %s (%s); the directory is left without a checkpoint: empty "
               "or remove it before trying again",
               shown, sys ? file_cause(rc) : lh_strerror(rc), lh_errname(rc));
        if (st == LIUHEN__STATUS__STATUS_INTERNAL)
            log_error("export: request %" PRIu64 ": %s: %s", id, dir,
                      err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        else
            log_info("export: request %" PRIu64 ": %s: %s", id, dir,
                     err.msg[0] != '\0' ? err.msg : lh_strerror(rc));
        return 0;
    }
    /* The directory was empty, so it holds exactly the resources of the
     * tree of `size` leaves (tile.h) and the checkpoint. */
    uint64_t files = 1;
    tile_iter it;
    tile t;
    tile_iter_init(&it, cp.size);
    while (tile_iter_next(&it, &t) == 1)
        files++;
    log_info("export: request %" PRIu64 ": wrote the tiles directory of tree size %" PRIu64
             " into %s: %" PRIu64 " files in %.2f s",
             id, cp.size, dir, files, seconds_since(&t0));

    Liuhen__ExportResponse *r = arena_alloc(&c->a, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    liuhen__export_response__init(r);
    r->tree_size = cp.size;
    r->checkpoint.data = cp.note;
    r->checkpoint.len = cp.len;
    r->files = files;
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_EXPORT;
    c->resp.export = r;
    return 0;
}

static int do_backup(call *c, const Liuhen__BackupRequest *rq, uint64_t id)
{
    const char *path = rq->path;
    if (!path_ok(c, "path", path))
        return 0;
    /* The state the answer reports is read first, so that the copy, whose
     * own snapshot begins later, holds at least that much. */
    latest_copy cp;
    bool refused;
    int rc = copy_latest(c, &cp, &refused);
    if (rc != 0 || refused)
        return rc;

    /* O_EXCL: a backup never replaces a file, not even through a symbolic
     * link (O_EXCL refuses those too); 0600: the copy holds the whole
     * ledger, as private as the data directory. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return refuse_file(c, "path", path, "create", -errno);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *op = "fchmod";
    lh_err err = {{0}};
    struct stat st;
    /* The umask may have taken bits away from 0600; the owner must keep
     * read and write, and nobody else may have any. */
    rc = fchmod(fd, 0600) == 0 ? 0 : -errno;
    if (rc == 0) {
        op = "copy";
        rc = store_backup_fd(c->env->store, fd, &err);
    }
    if (rc == 0) {
        op = "fsync";
        rc = fsync(fd) == 0 ? 0 : -errno;
    }
    if (rc == 0) {
        op = "fstat";
        rc = fstat(fd, &st) == 0 ? 0 : -errno;
    }
    if (close(fd) != 0 && rc == 0) {
        op = "close";
        rc = -errno;
    }
    if (rc == 0) {
        op = "fsync of its directory";
        rc = fileio_sync_parent(path, &err);
    }
    if (rc != 0) {
        /* A partial copy must not pass for a backup. */
        unlink(path);
        char shown[PATH_SHOWN];
        show_path(shown, path);
        bool sys = is_errno(rc);
        Liuhen__Status stt = sys ? file_status(rc) : LIUHEN__STATUS__STATUS_INTERNAL;
        const char *cause = sys ? file_cause(rc) : err.msg[0] != '\0' ? err.msg : lh_strerror(rc);
        refuse(c, stt, "backup.path %s: %s failed, the partial copy is removed: %s (%s)", shown, op,
               cause, lh_errname(rc));
        if (stt == LIUHEN__STATUS__STATUS_INTERNAL)
            log_error("backup: request %" PRIu64 ": %s", id, c->msg);
        return 0;
    }
    log_info("backup: request %" PRIu64 ": copied the store (tree size %" PRIu64
             " or more) to %s: %lld bytes in %.2f s",
             id, cp.size, path, (long long)st.st_size, seconds_since(&t0));

    Liuhen__BackupResponse *r = arena_alloc(&c->a, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    liuhen__backup_response__init(r);
    r->tree_size = cp.size;
    r->bytes = (uint64_t)st.st_size;
    r->checkpoint.data = cp.note;
    r->checkpoint.len = cp.len;
    c->resp.result_case = LIUHEN__RESPONSE__RESULT_BACKUP;
    c->resp.backup = r;
    return 0;
}

int query_answer_slow(const query_env *env, const Liuhen__Request *req, query_buf *out,
                      Liuhen__Status *status_out)
{
    Liuhen__Request__CallCase which = req->call_case;
    if (!query_call_is_slow(which))
        return LH_EINVAL;
    call c = {.env = env, .name = query_call_name(which)};
    liuhen__response__init(&c.resp);
    c.resp.id = req->id;
    int rc = 0;
    /* protobuf-c gives a set message field and an empty string for an
     * absent one; NULL would be a request not made by the decoder. */
    if (which == LIUHEN__REQUEST__CALL_EXPORT && req->export != NULL &&
        req->export->directory != NULL)
        rc = do_export(&c, req->export, req->id);
    else if (which == LIUHEN__REQUEST__CALL_BACKUP && req->backup != NULL &&
             req->backup->path != NULL)
        rc = do_backup(&c, req->backup, req->id);
    else
        refuse(&c, LIUHEN__STATUS__STATUS_INVALID_ARGUMENT, "%s: the request carries no path",
               c.name);
    bool too_large = false;
    size_t size = 0;
    int prc = call_finish(&c, req->id, rc, out, &too_large, &size);
    arena_free(&c.a);
    Liuhen__Status st = too_large ? LIUHEN__STATUS__STATUS_TOO_LARGE : c.resp.status;
    if (st != LIUHEN__STATUS__STATUS_OK && st != LIUHEN__STATUS__STATUS_INTERNAL)
        log_info("%s: request %" PRIu64 ": %s: %s", c.name, req->id, wire_status_name(st), c.msg);
    if (status_out != NULL)
        *status_out = st;
    return prc == 0 ? 0 : LH_ENOMEM;
}
