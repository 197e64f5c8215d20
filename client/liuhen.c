/*
 * liuhen.c — the client API (liuhen.h): requests framed over a Unix socket
 * with one deadline per call (DESIGN.md "Wire protocol"), the last checkpoint
 * seen and its state file, and the verification of every answer against the
 * log key (DESIGN.md "Merkle tree, checkpoints, receipts").
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
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "checkpoint.h"
#include "entry.h"
#include "merkle.h"
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

/* Room for a server's message quoted in an error. */
#define QUOTE_MAX 144

/* A verified checkpoint: its size, its root and the signed note. */
typedef struct known_cp {
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    uint8_t *note;
    size_t note_len;
} known_cp;

struct lh_conn {
    int fd;
    bool broken; /* the stream is out of step: every call fails */
    char broken_why[LH_ERR_MSG_MAX];
    uint64_t next_id;      /* request ids increase from 1 */
    uint32_t max_frame;    /* largest response frame body accepted */
    int64_t timeout_ms;    /* per call, end to end */
    note_verifier log_key; /* type 0x01; its name is the origin */
    char *socket_path;
    char *state_path; /* NULL: no state file */
    bool have_seen;
    known_cp seen;             /* the largest checkpoint accepted */
    known_cp known[KNOWN_MAX]; /* other verified checkpoints, a ring */
    size_t known_next;
};

/* ------------------------------------------------------------------------ */
/* Time. */

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Deadlines use the monotonic clock, so that a clock step never shortens or
 * stretches a call; recorded_at uses the wall clock (unix ms). */
static int64_t mono_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

static int64_t wall_ms(void)
{
    return clock_ms(CLOCK_REALTIME);
}

/* Milliseconds left before a deadline, as poll() takes them. */
static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - mono_ms();
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
/* Text from outside. */

/*
 * Copy text that came from the server (or from the caller) into an error
 * message so that it cannot mislead a terminal: control characters (C0, DEL
 * and C1) become '?', and when the text is not valid UTF-8 every non-ASCII
 * byte does. The copy is cut at a character boundary.
 */
static void quote_text(char *out, size_t cap, const char *in)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    if (in == NULL)
        return;
    size_t len = strlen(in);
    bool utf8 = text_utf8_valid((const uint8_t *)in, len);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)in[i];
        size_t n = 1;
        if (utf8 && ch >= 0xC0)
            n = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
        if (o + n >= cap)
            break;
        if (ch < 0x20 || ch == 0x7F || (ch >= 0x80 && !utf8)) {
            out[o++] = '?';
        } else if (n == 2 && ch == 0xC2 && (unsigned char)in[i + 1] < 0xA0) {
            out[o++] = '?'; /* U+0080..U+009F, the C1 controls */
        } else {
            memcpy(out + o, in + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
}

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

static void known_clear(known_cp *k)
{
    free(k->note);
    memset(k, 0, sizeof *k);
}

static int known_set(known_cp *k, uint64_t size, const uint8_t root[LH_HASH_SIZE],
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

static const known_cp *known_find(const lh_conn *c, uint64_t size)
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

static int checkpoint_copy(lh_checkpoint *out, const known_cp *k)
{
    memset(out, 0, sizeof *out);
    out->note = malloc(k->note_len);
    if (out->note == NULL)
        return LH_ENOMEM;
    memcpy(out->note, k->note, k->note_len);
    out->note_len = k->note_len;
    out->size = k->size;
    memcpy(out->root, k->root, LH_HASH_SIZE);
    return 0;
}

/*
 * Open a signed checkpoint with the log key (signature, strict text, origin
 * equal to the key name: checkpoint_open()) and return its size and root.
 */
static int cp_open(const note_verifier *key, const uint8_t *note, size_t len, uint64_t *size,
                   uint8_t root[LH_HASH_SIZE], const char *what, lh_err *err)
{
    checkpoint_opened op;
    lh_err e = {{0}};
    int rc = checkpoint_open(note, len, key, NULL, 0, &op, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: the checkpoint does not verify with the log key %s: %s",
                          what, key->name, e.msg);
    *size = op.cp.size;
    memcpy(root, op.cp.root, LH_HASH_SIZE);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Transport: one frame out, one frame in, within the call's deadline. */

/* Mark the handle broken: the byte stream is out of step with the requests. */
static int fail_broken(lh_conn *c, lh_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_broken(lh_conn *c, lh_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->broken_why, sizeof c->broken_why, fmt, ap);
    va_end(ap);
    if (!c->broken && c->fd >= 0)
        shutdown(c->fd, SHUT_RDWR); /* the server sees at once that we are gone */
    c->broken = true;
    return lh_err_set(err, code, "%s", c->broken_why);
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

static int send_all(lh_conn *c, const uint8_t *buf, size_t len, int64_t deadline, const char *what,
                    lh_err *err)
{
    size_t off = 0;
    while (off < len) {
        /* MSG_DONTWAIT keeps each write within the deadline; MSG_NOSIGNAL
         * turns a closed peer into EPIPE instead of killing the caller. */
        ssize_t n = send(c->fd, buf + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_fd(c->fd, POLLOUT, deadline);
            if (rc == LH_ETIMEOUT)
                return fail_broken(c, err, LH_ETIMEOUT,
                                   "%s: timed out after %" PRId64 " ms sending the request to %s",
                                   what, c->timeout_ms, c->socket_path);
            if (rc != 0)
                return fail_broken(c, err, rc, "%s: poll on %s: %s", what, c->socket_path,
                                   strerror(-rc));
            continue;
        }
        if (errno == EPIPE || errno == ECONNRESET)
            return fail_broken(c, err, LH_ECLOSED,
                               "%s: the server closed the connection %s while the request was "
                               "sent",
                               what, c->socket_path);
        int e = errno;
        return fail_broken(c, err, -e, "%s: cannot send to %s: %s", what, c->socket_path,
                           strerror(e));
    }
    return 0;
}

static int recv_all(lh_conn *c, uint8_t *buf, size_t len, int64_t deadline, const char *what,
                    lh_err *err)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = recv(c->fd, buf + off, len - off, MSG_DONTWAIT);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n == 0)
            return fail_broken(c, err, LH_ECLOSED,
                               "%s: the server closed the connection %s before it answered", what,
                               c->socket_path);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_fd(c->fd, POLLIN, deadline);
            if (rc == LH_ETIMEOUT)
                return fail_broken(c, err, LH_ETIMEOUT,
                                   "%s: no answer from %s within the call's timeout of %" PRId64
                                   " ms",
                                   what, c->socket_path, c->timeout_ms);
            if (rc != 0)
                return fail_broken(c, err, rc, "%s: poll on %s: %s", what, c->socket_path,
                                   strerror(-rc));
            continue;
        }
        if (errno == ECONNRESET)
            return fail_broken(c, err, LH_ECLOSED,
                               "%s: the server reset the connection %s before it answered", what,
                               c->socket_path);
        int e = errno;
        return fail_broken(c, err, -e, "%s: cannot read from %s: %s", what, c->socket_path,
                           strerror(e));
    }
    return 0;
}

