/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * server.h — liuhend's Unix-socket server (docs/design.md "Wire protocol" and
 * "Daemon behaviour"), in the manner of OpenBSD ntpd's control.c: the
 * listening socket, one struct per connection, framing, and one dispatch.
 *
 * Frames are a 4-byte big-endian length and one protobuf Request; the
 * response to each carries the request's id, so a client may pipeline.
 * Read calls are answered on the loop thread from one LMDB read
 * transaction each (query.h). Appends travel the write path of
 * sequencer.h: the appends of one read are submitted to the sequencer as
 * one group, in the order they arrived on their connection, and answered
 * when it reports them finished (server_notify wakes the loop). Export and
 * Backup,
 * which may take minutes (snapshot_answer()), run on the thread pool
 * too, one at a time for the whole server in the order they arrived, so
 * that they never take every worker from the appends; their connection
 * goes on serving its other requests meanwhile.
 *
 * Bad input (docs/design.md "The daemon"):
 *  - a frame length of 0 or above the frame limit loses the framing: it is
 *    answered (id 0, INVALID_ARGUMENT or TOO_LARGE, naming both sizes) and
 *    the connection is closed once that answer and every append already in
 *    flight on it are written;
 *  - a body that is not a liuhen.Request, a request with no call or two,
 *    or with an unknown field, is answered INVALID_ARGUMENT naming the
 *    problem, and the connection goes on;
 *  - each connection has at most max_inflight appends in flight and
 *    max_queued bytes of responses waiting for the client to read them;
 *    beyond either, the server stops reading that socket (back-pressure)
 *    until it drains, so a slow or hostile client holds back only itself;
 *  - all connections together may leave max_output bytes of responses
 *    unread; beyond that, the server stops reading the connections that
 *    have responses unread (those that cause it) until it drains, while
 *    the others go on; a request is carried out only when these limits
 *    allow it, so each connection overshoots by one response at most;
 *  - a connection with nothing in flight that neither sends nor reads for
 *    idle_ms, or whose request frame is not complete frame_ms after its
 *    first byte, is told why (id 0) and closed;
 *  - connections are admitted by connlimit.h (a total with a few slots
 *    kept for administrators, and a limit per uid, read with
 *    SO_PEERCRED): one refused is accepted, answered UNAVAILABLE "too many
 *    connections..." (id 0) and closed at once (logged).
 *
 * Lifecycle: server_new() (before the sequencer starts, whose notify
 * callback is server_notify), server_listen(), then on SIGTERM
 * server_shutdown(); when its callback reports the drain finished, stop
 * the sequencer, call server_close(), let the loop run until it ends, and
 * server_free().
 *
 * Thread safety: everything runs on the loop thread, except server_notify(),
 * which any thread may call until server_close().
 */
#ifndef LIUHEN_SERVER_H
#define LIUHEN_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "errors.h"
#include "keyring.h"
#include "publish.h"
#include "sequencer.h"
#include "store.h"
#include "witnessing.h"

/** Appends one connection may have in flight before the server stops reading it. */
#define SERVER_DEFAULT_INFLIGHT 256
/** Response bytes one connection may leave unread before the server stops reading it. */
#define SERVER_DEFAULT_QUEUED ((size_t)4 << 20)
/** How long a closing connection may take to read its last responses, in ms. */
#define SERVER_DEFAULT_LINGER_MS 30000
/** Connections served at once unless configured. */
#define SERVER_DEFAULT_CONNECTIONS 256
/** Response bytes all connections together may leave unread before the
 *  server stops reading those that have some (--max-output-buffer). */
#define SERVER_DEFAULT_OUTPUT ((size_t)64 << 20)
/** Seconds a connection may stay idle (nothing in flight, nothing sent or read). */
#define SERVER_DEFAULT_IDLE_S 300
/** Seconds a request frame may take from its first byte to its last. */
#define SERVER_DEFAULT_FRAME_S 30

typedef struct server server;

