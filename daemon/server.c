/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * server.c — the Unix-socket server of server.h.
 *
 * A connection's life: OPEN (reading and answering), then DRAINING (no
 * more reading: after end of input, a framing error, or the daemon's
 * shutdown; it closes as soon as every append in flight on it is answered
 * and every response written, or when its linger timer fires), then
 * CLOSING (its handles are closing). The struct outlives its handles while
 * appends of it are still in the thread pool or the sequencer (counted in
 * `inflight`): their results are then freed unanswered.
 *
 * Output is coalesced: the responses produced by one read callback, or by
 * one wake-up of finished appends, are packed into the connection's `out`
 * buffer and handed to libuv as one write. At the load liuhen aims for
 * (thousands of appends a second from a few clients) that is one write
 * system call per connection per batch instead of one per response.
 *
 * Slow calls (Export, Backup: snapshot.h) take seconds or minutes. Each is
 * carried out by snapshot_answer() on libuv's thread pool, one at a time
 * for the whole server, in the order they arrived, so that two backups
 * never compete for the same disk (the appends' signature checks run on
 * the sequencer's own threads). Meanwhile their connection goes on reading
 * and answering other requests (responses carry the request's id); the
 * call counts as in flight, on the connection and for the drain.
 *
 * Limits (server.h, docs/design.md "Connections and memory"): a new
 * connection is admitted by connlimit.h from its peer's uid; each open
 * connection has one timer for the idle and the partial-frame timeouts
 * (conn_arm_idle()); and the bytes handed to libuv and not yet written,
 * of all connections (srv->queued), are held under --max-output-buffer by
 * not reading the connections that have some (conn_may_read()), which go
 * on when it drains (server_resume()).
 *
 * One file, longer than the others: every callback here moves the same
 * connection through its states (reading, back-pressure, appends, slow
 * calls, output, the drain), and split up each part would reach into the
 * fields of the others.
 */
#define _GNU_SOURCE /* struct ucred (SO_PEERCRED) */
#include "server.h"

#include <errno.h>
#include <grp.h>
#include <malloc.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#include "connlimit.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "query.h"
#include "snapshot.h"
#include "wire.h"

/* Room a read asks for beyond what the current frame needs. */
#define READ_CHUNK 65536

/* A read buffer larger than this is released once it is empty, so that
 * one large frame does not pin memory for the connection's whole life. */
#define READ_KEEP 131072

/* Memory given back to the allocator since the last malloc_trim(): past
 * this much, once no output is queued anywhere, the heap is trimmed, so
 * that what slow readers made the daemon hold is returned to the system
 * after they leave rather than kept by malloc for the daemon's life. */
#define TRIM_AFTER ((size_t)16 << 20)

typedef struct conn conn;

typedef struct write_req {
    uv_write_t req;
    conn *c;
    uv_buf_t buf;
} write_req;

/* A slow call (Export, Backup), waiting in the server's queue or running
 * on the thread pool. */
typedef struct slow_work {
    uv_work_t req;
    conn *c;
    protocol_request rq;    /* the decoded request, owned */
    protocol_buf out;       /* its response frame, built by the worker */
    int rc;                 /* snapshot_answer()'s result */
    struct slow_work *next; /* srv->slow_head, in arrival order */
} slow_work;

enum conn_state { CONN_OPEN, CONN_DRAINING, CONN_CLOSING };

struct conn {
    uv_pipe_t pipe;
    uv_timer_t linger;
    uv_timer_t idle; /* the idle and the partial-frame timeouts (conn_arm_idle) */
    server *srv;
    uint64_t id;
    uid_t uid;              /* the peer's, from SO_PEERCRED */
    bool counted;           /* in srv->users */
    uint64_t last_progress; /* uv_now() of the last byte read or written */
    uint64_t frame_started; /* uv_now() when the partial frame in rbuf began, or 0 */
    enum conn_state state;
    bool reading;
    bool paused;      /* for the back-pressure log line */
    bool dirty;       /* on the wake-up's list of connections with new output */
    unsigned handles; /* handles not yet closed (pipe, linger, idle) */
    unsigned guard;   /* > 0 while a callback still uses the struct */
    uint8_t *rbuf;
    size_t rlen, rcap;
    protocol_buf out;            /* responses not yet handed to libuv */
    size_t queued;               /* bytes handed to libuv, not yet written */
    unsigned writes;             /* write requests not yet called back */
    size_t inflight;             /* appends and slow calls read and not yet answered (or dropped) */
    unsigned slow;               /* of which slow calls, queued or running */
    peer_cred peer;              /* SO_PEERCRED at accept: who may ask for slow calls */
    seq_job *batch, *batch_tail; /* appends of the current read */
    size_t nbatch;
    conn *prev, *next; /* srv->conns, or srv->zombies once closing */
    conn *dirty_next;
};

struct server {
    uv_loop_t *loop;
    uv_pipe_t listener;
    uv_async_t wake;
    uv_timer_t check; /* runs the drained check from a clean stack */
    bool listener_open, listening, socket_created;
    unsigned open_handles; /* listener, wake, check: not yet called back from uv_close */
    char *socket_path, *group, *origin, *log_vkey;
    uint32_t max_frame;
    unsigned max_connections, max_inflight, linger_ms, idle_ms, frame_ms;
    size_t max_queued;
    size_t max_output; /* bytes of responses unread, of every connection */
    size_t queued;     /* bytes handed to libuv and not yet written, of every connection */
    size_t released;   /* freed since the last malloc_trim() */
    connlimit_policy limits;
    connlimit_users users; /* open connections by uid */
    store *store;
    keyring *keys;
    sequencer *seq;
    publisher *pub;
    int64_t started_at;
    witnessing *witnessing;
    unsigned min_cosignatures;
    snapshot_config snapshot; /* its paths borrowed from the config */
    query_env qenv;
    conn *conns;   /* open and draining connections */
    conn *zombies; /* closing connections, freed when their appends are back */
    unsigned nconns;
    uint64_t next_id;
    size_t inflight;
    slow_work *slow_head, *slow_tail; /* slow calls waiting for their turn */
    slow_work *slow_running;          /* the one on the thread pool, or NULL */
    bool draining, closed, drained_called;
    server_drained_fn drained;
    void *drained_ctx;
};

static void conn_close(conn *c);
static void conn_process(conn *c);
static void server_check_drained(server *srv);
static bool server_over_output(const server *srv, size_t more);
static void server_resume(server *srv);

/* ------------------------------------------------------------------------
 * Connection list helpers
 */

static void list_remove(conn **head, conn *c)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        *head = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
}

static void list_push(conn **head, conn *c)
{
    c->prev = NULL;
    c->next = *head;
    if (*head != NULL)
        (*head)->prev = c;
    *head = c;
}

static void conn_maybe_free(conn *c)
{
    if (c->state != CONN_CLOSING || c->handles > 0 || c->inflight > 0 || c->guard > 0)
        return;
    list_remove(&c->srv->zombies, c);
    free(c);
}

/* ------------------------------------------------------------------------
 * Output
 */

static void on_write(uv_write_t *req, int status)
{
    write_req *w = (write_req *)req;
    conn *c = w->c;
    server *srv = c->srv;
    bool was_over = server_over_output(srv, 0);
    c->queued -= w->buf.len;
    srv->queued -= w->buf.len;
    srv->released += w->buf.len;
    c->writes--;
    free(w->buf.base);
    free(w);
    if (srv->queued == 0 && srv->released >= TRIM_AFTER) {
        malloc_trim(0);
        srv->released = 0;
    }
    if (c->state == CONN_CLOSING)
        return; /* cancelled by uv_close: the close callback frees the rest */
    if (status < 0) {
        log_debug("connection %" PRIu64 ": write failed: %s", c->id, uv_strerror(status));
        conn_close(c);
        return;
    }
    c->last_progress = uv_now(srv->loop);
    /* Room was made: resume reading, and dispatch requests that were
     * held back while the client was not reading its responses. */
    conn_process(c);
    /* Below the server's cap again: the other connections held back by it
     * go on too. */
    if (was_over && !server_over_output(srv, 0))
        server_resume(srv);
}

/* Hand the pending responses to libuv as one write. */
static void conn_flush(conn *c)
{
    if (c->state == CONN_CLOSING || c->out.len == 0)
        return;
    write_req *w = malloc(sizeof *w);
    if (w == NULL) {
        log_error("connection %" PRIu64 ": out of memory for a write: closing it", c->id);
        conn_close(c);
        return;
    }
    w->c = c;
    w->buf = uv_buf_init((char *)c->out.data, (unsigned)c->out.len);
    /* The buffer now belongs to the write request. */
    c->out.data = NULL;
    c->out.len = 0;
    c->out.cap = 0;
    int rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &w->buf, 1, on_write);
    if (rc < 0) {
        log_debug("connection %" PRIu64 ": write failed: %s", c->id, uv_strerror(rc));
        free(w->buf.base);
        free(w);
        conn_close(c);
        return;
    }
    c->queued += w->buf.len;
    c->srv->queued += w->buf.len;
    c->writes++;
}