/*
 * Send one request and read its response. Returns 0 with a response of the
 * right id, whatever its status; every failure of framing breaks the handle.
 */
static int rpc(lh_conn *c, Liuhen__Request *req, Liuhen__Response **out, int64_t deadline,
               const char *what, lh_err *err)
{
    *out = NULL;
    if (c->broken)
        return lh_err_set(err, LH_ECLOSED,
                          "%s: the connection is unusable after an earlier failure (%s)", what,
                          c->broken_why);
    /* Nothing sent yet: a call that is already late fails without breaking. */
    if (remaining_ms(deadline) == 0)
        return lh_err_set(err, LH_ETIMEOUT, "%s: the call's timeout of %" PRId64 " ms has passed",
                          what, c->timeout_ms);

    req->id = c->next_id++;
    size_t body = liuhen__request__get_packed_size(req);
    if (body > UINT32_MAX)
        return lh_err_set(err, LH_ETOOBIG, "%s: the request of %zu bytes cannot be framed", what,
                          body);
    uint8_t *frame = malloc(WIRE_HEADER_SIZE + body);
    if (frame == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory for a request of %zu bytes", what,
                          body);
    wire_put_header(frame, (uint32_t)body);
    liuhen__request__pack(req, frame + WIRE_HEADER_SIZE);
    int rc = send_all(c, frame, WIRE_HEADER_SIZE + body, deadline, what, err);
    free(frame);
    if (rc != 0)
        return rc;

    uint8_t hdr[WIRE_HEADER_SIZE];
    rc = recv_all(c, hdr, sizeof hdr, deadline, what, err);
    if (rc != 0)
        return rc;
    uint32_t len = wire_get_header(hdr);
    /* The limit is checked before anything is allocated for the body. */
    if (len > c->max_frame)
        return fail_broken(c, err, LH_EPROTO,
                           "%s: the response frame of %" PRIu32
                           " bytes exceeds the limit of %" PRIu32 " bytes",
                           what, len, c->max_frame);
    uint8_t *buf = malloc(len > 0 ? len : 1);
    if (buf == NULL)
        return fail_broken(c, err, LH_ENOMEM,
                           "%s: out of memory for a response of %" PRIu32 " bytes", what, len);
    rc = recv_all(c, buf, len, deadline, what, err);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    Liuhen__Response *r = liuhen__response__unpack(NULL, len, buf);
    free(buf);
    if (r == NULL)
        return fail_broken(c, err, LH_EPROTO,
                           "%s: the response of %" PRIu32 " bytes is not a liuhen.Response", what,
                           len);
    if (r->id != req->id) {
        uint64_t got = r->id;
        liuhen__response__free_unpacked(r, NULL);
        return fail_broken(c, err, LH_EPROTO,
                           "%s: the response has id %" PRIu64 ", the request had id %" PRIu64, what,
                           got, req->id);
    }
    *out = r;
    return 0;
}

/* The error of a response whose status is not OK, quoting the server. */
static int server_error(const Liuhen__Response *r, const char *what, lh_err *err)
{
    char msg[QUOTE_MAX];
    quote_text(msg, sizeof msg, r->message);
    return lh_err_set(err, wire_status_to_err(r->status), "%s: the server answered %s%s%s", what,
                      wire_status_name(r->status), msg[0] != '\0' ? ": " : "", msg);
}

/* An OK response carrying the result a request asked for. */
static int expect_result(const Liuhen__Response *r, Liuhen__Response__ResultCase want,
                         const char *name, const char *what, lh_err *err)
{
    if (r->status != LIUHEN__STATUS__STATUS_OK)
        return server_error(r, what, err);
    if (r->result_case != want)
        return lh_err_set(err, LH_EPROTO, "%s: the response carries no %s result", what, name);
    return 0;
}

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

/* ------------------------------------------------------------------------ */
/* The state file: the last verified checkpoint note, nothing else. */

static int state_read(const char *path, uint8_t **note, size_t *len, lh_err *err)
{
    *note = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return -ENOENT; /* no checkpoint seen yet: trust on first use */
        return lh_err_set(err, -e, "state file %s: cannot open: %s", path, strerror(e));
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        rc = lh_err_set(err, -e, "state file %s: cannot stat: %s", path, strerror(e));
    } else if (!S_ISREG(st.st_mode)) {
        rc = lh_err_set(err, LH_EPARSE, "state file %s: not a regular file", path);
    } else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        /* Whoever can write it can roll it back and hide a fork. */
        rc = lh_err_set(err, LH_EPERMFILE,
                        "state file %s: writable by group or others (mode %03o): whoever can "
                        "write it can hide a fork",
                        path, (unsigned)(st.st_mode & 0777));
    } else if (st.st_size == 0) {
        /* It is only ever replaced whole, so an empty one was damaged. */
        rc = lh_err_set(err, LH_EPARSE, "state file %s: empty", path);
    } else if ((uint64_t)st.st_size > NOTE_MAX_SIZE) {
        rc = lh_err_set(err, LH_ETOOBIG, "state file %s: %lld bytes, more than a checkpoint", path,
                        (long long)st.st_size);
    }
    if (rc != 0) {
        close(fd);
        return rc;
    }
    size_t want = (size_t)st.st_size;
    uint8_t *buf = malloc(want);
    if (buf == NULL) {
        close(fd);
        return lh_err_set(err, LH_ENOMEM, "state file %s: out of memory", path);
    }
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            rc = lh_err_set(err, -e, "state file %s: cannot read: %s", path, strerror(e));
            break;
        }
        if (n == 0) {
            rc = lh_err_set(err, LH_EPARSE, "state file %s: shrank while it was read", path);
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *note = buf;
    *len = want;
    return 0;
}

