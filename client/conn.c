/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * conn.c — the client library's transport (conn.h): one frame out, one
 * frame in, within the call's deadline.
 */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "quote.h"
#include "wire.h"

/* ------------------------------------------------------------------------ */
/* Time. */

/* The monotonic clock in milliseconds. */
static int64_t conn_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t conn_deadline(const conn *t)
{
    return conn_now_ms() + t->timeout_ms;
}

/* Milliseconds left before a deadline, as poll() takes them. */
static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - conn_now_ms();
    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ------------------------------------------------------------------------ */
/* The socket. */

int conn_init(conn *t, const char *socket_path, uint32_t max_frame, int64_t timeout_ms)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->next_id = 1;
    t->max_frame = max_frame;
    t->timeout_ms = timeout_ms;
    t->socket_path = strdup(socket_path);
    return t->socket_path != NULL ? 0 : LH_ENOMEM;
}

void conn_close(conn *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    free(t->socket_path);
    t->socket_path = NULL;
    free(t->wbuf);
    free(t->rbuf);
    for (size_t i = 0; i < t->nstash; i++)
        liuhen__response__free_unpacked(t->stash[i], NULL);
    free(t->stash);
    t->wbuf = t->rbuf = NULL;
    t->stash = NULL;
    t->wlen = t->wcap = t->rstart = t->rend = t->rcap = t->nstash = t->stash_cap = 0;
}

/* Wait until the socket is ready for `events` or the deadline passes. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int ms = remaining_ms(deadline);
        if (ms == 0)
            return LH_ETIMEOUT;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, ms);
        if (n > 0)
            return 0; /* ready, or an error or hang-up that the next call reports */
        if (n == 0)
            return LH_ETIMEOUT;
        if (errno != EINTR)
            return -errno;
    }
}