/* Answer a request with an error status; when even that cannot be done the
 * connection is closed, since its client would wait forever. */
static void conn_error(conn *c, uint64_t id, Liuhen__Status status, const char *msg)
{
    if (protocol_put_error(&c->out, id, status, "%s", msg) != 0) {
        log_error("connection %" PRIu64 ": out of memory for a response: closing it", c->id);
        conn_close(c);
    }
}

/* ------------------------------------------------------------------------
 * Reading and back-pressure
 */

/* Whether the responses unread on every connection, with `more` bytes
 * not yet handed to libuv, reach the server's cap (--max-output-buffer). */
static bool server_over_output(const server *srv, size_t more)
{
    return srv->queued + more >= srv->max_output;
}

/* Whether the connection may read and carry out one more request. Its own
 * limits hold it back alone; the server's cap on unread responses holds
 * back only the connections that have responses unread (those that cause
 * it), so that a client which reads its answers is still served while
 * others do not. Each request is carried out only when these allow it, so
 * a large response is built only when there is room for it: a connection
 * overshoots its limits by one response at most. */
static bool conn_may_read(const conn *c)
{
    const server *srv = c->srv;
    size_t unread = c->queued + c->out.len;
    return c->state == CONN_OPEN && c->inflight < srv->max_inflight && unread < srv->max_queued &&
           (unread == 0 || !server_over_output(srv, c->out.len));
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    conn *c = h->data;
    size_t need = READ_CHUNK;
    if (c->rlen >= WIRE_HEADER_SIZE) {
        /* Make room for the whole of the frame being received, so that a
         * frame of up to max_frame bytes is read without further copies. */
        uint32_t n = wire_get_header(c->rbuf);
        if (n <= c->srv->max_frame && c->rlen < WIRE_HEADER_SIZE + (size_t)n &&
            WIRE_HEADER_SIZE + (size_t)n - c->rlen > need)
            need = WIRE_HEADER_SIZE + (size_t)n - c->rlen;
    }
    if (c->rcap - c->rlen < need) {
        /* Double rather than grow by the exact need, so that a stream of
         * partial frames does not realloc on every read; never beyond one
         * largest frame and one read. */
        size_t cap = c->rcap * 2;
        size_t limit = WIRE_HEADER_SIZE + (size_t)c->srv->max_frame + READ_CHUNK;
        if (cap > limit)
            cap = limit;
        if (cap < c->rlen + need)
            cap = c->rlen + need;
        uint8_t *p = realloc(c->rbuf, cap);
        if (p == NULL) {
            /* A zero-length buffer makes libuv report UV_ENOBUFS. */
            *buf = uv_buf_init(NULL, 0);
            return;
        }
        c->rbuf = p;
        c->rcap = cap;
    }
    size_t room = c->rcap - c->rlen;
    *buf = uv_buf_init((char *)c->rbuf + c->rlen, room > UINT32_MAX ? UINT32_MAX : (unsigned)room);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    conn *c = s->data;
    if (nread > 0) {
        c->rlen += (size_t)nread;
        c->last_progress = uv_now(c->srv->loop);
        if (c->frame_started == 0)
            c->frame_started = c->last_progress;
        conn_process(c);
        return;
    }
    if (nread == 0)
        return;
    if (nread == UV_EOF) {
        /* The client has sent everything; it may still be waiting for
         * the answers to what it sent (a half-closed socket). */
        log_debug("connection %" PRIu64 ": end of input%s", c->id,
                  c->rlen > 0 ? " in the middle of a frame" : "");
        c->rlen = 0;
        if (c->state == CONN_OPEN)
            c->state = CONN_DRAINING;
        conn_process(c);
        return;
    }
    if (nread == UV_ENOBUFS)
        log_error("connection %" PRIu64 ": out of memory for its read buffer: closing it", c->id);
    else
        log_debug("connection %" PRIu64 ": read failed: %s", c->id, uv_strerror((int)nread));
    conn_close(c);
}

static void on_linger(uv_timer_t *t)
{
    conn *c = t->data;
    log_info("connection %" PRIu64 ": closing: its client has not read its last responses "
             "within %u ms (%zu bytes unread, %zu appends in flight)",
             c->id, c->srv->linger_ms, c->queued + c->out.len, c->inflight);
    conn_close(c);
}

static void on_idle(uv_timer_t *t);

/* When the connection's idle timer is due (uv_now() ms), or 0 for never.
 * A connection waiting for the rest of a frame it began has frame_ms from
 * its first byte (one byte a second does not keep it open); one that owes
 * the daemon nothing, with no request in flight, has idle_ms from the last
 * byte it sent or read; one waiting for the daemon (appends in flight, or
 * held back by back-pressure with no response unread) has no timeout. */