/* fsync the directory holding path, so that a rename into it is durable. */
static int fsync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return LH_ENOMEM;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

/*
 * Replace the state file with the last seen checkpoint: a temporary file in
 * the same directory, mode 0600, written, fsync'd, renamed over the old one,
 * then the directory fsync'd. A crash leaves the old file or the new one,
 * never a mixture, and never an empty one.
 */
static int state_write(lh_conn *c, lh_err *err)
{
    const char *path = c->state_path;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".XXXXXX");
    if (tmp == NULL)
        return lh_err_set(err, LH_ENOMEM, "state file %s: out of memory", path);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".XXXXXX", sizeof ".XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return lh_err_set(err, -e, "state file %s: cannot create a temporary file: %s", path,
                          strerror(e));
    }
    int rc = 0;
    const char *step = "chmod";
    if (fchmod(fd, 0600) != 0) {
        rc = -errno;
    } else {
        step = "write";
        size_t off = 0;
        while (off < c->seen.note_len) {
            ssize_t n = write(fd, c->seen.note + off, c->seen.note_len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                rc = n < 0 ? -errno : -EIO;
                break;
            }
            off += (size_t)n;
        }
        if (rc == 0) {
            step = "fsync";
            if (fsync(fd) != 0)
                rc = -errno;
        }
    }
    if (close(fd) != 0 && rc == 0) {
        step = "close";
        rc = -errno;
    }
    if (rc == 0) {
        step = "rename";
        if (rename(tmp, path) != 0)
            rc = -errno;
    }
    if (rc != 0) {
        unlink(tmp);
        free(tmp);
        return lh_err_set(err, rc, "state file %s: %s failed: %s", path, step, strerror(-rc));
    }
    free(tmp);
    rc = fsync_parent(path);
    if (rc != 0)
        return lh_err_set(err, rc, "state file %s: fsync of its directory failed: %s", path,
                          rc == LH_ENOMEM ? "out of memory" : strerror(-rc));
    return 0;
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
    Liuhen__GetConsistencyProofRequest q = LIUHEN__GET_CONSISTENCY_PROOF_REQUEST__INIT;
    q.first = first;
    q.second = second;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CONSISTENCY_PROOF;
    req.get_consistency_proof = &q;

    *status = LIUHEN__STATUS__STATUS_OK;
    Liuhen__Response *r;
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    *status = r->status;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_CONSISTENCY_PROOF, "consistency proof", what,
                       err);
    if (rc != 0)
        goto done;
    const Liuhen__ConsistencyProof *p = r->get_consistency_proof->proof;
    if (p == NULL) {
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no consistency proof", what);
        goto done;
    }
    if (p->first != first || p->second != second) {
        rc = lh_err_set(err, LH_EPROTO,
                        "%s: asked for the proof from %" PRIu64 " to %" PRIu64 ", got %" PRIu64
                        " to %" PRIu64,
                        what, first, second, p->first, p->second);
        goto done;
    }
    uint8_t(*h)[LH_HASH_SIZE];
    rc = take_hashes(p->consistency, p->n_consistency, &h, "consistency", what, err);
    if (rc == 0) {
        *proof_len = p->n_consistency;
        if (h != NULL)
            memcpy(proof, h, p->n_consistency * LH_HASH_SIZE);
        free(h);
    }
