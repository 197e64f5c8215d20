/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * protocol.h — liuhend's side of the wire protocol (docs/design.md "Wire
 * protocol"), its encoding only: a frame body decoded strictly into a
 * liuhen.Request, and Response frames packed into an output buffer, none
 * larger than the frame limit. What a call means is answered elsewhere:
 * appends by the sequencer (sequencer.h), reads by query.h, Export and
 * Backup by snapshot.h; each builds its Response in a protocol_reply.
 *
 * Nothing here keeps state between calls; every function is safe on any
 * thread for the objects it is given.
 */
#ifndef LIUHEN_PROTOCOL_H
#define LIUHEN_PROTOCOL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "errors.h"
#include "liuhen.pb-c.h"
#include "sequencer.h"

/**
 * A growing byte buffer of outgoing frames. Zero-initialise it; free its
 * data with protocol_buf_free().
 */
typedef struct protocol_buf {
    uint8_t *data; /**< malloc'd, owned by the buffer */
    size_t len;    /**< bytes of complete frames */
    size_t cap;    /**< room in data */
} protocol_buf;

/** Free a buffer's memory and zero it. Accepts a zeroed buffer. */
void protocol_buf_free(protocol_buf *buf);

/** A decoded request (protocol_parse_request()). */
typedef struct protocol_request {
    uint64_t id;                 /**< the request's id (0 when it could not be read) */
    Liuhen__Request *msg;        /**< the request; free with protocol_request_clear() */
    const uint8_t *signed_entry; /**< APPEND: the SignedEntry bytes exactly as received,
                                      pointing into msg */
    size_t signed_len;
} protocol_request;

/**
 * Decode one frame body as a liuhen.Request, strictly: a well-formed
 * protobuf in its canonical encoding (wire_is_canonical(): so a call given
 * twice or a NUL inside a string is refused rather than merged or cut),
 * exactly one call set, no unknown field anywhere in the request (naming
 * its number), and for Append a non-empty signed_entry, whose bytes are
 * returned as received (the daemon never re-serialises what an author
 * sent).
 * @param[in]  body  the frame body, len bytes.
 * @param[out] out   on success the request; on failure out->id is the
 *                   request's id if the protobuf could be read (else 0) and
 *                   out->msg is NULL.
 * @param[out] err   a sentence for the client naming the problem.
 * @return 0; LH_EPARSE (not a liuhen.Request protobuf, not canonical, or no
 *         call set), LH_EUNKNOWNFIELD, LH_EFIELD (an empty signed entry),
 *         LH_ENOMEM. Every error is answered INVALID_ARGUMENT except
 *         LH_ENOMEM (INTERNAL).
 */
int protocol_parse_request(const uint8_t *body, size_t len, protocol_request *out, lh_err *err);

/** Free a decoded request. Accepts a zeroed or already cleared one. */
void protocol_request_clear(protocol_request *req);

/**
 * The name of a request's call as in liuhen.proto ("append",
 * "get_inclusion_proof"); "none" when no call is set. A static string.
 */
const char *protocol_call_name(Liuhen__Request__CallCase call);

/**
 * Whether a call is one of the slow ones (Export, Backup: snapshot.h), which
 * write files and may take minutes, so that the server runs them on a
 * worker thread rather than on the event loop.
 */
bool protocol_call_is_slow(Liuhen__Request__CallCase which);

/**
 * Append one frame (4-byte big-endian length, then the packed Response) to
 * out. A response whose body would exceed max_frame is replaced by a
 * TOO_LARGE response with the same id naming both sizes, so that no client
 * ever receives a frame larger than the limit.
 * @param[out] too_large  optional: whether it was replaced.
 * @param[out] size       optional: the size the response had.
 * @return 0, LH_ENOMEM (out is unchanged).
 */
int protocol_put_response(protocol_buf *out, const Liuhen__Response *resp, uint32_t max_frame,
                          bool *too_large, size_t *size);

/**
 * Append a response frame with no result: status and a message naming the
 * problem (printf format).
 * @return 0, LH_ENOMEM (out is unchanged).
 */
int protocol_put_error(protocol_buf *out, uint64_t id, Liuhen__Status status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/**
 * Append the Response of a finished append: a receipt (OK, DUPLICATE, with
 * the logged leaf for a DUPLICATE, and the consistency proof from the size
 * the client knew when the writer made one), the heads (CONFLICT) or the status and
 * message alone. A job the writer finished without a usable receipt is
 * answered INTERNAL.
 * @return 0, LH_ENOMEM (out is unchanged).
 */
int protocol_put_append(protocol_buf *out, const seq_job *job, uint32_t max_frame);

/**
 * A Response being built by a call: an arena owns every piece of it, so
 * that a response of thousands of entries and proofs is freed in one sweep
 * whatever path the call took. protocol_reply_init() it, fill resp (or
 * protocol_refuse()), protocol_reply_finish(), protocol_reply_free().
 */
typedef struct protocol_reply {
    arena a;               /**< owns the result's pieces */
    Liuhen__Response resp; /**< the response; its message points at msg */
    const char *name;      /**< the call's name, for messages and logs */
    char msg[512];         /**< the response's message */
} protocol_reply;

/** An OK response with no result, to request id, for the call `which`. */
void protocol_reply_init(protocol_reply *r, uint64_t id, Liuhen__Request__CallCase which);

/**
 * Answer with a status and a message naming the problem (printf format);
 * the result is dropped.
 * @return 0, so that a call may `return protocol_refuse(...)`.
 */
int protocol_refuse(protocol_reply *r, Liuhen__Status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Frame the reply into out. A failure of the daemon's own (rc: a store
 * error or memory exhaustion) is answered INTERNAL, and logged as an
 * error; when memory for the full response is lacking, a short INTERNAL
 * answer is tried. Sets *too_large and *size as protocol_put_response().
 * @return 0, or LH_ENOMEM when not even the short answer could be framed.
 */
int protocol_reply_finish(protocol_reply *r, int rc, protocol_buf *out, uint32_t max_frame,
                          bool *too_large, size_t *size);

/**
 * The status answered (TOO_LARGE when the response was replaced), logged
 * as a refusal is: info, debug for NOT_FOUND; OK and INTERNAL (logged by
 * protocol_reply_finish()) are not.
 */
Liuhen__Status protocol_reply_status(const protocol_reply *r, bool too_large, size_t size,
                                     uint32_t max_frame);

/** Free the reply's arena. */
void protocol_reply_free(protocol_reply *r);

#endif