int conn_dial(conn *t, int64_t deadline, lh_err *err)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, t->socket_path, strlen(t->socket_path) + 1);

    t->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (t->fd < 0) {
        int e = errno;
        return lh_err_set(err, -e, "connect %s: socket: %s", t->socket_path, strerror(e));
    }
    /* Non-blocking while connecting, so that a full listen queue cannot hold
     * the caller past the deadline; the socket is blocking afterwards and
     * every read and write is bounded with MSG_DONTWAIT and poll(). */
    int flags = fcntl(t->fd, F_GETFL);
    if (flags < 0 || fcntl(t->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        int e = errno;
        return lh_err_set(err, -e, "connect %s: fcntl: %s", t->socket_path, strerror(e));
    }
    for (;;) {
        if (connect(t->fd, (const struct sockaddr *)&sa, sizeof sa) == 0)
            break;
        int e = errno;
        if (e == EINTR)
            continue;
        if (e == EAGAIN) {
            /* Linux: the server's listen queue is full; try again shortly. */
            int ms = remaining_ms(deadline);
            if (ms == 0)
                return lh_err_set(err, LH_ETIMEOUT,
                                  "connect %s: the server's listen queue stayed full for %" PRId64
                                  " ms",
                                  t->socket_path, t->timeout_ms);
            sleep_ms(ms < 10 ? ms : 10);
            continue;
        }
        if (e == EINPROGRESS) {
            int rc = wait_fd(t->fd, POLLOUT, deadline);
            if (rc == LH_ETIMEOUT)
                return lh_err_set(err, LH_ETIMEOUT, "connect %s: timed out after %" PRId64 " ms",
                                  t->socket_path, t->timeout_ms);
            int so = 0;
            socklen_t sl = sizeof so;
            if (rc == 0 && getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &so, &sl) != 0)
                rc = -errno;
            if (rc == 0 && so != 0)
                rc = -so;
            if (rc != 0)
                return lh_err_set(err, rc, "connect %s: %s", t->socket_path, strerror(-rc));
            break;
        }
        return lh_err_set(err, -e, "connect %s: %s", t->socket_path, strerror(e));
    }
    if (fcntl(t->fd, F_SETFL, flags) < 0) {
        int e = errno;
        return lh_err_set(err, -e, "connect %s: fcntl: %s", t->socket_path, strerror(e));
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Frames. */

/* Mark the connection broken: the byte stream is out of step with the
 * requests. */
static int fail_broken(conn *t, lh_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_broken(conn *t, lh_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->broken_why, sizeof t->broken_why, fmt, ap);
    va_end(ap);
    if (!t->broken && t->fd >= 0)
        shutdown(t->fd, SHUT_RDWR); /* the server sees at once that we are gone */
    t->broken = true;
    return lh_err_set(err, code, "%s", t->broken_why);
}

/* The failure of a wait for the socket (send: POLLOUT, receive: POLLIN). */
static int fail_wait(conn *t, int rc, bool sending, const char *what, lh_err *err)
{
    if (rc != LH_ETIMEOUT)
        return fail_broken(t, err, rc, "%s: poll on %s: %s", what, t->socket_path, strerror(-rc));
    if (sending)
        return fail_broken(t, err, LH_ETIMEOUT,
                           "%s: timed out after %" PRId64 " ms sending the request to %s", what,
                           t->timeout_ms, t->socket_path);
    return fail_broken(t, err, LH_ETIMEOUT,
                       "%s: no answer from %s within the call's timeout of %" PRId64 " ms", what,
                       t->socket_path, t->timeout_ms);
}

static int read_response(conn *t, Liuhen__Response **out, int64_t deadline, const char *what,
                         lh_err *err);
static int stash_put(conn *t, Liuhen__Response *r, const char *what, lh_err *err);

/* Whether rbuf holds a whole frame (or a header over the limit, which
 * read_response() reports at once). */
static bool have_frame(const conn *t)
{
    if (t->rend - t->rstart < WIRE_HEADER_SIZE)
        return false;
    uint32_t len = wire_get_header(t->rbuf + t->rstart);
    return len > t->max_frame || t->rend - t->rstart >= WIRE_HEADER_SIZE + (size_t)len;
}

/* Read, without waiting, what the socket holds. @return 0 or LH_ENOMEM. */
static int drain_socket(conn *t)
{
    for (;;) {
        if (t->rcap - t->rend < 4096) {
            if (t->rstart > 0) {
                memmove(t->rbuf, t->rbuf + t->rstart, t->rend - t->rstart);
                t->rend -= t->rstart;
                t->rstart = 0;
            }
            if (t->rcap - t->rend < 4096 &&
                grow_room(&t->rbuf, &t->rcap, t->rend + 4096, 1, 65536, 0) != 0)
                return LH_ENOMEM;
        }
        ssize_t n = recv(t->fd, t->rbuf + t->rend, t->rcap - t->rend, MSG_DONTWAIT);
        if (n > 0)
            t->rend += (size_t)n;
        else if (n < 0 && errno == EINTR)
            continue;
        else
            return 0;
    }
}

/*
 * The server closed the connection while a request was sent. It says why
 * in a last answer of id 0 when it can ("too many connections...", an idle
 * connection closed): read what it sent before it closed, keep the answers
 * to requests sent earlier, and report that reason rather than a bare
 * close.
 */
static int peer_gone(conn *t, const char *what, lh_err *err)
{
    if (drain_socket(t) == 0) {
        while (have_frame(t)) {
            Liuhen__Response *r = NULL;
            /* An answer of id 0 breaks the connection with the reason. */
            int rc = read_response(t, &r, 0, what, err);
            if (rc != 0)
                return rc;
            if (stash_put(t, r, what, err) != 0)
                return LH_ENOMEM;
        }
    }
    return fail_broken(t, err, LH_ECLOSED,
                       "%s: the server closed the connection %s while the request was sent", what,
                       t->socket_path);
}

static int send_all(conn *t, const uint8_t *buf, size_t len, int64_t deadline, const char *what,
                    lh_err *err)
{
    size_t off = 0;
    while (off < len) {
        /* MSG_DONTWAIT keeps each write within the deadline; MSG_NOSIGNAL
         * turns a closed peer into EPIPE instead of killing the caller. */
        ssize_t n = send(t->fd, buf + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_fd(t->fd, POLLOUT, deadline);
            if (rc != 0)
                return fail_wait(t, rc, true, what, err);
            continue;
        }
        if (errno == EPIPE || errno == ECONNRESET)
            return peer_gone(t, what, err);
        int e = errno;
        return fail_broken(t, err, -e, "%s: cannot send to %s: %s", what, t->socket_path,
                           strerror(e));
    }
    return 0;
}

/* The first read buffer: room for many receipts at once. */
#define RBUF_START 65536

/*
 * Read what the socket holds into rbuf until at least `need` bytes are
 * buffered (rend - rstart), waiting within the deadline.
 */
static int fill(conn *t, size_t need, int64_t deadline, const char *what, lh_err *err)
{
    if (t->rend - t->rstart >= need)
        return 0;
    if (t->rstart + need > t->rcap) {
        /* Move what is left to the front, then grow if that is not room
         * enough (a frame is at most max_frame plus its header). */
        if (t->rend > t->rstart)
            memmove(t->rbuf, t->rbuf + t->rstart, t->rend - t->rstart);
        t->rend -= t->rstart;
        t->rstart = 0;
        if (grow_room(&t->rbuf, &t->rcap, need, 1, RBUF_START, 0) != 0)
            return fail_broken(t, err, LH_ENOMEM, "%s: out of memory for a response of %zu bytes",
                               what, need);
    }
    while (t->rend - t->rstart < need) {
        ssize_t n = recv(t->fd, t->rbuf + t->rend, t->rcap - t->rend, MSG_DONTWAIT);
        if (n > 0) {
            t->rend += (size_t)n;
            continue;
        }
        if (n == 0)
            return fail_broken(t, err, LH_ECLOSED,
                               "%s: the server closed the connection %s before it answered", what,
                               t->socket_path);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_fd(t->fd, POLLIN, deadline);
            if (rc != 0)
                return fail_wait(t, rc, false, what, err);
            continue;
        }
        if (errno == ECONNRESET)
            return fail_broken(t, err, LH_ECLOSED,
                               "%s: the server reset the connection %s before it answered", what,
                               t->socket_path);
        int e = errno;
        return fail_broken(t, err, -e, "%s: cannot read from %s: %s", what, t->socket_path,
                           strerror(e));
    }
    return 0;
}