done:
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
    int rc = state_read(c->state_path, &note, &len, err);
    if (rc == -ENOENT)
        return 0;
    if (rc != 0)
        return rc;
    char ctx[WHAT_MAX + 64];
    snprintf(ctx, sizeof ctx, "%s: state file %s", what, c->state_path);
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    rc = cp_open(&c->log_key, note, len, &size, root, ctx, err);
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
        rc = state_write(c, &e);
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
    int rc = cp_open(&c->log_key, note->data, note->len, &size, root, what, err);
    if (rc != 0)
        return rc;
    if (want_size != UINT64_MAX && size != want_size)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the checkpoint has size %" PRIu64 ", the proof is for size %" PRIu64,
                          what, size, want_size);
    rc = seen_accept(c, note->data, note->len, size, root, latest, NULL, deadline, what, err);
    if (rc != 0 || out == NULL)
        return rc;
    known_cp k = {.size = size, .note = note->data, .note_len = note->len};
    memcpy(k.root, root, LH_HASH_SIZE);
    if (checkpoint_copy(out, &k) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Connecting. */

static int connect_socket(lh_conn *c, int64_t deadline, lh_err *err)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, c->socket_path, strlen(c->socket_path) + 1);

    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        int e = errno;
        return lh_err_set(err, -e, "connect %s: socket: %s", c->socket_path, strerror(e));
    }
    /* Non-blocking while connecting, so that a full listen queue cannot hold
     * the caller past the deadline; the socket is blocking afterwards and
     * every read and write is bounded with MSG_DONTWAIT and poll(). */
    int flags = fcntl(c->fd, F_GETFL);
    if (flags < 0 || fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        int e = errno;
        return lh_err_set(err, -e, "connect %s: fcntl: %s", c->socket_path, strerror(e));
    }
    for (;;) {
        if (connect(c->fd, (const struct sockaddr *)&sa, sizeof sa) == 0)
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
                                  c->socket_path, c->timeout_ms);
            sleep_ms(ms < 10 ? ms : 10);
            continue;
        }
        if (e == EINPROGRESS) {
            int rc = wait_fd(c->fd, POLLOUT, deadline);
            if (rc == LH_ETIMEOUT)
                return lh_err_set(err, LH_ETIMEOUT, "connect %s: timed out after %" PRId64 " ms",
                                  c->socket_path, c->timeout_ms);
            int so = 0;
            socklen_t sl = sizeof so;
            if (rc == 0 && getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &so, &sl) != 0)
                rc = -errno;
            if (rc == 0 && so != 0)
                rc = -so;
            if (rc != 0)
                return lh_err_set(err, rc, "connect %s: %s", c->socket_path, strerror(-rc));
            break;
        }
        return lh_err_set(err, -e, "connect %s: %s", c->socket_path, strerror(e));
    }
    if (fcntl(c->fd, F_SETFL, flags) < 0) {
        int e = errno;
        return lh_err_set(err, -e, "connect %s: fcntl: %s", c->socket_path, strerror(e));
    }
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
    c->fd = -1;
    c->next_id = 1;
    c->max_frame = opts->max_frame != 0 ? opts->max_frame : WIRE_DEFAULT_MAX_FRAME;
    c->timeout_ms = opts->timeout_ms != 0 ? opts->timeout_ms : LH_DEFAULT_TIMEOUT_MS;
    int64_t deadline = mono_ms() + c->timeout_ms;

    int rc = 0;
    if (opts->log_vkey != NULL) {
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
    if (rc == 0) {
        c->socket_path = strdup(opts->socket_path);
        if (opts->state_file != NULL)
            c->state_path = strdup(opts->state_file);
        if (c->socket_path == NULL || (opts->state_file != NULL && c->state_path == NULL))
            rc = lh_err_set(err, LH_ENOMEM, "connect: out of memory");
    }
    /* The state file is read before connecting: a damaged one is refused
     * whether or not the server is up. No handle has seen anything yet, so
     * this sends nothing. */
    if (rc == 0 && c->state_path != NULL)
        rc = state_refresh(c, deadline, "connect", err);
    if (rc == 0)
        rc = connect_socket(c, deadline, err);
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
    if (c->fd >= 0)
        close(c->fd);
    free(c->socket_path);
    free(c->state_path);
    known_clear(&c->seen);
    for (size_t i = 0; i < KNOWN_MAX; i++)
        known_clear(&c->known[i]);
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
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_CHECKPOINT, "checkpoint", what, err);
    if (rc == 0)
        rc = accept_note(c, &r->get_checkpoint->checkpoint, UINT64_MAX, true, out, deadline, what,
                         err);
    liuhen__response__free_unpacked(r, NULL);
    return rc;
}

int lh_get_checkpoint(lh_conn *c, lh_checkpoint *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (c == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "checkpoint: NULL argument");
    return get_latest(c, out, mono_ms() + c->timeout_ms, "checkpoint", err);
}

/* ------------------------------------------------------------------------ */
/* Receipts. */

void lh_receipt_free(lh_receipt *r)
{
    if (r == NULL)
        return;
    free(r->checkpoint);
    free(r->audit_path);
    free(r->signed_entry);
    memset(r, 0, sizeof *r);
}

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

/*
 * Check a receipt against the log key, offline: the checkpoint opens and has
 * the receipt's size, the leaf rebuilt from the signed entry (when there is
 * one) has the receipt's leaf hash, and the audit path leads from that leaf
 * hash to the checkpoint's root.
 */
static int receipt_check(const lh_receipt *r, const note_verifier *key, uint64_t *size,
                         uint8_t root[LH_HASH_SIZE], const char *what, lh_err *err)
{
    if (r->checkpoint == NULL || r->checkpoint_len == 0)
        return lh_err_set(err, LH_EINVAL, "%s: the receipt holds no checkpoint", what);
    int rc = cp_open(key, r->checkpoint, r->checkpoint_len, size, root, what, err);
    if (rc != 0)
        return rc;
    if (*size != r->tree_size)
        return lh_err_set(err, LH_EPROOF,
                          "%s: the receipt's checkpoint has size %" PRIu64
                          ", the receipt says %" PRIu64,
                          what, *size, r->tree_size);
    if (r->signed_entry != NULL) {
        /* This binds the receipt to the bytes that were signed: a receipt
         * for another leaf, or with another integrated_at, fails here. */
        uint8_t *leaf = malloc(ENTRY_LEAF_MAX);
        if (leaf == NULL)
            return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
        size_t leaf_len;
        uint8_t hash[LH_HASH_SIZE];
        rc = entry_leaf_pack(r->signed_entry, r->signed_entry_len, r->integrated_at, leaf,
                             ENTRY_LEAF_MAX, &leaf_len);
        if (rc == 0)
            entry_leaf_hash(leaf, leaf_len, hash);
        free(leaf);
        if (rc != 0)
            return lh_err_set(err, LH_EPROOF,
                              "%s: no leaf can be built from the signed entry and integrated_at "
                              "%" PRId64 " (%s)",
                              what, r->integrated_at, lh_strerror(rc));
        if (memcmp(hash, r->leaf_hash, LH_HASH_SIZE) != 0)
            return lh_err_set(err, LH_EPROOF,
                              "%s: the receipt's leaf hash for entry %" PRIu64
                              " is not the hash of the signed entry integrated at %" PRId64,
                              what, r->leaf_index, r->integrated_at);
    }
    rc = merkle_verify_inclusion(r->audit_path != NULL ? r->audit_path[0] : NULL, r->audit_path_len,
                                 r->leaf_index, *size, r->leaf_hash, root);
    if (rc != 0)
        return lh_err_set(err, LH_EPROOF,
                          "%s: the inclusion proof of entry %" PRIu64
                          " does not verify against the checkpoint of size %" PRIu64,
                          what, r->leaf_index, *size);
    return 0;
}