static uint64_t conn_idle_due(const conn *c)
{
    const server *srv = c->srv;
    if (c->state != CONN_OPEN)
        return 0;
    if (c->reading && c->rlen > 0 && srv->frame_ms > 0)
        return c->frame_started + srv->frame_ms;
    if (c->inflight == 0 && (c->reading || c->queued + c->out.len > 0) && srv->idle_ms > 0)
        return c->last_progress + srv->idle_ms;
    return 0;
}

static void conn_arm_idle(conn *c)
{
    uint64_t due = conn_idle_due(c);
    if (due == 0) {
        uv_timer_stop(&c->idle);
        return;
    }
    uint64_t now = uv_now(c->srv->loop);
    uv_timer_start(&c->idle, on_idle, due > now ? due - now : 0, 0);
}

/* The idle or the partial-frame timeout: the client is told why (id 0, as
 * for a framing error), and the connection drains and closes. */
static void on_idle(uv_timer_t *t)
{
    conn *c = t->data;
    server *srv = c->srv;
    uint64_t due = conn_idle_due(c);
    if (due == 0 || due > uv_now(srv->loop)) {
        conn_arm_idle(c);
        return;
    }
    char msg[200];
    Liuhen__Status st;
    if (c->reading && c->rlen > 0) {
        st = LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
        snprintf(msg, sizeof msg,
                 "the request frame begun was not complete within %u s (%zu bytes received): "
                 "closing the connection",
                 srv->frame_ms / 1000, c->rlen);
    } else {
        st = LIUHEN__STATUS__STATUS_UNAVAILABLE;
        snprintf(msg, sizeof msg, "the connection was idle for %u s: closing it; connect again",
                 srv->idle_ms / 1000);
    }
    log_info(_("connection %" PRIu64 " of uid %u: %s"), c->id, (unsigned)c->uid, msg);
    c->rlen = 0;
    c->frame_started = 0;
    c->state = CONN_DRAINING;
    conn_error(c, 0, st, msg);
    conn_flush(c);
    conn_process(c);
}

/* Start or stop reading as the limits say, and close a draining connection
 * that has nothing left to do. */
static void conn_settle(conn *c)
{
    if (c->state == CONN_CLOSING)
        return;
    bool want = conn_may_read(c);
    if (want && !c->reading) {
        int rc = uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
        if (rc < 0) {
            log_warn("connection %" PRIu64 ": cannot read: %s", c->id, uv_strerror(rc));
            conn_close(c);
            return;
        }
        c->reading = true;
        if (c->paused)
            log_debug("connection %" PRIu64 ": resumed", c->id);
        c->paused = false;
    } else if (!want && c->reading) {
        uv_read_stop((uv_stream_t *)&c->pipe);
        c->reading = false;
        if (c->state == CONN_OPEN) {
            c->paused = true;
            log_debug("connection %" PRIu64 ": paused (back-pressure): %zu appends in flight, "
                      "%zu response bytes unread",
                      c->id, c->inflight, c->queued + c->out.len);
        }
    }
    conn_arm_idle(c);
    if (c->state == CONN_DRAINING) {
        if (c->inflight == 0 && c->writes == 0 && c->out.len == 0) {
            conn_close(c);
            return;
        }
        /* The linger time is for a client that does not read; one that
         * waits for an export or a backup is owed its answer however long
         * the work takes, so the time counts from when it is written. */
        if (c->slow > 0)
            uv_timer_stop(&c->linger);
        else if (!uv_is_active((uv_handle_t *)&c->linger))
            uv_timer_start(&c->linger, on_linger, c->srv->linger_ms, 0);
    }
}

/* ------------------------------------------------------------------------
 * Appends
 */

/* The log line and response of a finished append. */
static void log_append(const conn *c, const seq_job *job)
{
    if (job->status == LIUHEN__STATUS__STATUS_OK ||
        job->status == LIUHEN__STATUS__STATUS_DUPLICATE) {
        /* The normal traffic: one cheap debug line, no formatting of the
         * entry (log.h drops it unless --log-level debug). */
        log_debug("append: connection %" PRIu64 " request %" PRIu64 ": %s entry %" PRIu64, c->id,
                  job->request_id,
                  job->status == LIUHEN__STATUS__STATUS_OK ? "logged as" : "DUPLICATE of",
                  job->index);
        return;
    }
    char who[160] = "";
    if (job->entry != NULL) {
        char key[17] = "";
        if (job->entry->author_key.len == 32)
            sodium_bin2hex(key, sizeof key, job->entry->author_key.data, 8);
        if (job->entry->case_id != NULL && job->entry->case_id[0] != '\0')
            snprintf(who, sizeof who, ": case %.128s", job->entry->case_id);
        else
            snprintf(who, sizeof who, ": author %s seq %" PRIu64, key, job->entry->author_seq);
    }
    switch (job->status) {
    case LIUHEN__STATUS__STATUS_INTERNAL:
        log_error("append: connection %" PRIu64 " request %" PRIu64 "%s: INTERNAL: %s", c->id,
                  job->request_id, who, job->message);
        break;
    default:
        /* The object and the cause. */
        log_info("append: connection %" PRIu64 " request %" PRIu64 "%s: %s: %s", c->id,
                 job->request_id, who, wire_status_name(job->status), job->message);
        break;
    }
}

/* A finished (or abandoned) append: answer it unless its connection is
 * closing, then forget it. `dirty` collects the connections with output. */
static void finish_job(seq_job *job, conn **dirty)
{
    conn *c = job->conn;
    server *srv = c->srv;
    metrics_append(job->status, metrics_now() - job->received_at);
    if (c->state != CONN_CLOSING) {
        log_append(c, job);
        if (protocol_put_append(&c->out, job, srv->max_frame) != 0) {
            log_error("connection %" PRIu64 ": out of memory for a response: closing it", c->id);
            conn_close(c);
        } else if (dirty != NULL && !c->dirty) {
            c->dirty = true;
            c->dirty_next = *dirty;
            *dirty = c;
        }
    }
    seq_job_free(job);
    c->inflight--;
    srv->inflight--;
    if (c->state == CONN_CLOSING)
        conn_maybe_free(c);
}

/* Write the output of the connections collected by finish_job(). */
static void flush_dirty(conn *dirty)
{
    while (dirty != NULL) {
        conn *c = dirty;
        dirty = c->dirty_next;
        c->dirty = false;
        c->dirty_next = NULL;
        if (c->state == CONN_CLOSING)
            continue;
        conn_flush(c);
        conn_process(c);
    }
}

/* Hand the appends of this read to the sequencer, in arrival order: it
 * checks them on its own threads and integrates them in that order, as one
 * group (sequencer.h), so that a client may pipeline a run of entries, each
 * naming the previous one's entry id. */
static void conn_submit_batch(conn *c)
{
    if (c->batch == NULL)
        return;
    seq_job *jobs = c->batch;
    c->batch = NULL;
    c->batch_tail = NULL;
    c->nbatch = 0;
    sequencer_submit(c->srv->seq, jobs);
}

