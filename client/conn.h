/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * conn.h — the transport of the client library (liuhen.h): one connection
 * to liuhend over its Unix socket, requests framed out and responses framed
 * in (docs/design.md "Wire protocol"), every call within one deadline on the
 * monotonic clock, every response matched to its request by id.
 *
 * Requests may be pipelined: conn_queue() frames requests, conn_flush()
 * sends every queued one in one write, conn_recv() takes the answers as
 * they come. The server answers reads at once and appends when their
 * batch is durable, so answers can overtake each other: an answer read
 * while another is awaited is kept (the stash) until it is asked for.
 * Responses are read in large pieces, several frames to a read.
 *
 * A connection whose byte stream may be out of step with its requests (a
 * timeout, a response frame over the limit, bytes that are not a Response,
 * another request's id, the server closing the connection, a socket error)
 * is broken: the call fails, and every later call fails at once with
 * LH_ECLOSED and the first cause. Answers that are well framed but wrong
 * are the caller's to refuse; they do not break the connection.
 */
#ifndef LIUHEN_CONN_H
#define LIUHEN_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "liuhen.pb-c.h"

/** One connection; its fields are read by the library, written here only. */
typedef struct conn {
    int fd;      /* -1 until conn_dial() succeeds */
    bool broken; /* the stream is out of step: every call fails */
    char broken_why[LH_ERR_MSG_MAX];
    uint64_t next_id;    /* request ids increase from 1 */
    uint32_t max_frame;  /* largest response frame body accepted */
    int64_t timeout_ms;  /* per call, end to end */
    char *socket_path;   /* owned */
    uint64_t unanswered; /* requests sent whose answer is not read yet */
    /* Frames queued by conn_queue(), not yet sent. */
    uint8_t *wbuf;
    size_t wlen, wcap;
    /* Bytes read and not yet taken: rbuf[rstart..rend). */
    uint8_t *rbuf;
    size_t rstart, rend, rcap;
    /* Answers read while another was awaited, in arrival order. */
    Liuhen__Response **stash;
    size_t nstash, stash_cap;
} conn;

/**
 * The deadline of a call starting now: the monotonic clock (so that a clock
 * step never shortens or stretches a call), in ms, plus the call timeout.
 */
int64_t conn_deadline(const conn *t);

/**
 * Set up a connection, not yet connected (fd -1).
 * @param[in] socket_path  copied; shorter than sockaddr_un's sun_path.
 * @return 0, or LH_ENOMEM (then conn_close() is still safe).
 */
int conn_init(conn *t, const char *socket_path, uint32_t max_frame, int64_t timeout_ms);

/**
 * Connect to the socket within the deadline. A full listen queue is tried
 * again every 10 ms until the deadline.
 * @return 0, LH_ETIMEOUT or -errno; err names the socket.
 */
int conn_dial(conn *t, int64_t deadline, lh_err *err);

/** Close the socket and free the path; t may be zeroed or half set up. */
void conn_close(conn *t);

/**
 * Send one request (its id is set here) and read its response: conn_queue(),
 * conn_flush() and conn_recv() of its id. A call made when the deadline
 * has already passed fails with LH_ETIMEOUT without breaking the
 * connection.
 * @param[out] out  on 0, a response of the request's id, whatever its
 *                  status; the caller frees it with
 *                  liuhen__response__free_unpacked(). NULL otherwise.
 * @param[in]  what the context of the call, which opens every message.
 * @return 0, LH_ECLOSED, LH_ETIMEOUT, LH_EPROTO, LH_ETOOBIG, LH_ENOMEM or
 *         -errno.
 */
int conn_call(conn *t, Liuhen__Request *req, Liuhen__Response **out, int64_t deadline,
              const char *what, lh_err *err);

/**
 * Frame a request to be sent by the next conn_flush(); its id is set here.
 * @return 0, LH_ECLOSED (broken), LH_ETOOBIG or LH_ENOMEM.
 */
int conn_queue(conn *t, Liuhen__Request *req, const char *what, lh_err *err);

/**
 * Send every queued request within the deadline.
 * @return 0, LH_ECLOSED, LH_ETIMEOUT or -errno (the connection is then
 *         broken).
 */
int conn_flush(conn *t, int64_t deadline, const char *what, lh_err *err);

/**
 * Take the answer to request `id` (0: the first answer to arrive, of any
 * request sent), waiting for it until the deadline; other answers read
 * meanwhile are kept for later calls.
 * @param[out] out  on 0, the response; the caller frees it with
 *                  liuhen__response__free_unpacked().
 * @return 0, LH_ECLOSED, LH_ETIMEOUT, LH_EPROTO (a frame over the limit,
 *         not a Response, or an answer to no request sent), LH_ENOMEM or
 *         -errno; every error but an early timeout breaks the connection.
 */
int conn_recv(conn *t, uint64_t id, Liuhen__Response **out, int64_t deadline, const char *what,
              lh_err *err);

/**
 * conn_call() with a timeout of at least min_timeout_ms, for calls that may
 * take minutes. The connection's timeout is raised for the call, so that a
 * timeout message states the deadline that applied.
 * @param[out] deadline  the deadline used, for the rest of the call.
 */
int conn_call_slow(conn *t, Liuhen__Request *req, Liuhen__Response **out, int64_t min_timeout_ms,
                   int64_t *deadline, const char *what, lh_err *err);

/**
 * conn_call(), then conn_expect(): on 0, *out is an OK response carrying
 * the `want` result; on any error *out is NULL (and freed).
 * @param[in] name  the result's name for messages ("inclusion proof").
 */
int conn_fetch(conn *t, Liuhen__Request *req, Liuhen__Response__ResultCase want, const char *name,
               Liuhen__Response **out, int64_t deadline, const char *what, lh_err *err);

/**
 * The error of a response whose status is not OK: wire_status_to_err() of
 * it, with the server's message quoted (quote.h).
 */
int conn_refused(const Liuhen__Response *r, const char *what, lh_err *err);

/**
 * Check that a response is OK and carries the `want` result.
 * @return 0, the conn_refused() error, or LH_EPROTO.
 */
int conn_expect(const Liuhen__Response *r, Liuhen__Response__ResultCase want, const char *name,
                const char *what, lh_err *err);

#endif