/* Read the next response frame off the wire and unpack it. */
static int read_response(conn *t, Liuhen__Response **out, int64_t deadline, const char *what,
                         lh_err *err)
{
    int rc = fill(t, WIRE_HEADER_SIZE, deadline, what, err);
    if (rc != 0)
        return rc;
    uint32_t len = wire_get_header(t->rbuf + t->rstart);
    /* The limit is checked before anything is allocated for the body. */
    if (len > t->max_frame)
        return fail_broken(t, err, LH_EPROTO,
                           "%s: the response frame of %" PRIu32
                           " bytes exceeds the limit of %" PRIu32 " bytes",
                           what, len, t->max_frame);
    if ((rc = fill(t, WIRE_HEADER_SIZE + (size_t)len, deadline, what, err)) != 0)
        return rc;
    Liuhen__Response *r =
        liuhen__response__unpack(NULL, len, t->rbuf + t->rstart + WIRE_HEADER_SIZE);
    t->rstart += WIRE_HEADER_SIZE + (size_t)len;
    if (t->rstart == t->rend)
        t->rstart = t->rend = 0;
    if (r == NULL)
        return fail_broken(t, err, LH_EPROTO,
                           "%s: the response of %" PRIu32 " bytes is not a liuhen.Response", what,
                           len);
    /* An answer of id 0 is about the connection, not a request: the
     * server refused it, or is closing it, and says why. */
    if (r->id == 0 && r->status != LIUHEN__STATUS__STATUS_OK) {
        char msg[QUOTE_MESSAGE_MAX];
        quote_text(msg, sizeof msg, r->message);
        Liuhen__Status st = r->status;
        liuhen__response__free_unpacked(r, NULL);
        return fail_broken(t, err, wire_status_to_err(st),
                           "%s: the server ended the connection %s: %s%s%s", what, t->socket_path,
                           wire_status_name(st), msg[0] != '\0' ? ": " : "", msg);
    }
    /* Every answer is to a request sent and not yet answered. */
    if (r->id == 0 || r->id >= t->next_id || t->unanswered == 0) {
        uint64_t got = r->id;
        liuhen__response__free_unpacked(r, NULL);
        return fail_broken(t, err, LH_EPROTO,
                           "%s: the response has id %" PRIu64
                           ", which no request awaiting an answer had (the last request sent "
                           "had id %" PRIu64 ")",
                           what, got, t->next_id - 1);
    }
    for (size_t i = 0; i < t->nstash; i++) {
        if (t->stash[i]->id == r->id) {
            uint64_t got = r->id;
            liuhen__response__free_unpacked(r, NULL);
            return fail_broken(t, err, LH_EPROTO, "%s: two responses have id %" PRIu64, what, got);
        }
    }
    t->unanswered--;
    *out = r;
    return 0;
}