static void conn_append(conn *c, protocol_request *rq)
{
    server *srv = c->srv;
    if (srv->seq == NULL) {
        conn_error(c, rq->id, LIUHEN__STATUS__STATUS_UNAVAILABLE,
                   "append: this daemon takes no appends (it has no sequencer)");
        return;
    }
    uint8_t *bytes = malloc(rq->signed_len);
    seq_job *job = bytes != NULL ? seq_job_new(bytes, rq->signed_len, c, rq->id) : NULL;
    if (job == NULL) {
        free(bytes); /* seq_job_new() leaves it to the caller on failure */
        log_error("append: connection %" PRIu64 " request %" PRIu64 ": out of memory", c->id,
                  rq->id);
        conn_error(c, rq->id, LIUHEN__STATUS__STATUS_INTERNAL, "append: out of memory");
        return;
    }
    memcpy(bytes, rq->signed_entry, rq->signed_len);
    job->known_size = rq->msg->append->known_size;
    job->received_at = metrics_now();
    c->inflight++;
    srv->inflight++;
    if (c->batch_tail != NULL)
        c->batch_tail->next = job;
    else
        c->batch = job;
    c->batch_tail = job;
    c->nbatch++;
}

/* ------------------------------------------------------------------------
 * Slow calls: Export and Backup
 */

static void slow_free(slow_work *w)
{
    protocol_request_clear(&w->rq);
    protocol_buf_free(&w->out);
    free(w);
}

/* Move the frames of `from` to the end of `to`. */
static int buf_move(protocol_buf *to, protocol_buf *from)
{
    if (to->len == 0) {
        protocol_buf_free(to);
        *to = *from;
        memset(from, 0, sizeof *from);
        return 0;
    }
    if (from->len > SIZE_MAX - to->len)
        return LH_ENOMEM;
    size_t need = to->len + from->len;
    if (need > to->cap) {
        uint8_t *p = realloc(to->data, need);
        if (p == NULL)
            return LH_ENOMEM;
        to->data = p;
        to->cap = need;
    }
    memcpy(to->data + to->len, from->data, from->len);
    to->len = need;
    protocol_buf_free(from);
    return 0;
}

/* A slow call is over (answered, refused or dropped): hand its answer, if
 * any, to its connection unless that is closing, then forget it. */
static void slow_finish(slow_work *w)
{
    conn *c = w->c;
    server *srv = c->srv;
    const char *name = protocol_call_name(w->rq.msg->call_case);
    if (c->state != CONN_CLOSING) {
        if (w->out.len == 0) {
            /* snapshot_answer() could not even append its error. */
            char msg[96];
            snprintf(msg, sizeof msg, "%s: request %" PRIu64 ": out of memory", name, w->rq.id);
            conn_error(c, w->rq.id, LIUHEN__STATUS__STATUS_INTERNAL, msg);
        } else if (buf_move(&c->out, &w->out) != 0) {
            log_error("connection %" PRIu64 ": out of memory for the answer to %s request %" PRIu64
                      ": closing it",
                      c->id, name, w->rq.id);
            conn_close(c);
        }
    }
    slow_free(w);
    c->inflight--;
    c->slow--;
    srv->inflight--;
    if (c->state == CONN_CLOSING) {
        conn_maybe_free(c);
        return;
    }
    conn_flush(c);
    conn_process(c);
}

static void slow_run(uv_work_t *req)
{
    slow_work *w = req->data;
    server *srv = w->c->srv;
    w->rc = snapshot_answer(srv->qenv.store, &srv->snapshot, &w->c->peer, srv->qenv.max_frame,
                            w->rq.msg, &w->out, NULL);
}

static void slow_next(server *srv);

static void slow_done(uv_work_t *req, int status)
{
    slow_work *w = req->data;
    server *srv = w->c->srv;
    srv->slow_running = NULL;
    if (status == UV_ECANCELED) {
        /* Cancelled by the drain before a thread took it: nothing was
         * written, and the client is told to ask again. */
        protocol_buf_free(&w->out);
        protocol_put_error(&w->out, w->rq.id, LIUHEN__STATUS__STATUS_UNAVAILABLE,
                           "%s: the daemon is stopping and did not start request %" PRIu64
                           ": send it again when it is back",
                           protocol_call_name(w->rq.msg->call_case), w->rq.id);
    }
    slow_finish(w);
    slow_next(srv);
    server_check_drained(srv);
}

/* Start the next waiting slow call when none is running. */
static void slow_next(server *srv)
{
    while (srv->slow_running == NULL && srv->slow_head != NULL && !srv->closed) {
        slow_work *w = srv->slow_head;
        srv->slow_head = w->next;
        if (srv->slow_head == NULL)
            srv->slow_tail = NULL;
        w->next = NULL;
        int rc = uv_queue_work(srv->loop, &w->req, slow_run, slow_done);
        if (rc < 0) {
            const char *name = protocol_call_name(w->rq.msg->call_case);
            log_error("%s: request %" PRIu64 ": cannot queue work: %s", name, w->rq.id,
                      uv_strerror(rc));
            protocol_put_error(&w->out, w->rq.id, LIUHEN__STATUS__STATUS_INTERNAL,
                               "%s: request %" PRIu64 ": cannot queue work: %s", name, w->rq.id,
                               uv_strerror(rc));
            slow_finish(w);
            continue;
        }
        srv->slow_running = w;
    }
}

/* Queue a slow call; it takes over the decoded request. */
static void conn_slow(conn *c, protocol_request *rq)
{
    server *srv = c->srv;
    const char *name = protocol_call_name(rq->msg->call_case);
    if (srv->draining) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s: the daemon is stopping: send it again when it is back",
                 name);
        conn_error(c, rq->id, LIUHEN__STATUS__STATUS_UNAVAILABLE, msg);
        return;
    }
    slow_work *w = calloc(1, sizeof *w);
    if (w == NULL) {
        log_error("%s: connection %" PRIu64 " request %" PRIu64 ": out of memory", name, c->id,
                  rq->id);
        char msg[96];
        snprintf(msg, sizeof msg, "%s: out of memory", name);
        conn_error(c, rq->id, LIUHEN__STATUS__STATUS_INTERNAL, msg);
        return;
    }
    w->req.data = w;
    w->c = c;
    w->rq = *rq;
    memset(rq, 0, sizeof *rq);
    c->inflight++;
    c->slow++;
    srv->inflight++;
    if (srv->slow_running != NULL || srv->slow_head != NULL)
        log_info("%s: connection %" PRIu64 " request %" PRIu64
                 ": waits for the export or backup before it",
                 name, c->id, w->rq.id);
    if (srv->slow_tail != NULL)
        srv->slow_tail->next = w;
    else
        srv->slow_head = w;
    srv->slow_tail = w;
    slow_next(srv);
}

/* Take a connection's waiting slow calls out of the queue: when `answer`,
 * answer them UNAVAILABLE (the drain), else drop them (the connection is
 * closing: nothing was promised). */
