/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * whttp.h — the witness's HTTP front (libmicrohttpd): POST /add-checkpoint
 * of c2sp.org/tlog-witness, answered by wstate_add_checkpoint().
 *
 * Everything else is refused before a body is read: another path is 404,
 * another method on /add-checkpoint 405 (with "Allow: POST"), a body over
 * WITNESS_REQUEST_MAX 413 when Content-Length announces it; a body sent
 * without a length (chunked) that passes the limit has its connection
 * closed there, unanswered. Connections are bounded in number
 * (WHTTP_MAX_CONNECTIONS, WHTTP_MAX_PER_IP) and in time (WHTTP_TIMEOUT_S of
 * silence closes one); requests run on a small pool of threads, which the
 * state's mutex serialises where they touch the state.
 */
#ifndef LIUHEN_WHTTP_H
#define LIUHEN_WHTTP_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "errors.h"
#include "wstate.h"

/** Seconds of silence after which a connection is closed. */
#define WHTTP_TIMEOUT_S 10
/** Connections served at once; more wait in the listen queue. */
#define WHTTP_MAX_CONNECTIONS 64
/** Connections one client address may hold at once. */
#define WHTTP_MAX_PER_IP 16
/** Threads answering requests. */
#define WHTTP_THREADS 4
/** Room for an address as whttp_start() prints it: "[v6 address]:port". */
#define WHTTP_ADDR_MAX 64

/** What to serve. */
typedef struct whttp_config {
    const char *listen; /**< "ADDR:PORT", "[V6ADDR]:PORT"; port 0: the system picks one */
    wstate *state;      /**< borrowed until whttp_stop() */
    FILE *log;          /**< one line per answer (stderr), or NULL */
} whttp_config;

/** A running server. Opaque. */
typedef struct whttp whttp;

/**
 * Parse "ADDR:PORT" (an IPv4 address, or an IPv6 one between brackets, or
 * a host name that resolves; PORT 0 to 65535).
 * @return 0; LH_EINVAL (err says what is wrong).
 */
int whttp_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, lh_err *err);

/**
 * Bind, listen and start answering on threads of its own.
 * @param[out] out    the server; stop it with whttp_stop().
 * @param[out] bound  the address bound, "127.0.0.1:PORT" or "[::1]:PORT",
 *                    with the port the system picked for port 0.
 * @return 0; LH_EINVAL (address); -errno (socket, bind, listen);
 *         LH_EINTERNAL (libmicrohttpd would not start); LH_ENOMEM.
 */
int whttp_start(const whttp_config *cfg, whttp **out, char bound[WHTTP_ADDR_MAX], lh_err *err);

/**
 * Stop: close the listening socket and every connection, after the
 * requests being answered are done (their state already durable).
 * @param[in] h  may be NULL.
 */
void whttp_stop(whttp *h);

#endif