static int stash_put(conn *t, Liuhen__Response *r, const char *what, lh_err *err)
{
    if (grow_room(&t->stash, &t->stash_cap, t->nstash + 1, sizeof *t->stash, 16, 0) != 0) {
        liuhen__response__free_unpacked(r, NULL);
        return fail_broken(t, err, LH_ENOMEM, "%s: out of memory", what);
    }
    t->stash[t->nstash++] = r;
    return 0;
}

/* The stashed answer to id (0: the oldest), taken out of the stash. */
static Liuhen__Response *stash_take(conn *t, uint64_t id)
{
    for (size_t i = 0; i < t->nstash; i++) {
        if (id == 0 || t->stash[i]->id == id) {
            Liuhen__Response *r = t->stash[i];
            memmove(t->stash + i, t->stash + i + 1, (t->nstash - i - 1) * sizeof *t->stash);
            t->nstash--;
            return r;
        }
    }
    return NULL;
}

/* The message of a call on a broken connection. */
static int fail_closed(const conn *t, const char *what, lh_err *err)
{
    return lh_err_set(err, LH_ECLOSED,
                      "%s: the connection is unusable after an earlier failure (%s)", what,
                      t->broken_why);
}

/*
 * A connection with nothing pending that the server has ended (it closes
 * connections left idle, saying so in an answer of id 0) is connected
 * again before the next request: nothing was sent on it that could be
 * lost or carried out twice.
 */