static size_t slow_unqueue(server *srv, conn *only, bool answer)
{
    /* The calls are taken out of the queue first, and only then answered:
     * answering one may close its connection, which comes back here. */
    slow_work *taken = NULL, **taken_tail = &taken;
    slow_work **pp = &srv->slow_head;
    srv->slow_tail = NULL;
    while (*pp != NULL) {
        slow_work *w = *pp;
        if (only != NULL && w->c != only) {
            srv->slow_tail = w;
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        w->next = NULL;
        *taken_tail = w;
        taken_tail = &w->next;
    }
    size_t count = 0;
    while (taken != NULL) {
        slow_work *w = taken;
        taken = w->next;
        w->next = NULL;
        conn *c = w->c;
        count++;
        if (answer) {
            protocol_put_error(&w->out, w->rq.id, LIUHEN__STATUS__STATUS_UNAVAILABLE,
                               "%s: the daemon is stopping and did not start request %" PRIu64
                               ": send it again when it is back",
                               protocol_call_name(w->rq.msg->call_case), w->rq.id);
            slow_finish(w);
            continue;
        }
        slow_free(w);
        c->inflight--;
        c->slow--;
        srv->inflight--;
    }
    return count;
}

/* ------------------------------------------------------------------------
 * Dispatch
 */

static void handle_frame(conn *c, const uint8_t *body, size_t len)
{
    server *srv = c->srv;
    protocol_request rq;
    lh_err err = {{0}};
    int rc = protocol_parse_request(body, len, &rq, &err);
    if (rc != 0) {
        Liuhen__Status st = rc == LH_ENOMEM ? LIUHEN__STATUS__STATUS_INTERNAL
                                            : LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
        log_info("connection %" PRIu64 ": request %" PRIu64 ": %s: %s", c->id, rq.id,
                 wire_status_name(st), err.msg);
        conn_error(c, rq.id, st, err.msg);
        return;
    }
    if (rq.msg->call_case == LIUHEN__REQUEST__CALL_APPEND) {
        conn_append(c, &rq);
    } else if (protocol_call_is_slow(rq.msg->call_case)) {
        conn_slow(c, &rq);
    } else if (query_answer(&srv->qenv, rq.msg, &c->out, NULL) != 0) {
        log_error("connection %" PRIu64 ": request %" PRIu64 ": out of memory for the "
                  "response: closing the connection",
                  c->id, rq.id);
        conn_close(c);
    }
    protocol_request_clear(&rq);
}

/* A frame length that cannot be honoured: the stream cannot be resynced,
 * so answer once (id 0: the request was never read) and drain. */
static void framing_error(conn *c, uint32_t n)
{
    char msg[160];
    Liuhen__Status st;
    if (n == 0) {
        st = LIUHEN__STATUS__STATUS_INVALID_ARGUMENT;
        snprintf(msg, sizeof msg, "frame of 0 bytes: a frame holds one liuhen.Request");
    } else {
        st = LIUHEN__STATUS__STATUS_TOO_LARGE;
        snprintf(msg, sizeof msg,
                 "frame of %" PRIu32 " bytes exceeds the limit of %" PRIu32 " bytes", n,
                 c->srv->max_frame);
    }
    log_info("connection %" PRIu64 ": %s: %s: closing it (framing is lost)", c->id,
             wire_status_name(st), msg);
    c->rlen = 0;
    c->state = CONN_DRAINING;
    conn_error(c, 0, st, msg);
}

/* Dispatch every complete frame the limits allow, then write, then settle
 * the reading state. Called after a read, and whenever room was made. */
static void conn_process(conn *c)
{
    server *srv = c->srv;
    size_t pos = 0;
    while (conn_may_read(c) && c->rlen - pos >= WIRE_HEADER_SIZE) {
        uint32_t n = wire_get_header(c->rbuf + pos);
        if (n == 0 || n > srv->max_frame) {
            framing_error(c, n);
            pos = 0;
            break;
        }
        if (c->rlen - pos - WIRE_HEADER_SIZE < n)
            break;
        handle_frame(c, c->rbuf + pos + WIRE_HEADER_SIZE, n);
        pos += WIRE_HEADER_SIZE + (size_t)n;
    }
    if (c->state == CONN_CLOSING)
        return;
    if (pos > 0) {
        memmove(c->rbuf, c->rbuf + pos, c->rlen - pos);
        c->rlen -= pos;
        /* What is left is the start of the next frame, read just now. */
        c->frame_started = c->rlen > 0 ? uv_now(srv->loop) : 0;
    }
    if (c->rlen == 0)
        c->frame_started = 0;
    if (c->rlen == 0 && c->rcap > READ_KEEP) {
        srv->released += c->rcap;
        free(c->rbuf);
        c->rbuf = NULL;
        c->rcap = 0;
    }
    conn_submit_batch(c);
    conn_flush(c);
    conn_settle(c);
}

/* ------------------------------------------------------------------------
 * Connections
 */

static void on_conn_closed(uv_handle_t *h)
{
    conn *c = h->data;
    c->handles--;
    conn_maybe_free(c);
}

static void conn_close(conn *c)
{
    if (c->state == CONN_CLOSING)
        return;
    server *srv = c->srv;
    c->state = CONN_CLOSING;
    list_remove(&srv->conns, c);
    list_push(&srv->zombies, c);
    srv->nconns--;
    /* Appends parsed but not yet queued are dropped: nothing was promised. */
    for (seq_job *job = c->batch, *next; job != NULL; job = next) {
        next = job->next;
        job->next = NULL;
        seq_job_free(job);
        c->inflight--;
        srv->inflight--;
    }
    c->batch = c->batch_tail = NULL;
    c->nbatch = 0;
    /* Slow calls not yet started are dropped too; a running one finishes
     * and its answer is dropped (slow_finish). */
    if (c->slow > 0)
        slow_unqueue(srv, c, false);
    if (c->counted)
        connlimit_users_remove(&srv->users, c->uid);
    c->counted = false;
    srv->released += c->rcap + c->out.cap;
    free(c->rbuf);
    c->rbuf = NULL;
    c->rlen = c->rcap = 0;
    protocol_buf_free(&c->out);
    if (c->reading)
        uv_read_stop((uv_stream_t *)&c->pipe);
    c->reading = false;
    uv_timer_stop(&c->linger);
    uv_timer_stop(&c->idle);
    uv_close((uv_handle_t *)&c->pipe, on_conn_closed);
    uv_close((uv_handle_t *)&c->linger, on_conn_closed);
    uv_close((uv_handle_t *)&c->idle, on_conn_closed);
    log_debug("connection %" PRIu64 " closed (%u open, %zu of its appends still in flight)", c->id,
              srv->nconns, c->inflight);
    server_check_drained(srv);
}

static void on_reject_closed(uv_handle_t *h)
{
    free(h->data);
}

/* Say why a connection is refused, in a response of id 0 (no request of
 * its was read) written at once: the socket's buffer is empty, so the
 * short frame fits; if it does not, the client sees the close alone. */
static void conn_refuse(conn *c, const char *msg)
{
    protocol_buf b = {0};
    if (protocol_put_error(&b, 0, LIUHEN__STATUS__STATUS_UNAVAILABLE, "%s", msg) == 0) {
        uv_buf_t ub = uv_buf_init((char *)b.data, (unsigned)b.len);
        uv_try_write((uv_stream_t *)&c->pipe, &ub, 1);
    }
    protocol_buf_free(&b);
}

/* The limits of connlimit.h for a new connection of uid: 0 when admitted,
 * else the refusal sent to the client in msg. */
static int admit(server *srv, const peer_cred *peer, char *msg, size_t cap)
{
    /* A peer whose uid cannot be read is no administrator, and is counted
     * against the total alone. Administrators are those who may also
     * export and back up (peer.h: root, the daemon's user, --admin-group). */
    const peer_admins *a = &srv->snapshot.admins;
    bool admin = peer->known && (peer->uid == 0 || peer->uid == a->self ||
                                 (a->has_group && peer->gid == a->group));
    /* Group membership reads the user database (it may block): asked only
     * when the reserve is at stake. */
    if (!admin && peer->known && a->has_group &&
        srv->nconns + srv->limits.reserved >= srv->max_connections)
        admin = peer_is_admin(peer, a);
    unsigned mine = peer->known ? connlimit_users_count(&srv->users, peer->uid) : 0, limit = 0;
    switch (connlimit_decide(&srv->limits, srv->nconns, mine, admin, &limit)) {
    case CONNLIMIT_ADMIT: return 0;
    case CONNLIMIT_FULL:
        if (admin)
            snprintf(msg, cap,
                     _("too many connections (%u open, limit %u): try again when one has closed"),
                     srv->nconns, limit);
        else
            snprintf(msg, cap,
                     _("too many connections (%u open, limit %u, the rest kept for "
                       "administrators): try again when one has closed"),
                     srv->nconns, limit);
        return -1;
    case CONNLIMIT_USER:
        snprintf(msg, cap, _("too many connections from uid %u (%u open, limit %u per user)"),
                 (unsigned)peer->uid, mine, limit);
        return -1;
    }
    return -1;
}

static void on_connection(uv_stream_t *listener, int status)
{
    server *srv = listener->data;
    if (status < 0) {
        log_warn(_("socket %s: accept failed: %s"), srv->socket_path, uv_strerror(status));
        return;
    }
    conn *c = calloc(1, sizeof *c);
    if (c == NULL || uv_pipe_init(srv->loop, &c->pipe, 0) != 0) {
        free(c);
        log_error(_("socket %s: out of memory for a connection"), srv->socket_path);
        return;
    }
    c->pipe.data = c;
    int rc = uv_accept(listener, (uv_stream_t *)&c->pipe);
    if (rc < 0) {
        log_warn(_("socket %s: accept failed: %s"), srv->socket_path, uv_strerror(rc));
        uv_close((uv_handle_t *)&c->pipe, on_reject_closed);
        return;
    }
    /* Who the peer is: the kernel's word, which the client cannot choose. */
    uv_os_fd_t fd;
    struct ucred cred;
    socklen_t credlen = sizeof cred;
    bool known = uv_fileno((uv_handle_t *)&c->pipe, &fd) == 0 &&
                 getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) == 0;
    if (known)
        c->peer = (peer_cred){.known = true, .uid = cred.uid, .gid = cred.gid, .pid = cred.pid};
    c->uid = known ? cred.uid : (uid_t)-1;
    char msg[200] = "";
    bool refused = admit(srv, &c->peer, msg, sizeof msg) != 0;
    if (!refused && known && connlimit_users_add(&srv->users, c->uid) != 0) {
        snprintf(msg, sizeof msg, "%s", _("the daemon is out of memory for one more connection"));
        refused = true;
    }
    if (refused) {
        /* Accepted, told why, and closed at once: leaving it in the
         * backlog would make the client wait for nothing. */
        log_info(_("socket %s: connection of uid %u pid %d refused: %s"), srv->socket_path,
                 (unsigned)c->uid, known ? (int)cred.pid : -1, msg);
        metrics_refused();
        conn_refuse(c, msg);
        uv_close((uv_handle_t *)&c->pipe, on_reject_closed);
        return;
    }
    c->counted = known;
    c->srv = srv;
    c->id = ++srv->next_id;
    c->linger.data = c;
    c->idle.data = c;
    uv_timer_init(srv->loop, &c->linger);
    uv_timer_init(srv->loop, &c->idle);
    c->handles = 3;
    c->state = CONN_OPEN;
    c->last_progress = uv_now(srv->loop);
    list_push(&srv->conns, c);
    srv->nconns++;
    log_debug("connection %" PRIu64 " opened by uid %u pid %d (%u open)", c->id, (unsigned)c->uid,
              known ? (int)cred.pid : -1, srv->nconns);
    conn_settle(c);
}