/** The server's settings; strings are copied by server_new(). */
typedef struct server_config {
    const char *socket_path;   /**< the Unix socket to create */
    const char *group;         /**< group owning the socket (mode 0660), or NULL for the user's */
    uint32_t max_frame;        /**< largest frame body, in and out */
    unsigned max_connections;  /**< 0: SERVER_DEFAULT_CONNECTIONS */
    unsigned max_per_user;     /**< per uid but administrators; 0: a quarter of the total */
    size_t max_output;         /**< unread responses of all; 0: SERVER_DEFAULT_OUTPUT */
    unsigned idle_ms;          /**< idle timeout; 0: none */
    unsigned frame_ms;         /**< partial-frame timeout; 0: none */
    unsigned max_inflight;     /**< per connection; 0: SERVER_DEFAULT_INFLIGHT */
    size_t max_queued;         /**< per connection; 0: SERVER_DEFAULT_QUEUED */
    unsigned linger_ms;        /**< 0: SERVER_DEFAULT_LINGER_MS */
    store *store;              /**< borrowed until server_free() */
    keyring *keys;             /**< borrowed until server_free(); GetKeys */
    const char *origin;        /**< the log's origin */
    const char *log_vkey;      /**< the log's verifier key, for Status */
    int64_t started_at;        /**< unix ms, for Status */
    witnessing *witnessing;    /**< borrowed; NULL without witnesses; for Status */
    unsigned min_cosignatures; /**< liuhend --min-cosignatures, for Status */
    /** Where Export and Backup may write and who may ask (snapshot.h);
     *  copied, its paths and descriptors borrowed until server_free().
     *  NULL: both are refused. */
    const struct snapshot_config *snapshot;
} server_config;

/**
 * Create the server on a loop: its wake-up handle, no socket yet.
 * @param[out] out   the server, freed with server_free().
 * @param[in]  loop  the event loop; borrowed until server_free().
 * @param[in]  cfg   settings; copied.
 * @param[out] err   optional detail.
 * @return 0; LH_EINVAL (no socket path, store or frame limit); LH_ENOMEM;
 *         a libuv error as -errno.
 */
int server_new(server **out, uv_loop_t *loop, const server_config *cfg, lh_err *err);

/**
 * Wake the loop to collect finished appends: a sequencer_notify_fn with
 * the server as context. Thread-safe; must not be called after
 * server_close().
 */
void server_notify(void *srv);

/**
 * Create the socket and start accepting. A stale socket file is removed;
 * a live one (a connection to it succeeds) means another daemon serves
 * this path, and the server refuses to take it over.
 * @param[in] seq  the write path for appends; NULL answers every append
 *                 UNAVAILABLE (for read-only use and tests). Borrowed until
 *                 server_free().
 * @param[in] pub  the publisher, for Status (may be NULL). Borrowed.
 * @param[out] err names the path and the cause.
 * @return 0; LH_EEXIST (another daemon listens there; or the path exists
 *         and is not a socket); LH_EINVAL (path too long for a Unix socket
 *         address; unknown group); -errno (bind, chmod, chown, listen).
 */
int server_listen(server *srv, sequencer *seq, publisher *pub, lh_err *err);

/** Called once when server_shutdown()'s drain is complete. */
typedef void (*server_drained_fn)(void *ctx);

/**
 * Begin a graceful stop (docs/design.md "The daemon", SIGTERM): close the
 * listener and remove the socket file, stop reading requests on every
 * connection, let every append in flight finish and its response be
 * written (a connection whose client does not read is closed after the
 * linger time), then call `drained`, from the loop. Requests already read
 * but held back by the limits when the drain begins are answered
 * UNAVAILABLE ("send it again"), never silently dropped. An export or a
 * backup that a worker has begun is finished and answered before
 * `drained` (however long it takes: the linger time of its connection
 * counts from its answer); those not yet begun are answered UNAVAILABLE.
 * Calling it again does nothing but log how much is still in flight.
 */
void server_shutdown(server *srv, server_drained_fn drained, void *ctx);

/**
 * Requests in flight, for logs: appends (in the thread pool or in the
 * sequencer), exports and backups (waiting or running).
 */
size_t server_inflight(const server *srv);

/**
 * Close every handle of the server (connections, listener, wake-up). Call
 * it after the sequencer has stopped (no server_notify() may follow); run
 * the loop until it returns so that the close callbacks run, then call
 * server_free(). Finished appends still waiting are freed unanswered.
 */
void server_close(server *srv);

/** Free a closed server (or one whose loop never ran). Accepts NULL. */
void server_free(server *srv);

#endif