static int revive(conn *t, const char *what, lh_err *err)
{
    /* A connection refused at once ("too many connections") is connected
     * again too, and the new one's refusal is what the request hears. */
    if (t->fd < 0 || t->wlen > 0 || t->unanswered > 0 || t->nstash > 0)
        return 0;
    struct pollfd p = {.fd = t->fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0 || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
        return 0;
    close(t->fd);
    t->fd = -1;
    t->rstart = t->rend = 0;
    lh_err e = {{0}};
    int rc = conn_dial(t, conn_deadline(t), &e);
    if (rc != 0)
        return fail_broken(t, err, rc, "%s: the server ended the idle connection and %s", what,
                           e.msg);
    return 0;
}

int conn_queue(conn *t, Liuhen__Request *req, const char *what, lh_err *err)
{
    if (t->broken)
        return fail_closed(t, what, err);
    int rc = revive(t, what, err);
    if (rc != 0)
        return rc;
    req->id = t->next_id;
    size_t body = liuhen__request__get_packed_size(req);
    if (body > UINT32_MAX || body > SIZE_MAX / 2)
        return lh_err_set(err, LH_ETOOBIG, "%s: the request of %zu bytes cannot be framed", what,
                          body);
    size_t need = t->wlen + WIRE_HEADER_SIZE + body;
    if (grow_room(&t->wbuf, &t->wcap, need, 1, 4096, 0) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory for a request of %zu bytes", what,
                          body);
    t->next_id++;
    wire_put_header(t->wbuf + t->wlen, (uint32_t)body);
    liuhen__request__pack(req, t->wbuf + t->wlen + WIRE_HEADER_SIZE);
    t->wlen += WIRE_HEADER_SIZE + body;
    t->unanswered++;
    return 0;
}

int conn_flush(conn *t, int64_t deadline, const char *what, lh_err *err)
{
    if (t->broken)
        return fail_closed(t, what, err);
    int rc = send_all(t, t->wbuf, t->wlen, deadline, what, err);
    t->wlen = 0;
    return rc;
}

int conn_recv(conn *t, uint64_t id, Liuhen__Response **out, int64_t deadline, const char *what,
              lh_err *err)
{
    *out = stash_take(t, id);
    if (*out != NULL)
        return 0;
    if (t->broken)
        return fail_closed(t, what, err);
    for (;;) {
        Liuhen__Response *r = NULL;
        int rc = read_response(t, &r, deadline, what, err);
        if (rc != 0)
            return rc;
        if (id == 0 || r->id == id) {
            *out = r;
            return 0;
        }
        if ((rc = stash_put(t, r, what, err)) != 0)
            return rc;
    }
}

int conn_call(conn *t, Liuhen__Request *req, Liuhen__Response **out, int64_t deadline,
              const char *what, lh_err *err)
{
    *out = NULL;
    if (t->broken)
        return fail_closed(t, what, err);
    /* Nothing sent yet: a call that is already late fails without breaking. */
    if (remaining_ms(deadline) == 0)
        return lh_err_set(err, LH_ETIMEOUT, "%s: the call's timeout of %" PRId64 " ms has passed",
                          what, t->timeout_ms);
    int rc = conn_queue(t, req, what, err);
    if (rc == 0)
        rc = conn_flush(t, deadline, what, err);
    if (rc == 0)
        rc = conn_recv(t, req->id, out, deadline, what, err);
    return rc;
}

int conn_call_slow(conn *t, Liuhen__Request *req, Liuhen__Response **out, int64_t min_timeout_ms,
                   int64_t *deadline, const char *what, lh_err *err)
{
    int64_t saved = t->timeout_ms;
    if (t->timeout_ms < min_timeout_ms)
        t->timeout_ms = min_timeout_ms;
    *deadline = conn_deadline(t);
    int rc = conn_call(t, req, out, *deadline, what, err);
    t->timeout_ms = saved;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Responses. */

int conn_refused(const Liuhen__Response *r, const char *what, lh_err *err)
{
    char msg[QUOTE_MESSAGE_MAX];
    quote_text(msg, sizeof msg, r->message);
    return lh_err_set(err, wire_status_to_err(r->status), "%s: the server answered %s%s%s", what,
                      wire_status_name(r->status), msg[0] != '\0' ? ": " : "", msg);
}

int conn_expect(const Liuhen__Response *r, Liuhen__Response__ResultCase want, const char *name,
                const char *what, lh_err *err)
{
    if (r->status != LIUHEN__STATUS__STATUS_OK)
        return conn_refused(r, what, err);
    if (r->result_case != want)
        return lh_err_set(err, LH_EPROTO, "%s: the response carries no %s result", what, name);
    return 0;
}

int conn_fetch(conn *t, Liuhen__Request *req, Liuhen__Response__ResultCase want, const char *name,
               Liuhen__Response **out, int64_t deadline, const char *what, lh_err *err)
{
    int rc = conn_call(t, req, out, deadline, what, err);
    if (rc == 0 && (rc = conn_expect(*out, want, name, what, err)) != 0) {
        liuhen__response__free_unpacked(*out, NULL);
        *out = NULL;
    }
    return rc;
}