/* The server's cap on unread responses is no longer reached: let every
 * connection it held back go on (in the order of the list; each takes at
 * most one response beyond the cap before it stops again). */
static void server_resume(server *srv)
{
    for (conn *c = srv->conns, *next; c != NULL; c = next) {
        next = c->next;
        if (c->state == CONN_OPEN && !c->reading)
            conn_process(c);
    }
}

/* ------------------------------------------------------------------------
 * Wake-up, drain and status
 */

static void on_wake(uv_async_t *h)
{
    server *srv = h->data;
    if (srv->seq == NULL)
        return;
    conn *dirty = NULL;
    seq_job *jobs = sequencer_take_done(srv->seq);
    while (jobs != NULL) {
        seq_job *job = jobs;
        jobs = job->next;
        job->next = NULL;
        finish_job(job, &dirty);
    }
    flush_dirty(dirty);
    server_check_drained(srv);
}

void server_notify(void *ctx)
{
    server *srv = ctx;
    uv_async_send(&srv->wake);
}

static void on_check(uv_timer_t *t)
{
    server *srv = t->data;
    if (!srv->draining || srv->drained_called || srv->inflight > 0 || srv->nconns > 0)
        return;
    srv->drained_called = true;
    log_info(_("drained: every request in flight is answered"));
    if (srv->drained != NULL)
        srv->drained(srv->drained_ctx);
}

/* The drained callback runs from a timer, never from inside a connection's
 * callback, so that it may close everything. */
static void server_check_drained(server *srv)
{
    if (srv->draining && !srv->drained_called && !srv->closed && srv->inflight == 0 &&
        srv->nconns == 0)
        uv_timer_start(&srv->check, on_check, 0, 0);
}