int lh_receipt_verify(const lh_receipt *r, const note_verifier *log_key, lh_err *err)
{
    if (r == NULL || log_key == NULL)
        return lh_err_set(err, LH_EINVAL, "receipt: NULL argument");
    if (sodium_init() < 0)
        return lh_err_set(err, LH_EINTERNAL, "receipt: libsodium cannot be initialised");
    char what[64];
    snprintf(what, sizeof what, "receipt for entry %" PRIu64, r->leaf_index);
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    return receipt_check(r, log_key, &size, root, what, err);
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

/*
 * Turn an Append response into a verified receipt in out, whose
 * signed_entry already holds the bytes sent. On failure out keeps only them.
 */
static int finish_append(lh_conn *c, const Liuhen__Response *r, lh_receipt *out, int64_t deadline,
                         const char *what, lh_err *err)
{
    if (r->status != LIUHEN__STATUS__STATUS_OK && r->status != LIUHEN__STATUS__STATUS_DUPLICATE)
        return server_error(r, what, err);
    if (r->result_case != LIUHEN__RESPONSE__RESULT_APPEND || r->append->receipt == NULL)
        return lh_err_set(err, LH_EPROTO, "%s: the %s answer carries no receipt", what,
                          wire_status_name(r->status));
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

/* Send an Append of a SignedEntry whose canonical bytes are signed/len. */
static int send_append(lh_conn *c, const uint8_t *signed_entry, size_t len, Liuhen__Response **out,
                       int64_t deadline, const char *what, lh_err *err)
{
    const uint8_t *entry, *sig;
    size_t entry_len;
    lh_err e = {{0}};
    int rc = entry_signed_unpack(signed_entry, len, &entry, &entry_len, &sig, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: the signed entry is malformed: %s", what, e.msg);
    /* AppendRequest carries a SignedEntry message: protobuf-c encodes it
     * canonically, which must give back exactly the bytes the receipt's leaf
     * is checked against. */
    Liuhen__SignedEntry se = LIUHEN__SIGNED_ENTRY__INIT;
    se.entry.data = (uint8_t *)(uintptr_t)entry;
    se.entry.len = entry_len;
    se.signature.data = (uint8_t *)(uintptr_t)sig;
    se.signature.len = ENTRY_SIG_BYTES;
    if (liuhen__signed_entry__get_packed_size(&se) != len)
        return lh_err_set(err, LH_EINTERNAL,
                          "%s: the SignedEntry would not be sent as the bytes signed", what);
    uint8_t *check = malloc(len);
    if (check == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    liuhen__signed_entry__pack(&se, check);
    bool same = memcmp(check, signed_entry, len) == 0;
    free(check);
    if (!same)
        return lh_err_set(err, LH_EINTERNAL,
                          "%s: the SignedEntry would not be sent as the bytes signed", what);
    Liuhen__AppendRequest q = LIUHEN__APPEND_REQUEST__INIT;
    q.signed_entry = &se;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_APPEND;
    req.append = &q;
    return rpc(c, &req, out, deadline, what, err);
}

/* Heads from the wire: a head is present exactly when its count is not 0. */
static int heads_from(const Liuhen__Heads *h, bool want_case, lh_heads *out, const char *what,
                      lh_err *err)
{
    memset(out, 0, sizeof *out);
    if (h == NULL)
        return lh_err_set(err, LH_EPROTO, "%s: the response carries no heads", what);
    out->author_seq = h->author_seq;
    if (h->author_seq == 0 ? h->author_head.len != 0 : h->author_head.len != LH_HASH_SIZE)
        return lh_err_set(err, LH_EPROTO, "%s: author head of %zu bytes with author seq %" PRIu64,
                          what, h->author_head.len, h->author_seq);
    if (h->author_seq != 0) {
        out->has_author_head = true;
        memcpy(out->author_head, h->author_head.data, LH_HASH_SIZE);
    }
    if (!want_case)
        return 0; /* a case head nobody asked for names no chain of ours */
    out->case_length = h->case_length;
    if (h->case_length == 0 ? h->case_head.len != 0 : h->case_head.len != LH_HASH_SIZE)
        return lh_err_set(err, LH_EPROTO, "%s: case head of %zu bytes with case length %" PRIu64,
                          what, h->case_head.len, h->case_length);
    if (h->case_length != 0) {
        out->has_case_head = true;
        memcpy(out->case_head, h->case_head.data, LH_HASH_SIZE);
    }
    return 0;
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
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_AUTHOR_HEAD, "author head", what, err);
    if (rc == 0)
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
    int64_t deadline = mono_ms() + c->timeout_ms;
    char what[WHAT_MAX];
    append_what(what, entry);
    const uint8_t *pubkey = keyfile_key_pubkey(key);
    /* Fixed once: a retry changes only the chain links, never the record. */
    int64_t recorded_at = entry->recorded_at != 0 ? entry->recorded_at : wall_ms();

    bool want_case = entry->case_id != NULL && entry->case_id[0] != '\0';
    lh_heads h, used;
    bool have_heads = false;
    char conflict[QUOTE_MAX] = "";
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
        if (rc != 0)
            return rc;
        if (r->status != LIUHEN__STATUS__STATUS_CONFLICT) {
            rc = finish_append(c, r, out, deadline, what, err);
            liuhen__response__free_unpacked(r, NULL);
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
    int64_t deadline = mono_ms() + c->timeout_ms;
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
/* Receipts as JSON. */

int lh_receipt_to_json(const lh_receipt *r, char **out, lh_err *err)
{
    if (out != NULL)
        *out = NULL;
    if (r == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "receipt: NULL argument");
    if (r->checkpoint == NULL || r->checkpoint_len == 0)
        return lh_err_set(err, LH_EINVAL, "receipt: no checkpoint");
    /* JSON integers here are json_int_t (long long): a tree of 2^63 leaves
     * does not exist, but the receipt may come from anywhere. */
    if (r->leaf_index > (uint64_t)INT64_MAX || r->tree_size > (uint64_t)INT64_MAX)
        return lh_err_set(err, LH_ERANGE, "receipt: index or tree size above 2^63-1");
    if (r->audit_path_len > MERKLE_MAX_PROOF)
        return lh_err_set(err, LH_EINVAL, "receipt: %zu path hashes, more than any proof",
                          r->audit_path_len);

    int rc = 0;
    char b64[TEXT_B64_LEN(LH_HASH_SIZE)];
    json_t *o = json_object();
    json_t *path = json_array();
    json_t *cp = json_stringn((const char *)r->checkpoint, r->checkpoint_len);
    if (o == NULL || path == NULL) {
        rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
        goto done;
    }
    if (cp == NULL) {
        rc = lh_err_set(err, LH_EINVAL, "receipt: the checkpoint is not UTF-8 text");
        goto done;
    }
    for (size_t i = 0; i < r->audit_path_len; i++) {
        text_b64_encode(b64, r->audit_path[i], LH_HASH_SIZE);
        if (json_array_append_new(path, json_string(b64)) != 0) {
            rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
            goto done;
        }
    }
    text_b64_encode(b64, r->leaf_hash, LH_HASH_SIZE);
    /* The member names and their order are the receipt format the CLI and
     * liuhen-verify share. json_object_set_new() takes the value's
     * reference even when it fails, hence the NULLs. */
    if (json_object_set_new(o, "leaf_index", json_integer((json_int_t)r->leaf_index)) != 0 ||
        json_object_set_new(o, "leaf_hash", json_string(b64)) != 0 ||
        json_object_set_new(o, "integrated_at", json_integer((json_int_t)r->integrated_at)) != 0 ||
        json_object_set_new(o, "tree_size", json_integer((json_int_t)r->tree_size)) != 0) {
        rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
        goto done;
    }
    int set_path = json_object_set_new(o, "audit_path", path);
    path = NULL;
    int set_cp = set_path == 0 ? json_object_set_new(o, "checkpoint", cp) : -1;
    if (set_path == 0)
        cp = NULL;
    if (set_path != 0 || set_cp != 0) {
        rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
        goto done;
    }
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL) {
        rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
        goto done;
    }
    size_t n = strlen(text);
    char *nl = realloc(text, n + 2);
    if (nl == NULL) {
        free(text);
        rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
        goto done;
    }
    nl[n] = '\n';
    nl[n + 1] = '\0';
    *out = nl;
done:
    json_decref(o);
    json_decref(path);
    json_decref(cp);
    return rc;
}

/* A JSON integer member that must lie in [min, max]. */
static int json_get_int(json_t *o, const char *name, json_int_t min, json_int_t max,
                        json_int_t *out, lh_err *err)
{
    json_t *v = json_object_get(o, name);
    if (v == NULL)
        return lh_err_set(err, LH_EFIELD, "receipt: member \"%s\" is missing", name);
    if (!json_is_integer(v))
        return lh_err_set(err, LH_EFIELD, "receipt: member \"%s\" is not an integer", name);
    json_int_t x = json_integer_value(v);
    if (x < min || x > max)
        return lh_err_set(err, LH_EFIELD, "receipt: member \"%s\" is out of range (%lld)", name,
                          (long long)x);
    *out = x;
    return 0;
}

/* Decode one base64 hash of a JSON string. */
static int json_get_hash(json_t *v, const char *name, uint8_t out[LH_HASH_SIZE], lh_err *err)
{
    if (v == NULL)
        return lh_err_set(err, LH_EFIELD, "receipt: member \"%s\" is missing", name);
    if (!json_is_string(v))
        return lh_err_set(err, LH_EFIELD, "receipt: \"%s\" is not a string", name);
    size_t n;
    int rc = text_b64_decode(out, LH_HASH_SIZE, &n, json_string_value(v), json_string_length(v),
                             LH_HASH_SIZE);
    if (rc != 0)
        return lh_err_set(err, rc, "receipt: \"%s\" is not canonical base64 of %d bytes", name,
                          LH_HASH_SIZE);
    return 0;
}

int lh_receipt_from_json(const char *text, size_t len, lh_receipt *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (text == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "receipt: NULL argument");
    static const char *const members[] = {"leaf_index", "leaf_hash",  "integrated_at",
                                          "tree_size",  "audit_path", "checkpoint"};
    json_error_t je;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (o == NULL)
        return lh_err_set(err, LH_EJSON, "receipt: line %d, column %d: %s", je.line, je.column,
                          je.text);
    lh_receipt r = {0};
    int rc = 0;
    if (!json_is_object(o)) {
        rc = lh_err_set(err, LH_EJSON, "receipt: not a JSON object");
        goto done;
    }
    const char *name;
    json_t *v;
    json_object_foreach(o, name, v)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
            known = known || strcmp(name, members[i]) == 0;
        if (!known) {
            char q[64];
            quote_text(q, sizeof q, name);
            rc = lh_err_set(err, LH_EUNKNOWNFIELD, "receipt: unknown member \"%s\"", q);
            goto done;
        }
    }
    json_int_t index = 0, size = 0, at = 0;
    if ((rc = json_get_int(o, "leaf_index", 0, INT64_MAX, &index, err)) != 0 ||
        (rc = json_get_int(o, "tree_size", 1, INT64_MAX, &size, err)) != 0 ||
        (rc = json_get_int(o, "integrated_at", 1, INT64_MAX, &at, err)) != 0)
        goto done;
    if (index >= size) {
        rc = lh_err_set(err, LH_EFIELD, "receipt: leaf_index %lld is not below tree_size %lld",
                        (long long)index, (long long)size);
        goto done;
    }
    r.leaf_index = (uint64_t)index;
    r.tree_size = (uint64_t)size;
    r.integrated_at = (int64_t)at;
    if ((rc = json_get_hash(json_object_get(o, "leaf_hash"), "leaf_hash", r.leaf_hash, err)) != 0)
        goto done;

    json_t *path = json_object_get(o, "audit_path");
    if (path == NULL || !json_is_array(path)) {
        rc = lh_err_set(err, LH_EFIELD, "receipt: \"audit_path\" is missing or not an array");
        goto done;
    }
    size_t n = json_array_size(path);
    if (n > MERKLE_MAX_PROOF) {
        rc = lh_err_set(err, LH_ETOOBIG, "receipt: %zu path hashes, more than any proof (%d)", n,
                        MERKLE_MAX_PROOF);
        goto done;
    }
    if (n > 0) {
        r.audit_path = malloc(n * LH_HASH_SIZE);
        if (r.audit_path == NULL) {
            rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        char field[32];
        snprintf(field, sizeof field, "audit_path[%zu]", i);
        if ((rc = json_get_hash(json_array_get(path, i), field, r.audit_path[i], err)) != 0)
            goto done;
    }
    r.audit_path_len = n;

    json_t *cp = json_object_get(o, "checkpoint");
    if (cp == NULL || !json_is_string(cp) || json_string_length(cp) == 0) {
        rc =
            lh_err_set(err, LH_EFIELD, "receipt: \"checkpoint\" is missing, empty or not a string");
        goto done;
    }
    size_t cp_len = json_string_length(cp);
    if (cp_len > NOTE_MAX_SIZE) {
        rc = lh_err_set(err, LH_ETOOBIG, "receipt: a checkpoint of %zu bytes", cp_len);
        goto done;
    }
    r.checkpoint = malloc(cp_len);
    if (r.checkpoint == NULL) {
        rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
        goto done;
    }
    memcpy(r.checkpoint, json_string_value(cp), cp_len);
    r.checkpoint_len = cp_len;
    *out = r;
    memset(&r, 0, sizeof r);
done:
    lh_receipt_free(&r);
    json_decref(o);
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
    const known_cp *k = latest ? NULL : known_find(c, size);
    if (k == NULL)
        return lh_err_set(err, LH_EPROTO,
                          "%s: the server sent no signed checkpoint of size %" PRIu64
                          " and this handle has verified none",
                          what, size);
    if (checkpoint_copy(out, k) != 0)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    return 0;
}

static int inclusion_common(lh_conn *c, bool by_hash, uint64_t index,
                            const uint8_t leaf_hash[LH_HASH_SIZE], uint64_t tree_size,
                            lh_inclusion *out, const char *what, lh_err *err)
{
    int64_t deadline = mono_ms() + c->timeout_ms;
    Liuhen__GetInclusionProofRequest q = LIUHEN__GET_INCLUSION_PROOF_REQUEST__INIT;
    if (by_hash) {
        q.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH;
        q.leaf_hash.data = (uint8_t *)(uintptr_t)leaf_hash;
        q.leaf_hash.len = LH_HASH_SIZE;
    } else {
        q.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX;
        q.leaf_index = index;
    }
    q.tree_size = tree_size;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF;
    req.get_inclusion_proof = &q;
    Liuhen__Response *r;
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_INCLUSION_PROOF, "inclusion proof", what,
                       err);
    if (rc != 0)
        goto done;
    const Liuhen__InclusionProof *p = r->get_inclusion_proof->proof;
    if (p == NULL)
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no inclusion proof", what);
    else if (p->leaf_hash.len != LH_HASH_SIZE)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof's leaf hash is %zu bytes, not %d", what,
                        p->leaf_hash.len, LH_HASH_SIZE);
    else if (!by_hash && p->leaf_index != index)
        rc = lh_err_set(err, LH_EPROTO, "%s: the proof is for entry %" PRIu64, what, p->leaf_index);
    else if (by_hash && memcmp(p->leaf_hash.data, leaf_hash, LH_HASH_SIZE) != 0)
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
    return inclusion_common(c, false, index, NULL, tree_size, out, what, err);
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
    return inclusion_common(c, true, 0, leaf_hash, tree_size, out, what, err);
}

/*
 * The signed root of tree size `size` when this handle has verified none:
 * the stored checkpoint of that size, which the server sends with an
 * inclusion proof at that size.
 */
static int fetch_signed_root(lh_conn *c, uint64_t size, uint8_t root[LH_HASH_SIZE],
                             int64_t deadline, const char *what, lh_err *err)
{
    Liuhen__GetInclusionProofRequest q = LIUHEN__GET_INCLUSION_PROOF_REQUEST__INIT;
    q.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX;
    q.leaf_index = 0;
    q.tree_size = size;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_INCLUSION_PROOF;
    req.get_inclusion_proof = &q;
    Liuhen__Response *r;
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_INCLUSION_PROOF, "inclusion proof", what,
                       err);
    lh_checkpoint cp = {0};
    if (rc == 0)
        rc = proof_checkpoint(c, &r->get_inclusion_proof->checkpoint, size, false, &cp, deadline,
                              what, err);
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
    const known_cp *k = second != 0 ? known_find(c, second) : NULL;
    int rc = 0;
    if (k != NULL) {
        memcpy(out->second_root, k->root, LH_HASH_SIZE);
    } else if (second != 0) {
        rc = fetch_signed_root(c, second, out->second_root, deadline, what, err);
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
    int64_t deadline = mono_ms() + c->timeout_ms;
    if (first == 0)
        return consistency_from_empty(c, second, out, deadline, what, err);

    Liuhen__GetConsistencyProofRequest q = LIUHEN__GET_CONSISTENCY_PROOF_REQUEST__INIT;
    q.first = first;
    q.second = second;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CONSISTENCY_PROOF;
    req.get_consistency_proof = &q;
    Liuhen__Response *r;
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_CONSISTENCY_PROOF, "consistency proof", what,
                       err);
    const Liuhen__ConsistencyProof *p = NULL;
    if (rc == 0 && (p = r->get_consistency_proof->proof) == NULL)
        rc = lh_err_set(err, LH_EPROTO, "%s: the response carries no consistency proof", what);
    else if (rc == 0 &&
             (p->first != first || (second != 0 && p->second != second) || p->second < first))
        rc = lh_err_set(err, LH_EPROTO,
                        "%s: the proof is from %" PRIu64 " to %" PRIu64 ", not what was asked for",
                        what, p->first, p->second);
    else if (rc == 0)
        rc = take_hashes(p->consistency, p->n_consistency, &out->proof, "consistency", what, err);
    lh_checkpoint cp = {0};
    if (rc == 0 && p != NULL) {
        out->proof_len = p->n_consistency;
        out->first = first;
        out->second = p->second;
        rc = proof_checkpoint(c, &r->get_consistency_proof->checkpoint, p->second, second == 0, &cp,
                              deadline, what, err);
    }
    liuhen__response__free_unpacked(r, NULL);
    if (rc == 0) {
        memcpy(out->second_root, cp.root, LH_HASH_SIZE);
        const known_cp *k = known_find(c, first);
        if (first == 0)
            merkle_empty_root(out->first_root);
        else if (k != NULL)
            memcpy(out->first_root, k->root, LH_HASH_SIZE);
        else
            rc = fetch_signed_root(c, first, out->first_root, deadline, what, err);
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

static void logged_entry_free(lh_logged_entry *it)
{
    free(it->leaf);
    if (it->entry != NULL)
        liuhen__entry__free_unpacked(it->entry, NULL);
    free(it->audit_path);
    memset(it, 0, sizeof *it);
}

static void items_free(lh_logged_entry *items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        logged_entry_free(&items[i]);
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
    int64_t deadline = mono_ms() + c->timeout_ms;
    Liuhen__GetEntriesRequest q = LIUHEN__GET_ENTRIES_REQUEST__INIT;
    q.start = start;
    q.count = count;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_ENTRIES;
    req.get_entries = &q;
    Liuhen__Response *r;
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_ENTRIES, "entries", what, err);
    size_t n = rc == 0 ? r->get_entries->n_entries : 0;
    if (rc == 0 && n > count)
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
        memcmp(e->case_prev.data, prev->leaf_hash, LH_HASH_SIZE) != 0)
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
    int64_t deadline = mono_ms() + c->timeout_ms;
    Liuhen__GetCaseRequest q = LIUHEN__GET_CASE_REQUEST__INIT;
    q.case_id = (char *)(uintptr_t)case_id;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CASE;
    req.get_case = &q;
    Liuhen__Response *r;
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_CASE, "case", what, err);
    const Liuhen__GetCaseResponse *g = rc == 0 ? r->get_case : NULL;
    if (rc == 0 && g->n_proofs != g->n_entries)
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
    return fetch_heads(c, author_key, case_id, out, mono_ms() + c->timeout_ms, what, err);
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
    int rc = rpc(c, &req, &r, mono_ms() + c->timeout_ms, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_GET_KEYS, "keys", what, err);
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
    int64_t deadline = mono_ms() + c->timeout_ms;
    Liuhen__StatusRequest q = LIUHEN__STATUS_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_SERVER_STATUS;
    req.server_status = &q;
    Liuhen__Response *r;
    int rc = rpc(c, &req, &r, deadline, what, err);
    if (rc != 0)
        return rc;
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_SERVER_STATUS, "status", what, err);
    const Liuhen__StatusResponse *s = rc == 0 ? r->server_status : NULL;
    if (rc == 0 && (!text_ok(s->origin) || !text_ok(s->log_vkey)))
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
 * Send a slow call with its own deadline. The handle's timeout is raised
 * for the call so that a timeout message states the deadline that applied.
 */
