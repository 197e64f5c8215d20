/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * wstate.c — the witness's state directory and the add-checkpoint code
 * path (wstate.h).
 */
#include "wstate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "checkpoint.h"
#include "cosig.h"
#include "fileio.h"
#include "grow.h"
#include "i18n.h"
#include "merkle.h"
#include "quote.h"
#include "text.h"

#define EVIDENCE_DIR   "evidence"
#define EVIDENCE_MAGIC "liuhen-witness evidence v1"
/* The header of an evidence file: nine short lines, the reason the longest. */
#define EVIDENCE_HEADER_MAX (1024 + NOTE_NAME_MAX + LH_ERR_MSG_MAX)
/* An evidence file: the header, the request body and the cosigned note
 * (which came in a request body too). */
#define EVIDENCE_FILE_MAX (EVIDENCE_HEADER_MAX + 2 * WITNESS_REQUEST_MAX)
/* How often a waiting open retries DIR/lock. */
#define LOCK_POLL_MS 50

static const char TEXT_PLAIN[] = "text/plain; charset=utf-8";

/* What is known of one log beyond witness_log: its files and the note last
 * cosigned (for the evidence). */
typedef struct wstate_file {
    char name[WSTATE_NAME_MAX]; /* "<hex>.checkpoint" */
    char hex[65];
    uint8_t *note; /* the cosigned checkpoint as received; NULL when none */
    size_t note_len;
} wstate_file;

struct wstate {
    pthread_mutex_t mu; /* the check, the cosignature and the write: one step */
    char *dir;
    int dirfd, evfd, lockfd;
    const note_signer *signer;
    FILE *log;
    size_t nlogs;
    witness_log *logs;
    wstate_file *files;
};

void wstate_origin_hex(char hex[65], const char *origin)
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const uint8_t *)origin, strlen(origin));
    sodium_bin2hex(hex, 65, h, sizeof h);
}

const char *wstate_status_text(int status)
{
    switch (status) {
    case WITNESS_OK: return "OK";
    case WITNESS_BAD_REQUEST: return "Bad Request";
    case WITNESS_FORBIDDEN: return "Forbidden";
    case WITNESS_NOT_FOUND: return "Not Found";
    case 405: return "Method Not Allowed";
    case WITNESS_CONFLICT: return "Conflict";
    case WSTATE_TOO_LARGE: return "Content Too Large";
    case WITNESS_UNPROCESSABLE: return "Unprocessable Content";
    case WSTATE_INTERNAL: return "Internal Server Error";
    default: return "Unknown";
    }
}

/* ---- opening ----------------------------------------------------------- */

/*
 * Open the directory rel under at (created with mode 0700 when missing) and
 * refuse one that group or others may access or that another user owns:
 * whoever can write in it can roll a log back.
 */
static int wstate_open_dir(int at, const char *rel, int oflags, const char *shown, int *out,
                           lh_err *err)
{
    bool made = mkdirat(at, rel, 0700) == 0;
    if (!made && errno != EEXIST)
        return lh_err_set(err, -errno, _("state directory %s: cannot create it: %s"), shown,
                          strerror(errno));
    /* A directory made here is durable before anything is kept in it. */
    int rc = 0;
    if (made)
        rc =
            at == AT_FDCWD ? fileio_sync_parent(rel, err) : fileio_sync_dir_at(at, ".", shown, err);
    if (rc != 0)
        return rc;
    int fd = openat(at, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC | oflags);
    if (fd < 0)
        return lh_err_set(err, -errno, _("state directory %s: %s"), shown, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = -errno;
        close(fd);
        return lh_err_set(err, rc, _("state directory %s: %s"), shown, strerror(-rc));
    }
    if (st.st_uid != geteuid()) {
        close(fd);
        return lh_err_set(err, LH_EPERMFILE,
                          _("state directory %s belongs to another user (uid %ld): the witness "
                            "keeps its state only in a directory of its own"),
                          shown, (long)st.st_uid);
    }
    if ((st.st_mode & 077) != 0) {
        close(fd);
        return lh_err_set(err, LH_EPERMFILE,
                          _("state directory %s: group or others may access it (mode %04o): "
                            "whoever can write in it can roll a log back; chmod 700 it"),
                          shown, (unsigned)(st.st_mode & 07777));
    }
    *out = fd;
    return 0;
}