static void status_figures(void *ctx, query_status *out)
{
    server *srv = ctx;
    memset(out, 0, sizeof *out);
    if (srv->seq != NULL) {
        sequencer_stats st;
        sequencer_get_stats(srv->seq, &st);
        out->last_checkpoint_at = st.last_checkpoint_at;
        out->appends_per_second = st.appends_per_second;
        out->queue_depth = st.queue_depth > UINT32_MAX ? UINT32_MAX : (uint32_t)st.queue_depth;
    }
    if (srv->pub != NULL)
        out->last_publish_at = publish_last_at(srv->pub);
    out->connections = srv->nconns;
    out->started_at = srv->started_at;
    out->nwitnesses = witnessing_states(srv->witnessing, out->witnesses, WITNESSING_MAX);
    out->min_cosignatures = srv->min_cosignatures;
    metrics_get(&out->metrics);
    if (srv->store != NULL &&
        store_size(srv->store, &out->store_bytes, &out->store_used_bytes) != 0)
        out->store_bytes = out->store_used_bytes = 0;
}

static void on_server_handle_closed(uv_handle_t *h)
{
    server *srv = h->data;
    srv->open_handles--;
}

static void close_listener(server *srv)
{
    if (srv->listener_open) {
        srv->listener_open = false;
        srv->listening = false;
        uv_close((uv_handle_t *)&srv->listener, on_server_handle_closed);
    }
    if (srv->socket_created) {
        srv->socket_created = false;
        if (unlink(srv->socket_path) != 0 && errno != ENOENT)
            log_warn(_("socket %s: cannot remove it: %s"), srv->socket_path, strerror(errno));
    }
}

/* At the drain, requests already read but held back by the limits were
 * not carried out: say so (UNAVAILABLE), so that their client knows at
 * once to send them again rather than wait for an answer that never comes.
 * Nothing of them was promised, so nothing is lost. */
static void conn_refuse_buffered(conn *c)
{
    size_t pos = 0;
    unsigned refused = 0;
    while (c->state != CONN_CLOSING && c->rlen - pos >= WIRE_HEADER_SIZE) {
        uint32_t n = wire_get_header(c->rbuf + pos);
        if (n == 0 || n > c->srv->max_frame || c->rlen - pos - WIRE_HEADER_SIZE < n)
            break;
        protocol_request rq;
        lh_err err = {{0}};
        protocol_parse_request(c->rbuf + pos + WIRE_HEADER_SIZE, n, &rq, &err);
        const char *call = rq.msg != NULL ? protocol_call_name(rq.msg->call_case) : "request";
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%s: the daemon is stopping and did not carry out request %" PRIu64
                 ": send it again when it is back",
                 call, rq.id);
        conn_error(c, rq.id, LIUHEN__STATUS__STATUS_UNAVAILABLE, msg);
        protocol_request_clear(&rq);
        pos += WIRE_HEADER_SIZE + (size_t)n;
        refused++;
    }
    if (c->state == CONN_CLOSING)
        return;
    c->rlen = 0;
    if (refused > 0)
        log_info(_("connection %" PRIu64 ": %u requests read but not yet carried out answered "
                   "UNAVAILABLE (stopping)"),
                 c->id, refused);
}

void server_shutdown(server *srv, server_drained_fn drained, void *ctx)
{
    if (srv->draining) {
        log_info(_("already draining: %zu appends in flight on %u connections"), srv->inflight,
                 srv->nconns);
        return;
    }
    srv->draining = true;
    srv->drained = drained;
    srv->drained_ctx = ctx;
    close_listener(srv);
    log_info(_("draining: no new connections; %zu requests in flight on %u connections"),
             srv->inflight, srv->nconns);
    for (conn *c = srv->conns, *next; c != NULL; c = next) {
        next = c->next;
        if (c->state == CONN_OPEN) {
            c->state = CONN_DRAINING;
            conn_refuse_buffered(c);
            conn_flush(c);
        }
        conn_settle(c);
    }
    /* An export or a backup that has begun is finished and answered (the
     * drain waits for it); those still waiting are answered UNAVAILABLE,
     * and so is the running one if no thread has taken it yet (its
     * slow_done() then sees UV_ECANCELED). This comes after every
     * connection stopped reading, since answering lets a connection go on
     * with its other requests. */
    if (srv->slow_running != NULL && uv_cancel((uv_req_t *)&srv->slow_running->req) != 0)
        log_info(_("draining: waiting for %s request %" PRIu64 " to finish"),
                 protocol_call_name(srv->slow_running->rq.msg->call_case),
                 srv->slow_running->rq.id);
    size_t refused = slow_unqueue(srv, NULL, true);
    if (refused > 0)
        log_info(_("draining: %zu exports and backups not yet begun answered UNAVAILABLE"),
                 refused);
    server_check_drained(srv);
}

size_t server_inflight(const server *srv)
{
    return srv->inflight;
}

/* ------------------------------------------------------------------------
 * Creation, listening, closing
 */

static char *dup_or_null(const char *s, bool *failed)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *failed = true;
    return d;
}

static void free_strings(server *srv)
{
    free(srv->socket_path);
    free(srv->group);
    free(srv->origin);
    free(srv->log_vkey);
}

int server_new(server **out, uv_loop_t *loop, const server_config *cfg, lh_err *err)
{
    *out = NULL;
    if (cfg->socket_path == NULL || cfg->store == NULL || cfg->max_frame == 0 ||
        cfg->origin == NULL)
        return lh_err_set(err, LH_EINVAL,
                          "server: socket path, store, origin and frame limit "
                          "are required");
    server *srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return lh_err_set(err, LH_ENOMEM, "server: out of memory");
    bool failed = false;
    srv->socket_path = dup_or_null(cfg->socket_path, &failed);
    srv->group = dup_or_null(cfg->group, &failed);
    srv->origin = dup_or_null(cfg->origin, &failed);
    srv->log_vkey = dup_or_null(cfg->log_vkey != NULL ? cfg->log_vkey : "", &failed);
    if (failed) {
        free_strings(srv);
        free(srv);
        return lh_err_set(err, LH_ENOMEM, "server: out of memory");
    }
    srv->loop = loop;
    srv->max_frame = cfg->max_frame;
    srv->max_connections =
        cfg->max_connections != 0 ? cfg->max_connections : SERVER_DEFAULT_CONNECTIONS;
    srv->max_inflight = cfg->max_inflight != 0 ? cfg->max_inflight : SERVER_DEFAULT_INFLIGHT;
    srv->max_queued = cfg->max_queued != 0 ? cfg->max_queued : SERVER_DEFAULT_QUEUED;
    srv->max_output = cfg->max_output != 0 ? cfg->max_output : SERVER_DEFAULT_OUTPUT;
    srv->idle_ms = cfg->idle_ms;
    srv->frame_ms = cfg->frame_ms;
    connlimit_policy_init(&srv->limits, srv->max_connections, cfg->max_per_user);
    srv->linger_ms = cfg->linger_ms != 0 ? cfg->linger_ms : SERVER_DEFAULT_LINGER_MS;
    srv->store = cfg->store;
    srv->keys = cfg->keys;
    srv->started_at = cfg->started_at;
    srv->witnessing = cfg->witnessing;
    srv->min_cosignatures = cfg->min_cosignatures;
    if (cfg->snapshot != NULL) {
        srv->snapshot = *cfg->snapshot;
    } else {
        /* No directories: every export and backup is refused. */
        srv->snapshot = (snapshot_config){.export_fd = -1, .backup_fd = -1};
        srv->snapshot.admins.self = getuid();
    }
    srv->qenv = (query_env){
        .store = cfg->store,
        .keys = cfg->keys,
        .origin = srv->origin,
        .log_vkey = srv->log_vkey,
        .max_frame = cfg->max_frame,
        .status_fn = status_figures,
        .status_ctx = srv,
    };
    int rc = uv_async_init(loop, &srv->wake, on_wake);
    if (rc < 0) {
        free_strings(srv);
        free(srv);
        return lh_err_set(err, rc, "server: cannot create its wake-up handle: %s", uv_strerror(rc));
    }
    srv->wake.data = srv;
    uv_timer_init(loop, &srv->check);
    srv->check.data = srv;
    srv->open_handles = 2;
    *out = srv;
    return 0;
}