static int slow_rpc(lh_conn *c, Liuhen__Request *req, Liuhen__Response **out, int64_t *deadline,
                    const char *what, lh_err *err)
{
    int64_t saved = c->timeout_ms;
    if (c->timeout_ms < (int64_t)LH_SLOW_TIMEOUT_MS)
        c->timeout_ms = LH_SLOW_TIMEOUT_MS;
    *deadline = mono_ms() + c->timeout_ms;
    int rc = rpc(c, req, out, *deadline, what, err);
    c->timeout_ms = saved;
    return rc;
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
    /* O_NONBLOCK: a FIFO put there must not hang the caller. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    free(path);
    if (fd < 0)
        return 0;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return 0;
    }
    /* A file that is not regular, or not of the note's length, differs. */
    bool same = false;
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size == cp->note_len) {
        uint8_t *buf = malloc(cp->note_len + 1);
        if (buf == NULL) {
            close(fd);
            return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
        }
        /* One byte more than expected is asked for, so that a file that
         * grew since fstat() is seen to differ. */
        size_t got = 0;
        bool read_ok = true;
        while (got < cp->note_len + 1) {
            ssize_t n = read(fd, buf + got, cp->note_len + 1 - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                read_ok = false;
                break;
            }
            if (n == 0)
                break;
            got += (size_t)n;
        }
        same = got == cp->note_len && memcmp(buf, cp->note, cp->note_len) == 0;
        free(buf);
        if (!read_ok) {
            close(fd);
            return 0; /* unreadable here after all: not checked */
        }
    }
    close(fd);
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
    char what[WHAT_MAX];
    int rc = slow_path("export", directory, what, err);
    if (rc != 0)
        return rc;
    Liuhen__ExportRequest q = LIUHEN__EXPORT_REQUEST__INIT;
    q.directory = (char *)directory;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_EXPORT;
    req.export = &q;
    Liuhen__Response *r;
    int64_t deadline;
    if ((rc = slow_rpc(c, &req, &r, &deadline, what, err)) != 0)
        return rc;
    if (r->status != LIUHEN__STATUS__STATUS_OK) {
        rc = slow_refused(r, "export", err);
        goto out;
    }
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_EXPORT, "export", what, err);
    if (rc != 0)
        goto out;
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
    char what[WHAT_MAX];
    int rc = slow_path("backup", path, what, err);
    if (rc != 0)
        return rc;
    Liuhen__BackupRequest q = LIUHEN__BACKUP_REQUEST__INIT;
    q.path = (char *)path;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_BACKUP;
    req.backup = &q;
    Liuhen__Response *r;
    int64_t deadline;
    if ((rc = slow_rpc(c, &req, &r, &deadline, what, err)) != 0)
        return rc;
    if (r->status != LIUHEN__STATUS__STATUS_OK) {
        rc = slow_refused(r, "backup", err);
        goto out;
    }
    rc = expect_result(r, LIUHEN__RESPONSE__RESULT_BACKUP, "backup", what, err);
    if (rc != 0)
        goto out;
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