/* Take DIR/lock, waiting up to wait_ms for another process to release it. */
static int wstate_lock(wstate *ws, unsigned wait_ms, lh_err *err)
{
    ws->lockfd = openat(ws->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (ws->lockfd < 0)
        return lh_err_set(err, -errno, "%s/lock: %s", ws->dir, strerror(errno));
    for (unsigned waited = 0;; waited += LOCK_POLL_MS) {
        if (flock(ws->lockfd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return lh_err_set(err, -errno, "%s/lock: %s", ws->dir, strerror(errno));
        if (waited >= wait_ms)
            break;
        struct timespec ts = {0, LOCK_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    return lh_err_set(err, LH_EUNAVAILABLE,
                      _("state directory %s is in use by another liuhen-witness (%s/lock is "
                        "held, waited %u ms): a running `serve` keeps it for its life; stop it, "
                        "or send the request to it over HTTP"),
                      ws->dir, ws->dir, wait_ms);
}

/* Read and verify log i's checkpoint file, when there is one. */
static int wstate_load_log(wstate *ws, size_t i, lh_err *err)
{
    witness_log *log = &ws->logs[i];
    wstate_file *f = &ws->files[i];
    char shown[PATH_MAX];
    snprintf(shown, sizeof shown, "%s/%s", ws->dir, f->name);
    lh_err e = {{0}};
    uint8_t *buf;
    size_t len;
    int rc = fileio_read_at(ws->dirfd, f->name, FILEIO_UNSHARED | FILEIO_NOFOLLOW,
                            "witness state file", WITNESS_REQUEST_MAX, &buf, &len, &e);
    if (rc == -ENOENT)
        return 0;
    if (rc != 0)
        return lh_err_set(err, rc, _("%s (log %s): %s"), shown, log->key.name, e.msg);
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL) {
        free(buf);
        return lh_err_set(err, LH_ENOMEM, _("%s: out of memory"), shown);
    }
    rc = checkpoint_open(buf, len, &log->key, NULL, 0, op, &e);
    if (rc != 0) {
        free(op);
        free(buf);
        return lh_err_set(err, rc,
                          _("witness state file %s does not verify with the key of log %s: %s; "
                            "the witness will not start on a state it cannot trust"),
                          shown, log->key.name, e.msg);
    }
    log->cosigned = true;
    log->size = op->cp.size;
    memcpy(log->root, op->cp.root, MERKLE_HASH_SIZE);
    f->note = buf;
    f->note_len = len;
    free(op);
    return 0;
}

static int wstate_check_config(const wstate_config *cfg, lh_err *err)
{
    if (cfg == NULL || cfg->dir == NULL || cfg->signer == NULL || cfg->logs == NULL ||
        cfg->nlogs == 0)
        return lh_err_set(err, LH_EINVAL,
                          _("the witness needs a state directory, a key and a log"));
    if (cfg->signer->type != NOTE_TYPE_COSIG)
        return lh_err_set(err, LH_EINVAL, _("witness key %s: not a cosignature key (type 0x04)"),
                          cfg->signer->name);
    for (size_t i = 0; i < cfg->nlogs; i++) {
        if (cfg->logs[i].type != NOTE_TYPE_ED25519)
            return lh_err_set(err, LH_EINVAL, _("log key %s: not an Ed25519 log key (type 0x01)"),
                              cfg->logs[i].name);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(cfg->logs[i].name, cfg->logs[j].name) == 0)
                return lh_err_set(err, LH_EINVAL,
                                  _("two log keys for the origin %s: a witness trusts one key per "
                                    "log"),
                                  cfg->logs[i].name);
        }
    }
    return 0;
}

int wstate_open(const wstate_config *cfg, wstate **out, lh_err *err)
{
    *out = NULL;
    int rc = wstate_check_config(cfg, err);
    if (rc != 0)
        return rc;
    wstate *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return lh_err_set(err, LH_ENOMEM, _("out of memory"));
    ws->dirfd = ws->evfd = ws->lockfd = -1;
    ws->signer = cfg->signer;
    ws->log = cfg->log;
    ws->nlogs = cfg->nlogs;
    ws->dir = strdup(cfg->dir);
    ws->logs = calloc(cfg->nlogs, sizeof *ws->logs);
    ws->files = calloc(cfg->nlogs, sizeof *ws->files);
    if (ws->dir == NULL || ws->logs == NULL || ws->files == NULL ||
        pthread_mutex_init(&ws->mu, NULL) != 0) {
        free(ws->dir);
        free(ws->logs);
        free(ws->files);
        free(ws);
        return lh_err_set(err, LH_ENOMEM, _("out of memory"));
    }
    if ((rc = wstate_open_dir(AT_FDCWD, cfg->dir, 0, cfg->dir, &ws->dirfd, err)) != 0)
        goto fail;
    if ((rc = wstate_lock(ws, cfg->lock_wait_ms, err)) != 0)
        goto fail;
    char shown[PATH_MAX];
    snprintf(shown, sizeof shown, "%s/%s", cfg->dir, EVIDENCE_DIR);
    if ((rc = wstate_open_dir(ws->dirfd, EVIDENCE_DIR, O_NOFOLLOW, shown, &ws->evfd, err)) != 0)
        goto fail;
    for (size_t i = 0; i < cfg->nlogs; i++) {
        ws->logs[i].key = cfg->logs[i];
        wstate_origin_hex(ws->files[i].hex, cfg->logs[i].name);
        snprintf(ws->files[i].name, sizeof ws->files[i].name, "%s.checkpoint", ws->files[i].hex);
        if ((rc = wstate_load_log(ws, i, err)) != 0)
            goto fail;
    }
    *out = ws;
    return 0;
fail:
    wstate_close(ws);
    return rc;
}

void wstate_close(wstate *ws)
{
    if (ws == NULL)
        return;
    /* Closing the descriptor releases the flock(). */
    if (ws->lockfd >= 0)
        close(ws->lockfd);
    if (ws->evfd >= 0)
        close(ws->evfd);
    if (ws->dirfd >= 0)
        close(ws->dirfd);
    for (size_t i = 0; i < ws->nlogs; i++)
        free(ws->files[i].note);
    pthread_mutex_destroy(&ws->mu);
    free(ws->files);
    free(ws->logs);
    free(ws->dir);
    free(ws);
}

int wstate_get_log(wstate *ws, size_t i, witness_log *out)
{
    if (i >= ws->nlogs)
        return LH_ERANGE;
    pthread_mutex_lock(&ws->mu);
    *out = ws->logs[i];
    pthread_mutex_unlock(&ws->mu);
    return 0;
}

/* ---- answers ----------------------------------------------------------- */

/* One line: newlines and other controls become spaces. */
static void wstate_one_line(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
    }
}

__attribute__((format(printf, 3, 4))) static void wstate_refuse(wstate_answer *a, int status,
                                                                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->reason, sizeof a->reason, fmt, ap);
    va_end(ap);
    wstate_one_line(a->reason);
    a->status = status;
    a->content_type = TEXT_PLAIN;
    int n = snprintf((char *)a->body, sizeof a->body, "%s\n", a->reason);
    a->body_len = (size_t)n < sizeof a->body ? (size_t)n : sizeof a->body - 1;
}