/* ntpd's control_check(): a socket file that accepts a connection belongs
 * to a running daemon; one that refuses it is stale and may be removed. */
/* Why the socket could not be bound, named rightly: libuv answers EACCES
 * also for a directory that does not exist (as Windows would), so the
 * directory is looked at here. */
static int bind_failed(const char *path, int rc, lh_err *err)
{
    if (rc != UV_EACCES)
        return lh_err_set(err, rc, _("socket %s: cannot bind: %s"), path, uv_strerror(rc));
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT)
            return lh_err_set(err, -ENOENT,
                              _("socket %s: the directory %s does not exist: create it, or give "
                                "--socket in a directory that does"),
                              path, dir);
        return lh_err_set(err, -errno, _("socket %s: the directory %s: %s"), path, dir,
                          strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return lh_err_set(err, -ENOTDIR, _("socket %s: %s is not a directory"), path, dir);
    return lh_err_set(err, rc,
                      _("socket %s: cannot bind: permission denied: uid %u may not create files "
                        "in %s"),
                      path, (unsigned)geteuid(), dir);
}

static int remove_stale_socket(const char *path, lh_err *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return lh_err_set(err, -errno, "socket %s: %s", path, strerror(errno));
    }
    if (!S_ISSOCK(st.st_mode))
        return lh_err_set(err, LH_EEXIST,
                          _("socket %s: the path exists and is not a socket: "
                            "refusing to remove it"),
                          path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return lh_err_set(err, -errno, "socket %s: %s", path, strerror(errno));
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, path, strlen(path) + 1);
    int rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
    int e = errno;
    close(fd);
    if (rc == 0)
        return lh_err_set(err, LH_EEXIST,
                          _("socket %s: another daemon is listening on it: refusing to start"),
                          path);
    if (e != ECONNREFUSED && e != ENOENT)
        return lh_err_set(err, -e, _("socket %s: cannot tell whether it is in use: %s"), path,
                          strerror(e));
    if (unlink(path) != 0 && errno != ENOENT)
        return lh_err_set(err, -errno, _("socket %s: cannot remove the stale socket: %s"), path,
                          strerror(errno));
    log_info(_("socket %s: removed a stale socket left by an earlier daemon"), path);
    return 0;
}

static int lookup_group(const char *name, gid_t *gid, lh_err *err)
{
    struct group gr, *res = NULL;
    char buf[16384];
    int rc = getgrnam_r(name, &gr, buf, sizeof buf, &res);
    if (rc != 0)
        return lh_err_set(err, -rc, _("group %s: cannot look it up: %s"), name, strerror(rc));
    if (res == NULL)
        return lh_err_set(err, LH_EINVAL, _("group %s does not exist (--group)"), name);
    *gid = gr.gr_gid;
    return 0;
}

int server_listen(server *srv, sequencer *seq, publisher *pub, lh_err *err)
{
    const char *path = srv->socket_path;
    struct sockaddr_un sun;
    if (strlen(path) >= sizeof sun.sun_path)
        return lh_err_set(err, LH_EINVAL,
                          _("socket %s: the path is %zu bytes long, more than the %zu a Unix "
                            "socket address holds"),
                          path, strlen(path), sizeof sun.sun_path - 1);
    gid_t gid = (gid_t)-1;
    int rc;
    if (srv->group != NULL && (rc = lookup_group(srv->group, &gid, err)) != 0)
        return rc;
    if ((rc = remove_stale_socket(path, err)) != 0)
        return rc;
    if ((rc = uv_pipe_init(srv->loop, &srv->listener, 0)) < 0)
        return lh_err_set(err, rc, "socket %s: %s", path, uv_strerror(rc));
    srv->listener.data = srv;
    srv->listener_open = true;
    srv->open_handles++;
    /* ntpd's control_init(): the umask keeps the socket from ever being
     * reachable by others, even between bind() and chmod(). */
    mode_t old = umask(S_IXUSR | S_IXGRP | S_IRWXO);
    rc = uv_pipe_bind(&srv->listener, path);
    umask(old);
    if (rc < 0) {
        close_listener(srv);
        return bind_failed(path, rc, err);
    }
    srv->socket_created = true;
    if (chmod(path, 0660) != 0) {
        rc = lh_err_set(err, -errno, _("socket %s: cannot set mode 0660: %s"), path,
                        strerror(errno));
        close_listener(srv);
        return rc;
    }
    if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) != 0) {
        rc = lh_err_set(err, -errno, _("socket %s: cannot give it to group %s: %s"), path,
                        srv->group, strerror(errno));
        close_listener(srv);
        return rc;
    }
    if ((rc = uv_listen((uv_stream_t *)&srv->listener, 128, on_connection)) < 0) {
        lh_err_set(err, rc, _("socket %s: cannot listen: %s"), path, uv_strerror(rc));
        close_listener(srv);
        return rc;
    }
    srv->seq = seq;
    srv->pub = pub;
    srv->listening = true;
    return 0;
}

void server_close(server *srv)
{
    if (srv->closed)
        return;
    srv->closed = true;
    close_listener(srv);
    while (srv->conns != NULL)
        conn_close(srv->conns);
    /* The sequencer has stopped: what it finished since the last wake-up
     * belongs to closed connections and is only freed. */
    if (srv->seq != NULL) {
        seq_job *jobs = sequencer_take_done(srv->seq);
        while (jobs != NULL) {
            seq_job *job = jobs;
            jobs = job->next;
            job->next = NULL;
            finish_job(job, NULL);
        }
    }
    uv_timer_stop(&srv->check);
    uv_close((uv_handle_t *)&srv->wake, on_server_handle_closed);
    uv_close((uv_handle_t *)&srv->check, on_server_handle_closed);
}

void server_free(server *srv)
{
    if (srv == NULL)
        return;
    if (srv->open_handles > 0)
        log_error(_("server: freed with %u handles still open"), srv->open_handles);
    /* Connections whose appends never came back (the sequencer was freed
     * without answering them) are freed here. */
    while (srv->zombies != NULL) {
        conn *c = srv->zombies;
        srv->zombies = c->next;
        free(c);
    }
    connlimit_users_free(&srv->users);
    free_strings(srv);
    free(srv);
}
