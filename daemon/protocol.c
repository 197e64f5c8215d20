/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * protocol.c — liuhend's side of the wire protocol: strict request
 * decoding and response frames (protocol.h).
 */
#include "protocol.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "log.h"
#include "wire.h"

/* ------------------------------------------------------------------------
 * Output buffer
 */

void protocol_buf_free(protocol_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

/* Make room for `more` bytes after buf->len. A buffer holds 0 or at least
 * 4096 bytes (buf_move() in server.c only grows one made here). */
static int buf_reserve(protocol_buf *buf, size_t more)
{
    if (more > SIZE_MAX - buf->len)
        return LH_ENOMEM;
    return grow_room(&buf->data, &buf->cap, buf->len + more, 1, 4096, 0);
}

/* Pack a response that is known to fit into one frame. */
static int put_frame(protocol_buf *out, const Liuhen__Response *resp, size_t n)
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

static int put_verror(protocol_buf *out, uint64_t id, Liuhen__Status status, const char *fmt,
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

int protocol_put_error(protocol_buf *out, uint64_t id, Liuhen__Status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = put_verror(out, id, status, fmt, ap);
    va_end(ap);
    return rc;
}

/* Pack a response, or the TOO_LARGE answer that replaces it when it would
 * exceed the frame limit; *size is the size the response would have had. */
static int put_response(protocol_buf *out, const Liuhen__Response *resp, uint32_t max_frame,
                        bool *too_large, size_t *size)
{
    size_t n = liuhen__response__get_packed_size(resp);
    *too_large = n > max_frame;
    *size = n;
    if (*too_large)
        return protocol_put_error(out, resp->id, LIUHEN__STATUS__STATUS_TOO_LARGE,
                                  "the response to request %" PRIu64
                                  " would be %zu bytes, more than the frame limit of %" PRIu32
                                  " bytes",
                                  resp->id, n, max_frame);
    return put_frame(out, resp, n);
}

int protocol_put_response(protocol_buf *out, const Liuhen__Response *resp, uint32_t max_frame,
                          bool *too_large, size_t *size)
{
    bool big;
    size_t n;
    int rc = put_response(out, resp, max_frame, &big, &n);
    if (too_large != NULL)
        *too_large = big;
    if (size != NULL)
        *size = n;
    return rc;
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

const char *protocol_call_name(Liuhen__Request__CallCase call)
{
    if (call >= CALL_FIRST && call <= CALL_LAST && call_names[call] != NULL)
        return call_names[call];
    return "none";
}

/* Refuse unknown fields anywhere in the request: a field this daemon does
 * not know could carry a meaning the client relies on and the daemon would
 * silently ignore (docs/design.md "The daemon": unknown fields get a clear
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

int protocol_parse_request(const uint8_t *body, size_t len, protocol_request *out, lh_err *err)
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
        /* docs/design.md: the daemon never re-serialises what an author sent;
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

void protocol_request_clear(protocol_request *req)
{
    if (req->msg != NULL)
        liuhen__request__free_unpacked(req->msg, NULL);
    memset(req, 0, sizeof *req);
}

bool protocol_call_is_slow(Liuhen__Request__CallCase which)
{
    return which == LIUHEN__REQUEST__CALL_EXPORT || which == LIUHEN__REQUEST__CALL_BACKUP;
}

/* ------------------------------------------------------------------------
 * Appends
 */

/* The n hashes of a proof as the repeated bytes field of a message, in
 * items (room for n), pointing into hashes, which must outlive the packing.
 * Returns the field's array: NULL when there are none. */
static ProtobufCBinaryData *proof_path(ProtobufCBinaryData *items,
                                       const uint8_t (*hashes)[MERKLE_HASH_SIZE], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        items[i].data = (uint8_t *)hashes[i];
        items[i].len = MERKLE_HASH_SIZE;
    }
    return n > 0 ? items : NULL;
}

int protocol_put_append(protocol_buf *out, const seq_job *job, uint32_t max_frame)
{
    Liuhen__Response resp = LIUHEN__RESPONSE__INIT;
    Liuhen__AppendResponse ar = LIUHEN__APPEND_RESPONSE__INIT;
    Liuhen__Receipt rc = LIUHEN__RECEIPT__INIT;
    Liuhen__InclusionProof ip = LIUHEN__INCLUSION_PROOF__INIT;
    Liuhen__Heads heads = LIUHEN__HEADS__INIT;
    Liuhen__ConsistencyProof cons = LIUHEN__CONSISTENCY_PROOF__INIT;
    ProtobufCBinaryData path[MERKLE_MAX_PROOF], cons_path[MERKLE_MAX_PROOF];
    char message[sizeof job->message];

    resp.id = job->request_id;
    resp.status = job->status;
    memcpy(message, job->message, sizeof message);
    message[sizeof message - 1] = '\0';
    resp.message = message;
    switch (job->status) {
    case LIUHEN__STATUS__STATUS_OK:
    case LIUHEN__STATUS__STATUS_DUPLICATE:
        /* docs/design.md "Merkle tree, checkpoints, receipts": index, leaf hash, integrated_at, a
         * checkpoint that contains it and the inclusion proof against it. */
        if (job->checkpoint == NULL || job->proof_len > MERKLE_MAX_PROOF ||
            job->index >= job->checkpoint->size)
            return protocol_put_error(out, job->request_id, LIUHEN__STATUS__STATUS_INTERNAL,
                                      "append: the writer finished request %" PRIu64
                                      " without a usable receipt",
                                      job->request_id);
        rc.leaf_index = job->index;
        rc.leaf_hash.data = (uint8_t *)job->leaf_hash;
        rc.leaf_hash.len = sizeof job->leaf_hash;
        rc.integrated_at = job->integrated_at;
        rc.checkpoint.data = (uint8_t *)job->checkpoint->note;
        rc.checkpoint.len = job->checkpoint->len;
        ip.leaf_index = job->index;
        ip.tree_size = job->checkpoint->size;
        ip.leaf_hash = rc.leaf_hash;
        ip.n_audit_path = job->proof_len;
        ip.audit_path = proof_path(path, job->proof, job->proof_len);
        rc.inclusion = &ip;
        ar.receipt = &rc;
        /* From the size the client knew (liuhen.proto, AppendRequest.known_size). */
        const seq_proof *p = job->consistency;
        if (p != NULL && p->second == job->checkpoint->size && p->len <= MERKLE_MAX_PROOF) {
            cons.first = p->first;
            cons.second = p->second;
            cons.n_consistency = p->len;
            cons.consistency = proof_path(cons_path, p->hashes, p->len);
            ar.consistency = &cons;
        }
        /* DUPLICATE: the leaf logged under the entry id, whose signature
         * may not be the one sent (liuhen.proto, AppendResponse.leaf). */
        if (job->logged_leaf != NULL) {
            ar.leaf.data = job->logged_leaf;
            ar.leaf.len = job->logged_leaf_len;
        }
        resp.result_case = LIUHEN__RESPONSE__RESULT_APPEND;
        resp.append = &ar;
        break;
    case LIUHEN__STATUS__STATUS_CONFLICT:
        /* Heads are given only where there is one (sequencer.h: zero when
         * there is none), as GetAuthorHead does. */
        heads.author_seq = job->author_seq;
        if (job->author_seq > 0) {
            heads.author_head.data = (uint8_t *)job->author_head;
            heads.author_head.len = sizeof job->author_head;
        }
        heads.case_length = job->case_length;
        if (job->case_length > 0) {
            heads.case_head.data = (uint8_t *)job->case_head;
            heads.case_head.len = sizeof job->case_head;
        }
        ar.heads = &heads;
        resp.result_case = LIUHEN__RESPONSE__RESULT_APPEND;
        resp.append = &ar;
        break;
    default: break;
    }
    return protocol_put_response(out, &resp, max_frame, NULL, NULL);
}

/* ------------------------------------------------------------------------
 * Replies
 */

void protocol_reply_init(protocol_reply *r, uint64_t id, Liuhen__Request__CallCase which)
{
    memset(r, 0, sizeof *r);
    liuhen__response__init(&r->resp);
    r->resp.id = id;
    r->name = protocol_call_name(which);
}

int protocol_refuse(protocol_reply *r, Liuhen__Status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    r->resp.status = status;
    r->resp.message = r->msg;
    r->resp.result_case = LIUHEN__RESPONSE__RESULT__NOT_SET;
    return 0;
}

int protocol_reply_finish(protocol_reply *r, int rc, protocol_buf *out, uint32_t max_frame,
                          bool *too_large, size_t *size)
{
    uint64_t id = r->resp.id;
    if (rc != 0) {
        /* Store errors and memory exhaustion are the daemon's fault, never
         * the client's: INTERNAL, named and logged as errors. */
        protocol_refuse(r, LIUHEN__STATUS__STATUS_INTERNAL, "%s: request %" PRIu64 ": %s (%s)",
                        r->name, id, lh_strerror(rc), lh_errname(rc));
        log_error("%s", r->msg);
    }
    int prc = put_response(out, &r->resp, max_frame, too_large, size);
    if (prc != 0 && r->resp.status == LIUHEN__STATUS__STATUS_OK) {
        prc = protocol_put_error(out, id, LIUHEN__STATUS__STATUS_INTERNAL,
                                 "%s: request %" PRIu64 ": out of memory", r->name, id);
        r->resp.status = LIUHEN__STATUS__STATUS_INTERNAL;
    }
    return prc;
}

Liuhen__Status protocol_reply_status(const protocol_reply *r, bool too_large, size_t size,
                                     uint32_t max_frame)
{
    uint64_t id = r->resp.id;
    Liuhen__Status st = too_large ? LIUHEN__STATUS__STATUS_TOO_LARGE : r->resp.status;
    if (too_large)
        log_info("%s: request %" PRIu64 ": TOO_LARGE: the response would be %zu bytes, more "
                 "than the frame limit of %" PRIu32 " bytes",
                 r->name, id, size, max_frame);
    else if (st == LIUHEN__STATUS__STATUS_NOT_FOUND)
        log_debug("%s: request %" PRIu64 ": NOT_FOUND: %s", r->name, id, r->msg);
    else if (st != LIUHEN__STATUS__STATUS_OK && st != LIUHEN__STATUS__STATUS_INTERNAL)
        log_info("%s: request %" PRIu64 ": %s: %s", r->name, id, wire_status_name(st), r->msg);
    return st;
}

void protocol_reply_free(protocol_reply *r)
{
    arena_free(&r->a);
}