void wstate_answer_too_large(wstate_answer *a)
{
    memset(a, 0, sizeof *a);
    wstate_refuse(a, WSTATE_TOO_LARGE, "the request body is larger than %u bytes",
                  (unsigned)WITNESS_REQUEST_MAX);
}

/* ---- evidence ---------------------------------------------------------- */

static void wstate_utc_basic(char out[20], uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 20, "%Y%m%dT%H%M%SZ", &tm) == 0)
        snprintf(out, 20, "%" PRIu64, t);
}

/*
 * Keep the body of a request refused as misbehaviour, with the checkpoint
 * that was cosigned, in a new file under DIR/evidence, durably. Called with
 * the mutex held, so no other thread picks the same name; the flock()
 * keeps other processes out.
 */
static int wstate_keep_evidence(wstate *ws, const wstate_file *f, const witness_log *log,
                                const uint8_t *body, size_t len, const witness_verdict *v,
                                uint64_t now, char name[WSTATE_NAME_MAX], lh_err *err)
{
    char when[20];
    wstate_utc_basic(when, now);
    bool found = false;
    for (unsigned n = 1; n <= 1000 && !found; n++) {
        if (n == 1)
            snprintf(name, WSTATE_NAME_MAX, "%s-%" PRIu64 "-%s.evidence", f->hex, v->cp.size, when);
        else
            snprintf(name, WSTATE_NAME_MAX, "%s-%" PRIu64 "-%s-%u.evidence", f->hex, v->cp.size,
                     when, n);
        struct stat st;
        if (fstatat(ws->evfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
            found = true;
    }
    if (!found)
        return lh_err_set(err, LH_EEXIST, _("%s/%s: no free evidence file name"), ws->dir,
                          EVIDENCE_DIR);
    char reason[LH_ERR_MSG_MAX];
    snprintf(reason, sizeof reason, "%s", v->reason);
    wstate_one_line(reason);
    char header[EVIDENCE_HEADER_MAX];
    int h =
        snprintf(header, sizeof header,
                 EVIDENCE_MAGIC "\norigin %s\nsize %" PRIu64 "\ncosigned-size %" PRIu64
                                "\ntime %" PRIu64 "\nstatus %d\nreason %s\nrequest %zu\n"
                                "cosigned %zu\n\n",
                 log->key.name, v->cp.size, log->size, now, v->status, reason, len, f->note_len);
    if (h < 0 || (size_t)h >= sizeof header)
        return lh_err_set(err, LH_EINTERNAL, _("evidence header too long"));
    size_t total = (size_t)h + len + f->note_len;
    uint8_t *buf = malloc(total);
    if (buf == NULL)
        return lh_err_set(err, LH_ENOMEM, _("out of memory keeping evidence"));
    memcpy(buf, header, (size_t)h);
    memcpy(buf + h, body, len);
    if (f->note_len > 0)
        memcpy(buf + (size_t)h + len, f->note, f->note_len);
    char shown[PATH_MAX];
    snprintf(shown, sizeof shown, "evidence file %s/%s/%s", ws->dir, EVIDENCE_DIR, name);
    /* A reader (wstate_evidence_list() beside a running serve) sees the
     * whole file or none: written beside, then renamed. */
    int rc = fileio_replace_at(ws->evfd, name, 0, 0600, buf, total, shown, err);
    free(buf);
    if (rc == 0)
        rc = fileio_sync_dir_at(ws->evfd, ".", shown, err);
    return rc;
}

/* A refusal from the verdict, and its evidence when the log misbehaved. */
static void wstate_refusal(wstate *ws, const uint8_t *body, size_t len, const witness_verdict *v,
                           uint64_t now, wstate_answer *a)
{
    if (v->status == WITNESS_CONFLICT) {
        /* tlog-witness: the body is the latest cosigned size, the type text/x.tlog.size. */
        snprintf(a->reason, sizeof a->reason, "%s", v->reason);
        wstate_one_line(a->reason);
        a->status = WITNESS_CONFLICT;
        a->content_type = WITNESS_SIZE_TYPE;
        a->body_len = (size_t)snprintf((char *)a->body, sizeof a->body, "%" PRIu64 "\n", v->latest);
    } else {
        wstate_refuse(a, v->status, "%s", v->reason);
    }
    if (!v->misbehaviour)
        return;
    a->misbehaviour = true;
    const witness_log *log = &ws->logs[v->log];
    lh_err e = {{0}};
    char name[WSTATE_NAME_MAX];
    int rc = wstate_keep_evidence(ws, &ws->files[v->log], log, body, len, v, now, name, &e);
    if (rc == 0)
        snprintf(a->evidence, sizeof a->evidence, "%s", name);
    if (ws->log == NULL)
        return;
    char cosigned[128];
    if (log->cosigned)
        snprintf(cosigned, sizeof cosigned, _("the checkpoint of size %" PRIu64), log->size);
    else
        snprintf(cosigned, sizeof cosigned, "%s", _("the empty tree (nothing cosigned yet)"));
    /* TRANSLATORS: keep "LOG MISBEHAVIOUR" as it is, in the translation too: the alerts
       of a witness's operator look for it in the log. */
    fprintf(ws->log,
            _("liuhen-witness: ERROR: LOG MISBEHAVIOUR: origin %s: a checkpoint of size %" PRIu64
              " signed by the log is inconsistent with %s this witness vouches for; not "
              "cosigned (%d %s): %s\n"),
            log->key.name, v->cp.size, cosigned, a->status, wstate_status_text(a->status),
            a->reason);
    if (rc == 0)
        fprintf(ws->log, _("liuhen-witness: evidence kept in %s/%s/%s\n"), ws->dir, EVIDENCE_DIR,
                name);
    else
        fprintf(ws->log, _("liuhen-witness: ERROR: the evidence could not be kept: %s\n"), e.msg);
    fflush(ws->log);
}

/* ---- cosigning --------------------------------------------------------- */

/*
 * Cosign the checkpoint witness_check() accepted and record it as its log's
 * latest, durably, in that order: the cosignature leaves only once the
 * state that promises never to go back is on disk.
 */
static int wstate_cosign(wstate *ws, const witness_request *rq, const witness_verdict *v,
                         uint64_t now, wstate_answer *a)
{
    witness_log *log = &ws->logs[v->log];
    wstate_file *f = &ws->files[v->log];
    lh_err e = {{0}};

    /* The text is the checkpoint as the log signed it: the parser is
     * strict, so its one canonical form, which must open the note. */
    uint8_t text[CHECKPOINT_TEXT_MAX];
    size_t text_len;
    int rc = checkpoint_format(text, sizeof text, &text_len, &v->cp, &e);
    if (rc == 0 && (text_len >= rq->note_len || memcmp(text, rq->note, text_len) != 0 ||
                    rq->note[text_len] != '\n'))
        rc = lh_err_set(&e, LH_EINTERNAL, "the checkpoint text differs from the note's");
    uint8_t line[NOTE_SIGLINE_MAX];
    size_t line_len = 0;
    if (rc == 0)
        rc = cosig_sign(ws->signer, text, text_len, now, line, sizeof line, &line_len, &e);
    if (rc != 0) {
        wstate_refuse(a, WSTATE_INTERNAL, "%s: cannot cosign: %s", log->key.name, e.msg);
        return rc;
    }

    uint8_t *copy = malloc(rq->note_len);
    if (copy == NULL) {
        wstate_refuse(a, WSTATE_INTERNAL, "out of memory");
        return LH_ENOMEM;
    }
    memcpy(copy, rq->note, rq->note_len);
    char shown[PATH_MAX];
    snprintf(shown, sizeof shown, "witness state file %s/%s (log %s)", ws->dir, f->name,
             log->key.name);
    /* FILEIO_FIXED_TEMP: one writer (the flock), so a temporary file left
     * by a crash is reused, not piled up. */
    rc = fileio_replace_at(ws->dirfd, f->name, FILEIO_FIXED_TEMP, 0600, rq->note, rq->note_len,
                           shown, &e);
    if (rc == 0)
        rc = fileio_sync_dir_at(ws->dirfd, ".", shown, &e);
    if (rc != 0) {
        free(copy);
        wstate_refuse(a, WSTATE_INTERNAL, "the state could not be saved, nothing was cosigned: %s",
                      e.msg);
        return rc;
    }
    log->cosigned = true;
    log->size = v->cp.size;
    memcpy(log->root, v->cp.root, MERKLE_HASH_SIZE);
    free(f->note);
    f->note = copy;
    f->note_len = rq->note_len;

    a->status = WITNESS_OK;
    a->content_type = TEXT_PLAIN;
    memcpy(a->body, line, line_len);
    a->body_len = line_len;
    snprintf(a->reason, sizeof a->reason, "%s", v->reason);
    wstate_one_line(a->reason);
    return 0;
}

int wstate_add_checkpoint(wstate *ws, const uint8_t *body, size_t len, uint64_t now,
                          wstate_answer *a)
{
    memset(a, 0, sizeof *a);
    if (len > WITNESS_REQUEST_MAX) {
        wstate_answer_too_large(a);
        return 0;
    }
    if (now > COSIG_TIMESTAMP_MAX) {
        wstate_refuse(a, WSTATE_INTERNAL, "the clock is past 2^63 - 1 seconds");
        return LH_ERANGE;
    }
    witness_request *rq = malloc(sizeof *rq);
    witness_verdict *v = malloc(sizeof *v);
    if (rq == NULL || v == NULL) {
        free(rq);
        free(v);
        wstate_refuse(a, WSTATE_INTERNAL, "out of memory");
        return LH_ENOMEM;
    }
    lh_err e = {{0}};
    int rc = 0;
    if (witness_request_parse(body, len, rq, &e) != 0) {
        wstate_refuse(a, WITNESS_BAD_REQUEST, "%s", e.msg);
        goto out;
    }
    pthread_mutex_lock(&ws->mu);
    rc = witness_check(ws->logs, ws->nlogs, rq, v);
    if (rc != 0)
        wstate_refuse(a, WSTATE_INTERNAL, "cannot judge the request: %s", lh_strerror(rc));
    else if (v->status == WITNESS_OK)
        rc = wstate_cosign(ws, rq, v, now, a);
    else
        wstate_refusal(ws, body, len, v, now, a);
    pthread_mutex_unlock(&ws->mu);
out:
    free(rq);
    free(v);
    return rc;
}

/* ---- listing the evidence ---------------------------------------------- */

static bool wstate_parse_u64(const char *s, uint64_t *out)
{
    return text_decimal(s, strlen(s), out) == 0;
}

/* The value of the header line "<key> <value>" starting at *p; advances *p. */
static const char *wstate_header_line(char **p, const char *key)
{
    char *nl = strchr(*p, '\n');
    if (nl == NULL)
        return NULL;
    *nl = '\0';
    size_t k = strlen(key);
    char *line = *p;
    *p = nl + 1;
    if (strncmp(line, key, k) != 0 || line[k] != ' ')
        return NULL;
    return line + k + 1;
}

/* Read the header of one evidence file, and check its lengths. */
static void wstate_read_evidence(int evfd, const char *dir, wstate_evidence *ev)
{
    char shown[PATH_MAX];
    snprintf(shown, sizeof shown, "%s/%s/%s", dir, EVIDENCE_DIR, ev->file);
    uint8_t *buf;
    size_t len;
    lh_err e = {{0}};
    int rc = fileio_read_at(evfd, ev->file, FILEIO_NOFOLLOW, "evidence file", EVIDENCE_FILE_MAX,
                            &buf, &len, &e);
    if (rc != 0) {
        snprintf(ev->problem, sizeof ev->problem, "%s", e.msg);
        return;
    }
    /* The header ends at the first empty line; fileio put a NUL after the data. */
    char *end = strstr((char *)buf, "\n\n");
    const char *what = "no header";
    if (end == NULL || (size_t)(end - (char *)buf) > EVIDENCE_HEADER_MAX)
        goto bad;
    end[1] = '\0';
    size_t header_len = (size_t)(end - (char *)buf) + 2;
    char *p = (char *)buf;
    char *nl = strchr(p, '\n');
    *nl = '\0';
    what = "not a liuhen-witness evidence file";
    if (strcmp(p, EVIDENCE_MAGIC) != 0)
        goto bad;
    p = nl + 1;
    const char *origin = wstate_header_line(&p, "origin");
    const char *size = wstate_header_line(&p, "size");
    const char *cosigned = wstate_header_line(&p, "cosigned-size");
    const char *t = wstate_header_line(&p, "time");
    const char *status = wstate_header_line(&p, "status");
    const char *reason = wstate_header_line(&p, "reason");
    const char *request = wstate_header_line(&p, "request");
    const char *note = wstate_header_line(&p, "cosigned");
    uint64_t st, nreq, nnote;
    what = "a malformed header";
    if (origin == NULL || size == NULL || cosigned == NULL || t == NULL || status == NULL ||
        reason == NULL || request == NULL || note == NULL || *p != '\0' ||
        strlen(origin) > NOTE_NAME_MAX || !wstate_parse_u64(size, &ev->size) ||
        !wstate_parse_u64(cosigned, &ev->cosigned_size) || !wstate_parse_u64(t, &ev->time) ||
        !wstate_parse_u64(status, &st) || st > 999 || !wstate_parse_u64(request, &nreq) ||
        !wstate_parse_u64(note, &nnote))
        goto bad;
    what = "its length differs from what its header says";
    if (nreq > len || nnote > len || header_len + nreq + nnote != len)
        goto bad;
    snprintf(ev->origin, sizeof ev->origin, "%s", origin);
    snprintf(ev->reason, sizeof ev->reason, "%s", reason);
    ev->status = (int)st;
    ev->ok = true;
    free(buf);
    return;
bad:
    snprintf(ev->problem, sizeof ev->problem, "%.160s: %s", shown, what);
    free(buf);
}

static int wstate_cmp_evidence(const void *pa, const void *pb)
{
    const wstate_evidence *a = pa, *b = pb;
    /* Files that could not be read come last, by name. */
    if (a->ok != b->ok)
        return a->ok ? -1 : 1;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return strcmp(a->file, b->file);
}

static bool wstate_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

int wstate_evidence_list(const char *dir, wstate_evidence **out, size_t *n, lh_err *err)
{
    *out = NULL;
    *n = 0;
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return lh_err_set(err, -errno, _("state directory %s: %s"), dir, strerror(errno));
    int evfd = openat(dirfd, EVIDENCE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(dirfd);
    if (evfd < 0 && errno == ENOENT)
        return 0;
    if (evfd < 0)
        return lh_err_set(err, -errno, "%s/%s: %s", dir, EVIDENCE_DIR, strerror(errno));
    int dupfd = dup(evfd);
    DIR *d = dupfd >= 0 ? fdopendir(dupfd) : NULL;
    if (d == NULL) {
        int rc = -errno;
        if (dupfd >= 0)
            close(dupfd);
        close(evfd);
        return lh_err_set(err, rc, "%s/%s: %s", dir, EVIDENCE_DIR, strerror(-rc));
    }
    wstate_evidence *list = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        /* Temporary files of a write in progress start with a dot. */
        if (de->d_name[0] == '.' || !wstate_has_suffix(de->d_name, ".evidence") ||
            strlen(de->d_name) >= WSTATE_NAME_MAX)
            continue;
        if (grow_room(&list, &cap, count + 1, sizeof *list, 16, 0) != 0) {
            rc = lh_err_set(err, LH_ENOMEM, _("out of memory"));
            break;
        }
        wstate_evidence *ev = &list[count++];
        memset(ev, 0, sizeof *ev);
        /* Shorter than WSTATE_NAME_MAX: checked above. */
        memcpy(ev->file, de->d_name, strlen(de->d_name) + 1);
        wstate_read_evidence(evfd, dir, ev);
        errno = 0;
    }
    if (rc == 0 && errno != 0)
        rc = lh_err_set(err, -errno, "%s/%s: %s", dir, EVIDENCE_DIR, strerror(errno));
    closedir(d);
    close(evfd);
    if (rc != 0) {
        free(list);
        return rc;
    }
    if (count > 1)
        qsort(list, count, sizeof *list, wstate_cmp_evidence);
    *out = list;
    *n = count;
    return 0;
}
